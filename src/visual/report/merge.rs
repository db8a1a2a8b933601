//! Merging the report folders of a sharded run (`--shard K/N` on several CI machines) into one
//! report folder, as if one machine had done the whole run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use super::{image_path, write_all, Capture, RunReport, Timings, JSON_FILE, SCHEMA_VERSION};
use crate::fsutil::write_atomic;

/// One input folder and the report read from it.
struct Input<'a> {
    dir: &'a Path,
    json: PathBuf,
    report: RunReport,
}

/// Reads `<dir>/report.json` of every input, checks they are the shards of one run, copies the
/// images they reference into `out` at the same relative paths, and writes the combined report
/// there with [`write_all`].
///
/// The shard set must be complete (every K of N once) unless no input is a shard at all, which
/// allows combining separate unsharded runs. The result has no shard, the inputs' commands
/// joined with " + ", and per phase the longest shard's time: shards run in parallel, so the
/// slowest one is how long the run took, and a sum would describe no real wait.
pub fn merge(inputs: &[PathBuf], out: &Path) -> anyhow::Result<RunReport> {
    if inputs.is_empty() {
        bail!("no shard report folders to merge");
    }
    let inputs: Vec<Input> = inputs.iter().map(|dir| read(dir)).collect::<anyhow::Result<_>>()?;
    check_same_run(&inputs)?;
    check_shard_set(&inputs)?;
    if let Ok(out_real) = out.canonicalize() {
        if let Some(input) = inputs.iter().find(|i| i.dir.canonicalize().is_ok_and(|d| d == out_real)) {
            bail!("the merged report would overwrite the shard report in {}; choose another output folder", input.dir.display());
        }
    }

    let mut captures: Vec<Capture> = Vec::new();
    let mut capture_source: HashMap<(String, String, Option<u32>), &Path> = HashMap::new();
    let mut image_source: HashMap<String, &Path> = HashMap::new();
    for input in &inputs {
        for capture in &input.report.captures {
            let key = (capture.dashboard_uid.clone(), capture.view.clone(), capture.panel_id);
            if let Some(other) = capture_source.insert(key, input.dir) {
                bail!(
                    "{} / {} / {} is in both {} and {}: the shards overlap",
                    capture.dashboard_uid,
                    capture.view,
                    capture.panel_label(),
                    other.display(),
                    input.dir.display()
                );
            }
            for image in capture.images() {
                match image_source.insert(image.to_string(), input.dir) {
                    Some(other) if other != input.dir => {
                        bail!(
                            "image {image} is referenced by both {} and {}; merging would lose one of them",
                            other.display(),
                            input.dir.display()
                        )
                    }
                    Some(_) => {}
                    None => copy_image(input.dir, out, image)?,
                }
            }
            captures.push(capture.clone());
        }
    }
    captures.sort_by(Capture::report_order);

    // A shard only knows its own captures, so a baseline another shard captured can look
    // orphaned to it; only baselines no shard captured are orphans of the whole run.
    let captured: HashSet<&str> = captures.iter().map(|c| c.baseline.as_str()).collect();
    let mut seen = HashSet::new();
    let mut orphans: Vec<_> = inputs
        .iter()
        .flat_map(|i| &i.report.orphans)
        .filter(|o| !captured.contains(o.baseline.as_str()) && seen.insert(o.baseline.as_str()))
        .cloned()
        .collect();
    orphans.sort_by(|a, b| (&a.dashboard_uid, &a.view, &a.baseline).cmp(&(&b.dashboard_uid, &b.view, &b.baseline)));

    let longest = |phase: fn(&Timings) -> f64| inputs.iter().map(|i| phase(&i.report.timings)).fold(0.0, f64::max);
    let first = &inputs[0].report;
    let merged = RunReport {
        schema: SCHEMA_VERSION,
        tool_version: first.tool_version.clone(),
        backend: first.backend.clone(),
        command: inputs.iter().map(|i| i.report.command.as_str()).collect::<Vec<_>>().join(" + "),
        shard: None,
        captures,
        orphans,
        timings: Timings {
            seed_s: longest(|t| t.seed_s),
            stack_start_s: longest(|t| t.stack_start_s),
            render_s: longest(|t| t.render_s),
            compare_s: longest(|t| t.compare_s),
            total_s: longest(|t| t.total_s),
        },
    };
    write_all(&merged, out).with_context(|| format!("writing the merged report to {}", out.display()))?;
    Ok(merged)
}

fn read(dir: &Path) -> anyhow::Result<Input<'_>> {
    Ok(Input { dir, json: dir.join(JSON_FILE), report: super::read(dir)? })
}

/// Baselines are only comparable within one backend, and a different tool version may render
/// or compare differently, so such reports are not one run.
fn check_same_run(inputs: &[Input]) -> anyhow::Result<()> {
    let first = &inputs[0];
    for input in &inputs[1..] {
        for (what, expected, found) in [
            ("backend", &first.report.backend, &input.report.backend),
            ("tool version", &first.report.tool_version, &input.report.tool_version),
        ] {
            if expected != found {
                bail!(
                    "{} has {what} {found:?} but {} has {expected:?}; only reports of one run can be merged",
                    input.json.display(),
                    first.json.display()
                );
            }
        }
    }
    Ok(())
}

fn check_shard_set(inputs: &[Input]) -> anyhow::Result<()> {
    let Some(sharded) = inputs.iter().find(|i| i.report.shard.is_some()) else {
        return Ok(());
    };
    let total = sharded.report.shard.map_or(0, |s| s.total);
    let mut by_index: BTreeMap<u32, &Path> = BTreeMap::new();
    for input in inputs {
        let Some(shard) = input.report.shard else {
            bail!("{} is not a shard report but {} is; merge the shards of one run only", input.json.display(), sharded.json.display());
        };
        if shard.total != total {
            bail!(
                "{} is shard {shard} but {} is one of {total}; the shards come from differently split runs",
                input.json.display(),
                sharded.json.display()
            );
        }
        if shard.index == 0 || shard.index > total {
            bail!("{} claims shard {shard}, which cannot exist", input.json.display());
        }
        if let Some(other) = by_index.insert(shard.index, &input.json) {
            bail!("shard {shard} was given twice: {} and {}", other.display(), input.json.display());
        }
    }
    let missing: Vec<String> = (1..=total).filter(|i| !by_index.contains_key(i)).map(|i| format!("{i}/{total}")).collect();
    if !missing.is_empty() {
        bail!("incomplete shard set: shard {} missing (got {} of {total})", missing.join(", "), by_index.len());
    }
    Ok(())
}

fn copy_image(from_dir: &Path, to_dir: &Path, relative: &str) -> anyhow::Result<()> {
    let from = image_path(from_dir, relative)?;
    let to = image_path(to_dir, relative)?;
    let bytes = std::fs::read(&from).with_context(|| format!("reading image {} referenced by the shard report", from.display()))?;
    write_atomic(&to, &bytes).with_context(|| format!("writing {}", to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visual::report::tests::{capture, sample_report, write_images, GREEN_PNG};
    use crate::visual::report::{Orphan, Shard, Status};

    fn orphan(baseline: &str) -> Orphan {
        Orphan {
            baseline: baseline.to_string(),
            dashboard_uid: "meshkit-gossip".into(),
            view: "all".into(),
            prune_command: "meshkit-obs update-baselines --prune".into(),
        }
    }

    /// A shard folder holding `captures`, with its images and report written.
    fn shard_dir(root: &Path, name: &str, shard: Option<Shard>, captures: Vec<Capture>, timings: Timings) -> PathBuf {
        let dir = root.join(name);
        let mut report = sample_report();
        report.shard = shard;
        report.command = format!("meshkit-obs check {name}");
        report.captures = captures;
        report.timings = timings;
        report.orphans =
            vec![orphan("baselines/embedded/meshkit-gossip/all/99-old.png"), orphan("baselines/embedded/meshkit-gossip/all/0.png")];
        write_images(&report, &dir);
        write_all(&report, &dir).unwrap();
        dir
    }

    /// A folder with only a report.json, for checks that fail before any image is read.
    fn json_dir(root: &Path, name: &str, edit: impl FnOnce(&mut RunReport)) -> PathBuf {
        let dir = root.join(name);
        let mut report = sample_report();
        edit(&mut report);
        write_atomic(&dir.join(JSON_FILE), serde_json::to_string(&report).unwrap().as_bytes()).unwrap();
        dir
    }

    fn timings(seed_s: f64, render_s: f64) -> Timings {
        Timings { seed_s, stack_start_s: 1.0, render_s, compare_s: 1.0, total_s: seed_s + render_s + 2.0 }
    }

    #[test]
    fn merges_two_shards_into_one_report() {
        let root = tempfile::tempdir().unwrap();
        let first = shard_dir(
            root.path(),
            "shard-1",
            Some(Shard { index: 1, total: 2 }),
            vec![capture("b", "all", Some(1), Status::Passed), capture("b", "all", Some(2), Status::Changed)],
            timings(3.0, 10.0),
        );
        let second = shard_dir(
            root.path(),
            "shard-2",
            Some(Shard { index: 2, total: 2 }),
            // Captures the baseline the other shard thought orphaned.
            vec![capture("a", "all", None, Status::Passed), capture("meshkit-gossip", "all", None, Status::Missing)],
            timings(5.0, 8.0),
        );
        let out = root.path().join("merged");
        let merged = merge(&[first, second.clone()], &out).unwrap();

        let order: Vec<(&str, Option<u32>, Status)> =
            merged.captures.iter().map(|c| (c.dashboard_uid.as_str(), c.panel_id, c.status)).collect();
        assert_eq!(
            order,
            [
                ("b", Some(2), Status::Changed),
                ("meshkit-gossip", None, Status::Missing),
                ("a", None, Status::Passed),
                ("b", Some(1), Status::Passed)
            ]
        );
        for capture in &merged.captures {
            for image in capture.images() {
                assert!(out.join(image).is_file(), "{image} not copied");
            }
        }
        assert_eq!(std::fs::read(out.join("images/meshkit-gossip/all/dashboard-actual.png")).unwrap(), GREEN_PNG);
        let orphans: Vec<&str> = merged.orphans.iter().map(|o| o.baseline.as_str()).collect();
        assert_eq!(orphans, ["baselines/embedded/meshkit-gossip/all/99-old.png"]);
        assert_eq!(merged.timings, Timings { seed_s: 5.0, stack_start_s: 1.0, render_s: 10.0, compare_s: 1.0, total_s: 15.0 });
        assert_eq!((merged.shard, merged.command.as_str()), (None, "meshkit-obs check shard-1 + meshkit-obs check shard-2"));
        let written: RunReport = serde_json::from_str(&std::fs::read_to_string(out.join(JSON_FILE)).unwrap()).unwrap();
        assert_eq!(written, merged);
        assert!(out.join("index.html").is_file() && out.join("junit.xml").is_file() && out.join("summary.md").is_file());

        let err = merge(&[second.clone(), second.clone()], &second).unwrap_err().to_string();
        assert!(err.contains("shard 2/2 was given twice"), "{err}");
    }

    #[test]
    fn refuses_an_incomplete_shard_set_naming_the_missing_shards() {
        let root = tempfile::tempdir().unwrap();
        let one = json_dir(root.path(), "one", |r| r.shard = Some(Shard { index: 1, total: 4 }));
        let three = json_dir(root.path(), "three", |r| r.shard = Some(Shard { index: 3, total: 4 }));
        let err = merge(&[one, three], &root.path().join("out")).unwrap_err().to_string();
        assert_eq!(err, "incomplete shard set: shard 2/4, 4/4 missing (got 2 of 4)");
        assert!(!root.path().join("out").exists(), "nothing may be written");
    }

    #[test]
    fn unsharded_reports_merge_without_a_shard_set() {
        let root = tempfile::tempdir().unwrap();
        let a = shard_dir(root.path(), "a", None, vec![capture("a", "all", Some(1), Status::Passed)], timings(1.0, 1.0));
        let b = shard_dir(root.path(), "b", None, vec![capture("b", "all", Some(1), Status::Passed)], timings(1.0, 1.0));
        assert_eq!(merge(&[a, b], &root.path().join("out")).unwrap().captures.len(), 2);
    }

    #[test]
    fn names_the_file_of_every_unusable_input() {
        let root = tempfile::tempdir().unwrap();
        let good = json_dir(root.path(), "good", |_| {});
        let out = root.path().join("out");
        let error = |dir: PathBuf| format!("{:#}", merge(&[good.clone(), dir], &out).unwrap_err());

        let absent = root.path().join("absent");
        assert!(error(absent.clone()).starts_with(&format!("{}: cannot read the report", absent.join(JSON_FILE).display())));

        let garbage = root.path().join("garbage");
        write_atomic(&garbage.join(JSON_FILE), b"<html>").unwrap();
        assert!(error(garbage.clone()).starts_with(&format!("{}: not valid JSON", garbage.join(JSON_FILE).display())));

        let future = json_dir(root.path(), "future", |r| r.schema = SCHEMA_VERSION + 1);
        let message = error(future.clone());
        assert!(message.starts_with(&format!("{}: written by a newer meshkit-obs", future.join(JSON_FILE).display())), "{message}");

        let other = json_dir(root.path(), "other", |r| r.backend = "external".into());
        let message = error(other.clone());
        assert!(message.starts_with(&format!("{} has backend \"external\"", other.join(JSON_FILE).display())), "{message}");

        let sharded = json_dir(root.path(), "sharded", |r| r.shard = Some(Shard { index: 1, total: 1 }));
        assert!(error(sharded).contains("is not a shard report"));
        assert!(!out.exists());
    }
}
