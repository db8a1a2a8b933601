//! `meshkit-obs check`: render, compare every capture with its baseline, write the report
//! folder (HTML, JUnit, Markdown, JSON, images) and print one line per failure. Also
//! `merge-reports`, which prints a merged report the same way.
//!
//! Never writes into `baselines/`. The report folder is built beside its final place and
//! swapped in whole, so a reader never sees half of one run and half of another.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use rayon::prelude::*;

use crate::cli::Format;
use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::fsutil::write_atomic;
use meshkit_obs::pack::{layout, Pack};
use meshkit_obs::visual::baselines::{Store, EMBEDDED};
use meshkit_obs::visual::capture::{self, Plan, Request, Shot};
use meshkit_obs::visual::compare;
use meshkit_obs::visual::report::{self, Capture, Orphan, RunReport, Status, Timings};
use meshkit_obs::visual::verdict::{self, Approval, Assessment};

use meshkit_obs::progress::say as progress;

pub async fn run(pack: &Pack, request: &Request, report_dir: Option<&Path>, format: Format) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let plan = capture::plan(pack, request)?;
    let store = Store::new(pack.root(), EMBEDDED);
    let (rendered, times) = capture::render_all(pack, &plan, request).await?;

    let report_dir = report_dir.map(Path::to_path_buf).unwrap_or_else(|| pack.path(layout::REPORT));
    let staging = staging_dir(&report_dir)?;
    let compare_started = Instant::now();
    let shots: Vec<Shot<'_>> = rendered.iter().flat_map(|view| capture::shots(&plan, view)).collect();
    let approve = approve_prefix(pack);
    let captures =
        shots.par_iter().map(|shot| judge(&plan, &store, shot, staging.path(), &approve)).collect::<anyhow::Result<Vec<Capture>>>()?;
    let compare_s = compare_started.elapsed().as_secs_f64();

    let report = RunReport {
        schema: report::SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        backend: EMBEDDED.to_string(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        shard: request.shard.map(|s| report::Shard { index: s.index, total: s.total }),
        captures,
        orphans: orphans(&plan, &store, &approve),
        timings: Timings {
            seed_s: times.seed,
            stack_start_s: times.stack_start,
            render_s: times.render,
            compare_s,
            total_s: started.elapsed().as_secs_f64(),
        },
    };
    report::write_all(&report, staging.path())?;
    swap_in(staging, &report_dir)?;
    let outcome = print(&report, &report_dir, format)?;
    if outcome == Outcome::ProblemsFound {
        progress(&format!("approve exactly what the report shows with `{approve} --from-report {}`", report_dir.display()));
    }
    Ok(outcome)
}

/// `merge-reports`: one report from the shards' report folders.
pub fn merge(inputs: &[PathBuf], out: &Path, format: Format) -> anyhow::Result<Outcome> {
    let staging = staging_dir(out)?;
    let report = report::merge(inputs, staging.path())?;
    swap_in(staging, out)?;
    print(&report, out, format)
}

/// Records one capture: [`verdict::assess`] decides, this puts the decision, its message and the
/// images a reviewer needs into the report folder.
fn judge(plan: &Plan, store: &Store, shot: &Shot<'_>, report: &Path, approve: &str) -> anyhow::Result<Capture> {
    let path = store.path(shot.uid, shot.view, shot.panel);
    let settings = verdict::settings(&plan.config, shot);
    let compared = store.find(&path, shot.panel);
    let expected = match (&shot.problem, &compared) {
        (None, Some(file)) => Some(std::fs::read(file).with_context(|| format!("reading {}", store.display(file)))?),
        _ => None,
    };
    let approve_command = format!("{approve} --dashboard {} --panel {}", shot.uid, shot.selector());
    let assessment = verdict::assess(shot, expected.as_deref(), &settings)
        .map_err(|error| ToolError::ChildFailed(format!("{}: {error}", store.display(&path))))?;
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
fn orphans(plan: &Plan, store: &Store, approve: &str) -> Vec<Orphan> {
    plan.orphans(store)
        .into_iter()
        .map(|path| {
            let (uid, view) = store.owner(&path);
            let filter = if plan.dashboards.iter().any(|d| d.uid == uid) { format!(" --dashboard {uid}") } else { String::new() };
            Orphan { baseline: store.display(&path), dashboard_uid: uid, view, prune_command: format!("{approve}{filter} --prune") }
        })
        .collect()
}

/// `meshkit-obs [--pack P] update-baselines`, as the user would type it from where they ran us.
fn approve_prefix(pack: &Pack) -> String {
    match std::env::current_dir() {
        Ok(here) if here == pack.root() => "meshkit-obs update-baselines".to_string(),
        here => {
            let shown = here.ok().and_then(|here| pack.root().strip_prefix(&here).ok().map(Path::to_path_buf));
            format!("meshkit-obs --pack {} update-baselines", shown.as_deref().unwrap_or(pack.root()).display())
        }
    }
}

/// A fresh folder beside `final_dir` (same file system, so the swap is a rename).
fn staging_dir(final_dir: &Path) -> anyhow::Result<tempfile::TempDir> {
    let parent = final_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    tempfile::Builder::new()
        .prefix(".report-")
        .tempdir_in(parent)
        .with_context(|| format!("creating a report folder in {}", parent.display()))
}

/// Replaces `final_dir` with the staged folder: rename the old one aside, rename the new one
/// in, then delete the old one.
fn swap_in(staging: tempfile::TempDir, final_dir: &Path) -> anyhow::Result<()> {
    let staged = staging.keep();
    let old = final_dir.with_extension("old");
    if final_dir.exists() {
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(final_dir, &old).with_context(|| format!("moving the previous report {} aside", final_dir.display()))?;
    }
    std::fs::rename(&staged, final_dir).with_context(|| format!("moving the report into {}", final_dir.display()))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

fn print(report: &RunReport, dir: &Path, format: Format) -> anyhow::Result<Outcome> {
    report::append_step_summary(&report::render_markdown(report))?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(report)?),
        Format::Text => {
            for c in report.failures() {
                let what = c.panel_id.map_or_else(|| "whole dashboard".to_string(), |id| format!("panel {id} {:?}", c.panel_title));
                let diff = c.diff.as_ref().map(|d| format!("\n      diff: {}", dir.join(d).display())).unwrap_or_default();
                println!("FAIL {}/{} {what}: {}: {}{diff}", c.dashboard_uid, c.view, c.status.as_str(), c.message);
            }
            for o in &report.orphans {
                println!("ORPHAN {} (no panel uses it; `{}` removes it)", o.baseline, o.prune_command);
            }
        }
    }
    let counts = report.counts();
    let t = &report.timings;
    progress(&format!(
        "{} captures: {counts}; seed {:.2}s, stack start {:.2}s, render {:.2}s, compare {:.2}s, total {:.2}s; report: {}",
        report.captures.len(),
        t.seed_s,
        t.stack_start_s,
        t.render_s,
        t.compare_s,
        t.total_s,
        dir.join("index.html").display()
    ));
    Ok(if report.passed() { Outcome::Success } else { Outcome::ProblemsFound })
}
