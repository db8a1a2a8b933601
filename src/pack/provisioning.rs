//! The pack's Grafana provisioning files (`dashboards/provisioning/`): the Prometheus data
//! source and the dashboard providers that place dashboards in folders by audience. The tool
//! finds dashboards through them, as Grafana does, so what `check` renders is what Grafana
//! would load.
//!
//! Provisioning values may use Grafana's `$VAR` / `${VAR}` environment lookups. The tool binds
//! [`DASHBOARDS_DIR_VAR`] to the pack's `dashboards/` folder (Grafana's deployment sets it to
//! wherever that folder is mounted); any other variable comes from the tool's environment.

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, Location, Position};
use crate::pack::layout;
use crate::pack::rules::Located;

/// The environment variable provider paths start from: the folder holding the pack's dashboards.
pub const DASHBOARDS_DIR_VAR: &str = "MESHKIT_DASHBOARDS_DIR";

#[derive(Debug, Deserialize)]
struct DatasourcesFile {
    #[serde(rename = "apiVersion")]
    api_version: Spanned<u32>,
    #[serde(default)]
    datasources: Vec<DatasourceSpec>,
}

#[derive(Debug, Deserialize)]
struct DatasourceSpec {
    name: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    #[serde(default)]
    uid: Option<Spanned<String>>,
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default, rename = "isDefault")]
    is_default: bool,
}

#[derive(Debug, Deserialize)]
struct ProvidersFile {
    #[serde(rename = "apiVersion")]
    api_version: Spanned<u32>,
    #[serde(default)]
    providers: Vec<ProviderSpec>,
}

#[derive(Debug, Deserialize)]
struct ProviderSpec {
    name: Spanned<String>,
    #[serde(default)]
    folder: Option<Spanned<String>>,
    #[serde(default, rename = "type")]
    kind: Option<Spanned<String>>,
    #[serde(default, rename = "disableDeletion")]
    disable_deletion: Option<Spanned<bool>>,
    #[serde(default, rename = "allowUiUpdates")]
    allow_ui_updates: Option<Spanned<bool>>,
    options: ProviderOptions,
}

#[derive(Debug, Deserialize)]
struct ProviderOptions {
    path: Spanned<String>,
    #[serde(default, rename = "foldersFromFilesStructure")]
    folders_from_files_structure: bool,
}

/// One provisioned data source.
#[derive(Debug, Clone)]
pub struct Datasource {
    pub file: PathBuf,
    pub name: Located,
    /// The plugin type (`prometheus`).
    pub kind: Located,
    /// As written (usually an environment lookup).
    pub uid: Option<Located>,
    pub url: Option<Located>,
    pub is_default: bool,
}

/// One dashboard provider.
#[derive(Debug, Clone)]
pub struct Provider {
    pub file: PathBuf,
    pub name: Located,
    /// The folder title dashboards land in (Grafana's "General" when absent).
    pub folder: Option<Located>,
    /// `file` when absent, as in Grafana.
    pub kind: Option<Located>,
    pub disable_deletion: Option<(bool, Position)>,
    pub allow_ui_updates: Option<(bool, Position)>,
    /// `options.path` as written.
    pub path: Located,
    pub folders_from_files_structure: bool,
}

impl Provider {
    pub fn folder_title(&self) -> &str {
        self.folder.as_ref().map(|f| f.value.as_str()).filter(|f| !f.is_empty()).unwrap_or("General")
    }

    /// `options.path` with environment lookups expanded, on this machine.
    pub fn resolved_path(&self, pack_root: &Path) -> Result<PathBuf, String> {
        expand_env(&self.path.value, pack_root).map(PathBuf::from)
    }
}

/// Every provisioning file of a pack.
#[derive(Debug, Clone, Default)]
pub struct Provisioning {
    pub datasources: Vec<Datasource>,
    pub providers: Vec<Provider>,
}

/// One dashboard file as a provider delivers it.
#[derive(Debug, Clone)]
pub struct ProvidedFile {
    pub file: PathBuf,
    /// Index into [`Provisioning::providers`].
    pub provider: usize,
}

/// Reads `dashboards/provisioning/{datasources,dashboards}/*.yaml`. Fails with file:line:col on
/// the first file that is not a provisioning file.
pub fn load(pack_root: &Path) -> Result<Provisioning, Diagnostic> {
    let mut provisioning = Provisioning::default();
    // Data sources may be provisioned elsewhere; lint says when the dashboards' one is missing.
    let datasources_dir = pack_root.join(layout::DATASOURCES);
    let datasource_files = if datasources_dir.exists() { yaml_files(&datasources_dir)? } else { Vec::new() };
    for path in datasource_files {
        let spec: DatasourcesFile = parse(&path)?;
        supported_version(&path, &spec.api_version)?;
        provisioning.datasources.extend(spec.datasources.into_iter().map(|d| Datasource {
            file: path.clone(),
            name: (&d.name).into(),
            kind: (&d.kind).into(),
            uid: d.uid.as_ref().map(Located::from),
            url: d.url.as_ref().map(Located::from),
            is_default: d.is_default,
        }));
    }
    for path in yaml_files(&pack_root.join(layout::PROVIDERS))? {
        let spec: ProvidersFile = parse(&path)?;
        supported_version(&path, &spec.api_version)?;
        provisioning.providers.extend(spec.providers.into_iter().map(|p| Provider {
            file: path.clone(),
            name: (&p.name).into(),
            folder: p.folder.as_ref().map(Located::from),
            kind: p.kind.as_ref().map(Located::from),
            disable_deletion: p.disable_deletion.as_ref().map(|s| (s.value, Position::of_yaml(s))),
            allow_ui_updates: p.allow_ui_updates.as_ref().map(|s| (s.value, Position::of_yaml(s))),
            path: (&p.options.path).into(),
            folders_from_files_structure: p.options.folders_from_files_structure,
        }));
    }
    if provisioning.providers.is_empty() {
        return Err(Diagnostic::new(
            Location::file_start(&pack_root.join(layout::PROVIDERS)),
            "no dashboard provider",
            "add a provisioning file with `providers:` (Grafana loads no dashboard without one)",
        ));
    }
    Ok(provisioning)
}

impl Provisioning {
    /// The dashboard files each provider delivers (`*.json` below its path, recursively, as
    /// Grafana walks it), in provider order. Providers whose path does not resolve or exist
    /// deliver nothing; [`Provisioning::path_problems`] names them.
    pub fn provided_files(&self, pack_root: &Path) -> Vec<ProvidedFile> {
        let mut provided = Vec::new();
        for (index, provider) in self.providers.iter().enumerate() {
            let Ok(dir) = provider.resolved_path(pack_root) else { continue };
            for file in crate::fsutil::files_below(&dir, |name| name.ends_with(".json")) {
                provided.push(ProvidedFile { file, provider: index });
            }
        }
        provided
    }

    /// (provider, why) for every provider whose path does not lead to a folder.
    pub fn path_problems(&self, pack_root: &Path) -> Vec<(&Provider, String)> {
        let mut problems = Vec::new();
        for provider in &self.providers {
            match provider.resolved_path(pack_root) {
                Err(why) => problems.push((provider, why)),
                Ok(dir) if !dir.is_dir() => problems.push((
                    provider,
                    format!("options.path `{}` resolves to {}, which is not a folder", provider.path.value, dir.display()),
                )),
                Ok(_) => {}
            }
        }
        problems
    }

    /// The providers that deliver dashboard file `file` (a `*.json` below their path), in
    /// provider order. Decided on the paths alone (made absolute, `..` resolved), so a file
    /// that is not on disk (lint's fixtures) is judged by where it would lie.
    pub fn providers_of(&self, pack_root: &Path, file: &Path) -> Vec<usize> {
        if file.extension().is_none_or(|e| e != "json") {
            return Vec::new();
        }
        let file = normalized(file);
        (0..self.providers.len())
            .filter(|&index| {
                self.providers[index].resolved_path(pack_root).is_ok_and(|dir| dir.is_dir() && file.starts_with(normalized(&dir)))
            })
            .collect()
    }
}

/// `path` made absolute with `.` and `..` folded away (symlinks are left as written: Grafana
/// reads the paths it is given).
fn normalized(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Expands Grafana's `$VAR` and `${VAR}` lookups (`$$` is a literal `$`). [`DASHBOARDS_DIR_VAR`]
/// is the pack's `dashboards/` folder; other variables come from the environment.
pub fn expand_env(raw: &str, pack_root: &Path) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(stripped) = after.strip_prefix('$') {
            out.push('$');
            rest = stripped;
            continue;
        }
        let (name, consumed) = match after.strip_prefix('{') {
            Some(braced) => {
                let end = braced.find('}').ok_or_else(|| format!("`{raw}`: `${{` without a closing `}}`"))?;
                (&braced[..end], end + 2)
            }
            None => {
                let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        if name.is_empty() {
            return Err(format!("`{raw}`: `$` without a variable name (write `$$` for a literal `$`)"));
        }
        if name == DASHBOARDS_DIR_VAR {
            out.push_str(&pack_root.join(layout::DASHBOARDS).to_string_lossy());
        } else {
            let value = std::env::var(name).map_err(|_| format!("`{raw}` uses ${name}, which is not set in this environment"))?;
            out.push_str(&value);
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    Ok(out)
}

fn supported_version(path: &Path, version: &Spanned<u32>) -> Result<(), Diagnostic> {
    if version.value == 1 {
        return Ok(());
    }
    Err(Diagnostic::new(
        Position::of_yaml(version).in_file(path),
        format!("apiVersion {} is not one Grafana reads", version.value),
        "set apiVersion: 1",
    ))
}

fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    crate::fsutil::sorted_files(dir, |name| name.ends_with(".yaml") || name.ends_with(".yml")).map_err(|err| {
        Diagnostic::new(
            Location::file_start(dir),
            format!("cannot list provisioning files: {err}"),
            "create the folder with the pack's provisioning files, or pass --pack",
        )
    })
}

fn parse<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| Diagnostic::new(Location::file_start(path), format!("cannot read: {err}"), "make the file readable"))?;
    serde_saphyr::from_str(&text).map_err(|err| {
        let message = err.to_string();
        Diagnostic::new(
            Position::of_yaml_error(&err).in_file(path),
            format!("not a Grafana provisioning file: {}", message.lines().next().unwrap_or("invalid YAML")),
            "follow https://grafana.com/docs/grafana/latest/administration/provisioning/",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(providers: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for sub in [layout::DATASOURCES, layout::PROVIDERS, "dashboards/ops/nested", "dashboards/deep"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        std::fs::write(
            dir.path().join(layout::DATASOURCES).join("p.yaml"),
            "apiVersion: 1\ndatasources:\n  - {name: Prometheus, type: prometheus, uid: $DS_UID, url: '${DS_URL}', isDefault: true}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(layout::PROVIDERS).join("d.yaml"), providers).unwrap();
        for file in ["dashboards/ops/a.json", "dashboards/ops/nested/b.json", "dashboards/deep/c.json"] {
            std::fs::write(dir.path().join(file), "{}").unwrap();
        }
        dir
    }

    #[test]
    fn providers_deliver_files_recursively_from_the_pack() {
        let dir = pack("apiVersion: 1\nproviders:\n  - name: ops\n    folder: MeshKit / Operators\n    options: {path: $MESHKIT_DASHBOARDS_DIR/ops}\n  - name: deep\n    options: {path: '${MESHKIT_DASHBOARDS_DIR}/deep'}\n");
        let provisioning = load(dir.path()).unwrap();
        let files: Vec<(String, usize)> = provisioning
            .provided_files(dir.path())
            .into_iter()
            .map(|p| (p.file.strip_prefix(dir.path()).unwrap().display().to_string(), p.provider))
            .collect();
        assert_eq!(
            files,
            [
                ("dashboards/ops/a.json".to_string(), 0),
                ("dashboards/ops/nested/b.json".to_string(), 0),
                ("dashboards/deep/c.json".to_string(), 1)
            ]
        );
        assert_eq!(provisioning.providers[0].folder_title(), "MeshKit / Operators");
        assert_eq!(provisioning.providers[1].folder_title(), "General");
        assert_eq!(provisioning.datasources[0].uid.as_ref().unwrap().value, "$DS_UID");
        assert!(provisioning.path_problems(dir.path()).is_empty());
        assert_eq!(provisioning.providers_of(dir.path(), &dir.path().join("dashboards/ops/nested/b.json")), [0]);
        assert_eq!(provisioning.providers_of(dir.path(), &dir.path().join("dashboards/ops/not-yet-written.json")), [0], "judged by path");
        assert_eq!(provisioning.providers_of(dir.path(), &dir.path().join("dashboards/deep/../ops/./a.json")), [0]);
        assert!(provisioning.providers_of(dir.path(), &dir.path().join("dashboards/elsewhere/d.json")).is_empty());
    }

    #[test]
    fn overlapping_and_missing_paths_are_reported() {
        let dir = pack("apiVersion: 1\nproviders:\n  - name: all\n    options: {path: $MESHKIT_DASHBOARDS_DIR}\n  - name: ops\n    options: {path: $MESHKIT_DASHBOARDS_DIR/ops}\n  - name: gone\n    options: {path: $MESHKIT_DASHBOARDS_DIR/gone}\n  - name: unset\n    options: {path: $MESHKIT_TEST_SURELY_UNSET/x}\n");
        let provisioning = load(dir.path()).unwrap();
        for file in ["dashboards/ops/a.json", "dashboards/ops/nested/b.json"] {
            assert_eq!(provisioning.providers_of(dir.path(), &dir.path().join(file)), [0, 1], "{file}");
        }
        assert_eq!(provisioning.providers_of(dir.path(), &dir.path().join("dashboards/deep/c.json")), [0]);
        let problems: Vec<String> =
            provisioning.path_problems(dir.path()).into_iter().map(|(p, why)| format!("{}: {why}", p.name.value)).collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("gone: ") && problems[0].contains("not a folder"));
        assert!(problems[1].starts_with("unset: ") && problems[1].contains("$MESHKIT_TEST_SURELY_UNSET, which is not set"));
    }

    #[test]
    fn broken_files_are_located() {
        let dir = pack("apiVersion: 1\nproviders:\n  - name: ops\n    options: {}\n");
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("d.yaml:") && err.contains("not a Grafana provisioning file"), "{err}");
        assert_eq!(expand_env("a$$b", Path::new("/p")).unwrap(), "a$b");
        assert!(expand_env("${X", Path::new("/p")).is_err());
    }
}
