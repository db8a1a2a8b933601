//! The viewer's browser test: the real viewer (`viewer/dist`, built by `./dev setup`) served by
//! `meshkit-obs serve` against the real seeded Prometheus, driven in real Chromium by
//! `viewer/scripts/check.mjs`. The test dashboard `tests/fixtures/dashboards/viewer-all-panels.json`
//! uses every supported panel type plus one unsupported panel (piechart, id 30) and one broken
//! query (id 31).
//!
//! Asserted: every page load reaches `body[data-ready=true]` within 60 s; the problems are exactly
//! one `unsupported` naming panel 30 and one `query-error` naming panel 31 (and the same on every
//! load); every other non-row panel has drawn content inside its box beyond the panel chrome;
//! 10 consecutive full-page screenshots (each from a fresh page load) are byte-identical.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_meshkit-obs");
const DASHBOARD_UID: &str = "viewer-all-panels";
const FROM: &str = "2026-11-02T06:00:00Z";
const TO: &str = "2026-11-02T08:00:00Z";
const RUNS: usize = 10;
const READY_DEADLINE_MS: u64 = 60_000;
/// Whole script (Chromium start + 10 loads); past it the script is killed and the test fails.
const SCRIPT_DEADLINE: Duration = Duration::from_secs(600);

fn pack_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `meshkit-obs serve` with the real viewer and the fixture dashboards, killed on drop and, through
/// PR_SET_PDEATHSIG, when the forking thread dies (that thread lives as long as the test process).
struct Serve {
    viewer: String,
    pid: i32,
}

impl Drop for Serve {
    fn drop(&mut self) {
        // serve takes its Prometheus child with it on SIGTERM; SIGKILL after a grace period.
        unsafe {
            libc::kill(self.pid, libc::SIGTERM);
        }
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(5) {
            if unsafe { libc::kill(self.pid, 0) } != 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        unsafe {
            libc::kill(self.pid, libc::SIGKILL);
        }
    }
}

fn start_serve() -> Serve {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let cache = pack_root().join("target").join("test-seed-cache");
        let mut command = Command::new(BIN);
        command
            .current_dir(pack_root())
            .args(["serve", "--cache-dir"])
            .arg(&cache)
            .args(["--dashboards", "tests/fixtures/dashboards"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // SAFETY: prctl only.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child: Child = command.spawn().expect("starting meshkit-obs serve");
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut viewer = None;
        let mut line = String::new();
        while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            if let Some(rest) = line.trim_end().strip_prefix("viewer=") {
                viewer = Some(rest.to_string());
                break;
            }
            line.clear();
        }
        sender.send((viewer, child.id() as i32)).unwrap();
        // Keep reading so serve never writes into a closed pipe, then reap it.
        line.clear();
        while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            line.clear();
        }
        let _ = child.wait();
        loop {
            std::thread::park();
        }
    });
    let (viewer, pid) = receiver.recv().expect("serve thread");
    let serve = Serve { viewer: viewer.unwrap_or_default(), pid };
    assert!(!serve.viewer.is_empty(), "serve printed no viewer= line (see its stderr above)");
    serve
}

/// Runs `node --experimental-websocket viewer/scripts/check.mjs <url> …` (in its own process
/// group, killed on timeout; the script kills Chromium's process group on every exit path) and
/// returns its JSON report.
fn run_check(url: &str) -> serde_json::Value {
    let node = std::env::var("NODE").unwrap_or_else(|_| "node".to_string());
    let mut command = Command::new(node);
    command
        .current_dir(pack_root().join("viewer"))
        .args(["--experimental-websocket", "scripts/check.mjs", url, &RUNS.to_string(), "1600", &READY_DEADLINE_MS.to_string()])
        .env("CHROMIUM", std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string()))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .process_group(0);
    let mut child = command.spawn().expect("starting node (is Node.js installed?)");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).unwrap();
        out
    });
    let t0 = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if t0.elapsed() > SCRIPT_DEADLINE {
            let pgid = child.id() as i32;
            // SIGTERM lets the script kill Chromium's group; then make sure.
            unsafe {
                libc::killpg(pgid, libc::SIGTERM);
            }
            std::thread::sleep(Duration::from_secs(2));
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
            let _ = child.wait();
            panic!("check.mjs did not finish within {SCRIPT_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = reader.join().unwrap();
    assert!(status.success(), "check.mjs crashed ({status}); stdout: {out}");
    let line = out.lines().rev().find(|l| l.trim_start().starts_with('{')).unwrap_or_else(|| panic!("check.mjs printed no JSON: {out}"));
    serde_json::from_str(line).unwrap_or_else(|e| panic!("check.mjs JSON: {e}: {line}"))
}

#[test]
fn viewer_draws_the_test_dashboard_in_chromium() {
    let dashboard: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pack_root().join("tests/fixtures/dashboards/viewer-all-panels.json")).unwrap())
            .unwrap();
    let dashboard = dashboard.get("dashboard").unwrap_or(&dashboard);
    assert_eq!(dashboard["uid"], DASHBOARD_UID);
    let panels: Vec<(i64, String, String)> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_i64().unwrap(), p["type"].as_str().unwrap().to_string(), p["title"].as_str().unwrap_or("").to_string()))
        .collect();
    let title_of = |id: i64| panels.iter().find(|p| p.0 == id).map(|p| p.2.clone()).unwrap();
    assert_eq!(panels.iter().find(|p| p.0 == 30).map(|p| p.1.as_str()), Some("piechart"), "fixture changed: panel 30");

    assert!(
        pack_root().join("viewer/dist/index.html").exists(),
        "viewer/dist is not built (run ./dev setup or `npm ci && npm run build` in viewer/)"
    );
    let serve = start_serve();
    let url = format!("{}?dashboard={DASHBOARD_UID}&from={FROM}&to={TO}", serve.viewer);
    let t0 = Instant::now();
    let report = run_check(&url);
    eprintln!("check.mjs took {:?}: ready_ms_runs={}", t0.elapsed(), report["ready_ms_runs"]);
    drop(serve);

    // Ready within the deadline, on every load.
    assert_eq!(report["ready"], true, "not ready within {READY_DEADLINE_MS} ms: {}", report["ready_ms_runs"]);
    let ready_runs = report["ready_ms_runs"].as_array().unwrap();
    assert_eq!(ready_runs.len(), RUNS);
    for ms in ready_runs {
        let ms = ms.as_u64().unwrap_or_else(|| panic!("a load was not ready: {}", report["ready_ms_runs"]));
        assert!(ms <= READY_DEADLINE_MS, "ready after {ms} ms");
    }

    // Exactly the two deliberate problems, each naming its panel, and the same on every load.
    let problems = report["problems"].as_array().unwrap_or_else(|| panic!("no __meshkitProblems: {report}"));
    assert_eq!(problems.len(), 2, "problems: {problems:#?}");
    for (id, kind) in [(30, "unsupported"), (31, "query-error")] {
        let matching: Vec<_> = problems.iter().filter(|p| p["panelId"] == id).collect();
        assert_eq!(matching.len(), 1, "exactly one problem for panel {id}: {problems:#?}");
        let problem = matching[0];
        assert_eq!(problem["kind"], kind, "panel {id}: {problem}");
        assert_eq!(problem["title"], title_of(id).as_str(), "problem names panel {id}: {problem}");
        assert!(!problem["message"].as_str().unwrap_or("").trim().is_empty(), "panel {id}: empty message");
    }
    assert!(problems.iter().find(|p| p["panelId"] == 30).unwrap()["message"].as_str().unwrap().contains("piechart"));
    assert_eq!(report["problems_stable"], true, "problems differ between loads");

    // Every panel of the dashboard is on the page; every non-row panel without a problem has drawn content.
    let drawn: Vec<&serde_json::Value> = report["panels"].as_array().unwrap().iter().collect();
    let mut page_ids: Vec<i64> = drawn.iter().map(|p| p["id"].as_i64().unwrap()).collect();
    let mut dashboard_ids: Vec<i64> = panels.iter().map(|p| p.0).collect();
    page_ids.sort();
    dashboard_ids.sort();
    assert_eq!(page_ids, dashboard_ids, "panels on the page vs in the dashboard");
    let not_drawn: Vec<String> = panels
        .iter()
        .filter(|(id, kind, _)| kind != "row" && *id != 30 && *id != 31)
        .filter_map(|(id, kind, title)| {
            let p = drawn.iter().find(|p| p["id"] == *id).unwrap();
            (p["drawn"] != true)
                .then(|| format!("{id} {kind} {title:?}: {} content pixels in {} colours", p["content_pixels"], p["content_colours"]))
        })
        .collect();
    assert!(not_drawn.is_empty(), "panels without drawn content: {not_drawn:#?}");

    // 10 consecutive full-page screenshots, byte-identical.
    let hashes: Vec<&str> = report["screenshot_hashes"].as_array().unwrap().iter().map(|h| h.as_str().unwrap()).collect();
    assert_eq!(hashes.len(), RUNS);
    assert!(hashes.iter().all(|h| *h == hashes[0]), "screenshots differ: {hashes:#?}");
}
