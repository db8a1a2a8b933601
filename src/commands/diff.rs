//! `meshkit-obs diff EXPECTED ACTUAL`: the compare engine on two files, as `check` uses it, with
//! the pack's `[compare]` settings from `meshkit-obs.toml` and the flags on top (for scripts, for
//! trying settings before putting them in meshkit-obs.toml, and for the benchmark against odiff
//! and pixelmatch).

use std::path::Path;

use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::fsutil::write_atomic;
use meshkit_obs::geometry::Rect;
use meshkit_obs::pack::config::CompareSettings;
use meshkit_obs::pack::config::{Config, DashboardFacts};
use meshkit_obs::pack::{dashboards, layout};
use meshkit_obs::visual::compare::{self, CompareError, Side};

/// The settings given on the command line; each one given replaces the config's.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub threshold: Option<f64>,
    pub max_diff_pixels: Option<u64>,
    pub include_antialiasing: bool,
    pub ignore: Vec<Rect>,
}

pub fn run(pack: &Path, expected: &Path, actual: &Path, diff_out: Option<&Path>, flags: &Flags, json: bool) -> anyhow::Result<Outcome> {
    let settings = &settings(pack, flags)?;
    let read = |path: &Path| std::fs::read(path).map_err(|err| ToolError::InvalidInput(format!("{}: cannot read: {err}", path.display())));
    let (comparison, decoded) =
        compare::compare(&read(expected)?, &read(actual)?, settings).map_err(|CompareError::Decode { which, message }| {
            let path = match which {
                Side::Expected => expected,
                Side::Actual => actual,
            };
            ToolError::InvalidInput(format!("{}: not a readable PNG: {message}", path.display()))
        })?;
    if let (Some(out), Some(decoded)) = (diff_out, &decoded) {
        if !comparison.passed() {
            write_atomic(out, &compare::encode_png(&compare::diff_image(decoded, &comparison, settings)))
                .map_err(|err| ToolError::InvalidInput(format!("{}: cannot write the diff image: {err}", out.display())))?;
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string(&serde_json::json!({
                "verdict": comparison.verdict,
                "passed": comparison.passed(),
                "diff_pixels": comparison.diff_pixels,
                "antialiased_pixels": comparison.antialiased_pixels,
                "ignored_pixels": comparison.ignored_pixels,
                "expected_size": comparison.expected_size,
                "actual_size": comparison.actual_size,
                "bbox": comparison.bbox,
                "settings": {
                    "threshold": settings.threshold,
                    "max_diff_pixels": settings.max_diff_pixels,
                    "detect_antialiasing": settings.detect_antialiasing,
                    "ignore": settings.ignore,
                },
            }))?
        );
    } else {
        let (ew, eh) = comparison.expected_size;
        let (aw, ah) = comparison.actual_size;
        let detail = match comparison.verdict {
            compare::Verdict::SizeMismatch => format!("layout changed: expected {ew}x{eh}, actual {aw}x{ah}"),
            _ => format!(
                "{} differing pixels (budget {}), {} anti-aliased{}",
                comparison.diff_pixels,
                settings.max_diff_pixels,
                comparison.antialiased_pixels,
                comparison.bbox.map(|b| format!(", change inside {b}")).unwrap_or_default()
            ),
        };
        println!("{}: {detail}", if comparison.passed() { "match" } else { "differ" });
    }
    Ok(if comparison.passed() { Outcome::Success } else { Outcome::ProblemsFound })
}

/// The pack's `[compare]` settings (the defaults without a meshkit-obs.toml), then the flags.
/// The config is checked against the pack's dashboards as `check` checks it, so a file `check`
/// would refuse is not half-used here.
fn settings(pack: &Path, flags: &Flags) -> Result<CompareSettings, ToolError> {
    let mut settings = if pack.join(layout::CONFIG).is_file() {
        let dashboards = dashboards::discover(pack)?;
        let facts: Vec<DashboardFacts<'_>> = dashboards.iter().map(DashboardFacts::of).collect();
        Config::load(pack, None, &facts)?.pack_compare_settings()
    } else {
        CompareSettings::default()
    };
    if let Some(threshold) = flags.threshold {
        settings.threshold = threshold;
    }
    if let Some(budget) = flags.max_diff_pixels {
        settings.max_diff_pixels = budget;
    }
    if flags.include_antialiasing {
        settings.detect_antialiasing = false;
    }
    if !flags.ignore.is_empty() {
        settings.ignore = flags.ignore.clone();
    }
    Ok(settings)
}
