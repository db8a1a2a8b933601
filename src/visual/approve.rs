//! Approving images as baselines: carrying out [`verdict::approval`] on the baseline store, for
//! the shots of a fresh render and for the actual images a reviewer saw in a `check` report
//! (`--from-report`). Approving from a report is all or nothing: when a selected baseline is no
//! longer the one the report compared against, nothing is written.

use std::path::{Path, PathBuf};

use crate::exit::ToolError;
use crate::pack::dashboards::Panel;
use crate::visual::baselines::{Store, EMBEDDED};
use crate::visual::capture::{self, Plan};
use crate::visual::check;
use crate::visual::compare;
use crate::visual::render::Rendered;
use crate::visual::report::{self, Capture, RunReport};
use crate::visual::verdict::{self, Approval, Assessment};

/// What happened to each baseline (paths relative to the pack), for the closing summary.
#[derive(Debug, Default)]
pub struct Changes {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    /// "old -> new" for files renamed after their panel's title.
    pub renamed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// "path: problem" for panels the page reported a problem for.
    pub refused: Vec<String>,
    /// Baselines no capture uses, kept because pruning was not asked for.
    pub orphans: Vec<String>,
}

/// Approves the shots of `rendered` inside the `panels` filter (`--panel` values; empty: all),
/// then removes (`prune`) or lists the plan's orphaned baselines.
pub fn rendered(plan: &Plan, store: &Store, rendered: &[Rendered], panels: &[String], prune: bool) -> anyhow::Result<Changes> {
    let mut changes = Changes::default();
    for view in rendered {
        for shot in capture::shots(plan, view).iter().filter(|shot| panels.is_empty() || panels.contains(&shot.selector())) {
            let judged = check::judge(plan, store, shot)?;
            let problem = match &judged.assessment {
                Assessment::PanelProblem(problem) => problem.as_str(),
                _ => "",
            };
            let approved =
                Approved { path: &judged.path, existing: judged.compared.as_deref(), png: shot.png.unwrap_or_default(), problem };
            approved.apply(store, verdict::approval(judged.assessment.status(), judged.at_old_name()), &mut changes)?;
        }
    }
    for orphan in plan.orphans(store) {
        if prune {
            store.remove(&orphan)?;
            changes.removed.push(store.display(&orphan));
        } else {
            changes.orphans.push(store.display(&orphan));
        }
    }
    Ok(changes)
}

/// What approving from a report did.
#[derive(Debug)]
pub enum FromReport {
    Approved(Changes),
    /// Nothing was written: "path: why" for each selected baseline that is no longer the one the
    /// report compared against, or whose capture the pack no longer makes.
    Stale(Vec<String>),
}

/// Approves the actual image of every failing capture of `report` (read from the folder `dir`)
/// whose dashboard is in `dashboards` and panel in `panels` (empty: all). Every one is checked
/// before anything is written; a baseline that already is the report's image (approved from it
/// before) counts as unchanged, so approving twice is harmless.
pub fn from_report(
    plan: &Plan,
    store: &Store,
    report: &RunReport,
    dir: &Path,
    dashboards: &[String],
    panels: &[String],
) -> anyhow::Result<FromReport> {
    if report.backend != EMBEDDED {
        return Err(ToolError::InvalidInput(format!(
            "{}: the report compared {:?} baselines, but this meshkit-obs approves {EMBEDDED:?} ones; fix: approve with the backend that made the report",
            dir.join(report::JSON_FILE).display(),
            report.backend
        ))
        .into());
    }
    let selected = report.failures().filter(|c| {
        (dashboards.is_empty() || dashboards.contains(&c.dashboard_uid))
            && (panels.is_empty() || panels.contains(&capture::panel_selector(c.panel_id)))
    });
    let mut changes = Changes::default();
    let mut approvals = Vec::new();
    let mut stale = Vec::new();
    for capture in selected {
        if verdict::approval(capture.status, false) == Approval::Refuse {
            changes.refused.push(format!("{}: {}", capture.baseline, capture.message));
            continue;
        }
        let (path, panel) = match target(plan, store, capture) {
            Ok(target) => target,
            Err(why) => {
                stale.push(format!("{}: {why}", capture.baseline));
                continue;
            }
        };
        let png = actual_image(dir, capture)?;
        let existing = store.find(&path, panel);
        let on_disk = existing.as_deref().map(|file| store.read(file)).transpose()?.as_deref().map(verdict::content_hash);
        if on_disk.as_deref() == Some(verdict::content_hash(&png).as_str()) && existing.as_ref() == Some(&path) {
            changes.unchanged += 1;
        } else if on_disk != capture.baseline_sha256 {
            stale.push(format!("{}: {}", capture.baseline, since_report(capture.baseline_sha256.is_some(), on_disk.is_some())));
        } else {
            approvals.push((capture, path, existing, png));
        }
    }
    if !stale.is_empty() {
        return Ok(FromReport::Stale(stale));
    }
    for (capture, path, existing, png) in &approvals {
        let at_old_name = existing.as_ref().is_some_and(|e| e != path);
        let approved = Approved { path, existing: existing.as_deref(), png, problem: &capture.message };
        approved.apply(store, verdict::approval(capture.status, at_old_name), &mut changes)?;
    }
    Ok(FromReport::Approved(changes))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_approval_is_carried_out_on_the_store_and_recorded() {
        let pack = tempfile::tempdir().unwrap();
        let store = Store::new(pack.path(), EMBEDDED);
        let (old, new) = (store.path("d", "all", Some(&Panel { id: 4, title: "Lag".into() })), store.path("d", "all", None));
        let renamed = store.path("d", "all", Some(&Panel { id: 4, title: "Lag p99".into() }));
        store.write(&old, b"old").unwrap();
        let mut changes = Changes::default();
        let approve = |path: &PathBuf, existing: Option<&Path>, approval, changes: &mut Changes| {
            Approved { path, existing, png: b"new", problem: "query-error: bad" }.apply(&store, approval, changes).unwrap()
        };
        approve(&new, None, Approval::Refuse, &mut changes);
        assert!(!new.exists(), "a refused image is not written");
        approve(&new, None, Approval::Add, &mut changes);
        approve(&new, Some(&new), Approval::Unchanged, &mut changes);
        approve(&new, Some(&new), Approval::Change, &mut changes);
        approve(&renamed, Some(&old), Approval::Rename, &mut changes);
        assert_eq!((std::fs::read(&new).unwrap(), std::fs::read(&renamed).unwrap()), (b"new".to_vec(), b"new".to_vec()));
        assert!(!old.exists(), "the file under the old title is removed");
        assert_eq!(changes.refused, ["baselines/embedded/d/all/dashboard.png: query-error: bad"]);
        assert_eq!((changes.added.len(), changes.changed.len(), changes.unchanged), (1, 1, 1));
        assert_eq!(changes.renamed, ["baselines/embedded/d/all/4-lag.png -> baselines/embedded/d/all/4-lag-p99.png"]);
    }

    #[test]
    fn a_report_of_another_backend_is_refused_before_anything_is_read() {
        let pack = tempfile::tempdir().unwrap();
        let store = Store::new(pack.path(), EMBEDDED);
        let config = crate::pack::config::Config::parse(Path::new("meshkit-obs.toml"), "", &[]).unwrap();
        let plan = Plan { dashboards: Vec::new(), config, targets: Vec::new(), whole_pack: true };
        let mut report = crate::visual::report::tests::sample_report();
        report.backend = "grafana".into();
        let error = from_report(&plan, &store, &report, Path::new("r"), &[], &[]).unwrap_err().to_string();
        assert!(error.starts_with("r/report.json: the report compared \"grafana\" baselines"), "{error}");
    }
}
