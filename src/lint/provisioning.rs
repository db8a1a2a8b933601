//! Lint of the Grafana provisioning files (`dashboards/provisioning/`): they parse, every
//! dashboard is delivered exactly once by a read-only file provider into a folder, and the
//! dashboards' `datasource` variable resolves to a provisioned data source whose uid and URL
//! come from the deployment's environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::dashboards::DashboardFile;
use super::{rule_id, template, Finding};
use crate::pack::layout;
use crate::pack::provisioning::{self, Provisioning};
use crate::pack::rules::{Position, Unreadable};

/// The provisioning YAML files of the pack (what the summary counts).
pub fn file_count(pack_root: &Path) -> usize {
    [layout::DATASOURCES, layout::PROVIDERS]
        .iter()
        .map(|dir| {
            crate::fsutil::sorted_files(&pack_root.join(dir), |name| name.ends_with(".yaml") || name.ends_with(".yml"))
                .map_or(0, |files| files.len())
        })
        .sum()
}

/// All provisioning findings.
pub fn lint(pack_root: &Path, dashboards: &[DashboardFile]) -> Vec<Finding> {
    let provisioning = match provisioning::load(pack_root) {
        Ok(provisioning) => provisioning,
        Err(err) => return vec![unreadable(err)],
    };
    let mut findings = Vec::new();
    let mut finding = |path: &Path, at: Position, rule: &str, message: String, fix: &str| {
        findings.push(Finding {
            path: path.to_path_buf(),
            line: at.line,
            column: at.column,
            rule: rule_id(rule),
            message,
            fix: fix.to_string(),
        });
    };
    for (provider, why) in provisioning.path_problems(pack_root) {
        finding(
            &provider.file,
            provider.path.at,
            "provisioning-path",
            format!("provider `{}`: {why}", provider.name.value),
            &format!(
                "point options.path at a folder of dashboards (${} is the pack's dashboards/ folder)",
                provisioning::DASHBOARDS_DIR_VAR
            ),
        );
    }
    providers(&provisioning, &mut finding);
    delivery(pack_root, &provisioning, dashboards, &mut finding);
    datasources(&provisioning, dashboards, &mut finding);
    findings
}

type Report<'a> = dyn FnMut(&Path, Position, &str, String, &str) + 'a;

/// A provisioning file that does not load, as a `provisioning-file` finding, so the rest of lint
/// still runs.
fn unreadable(err: Unreadable) -> Finding {
    let (message, fix) = err
        .message
        .split_once("; fix: ")
        .unwrap_or((err.message.as_str(), "follow https://grafana.com/docs/grafana/latest/administration/provisioning/"));
    Finding {
        path: err.path,
        line: err.at.line,
        column: err.at.column,
        rule: rule_id("provisioning-file"),
        message: message.to_string(),
        fix: fix.to_string(),
    }
}

/// `provisioning-provider`: dashboards arrive read-only, from files, into a named folder.
fn providers(provisioning: &Provisioning, finding: &mut Report) {
    for provider in &provisioning.providers {
        let name = &provider.name.value;
        let mut flag = |at: Position, message: String, fix: &str| {
            finding(&provider.file, at, "provisioning-provider", format!("provider `{name}`: {message}"), fix)
        };
        if let Some((true, at)) = provider.allow_ui_updates {
            flag(at, "allowUiUpdates is true".into(), "set allowUiUpdates: false: UI edits would diverge from the reviewed JSON");
        }
        match provider.disable_deletion {
            Some((true, _)) => {}
            Some((false, at)) => {
                flag(at, "disableDeletion is false".into(), "set disableDeletion: true so a dashboard cannot be deleted in the UI")
            }
            None => {
                flag(provider.name.at, "no disableDeletion".into(), "set disableDeletion: true so a dashboard cannot be deleted in the UI")
            }
        }
        if provider.folder.as_ref().is_none_or(|f| f.value.trim().is_empty()) {
            flag(
                provider.folder.as_ref().map_or(provider.name.at, |f| f.at),
                "no folder".into(),
                "set folder: MeshKit / <audience> (folder permissions decide who sees it)",
            );
        }
        if let Some(kind) = provider.kind.as_ref().filter(|k| k.value != "file") {
            flag(kind.at, format!("type `{}` is not file", kind.value), "set type: file (the pack ships dashboards as files)");
        }
    }
}

/// `dashboard-not-provisioned`, `dashboard-provisioned-twice`.
fn delivery(pack_root: &Path, provisioning: &Provisioning, dashboards: &[DashboardFile], finding: &mut Report) {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let provided = provisioning.provided_files(pack_root);
    for dashboard in dashboards {
        let path = canonical(&dashboard.path);
        if !provided.iter().any(|p| canonical(&p.file) == path) {
            finding(
                &dashboard.path,
                Position { line: 1, column: 1 },
                "dashboard-not-provisioned",
                "no provider in dashboards/provisioning/dashboards/ delivers this dashboard".into(),
                "move it into a provider's folder (dashboards/operators/, dashboards/deep-dive/) or add a provider for its folder",
            );
        }
    }
    const FIX: &str =
        "let exactly one provider deliver each dashboard (providers' paths must not overlap), and give every dashboard its own uid";
    for (file, indexes) in provisioning.provided_twice(pack_root) {
        let (first, second) = (&provisioning.providers[indexes[0]], &provisioning.providers[indexes[1]]);
        finding(
            &second.file,
            second.path.at,
            "dashboard-provisioned-twice",
            format!("provider `{}` delivers {}, which provider `{}` delivers too", second.name.value, file.display(), first.name.value),
            FIX,
        );
    }
    let uid_of: BTreeMap<PathBuf, &str> = dashboards.iter().filter_map(|d| Some((canonical(&d.path), d.uid()?))).collect();
    let mut first_with_uid: BTreeMap<&str, PathBuf> = BTreeMap::new();
    for delivered in &provided {
        let path = canonical(&delivered.file);
        let Some(uid) = uid_of.get(&path) else { continue };
        match first_with_uid.get(uid) {
            Some(first) if *first != path => {
                let provider = &provisioning.providers[delivered.provider];
                finding(
                    &provider.file,
                    provider.path.at,
                    "dashboard-provisioned-twice",
                    format!(
                        "provider `{}` delivers uid `{uid}` in {}, and {} has that uid too",
                        provider.name.value,
                        delivered.file.display(),
                        first.display()
                    ),
                    FIX,
                );
            }
            Some(_) => {}
            None => {
                first_with_uid.insert(uid, path);
            }
        }
    }
}

/// `provisioning-datasource`: the `datasource` variable finds a provisioned data source, and
/// that source's uid and URL are environment lookups (deployments differ).
fn datasources(provisioning: &Provisioning, dashboards: &[DashboardFile], finding: &mut Report) {
    const RULE: &str = "provisioning-datasource";
    for dashboard in dashboards {
        for (pointer, kind, regex) in dashboard.datasource_variables() {
            let regex = regex.trim().trim_start_matches('/').trim_end_matches('/').to_string();
            let resolves = provisioning.datasources.iter().any(|d| {
                d.kind.value == kind
                    && (if regex.is_empty() {
                        d.is_default
                    } else {
                        crate::pack::promql::name_regex(&regex).is_some_and(|s| s.matches_name(&d.name.value))
                    })
            });
            if !resolves {
                let (line, column) = dashboard.locate(&pointer);
                finding(
                    &dashboard.path,
                    Position { line, column },
                    RULE,
                    format!(
                        "{pointer}: the datasource variable (type `{kind}`, regex `{regex}`) matches no data source in {}/",
                        layout::DATASOURCES
                    ),
                    "provision a data source of that type with isDefault: true (or one the variable's regex matches)",
                );
            }
        }
    }
    for datasource in &provisioning.datasources {
        for (field, value) in [("uid", &datasource.uid), ("url", &datasource.url)] {
            match value {
                Some(value) if !template::references(&value.value).is_empty() => {}
                Some(value) => finding(
                    &datasource.file,
                    value.at,
                    RULE,
                    format!("data source `{}`: {field} `{}` is hard-coded", datasource.name.value, value.value),
                    &format!("read it from the environment: {field}: ${{MESHKIT_PROMETHEUS_{}}}", field.to_uppercase()),
                ),
                None => finding(
                    &datasource.file,
                    datasource.name.at,
                    RULE,
                    format!("data source `{}` has no {field}", datasource.name.value),
                    &format!("add {field}: ${{MESHKIT_PROMETHEUS_{}}}", field.to_uppercase()),
                ),
            }
        }
    }
}
