//! `meshkit-obs export-rules`: copy the rule files for a deployment, with the runbook and
//! Grafana base URLs swapped for the deployment's, validated with promtool.

use std::path::Path;

use anyhow::Context as _;

use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::pack::links::{DEFAULT_GRAFANA_URL, DEFAULT_RUNBOOK_BASE};
use meshkit_obs::pack::rules;
use meshkit_obs::pack::Pack;

pub async fn run(pack: &Pack, runbook_base: &str, grafana_url: &str, out: &Path) -> anyhow::Result<Outcome> {
    for (flag, url) in [("--runbook-base-url", runbook_base), ("--grafana-url", grafana_url)] {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ToolError::InvalidInput(format!(
                "{flag} `{url}` is not an http(s) URL; pass e.g. https://git.example.com/mesh/pack/blob/main/docs/runbooks/"
            ))
            .into());
        }
    }
    let runbook_base = format!("{}/", runbook_base.trim_end_matches('/'));
    let grafana_url = grafana_url.trim_end_matches('/');
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let paths = rules::rule_file_paths(pack.root())?;
    // Everything is exported and checked in a scratch folder first: a rejected file leaves
    // the output folder as it was.
    let scratch = tempfile::tempdir().context("creating a scratch folder")?;
    let mut exported = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let text =
            text.replace(DEFAULT_RUNBOOK_BASE, &runbook_base).replace(&format!("{DEFAULT_GRAFANA_URL}/d/"), &format!("{grafana_url}/d/"));
        let name = path.file_name().expect("rule files have names").to_owned();
        let candidate = scratch.path().join(&name);
        std::fs::write(&candidate, &text).with_context(|| format!("writing {}", candidate.display()))?;
        if let Err(report) = rules::promtool_check(&candidate).await? {
            return Err(ToolError::ChildFailed(format!("promtool rejects the export of {}: {report}", path.display())).into());
        }
        exported.push((out.join(name), text));
    }
    for (target, text) in &exported {
        meshkit_obs::fsutil::write_atomic(target, text.as_bytes()).with_context(|| format!("writing {}", target.display()))?;
        println!("{}", target.display());
    }
    eprintln!("meshkit-obs: exported {} rule file(s) to {} (promtool check rules: SUCCESS)", paths.len(), out.display());
    Ok(Outcome::Success)
}
