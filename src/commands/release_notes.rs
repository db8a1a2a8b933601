//! `meshkit-obs release-notes --from <rev> [--to <rev>]`: reads the pack's dashboards and rule
//! files at both revisions with git, and prints the operator-facing changes as Markdown
//! (`meshkit_obs::publish::release_notes`), ready to edit into CHANGELOG.md.

use std::path::Path;

use meshkit_obs::diagnostic::Diagnostic;
use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::pack::dashboards::DashboardFile;
use meshkit_obs::pack::git::Repo;
use meshkit_obs::pack::layout;
use meshkit_obs::pack::rules::{self, RULES_SUFFIX};
use meshkit_obs::publish::release_notes::{self, Snapshot};

pub fn run(pack: &Path, from: &str, to: Option<&str>) -> anyhow::Result<Outcome> {
    let repo = Repo::open(pack)?;
    let to = to.unwrap_or("HEAD");
    let (from_commit, to_commit) = (repo.resolve(from)?, repo.resolve(to)?);
    let old = snapshot(&repo, &from_commit)?;
    let new = snapshot(&repo, &to_commit)?;
    let baselines = repo.changes(&from_commit, &to_commit, layout::BASELINES)?;
    let notes = release_notes::compare(&old, &new, &baselines);
    let short = |commit: &str| commit.chars().take(10).collect::<String>();
    print!("{}", release_notes::render(&notes, &format!("`{from}` ({}) → `{to}` ({})", short(&from_commit), short(&to_commit))));
    Ok(Outcome::Success)
}

/// The dashboards and rule files of revision `commit`.
fn snapshot(repo: &Repo, commit: &str) -> Result<Snapshot, ToolError> {
    let mut snapshot = Snapshot::default();
    for path in repo.files(commit, layout::DASHBOARDS)?.iter().filter(|p| p.ends_with(".json")) {
        let file = DashboardFile::from_bytes(Path::new(&format!("{commit}:{path}")), repo.show(commit, path)?.as_bytes());
        let model = file.model().map_err(|diagnostic| Diagnostic {
            fix: Some("release notes read every dashboard at both revisions: pick revisions whose dashboards parse".into()),
            ..diagnostic
        })?;
        snapshot.add_dashboard(path, model);
    }
    let rule_files = repo.files(commit, layout::RULES)?;
    // Only the rule files directly in alerts/ (alerts/tests/ holds promtool tests).
    for path in rule_files.iter().filter(|p| p.ends_with(RULES_SUFFIX) && p.matches('/').count() == 1) {
        let file = rules::parse(Path::new(&format!("{commit}:{path}")), &repo.show(commit, path)?)?;
        snapshot.add_rules(&file);
    }
    Ok(snapshot)
}
