//! Every incident of the reference scenario is visible on the dashboard that covers its module:
//! the panel's own query (read from the dashboard JSON, variables set to "all"), run against the
//! seeded Prometheus, crosses the panel's line on the incident's target during the incident and
//! is below it shortly before.

mod common;

use common::query_range;
use meshkit_obs::pack::scenario::{Incident, IncidentKind};
use serde_json::Value;

/// Where an incident kind shows: a panel target (by refId) and the value it exceeds.
struct Sight {
    dashboard: &'static str,
    panel: u64,
    ref_id: &'static str,
    above: f64,
    /// Labels of the panel's series that must name the incident's target.
    keys: &'static [&'static str],
    /// Seconds after the incident's end the signal may still rise (rate windows, lookback).
    slack: i64,
}

fn sight(kind: IncidentKind) -> Sight {
    use IncidentKind::*;
    let at = |dashboard, panel, ref_id, above, keys, slack| Sight { dashboard, panel, ref_id, above, keys, slack };
    match kind {
        LeaderFlap => at("meshkit-leadership", 7, "A", 3.5, &["cluster"], 900),
        LeaderlessScope => at("meshkit-leadership", 6, "A", 0.5, &["cluster"], 0),
        SplitBrain => at("meshkit-leadership", 9, "A", 0.1, &["cluster"], 300),
        GossipPartition => at("meshkit-gossip", 7, "A", 0.5, &["cluster", "node"], 300),
        ShardImbalance => at("meshkit-shards", 6, "A", 1.25, &["cluster", "namespace"], 300),
        Rebalance => at("meshkit-shards", 7, "A", 0.5, &["cluster", "namespace"], 300),
        ReplicationLag => at("meshkit-replication", 5, "A", 8000.0, &["cluster", "namespace"], 300),
        ReplicationStall => at("meshkit-replication", 6, "A", 0.5, &["cluster", "namespace"], 300),
        Http3Downgrade => at("omnirelay-transport", 5, "A", 0.2, &["cluster"], 300),
        Drain => at("meshkit-operations", 5, "A", 0.5, &["cluster", "node"], 300),
        RollingUpgrade => at("meshkit-operations", 10, "A", 0.5, &["cluster"], 300),
        ClusterDegraded => at("meshkit-fleet-overview", 7, "A", 2.5, &["cluster"], 300),
        TelemetryOverflow => at("meshkit-fleet-overview", 13, "B", 0.0, &["cluster", "node"], 600),
    }
}

/// The target's query as Grafana would send it with every variable at "All" (`.*`), at the
/// reference window's resolution (60 s scrape interval: `$__rate_interval` = 4m).
fn panel_query(dashboard: &str, panel: u64, ref_id: &str) -> String {
    let file = common::dashboard_file(&common::pack_root(), dashboard);
    let json: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let panels = json["panels"].as_array().unwrap();
    let found = panels.iter().find(|p| p["id"] == panel).unwrap_or_else(|| panic!("{dashboard} has no panel {panel}"));
    let target = found["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["refId"] == ref_id)
        .unwrap_or_else(|| panic!("{dashboard} panel {panel} has no target {ref_id}"));
    let mut expr = target["expr"].as_str().unwrap().to_string();
    for (variable, value) in [
        ("$__rate_interval", "4m"),
        ("$__interval", "1m"),
        ("$__range", "12h"),
        ("$cluster", ".*"),
        ("$namespace", ".*"),
        ("$node", ".*"),
        ("$scope", ".*"),
    ] {
        expr = expr.replace(variable, value);
    }
    expr
}

fn check(incident: &Incident) -> Result<(), String> {
    let scenario = common::reference();
    let sight = sight(incident.kind);
    let query = panel_query(sight.dashboard, sight.panel, sight.ref_id);
    let names = common::incident_labels(&scenario, incident);
    let what = format!(
        "{} at {} on {} panel {}",
        incident.kind.name(),
        meshkit_obs::timestamp::format_utc(incident.start),
        sight.dashboard,
        sight.panel
    );
    let series = query_range(&query, scenario.start, scenario.end, scenario.step);
    let on_target: Vec<_> = series.iter().filter(|s| sight.keys.iter().all(|k| s.label(k) == names[k])).collect();
    if on_target.is_empty() {
        return Err(format!("{what}: no series for {names:?} in {query}"));
    }
    let during = |t: i64| t >= incident.start && t <= incident.end + sight.slack;
    let before = incident.start - 600;
    let mut seen = false;
    for s in &on_target {
        for &(t, value) in &s.points {
            if during(t) && value > sight.above {
                seen = true;
            }
            if t == before && value > sight.above {
                return Err(format!("{what}: already above {} ten minutes before the incident ({value})", sight.above));
            }
        }
    }
    if seen {
        Ok(())
    } else {
        Err(format!("{what}: never above {} on {names:?} during the incident", sight.above))
    }
}

#[test]
fn every_incident_shows_on_the_dashboard_of_its_module() {
    let scenario = common::reference();
    assert!(scenario.incidents.len() >= 13, "the reference scenario has every incident kind");
    let problems: Vec<String> = scenario.incidents.iter().filter_map(|i| check(i).err()).collect();
    assert!(problems.is_empty(), "{} incident(s) not visible:\n{}", problems.len(), problems.join("\n"));
}
