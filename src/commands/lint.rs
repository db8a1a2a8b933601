//! `meshkit-obs lint`: report findings about the pack's rules (exit 1 when there are any).

use crate::catalogue::Catalogue;
use crate::cli::PackArgs;
use crate::exit::Outcome;
use crate::lint::{self, Finding};
use crate::rules;

use super::progress;

pub async fn run(pack: &PackArgs, list: bool) -> anyhow::Result<Outcome> {
    if list {
        for (id, what) in lint::RULE_IDS {
            println!("{id:<24} {what}");
        }
        return Ok(Outcome::Success);
    }
    let catalogue = Catalogue::load(&pack.pack)?;
    let mut files = Vec::new();
    let mut findings = Vec::new();
    for path in rules::rule_file_paths(&pack.pack)? {
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
    progress(&format!("linting {} rule file(s)", files.len()));
    let all_files_read = findings.is_empty();
    findings.extend(lint::rules::lint(&pack.pack, &files, all_files_read, &catalogue).await?);
    findings.sort();
    for finding in &findings {
        println!("{finding}");
    }
    if findings.is_empty() {
        println!("lint: no findings in {} rule file(s)", files.len());
        Ok(Outcome::Success)
    } else {
        println!("lint: {} finding(s)", findings.len());
        Ok(Outcome::ProblemsFound)
    }
}
