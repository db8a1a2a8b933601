//! `meshkit-obs update-baselines`: approve rendered images as the new baselines, either by
//! rendering now or, with `--from-report DIR`, the actual images of a `check` report exactly as a
//! reviewer saw them, without rendering again.
//!
//! What is written follows [`verdict::approval`], the policy `check`'s statuses come from: a
//! capture that passes is not rewritten, a panel the page reported a problem for is never
//! approved. Each file is replaced atomically, nothing outside the --dashboard/--panel filter is
//! touched, and --prune removes baselines no panel uses any more. From a report, nothing at all is
//! written when any selected baseline is no longer the one the report compared against.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::pack::dashboards::Panel;
use meshkit_obs::pack::Pack;
use meshkit_obs::visual::baselines::{Store, EMBEDDED};
use meshkit_obs::visual::capture::{self, Plan, Request};
use meshkit_obs::visual::compare;
use meshkit_obs::visual::report::{self, Capture};
use meshkit_obs::visual::verdict::{self, Approval, Assessment};

use meshkit_obs::progress::say as progress;

/// What happened to each baseline, for the closing summary.
#[derive(Default)]
struct Changes {
    added: Vec<String>,
    changed: Vec<String>,
    renamed: Vec<String>,
    removed: Vec<String>,
    unchanged: usize,
    refused: Vec<String>,
    /// Baselines no capture uses, kept because --prune was not given.
    orphans: Vec<String>,
}

pub async fn run(pack: &Pack, request: &Request, panels: &[String], prune: bool) -> anyhow::Result<Outcome> {
    if prune && !panels.is_empty() {
        return Err(ToolError::InvalidInput("--prune removes baselines of panels that no longer exist, so it cannot be narrowed to --panel; fix: run it with --dashboard only, or without --prune".into()).into());
    }
    let plan = capture::plan(pack, request)?;
    check_panel_filter(&plan, panels)?;
    let store = Store::new(pack.root(), EMBEDDED);
    store.remove_stale_temporaries(&plan.uids());
    let (rendered, _) = capture::render_all(pack, &plan, request).await?;

    let mut changes = Changes::default();
    for view in &rendered {
        for shot in capture::shots(&plan, view).iter().filter(|shot| panels.is_empty() || panels.contains(&shot.selector())) {
            let path = store.path(shot.uid, shot.view, shot.panel);
            let existing = store.find(&path, shot.panel);
            let bytes = existing.as_ref().map(|file| std::fs::read(file).with_context(|| format!("reading {}", store.display(file))));
            let assessment = verdict::assess(shot, bytes.transpose()?.as_deref(), &verdict::settings(&plan.config, shot))
                .map_err(|error| ToolError::ChildFailed(format!("{}: {error}", store.display(&path))))?;
            let problem = match &assessment {
                Assessment::PanelProblem(problem) => problem.as_str(),
                _ => "",
            };
            let approved = Approved { path: &path, existing: existing.as_deref(), png: shot.png.unwrap_or_default(), problem };
            approved.apply(&store, verdict::approval(assessment.status(), existing.as_ref().is_some_and(|e| *e != path)), &mut changes)?;
        }
    }
    for orphan in plan.orphans(&store) {
        if prune {
            store.remove(&orphan)?;
            changes.removed.push(store.display(&orphan));
        } else {
            changes.orphans.push(store.display(&orphan));
        }
    }
    print_summary(&changes, prune);
    Ok(if changes.refused.is_empty() { Outcome::Success } else { Outcome::ProblemsFound })
}

/// `--from-report DIR`: approves the actual image of every failing capture of the report (inside
/// the filter). All of them are checked first: when a baseline differs from the one the report
/// compared against (changed, added or removed since), or the pack no longer has the capture,
/// nothing is written and each such file is named (exit 1): the reviewer approved a comparison
/// that no longer holds. A baseline that already is the report's image (approved from it before)
/// counts as unchanged, so approving twice is harmless.
pub fn from_report(pack: &Pack, request: &Request, panels: &[String], dir: &Path) -> anyhow::Result<Outcome> {
    let report = report::read(dir)?;
    if report.backend != EMBEDDED {
        return Err(ToolError::InvalidInput(format!(
            "{}: the report compared {:?} baselines, but this meshkit-obs approves {EMBEDDED:?} ones; fix: approve with the backend that made the report",
            dir.join(report::JSON_FILE).display(),
            report.backend
        ))
        .into());
    }
    let plan = capture::plan(pack, request)?;
    check_panel_filter(&plan, panels)?;
    let store = Store::new(pack.root(), EMBEDDED);
    store.remove_stale_temporaries(&plan.uids());

    let selected = report.failures().filter(|c| {
        (request.dashboards.is_empty() || request.dashboards.contains(&c.dashboard_uid))
            && (panels.is_empty() || panels.contains(&c.panel_id.map_or_else(|| capture::WHOLE_DASHBOARD.to_string(), |id| id.to_string())))
    });
    let mut changes = Changes::default();
    let mut approvals = Vec::new();
    let mut stale = Vec::new();
    for capture in selected {
        if verdict::approval(capture.status, false) == Approval::Refuse {
            changes.refused.push(format!("{}: {}", capture.baseline, capture.message));
            continue;
        }
        let (path, panel) = match target(&plan, &store, capture) {
            Ok(target) => target,
            Err(why) => {
                stale.push(format!("{}: {why}", capture.baseline));
                continue;
            }
        };
        let png = actual_image(dir, capture)?;
        let existing = store.find(&path, panel);
        let on_disk = existing.as_ref().map(|file| std::fs::read(file).with_context(|| format!("reading {}", store.display(file))));
        let on_disk = on_disk.transpose()?.as_deref().map(verdict::content_hash);
        if on_disk.as_deref() == Some(verdict::content_hash(&png).as_str()) && existing.as_ref() == Some(&path) {
            // Approved from this report before: approving again changes nothing.
            changes.unchanged += 1;
        } else if on_disk != capture.baseline_sha256 {
            stale.push(format!("{}: {}", capture.baseline, since_report(capture.baseline_sha256.is_some(), on_disk.is_some())));
        } else {
            approvals.push((capture, path, existing, png));
        }
    }
    if !stale.is_empty() {
        for line in &stale {
            println!("  refused  {line}");
        }
        progress(&format!(
            "nothing written: {} of the report's baselines no longer match what it compared; fix: run `check` again and review its new report",
            stale.len()
        ));
        return Ok(Outcome::ProblemsFound);
    }
    for (capture, path, existing, png) in &approvals {
        let at_old_name = existing.as_ref().is_some_and(|e| e != path);
        let approved = Approved { path, existing: existing.as_deref(), png, problem: &capture.message };
        approved.apply(&store, verdict::approval(capture.status, at_old_name), &mut changes)?;
    }
    print_summary(&changes, false);
    Ok(if changes.refused.is_empty() { Outcome::Success } else { Outcome::ProblemsFound })
}

/// Where a report's capture is approved to now, and its panel: refused (`Err`, why) when the
/// pack no longer renders that capture under the path the report names.
fn target<'a>(plan: &'a Plan, store: &Store, capture: &Capture) -> Result<(PathBuf, Option<&'a Panel>), String> {
    let again = "the pack changed since the report was made";
    let dashboard = plan
        .dashboards
        .iter()
        .find(|d| d.uid == capture.dashboard_uid)
        .ok_or_else(|| format!("{again}: no dashboard {} any more", capture.dashboard_uid))?;
    if !plan.config.views(&dashboard.uid).iter().any(|v| v.name == capture.view) {
        return Err(format!("{again}: dashboard {} has no view {} any more", dashboard.uid, capture.view));
    }
    let panel = match capture.panel_id {
        None => None,
        Some(id) => Some(dashboard.panels.iter().find(|p| p.id == id).ok_or_else(|| format!("{again}: no panel {id} any more"))?),
    };
    let path = store.path(&dashboard.uid, &capture.view, panel);
    if store.display(&path) != capture.baseline {
        return Err(format!("{again}: the panel is now titled {:?} (baseline {})", panel.map_or("", |p| &p.title), store.display(&path)));
    }
    Ok((path, panel))
}

/// Why a baseline no longer is the one the report compared against.
fn since_report(had_baseline: bool, has_baseline: bool) -> &'static str {
    match (had_baseline, has_baseline) {
        (false, _) => "a baseline was approved since the report was made, so its missing-baseline verdict no longer holds",
        (true, false) => "the baseline was removed since the report was made",
        (true, true) => "the baseline changed since the report was made (its content is not what the report compared against)",
    }
}

/// The actual image a failing capture of the report was rendered as. It is about to become a
/// baseline, so it must be a whole PNG.
fn actual_image(dir: &Path, capture: &Capture) -> anyhow::Result<Vec<u8>> {
    let refer = || format!("{} / {} / {}", capture.dashboard_uid, capture.view, capture.panel_label());
    let fix = "fix: pass the report folder as `check` wrote it (with its images/)";
    let relative = capture.actual.as_deref().ok_or_else(|| {
        ToolError::InvalidInput(format!("{}: {} has no actual image; {fix}", dir.join(report::JSON_FILE).display(), refer()))
    })?;
    let file = report::image_path(dir, relative)
        .map_err(|err| ToolError::InvalidInput(format!("{}: {err}", dir.join(report::JSON_FILE).display())))?;
    let png = std::fs::read(&file).map_err(|err| {
        ToolError::InvalidInput(format!("{}: cannot read the actual image of {} ({err}); {fix}", file.display(), refer()))
    })?;
    compare::decode(&png).map_err(|err| ToolError::InvalidInput(format!("{}: not a readable PNG ({err}); {fix}", file.display())))?;
    Ok(png)
}

/// One capture to approve: the baseline path for its current title, the file it was compared
/// with (maybe under an old title), the image, and the problem that stops it.
struct Approved<'a> {
    path: &'a Path,
    existing: Option<&'a Path>,
    png: &'a [u8],
    problem: &'a str,
}

impl Approved<'_> {
    /// Carries out `approval` on the store and records it.
    fn apply(&self, store: &Store, approval: Approval, changes: &mut Changes) -> anyhow::Result<()> {
        let shown = store.display(self.path);
        match approval {
            Approval::Refuse => changes.refused.push(format!("{shown}: {}", self.problem)),
            Approval::Unchanged => changes.unchanged += 1,
            Approval::Add => {
                store.write(self.path, self.png)?;
                changes.added.push(shown);
            }
            Approval::Change => {
                store.write(self.path, self.png)?;
                changes.changed.push(shown);
            }
            Approval::Rename => {
                store.write(self.path, self.png)?;
                let old = self.existing.expect("a rename has the old file");
                store.remove(old)?;
                changes.renamed.push(format!("{} -> {shown}", store.display(old)));
            }
        }
        Ok(())
    }
}

fn check_panel_filter(plan: &capture::Plan, panels: &[String]) -> Result<(), ToolError> {
    for wanted in panels {
        let exists =
            wanted == capture::WHOLE_DASHBOARD || plan.dashboards.iter().any(|d| d.panels.iter().any(|p| p.id.to_string() == *wanted));
        if !exists {
            return Err(ToolError::InvalidInput(format!(
                "--panel {wanted}: no selected dashboard has that panel id; fix: use a panel id from the dashboard JSON, or `{}` for the whole-dashboard image",
                capture::WHOLE_DASHBOARD
            )));
        }
    }
    Ok(())
}

fn print_summary(changes: &Changes, prune: bool) {
    for (label, list) in
        [("added", &changes.added), ("changed", &changes.changed), ("renamed", &changes.renamed), ("removed", &changes.removed)]
    {
        for path in list {
            println!("{label:>9}  {path}");
        }
    }
    for refused in &changes.refused {
        println!("  refused  {refused}");
    }
    for orphan in &changes.orphans {
        println!("   orphan  {orphan} (no panel uses it; --prune removes it)");
    }
    let pruned = if prune { format!(", {} removed", changes.removed.len()) } else { String::new() };
    progress(&format!(
        "baselines: {} added, {} changed, {} renamed{pruned}, {} unchanged{}",
        changes.added.len(),
        changes.changed.len(),
        changes.renamed.len(),
        changes.unchanged,
        if changes.refused.is_empty() {
            String::new()
        } else {
            format!("; {} not approved because the page reported a problem (fix the panel, then approve)", changes.refused.len())
        }
    ));
}
