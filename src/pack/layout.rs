//! Where everything lives inside a pack, relative to its root: the one place that spells the
//! pack's folder layout. `Pack` joins these onto a root; git and release notes use them as they
//! are, to read the pack at a revision.

/// The metrics catalogue: every family the exporter emits, its labels and values.
pub const CATALOGUE: &str = "metrics/catalogue.yaml";
/// The generated metrics reference.
pub const METRICS_DOC: &str = "docs/metrics.md";
/// Simulation scenarios; `DEFAULT_SCENARIO` is the reference the baselines are drawn from.
pub const SCENARIOS: &str = "scenarios";
pub const DEFAULT_SCENARIO: &str = "scenarios/reference.yaml";
/// The tool's settings file (render settings, views, compare settings).
pub const CONFIG: &str = "meshkit-obs.toml";
/// Prometheus alert and recording rule files (`*.rules.yaml`).
pub const RULES: &str = "alerts";
/// Hand-written promtool unit tests of the rules.
pub const RULE_TESTS: &str = "alerts/tests";
/// The Alertmanager configuration template.
pub const ALERTMANAGER_CONFIG: &str = "alerts/alertmanager.yml";
/// Dashboard JSON files, in one folder per audience; what Grafana loads is decided by provisioning.
pub const DASHBOARDS: &str = "dashboards";
/// Grafana provisioning: data sources and dashboard providers.
pub const PROVISIONING: &str = "dashboards/provisioning";
pub const DATASOURCES: &str = "dashboards/provisioning/datasources";
pub const PROVIDERS: &str = "dashboards/provisioning/dashboards";
/// Approved screenshots, one folder per render backend.
pub const BASELINES: &str = "baselines";
/// One runbook per alert.
pub const RUNBOOKS: &str = "docs/runbooks";
/// One guide per dashboard, and the docs index.
pub const GUIDES: &str = "docs/dashboards";
pub const DOCS_INDEX: &str = "docs/README.md";
/// The built viewer the embedded backend serves.
pub const VIEWER_DIST: &str = "viewer/dist";
/// The seed cache and the default report folder (build outputs, never committed).
pub const CACHE: &str = "target/meshkit-obs-cache";
pub const REPORT: &str = "target/meshkit-obs/report";
