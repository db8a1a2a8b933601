//! Lint of the Grafana provisioning files (`dashboards/provisioning/`): they parse, every
//! dashboard is delivered exactly once by a read-only file provider into a folder, and the
//! dashboards' `datasource` variable resolves to a provisioned data source whose uid and URL
//! come from the deployment's environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{template, Finding, RuleId};
use crate::diagnostic::{Diagnostic, Location, Position};
use crate::pack::dashboards::DashboardFile;
use crate::pack::layout;
use crate::pack::provisioning::{self, Provisioning};

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

/// The findings of the pack's provisioning as [`provisioning::load`] read it: a file that does
/// not load is one `provisioning-file` finding (the rest of lint still runs), else [`check`].
pub fn findings(pack_root: &Path, provisioning: &Result<Provisioning, Diagnostic>, dashboards: &[DashboardFile]) -> Vec<Finding> {
    match provisioning {
        Ok(provisioning) => check(pack_root, provisioning, dashboards),
        Err(diagnostic) => vec![Finding::new(RuleId::ProvisioningFile, diagnostic.clone())],
    }
}

/// The findings of the provisioning files of the pack at `pack_root` (provider paths resolve
/// from it), with `dashboards` the dashboard files they should deliver.
pub fn check(pack_root: &Path, provisioning: &Provisioning, dashboards: &[DashboardFile]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut finding = |at: Location, rule: RuleId, message: String, fix: &str| {
        findings.push(Finding::new(rule, Diagnostic::new(at, message, fix)));
    };
    for (provider, why) in provisioning.path_problems(pack_root) {
        finding(
            provider.path.at.in_file(&provider.file),
            RuleId::ProvisioningPath,
            format!("provider `{}`: {why}", provider.name.value),
            &format!(
                "point options.path at a folder of dashboards (${} is the pack's dashboards/ folder)",
                provisioning::DASHBOARDS_DIR_VAR
            ),
        );
    }
    providers(provisioning, &mut finding);
    delivery(pack_root, provisioning, dashboards, &mut finding);
    datasources(provisioning, dashboards, &mut finding);
    findings
}

type Report<'a> = dyn FnMut(Location, RuleId, String, &str) + 'a;

/// `provisioning-provider`: dashboards arrive read-only, from files, into a named folder.
fn providers(provisioning: &Provisioning, finding: &mut Report) {
    for provider in &provisioning.providers {
        let name = &provider.name.value;
        let mut flag = |at: Position, message: String, fix: &str| {
            finding(at.in_file(&provider.file), RuleId::ProvisioningProvider, format!("provider `{name}`: {message}"), fix)
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
    const FIX: &str =
        "let exactly one provider deliver each dashboard (providers' paths must not overlap), and give every dashboard its own uid";
    let mut first_with_uid: BTreeMap<&str, &PathBuf> = BTreeMap::new();
    for dashboard in dashboards {
        let providers = provisioning.providers_of(pack_root, &dashboard.path);
        let Some(&delivering) = providers.first() else {
            finding(
                Location::file_start(&dashboard.path),
                RuleId::DashboardNotProvisioned,
                "no provider in dashboards/provisioning/dashboards/ delivers this dashboard".into(),
                "move it into a provider's folder (dashboards/operators/, dashboards/deep-dive/) or add a provider for its folder",
            );
            continue;
        };
        if let Some(&again) = providers.get(1) {
            let (first, second) = (&provisioning.providers[delivering], &provisioning.providers[again]);
            finding(
                second.path.at.in_file(&second.file),
                RuleId::DashboardProvisionedTwice,
                format!(
                    "provider `{}` delivers {}, which provider `{}` delivers too",
                    second.name.value,
                    dashboard.path.display(),
                    first.name.value
                ),
                FIX,
            );
        }
        let Some(uid) = dashboard.uid() else { continue };
        match first_with_uid.get(uid) {
            Some(first) => {
                let provider = &provisioning.providers[delivering];
                finding(
                    provider.path.at.in_file(&provider.file),
                    RuleId::DashboardProvisionedTwice,
                    format!(
                        "provider `{}` delivers uid `{uid}` in {}, and {} has that uid too",
                        provider.name.value,
                        dashboard.path.display(),
                        first.display()
                    ),
                    FIX,
                );
            }
            None => {
                first_with_uid.insert(uid, &dashboard.path);
            }
        }
    }
}

/// `provisioning-datasource`: the `datasource` variable finds a provisioned data source, and
/// that source's uid and URL are environment lookups (deployments differ).
fn datasources(provisioning: &Provisioning, dashboards: &[DashboardFile], finding: &mut Report) {
    const RULE: RuleId = RuleId::ProvisioningDatasource;
    for dashboard in dashboards {
        let Ok(model) = dashboard.model() else { continue };
        for (pointer, kind, regex) in super::dashboards::datasource_variables(model) {
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
                finding(
                    dashboard.locate(&pointer),
                    RULE,
                    format!("the datasource variable (type `{kind}`, regex `{regex}`) matches no data source in {}/", layout::DATASOURCES),
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
                    value.at.in_file(&datasource.file),
                    RULE,
                    format!("data source `{}`: {field} `{}` is hard-coded", datasource.name.value, value.value),
                    &format!("read it from the environment: {field}: ${{MESHKIT_PROMETHEUS_{}}}", field.to_uppercase()),
                ),
                None => finding(
                    datasource.name.at.in_file(&datasource.file),
                    RULE,
                    format!("data source `{}` has no {field}", datasource.name.value),
                    &format!("add {field}: ${{MESHKIT_PROMETHEUS_{}}}", field.to_uppercase()),
                ),
            }
        }
    }
}
