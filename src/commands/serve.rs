//! `meshkit-obs serve`: seed, then keep a real Prometheus running over the data, and the viewer
//! (static files, dashboards, read-only query proxy) in front of it, until interrupted.

use std::path::PathBuf;

use crate::cli::{PackArgs, ScenarioArgs};
use crate::exit::{Outcome, ToolError};
use crate::generate::seed::seed;
use crate::stack::process::shutdown_signal;
use crate::stack::prometheus::Prometheus;
use crate::stack::web;

use super::{load, progress};

/// Where the viewer and the dashboards come from.
pub struct Sources {
    pub viewer_dir: Option<PathBuf>,
    pub dashboard_dirs: Vec<PathBuf>,
}

pub async fn run(pack: &PackArgs, args: &ScenarioArgs, sources: &Sources) -> anyhow::Result<Outcome> {
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
    let viewer_dir = sources.viewer_dir.clone().unwrap_or_else(|| pack.pack.join("viewer").join("dist"));
    if !viewer_dir.join("index.html").is_file() {
        progress(&format!(
            "{} has no index.html: the viewer is not built (./dev setup builds it); the dashboards and the query proxy are served anyway",
            viewer_dir.display()
        ));
    }
    let dashboard_dirs =
        if sources.dashboard_dirs.is_empty() { vec![pack.pack.join("dashboards")] } else { sources.dashboard_dirs.clone() };
    let listener = web::bind().await?;
    let viewer_url = format!("http://{}/", listener.local_addr()?);
    let (stop_web, web_stopped) = tokio::sync::oneshot::channel::<()>();
    let site = web::Site { viewer_dir, dashboard_dirs, prometheus: prometheus.url.clone() };
    let mut web_task = tokio::spawn(web::serve(listener, site, async move {
        let _ = web_stopped.await;
    }));
    println!("prometheus={}", prometheus.url);
    println!("viewer={viewer_url}");
    println!(
        "window={} .. {} step={}s (query inside this window; the data is not live)",
        summary.window_start, summary.window_end, summary.step_seconds
    );
    let outcome = tokio::select! {
        error = prometheus.exited() => Err(error),
        served = &mut web_task => Err(served.map_err(anyhow::Error::from).and_then(|r| r).err().unwrap_or_else(|| anyhow::anyhow!("the viewer server stopped"))),
        signal = shutdown_signal() => {
            progress(&format!("{signal} received; stopping the viewer and prometheus"));
            Ok(Outcome::Success)
        }
    };
    let _ = stop_web.send(());
    prometheus.stop().await;
    outcome
}
