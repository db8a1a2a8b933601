//! `meshkit-obs alertmanager-config`: render alerts/alertmanager.yml with webhook URLs from the
//! environment, validate it with amtool, and write it (atomically) or print it.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use meshkit_obs::alerting::alertmanager;
use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::pack::layout;
use meshkit_obs::pack::Pack;

pub async fn run(pack: &Pack, out: Option<&Path>) -> anyhow::Result<Outcome> {
    let source = pack.path(layout::ALERTMANAGER_CONFIG);
    let template =
        std::fs::read_to_string(&source).map_err(|err| ToolError::InvalidInput(format!("{}: cannot read: {err}", source.display())))?;
    let rendered = alertmanager::render(&template, |name| std::env::var(name).ok().filter(|v| !v.is_empty()))?;
    let work = tempfile::Builder::new().prefix("meshkit-obs-alertmanager-").tempdir().context("creating a working directory")?;
    let candidate: PathBuf = work.path().join("alertmanager.yml");
    std::fs::write(&candidate, &rendered).context("writing the rendered configuration")?;
    if let Err(report) = alertmanager::check(&candidate).await? {
        return Err(ToolError::InvalidInput(format!(
            "{}: amtool check-config rejects the rendered configuration (are the URLs valid http(s) URLs?):\n{report}",
            source.display()
        ))
        .into());
    }
    match out {
        Some(out) => {
            meshkit_obs::fsutil::write_atomic(out, rendered.as_bytes()).with_context(|| format!("writing {}", out.display()))?;
            eprintln!("meshkit-obs: wrote {} (amtool check-config: SUCCESS)", out.display());
        }
        None => print!("{rendered}"),
    }
    Ok(Outcome::Success)
}
