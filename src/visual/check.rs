//! A check run's record of every capture: [`judge`] reads the baseline a shot is compared with and
//! lets `verdict::assess` decide (`update-baselines` judges the same way), [`record_all`] puts the
//! decision, its message and the images a reviewer needs (actual, expected, diff) into a report
//! folder, and [`orphans`] lists the orphaned baselines with the command that removes them.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rayon::prelude::*;

use crate::exit::ToolError;
use crate::fsutil::write_atomic;
use crate::pack::config::CompareSettings;
use crate::visual::baselines::Store;
use crate::visual::capture::{Plan, Shot};
use crate::visual::compare;
use crate::visual::report::{Capture, Orphan, Status};
use crate::visual::verdict::{self, Approval, Assessment};

/// Records every shot, in parallel and in order; `approve` is the `update-baselines` command as
/// the user would type it, for the messages.
pub fn record_all(plan: &Plan, store: &Store, shots: &[Shot<'_>], report: &Path, approve: &str) -> anyhow::Result<Vec<Capture>> {
    shots.par_iter().map(|shot| record(plan, store, shot, report, approve)).collect()
}

/// A shot judged against the baseline on disk.
pub struct Judged {
    /// Where the shot's baseline belongs, under the panel's current title.
    pub path: PathBuf,
    /// The file it was compared with (named for an old title after a rename), if any.
    pub compared: Option<PathBuf>,
    /// That file's bytes (not read when the page reported a problem: nothing is compared then).
    pub baseline: Option<Vec<u8>>,
    pub settings: CompareSettings,
    pub assessment: Assessment,
}

impl Judged {
    /// The baseline it was compared with is named for the panel's old title.
    pub fn at_old_name(&self) -> bool {
        self.compared.as_ref().is_some_and(|compared| *compared != self.path)
    }
}

/// Judges `shot` against its baseline in `store`, with the plan's compare settings for it.
pub fn judge(plan: &Plan, store: &Store, shot: &Shot<'_>) -> anyhow::Result<Judged> {
    let path = store.path(shot.uid, shot.view, shot.panel);
    let settings = verdict::settings(&plan.config, shot);
    let compared = store.find(&path, shot.panel);
    let baseline = match (&shot.problem, &compared) {
        (None, Some(file)) => Some(store.read(file)?),
        _ => None,
    };
    let assessment = verdict::assess(shot, baseline.as_deref(), &settings)
        .map_err(|error| ToolError::ChildFailed(format!("{}: {error}", store.display(&path))))?;
    Ok(Judged { path, compared, baseline, settings, assessment })
}

/// Records one capture.
fn record(plan: &Plan, store: &Store, shot: &Shot<'_>, report: &Path, approve: &str) -> anyhow::Result<Capture> {
    let Judged { path, compared, baseline: expected, settings, assessment } = judge(plan, store, shot)?;
    let approve_command = format!("{approve} --dashboard {} --panel {}", shot.uid, shot.selector());
    let status = assessment.status();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let image = |kind: &str| format!("images/{}/{}/{stem}.{kind}.png", shot.uid, shot.view);
    let save = |relative: &str, bytes: &[u8]| -> anyhow::Result<Option<String>> {
        write_atomic(&report.join(relative), bytes).with_context(|| format!("writing {relative} into the report"))?;
        Ok(Some(relative.to_string()))
    };
    let mut capture = Capture {
        dashboard_uid: shot.uid.to_string(),
        dashboard_title: plan.dashboard(shot.uid).title.clone(),
        view: shot.view.to_string(),
        panel_id: shot.panel.map(|p| p.id),
        panel_title: shot.panel.map_or_else(|| "Whole dashboard".to_string(), |p| p.title.clone()),
        status,
        message: String::new(),
        baseline: store.display(&path),
        baseline_sha256: expected.as_deref().map(verdict::content_hash),
        expected: None,
        actual: None,
        diff: None,
        diff_pixels: None,
        max_diff_pixels: settings.max_diff_pixels,
        threshold: settings.threshold,
        ssim: None,
        bbox: None,
        expected_size: None,
        actual_size: None,
        approve_command: matches!(verdict::approval(status, false), Approval::Add | Approval::Change).then(|| approve_command.clone()),
    };
    if let Some(png) = shot.png.filter(|_| status.is_failure()) {
        capture.actual = save(&image("actual"), png)?;
    }
    let comparison = match &assessment {
        Assessment::PanelProblem(problem) => {
            capture.message = problem.clone();
            return Ok(capture);
        }
        Assessment::MissingBaseline => {
            capture.message = format!("no baseline at {}; approve the rendered image with `{approve_command}`", capture.baseline);
            return Ok(capture);
        }
        Assessment::UnreadableBaseline(message) => {
            let shown = compared.as_deref().map(|file| store.display(file)).unwrap_or_default();
            return Err(ToolError::InvalidInput(format!(
                "{shown}: not a readable PNG ({message}); fix: restore it with `git checkout -- {shown}` or approve a new one with `{approve_command}`"
            ))
            .into());
        }
        Assessment::Matches(comparison) | Assessment::Differs(comparison, _) => comparison,
    };
    capture.expected_size = Some(comparison.expected_size);
    capture.actual_size = Some(comparison.actual_size);
    capture.diff_pixels = Some(comparison.diff_pixels);
    if let Some(old) = compared.as_deref().filter(|file| *file != path) {
        capture.message =
            format!("baseline file {} is named for the panel's old title; `{approve_command}` renames it", store.display(old));
    }
    let Assessment::Differs(comparison, decoded) = &assessment else {
        return Ok(capture);
    };
    capture.expected = save(&image("expected"), expected.as_deref().expect("a comparison had a baseline"))?;
    capture.diff = save(&image("diff"), &compare::encode_png(&compare::diff_image(decoded, comparison, &settings)))?;
    capture.bbox = comparison.bbox;
    let ((ew, eh), (aw, ah)) = (comparison.expected_size, comparison.actual_size);
    if status == Status::SizeChanged {
        capture.message = format!("layout changed: baseline {ew}x{eh} px, rendered {aw}x{ah} px");
    } else {
        capture.ssim = compare::structural_similarity(decoded);
        capture.message = format!(
            "{} pixels differ (budget {}, threshold {}){}",
            comparison.diff_pixels,
            settings.max_diff_pixels,
            settings.threshold,
            comparison.bbox.map(|b| format!(", inside {b}")).unwrap_or_default()
        );
    }
    Ok(capture)
}

/// The plan's orphaned baselines, with the command that removes them.
pub fn orphans(plan: &Plan, store: &Store, approve: &str) -> Vec<Orphan> {
    plan.orphans(store)
        .into_iter()
        .map(|path| {
            let (uid, view) = store.owner(&path);
            let filter = if plan.dashboards.iter().any(|d| d.uid == uid) { format!(" --dashboard {uid}") } else { String::new() };
            Orphan { baseline: store.display(&path), dashboard_uid: uid, view, prune_command: format!("{approve}{filter} --prune") }
        })
        .collect()
}
