//! The front half shared by `check` and `update-baselines`: decide what to render (dashboards,
//! views, filter, shard), seed, start Prometheus, the viewer server and Chromium, render every
//! view in a few tabs with a progress bar, and stop everything again, also on Ctrl-C or when a
//! child dies.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context as _;

use crate::exit::ToolError;
use crate::pack::config::{Config, DashboardFacts};
use crate::pack::dashboards::{self, Dashboard, Panel};
use crate::pack::{layout, Pack};
use crate::progress;
use crate::stack::browser;
use crate::stack::{ChromiumSpec, Stack, StackSpec, ViewerSpec};
use crate::visual::baselines::Store;
use crate::visual::render::{self, PanelShot, Rendered, Target};

/// `--shard K/N`: this run renders the K-th of N deterministic slices of the views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub total: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(text: &str) -> Result<Shard, String> {
        let (k, n) = text.split_once('/').ok_or_else(|| format!("{text:?} is not K/N (e.g. 2/4)"))?;
        let (index, total): (u32, u32) = (
            k.trim().parse().map_err(|_| format!("{k:?} is not a number"))?,
            n.trim().parse().map_err(|_| format!("{n:?} is not a number"))?,
        );
        if total == 0 || index == 0 || index > total {
            return Err(format!("{text}: K must be 1..=N and N at least 1"));
        }
        Ok(Shard { index, total })
    }
}

/// What the user asked to render.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub dashboards: Vec<String>,
    pub shard: Option<Shard>,
    pub config: Option<PathBuf>,
    pub viewer: Option<PathBuf>,
    pub chromium: Option<PathBuf>,
    pub quiet: bool,
}

/// The dashboards, their views and the settings: everything decided before anything starts.
pub struct Plan {
    /// Every dashboard the filter selects (all of them, whatever the shard).
    pub dashboards: Vec<Dashboard>,
    pub config: Config,
    /// The views this run (this shard) renders.
    pub targets: Vec<Target>,
    /// True when no --dashboard filter narrowed the run.
    pub whole_pack: bool,
}

impl Plan {
    pub fn dashboard(&self, uid: &str) -> &Dashboard {
        self.dashboards.iter().find(|d| d.uid == uid).expect("targets come from the plan's dashboards")
    }

    pub fn uids(&self) -> Vec<String> {
        self.dashboards.iter().map(|d| d.uid.clone()).collect()
    }

    /// Baselines under the plan's dashboards (under every dashboard when no filter narrowed the
    /// run) that no capture of any view would use, whatever the shard.
    pub fn orphans(&self, store: &Store) -> Vec<PathBuf> {
        let mut used = BTreeSet::new();
        for dashboard in &self.dashboards {
            for view in self.config.views(&dashboard.uid) {
                for panel in std::iter::once(None).chain(dashboard.panels.iter().map(Some)) {
                    let path = store.path(&dashboard.uid, &view.name, panel);
                    used.insert(store.find(&path, panel).unwrap_or(path));
                }
            }
        }
        let uids = self.uids();
        store.orphans((!self.whole_pack).then_some(uids.as_slice()), &used)
    }
}

/// Reads and validates the dashboards and the config, and lists the views to render.
pub fn plan(pack: &Pack, request: &Request) -> Result<Plan, ToolError> {
    let all = dashboards::discover(pack.root())?;
    if all.is_empty() {
        return Err(ToolError::InvalidInput(format!(
            "{}: the dashboard providers deliver no dashboards (*.json) to render; fix: add dashboards under their paths or pass --pack",
            pack.path(layout::PROVIDERS).display()
        )));
    }
    let facts: Vec<DashboardFacts<'_>> = all.iter().map(DashboardFacts::of).collect();
    let config = Config::load(pack.root(), request.config.as_deref(), &facts)?;
    for uid in &request.dashboards {
        if !all.iter().any(|d| &d.uid == uid) {
            let known: Vec<&str> = all.iter().map(|d| d.uid.as_str()).collect();
            return Err(ToolError::InvalidInput(format!(
                "--dashboard {uid}: the provisioning files provide no such dashboard; fix: use one of {}",
                known.join(", ")
            )));
        }
    }
    let whole_pack = request.dashboards.is_empty();
    let dashboards: Vec<Dashboard> = all.into_iter().filter(|d| whole_pack || request.dashboards.contains(&d.uid)).collect();
    let targets: Vec<Target> = dashboards
        .iter()
        .flat_map(|d| config.views(&d.uid).into_iter().map(|view| Target { uid: d.uid.clone(), view }))
        .enumerate()
        .filter(|(i, _)| request.shard.is_none_or(|s| *i as u32 % s.total == s.index - 1))
        .map(|(_, t)| t)
        .collect();
    Ok(Plan { dashboards, config, targets, whole_pack })
}

/// How long each stage took, in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    pub seed: f64,
    pub stack_start: f64,
    pub render: f64,
}

/// Seeds, starts the stack and renders every target of `plan`, in plan order.
pub async fn render_all(pack: &Pack, plan: &Plan, request: &Request) -> anyhow::Result<(Vec<Rendered>, StageTimes)> {
    let say = progress::reporter(request.quiet);
    let binary = browser::locate(request.chromium.as_deref())?;
    let dist = request.viewer.clone().unwrap_or_else(|| pack.path(layout::VIEWER_DIST));
    if !dist.join("index.html").is_file() {
        return Err(ToolError::MissingTool {
            what: format!("the built viewer ({}/index.html)", dist.display()),
            hint: "build it with ./dev setup (npm ci && npm run build in viewer/)".into(),
        }
        .into());
    }
    let scenario = pack.scenario(None)?;
    let dashboard_dirs: BTreeSet<PathBuf> = plan.dashboards.iter().filter_map(|d| d.file.parent().map(Path::to_path_buf)).collect();
    let spec = StackSpec {
        scenario: &scenario,
        viewer: Some(ViewerSpec { dist, dashboard_dirs: dashboard_dirs.into_iter().collect() }),
        chromium: Some(ChromiumSpec { binary, window: (plan.config.render.width, plan.config.render.height) }),
    };
    let mut stack = Stack::start(pack, spec, &say).await?;
    let mut times = StageTimes { seed: stack.times.seed, stack_start: stack.times.start, render: 0.0 };

    let started = Instant::now();
    let settings = &plan.config.render;
    let pages = settings.pages.min(plan.targets.len()).max(1);
    let window = (stack.seed.window_start.clone(), stack.seed.window_end.clone());
    let viewer_url = stack.viewer_url().expect("the spec asks for the viewer").to_string();
    let bar = progress::bar("rendering", plan.targets.len(), request.quiet);
    say(&format!(
        "rendering {} view(s) of {} dashboard(s) in {pages} tab(s) at {}px",
        plan.targets.len(),
        plan.dashboards.len(),
        settings.width
    ));
    let (tabs, mut failures) = stack.split();
    let browser = tabs.expect("the spec asks for chromium");
    let rendered = async {
        let mut tabs = Vec::new();
        for _ in 0..pages {
            tabs.push(browser.new_page().await?);
        }
        let queue = Arc::new(Mutex::new(plan.targets.iter().cloned().enumerate().collect::<VecDeque<_>>()));
        let workers = tabs.into_iter().map(|tab| {
            let queue = Arc::clone(&queue);
            let bar = bar.clone();
            let viewer_url = viewer_url.clone();
            let window = (window.0.as_str(), window.1.as_str());
            async move {
                let mut done = Vec::new();
                loop {
                    let next = queue.lock().expect("queue lock").pop_front();
                    let Some((index, target)) = next else { break };
                    let url = render::page_url(&viewer_url, &target, window, settings)?;
                    bar.set_message(format!("{} / {}", target.uid, target.view.name));
                    done.push((index, render::render(&tab, &url, &target, settings).await?));
                    bar.inc(1);
                }
                let _ = tab.close().await;
                anyhow::Ok(done)
            }
        });
        let mut all: Vec<(usize, Rendered)> = futures::future::try_join_all(workers).await?.into_iter().flatten().collect();
        all.sort_by_key(|(index, _)| *index);
        anyhow::Ok(all.into_iter().map(|(_, r)| r).collect::<Vec<_>>())
    };
    let outcome = tokio::select! {
        rendered = rendered => rendered,
        ended = failures.next() => Err(ended.into_error()),
    };
    bar.finish_and_clear();
    times.render = started.elapsed().as_secs_f64();
    stack.stop().await;
    outcome.context("rendering the dashboards").map(|rendered| (rendered, times))
}

/// One image of a rendered view, to compare or approve: the whole dashboard (`panel` None) or
/// one panel, with the problem the page reported for it.
pub struct Shot<'a> {
    pub uid: &'a str,
    pub view: &'a str,
    pub panel: Option<&'a Panel>,
    pub png: Option<&'a [u8]>,
    pub problem: Option<String>,
    /// Every panel drawn in this view, with its place in the whole-dashboard image.
    pub view_panels: &'a [PanelShot],
}

impl Shot<'_> {
    /// The `--panel` value that selects this shot.
    pub fn selector(&self) -> String {
        panel_selector(self.panel.map(|p| p.id))
    }
}

/// The `--panel` value of a panel id (None: the whole-dashboard image).
pub fn panel_selector(panel_id: Option<u32>) -> String {
    panel_id.map_or_else(|| WHOLE_DASHBOARD.to_string(), |id| id.to_string())
}

/// `--panel dashboard` selects the whole-dashboard image.
pub const WHOLE_DASHBOARD: &str = "dashboard";

/// The shots of one rendered view: the whole dashboard first, then every panel in file order.
/// A panel the page drew no box for is a problem of that panel.
pub fn shots<'a>(plan: &'a Plan, rendered: &'a Rendered) -> Vec<Shot<'a>> {
    let dashboard = plan.dashboard(&rendered.target.uid);
    let view = rendered.target.view.name.as_str();
    let problem_of = |id: u32| rendered.problems.iter().find(|p| p.panel_id == id).map(|p| format!("{}: {}", p.kind, p.message));
    let view_panels = rendered.panels.as_slice();
    let mut shots =
        vec![Shot { uid: &dashboard.uid, view, panel: None, png: Some(&rendered.dashboard_png), problem: problem_of(0), view_panels }];
    for panel in &dashboard.panels {
        let drawn = rendered.panels.iter().find(|p| p.id == panel.id);
        let problem = problem_of(panel.id).or_else(|| {
            drawn.is_none().then(|| "not-drawn: the page drew no box for this panel (is it inside the 24-column grid?)".to_string())
        });
        shots.push(Shot { uid: &dashboard.uid, view, panel: Some(panel), png: drawn.map(|d| d.png.as_slice()), problem, view_panels });
    }
    shots
}
