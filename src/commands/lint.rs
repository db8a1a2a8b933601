//! `meshkit-obs lint`: report findings about the pack's rule files, dashboards and Grafana
//! provisioning files (exit 1 when there are any, 2 when lint cannot run).

use meshkit_obs::exit::Outcome;
use meshkit_obs::lint::{self, Inputs, RuleId};
use meshkit_obs::pack::Pack;

use meshkit_obs::progress::say as progress;

pub async fn run(pack: &Pack, list: bool) -> anyhow::Result<Outcome> {
    if list {
        for rule in RuleId::ALL {
            println!("{:<36} {}", rule.to_string(), rule.description());
        }
        return Ok(Outcome::Success);
    }
    let root = pack.root();
    let inputs = Inputs::read(root)?;
    let provisioning_files = lint::provisioning::file_count(root);
    let rule_files = inputs.rule_files.len() + inputs.unreadable_rule_files.len();
    let counts = format!("{rule_files} rule file(s), {} dashboard(s), {provisioning_files} provisioning file(s)", inputs.dashboards.len());
    progress(&format!("linting {counts}"));
    let findings = lint::lint(&inputs).await?;
    for finding in &findings {
        println!("{finding}");
    }
    if findings.is_empty() {
        println!("lint: no findings in {counts}");
        Ok(Outcome::Success)
    } else {
        println!("lint: {} finding(s)", findings.len());
        Ok(Outcome::ProblemsFound)
    }
}
