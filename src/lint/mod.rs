//! `meshkit-obs lint`: findings about the pack's content, each a located [`Diagnostic`] with the
//! id of the rule it breaks. One submodule per kind of content (rule files, dashboards,
//! provisioning, versions), plus the helpers the dashboard checks share.
//!
//! [`Inputs::read`] reads the pack once; [`Inputs::check`] runs every check that needs nothing
//! but that content (the in-process tests call it and the per-kind `check` functions directly);
//! [`lint`] adds the two that run a tool: `promtool check rules` and the version bumps against
//! git `HEAD`.

pub mod dashboards;
pub mod provisioning;
pub mod queries;
pub mod rules;
pub mod series;
pub mod template;
pub mod versions;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::exit::ToolError;
use crate::pack::catalogue::Catalogue;
use crate::pack::dashboards::DashboardFile;
use crate::pack::layout;
use crate::pack::provisioning::Provisioning;
use crate::pack::rules::RuleFile;
use series::Series;

/// Declares the rule ids with what each checks; the id is the variant's name in kebab-case.
macro_rules! rule_ids {
    ($($variant:ident: $what:literal,)*) => {
        /// A lint rule. Its id (`Display`) is the kebab-case of the variant's name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            /// Every rule, in the order `lint --list` prints them.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// What the rule checks (printed by `lint --list`).
            pub fn description(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $what,)*
                }
            }

            fn variant_name(self) -> &'static str {
                match self {
                    $(RuleId::$variant => stringify!($variant),)*
                }
            }
        }
    };
}

rule_ids! {
    RuleFile: "every alerts/*.rules.yaml file reads as a rule file",
    PromtoolCheckRules: "`promtool check rules` accepts every rule file",
    PromqlParse: "every rule expression and dashboard query parses as PromQL",
    AlertName: "alert names are CamelCase with the shared MeshKit prefix",
    AlertSeverity: "every alert has severity critical, warning, info or none (a heartbeat)",
    AlertTeam: "every alert has a team label (Alertmanager routes by it)",
    AlertSummary: "summary present, static (not templated), capitalised, ending with a period",
    AlertDescription: "description present and templated",
    AlertRunbookUrl: "runbook_url names docs/runbooks/<AlertName>.md, which exists",
    RunbookOrphan: "every runbook belongs to an alert",
    RunbookSections: "every runbook has the sections an operator needs: Meaning, Impact, Diagnosis, Mitigation, Escalation",
    AlertDashboardUrl: "dashboard_url opens a pack dashboard with the cluster variable set",
    MetricUnknown: "every metric a rule or dashboard query reads is in the catalogue or recorded by the pack",
    GroupByAvoidLabel: "no rule or dashboard query groups or matches by an avoid-class label, no legend shows one",
    RecordName: "recording rules are named level:metric:operation",
    RecordReadsRecord: "recording rules read raw series only (the seed backfills them in one pass)",
    DashboardJson: "every dashboards/**/*.json is valid JSON in the shape Grafana 11 reads",
    DashboardUid: "a dashboard's uid is its file stem",
    DashboardSettings: "meshkit tag, editable false, time range, refresh, a link to the pack's dashboards",
    PanelId: "panel ids are unique positive integers (rows' panels included)",
    PanelGrid: "panels fit the 24-column grid and do not overlap",
    PanelDatasource: "panels and targets query the ${datasource} variable, never a hard-coded uid",
    PanelTitle: "every panel and row has a title",
    PanelDescription: "every panel has a description",
    PanelUnit: "numeric panels set a unit; state panels a unit or value mappings",
    LabelUnknown: "every label a query matches or groups by is one the series carries there",
    RateOnNonCounter: "rate/irate/increase/resets read counters only",
    HistogramQuantile: "histogram_quantile reads _bucket series with le kept by every aggregation",
    VariableUndefined: "every $variable used is defined by the dashboard or Grafana",
    VariableQuery: "query variables use a Prometheus query form, catalogue series and ${datasource}",
    TemplateDatasourceRule: "a `datasource` variable of type datasource, query prometheus, exists",
    TemplateOnTimeChangeReloadRule: "query variables refresh on time range change (refresh: 2)",
    TargetRateIntervalRule: "rate/irate/increase in panel targets use $__rate_interval",
    TargetScopeFilter: "targets filter every series carrying cluster/namespace by the dashboard's variable",
    PanelLink: "runbook and dashboard links point at a runbook / dashboard the pack ships",
    DashboardPackVersion: "every dashboard is tagged meshkit-pack:v<crate version>",
    DashboardVersionBump: "a dashboard changed since git HEAD has a higher integer `version` than at HEAD",
    ProvisioningFile: "every provisioning YAML reads as a Grafana provisioning file",
    DashboardNotProvisioned: "every dashboard file is delivered by a provider",
    DashboardProvisionedTwice: "no dashboard file or uid is delivered twice",
    ProvisioningPath: "every provider path resolves to a folder",
    ProvisioningProvider: "providers are file providers, read-only, undeletable, into a named folder",
    ProvisioningDatasource: "the datasource variable resolves to a provisioned data source with uid and url from the environment",
}

impl fmt::Display for RuleId {
    /// The kebab-case id: `TemplateOnTimeChangeReloadRule` is `template-on-time-change-reload-rule`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, c) in self.variant_name().chars().enumerate() {
            if c.is_ascii_uppercase() && index > 0 {
                f.write_str("-")?;
            }
            write!(f, "{}", c.to_ascii_lowercase())?;
        }
        Ok(())
    }
}

/// One problem found in the pack: a diagnostic (with its fix) and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub rule: RuleId,
}

impl Finding {
    pub fn new(rule: RuleId, diagnostic: Diagnostic) -> Finding {
        Finding { diagnostic, rule }
    }
}

/// `file:line:col: rule-id: [pointer: ]message; fix: ...`
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.diagnostic.location, self.rule, self.diagnostic.text())
    }
}

/// What the checks read besides the file they check.
pub struct Context {
    pub pack_root: PathBuf,
    pub catalogue: Catalogue,
    /// The series the catalogue stores and the recording rules write.
    pub series: Series,
    /// The uids of the dashboards the pack provisions: what alert and panel links may open.
    pub dashboard_uids: BTreeSet<String>,
}

/// The pack's content as lint reads it, once: what does not read is kept for its finding.
pub struct Inputs {
    pub context: Context,
    pub rule_files: Vec<RuleFile>,
    /// Rule files that do not read as rule files.
    pub unreadable_rule_files: Vec<Diagnostic>,
    pub dashboards: Vec<DashboardFile>,
    pub provisioning: Result<Provisioning, Diagnostic>,
}

impl Inputs {
    /// Reads the pack at `pack_root`. Fails (exit 2) only when lint cannot run: no catalogue, a
    /// folder that cannot be listed, a file that cannot be read.
    pub fn read(pack_root: &Path) -> Result<Inputs, ToolError> {
        let catalogue = Catalogue::load(&pack_root.join(layout::CATALOGUE))?;
        let mut rule_files = Vec::new();
        let mut unreadable_rule_files = Vec::new();
        // A pack without alerts/ (dashboards only) has no rule files to lint.
        let paths = if pack_root.join(layout::RULES).is_dir() { crate::pack::rules::rule_file_paths(pack_root)? } else { Vec::new() };
        for path in paths {
            match crate::pack::rules::load(&path) {
                Ok(file) => rule_files.push(file),
                Err(diagnostic) => unreadable_rule_files.push(diagnostic),
            }
        }
        let dashboards = crate::fsutil::files_below(&pack_root.join(layout::DASHBOARDS), |name| name.ends_with(".json"))
            .iter()
            .map(|path| DashboardFile::read(path))
            .collect::<Result<Vec<_>, _>>()?;
        let provisioning = crate::pack::provisioning::load(pack_root);
        let dashboard_uids = match &provisioning {
            Ok(provisioning) => crate::pack::dashboards::provisioned_uids(pack_root, provisioning, &dashboards),
            // Without provisioning every dashboard file counts (its own finding says what is wrong).
            Err(_) => dashboards.iter().filter_map(|d| Some(d.uid()?.to_string())).collect(),
        };
        let series = Series::new(&catalogue, &rule_files);
        let context = Context { pack_root: pack_root.to_path_buf(), catalogue, series, dashboard_uids };
        Ok(Inputs { context, rule_files, unreadable_rule_files, dashboards, provisioning })
    }

    /// Every finding of the checks that run no tool, sorted.
    pub fn check(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self.unreadable_rule_files.iter().map(|d| Finding::new(RuleId::RuleFile, d.clone())).collect();
        findings.extend(rules::check(&self.context, &self.rule_files, self.unreadable_rule_files.is_empty()));
        findings.extend(dashboards::check(&self.context, &self.dashboards));
        findings.extend(provisioning::findings(&self.context.pack_root, &self.provisioning, &self.dashboards));
        findings.sort();
        findings
    }
}

/// Every finding: [`Inputs::check`], `promtool check rules` on each rule file, and the version
/// bumps against git `HEAD`; sorted.
pub async fn lint(inputs: &Inputs) -> anyhow::Result<Vec<Finding>> {
    let mut findings = inputs.check();
    findings.extend(rules::promtool_check(&inputs.rule_files).await?);
    findings.extend(versions::version_bumps(&inputs.context.pack_root, &inputs.dashboards));
    findings.sort();
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_the_kebab_case_of_their_names_and_unique() {
        assert_eq!(RuleId::TemplateOnTimeChangeReloadRule.to_string(), "template-on-time-change-reload-rule");
        assert_eq!(RuleId::PromqlParse.to_string(), "promql-parse");
        let ids: BTreeSet<String> = RuleId::ALL.iter().map(RuleId::to_string).collect();
        assert_eq!(ids.len(), RuleId::ALL.len());
        assert!(ids.iter().all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '-')), "{ids:?}");
    }
}
