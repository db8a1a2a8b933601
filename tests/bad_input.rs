//! Bad input and a broken machine: each case gets exit code 2 and a message that names the
//! file, the line and column (or the field path), and the fix. Nothing is cached.

mod common;

/// Applies `from -> to` to the reference scenario, runs `seed`, and returns (exit code,
/// stderr, the 1-based line where `to` landed).
fn seed_with(from: &str, to: &str) -> (Option<i32>, String, usize) {
    let reference = common::reference_text();
    assert!(reference.contains(from), "the reference scenario no longer contains {from:?}; update this test");
    let text = reference.replacen(from, to, 1);
    let line = text.lines().position(|l| l.contains(to.lines().next().unwrap())).unwrap() + 1;
    let path = common::scenario_file(&text);
    let cache = tempfile::tempdir().unwrap();
    let output = common::run_tool(&["seed", "--scenario", path.to_str().unwrap(), "--cache-dir", cache.path().to_str().unwrap()], &[]);
    assert!(std::fs::read_dir(cache.path()).unwrap().next().is_none(), "a rejected scenario must not create cache entries");
    (output.status.code(), common::stderr(&output), line)
}

fn assert_located(case: &str, (code, stderr, line): (Option<i32>, String, usize), needles: &[&str]) {
    assert_eq!(code, Some(2), "{case}: exit code; stderr:\n{stderr}");
    assert!(stderr.contains(&format!("scenario.yaml:{line}:")), "{case}: no file:line:column pointing at line {line}:\n{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{case}: message lacks {needle:?}:\n{stderr}");
    }
}

#[test]
fn malformed_yaml_is_located() {
    let (code, stderr, _) = seed_with("scrape_interval: 60s\n", "scrape_interval: [60s\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("scenario.yaml:") && stderr.contains("reference.yaml for the expected shape"), "{stderr}");
}

#[test]
fn unknown_incident_kind_names_the_known_ones() {
    let result = seed_with("  - kind: leader_flap\n", "  - kind: leader_flop\n");
    assert_located("unknown kind", result, &["incidents[0].kind", "unknown incident kind `leader_flop`", "use one of leader_flap"]);
}

#[test]
fn unknown_cluster_namespace_and_node_are_named_with_what_exists() {
    let cluster =
        seed_with("target: {cluster: prod-us-east, node: use-payments-2}", "target: {cluster: prod-us-west, node: use-payments-2}");
    assert_located(
        "unknown cluster",
        cluster,
        &["incidents[3].target.cluster", "unknown cluster `prod-us-west`", "known clusters: prod-eu-west, prod-us-east, staging"],
    );
    let namespace =
        seed_with("target: {cluster: prod-us-east, namespace: payments}", "target: {cluster: prod-us-east, namespace: paymnts}");
    assert_located("unknown namespace", namespace, &["target.namespace", "unknown namespace `paymnts`", "known there: payments, orders"]);
    let node = seed_with("target: {cluster: prod-eu-west, node: euw-orders-1}", "target: {cluster: prod-eu-west, node: euw-orders-9}");
    assert_located("unknown node", node, &["target.node", "unknown node `euw-orders-9`", "euw-orders-1"]);
}

#[test]
fn an_incident_outside_the_window_is_refused() {
    let result = seed_with("    start: 2026-11-02T00:30:00Z\n", "    start: 2026-11-01T23:30:00Z\n");
    assert_located("outside window", result, &["incidents[0].start", "outside the window", "move it inside"]);
}

#[test]
fn a_window_in_the_future_is_refused() {
    let result = seed_with("  end: 2026-11-02T12:00:00Z\n", "  end: 2099-11-02T12:00:00Z\n");
    assert_located("future window", result, &["window.end", "is in the future", "move the window into the past"]);
}

#[test]
fn a_missing_promtool_names_the_install_command() {
    let cache = tempfile::tempdir().unwrap();
    let output = common::run_tool(&["seed", "--cache-dir", cache.path().to_str().unwrap()], &[("PATH", "/nonexistent")]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = common::stderr(&output);
    assert!(stderr.contains("`promtool` not found") && stderr.contains("apt-get install -y prometheus"), "{stderr}");
}

#[test]
fn a_missing_scenario_file_is_named() {
    let output = common::run_tool(&["seed", "--scenario", "scenarios/nope.yaml"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = common::stderr(&output);
    assert!(stderr.contains("scenarios/nope.yaml") && stderr.contains("--scenario"), "{stderr}");
}
