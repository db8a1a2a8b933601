//! `meshkit-obs serve`: seed, then keep a real Prometheus running over the data until interrupted.

use crate::cli::{PackArgs, ScenarioArgs};
use crate::exit::{Outcome, ToolError};
use crate::process::shutdown_signal;
use crate::prometheus::Prometheus;
use crate::seed::seed;

use super::{load, progress};

pub async fn run(pack: &PackArgs, args: &ScenarioArgs) -> anyhow::Result<Outcome> {
    let loaded = load(pack, args)?;
    let cache_dir = pack.cache_dir();
    let request = loaded.seed_request(pack, &cache_dir);
    let started = tokio::select! {
        summary = seed(&request, &progress) => {
            let summary = summary?;
            progress("starting prometheus");
            Prometheus::start(&summary.data_dir).await.map(|p| (p, summary))
        }
        signal = shutdown_signal() => return Err(ToolError::Interrupted(signal).into()),
    };
    let (mut prometheus, summary) = started?;
    println!("prometheus={}", prometheus.url);
    println!("window={} .. {} step={}s (query inside this window; the data is not live)", summary.window_start, summary.window_end, summary.step_seconds);
    tokio::select! {
        error = prometheus.exited() => Err(error),
        signal = shutdown_signal() => {
            progress(&format!("{signal} received; stopping prometheus"));
            prometheus.stop().await;
            Ok(Outcome::Success)
        }
    }
}
