//! `meshkit-obs seed`: build (or reuse) the cached TSDB for a scenario and print its summary.

use crate::cli::{PackArgs, ScenarioArgs};
use crate::exit::{Outcome, ToolError};
use crate::generate::seed::seed;
use crate::stack::process::shutdown_signal;

use super::{load, progress};

pub async fn run(pack: &PackArgs, args: &ScenarioArgs, json: bool) -> anyhow::Result<Outcome> {
    let loaded = load(pack, args)?;
    let cache_dir = pack.cache_dir();
    let request = loaded.seed_request(pack, &cache_dir);
    let summary = tokio::select! {
        summary = seed(&request, &progress) => summary?,
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
