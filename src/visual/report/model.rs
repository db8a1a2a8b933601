//! The run report's data model, which is also the schema of `report.json`, and the one order
//! every writer presents captures in.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::geometry::Rect;

/// The `schema` value this build writes and reads; bump it when a field changes meaning.
/// 2: captures record `baseline_sha256`, the baseline they were compared with.
pub const SCHEMA_VERSION: u32 = 2;

/// Everything one run (or one shard of a run) found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunReport {
    pub schema: u32,
    pub tool_version: String,
    /// How Grafana was provided; baselines are only comparable within one backend.
    pub backend: String,
    /// The command line that produced the report, so a reader can reproduce it.
    pub command: String,
    pub shard: Option<Shard>,
    pub captures: Vec<Capture>,
    pub orphans: Vec<Orphan>,
    pub timings: Timings,
}

/// Shard `index` of `total`, 1-based as on the command line (`--shard 2/4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    pub index: u32,
    pub total: u32,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

/// Wall-clock seconds per phase.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timings {
    pub seed_s: f64,
    pub stack_start_s: f64,
    pub render_s: f64,
    pub compare_s: f64,
    pub total_s: f64,
}

/// One screenshot compared with its baseline: a panel, or the whole dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    pub dashboard_uid: String,
    pub dashboard_title: String,
    pub view: String,
    /// `None` for the image of the whole dashboard.
    pub panel_id: Option<u32>,
    pub panel_title: String,
    pub status: Status,
    /// One line saying why the capture failed; empty when it passed.
    pub message: String,
    /// The baseline PNG, relative to the pack root.
    pub baseline: String,
    /// SHA-256 (hex) of the baseline file the capture was compared with, which may still carry
    /// the panel's old title; `None` when there was none or nothing was compared (a panel
    /// problem). `update-baselines --from-report` refuses to approve over a baseline that changed.
    pub baseline_sha256: Option<String>,
    /// PNGs relative to the report folder (`images/...`), written before the report.
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub diff: Option<String>,
    pub diff_pixels: Option<u64>,
    pub max_diff_pixels: u64,
    pub threshold: f64,
    pub ssim: Option<f64>,
    /// The bounding box of the changed pixels.
    pub bbox: Option<Rect>,
    pub expected_size: Option<(u32, u32)>,
    pub actual_size: Option<(u32, u32)>,
    /// The exact command that would accept the actual image as the new baseline.
    pub approve_command: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    /// Same size, more differing pixels than the budget allows.
    Changed,
    /// The image's dimensions differ from the baseline's, so pixels were not compared.
    SizeChanged,
    /// No baseline exists yet.
    Missing,
    /// The panel could not be rendered faithfully (query error, unsupported option, timeout).
    PanelProblem,
}

impl Status {
    /// Every status in the order reports list them: failures first.
    pub const ALL: [Status; 5] = [Status::Changed, Status::SizeChanged, Status::Missing, Status::PanelProblem, Status::Passed];

    pub fn is_failure(self) -> bool {
        self != Status::Passed
    }

    /// The serialized name, also used as JUnit failure type and HTML class.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Changed => "changed",
            Status::SizeChanged => "size_changed",
            Status::Missing => "missing",
            Status::PanelProblem => "panel_problem",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "Passed",
            Status::Changed => "Changed",
            Status::SizeChanged => "Size changed",
            Status::Missing => "Missing baseline",
            Status::PanelProblem => "Panel problem",
        }
    }
}

/// A baseline no capture of the run matched (its panel or dashboard is gone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Orphan {
    pub baseline: String,
    pub dashboard_uid: String,
    pub view: String,
    pub prune_command: String,
}

/// How many captures ended in each status, and how many orphans were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub passed: usize,
    pub changed: usize,
    pub size_changed: usize,
    pub missing: usize,
    pub panel_problem: usize,
    pub orphans: usize,
}

impl Counts {
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Passed => self.passed,
            Status::Changed => self.changed,
            Status::SizeChanged => self.size_changed,
            Status::Missing => self.missing,
            Status::PanelProblem => self.panel_problem,
        }
    }

    pub fn failed(&self) -> usize {
        self.changed + self.size_changed + self.missing + self.panel_problem
    }

    pub fn captures(&self) -> usize {
        self.failed() + self.passed
    }
}

/// "2 passed, 1 changed, 1 orphaned baseline": passes always, other entries when non-zero.
impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} passed", self.passed)?;
        for status in Status::ALL.into_iter().filter(|s| s.is_failure() && self.get(*s) > 0) {
            write!(f, ", {} {}", self.get(status), status.label().to_lowercase())?;
        }
        if self.orphans > 0 {
            write!(f, ", {} orphaned baseline{}", self.orphans, if self.orphans == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

impl RunReport {
    pub fn failures(&self) -> impl Iterator<Item = &Capture> {
        self.captures.iter().filter(|c| c.status.is_failure())
    }

    pub fn counts(&self) -> Counts {
        let mut counts = Counts { orphans: self.orphans.len(), ..Counts::default() };
        for capture in &self.captures {
            *match capture.status {
                Status::Passed => &mut counts.passed,
                Status::Changed => &mut counts.changed,
                Status::SizeChanged => &mut counts.size_changed,
                Status::Missing => &mut counts.missing,
                Status::PanelProblem => &mut counts.panel_problem,
            } += 1;
        }
        counts
    }

    /// Orphans are reported but do not fail the run: deleting a panel should not block the
    /// pull request that deletes it, and the prune command is right there in the report.
    pub fn passed(&self) -> bool {
        self.failures().next().is_none()
    }

    /// The captures in report order (see [`Capture::report_order`]), whatever order they were
    /// recorded in, so every writer lists them identically.
    pub fn ordered_captures(&self) -> Vec<&Capture> {
        let mut captures: Vec<&Capture> = self.captures.iter().collect();
        captures.sort_by(|a, b| a.report_order(b));
        captures
    }
}

impl Capture {
    /// Failures before passes, because they are what a reviewer opens the report for; then by
    /// dashboard uid, view, and panel with the whole-dashboard image (no panel id) first.
    pub fn report_order(&self, other: &Capture) -> Ordering {
        self.order_key().cmp(&other.order_key())
    }

    fn order_key(&self) -> (bool, &str, &str, Option<u32>) {
        (!self.status.is_failure(), &self.dashboard_uid, &self.view, self.panel_id)
    }

    /// "panel 12 RTT p95", or "whole dashboard".
    pub fn panel_label(&self) -> String {
        match self.panel_id {
            Some(id) => format!("panel {id} {}", self.panel_title),
            None => "whole dashboard".to_string(),
        }
    }

    /// The report-relative paths of the images this capture references.
    pub fn images(&self) -> impl Iterator<Item = &str> {
        [&self.expected, &self.actual, &self.diff].into_iter().flatten().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visual::report::tests::{capture, sample_report};

    #[test]
    fn json_round_trip_keeps_every_field() {
        let report = sample_report();
        let json = serde_json::to_string_pretty(&report).unwrap();
        assert!(json.contains("\"status\": \"size_changed\""), "{json}");
        assert!(json.contains("\"bbox\": {"), "{json}");
        let back: RunReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn counts_and_pass_ignore_orphans() {
        let mut report = sample_report();
        let counts = report.counts();
        assert_eq!((counts.changed, counts.size_changed, counts.missing, counts.panel_problem), (1, 1, 1, 1));
        assert_eq!((counts.passed, counts.orphans, counts.failed(), counts.captures()), (2, 1, 4, 6));
        assert!(!report.passed());
        assert_eq!(counts.to_string(), "2 passed, 1 changed, 1 size changed, 1 missing baseline, 1 panel problem, 1 orphaned baseline");
        report.captures.retain(|c| !c.status.is_failure());
        assert!(report.passed(), "orphans alone must not fail the run");
        assert_eq!(report.counts().to_string(), "2 passed, 1 orphaned baseline");
        assert_eq!(report.failures().count(), 0);
    }

    #[test]
    fn orders_failures_first_then_dashboard_view_panel() {
        let mut report = sample_report();
        report.captures = vec![
            capture("b", "all", Some(3), Status::Passed),
            capture("b", "all", Some(2), Status::Missing),
            capture("a", "all", Some(1), Status::Passed),
            capture("b", "all", None, Status::Changed),
            capture("a", "zoom", Some(1), Status::Changed),
            capture("a", "all", None, Status::Passed),
        ];
        let order: Vec<(&str, &str, Option<u32>)> =
            report.ordered_captures().iter().map(|c| (c.dashboard_uid.as_str(), c.view.as_str(), c.panel_id)).collect();
        assert_eq!(
            order,
            [
                ("a", "zoom", Some(1)),
                ("b", "all", None),
                ("b", "all", Some(2)),
                ("a", "all", None),
                ("a", "all", Some(1)),
                ("b", "all", Some(3))
            ]
        );
    }
}
