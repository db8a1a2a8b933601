//! Shared test fixtures: the built binary, a seeded real Prometheus started once per test
//! binary, and PromQL helpers.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_meshkit-obs");

pub fn pack_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the tool from the pack root with the given arguments.
pub fn run_tool(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command.current_dir(pack_root()).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("running meshkit-obs")
}

/// A `meshkit-obs serve` child for the whole test binary. The kernel kills it when the test
/// process exits (PR_SET_PDEATHSIG), and it takes its Prometheus child with it.
pub struct Served {
    /// Prometheus' URL.
    pub url: String,
    /// The viewer server's URL (ends with `/`).
    pub viewer: String,
    _child: Child,
}

static SERVED: OnceLock<Served> = OnceLock::new();
static SERVED_FIXTURES: OnceLock<Served> = OnceLock::new();

/// `serve` on the reference scenario with the pack's defaults.
pub fn served() -> &'static Served {
    SERVED.get_or_init(|| start_serve(&[]))
}

/// `serve` with the fixture viewer folder and fixture dashboards of `tests/fixtures`.
pub fn served_fixtures() -> &'static Served {
    SERVED_FIXTURES.get_or_init(|| start_serve(&["--viewer", "tests/fixtures/viewer-static", "--dashboards", "tests/fixtures/dashboards"]))
}

fn start_serve(extra: &'static [&'static str]) -> Served {
    // PR_SET_PDEATHSIG fires when the *thread* that forked exits, so the child is forked
    // from a thread that lives as long as the test process.
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (url, viewer, child, mut rest) = spawn_serve(extra);
        sender.send((url, viewer, child)).unwrap();
        // Keep reading so serve never writes into a closed pipe.
        let mut sink = String::new();
        while rest.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
        loop {
            std::thread::park();
        }
    });
    let (url, viewer, child) = receiver.recv().expect("serve thread");
    Served { url, viewer, _child: child }
}

fn spawn_serve(extra: &[&str]) -> (String, String, Child, BufReader<std::process::ChildStdout>) {
    let cache = pack_root().join("target").join("test-seed-cache");
    let mut command = Command::new(BIN);
    command.current_dir(pack_root()).args(["serve", "--cache-dir"]).arg(&cache).args(extra).stdout(Stdio::piped()).stderr(Stdio::inherit());
    // SAFETY: prctl only.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = command.spawn().expect("starting meshkit-obs serve");
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let url = serve_url(&mut reader).expect("serve printed no prometheus= line (see its stderr above)");
    let viewer = read_until_prefix(&mut reader, "viewer=").expect("serve printed no viewer= line");
    (url, viewer, child, reader)
}

/// Reads lines until one starts with `prefix`; returns the rest of that line.
pub fn read_until_prefix(reader: &mut impl BufRead, prefix: &str) -> Option<String> {
    let mut line = String::new();
    while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
        if let Some(rest) = line.trim_end().strip_prefix(prefix) {
            return Some(rest.to_string());
        }
        line.clear();
    }
    None
}

/// The URL from serve's `prometheus=` line.
pub fn serve_url(reader: &mut impl BufRead) -> Option<String> {
    read_until_prefix(reader, "prometheus=")
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).no_proxy().build().unwrap()
}

/// One series of a range query: its labels and (unix seconds, value) points.
#[derive(Debug, Clone)]
pub struct RangeSeries {
    pub labels: serde_json::Map<String, serde_json::Value>,
    pub points: Vec<(i64, f64)>,
}

impl RangeSeries {
    pub fn label(&self, name: &str) -> &str {
        self.labels.get(name).and_then(|v| v.as_str()).unwrap_or("")
    }
}

/// A range query over the reference window at the given step.
pub fn query_range(query: &str, start: i64, end: i64, step: i64) -> Vec<RangeSeries> {
    let url = format!("{}/api/v1/query_range", served().url);
    let response: serde_json::Value = client()
        .get(url)
        .query(&[("query", query), ("start", &start.to_string()), ("end", &end.to_string()), ("step", &step.to_string())])
        .send()
        .and_then(|r| r.json())
        .unwrap_or_else(|e| panic!("query {query}: {e}"));
    assert_eq!(response["status"], "success", "query {query}: {response}");
    response["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|series| RangeSeries {
            labels: series["metric"].as_object().unwrap().clone(),
            points: series["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_f64().unwrap() as i64, p[1].as_str().unwrap().parse::<f64>().unwrap()))
                .collect(),
        })
        .collect()
}

pub fn get_json(path: &str, params: &[(&str, &str)]) -> serde_json::Value {
    let url = format!("{}{path}", served().url);
    let response: serde_json::Value = client().get(url).query(params).send().and_then(|r| r.json()).unwrap();
    assert_eq!(response["status"], "success", "{path}: {response}");
    response["data"].clone()
}

/// Writes a scenario file into a fresh temp dir and returns its path (the dir lives on).
pub fn scenario_file(text: &str) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let path = dir.join("scenario.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

pub fn reference_text() -> String {
    std::fs::read_to_string(pack_root().join("scenarios/reference.yaml")).unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}

/// The JSON file of dashboard `uid` anywhere below `<pack>/dashboards/` (audience folders).
pub fn dashboard_file(pack: &Path, uid: &str) -> PathBuf {
    let name = format!("{uid}.json");
    let found = meshkit_obs::fsutil::files_below(&pack.join("dashboards"), |file| file == name);
    found.into_iter().next().unwrap_or_else(|| panic!("no dashboards/**/{name} in {}", pack.display()))
}

/// The reference scenario, loaded as the seed loads it.
pub fn reference() -> meshkit_obs::pack::scenario::Scenario {
    meshkit_obs::pack::scenario::load(&pack_root().join("scenarios/reference.yaml"), i64::MAX / 4).expect("reference scenario loads")
}

/// The series labels naming what an incident targets (cluster, namespace, node, scope, shard).
pub fn incident_labels(
    scenario: &meshkit_obs::pack::scenario::Scenario,
    incident: &meshkit_obs::pack::scenario::Incident,
) -> std::collections::BTreeMap<&'static str, String> {
    let mut names = std::collections::BTreeMap::new();
    names.insert("cluster", scenario.clusters[incident.cluster].name.clone());
    if let Some(ns) = incident.namespace {
        names.insert("namespace", scenario.namespaces[ns].name.clone());
    }
    if let Some(node) = incident.node {
        names.insert("node", scenario.nodes[node].id.clone());
        let namespace = scenario.nodes[node].namespace;
        names.entry("namespace").or_insert_with(|| scenario.namespaces[namespace].name.clone());
    }
    if let Some(scope) = &incident.scope {
        names.insert("mesh_scope", scenario.scope_id(scope));
    }
    if let Some(shard) = incident.shard {
        names.insert("shard_id", shard.to_string());
    }
    names
}

/// The pack folders `lint` reads (recursively or not); `alerts/` without its rule-test subfolder.
const LINTED: &[(&str, bool)] = &[("metrics", false), ("alerts", false), ("docs/runbooks", false), ("dashboards", true)];

/// A throwaway copy of what `meshkit-obs lint` reads (catalogue, rule files, runbooks, dashboards
/// and provisioning): lint fixtures mutate the copy, never the pack.
pub fn lint_pack_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (sub, recursive) in LINTED {
        copy_folder(&pack_root().join(sub), &dir.path().join(sub), *recursive);
    }
    dir
}

/// Copies the files of `from` into `to` (created), and its subfolders when `recursive`.
pub fn copy_folder(from: &Path, to: &Path, recursive: bool) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_file() {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        } else if recursive && path.is_dir() {
            copy_folder(&path, &to.join(entry.file_name()), true);
        }
    }
}

/// The receiver of a team's `kind` (`pager` for critical alerts, `chat` for warnings) in
/// alerts/alertmanager.yml: `mesh-control-plane` → `control-plane-pager`.
pub fn team_receiver(team: &str, kind: &str) -> String {
    format!("{}-{kind}", team.strip_prefix("mesh-").unwrap_or(team))
}
