//! The metrics catalogue (`metrics/catalogue.yaml`): loading, validation, lookups, and the
//! generated `docs/metrics.md` page.
//!
//! The catalogue is the single list of series the pack may use. The simulator can only emit
//! families listed here (with their declared labels and value sets), and lint checks queries
//! against it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Position};
use crate::exit::ToolError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
}

impl MetricType {
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Exported,
    Proposed,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelSpec {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub values: Option<Vec<String>>,
    #[serde(default)]
    pub cardinality: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Present on some series only.
    #[serde(default)]
    pub optional: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum LabelRef {
    Shared(String),
    Inline(LabelSpec),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleSpec {
    #[serde(default)]
    meter: Option<String>,
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricSpec {
    name: String,
    #[serde(rename = "type")]
    kind: MetricType,
    unit: String,
    module: String,
    status: Status,
    #[serde(default)]
    instrument: Option<String>,
    #[serde(default)]
    text_spelling: Option<String>,
    #[serde(default)]
    meter: Option<String>,
    #[serde(default)]
    source: Option<String>,
    help: String,
    labels: Vec<LabelRef>,
    #[serde(default)]
    aggregation: Option<String>,
    #[serde(default)]
    notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    version: u32,
    modules: BTreeMap<String, ModuleSpec>,
    target_labels: Vec<LabelSpec>,
    exporter_labels: Vec<LabelSpec>,
    labels: BTreeMap<String, LabelSpec>,
    /// Labels no rule or panel may group by (unbounded or value-like), with the reason.
    #[serde(default)]
    avoid_labels: BTreeMap<String, String>,
    metrics: Vec<MetricSpec>,
}

/// One metric family with its labels resolved.
#[derive(Debug, Clone)]
pub struct Metric {
    pub name: String,
    pub kind: MetricType,
    pub unit: String,
    pub module: String,
    pub status: Status,
    pub instrument: Option<String>,
    pub text_spelling: Option<String>,
    /// `None` for series Prometheus writes itself (`up`).
    pub meter: Option<String>,
    pub help: String,
    pub labels: Vec<LabelSpec>,
    pub aggregation: Option<String>,
    pub notes: Option<String>,
}

impl Metric {
    /// The series names Prometheus stores for this family.
    pub fn series_names(&self) -> Vec<String> {
        match self.kind {
            MetricType::Histogram => ["_bucket", "_sum", "_count"].iter().map(|s| format!("{}{s}", self.name)).collect(),
            _ => vec![self.name.clone()],
        }
    }

    /// The OpenMetrics family name (counters drop `_total`).
    pub fn family_name(&self) -> &str {
        match self.kind {
            MetricType::Counter => self.name.strip_suffix("_total").unwrap_or(&self.name),
            _ => &self.name,
        }
    }

    pub fn label(&self, name: &str) -> Option<&LabelSpec> {
        self.labels.iter().find(|l| l.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct Module {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    pub modules: Vec<Module>,
    pub target_labels: Vec<LabelSpec>,
    pub exporter_labels: Vec<LabelSpec>,
    pub metrics: Vec<Metric>,
    /// Label name -> why grouping by it is unsafe (telemetry reference §13.1 "avoid").
    pub avoid_labels: BTreeMap<String, String>,
    by_name: BTreeMap<String, usize>,
}

impl Catalogue {
    /// Reads the catalogue file (the pack's is `layout::CATALOGUE`).
    pub fn load(path: &Path) -> Result<Catalogue, ToolError> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            ToolError::InvalidInput(format!(
                "{}: cannot read the metrics catalogue: {err}; run from the pack's root or pass --pack",
                path.display()
            ))
        })?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Catalogue, ToolError> {
        let spec: FileSpec = serde_saphyr::from_str(text).map_err(|err| {
            let message = err.to_string();
            Diagnostic::new(
                Position::of_yaml_error(&err).in_file(path),
                message.lines().next().unwrap_or("invalid YAML"),
                "fix the YAML (the other entries of the catalogue show the shape)",
            )
        })?;
        let mut problems = Vec::new();
        if spec.version != 1 {
            problems.push(format!("version: {} is not supported; this tool reads version 1", spec.version));
        }
        let mut metrics = Vec::new();
        let mut by_name = BTreeMap::new();
        for (index, metric) in spec.metrics.into_iter().enumerate() {
            let at = format!("metrics[{index}] ({})", metric.name);
            let Some(module) = spec.modules.get(&metric.module) else {
                problems.push(format!("{at}.module: unknown module `{}`; declare it under modules:", metric.module));
                continue;
            };
            if by_name.insert(metric.name.clone(), metrics.len()).is_some() {
                problems.push(format!("{at}.name: listed twice"));
            }
            if metric.kind == MetricType::Counter && !metric.name.ends_with("_total") {
                problems.push(format!("{at}.name: a counter's stored name ends with _total"));
            }
            let mut labels = Vec::new();
            for label in metric.labels {
                match label {
                    LabelRef::Shared(name) => match spec.labels.get(&name) {
                        Some(shared) => labels.push(LabelSpec { name, ..shared.clone() }),
                        None => problems
                            .push(format!("{at}.labels: `{name}` is not under labels:; declare it there or inline it with name/values")),
                    },
                    LabelRef::Inline(inline) => {
                        if inline.name.is_empty() {
                            problems.push(format!("{at}.labels: an inline label needs a name"));
                        }
                        if inline.values.is_none() && inline.cardinality.is_none() {
                            problems.push(format!("{at}.labels.{}: give values or a cardinality", inline.name));
                        }
                        labels.push(inline);
                    }
                }
            }
            let meter = match metric.source.as_deref() {
                Some("prometheus") => None,
                Some(other) => {
                    problems.push(format!("{at}.source: `{other}` is unknown; the only source besides the exporter is `prometheus`"));
                    None
                }
                None => {
                    let meter = metric.meter.clone().or_else(|| module.meter.clone());
                    if meter.is_none() {
                        problems.push(format!("{at}.meter: no meter and the module has none"));
                    }
                    meter
                }
            };
            metrics.push(Metric {
                name: metric.name,
                kind: metric.kind,
                unit: metric.unit,
                module: metric.module,
                status: metric.status,
                instrument: metric.instrument,
                text_spelling: metric.text_spelling,
                meter,
                help: metric.help,
                labels,
                aggregation: metric.aggregation,
                notes: metric.notes,
            });
        }
        if !problems.is_empty() {
            return Err(ToolError::InvalidInput(format!(
                "{}: {} problem(s):\n  {}",
                path.display(),
                problems.len(),
                problems.join("\n  ")
            )));
        }
        let modules = spec.modules.into_iter().map(|(name, m)| Module { name, description: m.description }).collect();
        Ok(Catalogue {
            modules,
            target_labels: spec.target_labels,
            exporter_labels: spec.exporter_labels,
            metrics,
            avoid_labels: spec.avoid_labels,
            by_name,
        })
    }

    /// Every series name a scrape can store: histogram suffixes and text-format spellings included.
    pub fn stored_series_names(&self) -> Vec<String> {
        let mut names: Vec<String> =
            self.metrics.iter().flat_map(|m| m.series_names().into_iter().chain(m.text_spelling.clone())).collect();
        names.sort();
        names
    }

    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.by_name.get(name).map(|&i| &self.metrics[i])
    }

    /// Finds the family a stored series name belongs to (`x_bucket` -> histogram `x`).
    pub fn family_of_series(&self, series: &str) -> Option<&Metric> {
        if let Some(metric) = self.metric(series) {
            return (metric.kind != MetricType::Histogram).then_some(metric);
        }
        ["_bucket", "_sum", "_count"].iter().find_map(|suffix| {
            let base = series.strip_suffix(suffix)?;
            self.metric(base).filter(|m| m.kind == MetricType::Histogram)
        })
    }

    /// Every label key a series of `metric` may carry.
    pub fn allowed_label_names(&self, metric: &Metric) -> BTreeSet<String> {
        let mut names: BTreeSet<String> = self.target_labels.iter().map(|l| l.name.clone()).collect();
        if metric.meter.is_some() {
            names.extend(self.exporter_labels.iter().map(|l| l.name.clone()));
        }
        names.extend(metric.labels.iter().map(|l| l.name.clone()));
        names
    }

    /// The value set declared for a label on a metric, if the label has a fixed set.
    pub fn allowed_values<'a>(&'a self, metric: &'a Metric, label: &str) -> Option<&'a [String]> {
        metric
            .label(label)
            .or_else(|| self.target_labels.iter().find(|l| l.name == label))
            .or_else(|| self.exporter_labels.iter().find(|l| l.name == label))
            .and_then(|l| l.values.as_deref())
    }

    /// Renders `docs/metrics.md`.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str("<!-- Generated by `meshkit-obs metrics-doc` from metrics/catalogue.yaml. Do not edit by hand. -->\n");
        out.push_str("# Metrics catalogue\n\n");
        out.push_str("Every series the pack's dashboards, recording rules and alerts may use, spelled exactly as a stock Prometheus scrape of the OpenTelemetry .NET Prometheus exporter 1.14.0-beta.1 stores it (OpenMetrics variant, unit-suffix quirks included). ");
        out.push_str("**exported** series exist in OmniRelay today; **proposed** series are defined by this pack and need an implementation in the host (or a poller) before their panels fill.\n\n");
        let exported = self.metrics.iter().filter(|m| m.status == Status::Exported).count();
        let _ = writeln!(out, "{} metric families: {exported} exported, {} proposed.\n", self.metrics.len(), self.metrics.len() - exported);
        out.push_str(HOST_PREREQUISITES);
        out.push_str("\n## Labels on every series\n\n| label | values | description |\n|---|---|---|\n");
        for label in self.target_labels.iter().chain(&self.exporter_labels) {
            let _ = writeln!(out, "| `{}` | {} | {} |", label.name, label_values(label), label.description);
        }
        out.push_str("\n`otel_scope_name` and `otel_metric_overflow` are added by the exporter and are absent from `up`.\n");
        for module in &self.modules {
            let members: Vec<&Metric> = self.metrics.iter().filter(|m| m.module == module.name).collect();
            if members.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n## {} — {}\n", module.name, module.description);
            out.push_str("| series | type | unit | labels | status | meter / instrument |\n|---|---|---|---|---|---|\n");
            for metric in &members {
                let series = match metric.kind {
                    MetricType::Histogram => format!("`{0}_bucket` / `_sum` / `_count`", metric.name),
                    _ => format!("`{}`", metric.name),
                };
                let series = match &metric.text_spelling {
                    Some(text) => format!("{series} (text format: `{text}`)"),
                    None => series,
                };
                let labels: Vec<String> = metric
                    .labels
                    .iter()
                    .map(|l| match &l.values {
                        Some(values) => {
                            format!("`{}` ∈ {}", l.name, values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "))
                        }
                        None => format!("`{}`", l.name),
                    })
                    .collect();
                let origin = match (&metric.meter, &metric.instrument) {
                    (Some(meter), Some(instrument)) => format!("`{meter}` / `{instrument}`"),
                    (Some(meter), None) => format!("`{meter}`"),
                    (None, _) => "Prometheus".to_string(),
                };
                let status = match metric.status {
                    Status::Exported => "exported",
                    Status::Proposed => "**proposed**",
                };
                let unit = if metric.unit.is_empty() { "—" } else { &metric.unit };
                let labels = if labels.is_empty() { "—".to_string() } else { labels.join("; ") };
                let _ = writeln!(out, "| {series} | {} | {unit} | {labels} | {status} | {origin} |", metric.kind.as_str());
            }
            out.push('\n');
            for metric in &members {
                let _ = write!(out, "- `{}`: {}", metric.name, metric.help);
                if let Some(aggregation) = &metric.aggregation {
                    let _ = write!(out, " *Aggregation:* {aggregation}");
                }
                if let Some(notes) = &metric.notes {
                    let _ = write!(out, " *Note:* {notes}");
                }
                out.push('\n');
            }
        }
        out
    }
}

fn label_values(label: &LabelSpec) -> String {
    match (&label.values, &label.cardinality) {
        (Some(values), _) => values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "),
        (None, Some(cardinality)) => cardinality.clone(),
        (None, None) => "—".to_string(),
    }
}

const HOST_PREREQUISITES: &str = r#"## Host prerequisites (what a MeshKit/OmniRelay host must do for these series to exist)

1. **Register telemetry** with `AddOmniRelayTelemetry(...)`. It subscribes `OmniRelay.Core.Peers`, `OmniRelay.Core.Gossip`, `OmniRelay.Core.Leadership`, `OmniRelay.Transport.Grpc`, `OmniRelay.Transport.Http`, `OmniRelay.Rpc` and `Hugo.Go`.
2. **Add the three meters the helper leaves out**: `AddMeter("OmniRelay.Dispatcher.ResourceLease", "OmniRelay.Dispatcher.ResourceLeaseReplication", "OmniRelay.Diagnostics.PeerHealth")`. Without them the replication, queue/backpressure and peer-lease signal panels stay empty.
3. **Map the scrape route** `/omnirelay/metrics` in the host app (`MapPrometheusScrapingEndpoint`). The library registers the exporter but never maps the route.
4. **Pin the scrape protocol** on the OmniRelay job so the counter spellings cannot flip between the OpenMetrics and text formats:
   ```yaml
   scrape_configs:
     - job_name: omnirelay
       metrics_path: /omnirelay/metrics
       scrape_protocols: [OpenMetricsText1.0.0, OpenMetricsText0.0.1]
   ```
   The pack's recording rules also accept the text-format spellings (`mesh_gossip_messages_total_messages_total`, `mesh_leadership_transitions_total_events_total`, `mesh_leadership_split_brain_total_events_total`).
5. **Attach topology as target labels** (`cluster`, `namespace`, `node`) in service discovery; OmniRelay does not emit them per series, and resource attributes only reach `target_info`.
6. **Bound cardinality with SDK Views**, not `labeldrop` (dropping at scrape time can make two series identical, and Prometheus then rejects samples). The seeded data assumes these Views:
   ```csharp
   metrics.AddView("mesh_gossip_rtt_ms", new MetricStreamConfiguration { TagKeys = Array.Empty<string>() });
   metrics.AddView("mesh_gossip_fanout", new MetricStreamConfiguration { TagKeys = Array.Empty<string>() });
   metrics.AddView("mesh_leadership_election_duration_ms", new MetricStreamConfiguration { TagKeys = new[] { "mesh.scope_kind" } });
   metrics.AddView("omnirelay.resourcelease.replication.lag", new MetricStreamConfiguration { TagKeys = new[] { "shard.id" } });
   metrics.AddView("omnirelay.peer.lease.duration", new MetricStreamConfiguration { TagKeys = new[] { "rpc.service" } });
   metrics.AddView("omnirelay.retry.scheduled", new MetricStreamConfiguration { TagKeys = new[] { "rpc.service", "error.status" } });
   metrics.AddView("omnirelay.retry.exhausted", new MetricStreamConfiguration { TagKeys = new[] { "rpc.service", "error.status" } });
   metrics.AddView("omnirelay.retry.succeeded", new MetricStreamConfiguration { TagKeys = new[] { "rpc.service" } });
   metrics.AddView("omnirelay.peer.lease_assignments", new MetricStreamConfiguration { TagKeys = new[] { "rpc.peer" } });
   ```
   The SDK caps every metric at 2000 label sets per process and folds the rest into a series labelled `otel_metric_overflow="true"`; the pack alerts on it.

### Native AOT

OmniRelay ships as Native AOT. Everything above is AOT-safe: meters are static fields with literal names, `AddMeter` and `AddView` subscribe by literal instrument name (no reflection, no assembly scanning), and the Prometheus exporter the pack relies on (`OpenTelemetry.Exporter.Prometheus.AspNetCore` 1.14.0-beta.1) is trim/AOT-tested upstream. The **proposed** series must be implemented the same way: static `Meter` instances, instruments created once with literal names, observable gauges reading plain fields, and any JSON (e.g. a shard-registry poller) through a source-generated `JsonSerializerContext`.
"#;
