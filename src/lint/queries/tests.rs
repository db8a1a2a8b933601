//! Each query check against a tiny catalogue: one query that trips it and one that does not.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;

const CATALOGUE: &str = r#"version: 1
modules:
  core: {meter: Demo.Core, description: demo}
target_labels:
  - {name: cluster, cardinality: one per cluster, description: cluster}
  - {name: namespace, cardinality: one per namespace, description: namespace}
exporter_labels:
  - {name: otel_scope_name, values: [Demo.Core], description: meter}
labels:
  code: {values: ["200", "500"], description: status code}
  le: {cardinality: histogram bounds, description: bucket bound}
avoid_labels:
  peer: one series per pair of nodes
metrics:
  - name: demo_requests_total
    type: counter
    unit: requests
    module: core
    status: exported
    help: Requests served.
    labels: [code, {name: peer, cardinality: one per peer, description: calling node}]
  - {name: demo_queue_depth, type: gauge, unit: items, module: core, status: exported, help: Items queued., labels: []}
  - {name: demo_latency_ms, type: histogram, unit: ms, module: core, status: exported, help: Request latency., labels: [le]}
"#;

/// The rule ids `check` reports for a dashboard target on a dashboard with a `cluster`
/// variable; `query` is written as in the dashboard (`$cluster`, `$__rate_interval`).
fn rules(query: &str) -> Vec<String> {
    problems(query, true).into_iter().map(|p| p.rule.to_string()).collect()
}

fn problems(query: &str, is_target: bool) -> Vec<Problem> {
    let catalogue = Catalogue::parse(Path::new("catalogue.yaml"), CATALOGUE).expect("the tiny catalogue loads");
    let series = Series::new(&catalogue, &[]);
    let context = Context { series: &series, catalogue: &catalogue, is_target, scope_variables: &["cluster"] };
    check(&template::substitute(query, &BTreeMap::new()), &context)
}

#[test]
fn a_query_following_every_convention_passes() {
    for query in [
        r#"sum by (cluster, code) (rate(demo_requests_total{cluster=~"$cluster"}[$__rate_interval]))"#,
        r#"histogram_quantile(0.95, sum by (cluster, le) (rate(demo_latency_ms_bucket{cluster=~"$cluster"}[$__rate_interval])))"#,
        r#"max by (namespace) (demo_queue_depth{cluster=~"$cluster"})"#,
    ] {
        assert_eq!(problems(query, true), [], "{query}");
    }
}

#[test]
fn metric_unknown() {
    assert_eq!(rules(r#"demo_queue_dept{cluster=~"$cluster"}"#), ["metric-unknown"]);
    let problem = &problems(r#"demo_queue_dept{cluster=~"$cluster"}"#, true)[0];
    assert!(problem.message.starts_with("`demo_queue_dept` matches no series in metrics/catalogue.yaml"), "{}", problem.message);
    assert_eq!(rules(r#"demo_queue_depth{cluster=~"$cluster"}"#), Vec::<&str>::new());
    // A histogram is read through its stored series, never by its family name.
    assert_eq!(rules(r#"demo_latency_ms{cluster=~"$cluster"}"#), ["metric-unknown"]);
}

#[test]
fn label_unknown() {
    assert_eq!(rules(r#"demo_queue_depth{cluster=~"$cluster", code="200"}"#), ["label-unknown"]);
    let problem = &problems(r#"sum by (node) (demo_queue_depth{cluster=~"$cluster"})"#, true)[0];
    assert_eq!(problem.rule.to_string(), "label-unknown");
    assert_eq!(problem.message, "`node` is not a label of what `sum` aggregates (it carries cluster, namespace, otel_scope_name)");
    assert_eq!(rules(r#"demo_requests_total{cluster=~"$cluster", code="200"}"#), Vec::<&str>::new());
    // A label label_replace creates counts as present.
    assert_eq!(
        rules(r#"sum by (node) (label_replace(demo_queue_depth{cluster=~"$cluster"}, "node", "$1", "namespace", "(.*)"))"#),
        Vec::<&str>::new()
    );
}

#[test]
fn rate_on_non_counter() {
    assert_eq!(rules(r#"rate(demo_queue_depth{cluster=~"$cluster"}[$__rate_interval])"#), ["rate-on-non-counter"]);
    assert_eq!(rules(r#"increase(demo_requests_total{cluster=~"$cluster"}[$__rate_interval])"#), Vec::<&str>::new());
    assert_eq!(
        rules(r#"rate(demo_latency_ms_count{cluster=~"$cluster"}[$__rate_interval])"#),
        Vec::<&str>::new(),
        "histogram parts count up"
    );
}

#[test]
fn histogram_quantile_without_le() {
    let dropped = r#"histogram_quantile(0.95, sum by (cluster) (rate(demo_latency_ms_bucket{cluster=~"$cluster"}[$__rate_interval])))"#;
    assert_eq!(rules(dropped), ["histogram-quantile"]);
    let without =
        r#"histogram_quantile(0.95, sum without (namespace) (rate(demo_latency_ms_bucket{cluster=~"$cluster"}[$__rate_interval])))"#;
    assert_eq!(rules(without), Vec::<&str>::new(), "`without` keeps le");
    let not_buckets = r#"histogram_quantile(0.95, rate(demo_latency_ms_count{cluster=~"$cluster"}[$__rate_interval]))"#;
    assert_eq!(rules(not_buckets), ["histogram-quantile"]);
}

#[test]
fn scope_filter_applies_to_panel_targets_only() {
    assert_eq!(rules("demo_queue_depth"), ["target-scope-filter"]);
    assert_eq!(rules(r#"demo_queue_depth{cluster="prod"}"#), ["target-scope-filter"], "a fixed value is not the dashboard's picker");
    assert_eq!(rules(r#"demo_queue_depth{cluster=~"$cluster"}"#), Vec::<&str>::new());
    assert_eq!(problems("demo_queue_depth", false), [], "a variable's query lists values for every scope");
}

#[test]
fn rate_interval_and_avoid_labels() {
    assert_eq!(rules(r#"rate(demo_requests_total{cluster=~"$cluster"}[5m])"#), ["target-rate-interval-rule"]);
    assert_eq!(rules(r#"increase(demo_requests_total{cluster=~"$cluster"}[$__range])"#), Vec::<&str>::new());
    assert_eq!(rules(r#"sum by (peer) (rate(demo_requests_total{cluster=~"$cluster"}[$__rate_interval]))"#), ["group-by-avoid-label"]);
    assert_eq!(rules("rate(demo_requests_total{"), ["promql-parse"]);
}
