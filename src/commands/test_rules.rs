//! `meshkit-obs test-rules`: promtool unit tests of the alert and recording rules — the
//! scenario-generated test plus the hand-written ones, or just the files named.

use std::path::Path;
use std::path::PathBuf;

use anyhow::Context as _;

use meshkit_obs::alerting::rule_tests;
use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::pack::rules;
use meshkit_obs::pack::Pack;
use meshkit_obs::programs::process::shutdown_signal;
use meshkit_obs::timestamp::format_utc;

use meshkit_obs::progress::say as progress;

pub async fn run(pack: &Pack, scenario: Option<&Path>, files: &[PathBuf], observe: bool) -> anyhow::Result<Outcome> {
    let work = tempfile::Builder::new().prefix("meshkit-obs-rule-tests-").tempdir().context("creating a working directory")?;
    if observe {
        return observe_firings(pack, scenario, work.path()).await;
    }
    let mut to_run = files.to_vec();
    if files.is_empty() {
        let loaded = pack.scenario(scenario)?;
        progress(&format!("simulating {} for promtool input series", loaded.scenario.name));
        let families = meshkit_obs::generate::sim::generate(&loaded.scenario, pack.catalogue()?)?;
        let selectors = rules::selectors(pack.rule_files()?)?;
        let out = pack.cache_dir().join("rule-tests").join(format!("{}.test.yaml", loaded.scenario.name));
        std::fs::create_dir_all(out.parent().expect("has a parent")).with_context(|| format!("creating {}", out.display()))?;
        let generated = rule_tests::generate(&loaded.scenario, &families, pack.rule_files()?, &selectors, &out)?;
        progress(&format!(
            "generated {}: {} input series, {} expected alerts, {} healthy stretches",
            out.display(),
            generated.series,
            generated.expected_alerts,
            generated.healthy_stretches.len()
        ));
        for (from, to) in &generated.healthy_stretches {
            progress(&format!("  healthy {} .. {}", format_utc(*from), format_utc(*to)));
        }
        to_run.push(out);
        to_run.extend(rule_tests::hand_written(pack.root()));
    }
    for file in &to_run {
        if !file.is_file() {
            return Err(ToolError::InvalidInput(format!("{}: no such test file; pass promtool test files (YAML)", file.display())).into());
        }
    }
    progress(&format!("running promtool test rules on {} file(s)", to_run.len()));
    let results = tokio::select! {
        results = rule_tests::run(&to_run, work.path()) => results?,
        signal = shutdown_signal() => return Err(ToolError::Interrupted(signal).into()),
    };
    let failed: Vec<&rule_tests::FileResult> = results.iter().filter(|r| !r.passed).collect();
    for result in &results {
        println!("{} {}", if result.passed { "ok  " } else { "FAIL" }, result.path.display());
    }
    for result in &failed {
        // promtool pads its report with blank lines; keep the report, drop the padding.
        let report: Vec<&str> = result.output.lines().filter(|l| !l.trim().is_empty()).collect();
        println!("\n--- {} ---\n{}", result.path.display(), report.join("\n"));
    }
    println!("\n{} of {} rule test file(s) passed", results.len() - failed.len(), results.len());
    Ok(if failed.is_empty() { Outcome::Success } else { Outcome::ProblemsFound })
}

/// Runs every alert at every evaluation of the scenario and prints what fired, per incident,
/// as `expect_alerts` entries to review and paste into the scenario — and, as problems, what
/// fired outside every incident and its settle time.
async fn observe_firings(pack: &Pack, scenario: Option<&Path>, work: &std::path::Path) -> anyhow::Result<Outcome> {
    let loaded = pack.scenario(scenario)?;
    let scenario = &loaded.scenario;
    progress(&format!("simulating {} and evaluating every alert at every step (this takes a while)", scenario.name));
    let families = meshkit_obs::generate::sim::generate(scenario, pack.catalogue()?)?;
    let selectors = rules::selectors(pack.rule_files()?)?;
    let probe = work.join("observe.test.yaml");
    rule_tests::generate_observer(scenario, &families, pack.rule_files()?, &selectors, &probe)?;
    drop(families);
    let results = tokio::select! {
        results = rule_tests::run(std::slice::from_ref(&probe), work) => results?,
        signal = shutdown_signal() => return Err(ToolError::Interrupted(signal).into()),
    };
    let firings = rule_tests::first_firings(&results[0].output);
    let static_labels: std::collections::BTreeMap<&str, &std::collections::BTreeMap<String, rules::Located>> =
        pack.rule_files()?.iter().flat_map(|f| f.rules()).map(|r| (r.name.value.as_str(), &r.labels)).collect();
    let mut outside = Vec::new();
    for (index, incident) in scenario.incidents.iter().enumerate() {
        let mine: Vec<&rule_tests::Firing> =
            firings.iter().filter(|f| (incident.start..=incident.end).contains(&(scenario.start + f.at))).collect();
        println!("# incidents[{index}] {} {} .. {}", incident.kind.name(), format_utc(incident.start), format_utc(incident.end));
        println!("    expect_alerts:{}", if mine.is_empty() { " []" } else { "" });
        for firing in mine {
            let fixed = static_labels.get(firing.alert.as_str());
            let labels: Vec<String> = firing
                .labels
                .iter()
                .filter(|(k, v)| fixed.and_then(|l| l.get(*k)).is_none_or(|fixed| fixed.value != **v))
                .map(|(k, v)| format!("{k}: {}", serde_json::to_string(v).expect("strings serialise")))
                .collect();
            let after = scenario.start + firing.at - incident.start;
            println!("      - alert: {}", firing.alert);
            println!("        labels: {{{}}}", labels.join(", "));
            println!("        fires_after: {}", if after % 60 == 0 { format!("{}m", after / 60) } else { format!("{after}s") });
            println!("        description: {}", serde_json::to_string(&firing.description).expect("strings serialise"));
        }
    }
    for firing in &firings {
        let t = scenario.start + firing.at;
        if !scenario.incidents.iter().any(|i| t >= i.start && t <= i.end + scenario.alert_settle) {
            outside.push(format!("{} {} {:?}", format_utc(t), firing.alert, firing.labels));
        }
    }
    if outside.is_empty() {
        progress("no alert fired outside the incidents and their settle time");
        Ok(Outcome::Success)
    } else {
        println!("\n# fired outside every incident (+ alert_settle):");
        for line in &outside {
            println!("#   {line}");
        }
        Ok(Outcome::ProblemsFound)
    }
}
