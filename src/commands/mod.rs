//! One module per subcommand; each turns arguments into calls on the library modules.

pub mod alertmanager_config;
pub mod check;
pub mod diff;
pub mod docs;
pub mod export_rules;
pub mod export_series;
pub mod lint;
pub mod metrics_doc;
pub mod release_notes;
pub mod seed;
pub mod serve;
pub mod test_rules;
pub mod update_baselines;

use std::path::PathBuf;

use crate::cli::{PackArgs, ScenarioArgs};
use crate::exit::ToolError;
use crate::generate::seed::SeedRequest;
use crate::pack::catalogue::Catalogue;
use crate::pack::layout;
use crate::pack::rules::{self, RuleFile};
use crate::pack::scenario::{self, Scenario};

/// A loaded pack: the catalogue and one scenario, plus the scenario's bytes for hashing.
pub struct Loaded {
    pub catalogue: Catalogue,
    pub scenario: Scenario,
    pub scenario_bytes: Vec<u8>,
    pub rule_files: Vec<RuleFile>,
    /// The recording rules of `rule_files` as one file, for the seed's backfill.
    pub recording_rules: Vec<u8>,
    pub now_unix: i64,
}

pub fn load(pack: &PackArgs, args: &ScenarioArgs) -> Result<Loaded, ToolError> {
    let now_unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let path: PathBuf = args.scenario.clone().unwrap_or_else(|| pack.pack.join("scenarios").join("reference.yaml"));
    let scenario_bytes = std::fs::read(&path).map_err(|err| {
        ToolError::InvalidInput(format!("{}: cannot read scenario: {err}; pass an existing file with --scenario", path.display()))
    })?;
    let text =
        String::from_utf8(scenario_bytes.clone()).map_err(|_| ToolError::InvalidInput(format!("{}: not UTF-8 text", path.display())))?;
    let scenario = scenario::parse(&path, &text, now_unix)?;
    let catalogue = Catalogue::load(&pack.pack.join(layout::CATALOGUE))?;
    let rule_files = rules::load_all(&pack.pack)?;
    let recording_rules = rules::recording_rules_file(&rule_files);
    Ok(Loaded { catalogue, scenario, scenario_bytes, rule_files, recording_rules, now_unix })
}

impl Loaded {
    /// The seed request for this pack and scenario.
    pub fn seed_request<'a>(&'a self, pack: &'a PackArgs, cache_dir: &'a std::path::Path) -> SeedRequest<'a> {
        SeedRequest {
            pack_root: &pack.pack,
            cache_dir,
            scenario: &self.scenario,
            scenario_bytes: &self.scenario_bytes,
            catalogue: &self.catalogue,
            recording_rules: &self.recording_rules,
            now_unix: self.now_unix,
        }
    }
}

/// Progress lines go to stderr so stdout stays machine-readable.
pub fn progress(message: &str) {
    eprintln!("meshkit-obs: {message}");
}
