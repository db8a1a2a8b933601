//! `meshkit-obs lint` end to end: the pack lints clean (promtool and git included), `--list`
//! prints every rule with what it checks, and the rules that need a tool or the pack on disk
//! (`promtool-check-rules`, `runbook-orphan`) trip on a mutated pack copy with a located finding;
//! exit 2 when lint cannot run. Every other rule's fixture runs in process:
//! tests/lint_in_process.rs.

mod common;

use std::path::Path;

use meshkit_obs::lint::RuleId;

fn pack_copy() -> tempfile::TempDir {
    common::lint_pack_copy()
}

fn lint(pack: &Path) -> (Option<i32>, String) {
    let output = common::run_tool(&["lint", "--pack", pack.to_str().unwrap()], &[]);
    (output.status.code(), format!("{}{}", String::from_utf8_lossy(&output.stdout), common::stderr(&output)))
}

#[test]
fn the_pack_lints_clean() {
    let (code, output) = lint(&common::pack_root());
    assert_eq!(code, Some(0), "{output}");
}

/// Replaces `from` with `to` in `file` of a pack copy, lints it, and checks the finding.
fn assert_finding(rule: &str, file: &str, from: &str, to: &str) {
    let pack = pack_copy();
    let path = pack.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} no longer contains {from:?}; update the fixture of {rule}");
    let mutated = text.replacen(from, to, 1);
    std::fs::write(&path, &mutated).unwrap();
    let line = mutated[..mutated.find(to).unwrap()].lines().count().max(1);
    let (code, output) = lint(pack.path());
    assert_eq!(code, Some(1), "{rule}: exit code\n{output}");
    let located = output.lines().any(|l| l.contains(&format!("{file}:")) && l.contains(&format!(": {rule}: ")) && l.contains("fix:"));
    assert!(located, "{rule}: no `{file}:LINE:COL: {rule}: ...; fix: ...` finding\n{output}");
    let near = output.lines().filter(|l| l.contains(&format!(": {rule}: "))).any(|l| {
        let after = l.split(&format!("{file}:")).nth(1).unwrap_or("");
        after.split(':').next().and_then(|n| n.parse::<usize>().ok()).is_some_and(|n| n.abs_diff(line) <= 12)
    });
    assert!(near, "{rule}: the finding should point near line {line}\n{output}");
}

const CLUSTER: &str = "alerts/cluster.rules.yaml";

#[test]
fn promtool_rejects_the_rules() {
    assert_finding("promtool-check-rules", CLUSTER, "          team: platform\n", "          team: platform\n          bad-label: x\n");
}

#[test]
fn list_prints_every_rule_with_what_it_checks() {
    let output = common::run_tool(&["lint", "--list"], &[]);
    assert_eq!(output.status.code(), Some(0));
    let listed: Vec<(String, String)> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(id, what)| (id.to_string(), what.trim().to_string())))
        .collect();
    let expected: Vec<(String, String)> = RuleId::ALL.iter().map(|r| (r.to_string(), r.description().to_string())).collect();
    assert_eq!(listed, expected);
    assert!(listed.iter().any(|(id, _)| id == "template-on-time-change-reload-rule"), "ids keep their spelling: {listed:?}");
}

#[test]
fn runbook_of_no_alert() {
    let pack = pack_copy();
    std::fs::write(pack.path().join("docs/runbooks/MeshKitGhost.md"), "# MeshKitGhost\n").unwrap();
    let (code, output) = lint(pack.path());
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("docs/runbooks/MeshKitGhost.md:1:1: runbook-orphan: "), "{output}");
}

#[test]
fn runbook_without_escalation() {
    let pack = pack_copy();
    let path = pack.path().join("docs/runbooks/MeshKitTargetDown.md");
    let text = std::fs::read_to_string(&path).unwrap().replace("## Escalation", "## Who to call");
    std::fs::write(&path, text).unwrap();
    let (code, output) = lint(pack.path());
    assert_eq!(code, Some(1), "{output}");
    assert!(
        output.contains(
            "docs/runbooks/MeshKitTargetDown.md:1:1: runbook-sections: runbook `MeshKitTargetDown` has no `## Escalation` section"
        ),
        "{output}"
    );
}

#[test]
fn lint_without_a_catalogue_cannot_run() {
    let pack = pack_copy();
    std::fs::remove_file(pack.path().join("metrics/catalogue.yaml")).unwrap();
    let (code, output) = lint(pack.path());
    assert_eq!(code, Some(2), "{output}");
    assert!(output.contains("metrics/catalogue.yaml") && output.contains("cannot read the metrics catalogue"), "{output}");
}
