//! Seeds the reference scenario, starts the real Prometheus, and checks with PromQL that every
//! incident shows where and when the scenario says — and nowhere else.

mod common;

use common::{query_range, RangeSeries};
use meshkit_obs::pack::scenario::{Incident, IncidentKind, Scenario};

fn incident(scenario: &Scenario, kind: IncidentKind) -> Incident {
    scenario.incidents.iter().find(|i| i.kind == kind).cloned().unwrap_or_else(|| panic!("reference has no {}", kind.name()))
}

/// A PromQL signal that must exceed `threshold` inside the incident (plus `slack` for rate
/// windows and the 5-minute lookback), on series whose labels match `target`, and nowhere
/// else except during the `excused` incident kinds (documented side effects).
struct Check {
    kind: IncidentKind,
    query: String,
    threshold: f64,
    target: Vec<(&'static str, String)>,
    slack_secs: i64,
    excused: Vec<IncidentKind>,
}

fn verify(scenario: &Scenario, check: &Check) -> Result<(), String> {
    let incident = incident(scenario, check.kind);
    let series = query_range(&check.query, scenario.start, scenario.end, scenario.step);
    if series.is_empty() {
        return Err(format!("{}: the query returned no series: {}", check.kind.name(), check.query));
    }
    let matches_target = |s: &RangeSeries| check.target.iter().all(|(k, v)| s.label(k) == v);
    let inside = |t: i64, i: &Incident| t >= i.start && t <= i.end + check.slack_secs;
    let excused = |t: i64| scenario.incidents.iter().any(|i| check.excused.contains(&i.kind) && inside(t, i));
    let mut seen_inside = false;
    let mut problems = Vec::new();
    for s in &series {
        for &(t, value) in &s.points {
            if value <= check.threshold {
                continue;
            }
            if matches_target(s) && inside(t, &incident) {
                seen_inside = true;
            } else if !excused(t) {
                problems.push(format!("{:?} = {value} at {}", s.labels, meshkit_obs::timestamp::format_utc(t)));
            }
        }
    }
    if !seen_inside {
        problems.insert(0, format!("never above {} on {:?} during the incident", check.threshold, check.target));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        problems.truncate(8);
        Err(format!("{} — {}:\n    {}", check.kind.name(), check.query, problems.join("\n    ")))
    }
}

fn checks(scenario: &Scenario) -> Vec<Check> {
    use IncidentKind::*;
    let target = |kind: IncidentKind, keys: &[&'static str]| -> Vec<(&'static str, String)> {
        let names = common::incident_labels(scenario, &incident(scenario, kind));
        keys.iter().map(|k| (*k, names.get(k).cloned().unwrap_or_else(|| panic!("{} has no {k}", kind.name())))).collect()
    };
    let five = 300;
    vec![
        Check {
            kind: LeaderFlap,
            query: r#"sum by (cluster, mesh_scope) (increase(mesh_leadership_transitions_events_total{mesh_transition=~"elected|lost|expired"}[15m]))"#.into(),
            threshold: 3.0,
            target: target(LeaderFlap, &["cluster", "mesh_scope"]),
            slack_secs: 900,
            excused: vec![],
        },
        Check {
            kind: LeaderlessScope,
            query: r#"sum by (cluster, mesh_scope) (max by (cluster, mesh_scope, node) (mesh_leadership_is_leader) and on (node) (up == 1)) == bool 0"#.into(),
            threshold: 0.0,
            target: target(LeaderlessScope, &["cluster", "mesh_scope"]),
            slack_secs: 0,
            // A partitioned owner cannot renew its shard leases.
            excused: vec![GossipPartition],
        },
        Check {
            kind: SplitBrain,
            query: "sum by (cluster, mesh_scope) (rate(mesh_leadership_split_brain_events_total[5m]))".into(),
            threshold: 0.0,
            target: target(SplitBrain, &["cluster", "mesh_scope"]),
            slack_secs: five,
            excused: vec![],
        },
        Check {
            kind: GossipPartition,
            query: r#"max by (cluster) (mesh_gossip_members_peers{mesh_status="suspect"})"#.into(),
            threshold: 0.0,
            target: target(GossipPartition, &["cluster"]),
            slack_secs: five,
            excused: vec![],
        },
        Check {
            kind: GossipPartition,
            query: "histogram_quantile(0.95, sum by (cluster, le) (rate(mesh_gossip_rtt_ms_milliseconds_bucket[5m])))".into(),
            threshold: 2000.0,
            target: target(GossipPartition, &["cluster"]),
            slack_secs: five,
            excused: vec![],
        },
        Check {
            kind: ShardImbalance,
            query: "max by (cluster, namespace) (max by (cluster, namespace, owner_node_id) (mesh_shards_owned)) / avg by (cluster, namespace) (max by (cluster, namespace, owner_node_id) (mesh_shards_owned) > 0)".into(),
            threshold: 1.25,
            target: target(ShardImbalance, &["cluster", "namespace"]),
            slack_secs: five,
            excused: vec![],
        },
        Check {
            kind: Rebalance,
            query: "max by (cluster, namespace) (mesh_rebalance_plans_awaiting_approval)".into(),
            threshold: 0.0,
            target: target(Rebalance, &["cluster", "namespace"]),
            slack_secs: five,
            excused: vec![],
        },
        Check {
            kind: ReplicationLag,
            query: "histogram_quantile(0.99, sum by (cluster, namespace, le) (rate(omnirelay_resourcelease_replication_lag_milliseconds_bucket[5m])))".into(),
            threshold: 8000.0,
            target: target(ReplicationLag, &["cluster", "namespace"]),
            slack_secs: five,
            excused: vec![],
        },
        Check {
            kind: ReplicationStall,
            query: "min_over_time((sum by (cluster, namespace, shard_id) (rate(omnirelay_resourcelease_replication_lag_milliseconds_count[5m])) == bool 0)[5m:1m])".into(),
            threshold: 0.0,
            target: target(ReplicationStall, &["cluster", "namespace", "shard_id"]),
            slack_secs: five,
            excused: vec![],
        },
        Check {
            kind: Http3Downgrade,
            query: r#"(sum by (cluster, namespace) (rate(omnirelay_http_requests_completed_total{network_protocol_version!="3"}[5m])) / sum by (cluster, namespace) (rate(omnirelay_http_requests_completed_total[5m]))) and on (cluster, namespace) (sum by (cluster, namespace) (rate(omnirelay_http_requests_completed_total{network_protocol_version="3"}[5m])) > 0)"#.into(),
            threshold: 0.2,
            target: target(Http3Downgrade, &["cluster"]),
            slack_secs: five,
            excused: vec![],
        },
        Check {
            kind: Http3Downgrade,
            query: r#"histogram_quantile(0.95, sum by (cluster, le) (rate(omnirelay_http_request_duration_milliseconds_bucket{network_protocol_version="3"}[5m])))"#.into(),
            threshold: 250.0,
            target: target(Http3Downgrade, &["cluster"]),
            slack_secs: five,
            excused: vec![],
        },
        Check {
            kind: Drain,
            query: r#"max by (cluster, node) (omnirelay_node_drain_state{state="Drained"})"#.into(),
            threshold: 0.0,
            target: target(Drain, &["cluster", "node"]),
            slack_secs: five,
            // The stuck drain (a second drain incident) completes when it ends.
            excused: vec![RollingUpgrade, Drain],
        },
        Check {
            kind: RollingUpgrade,
            query: r#"(floor(count by (cluster) (up) / 2) + 1) - count by (cluster) ((omnirelay_node_drain_state{state="Active"} == 1) and on (node) (up == 1))"#.into(),
            threshold: 0.0,
            target: target(RollingUpgrade, &["cluster"]),
            slack_secs: 0,
            // Losing one of staging's two nodes also breaks quorum.
            excused: vec![ClusterDegraded],
        },
        Check {
            kind: ClusterDegraded,
            query: r#"max by (cluster) (mesh_cluster_state{state="degraded"})"#.into(),
            threshold: 0.0,
            target: target(ClusterDegraded, &["cluster"]),
            slack_secs: five,
            excused: vec![],
        },
        Check {
            kind: TelemetryOverflow,
            query: r#"sum by (cluster, node) (increase(omnirelay_http_requests_started_total{otel_metric_overflow="true"}[5m]))"#.into(),
            threshold: 0.0,
            target: target(TelemetryOverflow, &["cluster", "node"]),
            slack_secs: five,
            excused: vec![],
        },
    ]
}

#[test]
fn every_incident_shows_where_and_when_the_scenario_says_and_nowhere_else() {
    let scenario = common::reference();
    let checks = checks(&scenario);
    let covered: std::collections::BTreeSet<&str> = checks.iter().map(|c| c.kind.name()).collect();
    for kind in scenario.incidents.iter().map(|i| i.kind.name()) {
        assert!(covered.contains(kind), "no PromQL check covers incident kind {kind}");
    }
    let failures: Vec<String> = checks.iter().filter_map(|c| verify(&scenario, c).err()).collect();
    assert!(failures.is_empty(), "{} check(s) failed:\n  {}", failures.len(), failures.join("\n  "));
}

#[test]
fn a_drained_node_goes_draining_then_drained_then_active() {
    let scenario = common::reference();
    let drain = incident(&scenario, IncidentKind::Drain);
    let node = &scenario.nodes[drain.node.unwrap()].id;
    let state_at = |state: &str| -> Vec<i64> {
        let query = format!(r#"omnirelay_node_drain_state{{node="{node}", state="{state}"}} == 1"#);
        query_range(&query, drain.start - 600, drain.end + 600, scenario.step).into_iter().flat_map(|s| s.points).map(|p| p.0).collect()
    };
    let draining = state_at("Draining");
    let drained = state_at("Drained");
    let active = state_at("Active");
    assert!(!draining.is_empty() && !drained.is_empty(), "draining {draining:?} drained {drained:?}");
    assert!(draining.iter().max() < drained.iter().min(), "Draining must come before Drained");
    assert!(draining.iter().all(|&t| t >= drain.start && t < drain.end));
    assert!(active.iter().any(|&t| t < drain.start) && active.iter().any(|&t| t >= drain.end), "Active before and after the drain");
}

#[test]
fn one_series_of_each_module_has_data_inside_the_window() {
    let scenario = common::reference();
    let per_module = [
        "mesh_gossip_members_peers",
        "mesh_leadership_transitions_events_total",
        "mesh_shards_owned",
        "mesh_rebalance_controller_state",
        "omnirelay_resourcelease_replication_events_total",
        "omnirelay_resourcelease_pending_items_bucket",
        "omnirelay_peer_successes_requests_total",
        "omnirelay_http_requests_completed_total",
        "omnirelay_node_drain_state",
        "mesh_cluster_state",
        "up",
    ];
    let middle = (scenario.start + scenario.end) / 2;
    for name in per_module {
        let data = common::get_json("/api/v1/query", &[("query", name), ("time", &middle.to_string())]);
        assert!(!data["result"].as_array().unwrap().is_empty(), "{name} has no data at the window's middle");
    }
}
