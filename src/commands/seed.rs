//! `meshkit-obs seed`: build (or reuse) the cached TSDB for a scenario and print its summary.

use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::generate::seed::seed;
use meshkit_obs::pack::Pack;
use meshkit_obs::programs::process::shutdown_signal;
use std::path::Path;

use meshkit_obs::progress::say as progress;

pub async fn run(pack: &Pack, scenario: Option<&Path>, json: bool) -> anyhow::Result<Outcome> {
    let input = pack.scenario(scenario)?;
    let summary = tokio::select! {
        summary = seed(pack, &input, &progress) => summary?,
        signal = shutdown_signal() => return Err(ToolError::Interrupted(signal).into()),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "seeded scenario {}: {} series, {} samples, {} .. {} every {}s ({})",
            summary.scenario,
            summary.series,
            summary.samples,
            summary.window_start,
            summary.window_end,
            summary.step_seconds,
            if summary.cache_hit { "cache hit" } else { "freshly generated" }
        );
        println!("data_dir={}", summary.data_dir.display());
    }
    Ok(Outcome::Success)
}
