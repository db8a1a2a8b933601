//! Run reports for visual checks: the report folder's layout (which files, where images may
//! live), writing every format at once, and the GitHub step summary.
//!
//! A report folder holds `report.json` (the model, see [`RunReport`]), `index.html` (one
//! self-contained file), `junit.xml`, `summary.md` and the `images/` the captures point at.

mod html;
mod junit;
mod markdown;
mod merge;
mod model;

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context as _};
use serde_json::Value;

use crate::exit::ToolError;
use crate::fsutil::write_atomic;
use crate::pack::layout;

pub use markdown::render as render_markdown;
pub use merge::merge;
pub use model::{Capture, Counts, Orphan, RunReport, Shard, Status, Timings, SCHEMA_VERSION};

pub const JSON_FILE: &str = "report.json";
pub const HTML_FILE: &str = "index.html";
pub const JUNIT_FILE: &str = "junit.xml";
pub const MARKDOWN_FILE: &str = "summary.md";

/// The files [`write_all`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFiles {
    pub html: PathBuf,
    pub junit: PathBuf,
    pub markdown: PathBuf,
    pub json: PathBuf,
}

/// Writes every report format into `dir`. The images the captures reference must already be
/// under `dir`, because the HTML embeds them.
pub fn write_all(report: &RunReport, dir: &Path) -> anyhow::Result<ReportFiles> {
    let files = ReportFiles {
        html: dir.join(HTML_FILE),
        junit: dir.join(JUNIT_FILE),
        markdown: dir.join(MARKDOWN_FILE),
        json: dir.join(JSON_FILE),
    };
    // Every format is rendered before anything is written: the HTML can fail (a missing image),
    // and failing before writing leaves no half-updated folder behind.
    let html = html::render(report, dir)?;
    let junit = junit::render(report).context("serializing junit.xml")?;
    let mut json = serde_json::to_string_pretty(report).context("serializing the report")?;
    json.push('\n');
    for (path, text) in [(&files.json, json), (&files.html, html), (&files.junit, junit), (&files.markdown, markdown::render(report))] {
        write_atomic(path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(files)
}

/// A report folder being built beside its final place (same file system, so the swap is a
/// rename); dropped without `swap_in`, it is removed and the old report stays.
pub struct Staging(tempfile::TempDir);

impl Staging {
    pub fn beside(final_dir: &Path) -> anyhow::Result<Staging> {
        let parent = final_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        tempfile::Builder::new()
            .prefix(".report-")
            .tempdir_in(parent)
            .map(Staging)
            .with_context(|| format!("creating a report folder in {}", parent.display()))
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// Replaces `final_dir` with the staged folder: rename the old one aside, rename the new one
    /// in, then delete the old one.
    pub fn swap_in(self, final_dir: &Path) -> anyhow::Result<()> {
        let staged = self.0.keep();
        let old = final_dir.with_extension("old");
        if final_dir.exists() {
            let _ = std::fs::remove_dir_all(&old);
            std::fs::rename(final_dir, &old).with_context(|| format!("moving the previous report {} aside", final_dir.display()))?;
        }
        std::fs::rename(&staged, final_dir).with_context(|| format!("moving the report into {}", final_dir.display()))?;
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }
}

/// Appends `markdown` to the file named by `$GITHUB_STEP_SUMMARY`; does nothing outside
/// GitHub Actions (variable unset or empty).
pub fn append_step_summary(markdown: &str) -> anyhow::Result<()> {
    match std::env::var_os("GITHUB_STEP_SUMMARY") {
        Some(path) if !path.is_empty() => append_summary_to(Path::new(&path), markdown),
        _ => Ok(()),
    }
}

/// Appends rather than replaces: earlier steps of the job may already have written their own
/// summary into the same file, and GitHub documents `>>` as the way to add to it.
fn append_summary_to(path: &Path, markdown: &str) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening step summary {}", path.display()))?;
    // A blank line keeps our heading from gluing onto the end of a previous step's text.
    let text = format!("\n{}\n", markdown.trim_end());
    file.write_all(text.as_bytes()).with_context(|| format!("appending to step summary {}", path.display()))
}

/// Reads the report of the folder `dir`. The schema version is checked before the shape, so a
/// report of another version says so instead of failing on whichever field changed. Report
/// folders come from other runs and machines (shards, CI artifacts): every refusal names the file
/// and the fix.
pub fn read(dir: &Path) -> Result<RunReport, ToolError> {
    let json = dir.join(JSON_FILE);
    let invalid = |problem: String| ToolError::InvalidInput(format!("{}: {problem}", json.display()));
    let again = "fix: run `meshkit-obs check` again with this version and use its report folder";
    let text = std::fs::read_to_string(&json).map_err(|err| {
        invalid(format!(
            "cannot read the report ({err}); fix: pass a folder `meshkit-obs check` wrote its report to (--report-dir, default {})",
            layout::REPORT
        ))
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|err| invalid(format!("not valid JSON ({err}); {again}")))?;
    match value.get("schema").and_then(Value::as_u64) {
        Some(version) if version == u64::from(SCHEMA_VERSION) => {}
        Some(version) if version < u64::from(SCHEMA_VERSION) => {
            return Err(invalid(format!(
                "written by an older meshkit-obs (report schema {version}; this one reads schema {SCHEMA_VERSION}); {again}"
            )))
        }
        Some(version) => {
            return Err(invalid(format!(
                "written by a newer meshkit-obs (report schema {version}; this one reads schema {SCHEMA_VERSION}); fix: use the meshkit-obs that wrote it"
            )))
        }
        None => return Err(invalid(format!("not a meshkit-obs report: it has no numeric \"schema\" field; {again}"))),
    }
    serde_json::from_value(value).map_err(|err| invalid(format!("does not match report schema {SCHEMA_VERSION} ({err}); {again}")))
}

/// Where the image a report references lives under the report folder `dir`. Report files may
/// come from another machine (shards), so a path that could point outside the folder is refused
/// rather than read or copied.
pub fn image_path(dir: &Path, relative: &str) -> anyhow::Result<PathBuf> {
    let path = Path::new(relative);
    if relative.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
        bail!("image path {relative:?} must be relative and stay inside the report folder");
    }
    Ok(dir.join(path))
}

#[cfg(test)]
pub(crate) mod tests {
    //! Fixtures shared by the writers' tests: a report with one capture of every status.

    use super::*;
    use crate::geometry::Rect;

    /// 1x1 PNGs: red, green and magenta, distinct so a test can tell which one was embedded.
    pub const RED_PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63,
        0xf8, 0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
        0x42, 0x60, 0x82,
    ];
    pub const GREEN_PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63,
        0x60, 0xf8, 0xcf, 0x00, 0x00, 0x02, 0x02, 0x01, 0x00, 0x7b, 0x09, 0x81, 0x78, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
        0x42, 0x60, 0x82,
    ];
    pub const MAGENTA_PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63,
        0xf8, 0xcf, 0xf0, 0x1f, 0x00, 0x04, 0x00, 0x01, 0xff, 0x22, 0x0a, 0x3a, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
        0x42, 0x60, 0x82,
    ];

    /// A capture with the images, numbers and approve command its status implies.
    pub fn capture(uid: &str, view: &str, panel_id: Option<u32>, status: Status) -> Capture {
        let stem = format!("images/{uid}/{view}/{}", panel_id.map_or("dashboard".to_string(), |id| id.to_string()));
        let image = |kind: &str, present: bool| present.then(|| format!("{stem}-{kind}.png"));
        let compared = matches!(status, Status::Passed | Status::Changed);
        Capture {
            dashboard_uid: uid.to_string(),
            dashboard_title: format!("Dashboard {uid}"),
            view: view.to_string(),
            panel_id,
            panel_title: panel_id.map_or(String::new(), |id| format!("Panel {id}")),
            status,
            message: if status.is_failure() { format!("{} on {uid}", status.label()) } else { String::new() },
            baseline: format!("baselines/embedded/{uid}/{view}/{}.png", panel_id.unwrap_or(0)),
            baseline_sha256: (!matches!(status, Status::Missing | Status::PanelProblem)).then(|| "5e".repeat(32)),
            expected: image("expected", status == Status::Changed || status == Status::SizeChanged),
            actual: image("actual", status != Status::Passed),
            diff: image("diff", status == Status::Changed),
            diff_pixels: compared.then_some(if status == Status::Changed { 1234 } else { 0 }),
            max_diff_pixels: 50,
            threshold: 0.1,
            ssim: compared.then_some(0.9731),
            bbox: (status == Status::Changed).then_some(Rect { x: 10, y: 20, width: 30, height: 40 }),
            expected_size: (status != Status::Missing).then_some((800, 400)),
            actual_size: Some(if status == Status::SizeChanged { (800, 420) } else { (800, 400) }),
            approve_command: (status.is_failure() && status != Status::PanelProblem).then(|| {
                format!("meshkit-obs update-baselines --dashboard {uid}{}", panel_id.map_or(String::new(), |id| format!(" --panel {id}")))
            }),
        }
    }

    pub fn sample_report() -> RunReport {
        let mut problem = capture("meshkit-overview", "all", Some(7), Status::PanelProblem);
        problem.message = "query error: parse error at char 3".to_string();
        RunReport {
            schema: SCHEMA_VERSION,
            tool_version: "0.1.0".to_string(),
            backend: "embedded".to_string(),
            command: "meshkit-obs check-dashboards --report target/report".to_string(),
            shard: None,
            captures: vec![
                capture("meshkit-overview", "all", None, Status::Passed),
                capture("meshkit-gossip", "all", Some(12), Status::Changed),
                capture("meshkit-gossip", "all", Some(3), Status::Passed),
                capture("meshkit-gossip", "all", Some(4), Status::SizeChanged),
                capture("meshkit-leases", "all", Some(2), Status::Missing),
                problem,
            ],
            orphans: vec![Orphan {
                baseline: "baselines/embedded/meshkit-gossip/all/99-old.png".to_string(),
                dashboard_uid: "meshkit-gossip".to_string(),
                view: "all".to_string(),
                prune_command: "meshkit-obs update-baselines --prune".to_string(),
            }],
            timings: Timings { seed_s: 1.5, stack_start_s: 4.25, render_s: 12.0, compare_s: 2.0, total_s: 20.0 },
        }
    }

    /// Writes an image file for every path the report references: expected red, actual green,
    /// diff magenta.
    pub fn write_images(report: &RunReport, dir: &Path) {
        for capture in &report.captures {
            for (path, bytes) in [(&capture.expected, RED_PNG), (&capture.actual, GREEN_PNG), (&capture.diff, MAGENTA_PNG)] {
                if let Some(path) = path {
                    write_atomic(&dir.join(path), bytes).unwrap();
                }
            }
        }
    }

    #[test]
    fn write_all_writes_the_four_files() {
        let dir = tempfile::tempdir().unwrap();
        let report = sample_report();
        write_images(&report, dir.path());
        let files = write_all(&report, dir.path()).unwrap();
        let json: RunReport = serde_json::from_str(&std::fs::read_to_string(&files.json).unwrap()).unwrap();
        assert_eq!(json, report);
        for path in [&files.html, &files.junit, &files.markdown] {
            assert!(std::fs::metadata(path).unwrap().len() > 100, "{}", path.display());
        }
    }

    #[test]
    fn write_all_names_a_missing_image_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_all(&sample_report(), dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("images/meshkit-gossip/all/4-expected.png"), "{err:#}");
        assert!(!dir.path().join(JSON_FILE).exists());
    }

    #[test]
    fn read_names_the_file_and_the_fix_for_an_unusable_or_older_report() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join(JSON_FILE);
        let error = || read(dir.path()).unwrap_err().to_string();
        assert!(error().starts_with(&format!("{}: cannot read the report", json.display())), "{}", error());
        assert!(error().contains("fix: pass a folder `meshkit-obs check` wrote its report to"), "{}", error());
        write_atomic(&json, b"<html>").unwrap();
        assert!(error().starts_with(&format!("{}: not valid JSON", json.display())), "{}", error());
        // What schema 1 wrote: no baseline hashes.
        let mut old = serde_json::to_value(sample_report()).unwrap();
        old["schema"] = 1.into();
        for capture in old["captures"].as_array_mut().unwrap() {
            capture.as_object_mut().unwrap().remove("baseline_sha256");
        }
        write_atomic(&json, old.to_string().as_bytes()).unwrap();
        assert_eq!(
            error(),
            format!(
                "{}: written by an older meshkit-obs (report schema 1; this one reads schema {SCHEMA_VERSION}); fix: run `meshkit-obs check` again with this version and use its report folder",
                json.display()
            )
        );
        write_atomic(&json, serde_json::to_string(&sample_report()).unwrap().as_bytes()).unwrap();
        assert_eq!(read(dir.path()).unwrap(), sample_report());
    }

    #[test]
    fn refuses_image_paths_leaving_the_report_folder() {
        let dir = Path::new("/r");
        assert_eq!(image_path(dir, "images/a.png").unwrap(), Path::new("/r/images/a.png"));
        for bad in ["", "/etc/passwd", "../x.png", "images/../../x.png"] {
            assert!(image_path(dir, bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn step_summary_is_appended_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("step_summary.md");
        std::fs::write(&path, "# Earlier step\n").unwrap();
        append_summary_to(&path, "## Visual check\n").unwrap();
        append_summary_to(&path, "second").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# Earlier step\n\n## Visual check\n\nsecond\n");
    }
}
