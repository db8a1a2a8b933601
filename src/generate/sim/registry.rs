//! Series buffers for one simulation run, checked against the catalogue as they are created.
//!
//! Every series belongs to one node (scrape target) and gets that node's target labels and,
//! for exporter series, `otel_scope_name`. When a node is down its samples are dropped here, in
//! one place, so no module can emit data for a target Prometheus could not have scraped.

use std::collections::BTreeMap;

use crate::exit::ToolError;
use crate::generate::openmetrics::{Family, Series};
use crate::pack::catalogue::Catalogue;

use super::world::World;

pub type Values = Vec<Option<f64>>;

struct Buffer {
    node: usize,
    values: Values,
}

/// A series' identity inside its family: series name (with suffix) and sorted labels.
type SeriesKey = (String, Vec<(String, String)>);

pub struct Registry<'a> {
    catalogue: &'a Catalogue,
    world: &'a World<'a>,
    /// family name -> (series name, labels) -> buffer
    families: BTreeMap<String, BTreeMap<SeriesKey, Buffer>>,
    problems: Vec<String>,
}

impl<'a> Registry<'a> {
    pub fn new(catalogue: &'a Catalogue, world: &'a World<'a>) -> Self {
        Registry { catalogue, world, families: BTreeMap::new(), problems: Vec::new() }
    }

    /// Stores a finished series for `node`. `name` is the stored series name (`x_bucket`, ...).
    pub fn put(&mut self, name: &str, node: usize, labels: &[(&str, &str)], values: Values) {
        let Some(metric) = self.catalogue.family_of_series(name) else {
            self.problems.push(format!("the simulator emitted `{name}`, which is not in the catalogue"));
            return;
        };
        let allowed = self.catalogue.allowed_label_names(metric);
        let scenario = self.world.scenario;
        let node_spec = &scenario.nodes[node];
        let mut full: Vec<(String, String)> = vec![
            ("job".into(), "omnirelay".into()),
            ("instance".into(), format!("{}:8080", node_spec.id)),
            ("cluster".into(), scenario.clusters[node_spec.cluster].name.clone()),
            ("namespace".into(), scenario.namespaces[node_spec.namespace].name.clone()),
            ("node".into(), node_spec.id.clone()),
        ];
        if let Some(meter) = &metric.meter {
            full.push(("otel_scope_name".into(), meter.clone()));
        }
        for (key, value) in labels {
            if !allowed.contains(*key) {
                self.problems.push(format!("`{name}` got label `{key}`, which the catalogue does not declare for it"));
            }
            if let Some(values) = self.catalogue.allowed_values(metric, key) {
                if !values.iter().any(|v| v == value) {
                    self.problems.push(format!("`{name}` got {key}=\"{value}\", outside the catalogue's set {values:?}"));
                }
            }
            full.push(((*key).to_string(), (*value).to_string()));
        }
        full.sort();
        let family = self.families.entry(metric.name.clone()).or_default();
        if family.insert((name.to_string(), full), Buffer { node, values }).is_some() {
            self.problems.push(format!("`{name}` was emitted twice with the same labels"));
        }
    }

    /// Masks samples of down targets (except `up`), drops empty series, and groups the result
    /// as OpenMetrics families in catalogue order.
    pub fn finish(self) -> Result<Vec<Family>, ToolError> {
        if !self.problems.is_empty() {
            return Err(ToolError::InvalidInput(format!(
                "the simulator broke the catalogue's contract ({} problem(s)):\n  {}",
                self.problems.len(),
                self.problems.join("\n  ")
            )));
        }
        let scenario = self.world.scenario;
        let mut families = Vec::new();
        for metric in &self.catalogue.metrics {
            let Some(buffers) = self.families.get(&metric.name) else { continue };
            let mut series = Vec::new();
            // Histograms: all buckets (by numeric bound), then _count and _sum, per label set.
            let mut entries: Vec<_> = buffers.iter().collect();
            entries.sort_by(|a, b| series_order(&a.0 .0, &a.0 .1).partial_cmp(&series_order(&b.0 .0, &b.0 .1)).unwrap());
            for ((name, labels), buffer) in entries {
                let keep_when_down = metric.meter.is_none();
                let points: Vec<(i64, f64)> = buffer
                    .values
                    .iter()
                    .enumerate()
                    .filter(|(step, _)| keep_when_down || self.world.up[buffer.node][*step])
                    .filter_map(|(step, value)| value.map(|v| (scenario.time_at(step), v)))
                    .collect();
                if !points.is_empty() {
                    series.push(Series { name: name.clone(), labels: labels.clone(), points });
                }
            }
            families.push(Family { name: metric.family_name().to_string(), kind: metric.kind, help: metric.help.clone(), series });
        }
        Ok(families)
    }
}

/// Sort key: labels without `le`, then suffix rank, then numeric `le`.
fn series_order(name: &str, labels: &[(String, String)]) -> (Vec<(String, String)>, u8, f64) {
    let others: Vec<(String, String)> = labels.iter().filter(|(k, _)| k != "le").cloned().collect();
    let le = labels
        .iter()
        .find(|(k, _)| k == "le")
        .map(|(_, v)| if v == "+Inf" { f64::INFINITY } else { v.parse().unwrap_or(0.0) })
        .unwrap_or(0.0);
    let rank = if name.ends_with("_bucket") {
        0
    } else if name.ends_with("_count") {
        1
    } else {
        2
    };
    (others, rank, le)
}
