//! `meshkit-obs lint` on dashboards and provisioning files: one fixture per rule id
//! (tests/fixtures/lint/), each otherwise clean, dropped into a copy of the pack. Linting the copy
//! must exit 1 with findings of exactly that rule, at the expected file and line (the pack itself
//! lints clean: tests/lint.rs).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

/// The audience folder fixtures are dropped into.
const DEEP_DIVE: &str = "dashboards/deep-dive";
const PROVIDERS: &str = "dashboards/provisioning/dashboards/meshkit.yaml";
const DATASOURCES: &str = "dashboards/provisioning/datasources/meshkit-prometheus.yaml";

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

/// Copies fixture `fixture` to `destination` in a pack copy and checks the findings: all of rule
/// `rule`, one of them at `destination:line`.
fn assert_fixture(rule: &str, fixture: &str, destination: &str, line: u64) {
    let pack = pack_copy();
    std::fs::copy(common::pack_root().join("tests/fixtures/lint").join(fixture), pack.path().join(destination)).unwrap();
    let (code, findings, output) = lint(pack.path());
    assert_eq!(code, Some(1), "{rule}: exit code\n{output}");
    let new: Vec<&String> = findings.iter().collect();
    assert!(!new.is_empty(), "{rule}: no finding\n{output}");
    let others: Vec<&&String> = new.iter().filter(|f| !f.contains(&format!(": {rule}: "))).collect();
    assert!(others.is_empty(), "{rule}: the fixture also trips other rules: {others:#?}");
    let at = format!("{destination}:{line}:");
    assert!(new.iter().any(|f| f.starts_with(&at)), "{rule}: no finding at {at}; new findings: {new:#?}");
}

/// One `#[test]` per rule (a failure names the rule), and the table of every fixture.
macro_rules! fixtures {
    ($($test:ident: $rule:literal, $fixture:literal => $destination:expr, line $line:literal;)*) => {
        $(
            #[test]
            fn $test() {
                assert_fixture($rule, $fixture, &$destination, $line);
            }
        )*
        const FIXTURE_RULES: &[&str] = &[$($rule),*];
    };
}

fn dropped(name: &str) -> String {
    format!("{DEEP_DIVE}/{name}")
}

fixtures! {
    dashboard_json: "dashboard-json", "dashboards/dashboard-json.json" => dropped("dashboard-json.json"), line 8;
    dashboard_uid: "dashboard-uid", "dashboards/dashboard-uid.json" => dropped("dashboard-uid.json"), line 2;
    dashboard_settings: "dashboard-settings", "dashboards/dashboard-settings.json" => dropped("dashboard-settings.json"), line 8;
    panel_id: "panel-id", "dashboards/panel-id.json" => dropped("panel-id.json"), line 129;
    panel_grid: "panel-grid", "dashboards/panel-grid.json" => dropped("panel-grid.json"), line 137;
    panel_datasource: "panel-datasource", "dashboards/panel-datasource.json" => dropped("panel-datasource.json"), line 119;
    panel_title: "panel-title", "dashboards/panel-title.json" => dropped("panel-title.json"), line 131;
    panel_description: "panel-description", "dashboards/panel-description.json" => dropped("panel-description.json"), line 128;
    panel_unit: "panel-unit", "dashboards/panel-unit.json" => dropped("panel-unit.json"), line 144;
    promql_parse: "promql-parse", "dashboards/promql-parse.json" => dropped("promql-parse.json"), line 123;
    metric_unknown: "metric-unknown", "dashboards/metric-unknown.json" => dropped("metric-unknown.json"), line 123;
    label_unknown: "label-unknown", "dashboards/label-unknown.json" => dropped("label-unknown.json"), line 123;
    rate_on_non_counter: "rate-on-non-counter", "dashboards/rate-on-non-counter.json" => dropped("rate-on-non-counter.json"), line 123;
    histogram_quantile: "histogram-quantile", "dashboards/histogram-quantile.json" => dropped("histogram-quantile.json"), line 156;
    group_by_avoid_label: "group-by-avoid-label", "dashboards/group-by-avoid-label.json" => dropped("group-by-avoid-label.json"), line 124;
    variable_undefined: "variable-undefined", "dashboards/variable-undefined.json" => dropped("variable-undefined.json"), line 123;
    variable_query: "variable-query", "dashboards/variable-query.json" => dropped("variable-query.json"), line 48;
    template_datasource_rule: "template-datasource-rule", "dashboards/template-datasource-rule.json" => dropped("template-datasource-rule.json"), line 27;
    template_on_time_change_reload_rule: "template-on-time-change-reload-rule", "dashboards/template-on-time-change-reload-rule.json" => dropped("template-on-time-change-reload-rule.json"), line 78;
    target_rate_interval_rule: "target-rate-interval-rule", "dashboards/target-rate-interval-rule.json" => dropped("target-rate-interval-rule.json"), line 123;
    target_scope_filter: "target-scope-filter", "dashboards/target-scope-filter.json" => dropped("target-scope-filter.json"), line 123;
    dashboard_pack_version: "dashboard-pack-version", "dashboards/dashboard-pack-version.json" => dropped("dashboard-pack-version.json"), line 4;
    panel_link: "panel-link", "dashboards/panel-link.json" => dropped("panel-link.json"), line 130;
    dashboard_not_provisioned: "dashboard-not-provisioned", "dashboards/lint-clean.json" => "dashboards/lint-clean.json", line 1;
    dashboard_provisioned_twice: "dashboard-provisioned-twice", "provisioning/dashboard-provisioned-twice.yaml" => PROVIDERS, line 28;
    provisioning_path: "provisioning-path", "provisioning/provisioning-path.yaml" => PROVIDERS, line 39;
    provisioning_provider: "provisioning-provider", "provisioning/provisioning-provider.yaml" => PROVIDERS, line 25;
    provisioning_datasource: "provisioning-datasource", "provisioning/provisioning-datasource.yaml" => DATASOURCES, line 12;
    provisioning_file: "provisioning-file", "provisioning/provisioning-file.yaml" => DATASOURCES, line 14;
}

/// The fixtures' base: a clean dashboard adds no finding, so each fixture trips only its rule.
#[test]
fn the_fixture_base_is_clean() {
    let pack = pack_copy();
    std::fs::copy(
        common::pack_root().join("tests/fixtures/lint/dashboards/lint-clean.json"),
        pack.path().join(DEEP_DIVE).join("lint-clean.json"),
    )
    .unwrap();
    let (code, findings, output) = lint(pack.path());
    assert!(code == Some(0) && findings.is_empty(), "{findings:#?}\n{output}");
}

/// Rules that compare with git `HEAD`, tested in a repository of their own instead of a fixture.
const GIT_RULES: &[&str] = &["dashboard-version-bump"];

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

/// A new rule id cannot land without a fixture: every id `lint --list` prints has one here or
/// in tests/lint.rs (rule-file rules), or a test of its own (GIT_RULES).
#[test]
fn every_rule_has_a_fixture() {
    let output = common::run_tool(&["lint", "--list"], &[]);
    let listed = String::from_utf8_lossy(&output.stdout).to_string();
    let rule_file_tests = include_str!("lint.rs");
    let missing: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|id| {
            !FIXTURE_RULES.contains(id)
                && !GIT_RULES.contains(id)
                && !rule_file_tests.contains(&format!("\"{id}\""))
                && !rule_file_tests.contains(&format!(": {id}:"))
        })
        .collect();
    assert!(!listed.is_empty() && missing.is_empty(), "rule ids without a fixture: {missing:?}");
}
