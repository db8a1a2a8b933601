//! The pack's Prometheus rule files (`alerts/*.rules.yaml`): loading them with source
//! locations, and deriving the recording-rules-only file that `seed` backfills.
//!
//! promtool owns the full schema check (`promtool check rules`); this module reads just what
//! the tool itself needs — names, expressions, `for`, labels, annotations — and where each
//! one sits in its file, so lint findings and test errors can point at a line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, Location, Position};
use crate::exit::ToolError;
use crate::pack::layout;
use crate::pack::links;
use crate::timestamp::parse_duration_secs;

/// Rule files end with this; other YAML under `alerts/` (tests, Alertmanager) is not rules.
pub const RULES_SUFFIX: &str = ".rules.yaml";

#[derive(Debug, Deserialize)]
struct FileSpec {
    #[serde(default)]
    groups: Vec<GroupSpec>,
}

#[derive(Debug, Deserialize)]
struct GroupSpec {
    name: Spanned<String>,
    #[serde(default)]
    rules: Vec<RuleSpec>,
}

#[derive(Debug, Deserialize)]
struct RuleSpec {
    #[serde(default)]
    record: Option<Spanned<String>>,
    #[serde(default)]
    alert: Option<Spanned<String>>,
    expr: Spanned<String>,
    #[serde(default, rename = "for")]
    for_: Option<Spanned<String>>,
    #[serde(default)]
    labels: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    annotations: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    Record,
    Alert,
}

/// A string value and where it is written.
#[derive(Debug, Clone)]
pub struct Located {
    pub value: String,
    pub at: Position,
}

impl From<&Spanned<String>> for Located {
    fn from(spanned: &Spanned<String>) -> Self {
        Located { value: spanned.value.clone(), at: Position::of_yaml(spanned) }
    }
}

/// The scrape job the pack's rules select (`job="omnirelay"`); `export-rules --scrape-job`
/// renames it for a deployment that scrapes MeshKit under another job.
pub const SCRAPE_JOB: &str = "omnirelay";

/// What a deployment changes in the pack's rule files: where runbooks and dashboards are served,
/// and the scrape job's name.
pub struct Deployment<'a> {
    /// Base URL of the runbooks (the runbook of `X` is `<base>X.md`).
    pub runbook_base: &'a str,
    /// The Grafana the dashboards are provisioned into.
    pub grafana_url: &'a str,
    pub scrape_job: &'a str,
}

impl Deployment<'_> {
    /// A rule file's text as this deployment runs it.
    pub fn apply(&self, text: &str) -> String {
        let runbook_base = format!("{}/", self.runbook_base.trim_end_matches('/'));
        let grafana = format!("{}/d/", self.grafana_url.trim_end_matches('/'));
        text.replace(links::DEFAULT_RUNBOOK_BASE, &runbook_base)
            .replace(&format!("{}/d/", links::DEFAULT_GRAFANA_URL), &grafana)
            .replace(&format!("job=\"{SCRAPE_JOB}\""), &format!("job=\"{}\"", self.scrape_job))
    }
}

/// The severity of a heartbeat: an alert that fires all the time by design (kube-prometheus'
/// `Watchdog`), so a dead-man's switch notices when the alerting pipeline stops delivering. It
/// is never an incident: incident checks and healthy stretches leave it out.
pub const HEARTBEAT_SEVERITY: &str = "none";

#[derive(Debug, Clone)]
pub struct Rule {
    pub kind: RuleKind,
    /// The recorded series or the alert name.
    pub name: Located,
    pub expr: Located,
    /// `for` in seconds (0 when absent).
    pub for_secs: i64,
    pub labels: BTreeMap<String, Located>,
    pub annotations: BTreeMap<String, Located>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: Located,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
pub struct RuleFile {
    pub path: PathBuf,
    pub groups: Vec<Group>,
}

impl Rule {
    /// An alert that always fires on purpose (`severity: none`).
    pub fn is_heartbeat(&self) -> bool {
        self.kind == RuleKind::Alert && self.labels.get("severity").is_some_and(|s| s.value == HEARTBEAT_SEVERITY)
    }
}

impl RuleFile {
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.groups.iter().flat_map(|g| &g.rules)
    }
}

/// The rule files of a pack, sorted by path.
pub fn rule_file_paths(pack_root: &Path) -> Result<Vec<PathBuf>, ToolError> {
    let dir = pack_root.join(layout::RULES);
    crate::fsutil::sorted_files(&dir, |name| name.ends_with(RULES_SUFFIX)).map_err(|err| {
        ToolError::InvalidInput(format!("{}: cannot list rule files: {err}; run from the pack root or pass --pack", dir.display()))
    })
}

/// Loads every rule file of the pack.
pub fn load_all(pack_root: &Path) -> Result<Vec<RuleFile>, ToolError> {
    rule_file_paths(pack_root)?.iter().map(|p| load(p).map_err(ToolError::from)).collect()
}

/// Reads one rule file; a file that does not read as one is a diagnostic (lint turns it into a
/// finding).
pub fn load(path: &Path) -> Result<RuleFile, Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| Diagnostic::new(Location::file_start(path), format!("cannot read: {err}"), "make the file readable"))?;
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> Result<RuleFile, Diagnostic> {
    let spec: FileSpec = serde_saphyr::from_str(text).map_err(|err| {
        let message = err.to_string();
        let first = message.lines().next().unwrap_or("invalid YAML");
        Diagnostic::new(
            Position::of_yaml_error(&err).in_file(path),
            format!("not a Prometheus rule file: {first}"),
            "fix the YAML so it is a Prometheus rule file (see `promtool check rules`)",
        )
    })?;
    let mut groups = Vec::new();
    for group in &spec.groups {
        let mut rules = Vec::new();
        for rule in &group.rules {
            let (kind, name) = match (&rule.record, &rule.alert) {
                (Some(record), None) => (RuleKind::Record, record),
                (None, Some(alert)) => (RuleKind::Alert, alert),
                _ => {
                    return Err(Diagnostic::new(
                        Position::of_yaml(&rule.expr).in_file(path),
                        "a rule needs exactly one of `record` or `alert`",
                        "add the missing one or split the rule",
                    ))
                }
            };
            let for_secs = match &rule.for_ {
                None => 0,
                Some(text) if text.value == "0" || text.value == "0s" || text.value == "0m" => 0,
                Some(text) => parse_duration_secs(&text.value).map_err(|message| {
                    Diagnostic::new(
                        Position::of_yaml(text).in_file(path),
                        format!("for: {message}"),
                        "write a Prometheus duration (5m, 1h30m)",
                    )
                })?,
            };
            rules.push(Rule {
                kind,
                name: name.into(),
                expr: (&rule.expr).into(),
                for_secs,
                labels: rule.labels.iter().map(|(k, v)| (k.clone(), v.into())).collect(),
                annotations: rule.annotations.iter().map(|(k, v)| (k.clone(), v.into())).collect(),
            });
        }
        groups.push(Group { name: (&group.name).into(), rules });
    }
    Ok(RuleFile { path: path.to_path_buf(), groups })
}

/// `promtool check rules` on one file: Ok, or promtool's report.
pub async fn promtool_check(file: &Path) -> anyhow::Result<Result<(), String>> {
    crate::programs::tools::check(crate::programs::tools::PROMTOOL, &["check", "rules"], file).await
}

/// The selectors of every rule expression; a parse error is located at the expression.
pub fn selectors(files: &[RuleFile]) -> Result<Vec<crate::pack::promql::Selector>, ToolError> {
    let mut selectors = Vec::new();
    for file in files {
        for rule in file.rules() {
            let expr = crate::pack::promql::parse(&rule.expr.value).map_err(|err| {
                Diagnostic::new(
                    rule.expr.at.in_file(&file.path),
                    format!("{}: PromQL does not parse: {err}", rule.name.value),
                    "write valid PromQL (`meshkit-obs lint` names the problem)",
                )
            })?;
            selectors.extend(crate::pack::promql::reads(&expr).selectors);
        }
    }
    Ok(selectors)
}

/// A rule file holding only the recording rules of `files`, one group per source group, as
/// JSON (valid YAML): `promtool tsdb create-blocks-from rules` would write alerting rules as
/// plain series. Empty when the pack has no recording rules.
pub fn recording_rules_file(files: &[RuleFile]) -> Vec<u8> {
    let mut groups = Vec::new();
    for group in files.iter().flat_map(|f| &f.groups) {
        let rules: Vec<serde_json::Value> = group
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::Record)
            .map(|r| {
                let labels: BTreeMap<&str, &str> = r.labels.iter().map(|(k, v)| (k.as_str(), v.value.as_str())).collect();
                serde_json::json!({"record": r.name.value, "expr": r.expr.value, "labels": labels})
            })
            .collect();
        if !rules.is_empty() {
            groups.push(serde_json::json!({"name": group.name.value, "rules": rules}));
        }
    }
    if groups.is_empty() {
        return Vec::new();
    }
    serde_json::to_vec_pretty(&serde_json::json!({ "groups": groups })).expect("JSON of strings serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "groups:\n  - name: g\n    rules:\n      - record: a:b:c\n        expr: sum(x)\n      - alert: X\n        expr: a:b:c > 1\n        for: 5m\n        labels: {severity: warning}\n";

    #[test]
    fn reads_rules_with_positions_and_keeps_only_recording_rules_for_backfill() {
        let file = parse(Path::new("t.rules.yaml"), TEXT).unwrap();
        let rules: Vec<&Rule> = file.rules().collect();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1].name.value, "X");
        assert_eq!(rules[1].name.at, Position { line: 6, column: 16 });
        assert_eq!(rules[1].for_secs, 300);
        let json: serde_json::Value = serde_json::from_slice(&recording_rules_file(&[file])).unwrap();
        assert_eq!(json["groups"][0]["rules"].as_array().unwrap().len(), 1);
        assert_eq!(json["groups"][0]["rules"][0]["record"], "a:b:c");
    }

    #[test]
    fn a_rule_without_record_or_alert_is_located() {
        let err = parse(Path::new("t.rules.yaml"), "groups:\n  - name: g\n    rules:\n      - expr: up\n").unwrap_err();
        assert!(err.to_string().contains("t.rules.yaml:4:"), "{err}");
    }
}
