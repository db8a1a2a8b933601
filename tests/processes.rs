//! Child processes never outlive the tool: a normal stop, SIGTERM and Ctrl-C in the middle of
//! a backfill all leave no Prometheus or promtool behind, and no half-built cache entry.

mod common;

use std::io::BufReader;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn processes_matching(pattern: &str) -> Vec<String> {
    let output = Command::new("pgrep").args(["-f", pattern]).output().expect("pgrep");
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect()
}

fn wait_gone(pattern: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if processes_matching(pattern).is_empty() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn serve_stops_prometheus_on_sigterm() {
    let cache = common::pack_root().join("target").join("test-seed-cache");
    let mut child = Command::new(common::BIN)
        .current_dir(common::pack_root())
        .args(["serve", "--cache-dir"])
        .arg(&cache)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let url = common::serve_url(&mut reader).expect("serve printed prometheus=");
    let port = url.rsplit(':').next().unwrap().to_string();
    let pattern = format!("web.listen-address=127.0.0.1:{port}");
    assert_eq!(processes_matching(&pattern).len(), 1, "exactly one prometheus for this serve");
    assert!(common::client().get(format!("{url}/-/ready")).send().unwrap().status().is_success());
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "a requested stop is a success");
    assert!(wait_gone(&pattern), "prometheus outlived serve");
}

#[test]
fn ctrl_c_during_a_backfill_leaves_no_promtool_and_no_cache_entry() {
    let cache = tempfile::tempdir().unwrap();
    let mut child = Command::new(common::BIN)
        .current_dir(common::pack_root())
        .args(["seed", "--cache-dir"])
        .arg(cache.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let reached = common::read_until_prefix(&mut reader, "meshkit-obs: generated").is_some_and(|rest| rest.contains("backfilling"));
    assert!(reached, "seed never reached the backfill");
    std::thread::sleep(Duration::from_millis(300));
    let pattern = cache.path().to_string_lossy().to_string();
    assert!(!processes_matching(&format!("promtool.*{pattern}")).is_empty(), "promtool should be running now");
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(wait_gone(&format!("promtool.*{pattern}")), "promtool outlived the tool");
    let leftovers: Vec<_> = std::fs::read_dir(cache.path().join("seed")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(leftovers.is_empty(), "an interrupted seed left {leftovers:?}");
}
