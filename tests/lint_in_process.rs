//! Lint's checks called in process on the pack read once: one fixture per dashboard and
//! provisioning rule (tests/fixtures/lint/), each otherwise clean, and one mutation of the pack's
//! rule files per rule-file rule. A fixture must give findings of exactly its rule, at the
//! expected file and line. No process, no pack copy, no promtool, no git: the tests that need
//! those (the binary's exit codes and output, `promtool-check-rules`, `dashboard-version-bump`,
//! `runbook-orphan`) are in tests/lint.rs and tests/lint_dashboards.rs.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use meshkit_obs::lint::{self, Finding, Inputs, RuleId};
use meshkit_obs::pack::dashboards::DashboardFile;
use meshkit_obs::pack::{provisioning, rules};

/// The audience folder dashboard fixtures are placed in.
const DEEP_DIVE: &str = "dashboards/deep-dive";
const PROVIDERS: &str = "dashboards/provisioning/dashboards/meshkit.yaml";
const DATASOURCES: &str = "dashboards/provisioning/datasources/meshkit-prometheus.yaml";
const FIXTURES: &str = "tests/fixtures/lint";

/// The pack as lint reads it, shared by every test of this binary.
fn pack() -> &'static Inputs {
    static PACK: OnceLock<Inputs> = OnceLock::new();
    PACK.get_or_init(|| Inputs::read(&common::pack_root()).expect("the pack reads"))
}

/// A finding as `path:line:col: rule: message`, the path relative to `root` (the fix is
/// dropped: it may list the pack's dashboards).
fn shown(finding: &Finding, root: &Path) -> String {
    let text = finding.to_string().replace(&format!("{}/", root.display()), "");
    text.split("; fix: ").next().unwrap().to_string()
}

/// The dashboard files of the pack below `root` (the pack's own, or a skeleton linking to them).
fn dashboards_below(root: &Path) -> Vec<DashboardFile> {
    meshkit_obs::fsutil::files_below(&root.join("dashboards"), |name| name.ends_with(".json"))
        .iter()
        .map(|path| DashboardFile::read(path).unwrap())
        .collect()
}

/// The findings of dashboard fixture `fixture` placed at `destination`: the dashboard checks on
/// it, and the provisioning checks on the pack's dashboards with it.
fn dashboard_fixture(fixture: &str, destination: &str) -> Vec<String> {
    let root = common::pack_root();
    let bytes = std::fs::read(root.join(FIXTURES).join(fixture)).unwrap();
    let file = DashboardFile::from_bytes(&root.join(destination), &bytes);
    let mut findings = lint::dashboards::check(&pack().context, std::slice::from_ref(&file));
    let mut dashboards = dashboards_below(&root);
    dashboards.push(file);
    findings.extend(lint::provisioning::findings(&root, &pack().provisioning, &dashboards));
    findings.iter().map(|f| shown(f, &root)).collect()
}

/// The findings of provisioning fixture `fixture` replacing `destination`.
fn provisioning_fixture(fixture: &str, destination: &str) -> Vec<String> {
    provisioning_with(&common::pack_root().join(FIXTURES).join(fixture), destination)
}

/// The provisioning findings of a skeleton pack: the pack's provisioning files with `source`
/// in place of `destination`, and its audience folders linked, not copied.
fn provisioning_with(source: &Path, destination: &str) -> Vec<String> {
    let root = common::pack_root();
    let skeleton = tempfile::tempdir().unwrap();
    for dir in ["dashboards/provisioning/dashboards", "dashboards/provisioning/datasources"] {
        common::copy_folder(&root.join(dir), &skeleton.path().join(dir), false);
    }
    for audience in ["operators", "deep-dive"] {
        std::os::unix::fs::symlink(root.join("dashboards").join(audience), skeleton.path().join("dashboards").join(audience)).unwrap();
    }
    std::fs::copy(source, skeleton.path().join(destination)).unwrap();
    let provisioning = provisioning::load(skeleton.path());
    let findings = lint::provisioning::findings(skeleton.path(), &provisioning, &dashboards_below(skeleton.path()));
    findings.iter().map(|f| shown(f, skeleton.path())).collect()
}

/// All of `findings` are of `rule`, and one is at `destination:line`.
fn assert_only(rule: RuleId, findings: &[String], destination: &str, line: u64) {
    assert!(!findings.is_empty(), "{rule}: no finding");
    let others: Vec<&String> = findings.iter().filter(|f| !f.contains(&format!(": {rule}: "))).collect();
    assert!(others.is_empty(), "{rule}: the fixture also trips other rules: {others:#?}");
    let at = format!("{destination}:{line}:");
    assert!(findings.iter().any(|f| f.starts_with(&at)), "{rule}: no finding at {at}; findings: {findings:#?}");
}

/// One `#[test]` per rule (a failure names the rule), and the table of every fixture's rule.
macro_rules! fixtures {
    ($($test:ident: $rule:ident, $kind:ident $fixture:literal => $destination:expr, line $line:literal;)*) => {
        $(
            #[test]
            fn $test() {
                let destination: String = $destination.into();
                assert_only(RuleId::$rule, &$kind($fixture, &destination), &destination, $line);
            }
        )*
        const FIXTURE_RULES: &[RuleId] = &[$(RuleId::$rule),*];
    };
}

fn dropped(name: &str) -> String {
    format!("{DEEP_DIVE}/{name}")
}

fixtures! {
    dashboard_json: DashboardJson, dashboard_fixture "dashboards/dashboard-json.json" => dropped("dashboard-json.json"), line 8;
    dashboard_uid: DashboardUid, dashboard_fixture "dashboards/dashboard-uid.json" => dropped("dashboard-uid.json"), line 2;
    dashboard_settings: DashboardSettings, dashboard_fixture "dashboards/dashboard-settings.json" => dropped("dashboard-settings.json"), line 8;
    panel_id: PanelId, dashboard_fixture "dashboards/panel-id.json" => dropped("panel-id.json"), line 129;
    panel_grid: PanelGrid, dashboard_fixture "dashboards/panel-grid.json" => dropped("panel-grid.json"), line 137;
    panel_datasource: PanelDatasource, dashboard_fixture "dashboards/panel-datasource.json" => dropped("panel-datasource.json"), line 119;
    panel_title: PanelTitle, dashboard_fixture "dashboards/panel-title.json" => dropped("panel-title.json"), line 131;
    panel_description: PanelDescription, dashboard_fixture "dashboards/panel-description.json" => dropped("panel-description.json"), line 128;
    panel_unit: PanelUnit, dashboard_fixture "dashboards/panel-unit.json" => dropped("panel-unit.json"), line 144;
    promql_parse: PromqlParse, dashboard_fixture "dashboards/promql-parse.json" => dropped("promql-parse.json"), line 123;
    metric_unknown: MetricUnknown, dashboard_fixture "dashboards/metric-unknown.json" => dropped("metric-unknown.json"), line 123;
    label_unknown: LabelUnknown, dashboard_fixture "dashboards/label-unknown.json" => dropped("label-unknown.json"), line 123;
    rate_on_non_counter: RateOnNonCounter, dashboard_fixture "dashboards/rate-on-non-counter.json" => dropped("rate-on-non-counter.json"), line 123;
    histogram_quantile: HistogramQuantile, dashboard_fixture "dashboards/histogram-quantile.json" => dropped("histogram-quantile.json"), line 156;
    group_by_avoid_label: GroupByAvoidLabel, dashboard_fixture "dashboards/group-by-avoid-label.json" => dropped("group-by-avoid-label.json"), line 124;
    variable_undefined: VariableUndefined, dashboard_fixture "dashboards/variable-undefined.json" => dropped("variable-undefined.json"), line 123;
    variable_query: VariableQuery, dashboard_fixture "dashboards/variable-query.json" => dropped("variable-query.json"), line 48;
    template_datasource_rule: TemplateDatasourceRule, dashboard_fixture "dashboards/template-datasource-rule.json" => dropped("template-datasource-rule.json"), line 27;
    template_on_time_change_reload_rule: TemplateOnTimeChangeReloadRule, dashboard_fixture "dashboards/template-on-time-change-reload-rule.json" => dropped("template-on-time-change-reload-rule.json"), line 78;
    target_rate_interval_rule: TargetRateIntervalRule, dashboard_fixture "dashboards/target-rate-interval-rule.json" => dropped("target-rate-interval-rule.json"), line 123;
    target_scope_filter: TargetScopeFilter, dashboard_fixture "dashboards/target-scope-filter.json" => dropped("target-scope-filter.json"), line 123;
    dashboard_pack_version: DashboardPackVersion, dashboard_fixture "dashboards/dashboard-pack-version.json" => dropped("dashboard-pack-version.json"), line 4;
    panel_link: PanelLink, dashboard_fixture "dashboards/panel-link.json" => dropped("panel-link.json"), line 130;
    dashboard_not_provisioned: DashboardNotProvisioned, dashboard_fixture "dashboards/lint-clean.json" => "dashboards/lint-clean.json", line 1;
    dashboard_provisioned_twice: DashboardProvisionedTwice, provisioning_fixture "provisioning/dashboard-provisioned-twice.yaml" => PROVIDERS, line 28;
    provisioning_path: ProvisioningPath, provisioning_fixture "provisioning/provisioning-path.yaml" => PROVIDERS, line 39;
    provisioning_provider: ProvisioningProvider, provisioning_fixture "provisioning/provisioning-provider.yaml" => PROVIDERS, line 25;
    provisioning_datasource: ProvisioningDatasource, provisioning_fixture "provisioning/provisioning-datasource.yaml" => DATASOURCES, line 12;
    provisioning_file: ProvisioningFile, provisioning_fixture "provisioning/provisioning-file.yaml" => DATASOURCES, line 14;
}

/// The fixtures' base: a clean dashboard adds no finding, so each fixture trips only its rule.
#[test]
fn the_fixture_base_is_clean() {
    let findings = dashboard_fixture("dashboards/lint-clean.json", &dropped("lint-clean.json"));
    assert!(findings.is_empty(), "{findings:#?}");
    let provisioning = provisioning_with(&common::pack_root().join(PROVIDERS), PROVIDERS);
    assert!(provisioning.is_empty(), "the skeleton of the provisioning fixtures is clean: {provisioning:#?}");
}

/// Grafana's HTTP API exports a dashboard wrapped as `{"meta": ..., "dashboard": {...}}`: lint
/// reads the model inside, finds nothing a plain copy would not, and locates findings in the
/// wrapped file with pointers through the wrapper.
#[test]
fn a_wrapped_export_lints_like_its_model() {
    let wrap = |text: &str| format!("{{\"meta\": {{\"slug\": \"wrapped\"}},\n\"dashboard\": {text}}}\n");
    let clean = std::fs::read_to_string(common::pack_root().join(FIXTURES).join("dashboards/lint-clean.json")).unwrap();
    let wrapped = DashboardFile::from_bytes(&common::pack_root().join(dropped("lint-clean.json")), wrap(&clean).as_bytes());
    let findings = lint::dashboards::check(&pack().context, std::slice::from_ref(&wrapped));
    assert!(findings.is_empty(), "{findings:#?}");

    let broken = std::fs::read_to_string(common::pack_root().join(FIXTURES).join("dashboards/panel-description.json")).unwrap();
    let destination = dropped("panel-description.json");
    let wrapped = DashboardFile::from_bytes(&common::pack_root().join(&destination), wrap(&broken).as_bytes());
    let findings: Vec<String> =
        lint::dashboards::check(&pack().context, std::slice::from_ref(&wrapped)).iter().map(|f| shown(f, &common::pack_root())).collect();
    assert_only(RuleId::PanelDescription, &findings, &destination, 128 + 1);
    assert!(findings.iter().all(|f| f.contains(": panel-description: /dashboard/panels/")), "{findings:#?}");
}

/// Replaces `from` with `to` in rule file `file`, checks the pack's rules with it, and expects a
/// finding of `rule` in that file near the line `to` landed on.
fn assert_rule_finding(rule: RuleId, file: &str, from: &str, to: &str) {
    let root = common::pack_root();
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} no longer contains {from:?}; update the fixture of {rule}");
    let mutated = text.replacen(from, to, 1);
    let line = mutated[..mutated.find(to).unwrap()].lines().count().max(1);
    let findings: Vec<Finding> = match rules::parse(&path, &mutated) {
        Err(diagnostic) => vec![Finding::new(RuleId::RuleFile, diagnostic)],
        Ok(changed) => {
            let files: Vec<_> = pack().rule_files.iter().map(|f| if f.path == path { changed.clone() } else { f.clone() }).collect();
            lint::rules::check(&pack().context, &files, true)
        }
    };
    let ours: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule && f.diagnostic.location.file == path).collect();
    assert!(!ours.is_empty(), "{rule}: no finding in {file}: {findings:#?}");
    assert!(ours.iter().all(|f| f.diagnostic.fix.is_some()), "{rule}: every finding says the fix");
    let near = ours.iter().any(|f| f.diagnostic.location.line.abs_diff(line as u64) <= 12);
    assert!(near, "{rule}: the finding should point near line {line}: {ours:#?}");
}

const CLUSTER: &str = "alerts/cluster.rules.yaml";

/// The rule-file rules and their tests here (a failure names the rule).
const RULE_FILE_RULES: &[RuleId] = &[
    RuleId::RuleFile,
    RuleId::PromqlParse,
    RuleId::AlertName,
    RuleId::AlertSeverity,
    RuleId::AlertTeam,
    RuleId::AlertSummary,
    RuleId::AlertDescription,
    RuleId::AlertRunbookUrl,
    RuleId::AlertDashboardUrl,
    RuleId::MetricUnknown,
    RuleId::GroupByAvoidLabel,
    RuleId::RecordName,
    RuleId::RecordReadsRecord,
];

#[test]
fn unreadable_rule_file() {
    assert_rule_finding(RuleId::RuleFile, CLUSTER, "  - name: meshkit-cluster.alerts\n", "  - name: [meshkit-cluster.alerts\n");
}

#[test]
fn promql_that_does_not_parse() {
    assert_rule_finding(RuleId::PromqlParse, CLUSTER, "expr: up{job=\"omnirelay\"} == 0", "expr: sum(up{job=\"omnirelay\"} == 0");
}

#[test]
fn alert_name_without_the_prefix() {
    assert_rule_finding(RuleId::AlertName, CLUSTER, "alert: MeshKitTargetDown", "alert: targetDown");
}

#[test]
fn alert_severity_outside_the_set() {
    assert_rule_finding(RuleId::AlertSeverity, CLUSTER, "severity: critical", "severity: page");
}

#[test]
fn alert_without_team() {
    assert_rule_finding(
        RuleId::AlertTeam,
        "alerts/gossip.rules.yaml",
        "        labels:\n          severity: warning\n          team: mesh-control-plane\n",
        "        labels:\n          severity: warning\n",
    );
}

#[test]
fn templated_summary() {
    assert_rule_finding(
        RuleId::AlertSummary,
        CLUSTER,
        "summary: A mesh cluster is degraded.",
        "summary: Cluster {{ $labels.cluster }} is degraded.",
    );
}

#[test]
fn static_description() {
    assert_rule_finding(RuleId::AlertDescription, "alerts/shards.rules.yaml", "description: >-\n            In namespace {{ $labels.namespace }} of cluster {{ $labels.cluster }} the busiest\n            owner holds {{ $value | humanize }}x the mean shard count (line 1.25x).", "description: A shard owner is overloaded.");
}

#[test]
fn runbook_url_to_a_missing_runbook() {
    assert_rule_finding(RuleId::AlertRunbookUrl, CLUSTER, "docs/runbooks/MeshKitTargetDown.md", "docs/runbooks/MeshKitTargetGone.md");
}

const TARGET_DOWN_DASHBOARD: &str = "/d/meshkit-fleet-overview?var-cluster={{ $labels.cluster }}\n\n      - alert: MeshKitTargetDown";

#[test]
fn dashboard_url_to_an_unknown_dashboard() {
    let to = TARGET_DOWN_DASHBOARD.replace("meshkit-fleet-overview", "meshkit-fleet");
    assert_rule_finding(RuleId::AlertDashboardUrl, CLUSTER, TARGET_DOWN_DASHBOARD, &to);
}

/// The dashboards an alert may open are the ones the pack provisions, not a list kept by hand:
/// every provisioned uid (`meshkit-namespace` was missing from the old list) is accepted.
#[test]
fn dashboard_urls_may_open_every_provisioned_dashboard() {
    let uids = &pack().context.dashboard_uids;
    assert!(uids.contains("meshkit-namespace") && uids.len() == pack().dashboards.len(), "{uids:?}");
    let path = common::pack_root().join(CLUSTER);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(TARGET_DOWN_DASHBOARD), "{CLUSTER} changed; update this test");
    for uid in uids {
        let changed =
            rules::parse(&path, &text.replacen(TARGET_DOWN_DASHBOARD, &TARGET_DOWN_DASHBOARD.replace("meshkit-fleet-overview", uid), 1));
        let files: Vec<_> = pack().rule_files.iter().map(|f| if f.path == path { changed.clone().unwrap() } else { f.clone() }).collect();
        let findings = lint::rules::check(&pack().context, &files, true);
        assert!(findings.is_empty(), "an alert opening {uid}: {findings:#?}");
    }
}

#[test]
fn metric_not_in_the_catalogue() {
    assert_rule_finding(
        RuleId::MetricUnknown,
        "alerts/gossip.rules.yaml",
        "rate(mesh_gossip_rtt_ms_milliseconds_bucket[5m])",
        "rate(mesh_gossip_rtt_ms_bucket[5m])",
    );
}

#[test]
fn grouping_by_an_avoid_class_label() {
    assert_rule_finding(
        RuleId::GroupByAvoidLabel,
        "alerts/gossip.rules.yaml",
        "sum by (cluster, namespace, le) (rate(mesh_gossip_rtt_ms_milliseconds_bucket[5m]))",
        "sum by (cluster, namespace, mesh_peer, le) (rate(mesh_gossip_rtt_ms_milliseconds_bucket[5m]))",
    );
}

#[test]
fn recording_rule_name_without_levels() {
    assert_rule_finding(RuleId::RecordName, "alerts/operations.rules.yaml", "record: cluster:mesh_nodes:count", "record: mesh_nodes_count");
}

#[test]
fn recording_rule_reading_a_recording_rule() {
    assert_rule_finding(
        RuleId::RecordReadsRecord,
        "alerts/operations.rules.yaml",
        "expr: floor(count by (cluster) (up{job=\"omnirelay\"}) / 2) + 1",
        "expr: floor(cluster:mesh_nodes:count / 2) + 1",
    );
}

/// The rules tested end to end because they run a tool or read what a fixture cannot give in
/// process, with the file holding their test.
const END_TO_END_RULES: &[(RuleId, &str)] = &[
    (RuleId::PromtoolCheckRules, include_str!("lint.rs")),
    (RuleId::RunbookOrphan, include_str!("lint.rs")),
    (RuleId::RunbookSections, include_str!("lint.rs")),
    (RuleId::DashboardVersionBump, include_str!("lint_dashboards.rs")),
];

/// A new rule id cannot land without a test: every rule has a fixture here, or an end-to-end
/// test that names it (as an argument or in the finding it expects).
#[test]
fn every_rule_has_a_fixture() {
    let missing: Vec<String> = RuleId::ALL
        .iter()
        .filter(|rule| {
            !FIXTURE_RULES.contains(rule)
                && !RULE_FILE_RULES.contains(rule)
                && !END_TO_END_RULES
                    .iter()
                    .any(|(r, test)| r == *rule && (test.contains(&format!("\"{rule}\"")) || test.contains(&format!(": {rule}: "))))
        })
        .map(RuleId::to_string)
        .collect();
    assert!(missing.is_empty(), "rule ids without a fixture: {missing:?}");
}

/// The pack itself: every pure check finds nothing (the whole of `lint`, promtool and git
/// included, runs in tests/lint.rs).
#[test]
fn the_pack_passes_the_pure_checks() {
    let findings: Vec<String> = pack().check().iter().map(|f| shown(f, &common::pack_root())).collect();
    assert!(findings.is_empty(), "{findings:#?}");
}
