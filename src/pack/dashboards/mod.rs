//! The pack's dashboards: one reader for a dashboard file ([`DashboardFile`]: plain or wrapped
//! in Grafana's `{"dashboard": ...}`, from disk or from bytes), one panel walk with a view of a
//! panel ([`panels`]), and the dashboards as the screenshot checks see them: uid, title, folder,
//! the panels that get a capture (rows expanded, as the viewer draws them) and the variable
//! names, found through the provisioning files and read strictly so a broken file stops the run
//! with its location instead of silently missing from the check.

mod file;
mod json_location;
pub mod panels;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use file::DashboardFile;
pub use panels::{drawn_panels, PanelView};

use crate::diagnostic::{Diagnostic, Location};
use crate::exit::ToolError;
use crate::pack::provisioning::{self, Provisioning};

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
        return Err(Diagnostic::new(
            provider.path.at.in_file(&provider.file),
            format!("provider `{}`: {why}", provider.name.value),
            format!(
                "point options.path at a folder of dashboards (${} is the pack's dashboards/ folder)",
                provisioning::DASHBOARDS_DIR_VAR
            ),
        )
        .into());
    }
    let mut by_uid: BTreeMap<String, Dashboard> = BTreeMap::new();
    for provided in provisioning.provided_files(pack_root) {
        let mut dashboard = Dashboard::from_file(&DashboardFile::read(&provided.file)?)?;
        dashboard.folder = provisioning.providers[provided.provider].folder_title().to_string();
        if let Some(other) = by_uid.get(&dashboard.uid) {
            return Err(Diagnostic::new(
                Location::file_start(&dashboard.file),
                format!("uid {:?} is also the uid of {} (both provisioned)", dashboard.uid, other.file.display()),
                "give every dashboard its own uid (the file stem) and provision each file once",
            )
            .into());
        }
        by_uid.insert(dashboard.uid.clone(), dashboard);
    }
    Ok(by_uid.into_values().collect())
}

/// The uids of the dashboards among `files` that a provider delivers: the dashboards a link
/// (an alert's `dashboard_url`, a panel link) can open. Files without a uid are left out; lint
/// reports them.
pub fn provisioned_uids(pack_root: &Path, provisioning: &Provisioning, files: &[DashboardFile]) -> BTreeSet<String> {
    files.iter().filter(|f| !provisioning.providers_of(pack_root, &f.path).is_empty()).filter_map(|f| Some(f.uid()?.to_string())).collect()
}

impl Dashboard {
    /// The dashboard of one file, strictly: JSON, a uid, and unique numeric panel ids.
    pub fn from_file(file: &DashboardFile) -> Result<Dashboard, Diagnostic> {
        let model = file.model()?;
        let uid = file.uid().ok_or_else(|| file.diagnostic("/uid", "missing or empty", "set \"uid\" to the file stem"))?.to_string();
        let title = model["title"].as_str().unwrap_or(&uid).to_string();
        let mut panels = Vec::new();
        let mut seen = BTreeMap::new();
        for panel in drawn_panels(model) {
            let pointer = panel.pointer();
            let id = panel.id().and_then(|id| u32::try_from(id).ok()).ok_or_else(|| {
                file.diagnostic(&format!("{pointer}/id"), "panel without a numeric id", "give every panel a unique positive \"id\"")
            })?;
            if let Some(first) = seen.insert(id, pointer.clone()) {
                return Err(file.diagnostic(
                    &format!("{pointer}/id"),
                    format!("panel id {id} is also used at {first}"),
                    "give every panel a unique id (screenshots are keyed by it)",
                ));
            }
            panels.push(Panel { id, title: panel.title().unwrap_or("").to_string() });
        }
        let variables =
            model["templating"]["list"].as_array().into_iter().flatten().filter_map(|v| v["name"].as_str().map(str::to_string)).collect();
        Ok(Dashboard { uid, title, file: file.path.clone(), folder: String::new(), panels, variables })
    }
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
    fn a_wrapped_export_is_discovered_like_its_model() {
        let (pack, dir) = provisioned_pack();
        let model = r#"{"uid":"w","title":"W","panels":[{"id":1,"type":"stat","title":"Up"}]}"#;
        write(&dir, "w.json", &format!(r#"{{"meta": {{"slug": "w"}}, "dashboard": {model}}}"#));
        let found = discover(pack.path()).unwrap();
        assert_eq!((found[0].uid.as_str(), found[0].title.as_str(), found[0].panels.len()), ("w", "W", 1));
    }

    #[test]
    fn broken_files_are_located() {
        let (pack, dir) = provisioned_pack();
        let bad = write(&dir, "bad.json", "{\n  \"uid\": \"x\",\n  \"panels\": [,]\n}");
        let err = discover(pack.path()).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}:3:14: not valid JSON", bad.display())), "{err}");
        let dup = write(&dir, "dup.json", r#"{"uid":"d","panels":[{"id":4,"type":"stat"},{"id":4,"type":"gauge"}]}"#);
        let read = |path: &Path| Dashboard::from_file(&DashboardFile::read(path).unwrap());
        assert!(read(&dup).unwrap_err().to_string().contains(":1:51: /panels/1/id: panel id 4 is also used at /panels/0"));
        let wrapped = write(&dir, "wrapped.json", r#"{"dashboard": {"uid": "", "panels": []}}"#);
        assert!(read(&wrapped).unwrap_err().to_string().contains(":1:23: /dashboard/uid: missing or empty"));
        std::fs::remove_file(wrapped).unwrap();
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
