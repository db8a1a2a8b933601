//! The pack model: everything the tool reads from a pack's folder — the metrics catalogue,
//! scenarios, `meshkit-obs.toml`, alert and recording rules, Grafana provisioning and
//! dashboards, link conventions, what a PromQL expression reads, and the pack at a git revision.
//!
//! `Pack` is the one handle the library takes: its root, where its files are (`layout`), where
//! the tool's caches and reports go, and the pieces every command shares, each read once.

pub mod catalogue;
pub mod config;
pub mod dashboards;
pub mod git;
pub mod layout;
pub mod links;
pub mod promql;
pub mod provisioning;
pub mod rules;
pub mod scenario;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::exit::ToolError;
use catalogue::Catalogue;
use rules::RuleFile;
use scenario::Scenario;

/// A scenario as read from its file: the model, plus the bytes and the "now" it was validated
/// against, which key the seed cache and guard the generated timestamps.
#[derive(Debug)]
pub struct ScenarioInput {
    pub scenario: Scenario,
    pub bytes: Vec<u8>,
    pub now_unix: i64,
}

/// A pack on disk. Cheap to open; the catalogue and the rule files are read on first use and
/// kept, so every stage of one command sees the same content.
#[derive(Debug)]
pub struct Pack {
    root: PathBuf,
    cache_dir: PathBuf,
    catalogue: OnceLock<Catalogue>,
    rule_files: OnceLock<Vec<RuleFile>>,
}

impl Pack {
    /// The pack at `root`; `cache_dir` overrides where seeded TSDBs are cached
    /// (default `<root>/target/meshkit-obs-cache`). Both are made absolute so the paths the
    /// tool prints work from any directory.
    pub fn open(root: &Path, cache_dir: Option<&Path>) -> Result<Pack, ToolError> {
        if !root.is_dir() {
            return Err(ToolError::InvalidInput(format!(
                "{}: not a folder; fix: pass the pack's root (the folder holding metrics/, alerts/, dashboards/) with --pack",
                root.display()
            )));
        }
        let absolute = |path: PathBuf| std::path::absolute(&path).unwrap_or(path);
        let root = absolute(root.to_path_buf());
        let cache_dir = absolute(cache_dir.map_or_else(|| root.join(layout::CACHE), Path::to_path_buf));
        Ok(Pack { root, cache_dir, catalogue: OnceLock::new(), rule_files: OnceLock::new() })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A path of the layout (a `layout::*` constant) under this pack.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Where seeded TSDBs and generated rule tests are cached.
    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    /// `path` relative to the pack's root when it lies inside it, for messages and reports.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }

    /// The metrics catalogue, read on first use.
    pub fn catalogue(&self) -> Result<&Catalogue, ToolError> {
        if let Some(catalogue) = self.catalogue.get() {
            return Ok(catalogue);
        }
        let loaded = Catalogue::load(&self.path(layout::CATALOGUE))?;
        Ok(self.catalogue.get_or_init(|| loaded))
    }

    /// The scenario at `path`, or the pack's reference scenario; validated against the current
    /// time (scenarios may not end in the future).
    pub fn scenario(&self, path: Option<&Path>) -> Result<ScenarioInput, ToolError> {
        let now_unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let path = path.map_or_else(|| self.path(layout::DEFAULT_SCENARIO), Path::to_path_buf);
        let bytes = std::fs::read(&path).map_err(|err| {
            ToolError::InvalidInput(format!("{}: cannot read scenario: {err}; pass an existing file with --scenario", path.display()))
        })?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| ToolError::InvalidInput(format!("{}: not UTF-8 text; fix: save the scenario as UTF-8", path.display())))?;
        let scenario = scenario::parse(&path, text, now_unix)?;
        Ok(ScenarioInput { scenario, bytes, now_unix })
    }

    /// The pack's recording rules as one rule file (empty: none), what the seed backfills.
    pub fn recording_rules(&self) -> Result<Vec<u8>, ToolError> {
        Ok(rules::recording_rules_file(self.rule_files()?))
    }

    /// Every rule file under `alerts/`, read on first use.
    pub fn rule_files(&self) -> Result<&[RuleFile], ToolError> {
        if let Some(files) = self.rule_files.get() {
            return Ok(files);
        }
        let loaded = rules::load_all(&self.root)?;
        Ok(self.rule_files.get_or_init(|| loaded))
    }
}
