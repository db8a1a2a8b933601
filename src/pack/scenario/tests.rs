//! Scenario resolution on a tiny scenario: names become indices, omitted fields get their
//! defaults, and every problem is reported at once with `file:line:column`, the field path and
//! what exists instead.

use super::*;

const NOW: i64 = 1_900_000_000;

const TINY: &str = r#"name: tiny
window:
  start: 2026-11-02T00:00:00Z
  end: 2026-11-02T01:00:00Z
scrape_interval: 60s
seed: 7
clusters:
  - name: east
    region: r1
    mesh_version: 1.4.2
    replicates_from: [west]
    namespaces:
      - name: payments
        shards: 4
        service: {name: payments-api, procedure: authorize, requests_per_second: 10}
        nodes:
          - {id: e-0, role: control-plane}
          - {id: e-1, role: worker}
      - name: orders
        shards: 2
        service: {name: orders-api, procedure: place, requests_per_second: 5, http3: false}
        nodes:
          - {id: e-2, role: worker}
  - name: west
    region: r2
    state: passive
    mesh_version: 1.5.0
    namespaces:
      - name: payments
        shards: 3
        service: {name: payments-api, procedure: authorize, requests_per_second: 10}
        nodes:
          - {id: w-0, role: control-plane}
incidents:
  - kind: leader_flap
    start: 2026-11-02T00:10:00Z
    end: 2026-11-02T00:20:00Z
    target: {cluster: east}
  - kind: leaderless_scope
    start: 2026-11-02T00:15:00Z
    end: 2026-11-02T00:25:00Z
    target: {cluster: east, scope: shard/orders/1}
  - kind: replication_stall
    start: 2026-11-02T00:20:00Z
    end: 2026-11-02T00:30:00Z
    target: {cluster: west, namespace: payments, shard: 2}
  - kind: drain
    start: 2026-11-02T00:30:00Z
    end: 2026-11-02T00:45:00Z
    target: {cluster: east, node: e-2}
    outcome: stuck
    expect_alerts:
      - alert: MeshKitDrainStuck
        labels: {node: e-2}
        fires_after: 10m
        description: Node e-2 is stuck.
"#;

fn resolve(text: &str) -> Result<Scenario, String> {
    parse(Path::new("tiny.yaml"), text, NOW).map_err(|err| err.to_string())
}

/// `TINY` with `from` replaced by `to` (which must occur once).
fn tiny_with(from: &str, to: &str) -> String {
    assert_eq!(TINY.matches(from).count(), 1, "{from:?} must occur once in TINY");
    TINY.replacen(from, to, 1)
}

/// `tiny.yaml:<line>:<column>` of the first occurrence of `needle` in `text` (1-based).
fn at(text: &str, needle: &str) -> String {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let line = text[..offset].matches('\n').count() + 1;
    let column = offset - text[..offset].rfind('\n').map_or(0, |n| n + 1) + 1;
    format!("tiny.yaml:{line}:{column}")
}

/// The problems of a scenario that must not resolve, one per line, without the heading.
fn problems(text: &str) -> Vec<String> {
    let message = resolve(text).expect_err("the scenario should be refused");
    let mut lines = message.lines();
    let heading = lines.next().unwrap();
    let listed: Vec<String> = lines.map(|l| l.trim().to_string()).collect();
    assert!(heading.starts_with(&format!("{} problem(s) in scenario tiny.yaml", listed.len())), "{message}");
    listed
}

#[test]
fn names_resolve_to_indices() {
    let scenario = resolve(TINY).unwrap();
    let cluster = |name: &str| scenario.clusters.iter().position(|c| c.name == name).unwrap();
    let (east, west) = (cluster("east"), cluster("west"));
    assert_eq!(scenario.clusters[east].replicates_from, [west]);
    assert_eq!(scenario.clusters[east].nodes.len(), 3);
    let e2 = scenario.nodes.iter().position(|n| n.id == "e-2").unwrap();
    let orders = scenario.nodes[e2].namespace;
    assert_eq!((scenario.nodes[e2].cluster, scenario.namespaces[orders].name.as_str()), (east, "orders"));
    assert_eq!(scenario.namespaces[orders].nodes, [e2]);

    let [flap, leaderless, stall, drain] = &scenario.incidents[..] else { panic!("{:?}", scenario.incidents) };
    assert_eq!(flap.scope, Some(ScopeRef::Global { cluster: east }), "leader_flap defaults to the cluster's global scope");
    assert_eq!(leaderless.scope, Some(ScopeRef::Shard { namespace: orders, shard: 1 }));
    assert_eq!(scenario.scope_id(leaderless.scope.as_ref().unwrap()), "shard/orders/1");
    let west_payments = scenario.clusters[west].namespaces[0];
    assert_eq!((stall.cluster, stall.namespace, stall.shard), (west, Some(west_payments), Some(2)));
    assert_eq!((drain.node, drain.drain_outcome), (Some(e2), DrainOutcome::Stuck));
    let expected = &drain.expect_alerts[0];
    assert_eq!((expected.alert.as_str(), expected.fires_after), ("MeshKitDrainStuck", 600));
    assert_eq!(expected.source, at(TINY, "MeshKitDrainStuck"));
}

#[test]
fn omitted_fields_get_their_defaults() {
    let scenario = resolve(TINY).unwrap();
    assert_eq!((scenario.start, scenario.end, scenario.step, scenario.seed), (1_793_577_600, 1_793_581_200, 60, 7));
    assert_eq!(scenario.steps(), 61, "both ends of the window are sampled");
    assert_eq!(scenario.time_at(60), scenario.end);
    assert_eq!(scenario.description, "");
    assert_eq!(scenario.alert_settle, 20 * 60);
    assert_eq!(scenario.clusters[0].state, "active");
    assert_eq!(scenario.clusters[1].state, "passive");
    let service = |ns: usize| &scenario.namespaces[ns].service;
    assert!(service(0).http3 && service(0).grpc_http3_hints);
    assert!(!service(1).http3 && service(1).grpc_http3_hints);
    let flap = &scenario.incidents[0];
    assert_eq!(
        (flap.drain_outcome, flap.max_unavailable, flap.nodes_down, flap.to_version.as_deref()),
        (DrainOutcome::Drained, 1, 1, None)
    );
    assert!(flap.expect_alerts.is_empty());
    assert!(flap.contains(flap.start) && !flap.contains(flap.end), "an incident covers [start, end)");

    let settled = resolve(&tiny_with("seed: 7\n", "seed: 7\nalert_settle: 5m\n")).unwrap();
    assert_eq!(settled.alert_settle, 300);
}

#[test]
fn unknown_names_are_located_and_list_what_exists() {
    let text = tiny_with("target: {cluster: east, node: e-2}", "target: {cluster: north, node: e-2}");
    assert_eq!(
        problems(&text),
        [format!("{}: incidents[3].target.cluster: unknown cluster `north`; known clusters: east, west", at(&text, "north"))]
    );

    let text = tiny_with("target: {cluster: east, node: e-2}", "target: {cluster: east, node: w-0}");
    assert_eq!(
        problems(&text),
        [format!("{}: incidents[3].target.node: unknown node `w-0` in cluster `east`; known there: e-0, e-1, e-2", at(&text, "w-0}"))]
    );

    let text = tiny_with("namespace: payments, shard: 2", "namespace: billing, shard: 2");
    let found = problems(&text);
    assert_eq!(
        found[0],
        format!(
            "{}: incidents[2].target.namespace: unknown namespace `billing` in cluster `west`; known there: payments",
            at(&text, "billing")
        )
    );

    let text = tiny_with("namespace: payments, shard: 2", "namespace: payments, shard: 3");
    assert_eq!(
        problems(&text),
        [format!("{}: incidents[2].target.shard: shard 3 does not exist; the namespace has shards 0..2", at(&text, "3}"))]
    );

    let text = tiny_with("scope: shard/orders/1", "scope: shard/orders/2");
    let found = problems(&text);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with(&format!(
            "{}: incidents[1].target.scope: unknown scope `shard/orders/2` in cluster `east`",
            at(&text, "shard/orders/2")
        )),
        "{found:?}"
    );

    let text = tiny_with("replicates_from: [west]", "replicates_from: [east, south]");
    assert_eq!(
        problems(&text),
        [
            format!("{}: clusters[0].replicates_from[0]: a cluster cannot replicate from itself", at(&text, "east, south")),
            format!("{}: clusters[0].replicates_from[1]: unknown cluster `south`; known clusters: east, west", at(&text, "south")),
        ]
    );
}

#[test]
fn targets_must_fit_the_incident_kind() {
    let text = tiny_with("target: {cluster: east}\n", "target: {cluster: east, node: e-0}\n");
    let found = problems(&text);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with(&format!(
            "{}: incidents[0].target.node: `leader_flap` does not use target.node; fix: remove it",
            at(&text, "e-0}")
        )),
        "{found:?}"
    );

    let text = tiny_with("namespace: payments, shard: 2}", "namespace: payments}");
    assert_eq!(
        problems(&text),
        [format!("{}: incidents[2].target.shard: `replication_stall` needs target.shard", at(&text, "replication_stall"))]
    );

    let text = tiny_with("  - kind: drain\n", "  - kind: drian\n");
    let found = problems(&text);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with(&format!("{}: incidents[3].kind: unknown incident kind `drian`; use one of leader_flap,", at(&text, "drian")))
    );

    let text = tiny_with("outcome: stuck", "outcome: hung");
    assert_eq!(problems(&text), [format!("{}: incidents[3].outcome: use `drained`, `failed` or `stuck`", at(&text, "hung"))]);
}

#[test]
fn the_window_and_times_are_checked() {
    let text = tiny_with("  end: 2026-11-02T01:00:00Z", "  end: 2026-11-02T01:00:30Z");
    assert_eq!(
        problems(&text),
        [format!(
            "{}: window.end: the window (3630s) is not a whole number of scrape intervals (60s); move window.end",
            at(&text, "2026-11-02T01:00:30Z")
        )]
    );

    let text = tiny_with("  end: 2026-11-02T01:00:00Z", "  end: 2026-11-01T01:00:00Z");
    let found = problems(&text);
    assert_eq!(found[0], format!("{}: window.end: must be after window.start", at(&text, "2026-11-01T01:00:00Z")));
    assert!(found[1..].iter().all(|p| p.contains("lies outside the window")), "every incident now lies outside: {found:?}");

    let future = parse(Path::new("tiny.yaml"), TINY, 1_793_577_600).unwrap_err().to_string();
    assert!(
        future.contains(&format!(
            "{}: window.end: 2026-11-02T01:00:00Z is in the future (now is 2026-11-02T00:00:00Z)",
            at(TINY, "2026-11-02T01:00:00Z")
        )),
        "{future}"
    );

    let text = tiny_with("    start: 2026-11-02T00:10:00Z", "    start: 2026-11-02 00:10");
    assert_eq!(
        problems(&text),
        [format!(
            "{}: incidents[0].start: `2026-11-02 00:10` is not a UTC timestamp; write it as 2026-11-02T06:00:00Z",
            at(&text, "2026-11-02 00:10")
        )]
    );

    let text = tiny_with("    end: 2026-11-02T00:45:00Z", "    end: 2026-11-02T00:29:00Z");
    assert_eq!(problems(&text), [format!("{}: incidents[3].end: must be after the incident's start", at(&text, "2026-11-02T00:29:00Z"))]);

    let text = tiny_with("fires_after: 10m", "fires_after: soon");
    assert_eq!(
        problems(&text),
        [format!(
            "{}: incidents[3].expect_alerts[0].fires_after: `soon` is not a duration; write it like 30s, 5m or 1h30m",
            at(&text, "soon")
        )]
    );
}

#[test]
fn topology_problems_are_all_reported_at_once() {
    let text = tiny_with("          - {id: e-1, role: worker}", "          - {id: e-0, role: leader}")
        .replace("        shards: 2\n", "        shards: 0\n")
        .replace("          - {id: w-0, role: control-plane}", "          - {id: w-0, role: worker}");
    let found = problems(&text);
    let expected = [
        format!(
            "{}: clusters[0].namespaces[0].nodes[1].id: duplicate node id `e-0`; node ids are unique across the mesh",
            at(&text, "e-0, role: leader")
        ),
        format!(
            "{}: clusters[0].namespaces[0].nodes[1].role: unknown role `leader`; use one of control-plane, worker",
            at(&text, "leader")
        ),
        format!(
            "{}: clusters[0].namespaces[1].shards: a namespace needs at least one shard",
            at(&text, "0\n        service: {name: orders-api")
        ),
        format!(
            "{}: clusters[1].namespaces: a cluster needs at least one node with role control-plane (it holds the global-control scope)",
            at(&text, "west\n")
        ),
    ];
    for problem in &expected {
        assert!(found.contains(problem), "missing {problem}\nin {found:#?}");
    }
}

#[test]
fn malformed_yaml_is_located() {
    let text = tiny_with("scrape_interval: 60s\n", "scrape_interval: 60s\nsurprise: 1\n");
    let message = resolve(&text).unwrap_err();
    assert!(message.starts_with(&at(&text, "surprise")), "{message}");
    assert!(message.contains("surprise") && message.ends_with("see scenarios/reference.yaml for the expected shape"), "{message}");
}
