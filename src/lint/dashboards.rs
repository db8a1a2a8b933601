//! Lint of the Grafana dashboards (`dashboards/**/*.json`): the JSON shape Grafana 11 reads,
//! the pack's dashboard settings, panel layout and metadata, the `${datasource}` convention,
//! the template variables, the links, and every query (see [`super::queries`]). Each finding
//! names the JSON pointer of the offending element and is located at it in the file.
//!
//! Files are read by `crate::pack::dashboards::DashboardFile` like everywhere else (a wrapped
//! export is linted as its model, located in the file), but unlike `check` (which stops at the
//! first broken dashboard), lint reports everything it can.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::queries::{self, Context as QueryContext, Problem};
use super::{template, Context, Finding, RuleId};
use crate::pack::dashboards::panels::{panels, PanelView};
use crate::pack::dashboards::DashboardFile;
use crate::pack::layout;
use crate::pack::links;

/// The tag every pack dashboard carries (dashboard links list dashboards by it).
const PACK_TAG: &str = "meshkit";
/// The oldest schema the pack's dashboards are written for (Grafana 11).
const MIN_SCHEMA_VERSION: u64 = 39;
/// Panel types that draw numbers and so need a unit.
const NUMERIC_PANELS: &[&str] = &["timeseries", "stat", "gauge", "bargauge", "barchart", "histogram", "heatmap"];
/// Panel types that draw states: a unit or value mappings say what the values mean.
const STATE_PANELS: &[&str] = &["state-timeline", "status-history"];
/// Panel types without queries.
const QUERYLESS_PANELS: &[&str] = &["row", "text"];
/// Variables a dashboard may filter by; see `target-scope-filter`.
const SCOPE_VARIABLES: &[&str] = &["cluster", "namespace"];
const DATASOURCE_UIDS: &[&str] = &["${datasource}", "$datasource"];

/// The findings of every dashboard check on `files` (the version bump against git aside: see
/// [`super::versions::version_bumps`]).
pub fn check(context: &Context, files: &[DashboardFile]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in files {
        let mut report = Report { file, findings: Vec::new() };
        match file.model() {
            Err(diagnostic) => report.findings.push(Finding::new(RuleId::DashboardJson, diagnostic)),
            Ok(json) if !json.is_object() => report.at(
                "",
                RuleId::DashboardJson,
                "the dashboard is not a JSON object".into(),
                "export the dashboard model (an object with uid, title, panels, templating)",
            ),
            Ok(json) => {
                Dashboard { context, json, report: &mut report }.lint();
                report.findings.extend(super::versions::pack_version(file, json));
            }
        }
        findings.extend(report.findings);
    }
    findings
}

/// (pointer, query, regex) of the `datasource`-type variables of a dashboard model.
pub fn datasource_variables(json: &Value) -> Vec<(String, String, String)> {
    variables(json)
        .filter(|(_, v)| v["type"] == "datasource")
        .map(|(pointer, v)| (pointer, v["query"].as_str().unwrap_or("").to_string(), v["regex"].as_str().unwrap_or("").to_string()))
        .collect()
}

/// Findings of one file, located by JSON pointer.
struct Report<'a> {
    file: &'a DashboardFile,
    findings: Vec<Finding>,
}

impl Report<'_> {
    fn at(&mut self, pointer: &str, rule: RuleId, message: String, fix: &str) {
        self.findings.push(Finding::new(rule, self.file.diagnostic(pointer, message, fix)));
    }

    fn problems(&mut self, pointer: &str, problems: Vec<Problem>) {
        for problem in problems {
            self.at(pointer, problem.rule, problem.message, &problem.fix);
        }
    }
}

/// (pointer, variable) of every templating variable.
fn variables(json: &Value) -> impl Iterator<Item = (String, &Value)> {
    json["templating"]["list"].as_array().into_iter().flatten().enumerate().map(|(k, v)| (format!("/templating/list/{k}"), v))
}

/// The names of the dashboard's variables.
fn defined_names(json: &Value) -> BTreeSet<&str> {
    variables(json).filter_map(|(_, v)| v["name"].as_str()).collect()
}

fn non_empty(value: &Value) -> Option<&str> {
    value.as_str().filter(|s| !s.trim().is_empty())
}

struct Dashboard<'a, 'r> {
    context: &'a Context,
    json: &'a Value,
    report: &'r mut Report<'a>,
}

impl Dashboard<'_, '_> {
    fn lint(&mut self) {
        self.shape();
        self.uid();
        self.settings();
        self.panel_ids();
        self.grid();
        self.panel_metadata();
        self.variables();
        self.references();
        self.links();
        self.queries();
    }

    /// `dashboard-json`: the shape Grafana 11 reads.
    fn shape(&mut self) {
        let json = self.json;
        const FIX: &str = "export the dashboard from Grafana 11+ (or follow its JSON model)";
        if non_empty(&json["title"]).is_none() {
            self.report.at("/title", RuleId::DashboardJson, "`title` is missing or not a string".into(), FIX);
        }
        if json["schemaVersion"].as_u64().is_none_or(|v| v < MIN_SCHEMA_VERSION) {
            self.report.at(
                "/schemaVersion",
                RuleId::DashboardJson,
                format!("`schemaVersion` must be a number >= {MIN_SCHEMA_VERSION}"),
                FIX,
            );
        }
        if !json["panels"].is_array() {
            self.report.at("/panels", RuleId::DashboardJson, "`panels` is missing or not an array".into(), FIX);
        }
        if !json["templating"]["list"].is_array() {
            self.report.at("/templating", RuleId::DashboardJson, "`templating.list` is missing or not an array".into(), FIX);
        }
        for view in panels(json) {
            let (pointer, panel) = (view.pointer(), view.json);
            if !panel.is_object() {
                self.report.at(&pointer, RuleId::DashboardJson, "a panel is not an object".into(), FIX);
                continue;
            }
            if !panel["type"].is_string() {
                self.report.at(&pointer, RuleId::DashboardJson, "the panel has no `type`".into(), FIX);
            }
            if !panel["id"].is_number() {
                self.report.at(&pointer, RuleId::DashboardJson, "the panel has no numeric `id`".into(), FIX);
            }
            if ["x", "y", "w", "h"].iter().any(|k| !panel["gridPos"][k].is_number()) {
                self.report.at(&format!("{pointer}/gridPos"), RuleId::DashboardJson, "`gridPos` needs numbers x, y, w and h".into(), FIX);
            }
        }
    }

    /// `dashboard-uid`: the uid is the file stem, so a file's name says what `/d/<uid>` opens.
    fn uid(&mut self) {
        let stem = self.report.file.path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if self.json["uid"].as_str() != Some(stem.as_str()) {
            self.report.at(
                "/uid",
                RuleId::DashboardUid,
                format!("uid {} is not the file stem `{stem}`", self.json["uid"]),
                &format!("set \"uid\": \"{stem}\" (or rename the file after the uid)"),
            );
        }
    }

    /// `dashboard-settings`: read-only, tagged, with a default time range, refresh and links.
    fn settings(&mut self) {
        let json = self.json;
        if !json["tags"].as_array().is_some_and(|tags| tags.iter().any(|t| t == PACK_TAG)) {
            self.report.at(
                "/tags",
                RuleId::DashboardSettings,
                format!("the `{PACK_TAG}` tag is missing"),
                &format!("add \"{PACK_TAG}\" to tags (dashboard links list the pack by it)"),
            );
        }
        if json["editable"] != Value::Bool(false) {
            self.report.at(
                "/editable",
                RuleId::DashboardSettings,
                "`editable` is not false".into(),
                "set \"editable\": false: provisioning owns the dashboard, UI edits would be lost",
            );
        }
        if non_empty(&json["time"]["from"]).is_none() || non_empty(&json["time"]["to"]).is_none() {
            self.report.at(
                "/time",
                RuleId::DashboardSettings,
                "`time.from`/`time.to` are not set".into(),
                "set a default range, e.g. {\"from\": \"now-6h\", \"to\": \"now\"}",
            );
        }
        if non_empty(&json["refresh"]).is_none() {
            self.report.at(
                "/refresh",
                RuleId::DashboardSettings,
                "`refresh` is not set".into(),
                "set \"refresh\": \"1m\" (an operator dashboard stays current)",
            );
        }
        let links_pack = json["links"].as_array().into_iter().flatten().any(|link| {
            (link["type"] == "dashboards" && link["tags"].as_array().is_some_and(|tags| tags.iter().any(|t| t == PACK_TAG)))
                || (link["type"] == "link"
                    && link["url"].as_str().and_then(links::dashboard_uid).is_some_and(|uid| self.context.dashboard_uids.contains(uid)))
        });
        if !links_pack {
            self.report.at("/links", RuleId::DashboardSettings, "no link to the other pack dashboards".into(), &format!("add a dashboard link {{\"type\": \"dashboards\", \"tags\": [\"{PACK_TAG}\"], \"includeVars\": true, \"keepTime\": true}}"));
        }
    }

    /// `panel-id`: unique positive integer ids (screenshots and links are keyed by them).
    fn panel_ids(&mut self) {
        let mut seen: BTreeMap<u64, String> = BTreeMap::new();
        for view in panels(self.json) {
            let (pointer, panel) = (view.pointer(), view.json);
            let id = &panel["id"];
            if !id.is_number() {
                continue;
            }
            match id.as_u64().filter(|&id| id > 0) {
                None => self.report.at(
                    &format!("{pointer}/id"),
                    RuleId::PanelId,
                    format!("panel id {id} is not a positive integer"),
                    "give every panel a unique positive integer id",
                ),
                Some(id) => {
                    if let Some(first) = seen.insert(id, pointer.clone()) {
                        self.report.at(
                            &format!("{pointer}/id"),
                            RuleId::PanelId,
                            format!("panel id {id} is also the id of {first}"),
                            "give every panel a unique id (rows' panels included)",
                        );
                    }
                }
            }
        }
    }

    /// `panel-grid`: panels inside the 24 columns, none overlapping another of its layout
    /// (the top level, or one collapsed row's panels).
    fn grid(&mut self) {
        let mut layouts: BTreeMap<Option<usize>, Vec<(String, [i64; 4])>> = BTreeMap::new();
        for view in panels(self.json) {
            let (pointer, panel, row) = (view.pointer(), view.json, view.row());
            let Some(rect) = ["x", "y", "w", "h"].map(|k| panel["gridPos"][k].as_i64()).into_iter().collect::<Option<Vec<i64>>>() else {
                continue;
            };
            let [x, y, w, h] = [rect[0], rect[1], rect[2], rect[3]];
            let grid = format!("{pointer}/gridPos");
            if x < 0 || y < 0 || w < 1 || h < 1 || x + w > 24 {
                self.report.at(
                    &grid,
                    RuleId::PanelGrid,
                    format!("gridPos x={x} y={y} w={w} h={h} is outside the 24-column grid"),
                    "keep x >= 0, y >= 0, w >= 1, h >= 1 and x + w <= 24",
                );
                continue;
            }
            let layout = layouts.entry(row).or_default();
            if let Some((other, _)) = layout.iter().find(|(_, [ox, oy, ow, oh])| x < ox + ow && *ox < x + w && y < oy + oh && *oy < y + h) {
                self.report.at(
                    &grid,
                    RuleId::PanelGrid,
                    format!("the panel overlaps {other}"),
                    "move it below or beside the other panel (Grafana would shift one of them)",
                );
            }
            layout.push((pointer, [x, y, w, h]));
        }
    }

    /// `panel-title`, `panel-description`, `panel-unit`, `panel-datasource`.
    fn panel_metadata(&mut self) {
        for view in panels(self.json) {
            let (pointer, panel, kind) = (view.pointer(), view.json, view.kind());
            if non_empty(&panel["title"]).is_none() {
                self.report.at(
                    &format!("{pointer}/title"),
                    RuleId::PanelTitle,
                    "the panel has no title".into(),
                    "give it a short title saying what it shows",
                );
            }
            if view.is_row() {
                continue;
            }
            if non_empty(&panel["description"]).is_none() {
                self.report.at(
                    &format!("{pointer}/description"),
                    RuleId::PanelDescription,
                    "the panel has no description".into(),
                    "describe what healthy looks like and what to do if not (shown in the panel's info tooltip)",
                );
            }
            let defaults = view.defaults();
            let has_unit = view.unit().is_some_and(|unit| !unit.trim().is_empty());
            if NUMERIC_PANELS.contains(&kind) && !has_unit {
                self.report.at(
                    &format!("{pointer}/fieldConfig/defaults/unit"),
                    RuleId::PanelUnit,
                    format!("the {kind} panel has no unit"),
                    "set fieldConfig.defaults.unit (ms, percentunit, short, none, ...)",
                );
            }
            if STATE_PANELS.contains(&kind) && !has_unit && defaults["mappings"].as_array().is_none_or(|m| m.is_empty()) {
                self.report.at(
                    &format!("{pointer}/fieldConfig/defaults"),
                    RuleId::PanelUnit,
                    format!("the {kind} panel has neither value mappings nor a unit"),
                    "add value mappings naming the states (or a unit)",
                );
            }
            if QUERYLESS_PANELS.contains(&kind) {
                continue;
            }
            self.datasource(&format!("{pointer}/datasource"), &panel["datasource"], RuleId::PanelDatasource, "the panel");
            for target in view.targets() {
                self.datasource(
                    &format!("{}/datasource", target.pointer),
                    &target.json["datasource"],
                    RuleId::PanelDatasource,
                    "the target",
                );
            }
        }
    }

    fn datasource(&mut self, pointer: &str, datasource: &Value, rule: RuleId, what: &str) {
        let ok = datasource["type"] == "prometheus" && datasource["uid"].as_str().is_some_and(|uid| DATASOURCE_UIDS.contains(&uid));
        if !ok {
            self.report.at(pointer, rule, format!("{what}'s datasource is {datasource}, not the dashboard's data source variable"), "set \"datasource\": {\"type\": \"prometheus\", \"uid\": \"${datasource}\"} (a hard-coded uid breaks on every other Grafana)");
        }
    }

    /// The templating rules: the datasource variable, and every query variable's refresh,
    /// data source and query.
    fn variables(&mut self) {
        let json = self.json;
        if !variables(json).any(|(_, v)| v["name"] == "datasource" && v["type"] == "datasource" && v["query"] == "prometheus") {
            self.report.at(
                "/templating/list",
                RuleId::TemplateDatasourceRule,
                "no `datasource` variable of type datasource with query `prometheus`".into(),
                "add {\"name\": \"datasource\", \"type\": \"datasource\", \"query\": \"prometheus\"} first in templating.list",
            );
        }
        let values = variable_values(json);
        let context =
            QueryContext { series: &self.context.series, catalogue: &self.context.catalogue, is_target: false, scope_variables: &[] };
        for (pointer, variable) in variables(json).filter(|(_, v)| v["type"] == "query") {
            if variable["refresh"] != 2 {
                self.report.at(
                    &format!("{pointer}/refresh"),
                    RuleId::TemplateOnTimeChangeReloadRule,
                    "the query variable does not reload on time range change".into(),
                    "set \"refresh\": 2 (On time range change), so the options follow the series in range",
                );
            }
            self.datasource(&format!("{pointer}/datasource"), &variable["datasource"], RuleId::VariableQuery, "the variable");
            let (query_pointer, query) = match &variable["query"] {
                Value::String(query) => (format!("{pointer}/query"), query.as_str()),
                other => (format!("{pointer}/query/query"), other["query"].as_str().unwrap_or("")),
            };
            let substituted = template::substitute(query, &values);
            let problems = variable_query(&substituted, &context);
            self.report.problems(&query_pointer, problems);
        }
    }

    /// `variable-undefined`: every `$var` used names a variable or a Grafana builtin.
    fn references(&mut self) {
        let json = self.json;
        let defined = defined_names(json);
        let mut texts: Vec<(String, &Value)> = vec![("/title".into(), &json["title"])];
        texts.extend(json["links"].as_array().into_iter().flatten().enumerate().map(|(k, l)| (format!("/links/{k}/url"), &l["url"])));
        for (pointer, variable) in variables(json) {
            texts.push((format!("{pointer}/query"), &variable["query"]));
            texts.push((format!("{pointer}/query/query"), &variable["query"]["query"]));
        }
        let mut repeats = Vec::new();
        for view in panels(json) {
            let pointer = view.pointer();
            texts.push((format!("{pointer}/title"), &view.json["title"]));
            for (link_pointer, link) in view.links() {
                texts.push((format!("{link_pointer}/url"), &link["url"]));
            }
            for target in view.targets() {
                texts.push((format!("{}/expr", target.pointer), &target.json["expr"]));
                texts.push((format!("{}/legendFormat", target.pointer), &target.json["legendFormat"]));
            }
            if let Some(repeat) = non_empty(&view.json["repeat"]) {
                repeats.push((format!("{pointer}/repeat"), repeat));
            }
        }
        const FIX: &str = "define the variable in templating.list, or fix the name";
        for (pointer, text) in texts {
            let Some(text) = text.as_str() else { continue };
            let unknown: BTreeSet<&str> = template::references(text)
                .into_iter()
                .map(|r| r.name)
                .filter(|n| !defined.contains(n) && !template::is_builtin(n))
                .collect();
            for name in unknown {
                self.report.at(
                    &pointer,
                    RuleId::VariableUndefined,
                    format!("`${name}` is neither a variable of this dashboard nor a Grafana builtin"),
                    FIX,
                );
            }
        }
        for (pointer, name) in repeats {
            if !defined.contains(name) {
                self.report.at(
                    &pointer,
                    RuleId::VariableUndefined,
                    format!("repeats by `{name}`, which is not a variable of this dashboard"),
                    FIX,
                );
            }
        }
    }

    /// `panel-link`: runbook and dashboard links lead to something the pack ships.
    fn links(&mut self) {
        let json = self.json;
        let mut urls: Vec<(String, &str)> = json["links"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(k, l)| Some((format!("/links/{k}/url"), l["url"].as_str()?)))
            .collect();
        for view in panels(json) {
            urls.extend(view.links().into_iter().filter_map(|(pointer, link)| Some((format!("{pointer}/url"), link["url"].as_str()?))));
        }
        for (pointer, url) in urls {
            if let Some(alert) = links::runbook_alert(url) {
                if !self.context.pack_root.join(layout::RUNBOOKS).join(format!("{alert}.md")).is_file() {
                    self.report.at(
                        &pointer,
                        RuleId::PanelLink,
                        format!("links the runbook of `{alert}`, but {}/{alert}.md does not exist", layout::RUNBOOKS),
                        "link an existing runbook (docs/runbooks/<Alert>.md) or write it",
                    );
                }
            } else if let Some(uid) =
                links::dashboard_uid(url).filter(|uid| !uid.contains('$') && !self.context.dashboard_uids.contains(*uid))
            {
                let known: Vec<&str> = self.context.dashboard_uids.iter().map(String::as_str).collect();
                self.report.at(
                    &pointer,
                    RuleId::PanelLink,
                    format!("links dashboard `{uid}`, which no pack dashboard has as uid"),
                    &format!("link /d/<uid> with one of {}", known.join(", ")),
                );
            }
        }
    }

    /// Every panel target's query and legend.
    fn queries(&mut self) {
        let json = self.json;
        let values = variable_values(json);
        let defined = defined_names(json);
        let scope: Vec<&str> = SCOPE_VARIABLES.iter().copied().filter(|s| defined.contains(s)).collect();
        let context =
            QueryContext { series: &self.context.series, catalogue: &self.context.catalogue, is_target: true, scope_variables: &scope };
        for target in panels(json).iter().flat_map(PanelView::targets) {
            if let Some(expr) = target.expr() {
                let problems = queries::check(&template::substitute(expr, &values), &context);
                self.report.problems(&format!("{}/expr", target.pointer), problems);
            }
            let legend = target.legend().unwrap_or("");
            for label in legend.split("{{").skip(1).filter_map(|part| part.split_once("}}")).map(|(label, _)| label.trim()) {
                if let Some(reason) = self.context.catalogue.avoid_labels.get(label) {
                    self.report.at(
                        &format!("{}/legendFormat", target.pointer),
                        RuleId::GroupByAvoidLabel,
                        format!("the legend shows `{label}` ({reason})"),
                        "aggregate the label away in the query and drop it from the legend",
                    );
                }
            }
        }
    }
}

/// Each variable's current value (the first, for multi-value variables), else its first
/// option; what a query is parsed with.
fn variable_values(json: &Value) -> BTreeMap<String, String> {
    let first = |value: &Value| match value {
        Value::Array(values) => values.first().and_then(Value::as_str).map(str::to_string),
        other => other.as_str().map(str::to_string),
    };
    variables(json)
        .filter_map(|(_, v)| {
            let value = first(&v["current"]["value"]).or_else(|| first(&v["options"][0]["value"]))?;
            Some((v["name"].as_str()?.to_string(), value))
        })
        .collect()
}

/// Checks a query variable's query in the forms Grafana's Prometheus data source knows.
fn variable_query(query: &str, context: &QueryContext) -> Vec<Problem> {
    let query = query.trim();
    let call = |name: &str| {
        query.strip_prefix(name).map(str::trim_start).and_then(|r| r.strip_prefix('(')).and_then(|r| r.strip_suffix(')')).map(str::trim)
    };
    if let Some(args) = call("label_values") {
        return match args.rsplit_once(',') {
            Some((selector, label)) => {
                let mut problems = queries::check(selector, context);
                if problems.is_empty() {
                    problems = queries::check_listed_label(selector, label.trim(), context);
                }
                problems
            }
            None if context.series.any_carries(args) => Vec::new(),
            None => vec![Problem {
                rule: RuleId::LabelUnknown,
                message: format!("no series in metrics/catalogue.yaml carries label `{args}`"),
                fix: "list a label the catalogue declares (target labels: cluster, namespace, node, ...)".to_string(),
            }],
        };
    }
    if let Some(expr) = call("query_result") {
        return queries::check(expr, context);
    }
    if let Some(regex) = call("metrics") {
        return match crate::pack::promql::name_regex(regex) {
            Some(selector) if context.series.any_name(|name| selector.matches_name(name)) => Vec::new(),
            _ => vec![Problem {
                rule: RuleId::VariableQuery,
                message: format!("metrics({regex}) matches no series of the catalogue or the recording rules"),
                fix: "match catalogue series names (metrics/catalogue.yaml)".to_string(),
            }],
        };
    }
    if let Some(selector) = call("label_names") {
        return if selector.is_empty() { Vec::new() } else { queries::check(selector, context) };
    }
    vec![Problem {
        rule: RuleId::VariableQuery,
        message: format!("`{query}` is not a Prometheus variable query"),
        fix: "use label_values(metric{...}, label), label_values(label), label_names(), metrics(regex) or query_result(expr)".to_string(),
    }]
}
