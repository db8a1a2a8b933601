//! The approved screenshots on disk: `baselines/<backend>/<uid>/<view>/<panel-id>-<slug>.png`
//! and `.../<view>/dashboard.png` for the whole dashboard. Owns the naming, finding a baseline
//! whose panel was renamed, listing orphans, and replacing files atomically.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::fsutil::{sorted_files, write_atomic};
use crate::pack::dashboards::{slug, Panel};
use crate::pack::layout;

/// The render backend whose baselines this run uses (a real Grafana backend gets its own).
pub const EMBEDDED: &str = "embedded";

/// File name of the whole-dashboard image in a view folder.
pub const DASHBOARD_FILE: &str = "dashboard.png";

pub struct Store {
    pack: PathBuf,
    root: PathBuf,
}

impl Store {
    pub fn new(pack: &Path, backend: &str) -> Store {
        Store { pack: pack.to_path_buf(), root: pack.join(layout::BASELINES).join(backend) }
    }

    /// Where the baseline of a capture lives (`panel` None: the whole dashboard).
    pub fn path(&self, uid: &str, view: &str, panel: Option<&Panel>) -> PathBuf {
        let file = panel.map_or_else(|| DASHBOARD_FILE.to_string(), |p| format!("{}-{}.png", p.id, slug(&p.title)));
        self.root.join(uid).join(view).join(file)
    }

    /// `path` relative to the pack, with '/' separators, for reports and messages.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.pack).unwrap_or(path).to_string_lossy().replace('\\', "/")
    }

    /// The baseline to compare a capture with: its own path, or the one file of the same panel
    /// id under another title (the panel was renamed).
    pub fn find(&self, path: &Path, panel: Option<&Panel>) -> Option<PathBuf> {
        if path.is_file() {
            return Some(path.to_path_buf());
        }
        let panel = panel?;
        let prefix = format!("{}-", panel.id);
        let dir = path.parent()?;
        let mut same_id = sorted_files(dir, |name| {
            name.starts_with(&prefix) && name.ends_with(".png") && name[prefix.len()..].chars().next().is_some_and(|c| !c.is_ascii_digit())
        })
        .ok()?;
        (same_id.len() == 1).then(|| same_id.remove(0))
    }

    /// Every baseline PNG under the given dashboards' folders (all dashboards when `uids` is
    /// None).
    pub fn existing(&self, uids: Option<&[String]>) -> Vec<PathBuf> {
        let dashboards: Vec<PathBuf> = match uids {
            Some(uids) => uids.iter().map(|uid| self.root.join(uid)).collect(),
            None => sorted_files(&self.root, |_| true).unwrap_or_default(),
        };
        let mut found = Vec::new();
        for dashboard in dashboards.iter().filter(|d| d.is_dir()) {
            for view in sorted_files(dashboard, |_| true).unwrap_or_default().iter().filter(|v| v.is_dir()) {
                found.extend(sorted_files(view, |name| name.ends_with(".png") && !name.starts_with('.')).unwrap_or_default());
            }
        }
        found
    }

    /// Baselines under the given dashboards that no expected capture uses.
    pub fn orphans(&self, uids: Option<&[String]>, used: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
        self.existing(uids).into_iter().filter(|p| !used.contains(p)).collect()
    }

    /// A baseline's bytes.
    pub fn read(&self, path: &Path) -> anyhow::Result<Vec<u8>> {
        use anyhow::Context as _;
        std::fs::read(path).with_context(|| format!("reading {}", self.display(path)))
    }

    /// Replaces (or creates) a baseline: temporary file in the same folder, then rename, so a
    /// reader or a kill -9 sees the old file or the new one, never a partial one.
    pub fn write(&self, path: &Path, png: &[u8]) -> anyhow::Result<()> {
        use anyhow::Context as _;
        write_atomic(path, png).with_context(|| format!("writing {}", self.display(path)))
    }

    /// Removes a baseline and the folders it leaves empty (up to the backend root).
    pub fn remove(&self, path: &Path) -> anyhow::Result<()> {
        use anyhow::Context as _;
        std::fs::remove_file(path).with_context(|| format!("removing {}", self.display(path)))?;
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(&self.root) && *d != self.root) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }

    /// Removes temporary files an interrupted write left in the given dashboards' folders.
    pub fn remove_stale_temporaries(&self, uids: &[String]) {
        for uid in uids {
            for view in sorted_files(&self.root.join(uid), |_| true).unwrap_or_default() {
                for stale in sorted_files(&view, |name| name.starts_with(".tmp")).unwrap_or_default() {
                    let _ = std::fs::remove_file(stale);
                }
            }
        }
    }

    /// The dashboard uid and view a baseline path belongs to.
    pub fn owner(&self, path: &Path) -> (String, String) {
        let parts: Vec<String> = path.strip_prefix(&self.root).unwrap_or(path).iter().map(|p| p.to_string_lossy().into_owned()).collect();
        (parts.first().cloned().unwrap_or_default(), parts.get(1).cloned().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_renames_and_orphans() {
        let pack = tempfile::tempdir().unwrap();
        let store = Store::new(pack.path(), EMBEDDED);
        let panel = Panel { id: 4, title: "Lag p99".into() };
        let path = store.path("gossip", "all", Some(&panel));
        assert_eq!(store.display(&path), "baselines/embedded/gossip/all/4-lag-p99.png");
        assert_eq!(store.find(&path, Some(&panel)), None);
        let old = store.path("gossip", "all", Some(&Panel { id: 4, title: "Lag".into() }));
        store.write(&old, b"png").unwrap();
        store.write(&store.path("gossip", "all", Some(&Panel { id: 41, title: "Other".into() })), b"png").unwrap();
        assert_eq!(store.find(&path, Some(&panel)), Some(old.clone()), "panel 4 renamed: its old file, not panel 41's");
        let dashboard = store.path("gossip", "all", None);
        store.write(&dashboard, b"png").unwrap();
        let used: BTreeSet<PathBuf> = [old.clone(), dashboard.clone()].into();
        let orphans = store.orphans(None, &used);
        assert_eq!(orphans.iter().map(|p| store.display(p)).collect::<Vec<_>>(), ["baselines/embedded/gossip/all/41-other.png"]);
        assert_eq!(store.owner(&orphans[0]), ("gossip".into(), "all".into()));
        for p in [&old, &dashboard, &orphans[0]] {
            store.remove(p).unwrap();
        }
        assert!(!pack.path().join("baselines/embedded/gossip").exists(), "empty folders are removed");
    }
}
