//! `meshkit-obs serve`: seed, then keep a real Prometheus running over the data, and the viewer
//! (static files, dashboards, read-only query proxy) in front of it, until interrupted.

use std::path::{Path, PathBuf};

use meshkit_obs::exit::Outcome;
use meshkit_obs::pack::{layout, Pack};
use meshkit_obs::progress::say as progress;
use meshkit_obs::stack::{Ended, Stack, StackSpec, ViewerSpec};

/// Where the viewer and the dashboards come from (`None`/empty: the pack's).
pub struct Sources {
    pub viewer_dir: Option<PathBuf>,
    pub dashboard_dirs: Vec<PathBuf>,
}

pub async fn run(pack: &Pack, scenario: Option<&Path>, sources: &Sources) -> anyhow::Result<Outcome> {
    let input = pack.scenario(scenario)?;
    let dist = sources.viewer_dir.clone().unwrap_or_else(|| pack.path(layout::VIEWER_DIST));
    if !dist.join("index.html").is_file() {
        progress(&format!(
            "{} has no index.html: the viewer is not built (./dev setup builds it); the dashboards and the query proxy are served anyway",
            dist.display()
        ));
    }
    let dashboard_dirs =
        if sources.dashboard_dirs.is_empty() { vec![pack.path(layout::DASHBOARDS)] } else { sources.dashboard_dirs.clone() };
    let spec = StackSpec { scenario: &input, viewer: Some(ViewerSpec { dist, dashboard_dirs }), chromium: None };
    let mut stack = Stack::start(pack, spec, &progress).await?;
    println!("prometheus={}", stack.prometheus.url);
    println!("viewer={}", stack.viewer_url().expect("the spec asks for the viewer"));
    println!(
        "window={} .. {} step={}s (query inside this window; the data is not live)",
        stack.seed.window_start, stack.seed.window_end, stack.seed.step_seconds
    );
    let ended = stack.split().1.next().await;
    stack.stop().await;
    match ended {
        Ended::Signal(signal) => {
            progress(&format!("{signal} received; stopped the viewer and prometheus"));
            Ok(Outcome::Success)
        }
        Ended::Died(error) => Err(error),
    }
}
