//! The command line: arguments (clap derive) and dispatch to one module per subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use meshkit_obs::pack::Pack;

use crate::commands;
use meshkit_obs::exit::Outcome;

#[derive(Debug, Parser)]
#[command(name = "meshkit-obs", version, about = "Seeds MeshKit telemetry into a real Prometheus and keeps the observability pack honest")]
pub struct Cli {
    #[command(flatten)]
    pub pack: PackArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct PackArgs {
    /// The pack's root folder (holds metrics/, scenarios/, dashboards/, alerts/).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub pack: PathBuf,
    /// Where seeded TSDBs are cached [default: <pack>/target/meshkit-obs-cache].
    #[arg(long, global = true, value_name = "DIR", env = "MESHKIT_OBS_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ScenarioArgs {
    /// Scenario file [default: <pack>/scenarios/reference.yaml].
    #[arg(long, value_name = "PATH")]
    pub scenario: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a scenario's telemetry and backfill it into a cached Prometheus TSDB.
    Seed {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Seed, then run a real Prometheus over the data and the viewer (static files, dashboards,
    /// read-only query proxy) on 127.0.0.1 until interrupted.
    Serve {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// The built viewer [default: <pack>/viewer/dist].
        #[arg(long, value_name = "DIR")]
        viewer: Option<PathBuf>,
        /// Folder of dashboard JSON files served by uid (repeatable) [default: <pack>/dashboards].
        #[arg(long = "dashboards", value_name = "DIR")]
        dashboards: Vec<PathBuf>,
    },
    /// Run the promtool unit tests of the rules: the scenario-generated test (expected alerts
    /// fire on time; nothing fires in healthy stretches) and alerts/tests/*.yaml.
    TestRules {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Run only these promtool test files.
        #[arg(value_name = "FILE", conflicts_with = "observe")]
        files: Vec<PathBuf>,
        /// Instead of testing, evaluate every alert at every step of the scenario and print
        /// what each incident raised as `expect_alerts` entries to review and paste.
        #[arg(long)]
        observe: bool,
    },
    /// Check the pack's rules (promtool, alert metadata, runbook and dashboard links, metrics
    /// in the catalogue), its Grafana dashboards (JSON shape, settings, panels, variables,
    /// links, every query against the catalogue and recording rules) and its provisioning files
    /// (exit 1 on findings, each with file:line:col, rule id and fix; 2 when lint cannot run).
    Lint {
        /// List the lint rules and exit.
        #[arg(long)]
        list: bool,
    },
    /// Render alerts/alertmanager.yml with the MESHKIT_WEBHOOK_* URLs from the environment,
    /// validate it with amtool, and write it to --out (or print it).
    AlertmanagerConfig {
        /// Where to write the rendered configuration (atomically).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Export a scenario (or a window of it) as promtool input_series in a test-file skeleton.
    ExportSeries {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// First scrape time to export (RFC 3339, UTC) [default: the window's start].
        #[arg(long, value_name = "TIME")]
        from: Option<String>,
        /// Last scrape time to export [default: the window's end].
        #[arg(long, value_name = "TIME")]
        to: Option<String>,
        /// Export only series matching this selector (repeatable) [default: all].
        #[arg(long = "match", value_name = "SELECTOR")]
        matches: Vec<String>,
        /// Write to this file (atomically) instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Copy the rule files for a deployment with its runbook and Grafana base URLs.
    ExportRules {
        /// Base URL the runbooks are served under (the runbook of X is <base>X.md).
        #[arg(long, value_name = "URL")]
        runbook_base_url: String,
        /// The Grafana the dashboards are provisioned into.
        #[arg(long, value_name = "URL")]
        grafana_url: String,
        /// The `job` label your Prometheus gives MeshKit targets (the rules select `job="omnirelay"`).
        #[arg(long, value_name = "NAME", default_value = meshkit_obs::pack::rules::SCRAPE_JOB)]
        scrape_job: String,
        /// Output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Render every dashboard view in Chromium and compare each panel and the whole dashboard
    /// with the approved baselines (exit 1 on any difference, missing baseline or panel
    /// problem); reports go to target/meshkit-obs/report/. Never writes baselines.
    Check {
        #[command(flatten)]
        render: RenderArgs,
        /// Render only the K-th of N deterministic slices of the views (CI sharding); combine
        /// the shards' reports with `merge-reports`.
        #[arg(long, value_name = "K/N")]
        shard: Option<meshkit_obs::visual::capture::Shard>,
        /// Where the report folder goes [default: <pack>/target/meshkit-obs/report].
        #[arg(long, value_name = "DIR")]
        report_dir: Option<PathBuf>,
        /// Output on stdout: one line per failing capture, or the report as JSON.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Render and approve the result as the new baselines: writes only what changed, atomically,
    /// and only inside the filter; prints what was added, changed, renamed, removed, unchanged.
    UpdateBaselines {
        #[command(flatten)]
        render: RenderArgs,
        /// Approve only this panel id (repeatable); `dashboard` is the whole-dashboard image.
        #[arg(long = "panel", value_name = "ID")]
        panels: Vec<String>,
        /// Also remove baselines whose panel or view no longer exists.
        #[arg(long)]
        prune: bool,
        /// Render nothing: approve the actual images of this `check` report folder's failing
        /// captures, as the reviewer saw them. Writes nothing (exit 1) if a baseline changed since
        /// the report was made.
        #[arg(long, value_name = "DIR", conflicts_with_all = ["prune", "viewer", "chromium"])]
        from_report: Option<PathBuf>,
    },
    /// Combine the report folders of sharded `check` runs into one report.
    MergeReports {
        /// The shards' report folders.
        #[arg(value_name = "DIR", required = true)]
        inputs: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Compare two PNGs as `check` does, with the [compare] settings of the pack's
    /// meshkit-obs.toml unless a flag says otherwise (exit 0 match, 1 differ, 2 unreadable input).
    Diff {
        expected: PathBuf,
        actual: PathBuf,
        /// Write the diff image here.
        #[arg(long, value_name = "PNG")]
        diff_out: Option<PathBuf>,
        /// Per-pixel colour distance (YIQ, 0 strict ..= 1 lax) [default: [compare] threshold, else 0.1].
        #[arg(long, allow_hyphen_values = true, value_parser = threshold)]
        threshold: Option<f64>,
        /// Differing pixels allowed before the images count as different [default: [compare]
        /// max_diff_pixels, else 0].
        #[arg(long)]
        max_diff_pixels: Option<u64>,
        /// Count anti-aliased pixels as differences too.
        #[arg(long)]
        include_antialiasing: bool,
        /// Region to ignore, WxH+X+Y (repeatable); replaces [compare] ignore.
        #[arg(long = "ignore", value_name = "WxH+X+Y")]
        ignore: Vec<meshkit_obs::geometry::Rect>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write docs/metrics.md from metrics/catalogue.yaml (with --check: only report staleness).
    MetricsDoc {
        /// Exit 1 if docs/metrics.md is stale; write nothing.
        #[arg(long)]
        check: bool,
    },
    /// Write the dashboard guides (docs/dashboards/<uid>.md: the generated part only, between
    /// its markers), the docs index (docs/README.md) and docs/metrics.md; screenshots are the
    /// approved baselines, linked, never rendered again.
    Docs {
        /// Exit 1 naming every stale file; write nothing.
        #[arg(long)]
        check: bool,
    },
    /// Print Markdown release notes of what changed for operators between two git revisions:
    /// dashboards, panels, queries, units and thresholds, alerts and recording rules, and the
    /// baselines that changed per dashboard and view, ending with a one-line summary.
    ReleaseNotes {
        /// The revision the notes start from (usually the last release tag).
        #[arg(long, value_name = "REV")]
        from: String,
        /// The revision the notes end at [default: HEAD].
        #[arg(long, value_name = "REV")]
        to: Option<String>,
    },
}

/// What to render and how: shared by `check` and `update-baselines`.
#[derive(Debug, Clone, Args)]
pub struct RenderArgs {
    /// Only this dashboard uid (repeatable) [default: every dashboard].
    #[arg(long = "dashboard", value_name = "UID")]
    pub dashboards: Vec<String>,
    /// Settings file [default: <pack>/meshkit-obs.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The built viewer [default: <pack>/viewer/dist].
    #[arg(long, value_name = "DIR")]
    pub viewer: Option<PathBuf>,
    /// The Chromium binary [default: `chromium` on PATH].
    #[arg(long, value_name = "PATH", env = "MESHKIT_OBS_CHROMIUM")]
    pub chromium: Option<PathBuf>,
    /// No progress output; only results.
    #[arg(long, short)]
    pub quiet: bool,
}

impl RenderArgs {
    pub fn request(&self, shard: Option<meshkit_obs::visual::capture::Shard>) -> meshkit_obs::visual::capture::Request {
        meshkit_obs::visual::capture::Request {
            dashboards: self.dashboards.clone(),
            shard,
            config: self.config.clone(),
            viewer: self.viewer.clone(),
            chromium: self.chromium.clone(),
            quiet: self.quiet,
        }
    }
}

/// `--threshold`: a number in 0..=1. Hyphen values reach this parser (rather than being taken for
/// a flag), so `--threshold -0.1` is refused as a value with the range.
fn threshold(text: &str) -> Result<f64, String> {
    let value: f64 = text.parse().map_err(|_| format!("{text:?} is not a number; the threshold must be between 0 and 1"))?;
    if !(0.0..=1.0).contains(&value) {
        return Err("threshold must be between 0 and 1 (0 strict, 1 lax; default 0.1)".to_string());
    }
    Ok(value)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Runs the parsed command line; Ctrl-C and SIGTERM make the command return and clean up.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    // `diff` is often run once per image pair by scripts: it skips building the async runtime.
    if let Command::Diff { expected, actual, diff_out, threshold, max_diff_pixels, include_antialiasing, ignore, json } = cli.command {
        let flags = commands::diff::Flags { threshold, max_diff_pixels, include_antialiasing, ignore };
        return commands::diff::run(&cli.pack.pack, &expected, &actual, diff_out.as_deref(), &flags, json);
    }
    let pack = Pack::open(&cli.pack.pack, cli.pack.cache_dir.as_deref())?;
    let pack = &pack;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Seed { scenario, json } => commands::seed::run(pack, scenario.scenario.as_deref(), json).await,
            Command::Serve { scenario, viewer, dashboards } => {
                commands::serve::run(
                    pack,
                    scenario.scenario.as_deref(),
                    &commands::serve::Sources { viewer_dir: viewer, dashboard_dirs: dashboards },
                )
                .await
            }
            Command::TestRules { scenario, files, observe } => {
                commands::test_rules::run(pack, scenario.scenario.as_deref(), &files, observe).await
            }
            Command::Lint { list } => commands::lint::run(pack, list).await,
            Command::AlertmanagerConfig { out } => commands::alertmanager_config::run(pack, out.as_deref()).await,
            Command::ExportSeries { scenario, from, to, matches, out } => commands::export_series::run(
                pack,
                scenario.scenario.as_deref(),
                &commands::export_series::Request { from: from.as_deref(), to: to.as_deref(), matches: &matches, out: out.as_deref() },
            ),
            Command::ExportRules { runbook_base_url, grafana_url, scrape_job, out } => {
                let deployment = meshkit_obs::pack::rules::Deployment {
                    runbook_base: &runbook_base_url,
                    grafana_url: &grafana_url,
                    scrape_job: &scrape_job,
                };
                commands::export_rules::run(pack, &deployment, &out).await
            }
            Command::Check { render, shard, report_dir, format } => {
                commands::check::run(pack, &render.request(shard), report_dir.as_deref(), format).await
            }
            Command::UpdateBaselines { render, panels, from_report: Some(report), .. } => {
                commands::update_baselines::from_report(pack, &render.request(None), &panels, &report)
            }
            Command::UpdateBaselines { render, panels, prune, from_report: None } => {
                commands::update_baselines::run(pack, &render.request(None), &panels, prune).await
            }
            Command::MergeReports { inputs, out, format } => commands::check::merge(&inputs, &out, format),
            Command::Diff { .. } => unreachable!("diff runs before the runtime is built"),
            Command::MetricsDoc { check } => commands::metrics_doc::run(pack, check),
            Command::Docs { check } => commands::docs::run(pack, check),
            Command::ReleaseNotes { from, to } => commands::release_notes::run(pack.root(), &from, to.as_deref()),
        }
    })
}
