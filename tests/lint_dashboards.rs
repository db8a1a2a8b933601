//! `meshkit-obs lint` on dashboards end to end, in a copy of the pack: a fixture of
//! tests/fixtures/lint/ gives exit 1 and its findings, and `dashboard-version-bump` compares with
//! git `HEAD` in a repository of its own. Every dashboard and provisioning fixture runs in process
//! (tests/lint_in_process.rs); the pack itself lints clean (tests/lint.rs).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

/// The audience folder fixtures are dropped into.
const DEEP_DIVE: &str = "dashboards/deep-dive";

fn pack_copy() -> tempfile::TempDir {
    common::lint_pack_copy()
}

/// Exit code and the findings, each `path:line:col: rule: message` with the path relative to
/// the pack (the fix text is dropped: it may list the pack's dashboards).
fn lint(pack: &Path) -> (Option<i32>, BTreeSet<String>, String) {
    let output = common::run_tool(&["lint", "--pack", pack.to_str().unwrap()], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let prefix = format!("{}/", pack.display());
    let findings =
        stdout.lines().filter(|l| l.contains("; fix: ")).map(|l| l.split("; fix: ").next().unwrap().replace(&prefix, "")).collect();
    (output.status.code(), findings, format!("{stdout}{}", common::stderr(&output)))
}

/// One fixture end to end: dropped into a pack copy, `lint` exits 1 and prints findings of
/// exactly its rule at the expected line.
#[test]
fn a_dashboard_fixture_end_to_end() {
    let pack = pack_copy();
    let destination = format!("{DEEP_DIVE}/panel-id.json");
    std::fs::copy(common::pack_root().join("tests/fixtures/lint/dashboards/panel-id.json"), pack.path().join(&destination)).unwrap();
    let (code, findings, output) = lint(pack.path());
    assert_eq!(code, Some(1), "{output}");
    assert!(!findings.is_empty() && findings.iter().all(|f| f.contains(": panel-id: ")), "{findings:#?}\n{output}");
    assert!(findings.iter().any(|f| f.starts_with(&format!("{destination}:129:"))), "{findings:#?}");
}

fn git(repo: &Path, args: &[&str]) {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=lint", "-c", "user.email=lint@example.invalid"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", common::stderr(&output));
}

/// `dashboard-version-bump`: a dashboard edited since HEAD without raising `version` is a
/// finding at its `version` key; raising it clears the finding. Outside a work tree (every other
/// test's pack copy) the rule is skipped.
#[test]
fn dashboard_version_bump() {
    let pack = pack_copy();
    git(pack.path(), &["init", "-q"]);
    git(pack.path(), &["add", "."]);
    git(pack.path(), &["commit", "-q", "-m", "pack"]);
    let file = format!("{DEEP_DIVE}/meshkit-gossip.json");
    let path = pack.path().join(&file);
    let text = std::fs::read_to_string(&path).unwrap();
    let version_line = text.lines().position(|l| l == "  \"version\": 1,").expect("the dashboard has \"version\": 1") + 1;
    let retitled = text.replacen("\"title\": \"Members missing", "\"title\": \"Peers missing", 1);
    assert_ne!(retitled, text, "the fixture panel title moved; update this test");
    std::fs::write(&path, &retitled).unwrap();
    let (code, findings, output) = lint(pack.path());
    assert_eq!(code, Some(1), "{output}");
    let expected: BTreeSet<String> = findings
        .iter()
        .filter(|f| f.starts_with(&format!("{file}:{version_line}:")) && f.contains(": dashboard-version-bump: "))
        .cloned()
        .collect();
    assert!(expected.len() == 1 && findings.len() == 1, "{findings:#?}");
    std::fs::write(&path, retitled.replacen("  \"version\": 1,", "  \"version\": 2,", 1)).unwrap();
    let (code, findings, output) = lint(pack.path());
    assert!(code == Some(0) && findings.is_empty(), "{findings:#?}\n{output}");
}
