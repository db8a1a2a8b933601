//! The stack of services a command runs on 127.0.0.1: Prometheus over the seeded TSDB
//! (`programs::prometheus`), the viewer's web server and headless Chromium.
//!
//! `Stack` is the one way to bring them up and down: `check`, `update-baselines` and `serve`
//! describe what they need in a `StackSpec`, and `Stack::start` seeds, starts each piece (racing
//! Ctrl-C), and `Stack::stop` stops them again. While the command works, `Failures::next` resolves
//! when any piece dies or a signal arrives, so no command can forget one of them. Every child is a
//! `programs::process::Supervised` process group: it dies with the tool, also on a crash or Ctrl-C.
//! A new piece (Alertmanager peers, a webhook sink, live exporters) is one more optional field
//! here, started in `start`, watched in `Failures::next` and stopped in `stop`.

pub mod browser;
pub mod web;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::exit::ToolError;
use crate::generate::seed::{seed, SeedSummary};
use crate::pack::{Pack, ScenarioInput};
use crate::programs::process::shutdown_signal;
use crate::programs::prometheus::Prometheus;
use browser::{Chromium, Tabs, Watch};

/// What a command needs running. Prometheus over the scenario's seeded data always runs.
pub struct StackSpec<'a> {
    pub scenario: &'a ScenarioInput,
    /// The viewer's web server, in front of that Prometheus.
    pub viewer: Option<ViewerSpec>,
    /// Headless Chromium.
    pub chromium: Option<ChromiumSpec>,
}

/// What the viewer's web server serves besides the query proxy.
pub struct ViewerSpec {
    /// The built viewer (`viewer/dist`).
    pub dist: PathBuf,
    /// Folders of dashboard JSON files served by uid.
    pub dashboard_dirs: Vec<PathBuf>,
}

pub struct ChromiumSpec {
    pub binary: PathBuf,
    /// Window size (width, height) in CSS pixels.
    pub window: (u32, u32),
}

/// How long bringing the stack up took, in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct StartTimes {
    pub seed: f64,
    pub start: f64,
}

/// The running pieces.
pub struct Stack {
    pub seed: SeedSummary,
    pub prometheus: Prometheus,
    viewer: Option<Viewer>,
    chromium: Option<Chromium>,
    pub times: StartTimes,
}

struct Viewer {
    url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Why a running stack stopped being usable.
pub enum Ended {
    /// SIGINT or SIGTERM arrived.
    Signal(&'static str),
    /// A piece died; the error names it and its last output.
    Died(anyhow::Error),
}

impl Ended {
    /// As an error of the command that was using the stack (a signal means exit 130).
    pub fn into_error(self) -> anyhow::Error {
        match self {
            Ended::Signal(signal) => ToolError::Interrupted(signal).into(),
            Ended::Died(error) => error,
        }
    }
}

impl Stack {
    /// Seeds (or reuses the cache), then starts Prometheus and the pieces `spec` asks for.
    /// Ctrl-C at any point stops what already runs and returns `ToolError::Interrupted`.
    pub async fn start(pack: &Pack, spec: StackSpec<'_>, progress: &dyn Fn(&str)) -> anyhow::Result<Stack> {
        let started = Instant::now();
        let summary = tokio::select! {
            summary = seed(pack, spec.scenario, progress) => summary?,
            signal = shutdown_signal() => return Err(ToolError::Interrupted(signal).into()),
        };
        let seed_seconds = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let mut pieces = vec!["prometheus"];
        pieces.extend(spec.viewer.as_ref().map(|_| "the viewer server"));
        pieces.extend(spec.chromium.as_ref().map(|_| "chromium"));
        progress(&format!("starting {}", pieces.join(", ")));
        // Each piece is owned by the future as soon as it runs, so an error or Ctrl-C part-way
        // drops (and so kills) whatever had already started.
        let up = async {
            let prometheus = Prometheus::start(&summary.data_dir).await?;
            let viewer = match spec.viewer {
                Some(viewer) => Some(Viewer::start(viewer, &prometheus.url).await?),
                None => None,
            };
            let chromium = match &spec.chromium {
                Some(chromium) => Some(Chromium::launch(&chromium.binary, chromium.window).await?),
                None => None,
            };
            anyhow::Ok((prometheus, viewer, chromium))
        };
        let (prometheus, viewer, chromium) = tokio::select! {
            up = up => up?,
            signal = shutdown_signal() => return Err(ToolError::Interrupted(signal).into()),
        };
        let times = StartTimes { seed: seed_seconds, start: started.elapsed().as_secs_f64() };
        Ok(Stack { seed: summary, prometheus, viewer, chromium, times })
    }

    /// The viewer's base URL (`http://127.0.0.1:PORT/`), when the spec asked for the viewer.
    pub fn viewer_url(&self) -> Option<&str> {
        self.viewer.as_ref().map(|viewer| viewer.url.as_str())
    }

    /// The browser's tabs (when Chromium runs) and the watch over every piece, at once, so work
    /// in tabs can race `Failures::next`.
    pub fn split(&mut self) -> (Option<Tabs<'_>>, Failures<'_>) {
        let (tabs, browser) = match self.chromium.as_mut() {
            Some(chromium) => {
                let (tabs, watch) = chromium.split();
                (Some(tabs), Some(watch))
            }
            None => (None, None),
        };
        (tabs, Failures { prometheus: &mut self.prometheus, viewer: self.viewer.as_mut().map(|v| &mut v.task), browser })
    }

    /// Stops every piece, the browser first; never hangs longer than a few seconds, since the
    /// children die with the tool anyway.
    pub async fn stop(self) {
        let Stack { prometheus, viewer, chromium, .. } = self;
        if let Some(viewer) = viewer {
            let _ = viewer.stop.send(());
        }
        let shutdown = async {
            if let Some(chromium) = chromium {
                chromium.close().await;
            }
            prometheus.stop().await;
        };
        let _ = tokio::time::timeout(Duration::from_secs(10), shutdown).await;
    }
}

/// Watches every running piece and the signals.
pub struct Failures<'a> {
    prometheus: &'a mut Prometheus,
    viewer: Option<&'a mut tokio::task::JoinHandle<anyhow::Result<()>>>,
    browser: Option<Watch<'a>>,
}

impl Failures<'_> {
    /// Resolves when a piece dies or SIGINT/SIGTERM arrives (never, otherwise).
    pub async fn next(&mut self) -> Ended {
        let viewer = async {
            match self.viewer.as_mut() {
                Some(task) => match task.await {
                    Ok(Err(error)) => error,
                    Ok(Ok(())) => anyhow::anyhow!("the viewer server stopped"),
                    Err(join) => anyhow::Error::from(join).context("the viewer server failed"),
                },
                None => std::future::pending().await,
            }
        };
        let browser = async {
            match self.browser.as_mut() {
                Some(watch) => watch.exited().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            error = self.prometheus.exited() => Ended::Died(error),
            error = viewer => Ended::Died(error),
            error = browser => Ended::Died(error),
            signal = shutdown_signal() => Ended::Signal(signal),
        }
    }
}

impl Viewer {
    async fn start(spec: ViewerSpec, prometheus_url: &str) -> anyhow::Result<Viewer> {
        let listener = web::bind().await?;
        let url = format!("http://{}/", listener.local_addr().context("reading the viewer server's address")?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let site = web::Site { viewer_dir: spec.dist, dashboard_dirs: spec.dashboard_dirs, prometheus: prometheus_url.to_string() };
        let task = tokio::spawn(web::serve(listener, site, async move {
            let _ = stopped.await;
        }));
        Ok(Viewer { url, stop, task })
    }
}
