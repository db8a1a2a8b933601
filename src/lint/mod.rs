//! `meshkit-obs lint`: findings about the pack's content, each with file, location, rule id
//! and fix. One submodule per kind of content.

pub mod rules;

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
    ("promql-parse", "every expression parses as PromQL"),
    ("alert-name", "alert names are CamelCase with the shared MeshKit prefix"),
    ("alert-severity", "every alert has severity critical, warning or info"),
    ("alert-team", "every alert has a team label (Alertmanager routes by it)"),
    ("alert-summary", "summary present, static (not templated), capitalised, ending with a period"),
    ("alert-description", "description present and templated"),
    ("alert-runbook-url", "runbook_url names docs/runbooks/<AlertName>.md, which exists"),
    ("runbook-orphan", "every runbook belongs to an alert"),
    ("alert-dashboard-url", "dashboard_url opens a pack dashboard with the cluster variable set"),
    ("metric-unknown", "every metric a rule reads is in the catalogue or recorded by the pack"),
    ("group-by-avoid-label", "no rule groups or matches by an avoid-class label"),
    ("record-name", "recording rules are named level:metric:operation"),
    ("record-reads-record", "recording rules read raw series only (the seed backfills them in one pass)"),
];

/// Looks up a rule id's static name (findings carry `&'static str`).
pub fn rule_id(id: &str) -> &'static str {
    RULE_IDS.iter().find(|(known, _)| *known == id).map(|(known, _)| *known).expect("lint rule ids are declared in RULE_IDS")
}
