//! `meshkit-obs release-notes --from <rev> [--to <rev>]`: reads the pack's dashboards and rule
//! files at both revisions with git, and prints the operator-facing changes as Markdown
//! (`meshkit_obs::publish::release_notes`), ready to edit into CHANGELOG.md.

use std::path::Path;

use meshkit_obs::exit::Outcome;
use meshkit_obs::pack::git::Repo;
use meshkit_obs::pack::layout;
use meshkit_obs::publish::release_notes::{self, Snapshot};

pub fn run(pack: &Path, from: &str, to: Option<&str>) -> anyhow::Result<Outcome> {
    let repo = Repo::open(pack)?;
    let to = to.unwrap_or("HEAD");
    let (from_commit, to_commit) = (repo.resolve(from)?, repo.resolve(to)?);
    let old = Snapshot::at(&repo, &from_commit)?;
    let new = Snapshot::at(&repo, &to_commit)?;
    let baselines = repo.changes(&from_commit, &to_commit, layout::BASELINES)?;
    let notes = release_notes::compare(&old, &new, &baselines);
    let short = |commit: &str| commit.chars().take(10).collect::<String>();
    print!("{}", release_notes::render(&notes, &format!("`{from}` ({}) → `{to}` ({})", short(&from_commit), short(&to_commit))));
    Ok(Outcome::Success)
}
