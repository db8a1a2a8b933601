//! The rendered Alertmanager configuration in a real Alertmanager (Debian's 0.25) on loopback,
//! delivering to a webhook sink run by the test: pages reach the team pager, warnings the team
//! chat, a silence suppresses delivery, a degraded cluster inhibits the cluster's module
//! warnings but none of the pack's pages (nor does a drain), a drain mutes shard imbalance in its
//! own namespace only, and inside the maintenance window warnings are muted while pages still go
//! out.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Webhook deliveries: (receiver, alertnames) per POST.
type Deliveries = Arc<Mutex<Vec<(String, Vec<String>)>>>;

/// An HTTP sink on a free loopback port that records every webhook POST.
fn webhook_sink() -> (u16, Deliveries) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let deliveries: Deliveries = Arc::default();
    let seen = deliveries.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            if let Ok(payload) = serde_json::from_slice::<serde_json::Value>(&body) {
                let receiver = payload["receiver"].as_str().unwrap_or_default().to_string();
                let names = payload["alerts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a["labels"]["alertname"].as_str().map(str::to_string))
                    .collect();
                seen.lock().unwrap().push((receiver, names));
            }
            let _ = reader.get_mut().write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (port, deliveries)
}

/// A real Alertmanager over `config`, killed when dropped (also when the test fails).
struct Alertmanager {
    url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_alertmanager(config: &str) -> Alertmanager {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alertmanager.yml");
    std::fs::write(&path, config).unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("prometheus-alertmanager")
        .arg(format!("--config.file={}", path.display()))
        .arg(format!("--storage.path={}", dir.path().join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        // An empty cluster address disables HA gossip (it would listen on 0.0.0.0:9094).
        .arg("--cluster.listen-address=")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus-alertmanager is installed (./dev setup)");
    let manager = Alertmanager { url: format!("http://127.0.0.1:{port}"), child, _dir: dir };
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let ready = reqwest::blocking::Client::new().get(format!("{}/-/ready", manager.url)).timeout(Duration::from_secs(1)).send();
        if ready.is_ok_and(|r| r.status().is_success()) {
            return manager;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("Alertmanager did not become ready");
}

/// The pack's configuration rendered by the tool, every webhook pointing at the sink.
fn rendered(sink_port: u16) -> String {
    let template = std::fs::read_to_string(common::pack_root().join("alerts/alertmanager.yml")).unwrap();
    let env: Vec<(String, String)> = meshkit_obs::alerting::alertmanager::placeholders(&template)
        .into_iter()
        .map(|n| (n.clone(), format!("http://127.0.0.1:{sink_port}/{}", n.to_lowercase())))
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let output = common::run_tool(&["alertmanager-config"], &env);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    String::from_utf8(output.stdout).unwrap()
}

fn amtool(manager: &Alertmanager, args: &[&str]) {
    let output = Command::new("amtool").args(args).arg(format!("--alertmanager.url={}", manager.url)).output().unwrap();
    assert!(output.status.success(), "amtool {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn fire(manager: &Alertmanager, alert: &str, severity: &str, team: &str, cluster: &str) {
    fire_in(manager, alert, severity, team, cluster, "payments");
}

fn fire_in(manager: &Alertmanager, alert: &str, severity: &str, team: &str, cluster: &str, namespace: &str) {
    let labels = [format!("severity={severity}"), format!("team={team}"), format!("cluster={cluster}"), format!("namespace={namespace}")];
    let mut args = vec!["alert", "add", alert];
    args.extend(labels.iter().map(String::as_str));
    amtool(manager, &args);
}

fn delivered(deliveries: &Deliveries, alert: &str) -> Vec<String> {
    deliveries.lock().unwrap().iter().filter(|(_, names)| names.iter().any(|n| n == alert)).map(|(receiver, _)| receiver.clone()).collect()
}

/// Waits until `alert` was delivered (or the deadline passes) and returns its receivers.
fn wait_for(deliveries: &Deliveries, alert: &str, within: Duration) -> Vec<String> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        let receivers = delivered(deliveries, alert);
        if !receivers.is_empty() {
            return receivers;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Vec::new()
}

#[test]
fn pages_warnings_silences_inhibition_and_maintenance_in_a_real_alertmanager() {
    let (port, deliveries) = webhook_sink();
    let config = rendered(port);
    let normal = start_alertmanager(&config);
    // The same configuration with the maintenance window widened to all week, all day.
    let always_maintenance = config.replacen(
        "      - weekdays: [saturday]\n        times: [{start_time: \"02:00\", end_time: \"06:00\"}]",
        "      - times: [{start_time: \"00:00\", end_time: \"24:00\"}]",
        1,
    );
    assert_ne!(always_maintenance, config, "the mesh-maintenance window moved; update this test");
    let maintenance = start_alertmanager(&always_maintenance);

    // A silence made before the alert arrives: nothing is delivered for it.
    amtool(
        &normal,
        &["silence", "add", "--comment=planned drain", "--duration=1h", "alertname=MeshKitReplicationStalled", "cluster=prod-eu-west"],
    );
    fire(&normal, "MeshKitReplicationStalled", "critical", "mesh-control-plane", "prod-eu-west");
    // A degraded cluster inhibits the cluster's module warnings.
    fire(&normal, "MeshKitClusterDegraded", "critical", "platform", "prod-us-east");
    fire(&normal, "MeshKitGossipRTTHigh", "warning", "mesh-control-plane", "prod-us-east");
    // Pages and warnings go to the team's pager and chat.
    fire(&normal, "MeshKitLeaderlessScope", "critical", "mesh-control-plane", "prod-eu-west");
    fire(&normal, "MeshKitHTTP3DowngradeHigh", "warning", "transport", "prod-eu-west");
    // In maintenance: warnings muted, pages still delivered.
    fire(&maintenance, "MeshKitGossipRTTHigh", "warning", "mesh-control-plane", "prod-eu-west");
    fire(&maintenance, "MeshKitSplitBrainSuspected", "critical", "mesh-control-plane", "prod-eu-west");

    assert_eq!(wait_for(&deliveries, "MeshKitClusterDegraded", Duration::from_secs(30)), ["platform-pager"]);
    assert_eq!(
        wait_for(&deliveries, "MeshKitSplitBrainSuspected", Duration::from_secs(30)),
        ["control-plane-pager"],
        "pages go out during maintenance"
    );
    // Warnings wait for group_wait (30 s) before their first notification.
    assert_eq!(wait_for(&deliveries, "MeshKitHTTP3DowngradeHigh", Duration::from_secs(50)), ["transport-chat"]);
    let leaderless: Vec<String> = delivered(&deliveries, "MeshKitLeaderlessScope");
    assert_eq!(leaderless, ["control-plane-pager"]);
    assert!(delivered(&deliveries, "MeshKitReplicationStalled").is_empty(), "a silenced alert was delivered");
    assert!(
        delivered(&deliveries, "MeshKitGossipRTTHigh").is_empty(),
        "a warning was delivered inside the maintenance window or from a degraded cluster"
    );
}

#[test]
fn no_page_of_the_pack_is_inhibited_by_a_degraded_cluster_or_a_drain() {
    let (port, deliveries) = webhook_sink();
    let manager = start_alertmanager(&rendered(port));
    // Every inhibitor of the pack fires for prod-us-east/payments ...
    fire(&manager, "MeshKitClusterDegraded", "critical", "platform", "prod-us-east");
    fire(&manager, "MeshKitDrainInProgress", "info", "platform", "prod-us-east");
    // ... and then every critical alert of the pack fires there too.
    let criticals: Vec<(String, String)> = meshkit_obs::pack::rules::load_all(&common::pack_root())
        .unwrap()
        .iter()
        .flat_map(|file| file.rules())
        .filter(|rule| rule.labels.get("severity").is_some_and(|s| s.value == "critical"))
        .map(|rule| (rule.name.value.clone(), rule.labels["team"].value.clone()))
        .collect();
    assert!(criticals.len() >= 4, "the pack's critical alerts: {criticals:?}");
    for (alert, team) in &criticals {
        fire(&manager, alert, "critical", team, "prod-us-east");
    }
    // A drain in payments does not mute shard imbalance in orders.
    fire_in(&manager, "MeshKitDrainInProgress", "info", "platform", "prod-eu-west", "payments");
    fire_in(&manager, "MeshKitShardImbalance", "warning", "mesh-control-plane", "prod-eu-west", "orders");

    for (alert, team) in &criticals {
        assert_eq!(
            wait_for(&deliveries, alert, Duration::from_secs(30)),
            [common::team_receiver(team, "pager")],
            "{alert} must reach its pager"
        );
    }
    assert_eq!(
        wait_for(&deliveries, "MeshKitShardImbalance", Duration::from_secs(50)),
        ["control-plane-chat"],
        "a drain in another namespace muted shard imbalance"
    );
    assert!(delivered(&deliveries, "MeshKitDrainInProgress").is_empty(), "the inhibitor-only alert was delivered");
}
