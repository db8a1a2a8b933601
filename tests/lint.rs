//! `meshkit-obs lint` on the pack (clean) and on mutated copies of its rule files: each rule-file
//! lint rule has a fixture that trips it, and the finding names the file, the line and the rule
//! id. Dashboard and provisioning rules: tests/lint_dashboards.rs.

mod common;

use std::path::Path;

fn pack_copy() -> tempfile::TempDir {
    common::lint_pack_copy()
}

fn lint(pack: &Path) -> (Option<i32>, String) {
    let output = common::run_tool(&["lint", "--pack", pack.to_str().unwrap()], &[]);
    (output.status.code(), format!("{}{}", String::from_utf8_lossy(&output.stdout), common::stderr(&output)))
}

#[test]
fn the_pack_lints_clean() {
    let (code, output) = lint(&common::pack_root());
    assert_eq!(code, Some(0), "{output}");
}

/// Replaces `from` with `to` in `file` of a pack copy, lints it, and checks the finding.
fn assert_finding(rule: &str, file: &str, from: &str, to: &str) {
    let pack = pack_copy();
    let path = pack.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} no longer contains {from:?}; update the fixture of {rule}");
    let mutated = text.replacen(from, to, 1);
    std::fs::write(&path, &mutated).unwrap();
    let line = mutated[..mutated.find(to).unwrap()].lines().count().max(1);
    let (code, output) = lint(pack.path());
    assert_eq!(code, Some(1), "{rule}: exit code\n{output}");
    let located = output.lines().any(|l| l.contains(&format!("{file}:")) && l.contains(&format!(": {rule}: ")) && l.contains("fix:"));
    assert!(located, "{rule}: no `{file}:LINE:COL: {rule}: ...; fix: ...` finding\n{output}");
    let near = output.lines().filter(|l| l.contains(&format!(": {rule}: "))).any(|l| {
        let after = l.split(&format!("{file}:")).nth(1).unwrap_or("");
        after.split(':').next().and_then(|n| n.parse::<usize>().ok()).is_some_and(|n| n.abs_diff(line) <= 12)
    });
    assert!(near, "{rule}: the finding should point near line {line}\n{output}");
}

const CLUSTER: &str = "alerts/cluster.rules.yaml";

#[test]
fn unreadable_rule_file() {
    assert_finding("rule-file", CLUSTER, "  - name: meshkit-cluster.alerts\n", "  - name: [meshkit-cluster.alerts\n");
}

#[test]
fn promtool_rejects_the_rules() {
    assert_finding("promtool-check-rules", CLUSTER, "          team: platform\n", "          team: platform\n          bad-label: x\n");
}

#[test]
fn promql_that_does_not_parse() {
    assert_finding("promql-parse", CLUSTER, "expr: up{job=\"omnirelay\"} == 0", "expr: sum(up{job=\"omnirelay\"} == 0");
}

#[test]
fn alert_name_without_the_prefix() {
    assert_finding("alert-name", CLUSTER, "alert: MeshKitTargetDown", "alert: targetDown");
}

#[test]
fn alert_severity_outside_the_set() {
    assert_finding("alert-severity", CLUSTER, "severity: critical", "severity: page");
}

#[test]
fn alert_without_team() {
    assert_finding(
        "alert-team",
        "alerts/gossip.rules.yaml",
        "        labels:\n          severity: warning\n          team: mesh-control-plane\n",
        "        labels:\n          severity: warning\n",
    );
}

#[test]
fn templated_summary() {
    assert_finding("alert-summary", CLUSTER, "summary: A mesh cluster is degraded.", "summary: Cluster {{ $labels.cluster }} is degraded.");
}

#[test]
fn static_description() {
    assert_finding("alert-description", "alerts/shards.rules.yaml", "description: >-\n            In namespace {{ $labels.namespace }} of cluster {{ $labels.cluster }} the busiest\n            owner holds {{ $value | humanize }}x the mean shard count (line 1.25x).", "description: A shard owner is overloaded.");
}

#[test]
fn runbook_url_to_a_missing_runbook() {
    assert_finding("alert-runbook-url", CLUSTER, "docs/runbooks/MeshKitTargetDown.md", "docs/runbooks/MeshKitTargetGone.md");
}

#[test]
fn runbook_of_no_alert() {
    let pack = pack_copy();
    std::fs::write(pack.path().join("docs/runbooks/MeshKitGhost.md"), "# MeshKitGhost\n").unwrap();
    let (code, output) = lint(pack.path());
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("docs/runbooks/MeshKitGhost.md:1:1: runbook-orphan:"), "{output}");
}

#[test]
fn dashboard_url_to_an_unknown_dashboard() {
    assert_finding(
        "alert-dashboard-url",
        CLUSTER,
        "/d/meshkit-fleet-overview?var-cluster={{ $labels.cluster }}\n\n      - alert: MeshKitTargetDown",
        "/d/meshkit-fleet?var-cluster={{ $labels.cluster }}\n\n      - alert: MeshKitTargetDown",
    );
}

#[test]
fn metric_not_in_the_catalogue() {
    assert_finding(
        "metric-unknown",
        "alerts/gossip.rules.yaml",
        "rate(mesh_gossip_rtt_ms_milliseconds_bucket[5m])",
        "rate(mesh_gossip_rtt_ms_bucket[5m])",
    );
}

#[test]
fn grouping_by_an_avoid_class_label() {
    assert_finding(
        "group-by-avoid-label",
        "alerts/gossip.rules.yaml",
        "sum by (cluster, namespace, le) (rate(mesh_gossip_rtt_ms_milliseconds_bucket[5m]))",
        "sum by (cluster, namespace, mesh_peer, le) (rate(mesh_gossip_rtt_ms_milliseconds_bucket[5m]))",
    );
}

#[test]
fn recording_rule_name_without_levels() {
    assert_finding("record-name", "alerts/operations.rules.yaml", "record: cluster:mesh_nodes:count", "record: mesh_nodes_count");
}

#[test]
fn recording_rule_reading_a_recording_rule() {
    assert_finding(
        "record-reads-record",
        "alerts/operations.rules.yaml",
        "expr: floor(count by (cluster) (up{job=\"omnirelay\"}) / 2) + 1",
        "expr: floor(cluster:mesh_nodes:count / 2) + 1",
    );
}

#[test]
fn lint_without_a_catalogue_cannot_run() {
    let pack = pack_copy();
    std::fs::remove_file(pack.path().join("metrics/catalogue.yaml")).unwrap();
    let (code, output) = lint(pack.path());
    assert_eq!(code, Some(2), "{output}");
    assert!(output.contains("metrics/catalogue.yaml") && output.contains("cannot read the metrics catalogue"), "{output}");
}
