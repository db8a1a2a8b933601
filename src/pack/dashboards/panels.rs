//! The panels of a dashboard model, walked once for everyone: top-level panels in file order, a
//! row followed by the panels it holds (a collapsed row keeps them in its own `panels`), as the
//! viewer draws them; and a view of one panel naming what the tool reads from it (type, title,
//! unit, thresholds, targets, description, links), each with its JSON pointer.

use std::fmt::Write as _;

use serde_json::Value;

/// One panel of a dashboard model.
#[derive(Debug, Clone, Copy)]
pub struct PanelView<'a> {
    pub json: &'a Value,
    /// Index of the top-level panel, and of the panel inside that row for a row's panels.
    index: (usize, Option<usize>),
}

/// Every panel, rows included, each row followed by the panels it holds; in file order.
pub fn panels(model: &Value) -> Vec<PanelView<'_>> {
    let mut out = Vec::new();
    for (i, panel) in model["panels"].as_array().into_iter().flatten().enumerate() {
        out.push(PanelView { json: panel, index: (i, None) });
        if panel["type"] == "row" {
            for (j, inner) in panel["panels"].as_array().into_iter().flatten().enumerate() {
                out.push(PanelView { json: inner, index: (i, Some(j)) });
            }
        }
    }
    out
}

/// The panels that draw something (every panel but rows): what gets a screenshot and a guide
/// section.
pub fn drawn_panels(model: &Value) -> Vec<PanelView<'_>> {
    panels(model).into_iter().filter(|p| !p.is_row()).collect()
}

impl<'a> PanelView<'a> {
    /// The JSON pointer of the panel in the model (`/panels/3`, `/panels/4/panels/0`).
    pub fn pointer(&self) -> String {
        match self.index {
            (i, None) => format!("/panels/{i}"),
            (i, Some(j)) => format!("/panels/{i}/panels/{j}"),
        }
    }

    /// The index of the row holding the panel; `None` at the top level.
    pub fn row(&self) -> Option<usize> {
        self.index.1.map(|_| self.index.0)
    }

    pub fn id(&self) -> Option<u64> {
        self.json["id"].as_u64()
    }

    /// The panel type (`timeseries`, `stat`, `row`, ...); empty when missing.
    pub fn kind(&self) -> &'a str {
        self.json["type"].as_str().unwrap_or("")
    }

    pub fn is_row(&self) -> bool {
        self.kind() == "row"
    }

    pub fn title(&self) -> Option<&'a str> {
        self.json["title"].as_str()
    }

    pub fn description(&self) -> Option<&'a str> {
        self.json["description"].as_str()
    }

    /// `fieldConfig.defaults`: unit, thresholds, mappings and data links of every field.
    pub fn defaults(&self) -> &'a Value {
        &self.json["fieldConfig"]["defaults"]
    }

    pub fn unit(&self) -> Option<&'a str> {
        self.defaults()["unit"].as_str()
    }

    /// The default thresholds, when the panel sets threshold steps.
    pub fn thresholds(&self) -> Option<Thresholds> {
        let thresholds = &self.defaults()["thresholds"];
        let steps = thresholds["steps"].as_array()?;
        let mut base = None;
        let mut levels = Vec::new();
        for step in steps {
            let color = step["color"].as_str().unwrap_or("?").to_string();
            match step["value"].as_f64() {
                Some(value) => levels.push((value, color)),
                None => base = Some(color),
            }
        }
        Some(Thresholds { base, levels, percent: thresholds["mode"] == "percentage" })
    }

    /// The panel's queries, in file order.
    pub fn targets(&self) -> Vec<Target<'a>> {
        let pointer = self.pointer();
        self.json["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(k, json)| Target { pointer: format!("{pointer}/targets/{k}"), index: k, json })
            .collect()
    }

    /// (pointer, link) of the panel links and the fields' data links.
    pub fn links(&self) -> Vec<(String, &'a Value)> {
        let pointer = self.pointer();
        let panel_links = self.json["links"].as_array().into_iter().flatten().enumerate().map(|(k, l)| (format!("{pointer}/links/{k}"), l));
        let field_links = self.defaults()["links"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(k, l)| (format!("{pointer}/fieldConfig/defaults/links/{k}"), l));
        panel_links.chain(field_links).collect()
    }
}

/// One query of a panel.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    pub pointer: String,
    /// Position among the panel's targets.
    pub index: usize,
    pub json: &'a Value,
}

impl<'a> Target<'a> {
    pub fn ref_id(&self) -> Option<&'a str> {
        self.json["refId"].as_str()
    }

    pub fn expr(&self) -> Option<&'a str> {
        self.json["expr"].as_str()
    }

    pub fn legend(&self) -> Option<&'a str> {
        self.json["legendFormat"].as_str()
    }
}

/// A panel's threshold steps: the base color, then each color from its value up.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    pub base: Option<String>,
    pub levels: Vec<(f64, String)>,
    /// The values are percentages of the field's range (`mode: percentage`).
    pub percent: bool,
}

impl Thresholds {
    /// The thresholds as guides and release notes write them: `green, orange from 1, red from 2`,
    /// with ` (percent)` in percentage mode.
    pub fn text(&self) -> String {
        let mut parts: Vec<String> = self.base.iter().cloned().collect();
        parts.extend(self.levels.iter().map(|(value, color)| format!("{color} from {value}")));
        let mut text = parts.join(", ");
        if self.percent {
            let _ = write!(text, " (percent)");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Value {
        serde_json::json!({"panels": [
            {"id": 1, "type": "stat", "title": "Up", "links": [{"url": "a"}],
             "fieldConfig": {"defaults": {"unit": "ms", "links": [{"url": "b"}],
               "thresholds": {"mode": "percentage", "steps": [{"color": "green", "value": null}, {"color": "red", "value": 0.05}]}}},
             "targets": [{"refId": "A", "expr": "up", "legendFormat": "{{cluster}}"}]},
            {"id": 2, "type": "row", "title": "More", "collapsed": true, "panels": [{"id": 3, "type": "timeseries"}]},
            {"id": 4, "type": "text", "panels": [{"id": 5}]}
        ]})
    }

    #[test]
    fn rows_are_walked_into_and_only_drawn_panels_are_drawn() {
        let model = model();
        let all: Vec<(String, Option<u64>, Option<usize>)> = panels(&model).iter().map(|p| (p.pointer(), p.id(), p.row())).collect();
        assert_eq!(
            all,
            [
                ("/panels/0".to_string(), Some(1), None),
                ("/panels/1".to_string(), Some(2), None),
                ("/panels/1/panels/0".to_string(), Some(3), Some(1)),
                ("/panels/2".to_string(), Some(4), None)
            ],
            "only rows hold panels"
        );
        assert_eq!(drawn_panels(&model).iter().filter_map(PanelView::id).collect::<Vec<_>>(), [1, 3, 4]);
    }

    #[test]
    fn a_panel_view_names_what_the_tool_reads() {
        let model = model();
        let panel = panels(&model)[0];
        assert_eq!((panel.kind(), panel.title(), panel.unit()), ("stat", Some("Up"), Some("ms")));
        assert_eq!(panel.thresholds().unwrap().text(), "green, red from 0.05 (percent)");
        let targets = panel.targets();
        assert_eq!((targets[0].pointer.as_str(), targets[0].ref_id(), targets[0].expr()), ("/panels/0/targets/0", Some("A"), Some("up")));
        assert_eq!(targets[0].legend(), Some("{{cluster}}"));
        let links: Vec<String> = panel.links().into_iter().map(|(pointer, _)| pointer).collect();
        assert_eq!(links, ["/panels/0/links/0", "/panels/0/fieldConfig/defaults/links/0"]);
        assert_eq!(panels(&model)[2].thresholds(), None);
    }
}
