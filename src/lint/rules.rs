//! Lint of the alert and recording rules: promtool's own check, the pack's alert metadata
//! conventions (monitoring-mixins), runbook and dashboard links, and that every series a rule
//! reads exists in the metrics catalogue.

use std::collections::BTreeSet;
use std::path::Path;

use super::series::{Origin, Series};
use super::{rule_id, Finding};
use crate::pack::catalogue::Catalogue;
use crate::pack::layout;
use crate::pack::links::{self, DASHBOARD_UIDS};
use crate::pack::rules::{Position, Rule, RuleFile, RuleKind};

/// Every alert name starts with this (one shared prefix, monitoring-mixins convention).
pub const ALERT_PREFIX: &str = "MeshKit";
const SEVERITIES: &[&str] = &["critical", "warning", "info"];

/// All rule-file findings of the pack. `all_files_read`: whether `files` are all the rule files
/// (runbooks are orphans only when no unreadable file could hold their alert).
pub async fn lint(
    pack_root: &Path,
    files: &[RuleFile],
    all_files_read: bool,
    catalogue: &Catalogue,
    series: &Series,
) -> anyhow::Result<Vec<Finding>> {
    let mut findings = promtool_check(files).await?;
    let alert_names: BTreeSet<&str> =
        files.iter().flat_map(|f| f.rules()).filter(|r| r.kind == RuleKind::Alert).map(|r| r.name.value.as_str()).collect();
    for file in files {
        for rule in file.rules() {
            let mut finding = |at: Position, id: &str, message: String, fix: &str| {
                findings.push(Finding {
                    path: file.path.clone(),
                    line: at.line,
                    column: at.column,
                    rule: rule_id(id),
                    message,
                    fix: fix.to_string(),
                });
            };
            check_expression(rule, series, catalogue, &mut finding);
            match rule.kind {
                RuleKind::Record => check_record_name(rule, &mut finding),
                RuleKind::Alert => check_alert(pack_root, rule, &mut finding),
            }
        }
    }
    if all_files_read {
        findings.extend(orphan_runbooks(pack_root, &alert_names));
    }
    findings.sort();
    Ok(findings)
}

/// `promtool check rules` on every file; its complaint becomes one finding per file.
async fn promtool_check(files: &[RuleFile]) -> anyhow::Result<Vec<Finding>> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let mut findings = Vec::new();
    for file in files {
        if let Err(text) = crate::pack::rules::promtool_check(&file.path).await? {
            let detail: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("Checking")).collect();
            let (line, column) = first_location(&text).unwrap_or((1, 1));
            findings.push(Finding {
                path: file.path.clone(),
                line,
                column,
                rule: rule_id("promtool-check-rules"),
                message: format!("promtool check rules failed: {}", detail.join(" | ")),
                fix: "correct the rule file until `promtool check rules` accepts it".to_string(),
            });
        }
    }
    Ok(findings)
}

/// promtool names positions as `<line>:<col>:` in some messages.
fn first_location(text: &str) -> Option<(u64, u64)> {
    text.split_whitespace().find_map(|word| {
        let mut parts = word.trim_end_matches(':').split(':');
        let line = parts.next()?.parse().ok()?;
        let column = parts.next()?.parse().ok()?;
        Some((line, column))
    })
}

type Report<'a> = dyn FnMut(Position, &str, String, &str) + 'a;

fn check_expression(rule: &Rule, series: &Series, catalogue: &Catalogue, finding: &mut Report) {
    let expr = match crate::pack::promql::parse(&rule.expr.value) {
        Ok(expr) => expr,
        Err(err) => {
            finding(
                rule.expr.at,
                "promql-parse",
                format!("{}: {err}", rule.name.value),
                "write valid PromQL (try it in the Prometheus UI)",
            );
            return;
        }
    };
    let reads = crate::pack::promql::reads(&expr);
    for selector in &reads.selectors {
        let raw = series.matching(selector).any(|(_, origin)| !matches!(origin, Origin::Recorded { .. }));
        let from_record = series.matching(selector).any(|(_, origin)| matches!(origin, Origin::Recorded { .. }));
        let written = selector.written();
        if selector.constrains_name() && !raw && !from_record {
            finding(
                rule.expr.at,
                "metric-unknown",
                format!("{}: `{written}` matches no series in metrics/catalogue.yaml and no recording rule of the pack", rule.name.value),
                "use the stored spelling from metrics/catalogue.yaml (unit suffixes included) or add the metric there",
            );
        }
        if rule.kind == RuleKind::Record && from_record {
            finding(rule.expr.at, "record-reads-record", format!("{}: reads `{written}`, which another recording rule writes", rule.name.value), "compute it from raw series: the seed backfills all recording rules in one pass, so a rule reading another one sees nothing");
        }
        for matcher in selector.label_matchers() {
            if let Some(reason) = catalogue.avoid_labels.get(&matcher.name) {
                finding(
                    rule.expr.at,
                    "group-by-avoid-label",
                    format!("{}: matches on `{}` ({reason})", rule.name.value, matcher.name),
                    "drop the label from the query; strip it with an SDK View",
                );
            }
        }
    }
    for label in reads.grouping.iter().collect::<BTreeSet<_>>() {
        if let Some(reason) = catalogue.avoid_labels.get(label.as_str()) {
            finding(
                rule.expr.at,
                "group-by-avoid-label",
                format!("{}: groups by `{label}` ({reason})", rule.name.value),
                "aggregate the label away (by cluster, namespace, ...) instead",
            );
        }
    }
}

fn check_record_name(rule: &Rule, finding: &mut Report) {
    let parts: Vec<&str> = rule.name.value.split(':').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        finding(
            rule.name.at,
            "record-name",
            format!("`{}` is not level:metric:operation", rule.name.value),
            "name it like cluster_namespace:metric_name:rate5m",
        );
    }
}

fn check_alert(pack_root: &Path, rule: &Rule, finding: &mut Report) {
    let name = &rule.name.value;
    let camel = name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric());
    if !name.starts_with(ALERT_PREFIX) || !camel {
        finding(
            rule.name.at,
            "alert-name",
            format!("`{name}` is not CamelCase with the {ALERT_PREFIX} prefix"),
            &format!("rename it {ALERT_PREFIX}<What>, letters and digits only"),
        );
    }
    match rule.labels.get("severity") {
        Some(severity) if SEVERITIES.contains(&severity.value.as_str()) => {}
        Some(severity) => finding(
            severity.at,
            "alert-severity",
            format!("{name}: severity `{}` is not one of {}", severity.value, SEVERITIES.join(", ")),
            "use critical (pages), warning or info",
        ),
        None => finding(
            rule.name.at,
            "alert-severity",
            format!("{name} has no severity label"),
            "add labels: {severity: critical|warning|info}",
        ),
    }
    if !rule.labels.contains_key("team") {
        finding(
            rule.name.at,
            "alert-team",
            format!("{name} has no team label"),
            "add labels: {team: ...}; alerts/alertmanager.yml routes by team",
        );
    }
    let annotation = |key: &str| rule.annotations.get(key);
    match annotation("summary") {
        None => finding(rule.name.at, "alert-summary", format!("{name} has no summary annotation"), "add a one-sentence static summary"),
        Some(summary) if summary.value.contains("{{") => finding(
            summary.at,
            "alert-summary",
            format!("{name}: the summary is templated"),
            "keep the summary static; put labels and values in the description",
        ),
        Some(summary) if !summary.value.starts_with(|c: char| c.is_uppercase()) || !summary.value.trim_end().ends_with('.') => finding(
            summary.at,
            "alert-summary",
            format!("{name}: the summary should start with a capital letter and end with a period"),
            "write it as one sentence",
        ),
        Some(_) => {}
    }
    match annotation("description") {
        None => finding(
            rule.name.at,
            "alert-description",
            format!("{name} has no description annotation"),
            "add a templated description naming cluster/namespace/node and {{ $value }}",
        ),
        Some(description) if !description.value.contains("{{") => finding(
            description.at,
            "alert-description",
            format!("{name}: the description is not templated"),
            "name the labels ({{ $labels.cluster }}) and the observed value ({{ $value }})",
        ),
        Some(_) => {}
    }
    match annotation("runbook_url") {
        None => finding(
            rule.name.at,
            "alert-runbook-url",
            format!("{name} has no runbook_url"),
            &format!("add runbook_url: {}{name}.md", links::DEFAULT_RUNBOOK_BASE),
        ),
        Some(url) => match links::runbook_alert(&url.value) {
            Some(target) if target == name => {
                let runbook = pack_root.join(layout::RUNBOOKS).join(format!("{name}.md"));
                if !runbook.is_file() {
                    finding(
                        url.at,
                        "alert-runbook-url",
                        format!("{name}: {}/{name}.md does not exist", layout::RUNBOOKS),
                        "write the runbook (Meaning, Impact, Diagnosis, Mitigation)",
                    );
                }
            }
            _ => finding(
                url.at,
                "alert-runbook-url",
                format!("{name}: runbook_url `{}` does not name this alert's runbook", url.value),
                &format!("use {}{name}.md (export-rules swaps the base for deployment)", links::DEFAULT_RUNBOOK_BASE),
            ),
        },
    }
    match annotation("dashboard_url") {
        None => finding(
            rule.name.at,
            "alert-dashboard-url",
            format!("{name} has no dashboard_url"),
            &format!("add dashboard_url: {}/d/<uid>?var-cluster={{{{ $labels.cluster }}}}", links::DEFAULT_GRAFANA_URL),
        ),
        Some(url) => {
            let uid = links::dashboard_uid(&url.value);
            if !uid.is_some_and(|uid| DASHBOARD_UIDS.contains(&uid)) || !url.value.contains("var-cluster={{ $labels.cluster }}") {
                finding(
                    url.at,
                    "alert-dashboard-url",
                    format!("{name}: dashboard_url `{}` does not open a pack dashboard with the cluster set", url.value),
                    &format!(
                        "use {}/d/<uid>?var-cluster={{{{ $labels.cluster }}}} with uid one of {}",
                        links::DEFAULT_GRAFANA_URL,
                        DASHBOARD_UIDS.join(", ")
                    ),
                );
            }
        }
    }
}

/// Runbooks whose name is no alert of the pack.
fn orphan_runbooks(pack_root: &Path, alerts: &BTreeSet<&str>) -> Vec<Finding> {
    let dir = pack_root.join(layout::RUNBOOKS);
    let mut findings = Vec::new();
    for path in crate::fsutil::sorted_files(&dir, |name| name.ends_with(".md")).unwrap_or_default() {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if stem != "README" && !alerts.contains(stem.as_str()) {
            findings.push(Finding {
                path,
                line: 1,
                column: 1,
                rule: rule_id("runbook-orphan"),
                message: format!("runbook `{stem}` belongs to no alert in alerts/*.rules.yaml"),
                fix: "delete it, or rename it after the alert it documents".to_string(),
            });
        }
    }
    findings
}
