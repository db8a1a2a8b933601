//! The documentation the pack generates: one guide per provisioned dashboard (its first view's
//! approved baselines, variables, alerts, panels), the docs index and the metrics reference,
//! each as the full text the file should have. Writing them is the `docs` command's business.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::exit::ToolError;
use crate::pack::dashboards::{Dashboard, DashboardFile};
use crate::pack::rules::{self, RuleKind};
use crate::pack::{layout, Pack};
use crate::publish::guides::{self, AlertRef, GuideInput};
use crate::visual::baselines::{Store, EMBEDDED};
use crate::visual::capture::{self, Request};

/// Every file `docs` owns, with the full text it should have now: each provisioned dashboard's
/// guide and the docs index (hand-written parts kept, generated parts from the pack) and the
/// metrics reference.
pub fn wanted_files(pack: &Pack) -> anyhow::Result<BTreeMap<PathBuf, String>> {
    let pack_root = pack.root();
    let plan = capture::plan(pack, &Request::default())?;
    let alerts = alerts_by_dashboard(pack_root)?;
    let store = Store::new(pack_root, EMBEDDED);
    let mut files = BTreeMap::new();
    let mut index_rows = Vec::new();
    for dashboard in &plan.dashboards {
        let file = DashboardFile::read(&dashboard.file)?;
        let json = file.model()?;
        let view = plan.config.views(&dashboard.uid).into_iter().next().map(|v| v.name).unwrap_or_else(|| "default".into());
        let image = |panel_id: Option<u64>| {
            let panel = panel_id.and_then(|id| dashboard.panels.iter().find(|p| u64::from(p.id) == id));
            let path = store.path(&dashboard.uid, &view, panel);
            format!("../../{}", store.display(&store.find(&path, panel).unwrap_or(path)))
        };
        let runbook = |alert: &str| format!("../runbooks/{alert}.md");
        let file = dashboard.file.strip_prefix(pack_root).unwrap_or(&dashboard.file).display().to_string();
        let cited = alerts.get(&dashboard.uid).cloned().unwrap_or_default();
        let input = GuideInput {
            uid: &dashboard.uid,
            file: &file,
            folder: &dashboard.folder,
            view: &view,
            image: &image,
            alerts: &cited,
            runbook: &runbook,
        };
        let generated = guides::guide_generated(json, &input);
        let path = pack_root.join(layout::GUIDES).join(format!("{}.md", dashboard.uid));
        let existing = std::fs::read_to_string(&path).ok();
        files.insert(path, guides::splice(existing.as_deref(), &generated, &new_guide_heading(dashboard, json)));
        index_rows.push((
            dashboard.uid.clone(),
            dashboard.title.clone(),
            dashboard.folder.clone(),
            json["description"].as_str().unwrap_or("").to_string(),
        ));
    }
    let every_alert: BTreeMap<String, AlertRef> = alerts.values().flatten().map(|a| (a.name.clone(), a.clone())).collect();
    let index = pack_root.join(layout::DOCS_INDEX);
    let existing = std::fs::read_to_string(&index).ok();
    files.insert(index, guides::splice(existing.as_deref(), &guides::index_generated(&index_rows, &every_alert), NEW_INDEX_HEADING));
    files.insert(pack_root.join(layout::METRICS_DOC), pack.catalogue()?.markdown());
    Ok(files)
}

/// Alerts per dashboard uid their `dashboard_url` opens (every alert of the pack has one).
fn alerts_by_dashboard(pack_root: &Path) -> Result<BTreeMap<String, Vec<AlertRef>>, ToolError> {
    let mut by_uid: BTreeMap<String, Vec<AlertRef>> = BTreeMap::new();
    for file in rules::load_all(pack_root)? {
        for rule in file.rules().filter(|r| r.kind == RuleKind::Alert) {
            let annotation = |key: &str| rule.annotations.get(key).map(|a| a.value.clone()).unwrap_or_default();
            let Some(uid) = crate::pack::links::dashboard_uid(&annotation("dashboard_url")).map(str::to_string) else { continue };
            let severity = rule.labels.get("severity").map(|s| s.value.clone()).unwrap_or_default();
            by_uid.entry(uid).or_default().push(AlertRef { name: rule.name.value.clone(), severity, summary: annotation("summary") });
        }
    }
    Ok(by_uid)
}

/// The hand-written part a new guide starts with: the maintainers replace the prompts.
fn new_guide_heading(dashboard: &Dashboard, json: &serde_json::Value) -> String {
    format!(
        "# {}\n\n{}\n\n## Who it is for\n\nThe {} folder's audience ([rbac.md](../rbac.md)).\n\n## How to read it and what to do\n\nStart at the top row, follow a red or orange panel down to its trend, and use the panel's description and CLI below.\n",
        dashboard.title,
        json["description"].as_str().unwrap_or(""),
        dashboard.folder
    )
}

const NEW_INDEX_HEADING: &str = "# MeshKit observability pack: documentation\n\nHow the pack fits together: [architecture.md](architecture.md) · visual checks: [visual-checks.md](visual-checks.md) · lint: [lint.md](lint.md) · alert routing: [alerting.md](alerting.md) · access: [rbac.md](rbac.md) · metrics: [metrics.md](metrics.md) · speed: [benchmarks.md](benchmarks.md).\n";
