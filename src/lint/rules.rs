//! Lint of the alert and recording rules: promtool's own check, the pack's alert metadata
//! conventions (monitoring-mixins), runbook and dashboard links, and that every series a rule
//! reads exists in the metrics catalogue.

use std::collections::BTreeSet;
use std::path::Path;

use super::series::{Origin, Series};
use super::{Context, Finding, RuleId};
use crate::diagnostic::{Diagnostic, Location, Position};
use crate::pack::catalogue::Catalogue;
use crate::pack::layout;
use crate::pack::links;
use crate::pack::promql;
use crate::pack::rules::{Rule, RuleFile, RuleKind, HEARTBEAT_SEVERITY};

/// Every alert name starts with this (one shared prefix, monitoring-mixins convention).
pub const ALERT_PREFIX: &str = "MeshKit";
const SEVERITIES: &[&str] = &["critical", "warning", "info", HEARTBEAT_SEVERITY];

/// The findings of every check on the rules of `files` that runs no tool. `all_files_read`:
/// whether `files` are all the rule files (runbooks are orphans only when no unreadable file
/// could hold their alert).
pub fn check(context: &Context, files: &[RuleFile], all_files_read: bool) -> Vec<Finding> {
    let mut findings = Vec::new();
    let alert_names: BTreeSet<&str> =
        files.iter().flat_map(|f| f.rules()).filter(|r| r.kind == RuleKind::Alert).map(|r| r.name.value.as_str()).collect();
    for file in files {
        for rule in file.rules() {
            let mut finding = |at: Position, rule: RuleId, message: String, fix: &str| {
                findings.push(Finding::new(rule, Diagnostic::new(at.in_file(&file.path), message, fix)));
            };
            check_expression(rule, &context.series, &context.catalogue, &mut finding);
            match rule.kind {
                RuleKind::Record => check_record_name(rule, &mut finding),
                RuleKind::Alert => check_alert(context, rule, &mut finding),
            }
        }
    }
    if all_files_read {
        findings.extend(orphan_runbooks(&context.pack_root, &alert_names));
    }
    findings.extend(alert_names.iter().filter_map(|name| missing_sections(&context.pack_root, name)));
    findings
}

/// The sections every runbook has, in the order an operator reads them at 3 a.m.
const RUNBOOK_SECTIONS: &[&str] = &["Meaning", "Impact", "Diagnosis", "Mitigation", "Escalation"];

/// A finding when the runbook of `alert` exists but lacks a section (a missing runbook is
/// `alert-runbook-url`'s finding).
fn missing_sections(pack_root: &Path, alert: &str) -> Option<Finding> {
    let path = pack_root.join(layout::RUNBOOKS).join(format!("{alert}.md"));
    let text = std::fs::read_to_string(&path).ok()?;
    let headings: BTreeSet<&str> = text.lines().filter_map(|line| line.strip_prefix("## ")).map(str::trim).collect();
    let missing: Vec<&str> = RUNBOOK_SECTIONS.iter().copied().filter(|section| !headings.contains(section)).collect();
    (!missing.is_empty()).then(|| {
        Finding::new(
            RuleId::RunbookSections,
            Diagnostic::new(
                Location::file_start(&path),
                format!("runbook `{alert}` has no {} section", missing.iter().map(|s| format!("`## {s}`")).collect::<Vec<_>>().join(", ")),
                "add them: what the alert means, who is affected, how to find the cause, what to do, and whom to call when that does not work",
            ),
        )
    })
}

/// `promtool check rules` on every file; its complaint becomes one finding per file.
pub async fn promtool_check(files: &[RuleFile]) -> anyhow::Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for file in files {
        if let Err(text) = crate::pack::rules::promtool_check(&file.path).await? {
            let detail: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("Checking")).collect();
            findings.push(Finding::new(
                RuleId::PromtoolCheckRules,
                Diagnostic::new(
                    first_position(&text).unwrap_or(Position::START).in_file(&file.path),
                    format!("promtool check rules failed: {}", detail.join(" | ")),
                    "correct the rule file until `promtool check rules` accepts it",
                ),
            ));
        }
    }
    Ok(findings)
}

/// promtool names positions as `<line>:<col>:` in some messages.
fn first_position(text: &str) -> Option<Position> {
    text.split_whitespace().find_map(|word| {
        let mut parts = word.trim_end_matches(':').split(':');
        let line = parts.next()?.parse().ok()?;
        let column = parts.next()?.parse().ok()?;
        Some(Position { line, column })
    })
}

type Report<'a> = dyn FnMut(Position, RuleId, String, &str) + 'a;

fn check_expression(rule: &Rule, series: &Series, catalogue: &Catalogue, finding: &mut Report) {
    let expr = match promql::parse(&rule.expr.value) {
        Ok(expr) => expr,
        Err(err) => {
            finding(
                rule.expr.at,
                RuleId::PromqlParse,
                format!("{}: {err}", rule.name.value),
                "write valid PromQL (try it in the Prometheus UI)",
            );
            return;
        }
    };
    let reads = promql::reads(&expr);
    for selector in &reads.selectors {
        let raw = series.matching(selector).any(|(_, origin)| !matches!(origin, Origin::Recorded { .. }));
        let from_record = series.matching(selector).any(|(_, origin)| matches!(origin, Origin::Recorded { .. }));
        let written = selector.written();
        if selector.constrains_name() && !raw && !from_record {
            finding(
                rule.expr.at,
                RuleId::MetricUnknown,
                format!("{}: `{written}` matches no series in metrics/catalogue.yaml and no recording rule of the pack", rule.name.value),
                "use the stored spelling from metrics/catalogue.yaml (unit suffixes included) or add the metric there",
            );
        }
        if rule.kind == RuleKind::Record && from_record {
            finding(rule.expr.at, RuleId::RecordReadsRecord, format!("{}: reads `{written}`, which another recording rule writes", rule.name.value), "compute it from raw series: the seed backfills all recording rules in one pass, so a rule reading another one sees nothing");
        }
        for matcher in selector.label_matchers() {
            if let Some(reason) = catalogue.avoid_labels.get(&matcher.name) {
                finding(
                    rule.expr.at,
                    RuleId::GroupByAvoidLabel,
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
                RuleId::GroupByAvoidLabel,
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
            RuleId::RecordName,
            format!("`{}` is not level:metric:operation", rule.name.value),
            "name it like cluster_namespace:metric_name:rate5m",
        );
    }
}

fn check_alert(context: &Context, rule: &Rule, finding: &mut Report) {
    let name = &rule.name.value;
    let camel = name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric());
    if !name.starts_with(ALERT_PREFIX) || !camel {
        finding(
            rule.name.at,
            RuleId::AlertName,
            format!("`{name}` is not CamelCase with the {ALERT_PREFIX} prefix"),
            &format!("rename it {ALERT_PREFIX}<What>, letters and digits only"),
        );
    }
    match rule.labels.get("severity") {
        Some(severity) if SEVERITIES.contains(&severity.value.as_str()) => {}
        Some(severity) => finding(
            severity.at,
            RuleId::AlertSeverity,
            format!("{name}: severity `{}` is not one of {}", severity.value, SEVERITIES.join(", ")),
            "use critical (pages), warning, info, or none (a heartbeat that always fires)",
        ),
        None => finding(
            rule.name.at,
            RuleId::AlertSeverity,
            format!("{name} has no severity label"),
            "add labels: {severity: critical|warning|info}",
        ),
    }
    if !rule.labels.contains_key("team") {
        finding(
            rule.name.at,
            RuleId::AlertTeam,
            format!("{name} has no team label"),
            "add labels: {team: ...}; alerts/alertmanager.yml routes by team",
        );
    }
    let annotation = |key: &str| rule.annotations.get(key);
    match annotation("summary") {
        None => {
            finding(rule.name.at, RuleId::AlertSummary, format!("{name} has no summary annotation"), "add a one-sentence static summary")
        }
        Some(summary) if summary.value.contains("{{") => finding(
            summary.at,
            RuleId::AlertSummary,
            format!("{name}: the summary is templated"),
            "keep the summary static; put labels and values in the description",
        ),
        Some(summary) if !summary.value.starts_with(|c: char| c.is_uppercase()) || !summary.value.trim_end().ends_with('.') => finding(
            summary.at,
            RuleId::AlertSummary,
            format!("{name}: the summary should start with a capital letter and end with a period"),
            "write it as one sentence",
        ),
        Some(_) => {}
    }
    match annotation("description") {
        None => finding(
            rule.name.at,
            RuleId::AlertDescription,
            format!("{name} has no description annotation"),
            "add a templated description naming cluster/namespace/node and {{ $value }}",
        ),
        // A heartbeat has no labels or value worth naming.
        Some(description) if !description.value.contains("{{") && !rule.is_heartbeat() => finding(
            description.at,
            RuleId::AlertDescription,
            format!("{name}: the description is not templated"),
            "name the labels ({{ $labels.cluster }}) and the observed value ({{ $value }})",
        ),
        Some(_) => {}
    }
    match annotation("runbook_url") {
        None => finding(
            rule.name.at,
            RuleId::AlertRunbookUrl,
            format!("{name} has no runbook_url"),
            &format!("add runbook_url: {}{name}.md", links::DEFAULT_RUNBOOK_BASE),
        ),
        Some(url) => match links::runbook_alert(&url.value) {
            Some(target) if target == name => {
                let runbook = context.pack_root.join(layout::RUNBOOKS).join(format!("{name}.md"));
                if !runbook.is_file() {
                    finding(
                        url.at,
                        RuleId::AlertRunbookUrl,
                        format!("{name}: {}/{name}.md does not exist", layout::RUNBOOKS),
                        "write the runbook (Meaning, Impact, Diagnosis, Mitigation)",
                    );
                }
            }
            _ => finding(
                url.at,
                RuleId::AlertRunbookUrl,
                format!("{name}: runbook_url `{}` does not name this alert's runbook", url.value),
                &format!("use {}{name}.md (export-rules swaps the base for deployment)", links::DEFAULT_RUNBOOK_BASE),
            ),
        },
    }
    match annotation("dashboard_url") {
        None => finding(
            rule.name.at,
            RuleId::AlertDashboardUrl,
            format!("{name} has no dashboard_url"),
            &format!("add dashboard_url: {}/d/<uid>?var-cluster={{{{ $labels.cluster }}}}", links::DEFAULT_GRAFANA_URL),
        ),
        Some(url) => {
            let uid = url.value.strip_prefix(links::DEFAULT_GRAFANA_URL).and_then(links::dashboard_uid);
            // An alert about the whole pipeline (a heartbeat, an absent scrape job) has no cluster to set.
            let has_cluster = promql::parse(&rule.expr.value)
                .ok()
                .and_then(|expr| promql::output_labels(&expr, &|s| context.series.labels(s)))
                .is_none_or(|labels| labels.contains("cluster"));
            let sets_cluster = url.value.contains("var-cluster={{ $labels.cluster }}");
            if !uid.is_some_and(|uid| context.dashboard_uids.contains(uid)) || (has_cluster && !sets_cluster) {
                finding(
                    url.at,
                    RuleId::AlertDashboardUrl,
                    format!("{name}: dashboard_url `{}` does not open a pack dashboard with the cluster set", url.value),
                    &format!(
                        "use {}/d/<uid>?var-cluster={{{{ $labels.cluster }}}} with uid one of {}",
                        links::DEFAULT_GRAFANA_URL,
                        context.dashboard_uids.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
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
            findings.push(Finding::new(
                RuleId::RunbookOrphan,
                Diagnostic::new(
                    Location::file_start(&path),
                    format!("runbook `{stem}` belongs to no alert in alerts/*.rules.yaml"),
                    "delete it, or rename it after the alert it documents",
                ),
            ));
        }
    }
    findings
}
