//! What the pack knows about the series a query may read: the names a scrape stores (from the
//! metrics catalogue) and the names the recording rules write, with whether each is a counter
//! and which labels it carries. Dashboard query checks ask it about selectors.

use std::collections::{BTreeMap, BTreeSet};

use crate::pack::catalogue::{Catalogue, MetricType};
use crate::pack::promql::{self, Selector};
use crate::pack::rules::{RuleFile, RuleKind};

/// Where a series name comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Stored by a scrape: whether it only ever increases (counters, histogram parts) and its
    /// label names.
    Stored { counter: bool, labels: BTreeSet<String> },
    /// Written by a recording rule (a gauge): its output labels when they can be told.
    Recorded { labels: Option<BTreeSet<String>> },
    /// Written by Prometheus itself (`ALERTS`): labels vary with the alerts.
    Builtin,
}

/// Series Prometheus itself writes and rules may read.
const BUILTIN_SERIES: &[&str] = &["ALERTS", "ALERTS_FOR_STATE"];

pub struct Series {
    names: BTreeMap<String, Origin>,
}

impl Series {
    pub fn new(catalogue: &Catalogue, rule_files: &[RuleFile]) -> Series {
        let mut names = BTreeMap::new();
        for metric in &catalogue.metrics {
            let labels = catalogue.allowed_label_names(metric);
            let counter = matches!(metric.kind, MetricType::Counter | MetricType::Histogram);
            for name in metric.series_names().into_iter().chain(metric.text_spelling.clone()) {
                names.insert(name, Origin::Stored { counter, labels: labels.clone() });
            }
        }
        for name in BUILTIN_SERIES {
            names.insert(name.to_string(), Origin::Builtin);
        }
        let stored = Series { names };
        let mut recorded = BTreeMap::new();
        for rule in rule_files.iter().flat_map(|f| f.rules()).filter(|r| r.kind == RuleKind::Record) {
            let labels = promql::parse(&rule.expr.value).ok().and_then(|expr| promql::output_labels(&expr, &|s| stored.labels(s)));
            recorded.insert(rule.name.value.clone(), Origin::Recorded { labels });
        }
        let mut names = stored.names;
        names.extend(recorded);
        Series { names }
    }

    /// Every known series name `selector` can match, with its origin.
    pub fn matching<'a>(&'a self, selector: &'a Selector) -> impl Iterator<Item = (&'a str, &'a Origin)> + 'a {
        self.names.iter().filter(|(name, _)| selector.matches_name(name)).map(|(name, origin)| (name.as_str(), origin))
    }

    /// The labels the series `selector` matches may carry (union over every match), `None`
    /// when unknown (no match, or a match whose labels cannot be told).
    pub fn labels(&self, selector: &Selector) -> Option<BTreeSet<String>> {
        let mut labels = BTreeSet::new();
        let mut any = false;
        for (_, origin) in self.matching(selector) {
            any = true;
            match origin {
                Origin::Stored { labels: stored, .. } => labels.extend(stored.iter().cloned()),
                Origin::Recorded { labels: Some(recorded) } => labels.extend(recorded.iter().cloned()),
                Origin::Recorded { labels: None } | Origin::Builtin => return None,
            }
        }
        any.then_some(labels)
    }

    /// Whether any known series name satisfies `matches`.
    pub fn any_name(&self, matches: impl Fn(&str) -> bool) -> bool {
        self.names.keys().any(|n| matches(n))
    }

    /// Whether some stored series carries label `label`.
    pub fn any_carries(&self, label: &str) -> bool {
        self.names.values().any(|origin| matches!(origin, Origin::Stored { labels, .. } if labels.contains(label)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(series: &Series, query: &str) -> Option<Vec<String>> {
        let selector = promql::reads(&promql::parse(query).unwrap()).selectors.remove(0);
        series.labels(&selector).map(|l| l.into_iter().collect())
    }

    #[test]
    fn recorded_series_carry_their_rules_output_labels() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let series = Series::new(
            &Catalogue::load(&root.join(crate::pack::layout::CATALOGUE)).unwrap(),
            &crate::pack::rules::load_all(root).unwrap(),
        );
        // label_replace adds `namespace` to the aggregation's labels.
        assert_eq!(
            labels(&series, "cluster_scope:mesh_leadership_leaders:sum").unwrap(),
            ["cluster", "mesh_scope", "mesh_scope_kind", "namespace"]
        );
        // histogram_quantile drops `le`; a binary operation keeps the left side's labels.
        assert_eq!(labels(&series, "cluster_namespace:mesh_gossip_rtt_ms:p95_5m").unwrap(), ["cluster", "namespace"]);
        assert_eq!(labels(&series, "cluster_namespace:mesh_shards_owned:max_over_avg").unwrap(), ["cluster", "namespace"]);
        assert_eq!(labels(&series, "cluster:mesh_nodes_quorum:count").unwrap(), ["cluster"]);
        // Raw series: target labels, exporter labels and the metric's own.
        let raw = labels(&series, "mesh_gossip_rtt_ms_milliseconds_bucket").unwrap();
        assert!(["cluster", "namespace", "le", "otel_scope_name"].iter().all(|l| raw.iter().any(|r| r == l)), "{raw:?}");
        assert!(labels(&series, "ALERTS").is_none());
        let counters = |q: &str| {
            let selector = promql::reads(&promql::parse(q).unwrap()).selectors.remove(0);
            let all_counters = series.matching(&selector).all(|(_, o)| matches!(o, Origin::Stored { counter: true, .. }));
            all_counters
        };
        assert!(counters(r#"{__name__=~".+_(total|count)"}"#));
        assert!(!counters("mesh_gossip_members_peers") && !counters("cluster:mesh_nodes:count"));
    }
}
