//! `meshkit-obs update-baselines`: render, then approve what was rendered as the new baselines.
//!
//! Only files whose pixels changed are rewritten (each atomically), nothing outside the
//! --dashboard/--panel filter is touched, a panel the page reported a problem for is never
//! approved, and --prune removes baselines no panel uses any more.

use std::path::PathBuf;

use meshkit_obs::exit::{Outcome, ToolError};
use meshkit_obs::pack::Pack;
use meshkit_obs::visual::baselines::{Store, EMBEDDED};
use meshkit_obs::visual::capture::{self, Request, Shot};
use meshkit_obs::visual::compare::{self, Verdict};

use meshkit_obs::progress::say as progress;

/// What happened to each baseline, for the closing summary.
#[derive(Default)]
struct Changes {
    added: Vec<String>,
    changed: Vec<String>,
    renamed: Vec<String>,
    removed: Vec<String>,
    unchanged: usize,
    refused: Vec<String>,
    /// Baselines no capture uses, kept because --prune was not given.
    orphans: Vec<String>,
}

pub async fn run(pack: &Pack, request: &Request, panels: &[String], prune: bool) -> anyhow::Result<Outcome> {
    if prune && !panels.is_empty() {
        return Err(ToolError::InvalidInput("--prune removes baselines of panels that no longer exist, so it cannot be narrowed to --panel; fix: run it with --dashboard only, or without --prune".into()).into());
    }
    let plan = capture::plan(pack, request)?;
    check_panel_filter(&plan, panels)?;
    let store = Store::new(pack.root(), EMBEDDED);
    store.remove_stale_temporaries(&plan.uids());
    let (rendered, _) = capture::render_all(pack, &plan, request).await?;

    let mut changes = Changes::default();
    for view in &rendered {
        for shot in capture::shots(&plan, view) {
            let path = store.path(shot.uid, shot.view, shot.panel);
            let existing = store.find(&path, shot.panel);
            if !panels.is_empty() && !panels.contains(&shot.selector()) {
                continue;
            }
            approve(&store, &shot, &path, existing, &mut changes)?;
        }
    }
    for orphan in plan.orphans(&store) {
        if prune {
            store.remove(&orphan)?;
            changes.removed.push(store.display(&orphan));
        } else {
            changes.orphans.push(store.display(&orphan));
        }
    }
    print_summary(&changes, prune);
    Ok(if changes.refused.is_empty() { Outcome::Success } else { Outcome::ProblemsFound })
}

/// Writes one shot as its baseline unless its pixels already are the baseline.
fn approve(store: &Store, shot: &Shot<'_>, path: &PathBuf, existing: Option<PathBuf>, changes: &mut Changes) -> anyhow::Result<()> {
    let shown = store.display(path);
    let (Some(png), None) = (shot.png, &shot.problem) else {
        changes.refused.push(format!("{shown}: {}", shot.problem.as_deref().unwrap_or("no image")));
        return Ok(());
    };
    match existing {
        None => {
            store.write(path, png)?;
            changes.added.push(shown);
        }
        Some(old) => {
            let bytes = std::fs::read(&old)?;
            // A baseline that no longer decodes is replaced like any changed one.
            let same = compare::compare(&bytes, png, &compare::Settings::default())
                .is_ok_and(|(c, _)| matches!(c.verdict, Verdict::IdenticalBytes | Verdict::IdenticalPixels));
            if old != *path {
                store.write(path, png)?;
                store.remove(&old)?;
                changes.renamed.push(format!("{} -> {shown}", store.display(&old)));
            } else if same {
                changes.unchanged += 1;
            } else {
                store.write(path, png)?;
                changes.changed.push(shown);
            }
        }
    }
    Ok(())
}

fn check_panel_filter(plan: &capture::Plan, panels: &[String]) -> Result<(), ToolError> {
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
