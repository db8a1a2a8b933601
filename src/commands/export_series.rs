//! `meshkit-obs export-series`: a scenario (or a window of it) as promtool `input_series`, in a
//! test-file skeleton ready for `rule_files:` and assertions.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;

use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::generate::input_series::{self, Filter};
use meshkit_obs::pack::promql::{self, Selector};
use meshkit_obs::pack::Pack;
use meshkit_obs::timestamp::{format_utc, parse_utc};

use meshkit_obs::progress::say as progress;

pub struct Request<'a> {
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub matches: &'a [String],
    pub out: Option<&'a Path>,
}

pub fn run(pack: &Pack, scenario: Option<&Path>, request: &Request) -> anyhow::Result<Outcome> {
    let loaded = pack.scenario(scenario)?;
    let scenario = &loaded.scenario;
    let time = |flag: &str, value: Option<&str>, default: i64| -> Result<i64, ToolError> {
        let Some(text) = value else { return Ok(default) };
        let t = parse_utc(text).map_err(|err| ToolError::InvalidInput(format!("{flag} {text}: {err}")))?;
        if t < scenario.start || t > scenario.end || (t - scenario.start) % scenario.step != 0 {
            return Err(ToolError::InvalidInput(format!(
                "{flag} {text} must be a scrape time inside the scenario window {} .. {} (every {}s)",
                format_utc(scenario.start),
                format_utc(scenario.end),
                scenario.step
            )));
        }
        Ok(t)
    };
    let from = time("--from", request.from, scenario.start)?;
    let to = time("--to", request.to, scenario.end)?;
    if to <= from {
        return Err(ToolError::InvalidInput(format!("--to {} must be after --from {}", format_utc(to), format_utc(from))).into());
    }
    let mut selectors: Vec<Selector> = Vec::new();
    for text in request.matches {
        let expr = promql::parse(text).map_err(|err| ToolError::InvalidInput(format!("--match {text}: not a PromQL selector: {err}")))?;
        let reads = promql::reads(&expr);
        if reads.selectors.len() != 1 {
            return Err(ToolError::InvalidInput(format!(
                "--match {text}: give one series selector, like mesh_gossip_members_peers{{cluster=\"prod-eu-west\"}}"
            ))
            .into());
        }
        selectors.extend(reads.selectors);
    }
    let families = meshkit_obs::generate::sim::generate(scenario, pack.catalogue()?)?;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# Exported by meshkit-obs from {}: {} .. {}; test time 0s = {}.",
        scenario.path.display(),
        format_utc(from),
        format_utc(to),
        format_utc(from)
    );
    let _ = writeln!(text, "# Add the rule files to test and the assertions (alert_rule_test / promql_expr_test).");
    let _ = writeln!(text, "rule_files: []\nevaluation_interval: {0}s\ntests:\n  - interval: {0}s\n    input_series:", scenario.step);
    let filter = Filter { selectors: (!selectors.is_empty()).then_some(selectors.as_slice()) };
    let written = input_series::write(&families, &filter, from, to, scenario.step, "      ", &mut text);
    if written.series == 0 {
        return Err(ToolError::InvalidInput(
            "no simulated series matches the --match selectors in that window; check names against metrics/catalogue.yaml".to_string(),
        )
        .into());
    }
    match request.out {
        Some(out) => {
            meshkit_obs::fsutil::write_atomic(out, text.as_bytes()).with_context(|| format!("writing {}", out.display()))?;
            progress(&format!("wrote {} series, {} values to {}", written.series, written.values, out.display()));
        }
        None => print!("{text}"),
    }
    Ok(Outcome::Success)
}
