//! The one verdict on a capture, shared by `check` and `update-baselines` so that approving and
//! checking can never disagree: [`assess`] judges what the page rendered against the approved
//! baseline with the capture's compare settings ([`settings`]), [`Assessment::status`] is what
//! `check` reports, and [`approval`] turns a status into what `update-baselines` does to the
//! baseline file, whether it rendered the capture itself or reads it from a report
//! (`--from-report`). [`content_hash`] ties a report to the baseline bytes it compared.
//!
//! Pure: bytes and settings in, a decision out; no files, no rendering.

use sha2::{Digest as _, Sha256};

use crate::pack::config::{CompareSettings, Config};
use crate::visual::capture::Shot;
use crate::visual::compare::{self, CompareError, Comparison, Decoded, Side, Verdict};
use crate::visual::report::Status;

/// What a capture is, judged against its baseline.
pub enum Assessment {
    /// The page reported a problem for the panel (or drew nothing): the image cannot be trusted.
    PanelProblem(String),
    /// No baseline exists yet.
    MissingBaseline,
    /// The baseline file is not a readable PNG (the capture itself is).
    UnreadableBaseline(String),
    /// Identical bytes, identical pixels, or differing pixels within the budget.
    Matches(Comparison),
    /// More differing pixels than the budget, or other dimensions; both images decoded, for the
    /// diff image and the similarity score.
    Differs(Comparison, Decoded),
}

/// The rendered image is not a readable PNG: the renderer failed, so nothing can be decided.
#[derive(Debug, thiserror::Error)]
#[error("the screenshot is not a readable PNG: {0}")]
pub struct UnreadableCapture(pub String);

/// Judges `shot` against the `baseline` bytes (None: no baseline file) with `settings`.
pub fn assess(shot: &Shot<'_>, baseline: Option<&[u8]>, settings: &CompareSettings) -> Result<Assessment, UnreadableCapture> {
    let png = match (&shot.problem, shot.png) {
        (Some(problem), _) => return Ok(Assessment::PanelProblem(problem.clone())),
        (None, None) => return Ok(Assessment::PanelProblem("the page produced no image for this capture".to_string())),
        (None, Some(png)) => png,
    };
    let readable = |png: &[u8]| compare::decode(png).map(drop).map_err(UnreadableCapture);
    let Some(baseline) = baseline else {
        // It is about to be offered as a baseline, so it must be one.
        readable(png)?;
        return Ok(Assessment::MissingBaseline);
    };
    match compare::compare(baseline, png, settings) {
        Ok((comparison, _)) if comparison.passed() => Ok(Assessment::Matches(comparison)),
        Ok((comparison, decoded)) => Ok(Assessment::Differs(comparison, decoded.expect("a failed comparison decoded both images"))),
        Err(CompareError::Decode { which: Side::Actual, message }) => Err(UnreadableCapture(message)),
        Err(CompareError::Decode { which: Side::Expected, message }) => {
            readable(png)?;
            Ok(Assessment::UnreadableBaseline(message))
        }
    }
}

impl Assessment {
    /// The status `check` reports. An unreadable baseline counts as changed (approving replaces
    /// it), though `check` stops on it first, since a corrupt committed file is broken input.
    pub fn status(&self) -> Status {
        match self {
            Assessment::PanelProblem(_) => Status::PanelProblem,
            Assessment::MissingBaseline => Status::Missing,
            Assessment::Matches(_) => Status::Passed,
            Assessment::Differs(comparison, _) if comparison.verdict == Verdict::SizeMismatch => Status::SizeChanged,
            Assessment::Differs(..) | Assessment::UnreadableBaseline(_) => Status::Changed,
        }
    }
}

/// What approving a capture does to its baseline file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// Write the image where no baseline was.
    Add,
    /// Replace the baseline with the image.
    Change,
    /// Write the image under the panel's current title and remove the file named for its old one.
    Rename,
    /// Leave the baseline as it is: it already passes.
    Unchanged,
    /// Never approve: the page reported a problem for the panel.
    Refuse,
}

/// The update policy: what approving a capture of `status` writes, `at_old_name` when the
/// baseline it was compared with is named for the panel's old title. A capture that passes is not
/// rewritten (differences within the budget are not churned into the history); every failure but
/// a panel problem is approved.
pub fn approval(status: Status, at_old_name: bool) -> Approval {
    match status {
        Status::PanelProblem => Approval::Refuse,
        Status::Missing => Approval::Add,
        _ if at_old_name => Approval::Rename,
        Status::Changed | Status::SizeChanged => Approval::Change,
        Status::Passed => Approval::Unchanged,
    }
}

/// The compare settings of one shot: the config's for its dashboard and panel; for the
/// whole-dashboard image also every panel's ignore regions, moved to where that panel sits.
pub fn settings(config: &Config, shot: &Shot<'_>) -> CompareSettings {
    let mut settings = config.compare_settings(shot.uid, shot.panel.map(|p| p.id));
    if shot.panel.is_none() {
        for drawn in shot.view_panels {
            settings.ignore.extend(config.panel_ignores(shot.uid, drawn.id).iter().map(|r| r.offset(drawn.rect.x, drawn.rect.y)));
        }
    }
    settings
}

/// The SHA-256 of a baseline's bytes in lowercase hex, as `report.json` records it.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Rect;
    use crate::pack::config::DashboardFacts;
    use crate::pack::dashboards::Panel;
    use crate::visual::render::PanelShot;
    use image::{Rgba, RgbaImage};

    /// A dark 40x30 image with a 4x3 block of `colour` at (`x`, 10).
    fn image(x: u32, colour: [u8; 4]) -> Vec<u8> {
        let mut image = RgbaImage::from_pixel(40, 30, Rgba([24, 27, 31, 255]));
        for (dx, dy) in (0..4).flat_map(|dx| (0..3).map(move |dy| (dx, dy))) {
            image.put_pixel(x + dx, 10 + dy, Rgba(colour));
        }
        compare::encode_png(&image)
    }

    fn shot<'a>(png: Option<&'a [u8]>, problem: Option<&str>) -> Shot<'a> {
        Shot { uid: "gossip", view: "all", panel: None, png, problem: problem.map(str::to_string), view_panels: &[] }
    }

    const ORANGE: [u8; 4] = [255, 152, 48, 255];

    #[test]
    fn each_outcome_has_its_status_and_approval() {
        let base = image(5, ORANGE);
        let moved = image(20, ORANGE);
        let taller = compare::encode_png(&RgbaImage::from_pixel(40, 31, Rgba([24, 27, 31, 255])));
        let strict = CompareSettings::default();
        let cases: [(Shot<'_>, Option<&[u8]>, Status); 6] = [
            (shot(Some(&base), None), Some(&base), Status::Passed),
            (shot(Some(&moved), None), Some(&base), Status::Changed),
            (shot(Some(&taller), None), Some(&base), Status::SizeChanged),
            (shot(Some(&base), None), None, Status::Missing),
            (shot(Some(&base), Some("query-error: bad")), Some(&base), Status::PanelProblem),
            (shot(None, None), None, Status::PanelProblem),
        ];
        for (shot, baseline, status) in &cases {
            assert_eq!(assess(shot, *baseline, &strict).unwrap().status(), *status);
        }
        let changed = assess(&cases[1].0, Some(&base), &strict).unwrap();
        let Assessment::Differs(comparison, _) = &changed else { panic!("not Differs") };
        assert_eq!((comparison.diff_pixels, comparison.bbox), (24, Some(Rect { x: 5, y: 10, width: 19, height: 3 })));
        let Assessment::PanelProblem(problem) = assess(&cases[4].0, Some(&base), &strict).unwrap() else { panic!("not a problem") };
        assert_eq!(problem, "query-error: bad");

        assert_eq!(approval(Status::Passed, false), Approval::Unchanged);
        assert_eq!(approval(Status::Changed, false), Approval::Change);
        assert_eq!(approval(Status::SizeChanged, false), Approval::Change);
        assert_eq!(approval(Status::Missing, false), Approval::Add);
        assert_eq!(approval(Status::PanelProblem, false), Approval::Refuse);
        assert_eq!(approval(Status::PanelProblem, true), Approval::Refuse, "a renamed panel with a problem is still refused");
        assert_eq!(approval(Status::Passed, true), Approval::Rename);
        assert_eq!(approval(Status::Changed, true), Approval::Rename);
    }

    #[test]
    fn a_difference_within_the_budget_passes_and_is_not_rewritten() {
        let (base, moved) = (image(5, ORANGE), image(6, ORANGE));
        let budget = CompareSettings { max_diff_pixels: 6, ..CompareSettings::default() };
        let assessment = assess(&shot(Some(&moved), None), Some(&base), &budget).unwrap();
        assert!(matches!(&assessment, Assessment::Matches(c) if c.verdict == Verdict::WithinBudget && c.diff_pixels == 6));
        assert_eq!(approval(assessment.status(), false), Approval::Unchanged);
        let strict = assess(&shot(Some(&moved), None), Some(&base), &CompareSettings { max_diff_pixels: 5, ..budget }).unwrap();
        assert_eq!(approval(strict.status(), false), Approval::Change);
    }

    #[test]
    fn an_unreadable_baseline_is_replaced_and_an_unreadable_capture_decides_nothing() {
        let good = image(5, ORANGE);
        let garbage = b"\x89PNG\r\n\x1a\nnot really".as_slice();
        let assessment = assess(&shot(Some(&good), None), Some(garbage), &CompareSettings::default()).unwrap();
        assert!(matches!(assessment, Assessment::UnreadableBaseline(_)));
        assert_eq!(approval(assessment.status(), false), Approval::Change);
        for baseline in [Some(good.as_slice()), Some(garbage), None] {
            let error =
                assess(&shot(Some(garbage), None), baseline, &CompareSettings::default()).err().expect("an unreadable capture is an error");
            assert!(error.to_string().starts_with("the screenshot is not a readable PNG: "), "{error}");
        }
    }

    #[test]
    fn the_whole_dashboard_ignores_each_panels_regions_where_the_panel_sits() {
        let text = "[compare]\nthreshold = 0.2\n[dashboards.gossip.panels.4]\nmax_diff_pixels = 3\nignore = [{ x = 1, y = 2, width = 5, height = 6 }]\n";
        let facts = [DashboardFacts { uid: "gossip", panel_ids: vec![4], variables: vec![] }];
        let config = Config::parse(std::path::Path::new("meshkit-obs.toml"), text, &facts).unwrap();
        let panel = Panel { id: 4, title: "Lag".into() };
        let drawn = [PanelShot { id: 4, rect: Rect { x: 100, y: 50, width: 300, height: 200 }, png: Vec::new() }];
        let whole = settings(&config, &Shot { view_panels: &drawn, ..shot(None, None) });
        assert_eq!((whole.threshold, whole.max_diff_pixels), (0.2, 0));
        assert_eq!(whole.ignore, [Rect { x: 101, y: 52, width: 5, height: 6 }]);
        let own = settings(&config, &Shot { panel: Some(&panel), view_panels: &drawn, ..shot(None, None) });
        assert_eq!((own.threshold, own.max_diff_pixels), (0.2, 3));
        assert_eq!(own.ignore, [Rect { x: 1, y: 2, width: 5, height: 6 }]);
    }

    #[test]
    fn the_content_hash_is_sha256_in_hex() {
        assert_eq!(content_hash(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
