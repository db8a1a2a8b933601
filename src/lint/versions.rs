//! Lint of the pack's versioning (docs/releasing.md): every dashboard names the pack version it
//! ships in (`dashboard-pack-version`), and a dashboard whose content changed since git `HEAD`
//! raises its integer `version` (`dashboard-version-bump`), so a deployed Grafana can tell which
//! copy it runs.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::{Finding, RuleId};
use crate::pack::dashboards::DashboardFile;
use crate::pack::git::Repo;
use crate::pack::layout;

/// The tag prefix naming the pack version (`meshkit-pack:v0.1.0`).
pub const PACK_TAG_PREFIX: &str = "meshkit-pack:v";

/// The tag every dashboard of this pack version carries.
pub fn pack_tag() -> String {
    format!("{PACK_TAG_PREFIX}{}", env!("CARGO_PKG_VERSION"))
}

fn finding(file: &DashboardFile, pointer: &str, rule: RuleId, message: String, fix: String) -> Finding {
    Finding::new(rule, file.diagnostic(pointer, message, fix))
}

/// `dashboard-pack-version`: the `meshkit-pack:v…` tag of dashboard model `json` (of `file`)
/// is the crate's version.
pub fn pack_version(file: &DashboardFile, json: &Value) -> Option<Finding> {
    let expected = pack_tag();
    let fix = format!("tag the dashboard \"{expected}\" (the version in Cargo.toml; see docs/releasing.md)");
    let tags = json["tags"].as_array().map(Vec::as_slice).unwrap_or_default();
    let versioned: Vec<(usize, &str)> =
        tags.iter().enumerate().filter_map(|(k, t)| Some((k, t.as_str().filter(|t| t.starts_with(PACK_TAG_PREFIX))?))).collect();
    match versioned.iter().find(|(_, tag)| *tag != expected) {
        _ if versioned.is_empty() => {
            Some(finding(file, "/tags", RuleId::DashboardPackVersion, format!("the pack version tag `{expected}` is missing"), fix))
        }
        Some((k, tag)) => Some(finding(
            file,
            &format!("/tags/{k}"),
            RuleId::DashboardPackVersion,
            format!("tagged `{tag}`, but the pack version is `{expected}`"),
            fix,
        )),
        None => None,
    }
}

/// `dashboard-version-bump`: each dashboard that differs from its copy at git `HEAD` (compared as
/// parsed JSON without `version`) has a higher `version` than that copy. Skipped without a work
/// tree or a first commit to compare with, and for files new since `HEAD`: there is no released
/// copy a deployment could confuse it with. Files that are not JSON objects are skipped (their
/// `dashboard-json` finding says enough).
pub fn version_bumps(pack_root: &Path, files: &[DashboardFile]) -> Vec<Finding> {
    let Ok(repo) = Repo::open(pack_root) else { return Vec::new() };
    let Ok(at_head) = repo.files("HEAD", layout::DASHBOARDS) else { return Vec::new() };
    let at_head: BTreeSet<String> = at_head.into_iter().collect();
    let mut findings = Vec::new();
    for file in files {
        let Some(json) = file.model().ok().filter(|j| j.is_object()) else { continue };
        let Some(relative) = file.path.strip_prefix(pack_root).ok().and_then(Path::to_str).filter(|p| at_head.contains(*p)) else {
            continue;
        };
        let Ok(text) = repo.show("HEAD", relative) else { continue };
        let head = DashboardFile::from_bytes(&file.path, text.as_bytes());
        // A copy at HEAD that is not JSON cannot be compared; the working copy's own findings say enough.
        let Ok(head) = head.model() else { continue };
        if without_version(head) == without_version(json) {
            continue;
        }
        let head_version = head["version"].as_u64().unwrap_or(0);
        let version = json["version"].as_u64();
        if version.is_none_or(|v| v <= head_version) {
            let now = version.map_or_else(|| format!("{}", json["version"]), |v| v.to_string());
            findings.push(finding(
                file,
                "/version",
                RuleId::DashboardVersionBump,
                format!("the dashboard changed since HEAD ({relative}) but `version` is {now} (HEAD: {head_version})"),
                format!("set \"version\": {} so deployments can tell the copies apart", head_version + 1),
            ));
        }
    }
    findings
}

/// The dashboard without its `version` field: what a change of content is measured on.
fn without_version(json: &Value) -> Value {
    let mut json = json.clone();
    if let Some(object) = json.as_object_mut() {
        object.remove("version");
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_compared_without_the_version() {
        let a = serde_json::json!({"version": 1, "title": "A", "panels": [{"id": 1}]});
        let b = serde_json::json!({"panels": [{"id": 1}], "title": "A", "version": 2});
        assert_eq!(without_version(&a), without_version(&b));
        let c = serde_json::json!({"version": 1, "title": "B", "panels": [{"id": 1}]});
        assert_ne!(without_version(&a), without_version(&c));
    }
}
