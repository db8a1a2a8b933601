//! `meshkit-obs update-baselines`: approve rendered images as the new baselines, either by
//! rendering now or, with `--from-report DIR`, the actual images of a `check` report exactly as a
//! reviewer saw them, without rendering again (`visual::approve` does the approving).
//!
//! What is written follows `verdict::approval`, the policy `check`'s statuses come from: a
//! capture that passes is not rewritten, a panel the page reported a problem for is never
//! approved. Each file is replaced atomically, nothing outside the --dashboard/--panel filter is
//! touched, and --prune removes baselines no panel uses any more. From a report, nothing at all is
//! written when any selected baseline is no longer the one the report compared against.

use std::path::Path;

use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::pack::Pack;
use meshkit_obs::visual::approve::{self, Changes, FromReport};
use meshkit_obs::visual::baselines::{Store, EMBEDDED};
use meshkit_obs::visual::capture::{self, Plan, Request};
use meshkit_obs::visual::report;

use meshkit_obs::progress::say as progress;

pub async fn run(pack: &Pack, request: &Request, panels: &[String], prune: bool) -> anyhow::Result<Outcome> {
    if prune && !panels.is_empty() {
        return Err(ToolError::InvalidInput("--prune removes baselines of panels that no longer exist, so it cannot be narrowed to --panel; fix: run it with --dashboard only, or without --prune".into()).into());
    }
    let (plan, store) = prepare(pack, request, panels)?;
    let (rendered, _) = capture::render_all(pack, &plan, request).await?;
    let changes = approve::rendered(&plan, &store, &rendered, panels, prune)?;
    print_summary(&changes, prune);
    Ok(if changes.refused.is_empty() { Outcome::Success } else { Outcome::ProblemsFound })
}

/// `--from-report DIR`: approves the actual images of the report's failing captures; when any
/// selected baseline changed since the report was made, writes nothing and names them (exit 1).
pub fn from_report(pack: &Pack, request: &Request, panels: &[String], dir: &Path) -> anyhow::Result<Outcome> {
    let report = report::read(dir)?;
    let (plan, store) = prepare(pack, request, panels)?;
    match approve::from_report(&plan, &store, &report, dir, &request.dashboards, panels)? {
        FromReport::Approved(changes) => {
            print_summary(&changes, false);
            Ok(if changes.refused.is_empty() { Outcome::Success } else { Outcome::ProblemsFound })
        }
        FromReport::Stale(stale) => {
            for line in &stale {
                println!("  refused  {line}");
            }
            progress(&format!(
                "nothing written: {} of the report's baselines no longer match what it compared; fix: run `check` again and review its new report",
                stale.len()
            ));
            Ok(Outcome::ProblemsFound)
        }
    }
}

/// The plan and the baseline store to approve into: the `--panel` filter checked against the
/// plan, and the temporary files an interrupted approval left removed.
fn prepare(pack: &Pack, request: &Request, panels: &[String]) -> anyhow::Result<(Plan, Store)> {
    let plan = capture::plan(pack, request)?;
    check_panel_filter(&plan, panels)?;
    let store = Store::new(pack.root(), EMBEDDED);
    store.remove_stale_temporaries(&plan.uids());
    Ok((plan, store))
}

fn check_panel_filter(plan: &Plan, panels: &[String]) -> Result<(), ToolError> {
    for wanted in panels {
        let exists =
            wanted == capture::WHOLE_DASHBOARD || plan.dashboards.iter().any(|d| d.panels.iter().any(|p| p.id.to_string() == *wanted));
        if !exists {
            return Err(ToolError::InvalidInput(format!(
                "--panel {wanted}: no selected dashboard has that panel id; fix: use a panel id from the dashboard JSON, or `{}` for the whole-dashboard image",
                capture::WHOLE_DASHBOARD
            )));
        }
    }
    Ok(())
}

fn print_summary(changes: &Changes, prune: bool) {
    for (label, list) in
        [("added", &changes.added), ("changed", &changes.changed), ("renamed", &changes.renamed), ("removed", &changes.removed)]
    {
        for path in list {
            println!("{label:>9}  {path}");
        }
    }
    for refused in &changes.refused {
        println!("  refused  {refused}");
    }
    for orphan in &changes.orphans {
        println!("   orphan  {orphan} (no panel uses it; --prune removes it)");
    }
    let pruned = if prune { format!(", {} removed", changes.removed.len()) } else { String::new() };
    progress(&format!(
        "baselines: {} added, {} changed, {} renamed{pruned}, {} unchanged{}",
        changes.added.len(),
        changes.changed.len(),
        changes.renamed.len(),
        changes.unchanged,
        if changes.refused.is_empty() {
            String::new()
        } else {
            format!("; {} not approved because the page reported a problem (fix the panel, then approve)", changes.refused.len())
        }
    ));
}
