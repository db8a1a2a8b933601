//! `meshkit-obs export-rules`: copy the rule files for a deployment (`rules::Deployment`: its
//! runbook and Grafana base URLs and its scrape job), validated with promtool.

use std::path::Path;

use anyhow::Context as _;

use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::pack::rules::{self, Deployment};
use meshkit_obs::pack::Pack;

pub async fn run(pack: &Pack, deployment: &Deployment<'_>, out: &Path) -> anyhow::Result<Outcome> {
    for (flag, url) in [("--runbook-base-url", deployment.runbook_base), ("--grafana-url", deployment.grafana_url)] {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ToolError::InvalidInput(format!(
                "{flag} `{url}` is not an http(s) URL; pass e.g. https://git.example.com/mesh/pack/blob/main/docs/runbooks/"
            ))
            .into());
        }
    }
    let job = deployment.scrape_job;
    if job.is_empty() || !job.chars().all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c)) {
        return Err(ToolError::InvalidInput(format!(
            "--scrape-job `{job}`: not a plain job name; pass the `job` label your Prometheus gives MeshKit targets (letters, digits, _ . : -)"
        ))
        .into());
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let paths = rules::rule_file_paths(pack.root())?;
    // Everything is exported and checked in a scratch folder first: a rejected file leaves
    // the output folder as it was.
    let scratch = tempfile::tempdir().context("creating a scratch folder")?;
    let mut exported = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let text = deployment.apply(&text);
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
