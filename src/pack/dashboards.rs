//! The pack's dashboards as the screenshot checks see them: uid, title, folder, the panels that
//! get a capture (rows expanded, as the viewer draws them) and the variable names, found through
//! the provisioning files and read strictly so a broken file stops the run with its location
//! instead of silently missing from the check.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::exit::ToolError;
use crate::pack::provisioning;

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub uid: String,
    pub title: String,
    pub file: PathBuf,
    /// The Grafana folder its provider places it in.
    pub folder: String,
    /// Every drawn panel except rows, in file order.
    pub panels: Vec<Panel>,
    pub variables: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Panel {
    pub id: u32,
    pub title: String,
}

/// Every dashboard the pack's provisioning files deliver, sorted by uid. Fails on a provider
/// whose path leads nowhere, on the first file that is not a usable dashboard, and on two files
/// (or two providers) claiming one uid.
pub fn discover(pack_root: &Path) -> Result<Vec<Dashboard>, ToolError> {
    let provisioning = provisioning::load(pack_root)?;
    if let Some((provider, why)) = provisioning.path_problems(pack_root).into_iter().next() {
        return Err(ToolError::InvalidInput(format!(
            "{}:{}:{}: provider `{}`: {why}; fix: point options.path at a folder of dashboards (${} is the pack's dashboards/ folder)",
            provider.file.display(),
            provider.path.at.line,
            provider.path.at.column,
            provider.name.value,
            provisioning::DASHBOARDS_DIR_VAR
        )));
    }
    let mut by_uid: BTreeMap<String, Dashboard> = BTreeMap::new();
    for provided in provisioning.provided_files(pack_root) {
        let mut dashboard = read(&provided.file)?;
        dashboard.folder = provisioning.providers[provided.provider].folder_title().to_string();
        let file = provided.file;
        if let Some(other) = by_uid.get(&dashboard.uid) {
            return Err(ToolError::InvalidInput(format!(
                "{}: uid {:?} is also the uid of {} (both provisioned); fix: give every dashboard its own uid (the file stem) and provision each file once",
                file.display(),
                dashboard.uid,
                other.file.display()
            )));
        }
        by_uid.insert(dashboard.uid.clone(), dashboard);
    }
    Ok(by_uid.into_values().collect())
}

fn invalid(file: &Path, at: String, message: String) -> ToolError {
    ToolError::InvalidInput(format!("{}{at}: {message}", file.display()))
}

/// The dashboard model of one file, as JSON: Grafana's HTTP API wraps it as
/// `{"dashboard": {...}}`, a UI export does not; both are accepted.
pub fn model(file: &Path) -> Result<Value, ToolError> {
    let bytes = std::fs::read(file).map_err(|err| invalid(file, String::new(), format!("cannot read: {err}")))?;
    let json: Value = serde_json::from_slice(&bytes).map_err(|err| {
        invalid(
            file,
            format!(":{}:{}", err.line(), err.column()),
            format!("not valid JSON: {err}; fix: repair the JSON (Grafana's \"Export\" writes a valid file)"),
        )
    })?;
    Ok(match json.get("dashboard").filter(|d| d.is_object()) {
        Some(model) => model.clone(),
        None => json,
    })
}

/// Reads one dashboard file.
pub fn read(file: &Path) -> Result<Dashboard, ToolError> {
    let invalid = |at: String, message: String| invalid(file, at, message);
    let model = &model(file)?;
    let uid = model["uid"]
        .as_str()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| invalid(" /uid".into(), "missing or empty; fix: set \"uid\" to the file stem".into()))?
        .to_string();
    let title = model["title"].as_str().unwrap_or(&uid).to_string();
    let mut panels = Vec::new();
    let mut seen = BTreeMap::new();
    for (pointer, panel) in drawn_panels(model) {
        let id = panel["id"].as_u64().and_then(|id| u32::try_from(id).ok()).ok_or_else(|| {
            invalid(format!(" {pointer}/id"), "panel without a numeric id; fix: give every panel a unique positive \"id\"".into())
        })?;
        if let Some(first) = seen.insert(id, pointer.clone()) {
            return Err(invalid(
                format!(" {pointer}/id"),
                format!("panel id {id} is also used at {first}; fix: give every panel a unique id (screenshots are keyed by it)"),
            ));
        }
        panels.push(Panel { id, title: panel["title"].as_str().unwrap_or("").to_string() });
    }
    let variables =
        model["templating"]["list"].as_array().into_iter().flatten().filter_map(|v| v["name"].as_str().map(str::to_string)).collect();
    Ok(Dashboard { uid, title, file: file.to_path_buf(), folder: String::new(), panels, variables })
}

/// (JSON pointer, panel) of every non-row panel, including those inside rows, in file order.
pub fn drawn_panels(model: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (i, panel) in model["panels"].as_array().into_iter().flatten().enumerate() {
        if panel["type"] == "row" {
            for (j, inner) in panel["panels"].as_array().into_iter().flatten().enumerate() {
                out.push((format!("/panels/{i}/panels/{j}"), inner));
            }
        } else {
            out.push((format!("/panels/{i}"), panel));
        }
    }
    out
}

/// A file-name-safe slug of a panel title: lowercase ASCII words joined by '-', at most 48
/// characters; "panel" when nothing is left.
pub fn slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 48 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "panel".to_string()
    } else {
        slug.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// A pack whose one provider delivers `dashboards/`; returns (pack, dashboards folder).
    fn provisioned_pack() -> (tempfile::TempDir, PathBuf) {
        let pack = tempfile::tempdir().unwrap();
        let providers = pack.path().join(crate::pack::layout::PROVIDERS);
        std::fs::create_dir_all(&providers).unwrap();
        write(
            &providers,
            "p.yaml",
            "apiVersion: 1\nproviders:\n  - name: all\n    folder: Team\n    options: {path: $MESHKIT_DASHBOARDS_DIR/team}\n",
        );
        let dir = pack.path().join("dashboards/team");
        std::fs::create_dir_all(&dir).unwrap();
        (pack, dir)
    }

    #[test]
    fn rows_are_expanded_and_rows_themselves_are_not_captured() {
        let (pack, dir) = provisioned_pack();
        write(
            &dir,
            "a.json",
            r#"{"uid":"a","title":"A","templating":{"list":[{"name":"cluster"}]},"panels":[
            {"id":1,"type":"stat","title":"Up"},{"id":2,"type":"row","title":"More","collapsed":true,"panels":[{"id":3,"type":"timeseries","title":"Lag p99 ($cluster)"}]}]}"#,
        );
        write(pack.path().join("dashboards").as_path(), "unprovisioned.json", r#"{"uid":"u","panels":[]}"#);
        let found = discover(pack.path()).unwrap();
        assert_eq!(found.len(), 1, "only what a provider delivers");
        assert_eq!(found[0].folder, "Team");
        assert_eq!(found[0].panels.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(found[0].variables, ["cluster"]);
    }

    #[test]
    fn broken_files_are_located() {
        let (pack, dir) = provisioned_pack();
        let bad = write(&dir, "bad.json", "{\n  \"uid\": \"x\",\n  \"panels\": [,]\n}");
        let err = read(&bad).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}:3:14: not valid JSON", bad.display())), "{err}");
        let dup = write(&dir, "dup.json", r#"{"uid":"d","panels":[{"id":4,"type":"stat"},{"id":4,"type":"gauge"}]}"#);
        assert!(read(&dup).unwrap_err().to_string().contains("/panels/1/id: panel id 4 is also used at /panels/0"));
        std::fs::remove_file(bad).unwrap();
        write(&dir, "twin.json", r#"{"uid":"d","panels":[]}"#);
        std::fs::remove_file(dup).unwrap();
        write(&dir, "dup2.json", r#"{"uid":"d","panels":[]}"#);
        assert!(discover(pack.path()).unwrap_err().to_string().contains("uid \"d\" is also the uid of"));
    }

    #[test]
    fn slugs_are_stable_and_safe() {
        assert_eq!(slug("Replication lag p99 ($cluster) — vs lease"), "replication-lag-p99-cluster-vs-lease");
        assert_eq!(slug("  ***  "), "panel");
        assert!(slug(&"x".repeat(100)).len() <= 48);
    }
}
