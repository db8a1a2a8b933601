//! `meshkit-obs docs`: the committed guides are current, a changed dashboard makes exactly its
//! guide stale, regeneration keeps the hand-written parts byte for byte, and every relative link
//! and image in the docs resolves (every dashboard has a guide, every alert a runbook, and every
//! runbook links back to the guide of the dashboard its alert opens).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use meshkit_obs::fsutil::files_below;
use serde_json::Value;

fn docs(pack: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["--pack", pack.to_str().unwrap(), "docs"];
    all.extend_from_slice(args);
    let output = common::run_tool(&all, &[]);
    (output.status.code(), format!("{}{}", common::stdout(&output), common::stderr(&output)))
}

#[test]
fn the_committed_docs_are_current() {
    let (code, output) = docs(&common::pack_root(), &["--check"]);
    assert_eq!(code, Some(0), "{output}");
}

/// What `docs` reads and writes: dashboards, rules, catalogue, config, baselines and docs.
fn pack_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = common::pack_root();
    for sub in ["dashboards", "alerts", "metrics", "docs", "baselines"] {
        common::copy_folder(&root.join(sub), &dir.path().join(sub), true);
    }
    std::fs::copy(root.join("meshkit-obs.toml"), dir.path().join("meshkit-obs.toml")).unwrap();
    dir
}

fn docs_files(pack: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_below(&pack.join("docs"), |_| true).into_iter().map(|path| (path.clone(), std::fs::read(path).unwrap())).collect()
}

#[test]
fn a_changed_description_makes_its_guide_stale_and_docs_rewrites_only_it() {
    let pack = pack_copy();
    let guide = pack.path().join("docs/dashboards/meshkit-gossip.md");
    // A maintainer's own words in the hand-written part, including trailing spaces.
    let text = std::fs::read_to_string(&guide).unwrap();
    let hand_written = format!("{}Our team's note: page #mesh-oncall first.  \n\n", &text[..text.find("<!-- BEGIN").unwrap()]);
    std::fs::write(&guide, format!("{hand_written}{}", &text[text.find("<!-- BEGIN").unwrap()..])).unwrap();

    let dashboard = common::dashboard_file(pack.path(), "meshkit-gossip");
    let mut json: Value = serde_json::from_slice(&std::fs::read(&dashboard).unwrap()).unwrap();
    json["panels"][2]["description"] = "A new description for the RTT stat.".into();
    std::fs::write(&dashboard, serde_json::to_vec_pretty(&json).unwrap()).unwrap();

    let before = docs_files(pack.path());
    let (code, output) = docs(pack.path(), &["--check"]);
    assert_eq!(code, Some(1), "{output}");
    let stale: Vec<&str> = output.lines().filter(|l| l.starts_with("stale: ")).collect();
    assert_eq!(stale.len(), 1, "{output}");
    assert!(stale[0].contains("docs/dashboards/meshkit-gossip.md"), "{output}");
    assert_eq!(docs_files(pack.path()), before, "--check writes nothing");

    let (code, output) = docs(pack.path(), &[]);
    assert_eq!(code, Some(0), "{output}");
    let after = docs_files(pack.path());
    let changed: Vec<&PathBuf> = after.keys().filter(|p| before.get(*p) != after.get(*p)).collect();
    assert_eq!(changed, [&guide], "only the gossip guide changes");
    let regenerated = String::from_utf8(after[&guide].clone()).unwrap();
    assert!(regenerated.starts_with(&hand_written), "the hand-written part survives byte for byte");
    assert!(regenerated.contains("A new description for the RTT stat."));
    let (code, output) = docs(pack.path(), &["--check"]);
    assert_eq!(code, Some(0), "current again: {output}");
    let (_, output) = docs(pack.path(), &[]);
    assert!(output.contains("0 written"), "a second run changes nothing: {output}");
}

/// Grafana's HTTP API exports a dashboard wrapped as `{"meta": ..., "dashboard": {...}}`: the
/// wrapped file is documented like the plain one (its guide stays current, byte for byte).
#[test]
fn a_wrapped_export_is_documented_like_its_model() {
    let pack = pack_copy();
    let dashboard = common::dashboard_file(pack.path(), "meshkit-gossip");
    let text = std::fs::read_to_string(&dashboard).unwrap();
    std::fs::write(&dashboard, format!("{{\"meta\": {{\"slug\": \"meshkit-gossip\"}}, \"dashboard\": {text}}}")).unwrap();
    let (code, output) = docs(pack.path(), &["--check"]);
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains(", 0 stale"), "{output}");
}

/// Relative link and image targets in a Markdown file that do not exist.
fn broken_links(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut broken = Vec::new();
    for (line_number, line) in text.lines().enumerate() {
        for piece in line.split("](").skip(1) {
            let Some(end) = piece.find(')') else { continue };
            let target = piece[..end].split_whitespace().next().unwrap_or("");
            let path = target.split('#').next().unwrap_or("");
            if path.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            if !file.parent().unwrap().join(path).exists() {
                broken.push(format!("{}:{}: {target}", file.display(), line_number + 1));
            }
        }
    }
    broken
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    files_below(dir, |name| name.ends_with(".md"))
}

#[test]
fn the_link_checker_finds_a_broken_link_and_a_broken_image() {
    let fixture = common::pack_root().join("tests/fixtures/links");
    let broken: Vec<String> = markdown_files(&fixture).iter().flat_map(|f| broken_links(f)).collect();
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert!(broken[0].ends_with("README.md:5: sub/missing.md") && broken[1].ends_with("README.md:5: images/nope.png"), "{broken:?}");
}

#[test]
fn every_relative_link_and_image_in_the_docs_resolves() {
    let root = common::pack_root();
    let mut files = markdown_files(&root.join("docs"));
    files.extend(
        ["README.md", "CHANGELOG.md", "dashboards/README.md", "alerts/README.md", "baselines/README.md"]
            .iter()
            .map(|f| root.join(f))
            .filter(|f| f.exists()),
    );
    let broken: Vec<String> = files.iter().flat_map(|f| broken_links(f)).collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_dashboard_has_a_guide_and_every_runbook_links_back_to_its_dashboard() {
    let root = common::pack_root();
    let mut uids = Vec::new();
    for audience in ["operators", "deep-dive"] {
        for entry in std::fs::read_dir(root.join("dashboards").join(audience)).unwrap().flatten() {
            uids.push(entry.path().file_stem().unwrap().to_string_lossy().into_owned());
        }
    }
    for uid in &uids {
        assert!(root.join("docs/dashboards").join(format!("{uid}.md")).is_file(), "no guide for {uid}");
    }
    let mut checked = 0;
    for file in
        std::fs::read_dir(root.join("alerts")).unwrap().flatten().map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(".rules.yaml"))
    {
        let rules = meshkit_obs::pack::rules::load(&file).unwrap();
        for rule in rules.rules().filter(|r| r.kind == meshkit_obs::pack::rules::RuleKind::Alert) {
            let runbook = root.join("docs/runbooks").join(format!("{}.md", rule.name.value));
            let text = std::fs::read_to_string(&runbook).unwrap_or_else(|_| panic!("no runbook for {}", rule.name.value));
            let uid = meshkit_obs::pack::links::dashboard_uid(&rule.annotations["dashboard_url"].value).unwrap();
            assert!(text.contains(&format!("(../dashboards/{uid}.md)")), "{} does not link the guide of {uid}", runbook.display());
            checked += 1;
        }
    }
    assert!(checked >= 19, "every alert checked ({checked})");
}
