//! The dashboard guides (`docs/dashboards/<uid>.md`) and the docs index (`docs/README.md`):
//! what their generated parts say, from the dashboard JSON, the alert rules and the approved
//! baselines, and how a generated part is spliced into a file whose hand-written part is kept
//! byte for byte.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::pack::dashboards::{drawn_panels, PanelView};

/// Opens the generated part; everything before it is hand-written and never touched.
pub const BEGIN: &str = "<!-- BEGIN meshkit-obs docs: generated from the dashboard, the alert rules and the approved baselines; edit those and run `meshkit-obs docs` -->";
/// Closes the generated part; everything after it is hand-written too.
pub const END: &str = "<!-- END meshkit-obs docs -->";

/// An alert as a guide cites it.
#[derive(Debug, Clone)]
pub struct AlertRef {
    pub name: String,
    pub severity: String,
    pub summary: String,
}

/// What a guide is generated from besides the dashboard JSON.
pub struct GuideInput<'a> {
    pub uid: &'a str,
    /// The dashboard file, relative to the pack (for the header line).
    pub file: &'a str,
    pub folder: &'a str,
    /// The view whose baselines illustrate the guide.
    pub view: &'a str,
    /// Baseline image path relative to the guide, for the whole dashboard (`None`) or a panel id.
    pub image: &'a dyn Fn(Option<u64>) -> String,
    /// Alerts whose `dashboard_url` opens this dashboard.
    pub alerts: &'a [AlertRef],
    /// Runbook link for an alert name, relative to the guide.
    pub runbook: &'a dyn Fn(&str) -> String,
}

/// The generated part of one guide, markers included.
pub fn guide_generated(dashboard: &Value, input: &GuideInput) -> String {
    let mut out = String::new();
    let title = dashboard["title"].as_str().unwrap_or(input.uid);
    let _ = writeln!(out, "{BEGIN}\n");
    let _ = writeln!(
        out,
        "**Dashboard:** {title} (`{}`) · **File:** `{}` · **Grafana folder:** {} · **Screenshots:** the approved baselines of view `{}`\n",
        input.uid, input.file, input.folder, input.view
    );
    if let Some(description) = dashboard["description"].as_str() {
        let _ = writeln!(out, "{description}\n");
    }
    let _ = writeln!(out, "![{title}]({})\n", (input.image)(None));
    variables(&mut out, dashboard);
    alerts(&mut out, input);
    let _ = writeln!(out, "## Panels\n");
    for panel in drawn_panels(dashboard) {
        panel_section(&mut out, &panel, input);
    }
    let _ = writeln!(out, "{END}");
    out
}

fn variables(out: &mut String, dashboard: &Value) {
    let list = dashboard["templating"]["list"].as_array().cloned().unwrap_or_default();
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Variables\n\n| Variable | Label | Values from | Multi / All |\n|---|---|---|---|");
    for variable in &list {
        let query = variable["definition"]
            .as_str()
            .or_else(|| variable["query"].as_str())
            .or_else(|| variable["query"]["query"].as_str())
            .unwrap_or("");
        let source =
            if variable["type"] == "datasource" { format!("data sources of type `{query}`") } else { format!("`{}`", cell(query)) };
        let multi = format!("{} / {}", yes_no(&variable["multi"]), yes_no(&variable["includeAll"]));
        let _ = writeln!(
            out,
            "| `${}` | {} | {source} | {multi} |",
            variable["name"].as_str().unwrap_or(""),
            variable["label"].as_str().unwrap_or("")
        );
    }
    out.push('\n');
}

fn alerts(out: &mut String, input: &GuideInput) {
    if input.alerts.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Alerts that open this dashboard\n\n| Alert | Severity | Summary |\n|---|---|---|");
    for alert in input.alerts {
        let _ = writeln!(out, "| [{}]({}) | {} | {} |", alert.name, (input.runbook)(&alert.name), alert.severity, cell(&alert.summary));
    }
    out.push('\n');
}

fn panel_section(out: &mut String, panel: &PanelView, input: &GuideInput) {
    let id = panel.id().unwrap_or(0);
    let title = panel.title().unwrap_or("");
    let _ = writeln!(out, "### {title}\n");
    let _ = writeln!(out, "![{title}]({})\n", (input.image)(Some(id)));
    if let Some(description) = panel.description() {
        let _ = writeln!(out, "{description}\n");
    }
    let kind = Some(panel.kind()).filter(|k| !k.is_empty()).unwrap_or("?");
    let mut facts = vec![format!("**Panel:** {kind} (id {id})")];
    if let Some(unit) = panel.unit() {
        facts.push(format!("**Unit:** `{unit}`"));
    }
    if let Some(thresholds) = panel.thresholds().filter(|t| !t.levels.is_empty()) {
        facts.push(format!("**Thresholds:** {}", thresholds.text()));
    }
    let _ = writeln!(out, "{}\n", facts.join(" · "));
    for target in panel.targets() {
        let legend = target.legend().filter(|l| !l.is_empty()).map(|l| format!(" (legend `{l}`)")).unwrap_or_default();
        let _ = writeln!(
            out,
            "Query {}{legend}:\n\n```promql\n{}\n```\n",
            target.ref_id().unwrap_or("?"),
            target.expr().unwrap_or("").trim_end()
        );
    }
    let runbooks: Vec<String> = panel
        .links()
        .into_iter()
        .filter_map(|(_, l)| crate::pack::links::runbook_alert(l["url"].as_str()?))
        .map(|alert| format!("[{alert}]({})", (input.runbook)(alert)))
        .collect();
    if !runbooks.is_empty() {
        let _ = writeln!(out, "**Runbooks:** {}\n", runbooks.join(", "));
    }
    let verbs = cli_verbs(panel.description().unwrap_or(""));
    if !verbs.is_empty() {
        let _ = writeln!(out, "**CLI:** {}\n", verbs.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "));
    }
}

/// The `omnirelay mesh ...` commands quoted in a description (backtick spans), in order, once.
pub fn cli_verbs(text: &str) -> Vec<String> {
    let mut verbs: Vec<String> = Vec::new();
    for (index, span) in text.split('`').enumerate() {
        if index % 2 == 1 && span.starts_with("omnirelay mesh ") && !verbs.iter().any(|v| v == span) {
            verbs.push(span.to_string());
        }
    }
    verbs
}

fn yes_no(value: &Value) -> &'static str {
    if value.as_bool() == Some(true) {
        "yes"
    } else {
        "no"
    }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The file with its generated part replaced by `generated`, keeping every byte outside the
/// markers; a file without markers gets `hand_written` first (a new guide) or keeps its text and
/// gains the generated part at the end.
pub fn splice(existing: Option<&str>, generated: &str, hand_written: &str) -> String {
    let Some(text) = existing else {
        return format!("{hand_written}\n{generated}");
    };
    match (text.find(BEGIN), text.find(END)) {
        (Some(begin), Some(end)) if end > begin => {
            let mut after = &text[end + END.len()..];
            after = after.strip_prefix('\n').unwrap_or(after);
            format!("{}{generated}{after}", &text[..begin])
        }
        _ => format!("{}\n{generated}", text.trim_end_matches('\n').to_string() + "\n"),
    }
}

/// The generated part of `docs/README.md`: dashboards, alerts with runbooks, and the other docs.
pub fn index_generated(dashboards: &[(String, String, String, String)], alerts: &BTreeMap<String, AlertRef>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{BEGIN}\n");
    let _ = writeln!(out, "## Dashboards\n\n| Dashboard | Folder | What it is for |\n|---|---|---|");
    for (uid, title, folder, description) in dashboards {
        let first = description.split(". ").next().unwrap_or("").trim_end_matches('.');
        let _ = writeln!(out, "| [{title}](dashboards/{uid}.md) | {folder} | {}. |", cell(first));
    }
    let _ = writeln!(out, "\n## Alerts and runbooks\n\n| Alert | Severity | Summary |\n|---|---|---|");
    for alert in alerts.values() {
        let _ = writeln!(out, "| [{}](runbooks/{}.md) | {} | {} |", alert.name, alert.name, alert.severity, cell(&alert.summary));
    }
    let _ = write!(out, "\n{END}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splicing_keeps_the_hand_written_parts_byte_for_byte() {
        let generated = format!("{BEGIN}\nnew\n{END}\n");
        let text = format!("# Title\n\nmine  \n\n{BEGIN}\nold\n{END}\ntail, also mine\n");
        let spliced = splice(Some(&text), &generated, "unused");
        assert_eq!(spliced, format!("# Title\n\nmine  \n\n{BEGIN}\nnew\n{END}\ntail, also mine\n"));
        assert_eq!(splice(Some(&spliced), &generated, "unused"), spliced, "splicing twice changes nothing");
        assert_eq!(splice(None, &generated, "# New\n"), format!("# New\n\n{generated}"));
    }

    #[test]
    fn cli_verbs_are_the_quoted_omnirelay_mesh_commands() {
        let verbs =
            cli_verbs("Run `omnirelay mesh peers list --url x` then `kubectl get pods`, or `omnirelay mesh peers list --url x` again.");
        assert_eq!(verbs, ["omnirelay mesh peers list --url x"]);
    }
}
