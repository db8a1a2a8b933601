//! `meshkit-obs lint`: findings about the pack's content, each with file, location, rule id
//! and fix. One submodule per kind of content (rule files, dashboards, provisioning), plus the
//! helpers the dashboard checks share.

pub mod dashboards;
pub mod json_location;
pub mod provisioning;
pub mod queries;
pub mod rules;
pub mod series;
pub mod template;
pub mod versions;

use std::fmt;
use std::path::PathBuf;

/// One problem found in the pack.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub path: PathBuf,
    pub line: u64,
    pub column: u64,
    /// Stable id of the lint rule (kebab-case), for docs and for grepping.
    pub rule: &'static str,
    pub message: String,
    pub fix: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}: {}; fix: {}", self.path.display(), self.line, self.column, self.rule, self.message, self.fix)
    }
}

/// The lint rule ids with what each checks (printed by `lint --list`).
pub const RULE_IDS: &[(&str, &str)] = &[
    ("rule-file", "every alerts/*.rules.yaml file reads as a rule file"),
    ("promtool-check-rules", "`promtool check rules` accepts every rule file"),
    ("promql-parse", "every rule expression and dashboard query parses as PromQL"),
    ("alert-name", "alert names are CamelCase with the shared MeshKit prefix"),
    ("alert-severity", "every alert has severity critical, warning or info"),
    ("alert-team", "every alert has a team label (Alertmanager routes by it)"),
    ("alert-summary", "summary present, static (not templated), capitalised, ending with a period"),
    ("alert-description", "description present and templated"),
    ("alert-runbook-url", "runbook_url names docs/runbooks/<AlertName>.md, which exists"),
    ("runbook-orphan", "every runbook belongs to an alert"),
    ("alert-dashboard-url", "dashboard_url opens a pack dashboard with the cluster variable set"),
    ("metric-unknown", "every metric a rule or dashboard query reads is in the catalogue or recorded by the pack"),
    ("group-by-avoid-label", "no rule or dashboard query groups or matches by an avoid-class label, no legend shows one"),
    ("record-name", "recording rules are named level:metric:operation"),
    ("record-reads-record", "recording rules read raw series only (the seed backfills them in one pass)"),
    ("dashboard-json", "every dashboards/**/*.json is valid JSON in the shape Grafana 11 reads"),
    ("dashboard-uid", "a dashboard's uid is its file stem"),
    ("dashboard-settings", "meshkit tag, editable false, time range, refresh, a link to the pack's dashboards"),
    ("panel-id", "panel ids are unique positive integers (rows' panels included)"),
    ("panel-grid", "panels fit the 24-column grid and do not overlap"),
    ("panel-datasource", "panels and targets query the ${datasource} variable, never a hard-coded uid"),
    ("panel-title", "every panel and row has a title"),
    ("panel-description", "every panel has a description"),
    ("panel-unit", "numeric panels set a unit; state panels a unit or value mappings"),
    ("label-unknown", "every label a query matches or groups by is one the series carries there"),
    ("rate-on-non-counter", "rate/irate/increase/resets read counters only"),
    ("histogram-quantile", "histogram_quantile reads _bucket series with le kept by every aggregation"),
    ("variable-undefined", "every $variable used is defined by the dashboard or Grafana"),
    ("variable-query", "query variables use a Prometheus query form, catalogue series and ${datasource}"),
    ("template-datasource-rule", "a `datasource` variable of type datasource, query prometheus, exists"),
    ("template-on-time-change-reload-rule", "query variables refresh on time range change (refresh: 2)"),
    ("target-rate-interval-rule", "rate/irate/increase in panel targets use $__rate_interval"),
    ("target-scope-filter", "targets filter every series carrying cluster/namespace by the dashboard's variable"),
    ("panel-link", "runbook and dashboard links point at a runbook / dashboard the pack ships"),
    ("dashboard-pack-version", "every dashboard is tagged meshkit-pack:v<crate version>"),
    ("dashboard-version-bump", "a dashboard changed since git HEAD has a higher integer `version` than at HEAD"),
    ("provisioning-file", "every provisioning YAML reads as a Grafana provisioning file"),
    ("dashboard-not-provisioned", "every dashboard file is delivered by a provider"),
    ("dashboard-provisioned-twice", "no dashboard file or uid is delivered twice"),
    ("provisioning-path", "every provider path resolves to a folder"),
    ("provisioning-provider", "providers are file providers, read-only, undeletable, into a named folder"),
    ("provisioning-datasource", "the datasource variable resolves to a provisioned data source with uid and url from the environment"),
];

/// Looks up a rule id's static name (findings carry `&'static str`).
pub fn rule_id(id: &str) -> &'static str {
    RULE_IDS.iter().find(|(known, _)| *known == id).map(|(known, _)| *known).expect("lint rule ids are declared in RULE_IDS")
}
