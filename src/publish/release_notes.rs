//! What changed for operators between two versions of the pack, drafted from facts: the
//! dashboards (by uid; panels by id; queries by refId; units; thresholds), the alert and recording
//! rules (by name) and the approved baselines, compared as two [`Snapshot`]s and rendered as
//! Markdown for the changelog. Pure: `commands::release_notes` reads the snapshots from git.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::Path;

use promql_parser::parser::Expr;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::exit::ToolError;
use crate::pack::dashboards::panels::{panels, PanelView};
use crate::pack::dashboards::DashboardFile;
use crate::pack::git::{Change, Repo};
use crate::pack::layout;
use crate::pack::rules::{self, RuleFile, RuleKind, RULES_SUFFIX};

/// The pack at one revision, as far as release notes look.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub dashboards: BTreeMap<String, DashboardFacts>,
    pub rules: BTreeMap<String, RuleFacts>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DashboardFacts {
    pub file: String,
    pub title: String,
    pub version: Option<u64>,
    /// Every panel by id, rows and rows' panels included.
    pub panels: BTreeMap<u64, PanelFacts>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PanelFacts {
    pub title: String,
    pub kind: String,
    pub unit: Option<String>,
    /// `fieldConfig.defaults.thresholds`, written as `green, orange from 0.05, red from 0.1`.
    pub thresholds: Option<String>,
    /// Target expressions by refId, whitespace collapsed.
    pub queries: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleFacts {
    pub alert: bool,
    /// Whitespace collapsed, so re-wrapping a YAML block is not a change.
    pub expr: String,
    pub for_secs: i64,
    pub labels: BTreeMap<String, String>,
}

impl Snapshot {
    /// The dashboards and rule files of the pack at revision `commit`.
    pub fn at(repo: &Repo, commit: &str) -> Result<Snapshot, ToolError> {
        let mut snapshot = Snapshot::default();
        for path in repo.files(commit, layout::DASHBOARDS)?.iter().filter(|p| p.ends_with(".json")) {
            let file = DashboardFile::from_bytes(Path::new(&format!("{commit}:{path}")), repo.show(commit, path)?.as_bytes());
            let model = file.model().map_err(|diagnostic| Diagnostic {
                fix: Some("release notes read every dashboard at both revisions: pick revisions whose dashboards parse".into()),
                ..diagnostic
            })?;
            snapshot.add_dashboard(path, model);
        }
        let rule_files = repo.files(commit, layout::RULES)?;
        // Only the rule files directly in alerts/ (alerts/tests/ holds promtool tests).
        for path in rule_files.iter().filter(|p| p.ends_with(RULES_SUFFIX) && p.matches('/').count() == 1) {
            let file = rules::parse(Path::new(&format!("{commit}:{path}")), &repo.show(commit, path)?)?;
            snapshot.add_rules(&file);
        }
        Ok(snapshot)
    }

    /// Adds the dashboard model `json` read from `file`; its uid is its `uid`, else the file stem.
    pub fn add_dashboard(&mut self, file: &str, json: &Value) {
        let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".json");
        let uid = json["uid"].as_str().unwrap_or(stem).to_string();
        let panels = panels(json).iter().filter_map(|panel| Some((panel.id()?, PanelFacts::of(panel)))).collect();
        let title = json["title"].as_str().unwrap_or(&uid).to_string();
        self.dashboards.insert(uid, DashboardFacts { file: file.to_string(), title, version: json["version"].as_u64(), panels });
    }

    /// Adds the rules of a rule file; a name seen before gets ` #2`, ` #3`, ... so neither is lost.
    pub fn add_rules(&mut self, file: &RuleFile) {
        for rule in file.rules() {
            let mut name = rule.name.value.clone();
            for n in 2.. {
                if !self.rules.contains_key(&name) {
                    break;
                }
                name = format!("{} #{n}", rule.name.value);
            }
            let labels = rule.labels.iter().map(|(k, v)| (k.clone(), v.value.clone())).collect();
            self.rules.insert(
                name,
                RuleFacts { alert: rule.kind == RuleKind::Alert, expr: collapse(&rule.expr.value), for_secs: rule.for_secs, labels },
            );
        }
    }
}

impl PanelFacts {
    fn of(panel: &PanelView) -> PanelFacts {
        let queries = panel
            .targets()
            .iter()
            .filter_map(|t| Some((t.ref_id().map_or_else(|| format!("#{}", t.index), str::to_string), collapse(t.expr()?))))
            .collect();
        PanelFacts {
            title: panel.title().unwrap_or("").to_string(),
            kind: panel.kind().to_string(),
            unit: panel.unit().map(str::to_string),
            thresholds: panel.thresholds().map(|t| t.text()),
            queries,
        }
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The changes, section by section, with their counts for the summary line.
#[derive(Debug, Default)]
pub struct Notes {
    pub sections: Vec<Section>,
    pub summary: Summary,
}

/// A Markdown section: a heading (`##` at level 2) and its bullet items.
#[derive(Debug)]
pub struct Section {
    pub level: usize,
    pub heading: String,
    pub items: Vec<String>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub dashboards_added: usize,
    pub dashboards_removed: usize,
    pub dashboards_changed: usize,
    pub panels_added: usize,
    pub panels_removed: usize,
    pub panels_retitled: usize,
    pub queries_changed: usize,
    pub alerts_added: usize,
    pub alerts_removed: usize,
    pub alerts_changed: usize,
    pub records_added: usize,
    pub records_removed: usize,
    pub records_changed: usize,
    pub baselines_changed: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            (self.dashboards_added, "dashboard(s) added"),
            (self.dashboards_removed, "dashboard(s) removed"),
            (self.dashboards_changed, "dashboard(s) changed"),
            (self.panels_added, "panel(s) added"),
            (self.panels_removed, "panel(s) removed"),
            (self.panels_retitled, "panel(s) retitled"),
            (self.queries_changed, "query change(s)"),
            (self.alerts_added, "alert(s) added"),
            (self.alerts_removed, "alert(s) removed"),
            (self.alerts_changed, "alert(s) changed"),
            (self.records_added, "recording rule(s) added"),
            (self.records_removed, "recording rule(s) removed"),
            (self.records_changed, "recording rule(s) changed"),
            (self.baselines_changed, "baseline image(s) changed"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() {
            write!(f, "no operator-facing changes")
        } else {
            write!(f, "{}", parts.join(", "))
        }
    }
}

impl Notes {
    fn push(&mut self, level: usize, heading: &str, items: Vec<String>) {
        if !items.is_empty() {
            self.sections.push(Section { level, heading: heading.to_string(), items });
        }
    }
}

/// What changed from `old` to `new`, with the baseline files that changed (paths below
/// `baselines/`, as `git diff` lists them).
pub fn compare(old: &Snapshot, new: &Snapshot, baselines: &[Change]) -> Notes {
    let mut notes = Notes::default();
    let added: Vec<String> = new
        .dashboards
        .iter()
        .filter(|(uid, _)| !old.dashboards.contains_key(*uid))
        .map(|(uid, d)| format!("{} (`{uid}`, {}): {} panel(s)", d.title, d.file, d.panels.len()))
        .collect();
    let removed: Vec<String> = old
        .dashboards
        .iter()
        .filter(|(uid, _)| !new.dashboards.contains_key(*uid))
        .map(|(uid, d)| format!("{} (`{uid}`, {})", d.title, d.file))
        .collect();
    notes.summary.dashboards_added = added.len();
    notes.summary.dashboards_removed = removed.len();
    notes.push(2, "Dashboards added", added);
    notes.push(2, "Dashboards removed", removed);
    for (uid, now) in &new.dashboards {
        let Some(before) = old.dashboards.get(uid) else { continue };
        let items = dashboard_changes(before, now, &mut notes.summary);
        if !items.is_empty() {
            notes.summary.dashboards_changed += 1;
            let version = match (before.version, now.version) {
                (Some(a), Some(b)) if a != b => format!(", version {a} → {b}"),
                _ => String::new(),
            };
            notes.push(3, &format!("{} (`{uid}`{version})", now.title), items);
        }
    }
    if let Some(first) = notes.sections.iter().position(|s| s.level == 3) {
        notes.sections.insert(first, Section { level: 2, heading: "Dashboards changed".into(), items: Vec::new() });
    }
    rule_changes(old, new, true, &mut notes);
    rule_changes(old, new, false, &mut notes);
    let baseline_items = baseline_changes(baselines);
    notes.summary.baselines_changed = baselines.len();
    notes.push(2, "Baselines changed", baseline_items);
    notes
}

fn panel_name(id: u64, panel: &PanelFacts) -> String {
    format!("panel {id} \"{}\"", panel.title)
}

fn or_none(value: &Option<String>) -> String {
    value.as_deref().map_or_else(|| "none".to_string(), |v| format!("`{v}`"))
}

fn dashboard_changes(before: &DashboardFacts, now: &DashboardFacts, summary: &mut Summary) -> Vec<String> {
    let mut items = Vec::new();
    if before.title != now.title {
        items.push(format!("renamed: \"{}\" → \"{}\"", before.title, now.title));
    }
    if before.file != now.file {
        items.push(format!("moved: {} → {}", before.file, now.file));
    }
    for (id, panel) in &now.panels {
        let Some(was) = before.panels.get(id) else {
            summary.panels_added += 1;
            items.push(format!("{} ({}) added", panel_name(*id, panel), panel.kind));
            continue;
        };
        let name = panel_name(*id, panel);
        if was.title != panel.title {
            summary.panels_retitled += 1;
            items.push(format!("panel {id} retitled: \"{}\" → \"{}\"", was.title, panel.title));
        }
        for (ref_id, expr) in &panel.queries {
            match was.queries.get(ref_id) {
                None => items.push(format!("{name}: query {ref_id} added: `{expr}`")),
                Some(old) if old != expr => items.push(format!("{name}: query {ref_id}: `{old}` → `{expr}`")),
                Some(_) => continue,
            }
            summary.queries_changed += 1;
        }
        for (ref_id, expr) in was.queries.iter().filter(|(r, _)| !panel.queries.contains_key(*r)) {
            summary.queries_changed += 1;
            items.push(format!("{name}: query {ref_id} removed (was `{expr}`)"));
        }
        if was.unit != panel.unit {
            items.push(format!("{name}: unit {} → {}", or_none(&was.unit), or_none(&panel.unit)));
        }
        if was.thresholds != panel.thresholds {
            items.push(format!("{name}: thresholds {} → {}", or_none(&was.thresholds), or_none(&panel.thresholds)));
        }
    }
    for (id, panel) in before.panels.iter().filter(|(id, _)| !now.panels.contains_key(*id)) {
        summary.panels_removed += 1;
        items.push(format!("{} ({}) removed", panel_name(*id, panel), panel.kind));
    }
    items
}

/// Alerts (`alerts`) or recording rules added, removed and changed.
fn rule_changes(old: &Snapshot, new: &Snapshot, alerts: bool, notes: &mut Notes) {
    let of_kind = |s: &Snapshot| {
        s.rules.iter().filter(|(_, r)| r.alert == alerts).map(|(n, r)| (n.clone(), r.clone())).collect::<BTreeMap<String, RuleFacts>>()
    };
    let (before, now) = (of_kind(old), of_kind(new));
    let describe = |name: &str, rule: &RuleFacts| {
        let mut text = format!("`{name}`");
        if let Some(severity) = rule.labels.get("severity") {
            let _ = write!(text, " ({severity})");
        }
        let _ = write!(text, ": `{}`", rule.expr);
        if rule.for_secs > 0 {
            let _ = write!(text, " for {}", duration(rule.for_secs));
        }
        text
    };
    let added: Vec<String> = now.iter().filter(|(n, _)| !before.contains_key(*n)).map(|(n, r)| describe(n, r)).collect();
    let removed: Vec<String> = before.iter().filter(|(n, _)| !now.contains_key(*n)).map(|(n, r)| describe(n, r)).collect();
    let changed: Vec<String> = now.iter().filter_map(|(n, r)| Some(format!("`{n}`: {}", rule_change(before.get(n)?, r)?))).collect();
    let what = if alerts { "Alerts" } else { "Recording rules" };
    let counts = (added.len(), removed.len(), changed.len());
    if alerts {
        (notes.summary.alerts_added, notes.summary.alerts_removed, notes.summary.alerts_changed) = counts;
    } else {
        (notes.summary.records_added, notes.summary.records_removed, notes.summary.records_changed) = counts;
    }
    notes.push(2, &format!("{what} added"), added);
    notes.push(2, &format!("{what} removed"), removed);
    notes.push(2, &format!("{what} changed"), changed);
}

/// What changed in one rule: threshold or expression, `for`, labels; None when nothing did.
fn rule_change(was: &RuleFacts, now: &RuleFacts) -> Option<String> {
    let mut parts = Vec::new();
    if was.expr != now.expr {
        parts.push(match (comparison(&was.expr), comparison(&now.expr)) {
            (Some((lhs_a, op_a, a)), Some((lhs_b, op_b, b))) if lhs_a == lhs_b => format!("threshold `{op_a} {a}` → `{op_b} {b}`"),
            _ => format!("expression `{}` → `{}`", was.expr, now.expr),
        });
    }
    if was.for_secs != now.for_secs {
        parts.push(format!("for {} → {}", duration(was.for_secs), duration(now.for_secs)));
    }
    for key in was.labels.keys().chain(now.labels.keys().filter(|k| !was.labels.contains_key(*k))) {
        let (a, b) = (was.labels.get(key), now.labels.get(key));
        if a != b {
            let show = |v: Option<&String>| v.map_or_else(|| "none".to_string(), |v| format!("`{v}`"));
            parts.push(format!("label {key} {} → {}", show(a), show(b)));
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// An expression `lhs OP number` as (lhs, OP, number): an alert's threshold.
fn comparison(expr: &str) -> Option<(String, String, f64)> {
    let Ok(Expr::Binary(binary)) = crate::pack::promql::parse(expr) else { return None };
    let op = binary.op.to_string();
    let Expr::NumberLiteral(number) = binary.rhs.as_ref() else { return None };
    [">", "<", ">=", "<=", "==", "!="].contains(&op.as_str()).then(|| (binary.lhs.to_string(), op, number.val))
}

/// Seconds as Prometheus writes a duration (`1h30m`, `5m`, `0s`).
fn duration(secs: i64) -> String {
    if secs == 0 {
        return "0s".to_string();
    }
    let (mut rest, mut text) = (secs, String::new());
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if rest >= size {
            let _ = write!(text, "{}{unit}", rest / size);
            rest %= size;
        }
    }
    text
}

/// Baseline changes grouped per dashboard and view (`baselines/<backend>/<uid>/<view>/<file>`).
fn baseline_changes(changes: &[Change]) -> Vec<String> {
    let mut groups: BTreeMap<String, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    for change in changes {
        let (kind, path, file) = match change {
            Change::Added(path) => ("added", path, None),
            Change::Modified(path) => ("changed", path, None),
            Change::Deleted(path) => ("removed", path, None),
            Change::Renamed { from, to } => ("renamed", to, Some(from.rsplit('/').next().unwrap_or(from))),
        };
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        let parts: Vec<&str> = folder.split('/').collect();
        let group = match parts.as_slice() {
            [baselines, _backend, uid, view] if *baselines == layout::BASELINES => format!("`{uid}` / `{view}`"),
            _ => format!("`{folder}`"),
        };
        let name = file.map_or_else(|| name.to_string(), |from| format!("{from} → {name}"));
        groups.entry(group).or_default().entry(kind).or_default().push(name);
    }
    groups
        .into_iter()
        .map(|(group, kinds)| {
            let kinds: Vec<String> =
                kinds.into_iter().map(|(kind, files)| format!("{} {kind} ({})", files.len(), files.join(", "))).collect();
            format!("{group}: {}", kinds.join("; "))
        })
        .collect()
}

/// The notes as Markdown under a heading naming the range, ending with the summary line.
pub fn render(notes: &Notes, range: &str) -> String {
    let mut out = format!("# Release notes: {range}\n");
    for section in &notes.sections {
        let _ = write!(out, "\n{} {}\n", "#".repeat(section.level), section.heading);
        if !section.items.is_empty() {
            out.push('\n');
        }
        for item in &section.items {
            let _ = writeln!(out, "- {item}");
        }
    }
    let _ = write!(out, "\nSummary: {}.\n", notes.summary);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn dashboard(title: &str, panels: Value) -> Value {
        serde_json::json!({"uid": "d", "title": title, "version": 1, "panels": panels})
    }

    fn snapshot(json: &Value, rules: &str) -> Snapshot {
        let mut s = Snapshot::default();
        s.add_dashboard("dashboards/ops/d.json", json);
        s.add_rules(&crate::pack::rules::parse(Path::new("a.rules.yaml"), rules).unwrap());
        s
    }

    const RULES: &str = "groups:\n  - name: g\n    rules:\n      - record: job:x:sum\n        expr: sum(x)\n      - alert: MeshKitLag\n        expr: job:x:sum > 0.5\n        for: 5m\n        labels: {severity: warning}\n";

    fn lag_panel(expr: &str, unit: &str, red: u64) -> Value {
        serde_json::json!({"id": 1, "type": "timeseries", "title": "Lag", "targets": [{"refId": "A", "expr": expr}],
            "fieldConfig": {"defaults": {"unit": unit, "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": null}, {"color": "red", "value": red}]}}}})
    }

    #[test]
    fn unchanged_pack_has_nothing_to_say() {
        let s = snapshot(&dashboard("D", serde_json::json!([lag_panel("x", "s", 1)])), RULES);
        let notes = compare(&s, &s.clone(), &[]);
        assert!(notes.sections.is_empty());
        assert_eq!(notes.summary, Summary::default());
        assert!(render(&notes, "a..b").ends_with("Summary: no operator-facing changes.\n"));
    }

    #[test]
    fn dashboard_panel_query_unit_and_threshold_changes_are_named() {
        let old =
            snapshot(&dashboard("D", serde_json::json!([lag_panel("max(x)", "s", 1), {"id": 2, "type": "stat", "title": "Gone"}])), RULES);
        let new_json =
            dashboard("D2", serde_json::json!([lag_panel("max by (cluster) (x)", "ms", 2), {"id": 3, "type": "stat", "title": "Up"}]));
        let new = snapshot(&new_json, RULES);
        let text = render(&compare(&old, &new, &[]), "a..b");
        assert!(text.contains("### D2 (`d`)"), "{text}");
        assert!(text.contains("- renamed: \"D\" → \"D2\""), "{text}");
        assert!(text.contains("- panel 3 \"Up\" (stat) added"), "{text}");
        assert!(text.contains("- panel 2 \"Gone\" (stat) removed"), "{text}");
        assert!(text.contains("panel 1 \"Lag\": query A: `max(x)` → `max by (cluster) (x)`"), "{text}");
        assert!(text.contains("panel 1 \"Lag\": unit `s` → `ms`"), "{text}");
        assert!(text.contains("thresholds `green, red from 1` → `green, red from 2`"), "{text}");
        assert!(text.ends_with("Summary: 1 dashboard(s) changed, 1 panel(s) added, 1 panel(s) removed, 1 query change(s).\n"), "{text}");
    }

    #[test]
    fn alert_threshold_for_and_recording_rules() {
        let json = dashboard("D", serde_json::json!([]));
        let old = snapshot(&json, RULES);
        let new_rules = RULES
            .replace("> 0.5\n        for: 5m", "> 0.75\n        for: 10m")
            .replace("record: job:x:sum\n        expr: sum(x)", "record: job:y:sum\n        expr: sum(y)");
        let new = snapshot(&json, &new_rules.replace("job:x:sum >", "job:y:sum >"));
        let text = render(&compare(&old, &new, &[]), "a..b");
        assert!(text.contains("`MeshKitLag`: expression `job:x:sum > 0.5` → `job:y:sum > 0.75`; for 5m → 10m"), "{text}");
        assert!(text.contains("## Recording rules added\n\n- `job:y:sum`: `sum(y)`"), "{text}");
        let new = snapshot(&json, &RULES.replace("> 0.5\n        for: 5m", "> 0.75\n        for: 1h30m"));
        let text = render(&compare(&old, &new, &[]), "a..b");
        assert!(text.contains("## Alerts changed\n\n- `MeshKitLag`: threshold `> 0.5` → `> 0.75`; for 5m → 1h30m"), "{text}");
    }

    #[test]
    fn baselines_are_grouped_per_dashboard_and_view() {
        let s = Snapshot::default();
        let changes = [
            Change::Modified("baselines/embedded/d/all/1-lag.png".into()),
            Change::Modified("baselines/embedded/d/all/dashboard.png".into()),
            Change::Added("baselines/embedded/d/prod/3-up.png".into()),
            Change::Renamed { from: "baselines/embedded/d/all/2-old.png".into(), to: "baselines/embedded/d/all/2-new.png".into() },
        ];
        let text = render(&compare(&s, &s, &changes), "a..b");
        assert!(text.contains("- `d` / `all`: 2 changed (1-lag.png, dashboard.png); 1 renamed (2-old.png → 2-new.png)\n- `d` / `prod`: 1 added (3-up.png)"), "{text}");
    }

    #[test]
    fn durations_read_as_prometheus_writes_them() {
        assert_eq!(duration(300), "5m");
        assert_eq!(duration(5400), "1h30m");
        assert_eq!(duration(90_061), "1d1h1m1s");
        assert_eq!(duration(0), "0s");
    }
}
