//! `meshkit-obs check`: render, compare every capture with its baseline, write the report
//! folder (HTML, JUnit, Markdown, JSON, images) and print one line per failure. Also
//! `merge-reports`, which prints a merged report the same way.
//!
//! Never writes into `baselines/`. The report folder is built beside its final place and
//! swapped in whole (`report::Staging`), so a reader never sees half of one run and half of another.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cli::Format;
use meshkit_obs::exit::Outcome;
use meshkit_obs::pack::{layout, Pack};
use meshkit_obs::visual::baselines::{Store, EMBEDDED};
use meshkit_obs::visual::capture::{self, Request, Shot};
use meshkit_obs::visual::check;
use meshkit_obs::visual::report::{self, RunReport, Staging, Timings};

use meshkit_obs::progress::say as progress;

pub async fn run(pack: &Pack, request: &Request, report_dir: Option<&Path>, format: Format) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let plan = capture::plan(pack, request)?;
    let store = Store::new(pack.root(), EMBEDDED);
    let (rendered, times) = capture::render_all(pack, &plan, request).await?;

    let report_dir = report_dir.map(Path::to_path_buf).unwrap_or_else(|| pack.path(layout::REPORT));
    let staging = Staging::beside(&report_dir)?;
    let compare_started = Instant::now();
    let shots: Vec<Shot<'_>> = rendered.iter().flat_map(|view| capture::shots(&plan, view)).collect();
    let approve = approve_prefix(pack);
    let captures = check::record_all(&plan, &store, &shots, staging.path(), &approve)?;
    let compare_s = compare_started.elapsed().as_secs_f64();

    let report = RunReport {
        schema: report::SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        backend: EMBEDDED.to_string(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        shard: request.shard.map(|s| report::Shard { index: s.index, total: s.total }),
        captures,
        orphans: check::orphans(&plan, &store, &approve),
        timings: Timings {
            seed_s: times.seed,
            stack_start_s: times.stack_start,
            render_s: times.render,
            compare_s,
            total_s: started.elapsed().as_secs_f64(),
        },
    };
    report::write_all(&report, staging.path())?;
    staging.swap_in(&report_dir)?;
    let outcome = print(&report, &report_dir, format)?;
    if outcome == Outcome::ProblemsFound {
        progress(&format!("approve exactly what the report shows with `{approve} --from-report {}`", report_dir.display()));
    }
    Ok(outcome)
}

/// `merge-reports`: one report from the shards' report folders.
pub fn merge(inputs: &[PathBuf], out: &Path, format: Format) -> anyhow::Result<Outcome> {
    let staging = Staging::beside(out)?;
    let report = report::merge(inputs, staging.path())?;
    staging.swap_in(out)?;
    print(&report, out, format)
}

/// `meshkit-obs [--pack P] update-baselines`, as the user would type it from where they ran us.
fn approve_prefix(pack: &Pack) -> String {
    match std::env::current_dir() {
        Ok(here) if here == pack.root() => "meshkit-obs update-baselines".to_string(),
        here => {
            let shown = here.ok().and_then(|here| pack.root().strip_prefix(&here).ok().map(Path::to_path_buf));
            format!("meshkit-obs --pack {} update-baselines", shown.as_deref().unwrap_or(pack.root()).display())
        }
    }
}

fn print(report: &RunReport, dir: &Path, format: Format) -> anyhow::Result<Outcome> {
    report::append_step_summary(&report::render_markdown(report))?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(report)?),
        Format::Text => {
            for c in report.failures() {
                let what = c.panel_id.map_or_else(|| "whole dashboard".to_string(), |id| format!("panel {id} {:?}", c.panel_title));
                let diff = c.diff.as_ref().map(|d| format!("\n      diff: {}", dir.join(d).display())).unwrap_or_default();
                println!("FAIL {}/{} {what}: {}: {}{diff}", c.dashboard_uid, c.view, c.status.as_str(), c.message);
            }
            for o in &report.orphans {
                println!("ORPHAN {} (no panel uses it; `{}` removes it)", o.baseline, o.prune_command);
            }
        }
    }
    let counts = report.counts();
    let t = &report.timings;
    progress(&format!(
        "{} captures: {counts}; seed {:.2}s, stack start {:.2}s, render {:.2}s, compare {:.2}s, total {:.2}s; report: {}",
        report.captures.len(),
        t.seed_s,
        t.stack_start_s,
        t.render_s,
        t.compare_s,
        t.total_s,
        dir.join("index.html").display()
    ));
    Ok(if report.passed() { Outcome::Success } else { Outcome::ProblemsFound })
}
