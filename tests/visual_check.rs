//! The visual check end to end: `check`, `update-baselines` (rendering, and `--from-report`),
//! `merge-reports` and `diff` on the pack's dashboards with the real viewer, a real seeded Prometheus and real Chromium. Mutations run on a temporary copy of the
//! pack (dashboards, baselines and config copied; metrics, scenarios, alerts and the built
//! viewer linked), sharing the repository's seed cache; they render the fleet overview only
//! (`--dashboard`), since the mechanics are the same for every dashboard.

mod common;

use std::collections::BTreeSet;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use common::{pack_root, stderr, stdout, BIN};
use serde_json::Value;

const OVERVIEW: &str = "meshkit-fleet-overview";

/// A disposable copy of the pack.
struct TempPack {
    dir: tempfile::TempDir,
}

impl TempPack {
    fn new() -> TempPack {
        let dir = tempfile::Builder::new().prefix("visual-check-").tempdir().unwrap();
        let root = pack_root();
        for linked in ["metrics", "scenarios", "alerts", "viewer"] {
            std::os::unix::fs::symlink(root.join(linked), dir.path().join(linked)).unwrap();
        }
        common::copy_folder(&root.join("dashboards"), &dir.path().join("dashboards"), true);
        common::copy_folder(&root.join("baselines"), &dir.path().join("baselines"), true);
        std::fs::copy(root.join("meshkit-obs.toml"), dir.path().join("meshkit-obs.toml")).unwrap();
        TempPack { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, args: &[&str]) -> Command {
        let cache = pack_root().join("target").join("meshkit-obs-cache");
        let mut command = Command::new(BIN);
        command.arg("--pack").arg(self.path()).arg("--cache-dir").arg(cache).args(args).env_remove("GITHUB_STEP_SUMMARY");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("running meshkit-obs")
    }

    fn report_dir(&self) -> PathBuf {
        self.path().join("report")
    }

    /// `check` with its report in `<pack>/report`; returns the output and report.json.
    fn check(&self, extra: &[&str]) -> (Output, Value) {
        let report = self.report_dir();
        let mut args = vec!["check", "--quiet", "--report-dir", report.to_str().unwrap()];
        args.extend_from_slice(extra);
        let output = self.run(&args);
        let json = std::fs::read(report.join("report.json")).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or(Value::Null);
        (output, json)
    }

    fn dashboard_file(&self, uid: &str) -> PathBuf {
        common::dashboard_file(self.path(), uid)
    }

    fn edit_dashboard(&self, uid: &str, edit: impl FnOnce(&mut Value)) {
        let path = self.dashboard_file(uid);
        let mut dashboard: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        edit(&mut dashboard);
        std::fs::write(&path, serde_json::to_vec_pretty(&dashboard).unwrap()).unwrap();
    }
}

fn panel(dashboard: &mut Value, id: u64) -> &mut Value {
    dashboard["panels"].as_array_mut().unwrap().iter_mut().find(|p| p["id"] == id).unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn explain(output: &Output) -> String {
    format!("exit {:?}\nstdout:\n{}\nstderr:\n{}", output.status.code(), stdout(output), stderr(output))
}

/// (status, panel id or None) of every capture.
fn statuses(report: &Value) -> Vec<(String, Option<u64>, String)> {
    report["captures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["status"].as_str().unwrap().to_string(), c["panel_id"].as_u64(), c["view"].as_str().unwrap().to_string()))
        .collect()
}

fn failing_panels(report: &Value) -> BTreeSet<Option<u64>> {
    statuses(report).into_iter().filter(|(s, _, _)| s != "passed").map(|(_, id, _)| id).collect()
}

/// Every baseline file with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let (Ok(bytes), Ok(modified)) = (std::fs::read(&path), entry.metadata().and_then(|m| m.modified())) {
                // A temporary file may be renamed away between listing and reading while an
                // update is running; it is simply not part of this snapshot.
                out.push((path.clone(), bytes, modified));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_pack_matches_its_baselines_ten_times_in_a_row() {
    // The pack itself, as `./dev run` checks it; only the report goes elsewhere.
    let reports = tempfile::tempdir().unwrap();
    for run in 1..=10 {
        let dir = reports.path().join(run.to_string());
        let output = Command::new(BIN)
            .current_dir(pack_root())
            .args(["check", "--quiet", "--report-dir", dir.to_str().unwrap()])
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
        assert_eq!(code(&output), 0, "run {run}: {}", explain(&output));
        let captures = statuses(&report);
        assert!(
            captures.iter().all(|(s, _, _)| s == "passed"),
            "run {run}: every panel matches and shows data (no panel problem): {captures:?}"
        );
        let rendered: BTreeSet<&str> =
            report["captures"].as_array().unwrap().iter().map(|c| c["dashboard_uid"].as_str().unwrap()).collect();
        assert_eq!(
            rendered,
            provisioned_uids(&pack_root()).iter().map(String::as_str).collect(),
            "run {run}: every provisioned dashboard is rendered"
        );
    }
}

/// The stems of the dashboard files under the providers' folders (`dashboards/<audience>/`).
fn provisioned_uids(pack: &Path) -> BTreeSet<String> {
    let mut uids = BTreeSet::new();
    for audience in ["operators", "deep-dive"] {
        for entry in std::fs::read_dir(pack.join("dashboards").join(audience)).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(uid) = name.strip_suffix(".json") {
                uids.insert(uid.to_string());
            }
        }
    }
    assert!(uids.len() >= 8, "the pack ships the overview, six deep dives and the namespace view: {uids:?}");
    uids
}

#[test]
fn check_renders_what_provisioning_provides() {
    let pack = TempPack::new();
    // A dashboard file outside every provider's folder is not part of what Grafana would load.
    let mut stray: Value = serde_json::from_slice(&std::fs::read(pack.dashboard_file(OVERVIEW)).unwrap()).unwrap();
    stray["uid"] = "stray".into();
    std::fs::write(pack.path().join("dashboards/stray.json"), serde_json::to_vec(&stray).unwrap()).unwrap();
    let output = pack.run(&["check", "--quiet", "--dashboard", "stray"]);
    assert_eq!(code(&output), 2, "{}", explain(&output));
    assert!(stderr(&output).contains("--dashboard stray: the provisioning files provide no such dashboard"), "{}", explain(&output));

    // A provider whose folder is gone stops the run at the provider's path line.
    std::fs::remove_dir_all(pack.path().join("dashboards/deep-dive")).unwrap();
    let output = pack.run(&["check", "--quiet"]);
    assert_eq!(code(&output), 2, "{}", explain(&output));
    let message = stderr(&output);
    assert!(
        message.contains("dashboards/provisioning/dashboards/meshkit.yaml:")
            && message.contains("provider `meshkit-deep-dive`")
            && message.contains("not a folder"),
        "{}",
        explain(&output)
    );
}

#[test]
fn a_wrapped_http_api_export_renders_like_the_plain_file() {
    // Grafana's HTTP API exports `{"dashboard": {...}, "meta": {...}}`; the viewer server used to
    // answer such a file's uid with 404 although `check` planned it.
    let pack = TempPack::new();
    let path = pack.dashboard_file(OVERVIEW);
    let model: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let wrapped = serde_json::json!({"dashboard": model, "meta": {"folderTitle": "MeshKit / Operators", "provisioned": true}});
    std::fs::write(&path, serde_json::to_vec_pretty(&wrapped).unwrap()).unwrap();
    let (output, report) = pack.check(&["--dashboard", OVERVIEW]);
    assert_eq!(code(&output), 0, "{}", explain(&output));
    let captures = report["captures"].as_array().expect("report.json lists the captures");
    assert!(captures.len() > 2, "every panel of the wrapped dashboard was captured");
    assert!(captures.iter().all(|c| c["status"] == "passed"), "the wrapped file draws exactly the approved pixels");
}

#[test]
fn a_changed_threshold_colour_unit_or_legend_fails_exactly_that_panel() {
    type Edit = fn(&mut Value);
    let cases: [(u64, Edit); 3] = [
        (10, |p| p["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["color"] = "purple".into()),
        (12, |p| p["fieldConfig"]["defaults"]["unit"] = "s".into()),
        (11, |p| p["options"]["legend"]["placement"] = "right".into()),
    ];
    for (id, change) in cases {
        let pack = TempPack::new();
        pack.edit_dashboard(OVERVIEW, |d| change(panel(d, id)));
        let (output, report) = pack.check(&["--dashboard", OVERVIEW]);
        assert_eq!(code(&output), 1, "panel {id}: {}", explain(&output));
        assert_eq!(
            failing_panels(&report),
            BTreeSet::from([None, Some(id)]),
            "panel {id}: only it and the whole-dashboard images fail: {:?}",
            statuses(&report)
        );
        for view in ["all", "prod-us-east-payments"] {
            assert!(statuses(&report).contains(&("changed".into(), Some(id), view.into())), "panel {id} changed in view {view}");
        }
        let text = stdout(&output);
        assert!(text.contains(&format!("panel {id} ")) && text.contains("diff: "), "one line per failure with the diff path:\n{text}");
        let failure = report["captures"].as_array().unwrap().iter().find(|c| c["panel_id"] == id).unwrap();
        assert!(
            failure["diff_pixels"].as_u64().unwrap() > 0
                && failure["bbox"].is_object()
                && failure["ssim"].as_f64().is_some_and(|s| s < 1.0),
            "{failure}"
        );
        assert_eq!(
            failure["approve_command"].as_str().unwrap(),
            format!("meshkit-obs --pack {} update-baselines --dashboard {OVERVIEW} --panel {id}", pack.path().display())
        );
        for image in ["expected", "actual", "diff"] {
            let relative = failure[image].as_str().unwrap();
            assert!(pack.report_dir().join(relative).is_file(), "{image} image {relative} is in the report");
        }
        let html = std::fs::read_to_string(pack.report_dir().join("index.html")).unwrap();
        assert!(html.matches("data:image/png;base64,").count() >= 3, "the HTML report embeds expected, actual and diff");
        let junit = std::fs::read_to_string(pack.report_dir().join("junit.xml")).unwrap();
        assert_eq!(junit.matches("<testcase").count(), statuses(&report).len(), "one JUnit test case per capture");
        let markdown = std::fs::read_to_string(pack.report_dir().join("summary.md")).unwrap();
        assert!(markdown.contains(&format!("--panel {id}")), "the Markdown summary lists the approve command:\n{markdown}");
    }
}

#[test]
fn reserialised_json_still_matches_and_approving_a_change_makes_check_pass() {
    let pack = TempPack::new();
    // Same dashboard, keys in another order (serde_json sorts them) and other whitespace.
    let path = pack.dashboard_file(OVERVIEW);
    let value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    std::fs::write(&path, serde_json::to_string(&value).unwrap()).unwrap();
    let (output, _) = pack.check(&["--dashboard", OVERVIEW]);
    assert_eq!(code(&output), 0, "re-serialised: {}", explain(&output));

    pack.edit_dashboard(OVERVIEW, |d| panel(d, 12)["fieldConfig"]["defaults"]["unit"] = "s".into());
    let before = snapshot(&pack.path().join("baselines"));
    let updated = pack.run(&["update-baselines", "--quiet", "--dashboard", OVERVIEW]);
    assert_eq!(code(&updated), 0, "{}", explain(&updated));
    let printed = stdout(&updated);
    assert!(
        printed.lines().filter(|l| l.trim_start().starts_with("changed")).count() == 4,
        "panel 12 and the dashboard image, in two views:\n{printed}"
    );
    let after = snapshot(&pack.path().join("baselines"));
    let rewritten: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b.2 != a.2)
        .map(|(b, _)| b.0.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        rewritten.iter().filter(|n| n.starts_with("12-") || *n == "dashboard.png").count(),
        rewritten.len(),
        "unchanged pixels are not rewritten: {rewritten:?}"
    );
    let (output, _) = pack.check(&["--dashboard", OVERVIEW]);
    assert_eq!(code(&output), 0, "after approving: {}", explain(&output));
}

#[test]
fn updating_one_dashboard_leaves_the_others_untouched() {
    let pack = TempPack::new();
    // A second dashboard: the overview under another uid, approved first.
    let copy = "meshkit-fleet-overview-copy";
    let mut dashboard: Value = serde_json::from_slice(&std::fs::read(pack.dashboard_file(OVERVIEW)).unwrap()).unwrap();
    dashboard["uid"] = copy.into();
    // Beside the overview, so the same provider delivers it.
    std::fs::write(pack.dashboard_file(OVERVIEW).with_file_name(format!("{copy}.json")), serde_json::to_vec_pretty(&dashboard).unwrap())
        .unwrap();
    let approved = pack.run(&["update-baselines", "--quiet", "--dashboard", copy]);
    assert_eq!(code(&approved), 0, "{}", explain(&approved));

    pack.edit_dashboard(OVERVIEW, |d| panel(d, 10)["fieldConfig"]["defaults"]["unit"] = "s".into());
    pack.edit_dashboard(copy, |d| panel(d, 10)["fieldConfig"]["defaults"]["unit"] = "s".into());
    let others = pack.path().join("baselines/embedded").join(copy);
    let before = snapshot(&others);
    std::thread::sleep(Duration::from_millis(20));
    let updated = pack.run(&["update-baselines", "--quiet", "--dashboard", OVERVIEW]);
    assert_eq!(code(&updated), 0, "{}", explain(&updated));
    assert!(stdout(&updated).contains("changed  baselines/embedded/meshkit-fleet-overview/all/10-"), "{}", stdout(&updated));
    assert_eq!(snapshot(&others), before, "the other dashboard's files are byte-identical with the same mtimes");
}

/// The failing captures of a report: (baseline path relative to the pack, actual image path
/// relative to the report folder, status).
fn failures(report: &Value) -> Vec<(String, String, String)> {
    report["captures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "passed")
        .map(|c| (c["baseline"].as_str().unwrap().into(), c["actual"].as_str().unwrap().into(), c["status"].as_str().unwrap().into()))
        .collect()
}

#[test]
fn approving_from_a_report_writes_exactly_the_images_reviewed_and_refuses_a_baseline_changed_since() {
    let pack = TempPack::new();
    pack.edit_dashboard(OVERVIEW, |d| panel(d, 10)["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["color"] = "purple".into());
    let (output, report) = pack.check(&["--dashboard", OVERVIEW]);
    assert_eq!(code(&output), 1, "{}", explain(&output));
    let failing = failures(&report);
    let panel_10: Vec<&(String, String, String)> = failing.iter().filter(|(b, _, _)| b.contains("/10-")).collect();
    assert_eq!((failing.len(), panel_10.len()), (4, 2), "panel 10 and the whole dashboard, in two views: {failing:?}");
    assert!(failing.iter().all(|(_, _, status)| status == "changed"), "{failing:?}");
    let reviewed = pack.report_dir();
    let from_report = |extra: &[&str]| {
        let mut args = vec!["update-baselines", "--from-report", reviewed.to_str().unwrap()];
        args.extend_from_slice(extra);
        pack.run(&args)
    };

    // A baseline that changed after the report was made: nothing is written, the file is named.
    let (touched, _, _) = panel_10[0];
    let touched_path = pack.path().join(touched);
    let original = std::fs::read(&touched_path).unwrap();
    let mut edited = original.clone();
    edited.extend_from_slice(b"edited after the report");
    std::fs::write(&touched_path, &edited).unwrap();
    let before = snapshot(&pack.path().join("baselines"));
    let refused = from_report(&[]);
    assert_eq!(code(&refused), 1, "{}", explain(&refused));
    assert!(
        stdout(&refused).contains(&format!("refused  {touched}: the baseline changed since the report was made")),
        "{}",
        explain(&refused)
    );
    assert!(stderr(&refused).contains("nothing written"), "{}", explain(&refused));
    assert_eq!(snapshot(&pack.path().join("baselines")), before, "no baseline is written, not even the untouched ones");
    std::fs::write(&touched_path, &original).unwrap();

    // The filter narrows what is approved: panel 10 only, in both views.
    let before = snapshot(&pack.path().join("baselines"));
    let approved = from_report(&["--dashboard", OVERVIEW, "--panel", "10"]);
    assert_eq!(code(&approved), 0, "{}", explain(&approved));
    let after = snapshot(&pack.path().join("baselines"));
    let rewritten: BTreeSet<String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b.1 != a.1 || b.2 != a.2)
        .map(|(b, _)| b.0.strip_prefix(pack.path()).unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(rewritten, panel_10.iter().map(|(b, _, _)| b.clone()).collect(), "{}", explain(&approved));

    // Then the rest; panel 10's are already the reviewed images.
    let approved = from_report(&[]);
    assert_eq!(code(&approved), 0, "{}", explain(&approved));
    let printed = stdout(&approved);
    assert_eq!(printed.lines().filter(|l| l.trim_start().starts_with("changed")).count(), 2, "the dashboard images:\n{printed}");
    assert!(stderr(&approved).contains("2 changed, 0 renamed, 2 unchanged"), "{}", explain(&approved));
    for (baseline, actual, _) in &failing {
        assert_eq!(
            std::fs::read(pack.path().join(baseline)).unwrap(),
            std::fs::read(reviewed.join(actual)).unwrap(),
            "{baseline} is byte for byte the image the report showed"
        );
    }
    let (output, _) = pack.check(&["--dashboard", OVERVIEW]);
    assert_eq!(code(&output), 0, "after approving from the report: {}", explain(&output));
}

#[test]
fn approving_from_a_missing_garbage_or_older_report_exits_2_naming_the_file() {
    let pack = TempPack::new();
    let folder = pack.path().join("no-report");
    let run = |dir: &Path| pack.run(&["update-baselines", "--from-report", dir.to_str().unwrap()]);
    let missing = run(&folder);
    assert_eq!(code(&missing), 2, "{}", explain(&missing));
    let json = folder.join("report.json");
    assert!(
        stderr(&missing).contains(&format!("{}: cannot read the report", json.display()))
            && stderr(&missing).contains("fix: pass a folder"),
        "{}",
        explain(&missing)
    );
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(&json, "<html>not a report</html>").unwrap();
    let garbage = run(&folder);
    assert_eq!(code(&garbage), 2, "{}", explain(&garbage));
    assert!(stderr(&garbage).contains(&format!("{}: not valid JSON", json.display())), "{}", explain(&garbage));
    std::fs::write(&json, r#"{"schema": 1, "tool_version": "0.1.0", "backend": "embedded", "captures": []}"#).unwrap();
    let older = run(&folder);
    assert_eq!(code(&older), 2, "{}", explain(&older));
    assert!(
        stderr(&older).contains("written by an older meshkit-obs (report schema 1")
            && stderr(&older).contains("run `meshkit-obs check` again"),
        "{}",
        explain(&older)
    );
    let together = pack.run(&["update-baselines", "--from-report", folder.to_str().unwrap(), "--prune"]);
    assert_eq!(code(&together), 2, "--from-report approves a report's images; --prune needs a render: {}", explain(&together));
}

#[test]
fn a_missing_baseline_fails_with_the_command_that_approves_it() {
    let pack = TempPack::new();
    let missing = pack.path().join("baselines/embedded").join(OVERVIEW).join("all/4-replication.png");
    std::fs::remove_file(&missing).unwrap();
    let (output, report) = pack.check(&["--dashboard", OVERVIEW]);
    assert_eq!(code(&output), 1, "{}", explain(&output));
    assert_eq!(
        statuses(&report).iter().filter(|(s, _, _)| s == "missing").collect::<Vec<_>>(),
        [&("missing".to_string(), Some(4), "all".to_string())]
    );
    assert!(stdout(&output).contains(&format!("update-baselines --dashboard {OVERVIEW} --panel 4")), "{}", explain(&output));
}

#[test]
fn orphans_are_reported_and_pruned() {
    let pack = TempPack::new();
    let orphan = pack.path().join("baselines/embedded").join(OVERVIEW).join("all/99-removed-panel.png");
    std::fs::copy(pack.path().join("baselines/embedded").join(OVERVIEW).join("all/4-replication.png"), &orphan).unwrap();
    let (output, report) = pack.check(&["--format", "json", "--dashboard", OVERVIEW]);
    assert_eq!(code(&output), 0, "orphans alone do not fail: {}", explain(&output));
    assert_eq!(report["orphans"][0]["baseline"], format!("baselines/embedded/{OVERVIEW}/all/99-removed-panel.png"));
    let printed: Value = serde_json::from_str(&stdout(&output)).expect("--format json prints the report");
    assert_eq!(printed["orphans"], report["orphans"], "stdout carries the same report as report.json");
    let pruned = pack.run(&["update-baselines", "--quiet", "--prune", "--dashboard", OVERVIEW]);
    assert_eq!(code(&pruned), 0, "{}", explain(&pruned));
    assert!(!orphan.exists() && stdout(&pruned).contains("removed  baselines/embedded/meshkit-fleet-overview/all/99-removed-panel.png"));
}

#[test]
fn shards_cover_every_capture_once_and_merge_into_one_report() {
    let pack = TempPack::new();
    let mut dirs = Vec::new();
    for shard in ["1/2", "2/2"] {
        let dir = pack.path().join(format!("shard-{}", &shard[..1]));
        let output = pack.run(&["check", "--quiet", "--dashboard", OVERVIEW, "--shard", shard, "--report-dir", dir.to_str().unwrap()]);
        assert_eq!(code(&output), 0, "shard {shard}: {}", explain(&output));
        dirs.push(dir);
    }
    let views = |dir: &Path| -> BTreeSet<String> {
        let report: Value = serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
        statuses(&report).into_iter().map(|(_, _, view)| view).collect()
    };
    assert!(views(&dirs[0]).is_disjoint(&views(&dirs[1])), "no view is rendered by both shards");
    let merged = pack.path().join("merged");
    let output = pack.run(&["merge-reports", dirs[0].to_str().unwrap(), dirs[1].to_str().unwrap(), "--out", merged.to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", explain(&output));
    let report: Value = serde_json::from_slice(&std::fs::read(merged.join("report.json")).unwrap()).unwrap();
    assert_eq!(statuses(&report).len(), 28, "every capture of both views once");
    assert!(merged.join("index.html").is_file() && merged.join("junit.xml").is_file());
}

#[test]
fn bad_inputs_exit_2_with_the_location() {
    let pack = TempPack::new();
    std::fs::write(pack.path().join("meshkit-obs.toml"), "[compare]\nthreshold = 2.0\n").unwrap();
    let output = pack.run(&["check", "--quiet"]);
    assert_eq!(code(&output), 2, "{}", explain(&output));
    assert!(stderr(&output).contains("meshkit-obs.toml:2:13: compare.threshold = 2 is out of range"), "{}", explain(&output));

    let pack = TempPack::new();
    let baseline = pack.path().join("baselines/embedded").join(OVERVIEW).join("all/2-gossip.png");
    std::fs::write(&baseline, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let output = pack.run(&["check", "--quiet", "--dashboard", OVERVIEW]);
    assert_eq!(code(&output), 2, "{}", explain(&output));
    assert!(
        stderr(&output).contains(&format!("baselines/embedded/{OVERVIEW}/all/2-gossip.png: not a readable PNG")),
        "{}",
        explain(&output)
    );

    let pack = TempPack::new();
    std::fs::write(pack.dashboard_file(OVERVIEW), "{\n  \"uid\": ").unwrap();
    let output = pack.run(&["check", "--quiet"]);
    assert_eq!(code(&output), 2, "{}", explain(&output));
    assert!(stderr(&output).contains(&format!("{OVERVIEW}.json:2:")) && stderr(&output).contains("not valid JSON"), "{}", explain(&output));
}

#[test]
fn a_missing_chromium_exits_2_with_the_install_hint() {
    let pack = TempPack::new();
    let output = pack.command(&["check", "--quiet"]).env("MESHKIT_OBS_CHROMIUM", "/nonexistent/chromium").output().unwrap();
    assert_eq!(code(&output), 2, "{}", explain(&output));
    assert!(
        stderr(&output).contains("Chromium at /nonexistent/chromium not found") && stderr(&output).contains("apt-get install -y chromium"),
        "{}",
        explain(&output)
    );
}

/// A child that is killed when a failed assertion unwinds past it.
struct KillOnDrop(std::process::Child);

impl std::ops::Deref for KillOnDrop {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for KillOnDrop {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Processes whose parent is `pid`: (pid, command name).
fn children(pid: u32) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else { continue };
        // comm is in parentheses and may hold spaces; the fields after it are space-separated.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        let rest: Vec<&str> = stat[close + 2..].split(' ').collect();
        if rest.get(1).and_then(|p| p.parse::<u32>().ok()) == Some(pid) {
            found.push((child, stat[open + 1..close].to_string()));
        }
    }
    found
}

/// Members of process group `pgid` that are still alive (zombies excluded).
fn group_members(pgid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        let Some(close) = stat.rfind(')') else { continue };
        let rest: Vec<&str> = stat[close + 2..].split(' ').collect();
        if rest.first() != Some(&"Z") && rest.get(2).and_then(|p| p.parse::<u32>().ok()) == Some(pgid) {
            found.push(pid);
        }
    }
    found
}

/// Runs `check` in a copy of the pack, waits until Chromium and Prometheus both run under it,
/// lets it render for a moment, then `strikes` (given the tool's pid and Chromium's). Once the
/// tool ended (at most 15 s later) no Chromium or Prometheus process may be left; returns the
/// exit status and stderr.
fn strike_mid_render(strike: impl FnOnce(u32, u32)) -> (std::process::ExitStatus, String) {
    let pack = TempPack::new();
    let mut child = KillOnDrop(pack.command(&["check"]).stdout(Stdio::null()).stderr(Stdio::piped()).process_group(0).spawn().unwrap());
    let pid = child.id();
    let stderr_pipe = child.stderr.take().unwrap();
    let lines = std::thread::spawn(move || {
        use std::io::BufRead as _;
        let mut seen = Vec::new();
        for line in std::io::BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
            seen.push(line);
        }
        seen
    });
    // Wait for the render to start: both Chromium and Prometheus are children by then.
    let started = Instant::now();
    let (chromium, prometheus) = loop {
        let kids = children(pid);
        let find = |name: &str| kids.iter().find(|(_, comm)| comm.starts_with(name)).map(|(p, _)| *p);
        if let (Some(c), Some(p)) = (find("chromium"), find("prometheus")) {
            break (c, p);
        }
        assert!(started.elapsed() < Duration::from_secs(120), "chromium and prometheus never both ran under {pid}");
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(Duration::from_millis(1500));
    strike(pid, chromium);
    let struck = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(struck.elapsed() < Duration::from_secs(15), "check did not end within 15 s");
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(Duration::from_millis(300));
    let lines = lines.join().unwrap().join("\n");
    assert_eq!(group_members(chromium), Vec::<u32>::new(), "no Chromium process is left:\n{lines}");
    assert_eq!(group_members(prometheus), Vec::<u32>::new(), "no Prometheus process is left:\n{lines}");
    (status, lines)
}

#[test]
fn killing_chromium_mid_run_exits_2_within_seconds_and_leaves_nothing_behind() {
    // SAFETY: signalling a process of our own test.
    let (status, lines) = strike_mid_render(|_, chromium| unsafe {
        libc::kill(chromium as i32, libc::SIGKILL);
    });
    assert_eq!(status.code(), Some(2), "{lines}");
    assert!(lines.contains("Chromium exited during the run"), "the error names Chromium:\n{lines}");
}

#[test]
fn ctrl_c_mid_render_exits_130_and_stops_the_whole_stack() {
    // SAFETY: signalling a process of our own test.
    let (status, lines) = strike_mid_render(|tool, _| unsafe {
        libc::kill(tool as i32, libc::SIGINT);
    });
    assert_eq!(status.code(), Some(130), "{lines}");
    assert!(lines.contains("interrupted by SIGINT"), "the tool says why it stopped:\n{lines}");
}

#[test]
fn an_update_killed_mid_write_leaves_every_baseline_old_or_new() {
    let pack = TempPack::new();
    pack.edit_dashboard(OVERVIEW, |d| {
        for p in d["panels"].as_array_mut().unwrap() {
            p["title"] = format!("{} ", p["title"].as_str().unwrap()).into();
            p["transparent"] = true.into();
        }
    });
    let dir = pack.path().join("baselines");
    let before = snapshot(&dir);
    let mut child = KillOnDrop(
        pack.command(&["update-baselines", "--quiet", "--dashboard", OVERVIEW])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Kill as soon as the first baseline has been replaced: the rest are being written.
    let started = Instant::now();
    loop {
        let now = snapshot(&dir);
        if now.len() != before.len() || now.iter().zip(&before).any(|(a, b)| a.2 != b.2) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120) && child.try_wait().unwrap().is_none(), "no baseline was ever replaced");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let after = snapshot(&dir);
    for (path, bytes, _) in after.iter().filter(|(p, _, _)| p.extension().is_some_and(|e| e == "png")) {
        let old = before.iter().find(|(p, _, _)| p == path).map(|(_, b, _)| b);
        assert!(is_whole_png(bytes) || old == Some(bytes), "{} is neither the old baseline nor a whole new PNG", path.display());
    }
    // A later run cleans up whatever temporary files the kill left and finishes the job.
    let finished = pack.run(&["update-baselines", "--quiet", "--dashboard", OVERVIEW]);
    assert_eq!(code(&finished), 0, "{}", explain(&finished));
    let names: Vec<String> = snapshot(&dir).iter().map(|(p, _, _)| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".tmp")), "no temporary file is left: {names:?}");
}

/// A PNG is whole when it ends with the IEND chunk (and its CRC).
fn is_whole_png(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 12 && &bytes[bytes.len() - 8..bytes.len() - 4] == b"IEND"
}

#[test]
fn diff_compares_with_the_packs_compare_settings_and_flags_win() {
    let fixtures = pack_root().join("tests/fixtures/compare");
    let pack = TempPack::new();
    let diff = |extra: &[&str]| {
        let mut args = vec!["diff", "--json"];
        args.extend_from_slice(extra);
        let mut command = pack.command(&args);
        command.arg(fixtures.join("base.png")).arg(fixtures.join("legend_colour.png"));
        let output = command.output().unwrap();
        let result: Value = serde_json::from_str(&stdout(&output)).unwrap_or(Value::Null);
        (output, result)
    };
    // legend_colour.png differs in 12 pixels.
    std::fs::write(pack.path().join("meshkit-obs.toml"), "[compare]\nmax_diff_pixels = 12\nthreshold = 0.05\n").unwrap();
    let (output, result) = diff(&[]);
    assert_eq!(code(&output), 0, "within the config's budget: {}", explain(&output));
    assert_eq!(
        (result["settings"]["max_diff_pixels"].as_u64(), result["settings"]["threshold"].as_f64()),
        (Some(12), Some(0.05)),
        "{result}"
    );
    let (output, result) = diff(&["--max-diff-pixels", "11"]);
    assert_eq!(code(&output), 1, "the flag wins: {}", explain(&output));
    assert_eq!(
        (result["settings"]["max_diff_pixels"].as_u64(), result["settings"]["threshold"].as_f64()),
        (Some(11), Some(0.05)),
        "{result}"
    );

    std::fs::write(pack.path().join("meshkit-obs.toml"), "[compare]\nthreshold = 7.0\n").unwrap();
    let (output, _) = diff(&[]);
    assert_eq!(code(&output), 2, "a config `check` refuses is refused here too: {}", explain(&output));
    assert!(stderr(&output).contains("meshkit-obs.toml:2:13: compare.threshold = 7 is out of range"), "{}", explain(&output));
}

#[test]
fn an_out_of_range_threshold_is_a_usage_error_naming_the_range() {
    let fixtures = pack_root().join("tests/fixtures/compare");
    for value in [["--threshold", "-0.1"], ["--threshold=-0.1", ""], ["--threshold", "1.5"]] {
        let output = Command::new(BIN)
            .arg("diff")
            .arg(fixtures.join("base.png"))
            .arg(fixtures.join("one_pixel.png"))
            .args(value.iter().filter(|v| !v.is_empty()))
            .output()
            .unwrap();
        assert_eq!(code(&output), 2, "{value:?}: {}", explain(&output));
        let message = stderr(&output);
        assert!(message.contains("--threshold") && message.contains("threshold must be between 0 and 1"), "{value:?}: {message}");
    }
    let word = Command::new(BIN).args(["diff", "a.png", "b.png", "--threshold", "strict"]).output().unwrap();
    assert_eq!(code(&word), 2, "{}", explain(&word));
    assert!(stderr(&word).contains("\"strict\" is not a number"), "{}", explain(&word));
}

#[test]
fn diff_compares_two_files_and_names_a_corrupt_one() {
    let fixtures = pack_root().join("tests/fixtures/compare");
    let run = |a: &str, b: &str, extra: &[&str]| {
        Command::new(BIN).arg("diff").arg(fixtures.join(a)).arg(fixtures.join(b)).args(extra).output().unwrap()
    };
    let same = run("base.png", "base_reencoded.png", &[]);
    assert_eq!(code(&same), 0, "{}", explain(&same));
    let out = tempfile::tempdir().unwrap();
    let diff_png = out.path().join("diff.png");
    let changed = run("base.png", "one_pixel.png", &["--json", "--diff-out", diff_png.to_str().unwrap()]);
    assert_eq!(code(&changed), 1, "{}", explain(&changed));
    let result: Value = serde_json::from_str(&stdout(&changed)).unwrap();
    assert_eq!(result["diff_pixels"], 1, "{result}");
    assert!(diff_png.is_file(), "the diff image is written");
    let budget = run("base.png", "one_pixel.png", &["--max-diff-pixels", "1"]);
    assert_eq!(code(&budget), 0, "within a budget of one pixel: {}", explain(&budget));
    let corrupt = run("base.png", "truncated.png", &[]);
    assert_eq!(code(&corrupt), 2, "{}", explain(&corrupt));
    assert!(stderr(&corrupt).contains("truncated.png: not a readable PNG"), "{}", explain(&corrupt));
}
