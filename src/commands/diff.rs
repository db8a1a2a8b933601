//! `meshkit-obs diff EXPECTED ACTUAL`: the compare engine on two files, as `check` uses it
//! (for scripts, for trying settings before putting them in meshkit-obs.toml, and for the
//! benchmark against odiff and pixelmatch).

use std::path::Path;

use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::fsutil::write_atomic;
use meshkit_obs::visual::compare::{self, CompareError, Settings, Side};

pub fn run(expected: &Path, actual: &Path, diff_out: Option<&Path>, settings: &Settings, json: bool) -> anyhow::Result<Outcome> {
    if !(0.0..=1.0).contains(&settings.threshold) {
        return Err(ToolError::InvalidInput(format!(
            "--threshold {}: out of range; fix: use 0.0 (strict) ..= 1.0 (lax)",
            settings.threshold
        ))
        .into());
    }
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
