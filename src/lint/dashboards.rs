//! Lint of the Grafana dashboards (`dashboards/**/*.json`): the JSON shape Grafana 11 reads,
//! the pack's dashboard settings, panel layout and metadata, the `${datasource}` convention,
//! the template variables, the links, and every query (see [`super::queries`]). Each finding
//! names the JSON pointer of the offending element and is located at it in the file.
//!
//! Unlike `crate::pack::dashboards` (which stops `check` at the first broken file), this reads
//! leniently and reports everything it can.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::json_location::locate;
use super::queries::{self, Context, Problem};
use super::series::Series;
use super::{rule_id, template, Finding};
use crate::pack::catalogue::Catalogue;
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

/// One dashboard file as read for lint.
pub struct DashboardFile {
    pub path: PathBuf,
    text: String,
    json: Result<Value, serde_json::Error>,
}

impl DashboardFile {
    /// The parsed dashboard; None when the file is not JSON (its `dashboard-json` finding).
    pub fn json(&self) -> Option<&Value> {
        self.json.as_ref().ok()
    }

    pub fn uid(&self) -> Option<&str> {
        self.json.as_ref().ok()?.get("uid")?.as_str()
    }

    /// Where `pointer` is written in the file.
    pub fn locate(&self, pointer: &str) -> (u64, u64) {
        locate(&self.text, pointer)
    }

    /// (pointer, query, regex) of the dashboard's `datasource`-type variables.
    pub fn datasource_variables(&self) -> Vec<(String, String, String)> {
        variables(self.json.as_ref().unwrap_or(&Value::Null))
            .filter(|(_, v)| v["type"] == "datasource")
            .map(|(pointer, v)| (pointer, v["query"].as_str().unwrap_or("").to_string(), v["regex"].as_str().unwrap_or("").to_string()))
            .collect()
    }
}

/// Every `*.json` below `<pack>/dashboards/`, read (a file that is not JSON is kept for its
/// `dashboard-json` finding).
pub fn read_all(pack_root: &Path) -> anyhow::Result<Vec<DashboardFile>> {
    let mut files = Vec::new();
    for path in crate::fsutil::files_below(&pack_root.join(layout::DASHBOARDS), |name| name.ends_with(".json")) {
        let text = std::fs::read_to_string(&path).map_err(|err| anyhow::anyhow!("{}: cannot read: {err}", path.display()))?;
        let json = serde_json::from_str(&text);
        files.push(DashboardFile { path, text, json });
    }
    Ok(files)
}

/// All dashboard findings.
pub fn lint(pack_root: &Path, files: &[DashboardFile], catalogue: &Catalogue, series: &Series) -> Vec<Finding> {
    let uids: BTreeSet<&str> = files.iter().filter_map(DashboardFile::uid).collect();
    let mut findings = Vec::new();
    for file in files {
        let mut report = Report { file, findings: Vec::new() };
        match &file.json {
            Err(err) => {
                report.findings.push(Finding {
                    path: file.path.clone(),
                    line: err.line() as u64,
                    column: err.column() as u64,
                    rule: rule_id("dashboard-json"),
                    message: format!("not valid JSON: {err}"),
                    fix: "repair the JSON (Grafana's \"Export\" writes a valid file)".to_string(),
                });
            }
            Ok(json) if !json.is_object() => report.at(
                "",
                "dashboard-json",
                "the dashboard is not a JSON object".into(),
                "export the dashboard model (an object with uid, title, panels, templating)",
            ),
            Ok(json) => Dashboard { pack_root, json, uids: &uids, catalogue, series, report: &mut report }.lint(),
        }
        findings.extend(report.findings);
    }
    findings.extend(super::versions::lint(pack_root, files));
    findings
}

/// Findings of one file, located by JSON pointer.
struct Report<'a> {
    file: &'a DashboardFile,
    findings: Vec<Finding>,
}

impl Report<'_> {
    fn at(&mut self, pointer: &str, rule: &str, message: String, fix: &str) {
        let (line, column) = self.file.locate(pointer);
        let pointer = if pointer.is_empty() { "/" } else { pointer };
        self.findings.push(Finding {
            path: self.file.path.clone(),
            line,
            column,
            rule: rule_id(rule),
            message: format!("{pointer}: {message}"),
            fix: fix.to_string(),
        });
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

/// (pointer, panel, row index) of every panel, rows' nested panels included.
fn panels(json: &Value) -> Vec<(String, &Value, Option<usize>)> {
    let mut out = Vec::new();
    for (i, panel) in json["panels"].as_array().into_iter().flatten().enumerate() {
        out.push((format!("/panels/{i}"), panel, None));
        for (j, inner) in panel["panels"].as_array().into_iter().flatten().enumerate() {
            out.push((format!("/panels/{i}/panels/{j}"), inner, Some(i)));
        }
    }
    out
}

fn non_empty(value: &Value) -> Option<&str> {
    value.as_str().filter(|s| !s.trim().is_empty())
}

struct Dashboard<'a, 'r> {
    pack_root: &'a Path,
    json: &'a Value,
    uids: &'a BTreeSet<&'a str>,
    catalogue: &'a Catalogue,
    series: &'a Series,
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
            self.report.at("/title", "dashboard-json", "`title` is missing or not a string".into(), FIX);
        }
        if json["schemaVersion"].as_u64().is_none_or(|v| v < MIN_SCHEMA_VERSION) {
            self.report.at("/schemaVersion", "dashboard-json", format!("`schemaVersion` must be a number >= {MIN_SCHEMA_VERSION}"), FIX);
        }
        if !json["panels"].is_array() {
            self.report.at("/panels", "dashboard-json", "`panels` is missing or not an array".into(), FIX);
        }
        if !json["templating"]["list"].is_array() {
            self.report.at("/templating", "dashboard-json", "`templating.list` is missing or not an array".into(), FIX);
        }
        for (pointer, panel, _) in panels(json) {
            if !panel.is_object() {
                self.report.at(&pointer, "dashboard-json", "a panel is not an object".into(), FIX);
                continue;
            }
            if !panel["type"].is_string() {
                self.report.at(&pointer, "dashboard-json", "the panel has no `type`".into(), FIX);
            }
            if !panel["id"].is_number() {
                self.report.at(&pointer, "dashboard-json", "the panel has no numeric `id`".into(), FIX);
            }
            if ["x", "y", "w", "h"].iter().any(|k| !panel["gridPos"][k].is_number()) {
                self.report.at(&format!("{pointer}/gridPos"), "dashboard-json", "`gridPos` needs numbers x, y, w and h".into(), FIX);
            }
        }
    }

    /// `dashboard-uid`: the uid is the file stem, so a file's name says what `/d/<uid>` opens.
    fn uid(&mut self) {
        let stem = self.report.file.path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if self.json["uid"].as_str() != Some(stem.as_str()) {
            self.report.at(
                "/uid",
                "dashboard-uid",
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
                "dashboard-settings",
                format!("the `{PACK_TAG}` tag is missing"),
                &format!("add \"{PACK_TAG}\" to tags (dashboard links list the pack by it)"),
            );
        }
        if json["editable"] != Value::Bool(false) {
            self.report.at(
                "/editable",
                "dashboard-settings",
                "`editable` is not false".into(),
                "set \"editable\": false: provisioning owns the dashboard, UI edits would be lost",
            );
        }
        if non_empty(&json["time"]["from"]).is_none() || non_empty(&json["time"]["to"]).is_none() {
            self.report.at(
                "/time",
                "dashboard-settings",
                "`time.from`/`time.to` are not set".into(),
                "set a default range, e.g. {\"from\": \"now-6h\", \"to\": \"now\"}",
            );
        }
        if non_empty(&json["refresh"]).is_none() {
            self.report.at(
                "/refresh",
                "dashboard-settings",
                "`refresh` is not set".into(),
                "set \"refresh\": \"1m\" (an operator dashboard stays current)",
            );
        }
        let links_pack = json["links"].as_array().into_iter().flatten().any(|link| {
            (link["type"] == "dashboards" && link["tags"].as_array().is_some_and(|tags| tags.iter().any(|t| t == PACK_TAG)))
                || (link["type"] == "link" && link["url"].as_str().and_then(dashboard_uid_of).is_some_and(|uid| self.uids.contains(uid)))
        });
        if !links_pack {
            self.report.at("/links", "dashboard-settings", "no link to the other pack dashboards".into(), &format!("add a dashboard link {{\"type\": \"dashboards\", \"tags\": [\"{PACK_TAG}\"], \"includeVars\": true, \"keepTime\": true}}"));
        }
    }

    /// `panel-id`: unique positive integer ids (screenshots and links are keyed by them).
    fn panel_ids(&mut self) {
        let mut seen: BTreeMap<u64, String> = BTreeMap::new();
        for (pointer, panel, _) in panels(self.json) {
            let id = &panel["id"];
            if !id.is_number() {
                continue;
            }
            match id.as_u64().filter(|&id| id > 0) {
                None => self.report.at(
                    &format!("{pointer}/id"),
                    "panel-id",
                    format!("panel id {id} is not a positive integer"),
                    "give every panel a unique positive integer id",
                ),
                Some(id) => {
                    if let Some(first) = seen.insert(id, pointer.clone()) {
                        self.report.at(
                            &format!("{pointer}/id"),
                            "panel-id",
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
        for (pointer, panel, row) in panels(self.json) {
            let Some(rect) = ["x", "y", "w", "h"].map(|k| panel["gridPos"][k].as_i64()).into_iter().collect::<Option<Vec<i64>>>() else {
                continue;
            };
            let [x, y, w, h] = [rect[0], rect[1], rect[2], rect[3]];
            let grid = format!("{pointer}/gridPos");
            if x < 0 || y < 0 || w < 1 || h < 1 || x + w > 24 {
                self.report.at(
                    &grid,
                    "panel-grid",
                    format!("gridPos x={x} y={y} w={w} h={h} is outside the 24-column grid"),
                    "keep x >= 0, y >= 0, w >= 1, h >= 1 and x + w <= 24",
                );
                continue;
            }
            let layout = layouts.entry(row).or_default();
            if let Some((other, _)) = layout.iter().find(|(_, [ox, oy, ow, oh])| x < ox + ow && *ox < x + w && y < oy + oh && *oy < y + h) {
                self.report.at(
                    &grid,
                    "panel-grid",
                    format!("the panel overlaps {other}"),
                    "move it below or beside the other panel (Grafana would shift one of them)",
                );
            }
            layout.push((pointer, [x, y, w, h]));
        }
    }

    /// `panel-title`, `panel-description`, `panel-unit`, `panel-datasource`.
    fn panel_metadata(&mut self) {
        for (pointer, panel, _) in panels(self.json) {
            let kind = panel["type"].as_str().unwrap_or("");
            if non_empty(&panel["title"]).is_none() {
                self.report.at(
                    &format!("{pointer}/title"),
                    "panel-title",
                    "the panel has no title".into(),
                    "give it a short title saying what it shows",
                );
            }
            if kind == "row" {
                continue;
            }
            if non_empty(&panel["description"]).is_none() {
                self.report.at(
                    &format!("{pointer}/description"),
                    "panel-description",
                    "the panel has no description".into(),
                    "describe what healthy looks like and what to do if not (shown in the panel's info tooltip)",
                );
            }
            let defaults = &panel["fieldConfig"]["defaults"];
            let has_unit = non_empty(&defaults["unit"]).is_some();
            if NUMERIC_PANELS.contains(&kind) && !has_unit {
                self.report.at(
                    &format!("{pointer}/fieldConfig/defaults/unit"),
                    "panel-unit",
                    format!("the {kind} panel has no unit"),
                    "set fieldConfig.defaults.unit (ms, percentunit, short, none, ...)",
                );
            }
            if STATE_PANELS.contains(&kind) && !has_unit && defaults["mappings"].as_array().is_none_or(|m| m.is_empty()) {
                self.report.at(
                    &format!("{pointer}/fieldConfig/defaults"),
                    "panel-unit",
                    format!("the {kind} panel has neither value mappings nor a unit"),
                    "add value mappings naming the states (or a unit)",
                );
            }
            if QUERYLESS_PANELS.contains(&kind) {
                continue;
            }
            self.datasource(&format!("{pointer}/datasource"), &panel["datasource"], "panel-datasource", "the panel");
            for (j, target) in panel["targets"].as_array().into_iter().flatten().enumerate() {
                self.datasource(&format!("{pointer}/targets/{j}/datasource"), &target["datasource"], "panel-datasource", "the target");
            }
        }
    }

    fn datasource(&mut self, pointer: &str, datasource: &Value, rule: &str, what: &str) {
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
                "template-datasource-rule",
                "no `datasource` variable of type datasource with query `prometheus`".into(),
                "add {\"name\": \"datasource\", \"type\": \"datasource\", \"query\": \"prometheus\"} first in templating.list",
            );
        }
        let values = variable_values(json);
        let context = Context { series: self.series, catalogue: self.catalogue, is_target: false, scope_variables: &[] };
        for (pointer, variable) in variables(json).filter(|(_, v)| v["type"] == "query") {
            if variable["refresh"] != 2 {
                self.report.at(
                    &format!("{pointer}/refresh"),
                    "template-on-time-change-reload-rule",
                    "the query variable does not reload on time range change".into(),
                    "set \"refresh\": 2 (On time range change), so the options follow the series in range",
                );
            }
            self.datasource(&format!("{pointer}/datasource"), &variable["datasource"], "variable-query", "the variable");
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
        for (pointer, panel, _) in panels(json) {
            texts.push((format!("{pointer}/title"), &panel["title"]));
            for (k, link) in panel_links(panel) {
                texts.push((format!("{pointer}/{k}/url"), &link["url"]));
            }
            for (j, target) in panel["targets"].as_array().into_iter().flatten().enumerate() {
                texts.push((format!("{pointer}/targets/{j}/expr"), &target["expr"]));
                texts.push((format!("{pointer}/targets/{j}/legendFormat"), &target["legendFormat"]));
            }
            if let Some(repeat) = non_empty(&panel["repeat"]) {
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
                    "variable-undefined",
                    format!("`${name}` is neither a variable of this dashboard nor a Grafana builtin"),
                    FIX,
                );
            }
        }
        for (pointer, name) in repeats {
            if !defined.contains(name) {
                self.report.at(
                    &pointer,
                    "variable-undefined",
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
        for (pointer, panel, _) in panels(json) {
            urls.extend(panel_links(panel).into_iter().filter_map(|(k, link)| Some((format!("{pointer}/{k}/url"), link["url"].as_str()?))));
        }
        for (pointer, url) in urls {
            if let Some(alert) = links::runbook_alert(url) {
                if !self.pack_root.join(layout::RUNBOOKS).join(format!("{alert}.md")).is_file() {
                    self.report.at(
                        &pointer,
                        "panel-link",
                        format!("links the runbook of `{alert}`, but {}/{alert}.md does not exist", layout::RUNBOOKS),
                        "link an existing runbook (docs/runbooks/<Alert>.md) or write it",
                    );
                }
            } else if let Some(uid) = dashboard_uid_of(url).filter(|uid| !uid.contains('$') && !self.uids.contains(uid)) {
                let known: Vec<&str> = self.uids.iter().copied().collect();
                self.report.at(
                    &pointer,
                    "panel-link",
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
        let context = Context { series: self.series, catalogue: self.catalogue, is_target: true, scope_variables: &scope };
        for (pointer, panel, _) in panels(json) {
            for (j, target) in panel["targets"].as_array().into_iter().flatten().enumerate() {
                let target_pointer = format!("{pointer}/targets/{j}");
                if let Some(expr) = target["expr"].as_str() {
                    let problems = queries::check(&template::substitute(expr, &values), &context);
                    self.report.problems(&format!("{target_pointer}/expr"), problems);
                }
                let legend = target["legendFormat"].as_str().unwrap_or("");
                for label in legend.split("{{").skip(1).filter_map(|part| part.split_once("}}")).map(|(label, _)| label.trim()) {
                    if let Some(reason) = self.catalogue.avoid_labels.get(label) {
                        self.report.at(
                            &format!("{target_pointer}/legendFormat"),
                            "group-by-avoid-label",
                            format!("the legend shows `{label}` ({reason})"),
                            "aggregate the label away in the query and drop it from the legend",
                        );
                    }
                }
            }
        }
    }
}

/// The links of a panel: (pointer suffix, link) for panel links and field data links.
fn panel_links(panel: &Value) -> Vec<(String, &Value)> {
    let mut out: Vec<(String, &Value)> =
        panel["links"].as_array().into_iter().flatten().enumerate().map(|(k, l)| (format!("links/{k}"), l)).collect();
    out.extend(
        panel["fieldConfig"]["defaults"]["links"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(k, l)| (format!("fieldConfig/defaults/links/{k}"), l)),
    );
    out
}

/// The uid a `.../d/<uid>...` URL opens.
fn dashboard_uid_of(url: &str) -> Option<&str> {
    let after = &url[url.find("/d/")? + 3..];
    Some(after.split(['?', '/', '#']).next().unwrap_or(after)).filter(|uid| !uid.is_empty())
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
fn variable_query(query: &str, context: &Context) -> Vec<Problem> {
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
                rule: rule_id("label-unknown"),
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
                rule: rule_id("variable-query"),
                message: format!("metrics({regex}) matches no series of the catalogue or the recording rules"),
                fix: "match catalogue series names (metrics/catalogue.yaml)".to_string(),
            }],
        };
    }
    if let Some(selector) = call("label_names") {
        return if selector.is_empty() { Vec::new() } else { queries::check(selector, context) };
    }
    vec![Problem {
        rule: rule_id("variable-query"),
        message: format!("`{query}` is not a Prometheus variable query"),
        fix: "use label_values(metric{...}, label), label_values(label), label_names(), metrics(regex) or query_result(expr)".to_string(),
    }]
}
