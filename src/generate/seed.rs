//! Seeding: scenario -> simulator -> OpenMetrics -> `promtool tsdb create-blocks-from openmetrics`
//! -> a TSDB cached under a content hash of everything that decides it.
//!
//! A cache entry is built in a temporary sibling directory and renamed into place only when
//! complete, with `summary.json` written last, so a crash or Ctrl-C never leaves a half entry.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::process::Command;

use crate::generate::openmetrics;
use crate::generate::sim;
use crate::pack::layout;
use crate::pack::scenario::Scenario;
use crate::pack::{Pack, ScenarioInput};
use crate::programs::tools::{locate, PROMTOOL};
use crate::timestamp::format_utc;

/// promtool's block length.
const BLOCK_SECS: i64 = 7200;

/// Cache entries kept besides the one just used.
const KEEP_OTHER_ENTRIES: usize = 3;

/// What `seed --json` prints, and what a cache entry remembers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeedSummary {
    pub scenario: String,
    pub series: usize,
    pub samples: usize,
    pub data_dir: PathBuf,
    pub cache_hit: bool,
    pub cache_key: String,
    pub window_start: String,
    pub window_end: String,
    pub step_seconds: i64,
    pub generate_seconds: f64,
    pub backfill_seconds: f64,
    /// Recording rules evaluated over the raw data and backfilled next to it.
    pub recording_rules: usize,
    pub rules_seconds: f64,
}

/// Returns the cached TSDB for the request, building it when missing.
pub async fn seed(pack: &Pack, input: &ScenarioInput, progress: &dyn Fn(&str)) -> anyhow::Result<SeedSummary> {
    let promtool = locate(PROMTOOL)?;
    let recording_rules = pack.recording_rules()?;
    let request = Request { pack, input, scenario: &input.scenario, recording_rules: &recording_rules };
    let request = &request;
    let key = cache_key(request)?;
    let entries = pack.cache_dir().join("seed");
    let entry = entries.join(&key);
    if let Some(mut summary) = read_summary(&entry) {
        summary.cache_hit = true;
        summary.data_dir = entry.join("data");
        touch(&entry);
        return Ok(summary);
    }
    std::fs::create_dir_all(&entries).with_context(|| format!("creating the cache directory {}", entries.display()))?;
    let staging =
        tempfile::Builder::new().prefix(".building-").tempdir_in(&entries).context("creating a staging directory in the cache")?;

    progress(&format!("generating {} ({})", request.scenario.name, request.scenario.describe()));
    let started = Instant::now();
    let families = sim::generate(request.scenario, request.pack.catalogue()?)?;
    // One input per 2-hour block (promtool's block size, aligned to multiples of 2 h).
    let first_block = request.scenario.start.div_euclid(BLOCK_SECS) * BLOCK_SECS;
    // A window ending on a block boundary puts its last sample in the previous range's file.
    let range_starts: Vec<i64> = (first_block..request.scenario.end).step_by(BLOCK_SECS as usize).collect();
    let inputs: Vec<PathBuf> = (0..range_starts.len()).map(|k| staging.path().join(format!("block-{k}.om"))).collect();
    let totals = {
        let mut writers = Vec::new();
        for path in &inputs {
            let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            writers.push(std::io::BufWriter::with_capacity(1 << 20, file));
        }
        let totals = openmetrics::write_split(&families, request.input.now_unix, &range_starts, &mut writers)?;
        for writer in &mut writers {
            std::io::Write::flush(writer).context("writing the OpenMetrics files")?;
        }
        totals
    };
    drop(families);
    let generate_seconds = started.elapsed().as_secs_f64();
    progress(&format!(
        "generated {} series, {} samples in {generate_seconds:.1}s; backfilling {} blocks with promtool",
        totals.series,
        totals.samples,
        inputs.len()
    ));

    let started = Instant::now();
    let data = staging.path().join("data");
    std::fs::create_dir_all(&data).context("creating the TSDB directory")?;
    let parallel = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    for chunk in inputs.chunks(parallel) {
        let mut runs = tokio::task::JoinSet::new();
        for input in chunk {
            let out = input.with_extension("blocks");
            let mut command = Command::new(&promtool);
            command.args(["tsdb", "create-blocks-from", "openmetrics", "--quiet"]).arg(input).arg(&out);
            let name = format!("promtool-{}", input.file_stem().unwrap_or_default().to_string_lossy());
            let log_dir = staging.path().to_path_buf();
            // Spawned here, on this thread: the children's death signal is tied to it.
            let child = crate::programs::process::Supervised::spawn(&name, command, &log_dir)?;
            runs.spawn(async move { crate::programs::process::finish(&name, child).await.map(|()| out) });
        }
        while let Some(joined) = runs.join_next().await {
            let out = joined.context("a promtool task panicked")??;
            move_blocks(&out, &data)?;
        }
    }
    let backfill_seconds = started.elapsed().as_secs_f64();
    let blocks = std::fs::read_dir(&data).map(|d| d.flatten().filter(|e| e.path().join("meta.json").exists()).count()).unwrap_or(0);
    if blocks == 0 {
        anyhow::bail!(crate::exit::ToolError::ChildFailed("promtool wrote no TSDB blocks".to_string()));
    }
    progress(&format!("backfilled {blocks} blocks in {backfill_seconds:.1}s"));

    let started = Instant::now();
    let groups = recording_groups(request.recording_rules)?;
    let recording_rules = groups.iter().map(rule_count).sum();
    if recording_rules > 0 {
        progress(&format!("evaluating {recording_rules} recording rules over the window and backfilling them"));
        backfill_rules(request, groups, &promtool, staging.path(), &data).await?;
    }
    let rules_seconds = started.elapsed().as_secs_f64();
    for entry in std::fs::read_dir(staging.path())?.flatten() {
        if entry.path().is_file() {
            std::fs::remove_file(entry.path()).ok();
        }
    }

    let summary = SeedSummary {
        scenario: request.scenario.name.clone(),
        series: totals.series,
        samples: totals.samples,
        data_dir: entry.join("data"),
        cache_hit: false,
        cache_key: key.clone(),
        window_start: format_utc(request.scenario.start),
        window_end: format_utc(request.scenario.end),
        step_seconds: request.scenario.step,
        generate_seconds,
        backfill_seconds,
        recording_rules,
        rules_seconds,
    };
    std::fs::write(staging.path().join("summary.json"), serde_json::to_vec_pretty(&summary)?).context("writing the cache summary")?;
    let staged = staging.keep();
    if std::fs::rename(&staged, &entry).is_err() {
        // Another run finished the same entry first; theirs is identical.
        std::fs::remove_dir_all(&staged).ok();
    }
    prune(&entries, &key);
    Ok(summary)
}

/// The groups of a recording-rules file (`rules::recording_rules_file`; empty bytes: none).
fn recording_groups(file: &[u8]) -> anyhow::Result<Vec<serde_json::Value>> {
    if file.is_empty() {
        return Ok(Vec::new());
    }
    let parsed: serde_json::Value = serde_json::from_slice(file).context("reading the recording rules")?;
    Ok(parsed["groups"].as_array().cloned().unwrap_or_default())
}

fn rule_count(group: &serde_json::Value) -> usize {
    group["rules"].as_array().map_or(0, Vec::len)
}

/// Moves the TSDB blocks promtool wrote to `from` into `data` and removes `from`.
fn move_blocks(from: &Path, data: &Path) -> anyhow::Result<usize> {
    let mut moved = 0;
    for block in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))?.flatten() {
        if block.path().join("meta.json").exists() {
            std::fs::rename(block.path(), data.join(block.file_name())).context("moving a TSDB block into place")?;
            moved += 1;
        }
    }
    std::fs::remove_dir_all(from).ok();
    Ok(moved)
}

/// Evaluates the recording rules with `promtool tsdb create-blocks-from rules` against a
/// Prometheus over the raw blocks in `data`, and moves the resulting blocks into `data`.
/// Rules must read raw series only: a rule reading another recorded series would see nothing.
async fn backfill_rules(
    request: &Request<'_>,
    groups: Vec<serde_json::Value>,
    promtool: &Path,
    staging: &Path,
    data: &Path,
) -> anyhow::Result<()> {
    let parallel = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let shards = split_rule_groups(groups, parallel);
    let server = crate::programs::prometheus::Prometheus::start(data).await?;
    // promtool evaluates one rule after another: one process per share of the groups.
    let mut runs = tokio::task::JoinSet::new();
    let mut outs = Vec::new();
    for (index, shard) in shards.iter().enumerate() {
        // promtool evaluates a group at an offset within the interval hashed from the group's
        // name and its file path as given: a relative name, the same in every run, keeps the
        // recorded timestamps (and so every dashboard pixel) identical from seed to seed.
        let rules_file = format!("recording-{index}.rules.json");
        std::fs::write(staging.join(&rules_file), shard).context("writing the recording rules for backfill")?;
        let out = staging.join(format!("rules-blocks-{index}"));
        let mut command = Command::new(promtool);
        command
            .current_dir(staging)
            .args(["tsdb", "create-blocks-from", "rules"])
            .arg(format!("--url={}", server.url))
            .arg(format!("--start={}", request.scenario.start))
            .arg(format!("--end={}", request.scenario.end))
            .arg(format!("--eval-interval={}s", request.scenario.step))
            .arg(format!("--output-dir={}", out.display()))
            .arg(&rules_file);
        let name = format!("promtool-rules-{index}");
        let child = crate::programs::process::Supervised::spawn(&name, command, staging)?;
        runs.spawn(async move { crate::programs::process::finish("promtool tsdb create-blocks-from rules", child).await });
        outs.push(out);
    }
    let mut evaluated = Ok(());
    while let Some(joined) = runs.join_next().await {
        let result = joined.context("a promtool task panicked").and_then(|r| r);
        if evaluated.is_ok() {
            evaluated = result;
        }
    }
    server.stop().await;
    evaluated?;
    let mut moved = 0;
    for out in &outs {
        moved += move_blocks(out, data)?;
    }
    if moved == 0 {
        anyhow::bail!(crate::exit::ToolError::ChildFailed(
            "promtool evaluated the recording rules but wrote no blocks: does any rule match the seeded series?".to_string()
        ));
    }
    Ok(())
}

/// Splits recording-rule groups into up to `parts` files of whole groups with similar rule counts.
fn split_rule_groups(mut groups: Vec<serde_json::Value>, parts: usize) -> Vec<Vec<u8>> {
    groups.sort_by_key(|g| std::cmp::Reverse(rule_count(g)));
    let mut shares: Vec<(usize, Vec<serde_json::Value>)> = vec![(0, Vec::new()); parts.max(1).min(groups.len().max(1))];
    for group in groups {
        let lightest = shares.iter_mut().min_by_key(|(count, _)| *count).expect("at least one share");
        lightest.0 += rule_count(&group);
        lightest.1.push(group);
    }
    shares
        .into_iter()
        .filter(|(_, g)| !g.is_empty())
        .map(|(_, g)| serde_json::to_vec(&serde_json::json!({ "groups": g })).expect("JSON serialises"))
        .collect()
}

/// What one seed reads: the pack, the scenario and the recording rules.
struct Request<'a> {
    pack: &'a Pack,
    input: &'a ScenarioInput,
    scenario: &'a Scenario,
    recording_rules: &'a [u8],
}

/// The content hash of everything that decides the seeded TSDB.
fn cache_key(request: &Request<'_>) -> anyhow::Result<String> {
    let catalogue_path = request.pack.path(layout::CATALOGUE);
    let catalogue_bytes = std::fs::read(&catalogue_path).with_context(|| format!("reading {}", catalogue_path.display()))?;
    let mut hasher = Sha256::new();
    for part in [
        b"meshkit-obs seed v1".as_slice(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        env!("MESHKIT_SIM_FINGERPRINT").as_bytes(),
        &request.input.bytes,
        &catalogue_bytes,
        request.recording_rules,
        promtool_version().as_bytes(),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    Ok(digest.iter().take(12).map(|b| format!("{b:02x}")).collect())
}

/// promtool's version decides the block format; a failure to ask simply yields "unknown".
fn promtool_version() -> String {
    std::process::Command::new("promtool")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string())
}

fn read_summary(entry: &Path) -> Option<SeedSummary> {
    let bytes = std::fs::read(entry.join("summary.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn touch(entry: &Path) {
    let _ =
        std::fs::File::options().append(true).open(entry.join("summary.json")).and_then(|f| f.set_modified(std::time::SystemTime::now()));
}

/// Removes all but the newest few cache entries (and abandoned staging directories).
fn prune(entries: &Path, keep: &str) {
    let Ok(listing) = std::fs::read_dir(entries) else { return };
    let listing: Vec<std::fs::DirEntry> = listing.flatten().collect();
    // Staging directories left by a killed run (SIGKILL skips cleanup) are removed after an hour.
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for stale in listing.iter().filter(|e| e.file_name().to_string_lossy().starts_with(".building-")) {
        if stale.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < hour_ago) {
            std::fs::remove_dir_all(stale.path()).ok();
        }
    }
    let mut others: Vec<(std::time::SystemTime, PathBuf)> = listing
        .iter()
        .filter(|e| e.file_name() != keep && !e.file_name().to_string_lossy().starts_with(".building-"))
        .map(|e| {
            let modified = std::fs::metadata(e.path().join("summary.json")).and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH);
            (modified, e.path())
        })
        .collect();
    others.sort();
    let surplus = others.len().saturating_sub(KEEP_OTHER_ENTRIES);
    for (_, path) in others.into_iter().take(surplus) {
        std::fs::remove_dir_all(path).ok();
    }
}
