//! `meshkit-obs lint`: report findings about the pack's rule files, dashboards and Grafana
//! provisioning files (exit 1 when there are any, 2 when lint cannot run).

use meshkit_obs::exit::Outcome;
use meshkit_obs::lint::{self, Finding};
use meshkit_obs::pack::layout;
use meshkit_obs::pack::rules;
use meshkit_obs::pack::Pack;

use meshkit_obs::progress::say as progress;

pub async fn run(pack: &Pack, list: bool) -> anyhow::Result<Outcome> {
    if list {
        for (id, what) in lint::RULE_IDS {
            println!("{id:<36} {what}");
        }
        return Ok(Outcome::Success);
    }
    let root = pack.root();
    let catalogue = pack.catalogue()?;
    let mut files = Vec::new();
    let mut findings = Vec::new();
    // A pack without alerts/ (dashboards only) has no rule files to lint.
    let rule_files = if root.join(layout::RULES).is_dir() { rules::rule_file_paths(root)? } else { Vec::new() };
    for path in rule_files {
        match rules::load(&path) {
            Ok(file) => files.push(file),
            Err(unreadable) => findings.push(Finding {
                path: unreadable.path,
                line: unreadable.at.line,
                column: unreadable.at.column,
                rule: lint::rule_id("rule-file"),
                message: unreadable.message,
                fix: "fix the YAML so it is a Prometheus rule file".to_string(),
            }),
        }
    }
    let dashboards = lint::dashboards::read_all(root)?;
    let provisioning_files = lint::provisioning::file_count(root);
    progress(&format!(
        "linting {} rule file(s), {} dashboard(s), {provisioning_files} provisioning file(s)",
        files.len(),
        dashboards.len()
    ));
    let all_files_read = findings.is_empty();
    let series = lint::series::Series::new(catalogue, &files);
    findings.extend(lint::rules::lint(root, &files, all_files_read, catalogue, &series).await?);
    findings.extend(lint::dashboards::lint(root, &dashboards, catalogue, &series));
    findings.extend(lint::provisioning::lint(root, &dashboards));
    findings.sort();
    for finding in &findings {
        println!("{finding}");
    }
    if findings.is_empty() {
        println!(
            "lint: no findings in {} rule file(s), {} dashboard(s), {provisioning_files} provisioning file(s)",
            files.len(),
            dashboards.len()
        );
        Ok(Outcome::Success)
    } else {
        println!("lint: {} finding(s)", findings.len());
        Ok(Outcome::ProblemsFound)
    }
}
