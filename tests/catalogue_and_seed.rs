//! The catalogue contract (what the simulator emits vs. what the catalogue lists), determinism,
//! the seed cache, the generated metrics page, and the errors users get for bad input.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use meshkit_obs::pack::catalogue::{Catalogue, MetricType};
use meshkit_obs::pack::scenario;

/// Determinism and the seed cache are proven on this small scenario (seconds to seed); the
/// reference scenario stays for what is about its incidents and the catalogue contract.
const SMALL_SCENARIO: &str = "tests/fixtures/scenarios/small.yaml";

fn catalogue() -> Catalogue {
    Catalogue::load(&common::pack_root().join(meshkit_obs::pack::layout::CATALOGUE)).expect("catalogue loads")
}

#[test]
fn every_emitted_series_is_in_the_catalogue_and_every_entry_is_emitted() {
    let catalogue = catalogue();
    let scenario = scenario::load(&common::pack_root().join("scenarios/reference.yaml"), i64::MAX / 4).unwrap();
    let start = scenario.start.to_string();
    let end = scenario.end.to_string();
    let series = common::get_json("/api/v1/series", &[("match[]", r#"{__name__=~".+"}"#), ("start", &start), ("end", &end)]);
    let mut emitted_names = BTreeSet::new();
    let mut problems = Vec::new();
    for labels in series.as_array().unwrap() {
        let labels: BTreeMap<String, String> =
            labels.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect();
        let name = &labels["__name__"];
        emitted_names.insert(name.clone());
        if name.contains(':') {
            // Written by the seed's recording-rule backfill, checked below.
            continue;
        }
        let Some(metric) = catalogue.family_of_series(name) else {
            problems.push(format!("{name} is not in the catalogue"));
            continue;
        };
        let allowed = catalogue.allowed_label_names(metric);
        for (key, value) in &labels {
            if key == "__name__" || (key == "le" && metric.kind == MetricType::Histogram) {
                continue;
            }
            if !allowed.contains(key) {
                problems.push(format!("{name} carries undeclared label {key}"));
            } else if let Some(values) = catalogue.allowed_values(metric, key) {
                if !values.contains(value) {
                    problems.push(format!("{name} has {key}=\"{value}\" outside {values:?}"));
                }
            }
        }
    }
    for metric in &catalogue.metrics {
        for name in metric.series_names() {
            if !emitted_names.contains(&name) {
                problems.push(format!("catalogue entry {name} is never emitted by the reference scenario"));
            }
        }
    }
    let recorded: BTreeSet<String> = meshkit_obs::pack::rules::load_all(&common::pack_root())
        .unwrap()
        .iter()
        .flat_map(|f| {
            f.rules().filter(|r| r.kind == meshkit_obs::pack::rules::RuleKind::Record).map(|r| r.name.value.clone()).collect::<Vec<_>>()
        })
        .collect();
    let stored_records: BTreeSet<String> = emitted_names.iter().filter(|n| n.contains(':')).cloned().collect();
    for missing in recorded.difference(&stored_records) {
        problems.push(format!("recording rule {missing} was not backfilled into the seed"));
    }
    for unknown in stored_records.difference(&recorded) {
        problems.push(format!("recorded series {unknown} is no recording rule of the pack"));
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{} problem(s):\n  {}", problems.len(), problems.join("\n  "));
}

#[test]
fn histograms_are_consistent_and_counters_never_decrease_without_a_restart() {
    let scenario = scenario::load(&common::pack_root().join("scenarios/reference.yaml"), i64::MAX / 4).unwrap();
    // +Inf equals _count at every sample, for every histogram family.
    for metric in catalogue().metrics.iter().filter(|m| m.kind == MetricType::Histogram) {
        let query = format!(r#"{0}_bucket{{le="+Inf"}} != ignoring (le) {0}_count"#, metric.name);
        let mismatch = common::query_range(&query, scenario.start, scenario.end, 600);
        assert!(mismatch.is_empty(), "{}: +Inf bucket differs from _count: {:?}", metric.name, mismatch.first().map(|s| &s.labels));
    }
    // Buckets are cumulative: a lower bound never holds more than the next one up.
    let non_cumulative = common::query_range(
        r#"omnirelay_http_request_duration_milliseconds_bucket{le="250"} > ignoring (le) omnirelay_http_request_duration_milliseconds_bucket{le="500"}"#,
        scenario.start,
        scenario.end,
        600,
    );
    assert!(non_cumulative.is_empty(), "buckets are not cumulative");
    // Counter resets happen only when the target restarted (up went 0 then 1).
    for metric in catalogue().metrics.iter().filter(|m| m.kind == MetricType::Counter) {
        let query = format!("sum by (node) (resets({}[10m])) > 0 unless on (node) (min_over_time(up[10m]) == 0)", metric.name);
        let resets = common::query_range(&query, scenario.start, scenario.end, 600);
        assert!(
            resets.is_empty(),
            "{} resets without a restart on {:?}",
            metric.name,
            resets.iter().map(|s| s.label("node")).collect::<Vec<_>>()
        );
    }
    // Each node counts itself alive, so alive >= 1 wherever the node reports.
    let lonely = common::query_range(r#"mesh_gossip_members_peers{mesh_status="alive"} < 1"#, scenario.start, scenario.end, 600);
    assert!(lonely.is_empty(), "a node's view lacks itself");
}

#[test]
fn generation_is_byte_identical_across_runs() {
    let path = common::pack_root().join(SMALL_SCENARIO);
    let catalogue = catalogue();
    let render = || {
        let scenario = scenario::load(&path, i64::MAX / 4).unwrap();
        let families = meshkit_obs::generate::sim::generate(&scenario, &catalogue).unwrap();
        let mut bytes = Vec::new();
        meshkit_obs::generate::openmetrics::write(&families, i64::MAX / 4, &mut bytes).unwrap();
        bytes
    };
    let first = render();
    let second = render();
    assert!(first.len() > 1_000_000, "suspiciously little output: {} bytes", first.len());
    assert!(first == second, "two generations of the same scenario differ");
}

#[test]
fn seed_reports_its_summary_and_hits_the_cache_the_second_time() {
    let cache = tempfile::tempdir().unwrap();
    let cache_arg = cache.path().to_str().unwrap();
    let seed = ["seed", "--json", "--scenario", SMALL_SCENARIO, "--cache-dir", cache_arg];
    let first = common::run_tool(&seed, &[]);
    assert!(first.status.success(), "{}", common::stderr(&first));
    let summary: serde_json::Value = serde_json::from_str(&common::stdout(&first)).expect("seed --json prints JSON");
    for field in ["series", "samples", "data_dir", "cache_hit", "window_start", "window_end"] {
        assert!(summary.get(field).is_some(), "seed --json lacks {field}: {summary}");
    }
    assert_eq!(summary["cache_hit"], false);
    assert_eq!(
        (summary["window_start"].as_str(), summary["window_end"].as_str()),
        (Some("2026-11-02T00:00:00Z"), Some("2026-11-02T02:00:00Z"))
    );
    assert!(summary["samples"].as_u64().unwrap() > summary["series"].as_u64().unwrap());
    assert!(std::path::Path::new(summary["data_dir"].as_str().unwrap()).is_dir());
    let second = common::run_tool(&seed, &[]);
    let again: serde_json::Value = serde_json::from_str(&common::stdout(&second)).unwrap();
    assert_eq!(again["cache_hit"], true);
    assert_eq!(again["samples"], summary["samples"]);
    assert_eq!(again["data_dir"], summary["data_dir"]);
}

#[test]
fn the_metrics_page_is_generated_from_the_catalogue() {
    let output = common::run_tool(&["metrics-doc", "--check"], &[]);
    assert!(output.status.success(), "docs/metrics.md is stale: {}", common::stdout(&output));
    let page = std::fs::read_to_string(common::pack_root().join("docs/metrics.md")).unwrap();
    for metric in &catalogue().metrics {
        assert!(page.contains(&format!("`{}", metric.name)), "docs/metrics.md lacks {}", metric.name);
    }
    for prerequisite in ["AddMeter(", "/omnirelay/metrics", "scrape_protocols", "AddView(", "Native AOT"] {
        assert!(page.contains(prerequisite), "docs/metrics.md lacks the host prerequisite {prerequisite}");
    }
}

#[test]
fn a_stale_metrics_page_is_reported_with_exit_1() {
    let pack = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(pack.path().join("metrics")).unwrap();
    std::fs::create_dir_all(pack.path().join("docs")).unwrap();
    std::fs::copy(common::pack_root().join("metrics/catalogue.yaml"), pack.path().join("metrics/catalogue.yaml")).unwrap();
    std::fs::write(pack.path().join("docs/metrics.md"), "old\n").unwrap();
    let pack_arg = pack.path().to_str().unwrap();
    let check = common::run_tool(&["metrics-doc", "--check", "--pack", pack_arg], &[]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(pack.path().join("docs/metrics.md")).unwrap(), "old\n", "--check must not write");
    let write = common::run_tool(&["metrics-doc", "--pack", pack_arg], &[]);
    assert!(write.status.success());
    assert_eq!(common::run_tool(&["metrics-doc", "--check", "--pack", pack_arg], &[]).status.code(), Some(0));
}

/// (series, timestamp) of every recorded sample in a seeded TSDB, read with `promtool tsdb dump`
/// from a copy (dump wants a WAL folder and must not touch the cache).
fn recorded_instants(data_dir: &str) -> std::collections::BTreeSet<(String, String)> {
    let copy = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("cp").arg("-a").arg(format!("{data_dir}/.")).arg(copy.path()).status().unwrap();
    assert!(status.success());
    std::fs::create_dir_all(copy.path().join("wal")).unwrap();
    let dump = std::process::Command::new("promtool")
        .args(["tsdb", "dump", "--match", "{__name__=~\".+:.+\"}"])
        .arg(copy.path())
        .output()
        .unwrap();
    assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
    String::from_utf8_lossy(&dump.stdout)
        .lines()
        .filter_map(|line| {
            let (series, rest) = line.rsplit_once("} ")?;
            let timestamp = rest.split_whitespace().last()?;
            Some((series.to_string(), timestamp.to_string()))
        })
        .collect()
}

#[test]
fn two_cold_seeds_record_the_rules_at_the_same_instants() {
    // promtool offsets a rule group's evaluations by a hash of the rule file's path; a path that
    // differed per run once moved every recorded sample and with it dashboard pixels.
    let mut instants = Vec::new();
    for _ in 0..2 {
        let cache = tempfile::tempdir().unwrap();
        let output =
            common::run_tool(&["seed", "--json", "--scenario", SMALL_SCENARIO, "--cache-dir", cache.path().to_str().unwrap()], &[]);
        assert!(output.status.success(), "{}", common::stderr(&output));
        let summary: serde_json::Value = serde_json::from_str(&common::stdout(&output)).unwrap();
        instants.push(recorded_instants(summary["data_dir"].as_str().unwrap()));
    }
    assert!(instants[0].len() > 5_000, "{} recorded samples", instants[0].len());
    assert!(instants[0] == instants[1], "recorded samples sit at other instants in the second seed");
}
