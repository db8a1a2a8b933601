//! The alert rules under promtool and amtool: the scenario-generated and hand-written unit
//! tests pass, a wrong expectation fails with promtool's exp/got report, every alert of the
//! pack is expected by some scenario incident, and Alertmanager routes every alert where the
//! routing table says.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use meshkit_obs::pack::rules::{self, RuleKind};

fn alerts() -> Vec<rules::Rule> {
    rules::load_all(&common::pack_root())
        .unwrap()
        .iter()
        .flat_map(|f| f.rules().cloned().collect::<Vec<_>>())
        .filter(|r| r.kind == RuleKind::Alert)
        .collect()
}

/// The alerts about the alerting pipeline itself (alerts/meta.rules.yaml): the simulator models
/// the mesh, not the monitoring pipeline, so alerts/tests/meta.test.yaml proves them instead of
/// scenario incidents.
fn pipeline_alerts() -> BTreeSet<String> {
    let meta = rules::load(&common::pack_root().join("alerts/meta.rules.yaml")).unwrap();
    let names: BTreeSet<String> = meta.rules().map(|r| r.name.value.clone()).collect();
    assert!(names.contains("MeshKitWatchdog"), "{names:?}");
    names
}

#[test]
fn every_alert_of_the_pack_is_expected_by_an_incident_of_the_reference_scenario() {
    let scenario = meshkit_obs::pack::scenario::load(&common::pack_root().join("scenarios/reference.yaml"), i64::MAX / 4).unwrap();
    let expected: BTreeSet<String> = scenario.incidents.iter().flat_map(|i| i.expect_alerts.iter().map(|e| e.alert.clone())).collect();
    let pipeline = pipeline_alerts();
    let missing: Vec<String> =
        alerts().into_iter().map(|a| a.name.value).filter(|a| !expected.contains(a) && !pipeline.contains(a)).collect();
    assert!(missing.is_empty(), "alerts no incident proves: {missing:?}");
}

#[test]
fn generated_and_hand_written_rule_tests_pass() {
    let cache = tempfile::tempdir().unwrap();
    let output = common::run_tool(&["test-rules", "--cache-dir", cache.path().to_str().unwrap()], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("ok   ") && stdout.contains("rule-tests/reference.test.yaml"), "{stdout}");
    let hand_written = std::fs::read_dir(common::pack_root().join("alerts/tests")).unwrap().count();
    assert!(hand_written >= 7, "one hand-written test file per rule file");
    assert!(stdout.contains(&format!("{0} of {0} rule test file(s) passed", hand_written + 1)), "{stdout}");
    // The generated test really pins alerts and checks healthy time.
    let generated = std::fs::read_to_string(cache.path().join("rule-tests/reference.test.yaml")).unwrap();
    assert!(
        generated.matches("alertname: ").count() >= 2 * (alerts().len() - pipeline_alerts().len()),
        "each expected alert is checked before and at its first firing"
    );
    assert!(
        generated.contains("count_over_time(ALERTS{alertstate=\"firing\",severity!=\"none\"}"),
        "healthy stretches are checked (the heartbeat aside)"
    );
    assert!(stderr.contains("healthy stretches"), "{stderr}");
}

#[test]
fn a_wrong_expectation_fails_with_promtools_exp_and_got() {
    let output = common::run_tool(&["test-rules", "tests/fixtures/rules/wrong-expectation.test.yaml"], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{}", common::stderr(&output));
    assert!(stdout.contains("FAIL tests/fixtures/rules/wrong-expectation.test.yaml"), "{stdout}");
    assert!(
        stdout.contains("exp:")
            && stdout.contains("got:")
            && stdout.contains("severity=\"critical\"")
            && stdout.contains("severity=\"warning\""),
        "{stdout}"
    );
}

/// Environment with every webhook variable of the Alertmanager template set to a loopback URL.
fn webhook_env() -> Vec<(String, String)> {
    let template = std::fs::read_to_string(common::pack_root().join("alerts/alertmanager.yml")).unwrap();
    meshkit_obs::alerting::alertmanager::placeholders(&template)
        .into_iter()
        .map(|name| {
            let url = format!("http://127.0.0.1:9/{}", name.to_lowercase());
            (name, url)
        })
        .collect()
}

fn rendered_config() -> tempfile::NamedTempFile {
    let out = tempfile::NamedTempFile::new().unwrap();
    let env = webhook_env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let output = common::run_tool(&["alertmanager-config", "--out", out.path().to_str().unwrap()], &env);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let check = Command::new("amtool").arg("check-config").arg(out.path()).output().unwrap();
    assert!(check.status.success(), "amtool check-config: {}", String::from_utf8_lossy(&check.stdout));
    out
}

#[test]
fn alertmanager_config_names_every_unset_webhook_variable() {
    let output = common::run_tool(&["alertmanager-config"], &[("MESHKIT_WEBHOOK_DEFAULT_URL", "http://127.0.0.1:9/x")]);
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("MESHKIT_WEBHOOK_PLATFORM_PAGER_URL") && !stderr.contains("MESHKIT_WEBHOOK_DEFAULT_URL,"), "{stderr}");
}

/// The routing table the configuration must implement.
fn expected_receiver(alert: &str, severity: &str, team: &str, cluster: &str) -> String {
    if alert == "MeshKitWatchdog" {
        return "mesh-heartbeat".into();
    }
    if alert == "MeshKitDrainInProgress" {
        return "blackhole".into();
    }
    if cluster == "staging" {
        return "staging-chat".into();
    }
    match severity {
        "critical" => common::team_receiver(team, "pager"),
        "warning" => common::team_receiver(team, "chat"),
        _ => "mesh-tickets".into(),
    }
}

#[test]
fn every_alert_routes_to_its_teams_receiver_by_severity() {
    let config = rendered_config();
    let mut wrong = Vec::new();
    let alerts = alerts();
    assert!(alerts.len() >= 18);
    for alert in &alerts {
        let severity = &alert.labels["severity"].value;
        let team = &alert.labels["team"].value;
        for cluster in ["prod-eu-west", "staging"] {
            let labels = [
                format!("alertname={}", alert.name.value),
                format!("severity={severity}"),
                format!("team={team}"),
                format!("cluster={cluster}"),
                "namespace=payments".to_string(),
            ];
            let output = Command::new("amtool")
                .args(["config", "routes", "test", "--config.file"])
                .arg(config.path())
                .args(&labels)
                .output()
                .unwrap();
            let got = String::from_utf8_lossy(&output.stdout).trim().to_string();
            let want = expected_receiver(&alert.name.value, severity, team, cluster);
            if got != want {
                wrong.push(format!("{} in {cluster}: routed to {got:?}, expected {want:?}", alert.name.value));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn maintenance_windows_mute_warnings_but_never_pages() {
    let text = std::fs::read_to_string(common::pack_root().join("alerts/alertmanager.yml")).unwrap();
    let config: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let names: Vec<&str> = config["time_intervals"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"mesh-maintenance"), "{names:?}");
    let mut routes = vec![&config["route"]];
    let (mut muted_warning, mut muted_pager) = (0, 0);
    while let Some(route) = routes.pop() {
        if let Some(children) = route["routes"].as_array() {
            routes.extend(children);
        }
        let muted = route["mute_time_intervals"].as_array().is_some_and(|m| m.iter().any(|n| n == "mesh-maintenance"));
        let receiver = route["receiver"].as_str().unwrap_or("");
        if muted && receiver.ends_with("-pager") {
            muted_pager += 1;
        }
        if muted && receiver.ends_with("-chat") {
            muted_warning += 1;
        }
    }
    assert!(muted_warning >= 3 && muted_pager == 0, "warnings muted in maintenance: {muted_warning}, pagers muted: {muted_pager}");
}

#[test]
fn an_exported_window_replays_the_incident_under_promtool() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("degraded.test.yaml");
    let output = common::run_tool(
        &[
            "export-series",
            "--from",
            "2026-11-02T10:10:00Z",
            "--to",
            "2026-11-02T10:50:00Z",
            "--match",
            r#"up{cluster="staging"}"#,
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let exported = std::fs::read_to_string(&out).unwrap();
    assert_eq!(exported.matches("- series: 'up{").count(), 2, "only staging's two targets:\n{exported}");
    // cluster_degraded takes stg-orders-0 down from 10:20 to 10:40: test time 10m .. 30m.
    let rules = common::pack_root().join("alerts/cluster.rules.yaml");
    let test = exported.replace("rule_files: []", &format!("rule_files: [{}]", rules.display()))
        + "    alert_rule_test:\n      - eval_time: 25m\n        alertname: MeshKitTargetDown\n        exp_alerts:\n          - exp_labels: {severity: warning, team: platform, job: omnirelay, instance: \"stg-orders-0:8080\", cluster: staging, namespace: orders, node: stg-orders-0}\n            exp_annotations:\n              summary: A mesh node cannot be scraped.\n              description: \"Prometheus has failed to scrape stg-orders-0:8080 (node stg-orders-0, namespace orders, cluster staging) for 5 minutes.\"\n              runbook_url: https://github.com/omnirelay/meshkit-observability/blob/main/docs/runbooks/MeshKitTargetDown.md\n              dashboard_url: http://localhost:3000/d/meshkit-fleet-overview?var-cluster=staging\n      - eval_time: 5m\n        alertname: MeshKitTargetDown\n        exp_alerts: []\n";
    std::fs::write(&out, test).unwrap();
    let promtool = Command::new("promtool").args(["test", "rules"]).arg(&out).output().unwrap();
    assert!(promtool.status.success(), "{}", String::from_utf8_lossy(&promtool.stdout));
}

#[test]
fn observe_proposes_what_the_first_incidents_declare() {
    // The reference cut down to its first two hours (leader flap, leaderless scope).
    let reference = common::reference_text();
    let cut = reference.find("  - kind: split_brain").expect("the reference has a split_brain incident");
    let text = reference[..cut].replace("  end: 2026-11-02T12:00:00Z", "  end: 2026-11-02T02:00:00Z");
    let path = common::scenario_file(&text);
    let output = common::run_tool(&["test-rules", "--observe", "--scenario", path.to_str().unwrap()], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{}", common::stderr(&output));
    let scenario = meshkit_obs::pack::scenario::load(&path, i64::MAX / 4).unwrap();
    for (index, incident) in scenario.incidents.iter().enumerate() {
        let section = stdout.split(&format!("# incidents[{index}]")).nth(1).unwrap().split("# incidents[").next().unwrap();
        for expected in &incident.expect_alerts {
            let minutes = expected.fires_after / 60;
            let entry = format!("- alert: {}", expected.alert);
            assert!(section.contains(&entry), "incidents[{index}] should propose {}:\n{section}", expected.alert);
            assert!(
                section.contains(&format!("fires_after: {minutes}m")),
                "incidents[{index}]: {} first fires {minutes}m in:\n{section}",
                expected.alert
            );
            assert!(
                section.contains(&serde_json::to_string(&expected.description).unwrap()),
                "description of {}:\n{section}",
                expected.alert
            );
        }
    }
}

#[test]
fn exported_rules_carry_the_deployments_links() {
    let out = tempfile::tempdir().unwrap();
    let output = common::run_tool(
        &[
            "export-rules",
            "--runbook-base-url",
            "https://git.example.com/runbooks",
            "--grafana-url",
            "https://grafana.example.com/",
            "--scrape-job",
            "mesh-nodes",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let exported = std::fs::read_to_string(out.path().join("cluster.rules.yaml")).unwrap();
    assert!(exported.contains("runbook_url: https://git.example.com/runbooks/MeshKitTargetDown.md"), "{exported}");
    assert!(
        exported.contains("dashboard_url: https://grafana.example.com/d/meshkit-fleet-overview?var-cluster={{ $labels.cluster }}"),
        "{exported}"
    );
    assert!(!exported.contains(meshkit_obs::pack::links::DEFAULT_RUNBOOK_BASE));
    let operations = std::fs::read_to_string(out.path().join("operations.rules.yaml")).unwrap();
    assert!(operations.contains(r#"count by (cluster) (up{job="mesh-nodes"})"#), "{operations}");
    assert!(!operations.contains(r#"job="omnirelay""#), "every job selector follows --scrape-job");

    let output = common::run_tool(
        &[
            "export-rules",
            "--runbook-base-url",
            "https://a/",
            "--grafana-url",
            "https://b/",
            "--scrape-job",
            "x\"y",
            "--out",
            "/nonexistent",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2), "{}", common::stderr(&output));
    assert!(common::stderr(&output).contains("--scrape-job `x\"y`: not a plain job name"), "{}", common::stderr(&output));
}
