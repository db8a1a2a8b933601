//! `meshkit-obs release-notes` on a throwaway git repository holding a minimal pack (one
//! dashboard, one rule file): two commits, and the notes between them name the added panel, the
//! changed query and the alert's new threshold and `for`; an unknown revision exits 2.

mod common;

use std::path::Path;

const DASHBOARD: &str = "dashboards/deep-dive/meshkit-gossip.json";
const RULES: &str = "alerts/gossip.rules.yaml";
const ALERT_BEFORE: &str = "expr: cluster_namespace:mesh_gossip_rtt_ms:p95_5m > 2000\n        for: 5m";
const ALERT_AFTER: &str = "expr: cluster_namespace:mesh_gossip_rtt_ms:p95_5m > 1500\n        for: 10m";

/// Runs git in `repo` (identity set locally, so the machine's configuration does not matter);
/// returns its stdout.
fn git(repo: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=notes", "-c", "user.email=notes@example.invalid"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", common::stderr(&output));
    common::stdout(&output).trim().to_string()
}

fn commit(repo: &Path, message: &str) -> String {
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", message]);
    git(repo, &["rev-parse", "HEAD"])
}

/// A repository with the pack's gossip dashboard and rules, then a commit that adds a panel,
/// changes the first panel's first query, and raises an alert's threshold and `for`. Returns
/// (repository, first commit, second commit, the changed query before and after).
fn two_commits() -> (tempfile::TempDir, String, String, String, String) {
    let repo = tempfile::tempdir().unwrap();
    for file in [DASHBOARD, RULES] {
        let to = repo.path().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(common::pack_root().join(file), to).unwrap();
    }
    git(repo.path(), &["init", "-q"]);
    let first = commit(repo.path(), "pack");

    let path = repo.path().join(DASHBOARD);
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let panels = json["panels"].as_array_mut().unwrap();
    let old_expr = panels[0]["targets"][0]["expr"].as_str().unwrap().to_string();
    let new_expr = format!("max({old_expr})");
    panels[0]["targets"][0]["expr"] = new_expr.clone().into();
    panels.push(
        serde_json::json!({"id": 900, "type": "stat", "title": "Gossip rounds per second", "gridPos": {"x": 0, "y": 200, "w": 6, "h": 4},
        "targets": [{"refId": "A", "expr": "sum(rate(mesh_gossip_rounds_total[5m]))"}]}),
    );
    json["version"] = 2.into();
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap() + "\n").unwrap();
    let rules = repo.path().join(RULES);
    let text = std::fs::read_to_string(&rules).unwrap();
    assert!(text.contains(ALERT_BEFORE), "{RULES} changed; update ALERT_BEFORE");
    std::fs::write(&rules, text.replace(ALERT_BEFORE, ALERT_AFTER)).unwrap();
    let second = commit(repo.path(), "more");
    (repo, first, second, old_expr, new_expr)
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn notes_name_added_panels_changed_queries_and_alert_thresholds() {
    let (repo, first, second, old_expr, new_expr) = two_commits();
    let output = common::run_tool(&["release-notes", "--pack", repo.path().to_str().unwrap(), "--from", &first, "--to", &second], &[]);
    let notes = common::stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{notes}{}", common::stderr(&output));
    assert!(notes.contains("version 1 → 2"), "{notes}");
    assert!(notes.contains("- panel 900 \"Gossip rounds per second\" (stat) added"), "{notes}");
    assert!(notes.contains(&format!(": query A: `{}` → `{}`", collapse(&old_expr), collapse(&new_expr))), "{notes}");
    assert!(notes.contains("- `MeshKitGossipRTTHigh`: threshold `> 2000` → `> 1500`; for 5m → 10m"), "{notes}");
    let summary = notes.lines().last().unwrap();
    assert_eq!(summary, "Summary: 1 dashboard(s) changed, 1 panel(s) added, 1 query change(s), 1 alert(s) changed.", "{notes}");

    // --to defaults to HEAD, which is the second commit: the same notes under another heading.
    let output = common::run_tool(&["release-notes", "--pack", repo.path().to_str().unwrap(), "--from", &first], &[]);
    let body = |text: &str| text.split_once('\n').map(|(_, body)| body.to_string());
    assert_eq!(body(&common::stdout(&output)), body(&notes));
}

#[test]
fn an_unknown_revision_or_no_repository_exits_2() {
    let (repo, ..) = two_commits();
    let output = common::run_tool(&["release-notes", "--pack", repo.path().to_str().unwrap(), "--from", "v9.9.9"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(common::stderr(&output).contains("unknown git revision `v9.9.9`"), "{}", common::stderr(&output));
    let plain = tempfile::tempdir().unwrap();
    let output = common::run_tool(&["release-notes", "--pack", plain.path().to_str().unwrap(), "--from", "HEAD"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(common::stderr(&output).contains("not inside a git work tree"), "{}", common::stderr(&output));
}
