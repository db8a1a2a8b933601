//! `meshkit-obs.toml`: how dashboards are rendered (viewport, deadline, views) and compared
//! (threshold, pixel budget, ignore regions), per pack, per dashboard and per panel.
//!
//! The file is optional; without it every dashboard is rendered once with its own variable
//! defaults and compared strictly. Every error names the file, the line and column, and the fix.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Position};
use crate::exit::ToolError;
use crate::geometry::Rect;
use crate::pack::dashboards::Dashboard;
use crate::pack::layout;

/// The name of the one view a dashboard gets when the config names none.
pub const DEFAULT_VIEW: &str = "default";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    render: RawRender,
    #[serde(default)]
    compare: RawCompare,
    /// Views every dashboard gets unless it lists its own.
    #[serde(default)]
    views: BTreeMap<Spanned<String>, RawView>,
    #[serde(default)]
    dashboards: BTreeMap<Spanned<String>, RawDashboard>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRender {
    width: Option<Spanned<u32>>,
    height: Option<Spanned<u32>>,
    ready_timeout_seconds: Option<Spanned<u64>>,
    theme: Option<Spanned<String>>,
    pages: Option<Spanned<usize>>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawCompare {
    threshold: Option<Spanned<f64>>,
    max_diff_pixels: Option<u64>,
    detect_antialiasing: Option<bool>,
    #[serde(default)]
    ignore: Vec<Spanned<Rect>>,
}

impl RawCompare {
    /// Overrides what this level sets (ignore regions are placed by the caller).
    fn apply(&self, settings: &mut CompareSettings) {
        if let Some(threshold) = &self.threshold {
            settings.threshold = *threshold.get_ref();
        }
        if let Some(budget) = self.max_diff_pixels {
            settings.max_diff_pixels = budget;
        }
        if let Some(aa) = self.detect_antialiasing {
            settings.detect_antialiasing = aa;
        }
    }
}

type RawView = BTreeMap<Spanned<String>, Spanned<VariableValue>>;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDashboard {
    #[serde(default)]
    compare: RawCompare,
    #[serde(default)]
    views: Option<BTreeMap<Spanned<String>, RawView>>,
    #[serde(default)]
    panels: BTreeMap<Spanned<String>, RawCompare>,
}

/// A variable's value in a view: one value, or several for a multi-value variable.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum VariableValue {
    One(String),
    Many(Vec<String>),
}

impl VariableValue {
    pub fn values(&self) -> &[String] {
        match self {
            VariableValue::One(value) => std::slice::from_ref(value),
            VariableValue::Many(values) => values,
        }
    }
}

/// How strict an image comparison is: the `[compare]` tables of the config, or `diff`'s flags.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareSettings {
    /// 0..=1: the largest YIQ colour distance, as a fraction of the largest possible one, that still
    /// counts as the same colour (pixelmatch's `threshold`).
    pub threshold: f64,
    /// How many differing pixels a capture may have and still pass.
    pub max_diff_pixels: u64,
    /// Anti-aliased pixels (Vyšniauskas 2009, as pixelmatch detects them) are not counted: font and
    /// line smoothing varies between runs without anything having changed.
    pub detect_antialiasing: bool,
    /// Regions excluded from the comparison (clocks, random ids).
    pub ignore: Vec<Rect>,
}

impl Default for CompareSettings {
    fn default() -> Self {
        CompareSettings { threshold: 0.1, max_diff_pixels: 0, detect_antialiasing: true, ignore: Vec::new() }
    }
}

/// Rendering settings shared by the whole run.
#[derive(Debug, Clone)]
pub struct RenderSettings {
    /// Viewport width in CSS pixels (device scale factor 1).
    pub width: u32,
    /// Initial viewport height; the whole-dashboard image is as tall as the page.
    pub height: u32,
    pub ready_timeout: std::time::Duration,
    pub theme: String,
    /// Browser tabs rendering at the same time.
    pub pages: usize,
}

impl Default for RenderSettings {
    fn default() -> Self {
        RenderSettings { width: 1600, height: 900, ready_timeout: std::time::Duration::from_secs(60), theme: "dark".into(), pages: 2 }
    }
}

/// One rendering of a dashboard: a name (a folder under the dashboard's baselines) and the
/// variable values passed in the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub variables: BTreeMap<String, VariableValue>,
}

/// The parsed and validated config.
#[derive(Debug)]
pub struct Config {
    pub render: RenderSettings,
    compare: RawCompare,
    default_views: Vec<View>,
    dashboards: BTreeMap<String, DashboardSettings>,
}

#[derive(Debug, Default)]
struct DashboardSettings {
    compare: RawCompare,
    views: Option<Vec<View>>,
    panels: BTreeMap<u32, RawCompare>,
}

/// What the config must be checked against: the dashboards that exist, with their panel ids
/// and variable names.
pub struct DashboardFacts<'a> {
    pub uid: &'a str,
    pub panel_ids: Vec<u32>,
    pub variables: Vec<String>,
}

impl<'a> DashboardFacts<'a> {
    pub fn of(dashboard: &'a Dashboard) -> DashboardFacts<'a> {
        DashboardFacts {
            uid: &dashboard.uid,
            panel_ids: dashboard.panels.iter().map(|p| p.id).collect(),
            variables: dashboard.variables.clone(),
        }
    }
}

impl Config {
    /// Reads `<pack>/meshkit-obs.toml` if it exists (or `explicit`, which must exist), and checks
    /// it against the dashboards.
    pub fn load(pack: &Path, explicit: Option<&Path>, dashboards: &[DashboardFacts<'_>]) -> Result<Config, ToolError> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => {
                let default = pack.join(layout::CONFIG);
                if !default.exists() {
                    return Ok(Config::from_raw(RawConfig::default()));
                }
                default
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|err| {
            ToolError::InvalidInput(format!("{}: cannot read the config: {err}; fix: pass an existing file with --config", path.display()))
        })?;
        Config::parse(&path, &text, dashboards)
    }

    /// Parses and validates `text` (the contents of `path`).
    pub fn parse(path: &Path, text: &str, dashboards: &[DashboardFacts<'_>]) -> Result<Config, ToolError> {
        let at = |span: Option<Range<usize>>| span.map_or(Position::START, |s| Position::of_offset(text, s.start)).in_file(path);
        let raw: RawConfig = toml::from_str(text)
            .map_err(|err| Diagnostic::new(at(err.span()), err.message().trim(), "see the settings documented in docs/visual-checks.md"))?;
        validate(&raw, dashboards).map_err(|invalid| Diagnostic {
            location: at(Some(invalid.span)),
            message: invalid.message,
            fix: invalid.fix,
        })?;
        Ok(Config::from_raw(raw))
    }

    fn from_raw(raw: RawConfig) -> Config {
        let mut render = RenderSettings::default();
        let r = raw.render;
        render.width = r.width.map_or(render.width, Spanned::into_inner);
        render.height = r.height.map_or(render.height, Spanned::into_inner);
        render.ready_timeout = r.ready_timeout_seconds.map_or(render.ready_timeout, |s| std::time::Duration::from_secs(s.into_inner()));
        render.theme = r.theme.map_or(render.theme, Spanned::into_inner);
        render.pages = r.pages.map_or(render.pages, Spanned::into_inner);
        let default_views = views(&raw.views);
        let dashboards = raw
            .dashboards
            .into_iter()
            .map(|(uid, d)| {
                let panels = d.panels.into_iter().filter_map(|(id, c)| Some((id.get_ref().parse().ok()?, c))).collect();
                (uid.into_inner(), DashboardSettings { compare: d.compare, views: d.views.as_ref().map(views), panels })
            })
            .collect();
        Config { render, compare: raw.compare, default_views, dashboards }
    }

    /// The views to render `uid` in: its own, else the pack's, else one view with the
    /// dashboard's own defaults.
    pub fn views(&self, uid: &str) -> Vec<View> {
        let own = self.dashboards.get(uid).and_then(|d| d.views.clone());
        let views = own.unwrap_or_else(|| self.default_views.clone());
        if views.is_empty() {
            vec![View { name: DEFAULT_VIEW.to_string(), variables: BTreeMap::new() }]
        } else {
            views
        }
    }

    /// Compare settings for one capture: pack, then dashboard, then panel (`None` = the whole
    /// dashboard image); later levels override earlier ones. Ignore regions are in the
    /// coordinates of the image they are set for: pack and dashboard regions apply to the
    /// whole-dashboard image, a panel's regions to the panel's image (the caller also moves them
    /// into the dashboard image with `panel_ignores`).
    pub fn compare_settings(&self, uid: &str, panel: Option<u32>) -> CompareSettings {
        let dashboard = self.dashboards.get(uid).map(|d| &d.compare);
        let panel_level = panel.and_then(|id| self.panel(uid, id));
        let mut settings = CompareSettings::default();
        for level in [Some(&self.compare), dashboard, panel_level].into_iter().flatten() {
            level.apply(&mut settings);
        }
        let ignore_levels = if panel.is_some() { vec![panel_level] } else { vec![Some(&self.compare), dashboard] };
        settings.ignore = ignore_levels.into_iter().flatten().flat_map(|level| level.ignore.iter().map(|r| *r.get_ref())).collect();
        settings
    }

    /// The pack's own `[compare]` settings, ignore regions included, for two images that belong
    /// to no particular dashboard or panel (`diff`).
    pub fn pack_compare_settings(&self) -> CompareSettings {
        let mut settings = CompareSettings::default();
        self.compare.apply(&mut settings);
        settings.ignore = self.compare.ignore.iter().map(|r| *r.get_ref()).collect();
        settings
    }

    fn panel(&self, uid: &str, id: u32) -> Option<&RawCompare> {
        self.dashboards.get(uid).and_then(|d| d.panels.get(&id))
    }

    /// Ignore regions set on panels of `uid`, for moving into the whole-dashboard image.
    pub fn panel_ignores(&self, uid: &str, panel: u32) -> Vec<Rect> {
        self.panel(uid, panel).map(|p| p.ignore.iter().map(|r| *r.get_ref()).collect()).unwrap_or_default()
    }
}

fn views(raw: &BTreeMap<Spanned<String>, RawView>) -> Vec<View> {
    raw.iter()
        .map(|(name, vars)| View {
            name: name.get_ref().clone(),
            variables: vars.iter().map(|(k, v)| (k.get_ref().clone(), v.get_ref().clone())).collect(),
        })
        .collect()
}

/// A setting that fails validation: where, why, and the fix when the message does not say it.
struct Invalid {
    span: Range<usize>,
    message: String,
    fix: Option<String>,
}

fn invalid(span: Range<usize>, message: String, fix: impl Into<String>) -> Invalid {
    Invalid { span, message, fix: Some(fix.into()) }
}

fn validate(raw: &RawConfig, dashboards: &[DashboardFacts<'_>]) -> Result<(), Invalid> {
    let render = &raw.render;
    for (value, what, min, max) in [(&render.width, "render.width", 200, 8000), (&render.height, "render.height", 200, 20000)] {
        if let Some(v) = value {
            if !(min..=max).contains(v.get_ref()) {
                return Err(invalid(
                    v.span(),
                    format!("{what} = {} is out of range", v.get_ref()),
                    format!("use {min}..={max} CSS pixels"),
                ));
            }
        }
    }
    if let Some(t) = &render.ready_timeout_seconds {
        if *t.get_ref() == 0 {
            return Err(Invalid { span: t.span(), message: "render.ready_timeout_seconds must be at least 1".into(), fix: None });
        }
    }
    if let Some(theme) = &render.theme {
        if !["dark", "light"].contains(&theme.get_ref().as_str()) {
            return Err(invalid(theme.span(), format!("render.theme = {:?} is unknown", theme.get_ref()), "use \"dark\" or \"light\""));
        }
    }
    if let Some(pages) = &render.pages {
        if !(1..=8).contains(pages.get_ref()) {
            return Err(Invalid {
                span: pages.span(),
                message: "render.pages must be 1..=8 (browser tabs rendering at once)".into(),
                fix: None,
            });
        }
    }
    validate_compare(&raw.compare, "compare")?;
    let all_variables: Vec<&str> = dashboards.iter().flat_map(|d| d.variables.iter().map(String::as_str)).collect();
    validate_views(&raw.views, &all_variables)?;
    for (uid, settings) in &raw.dashboards {
        let Some(facts) = dashboards.iter().find(|d| d.uid == uid.get_ref()) else {
            let known: Vec<&str> = dashboards.iter().map(|d| d.uid).collect();
            return Err(invalid(
                uid.span(),
                format!("no dashboard has uid {:?}", uid.get_ref()),
                format!("use one of {}", known.join(", ")),
            ));
        };
        validate_compare(&settings.compare, &format!("dashboards.{}.compare", uid.get_ref()))?;
        if let Some(views) = &settings.views {
            let variables: Vec<&str> = facts.variables.iter().map(String::as_str).collect();
            validate_views(views, &variables)?;
        }
        for (id, panel) in &settings.panels {
            let parsed: Option<u32> = id.get_ref().parse().ok();
            if !parsed.is_some_and(|id| facts.panel_ids.contains(&id)) {
                let ids: Vec<String> = facts.panel_ids.iter().map(u32::to_string).collect();
                return Err(invalid(
                    id.span(),
                    format!("dashboard {:?} has no panel {:?}", uid.get_ref(), id.get_ref()),
                    format!("use a panel id: {}", ids.join(", ")),
                ));
            }
            validate_compare(panel, &format!("dashboards.{}.panels.{}", uid.get_ref(), id.get_ref()))?;
        }
    }
    Ok(())
}

fn validate_compare(compare: &RawCompare, at: &str) -> Result<(), Invalid> {
    if let Some(t) = &compare.threshold {
        if !(0.0..=1.0).contains(t.get_ref()) {
            return Err(invalid(
                t.span(),
                format!("{at}.threshold = {} is out of range", t.get_ref()),
                "use 0.0 (strict) ..= 1.0 (lax), default 0.1",
            ));
        }
    }
    for rect in &compare.ignore {
        let r = rect.get_ref();
        if r.width == 0 || r.height == 0 {
            return Err(invalid(
                rect.span(),
                format!("{at}.ignore: the rectangle {r} is empty"),
                "give it a width and a height of at least 1 px",
            ));
        }
    }
    Ok(())
}

fn validate_views(views: &BTreeMap<Spanned<String>, RawView>, variables: &[&str]) -> Result<(), Invalid> {
    for (name, vars) in views {
        let n = name.get_ref();
        if n.is_empty() || !n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(invalid(
                name.span(),
                format!("view name {n:?} is not a folder-safe slug"),
                "use lowercase letters, digits and '-'",
            ));
        }
        for (var, value) in vars {
            if !variables.contains(&var.get_ref().as_str()) {
                return Err(invalid(
                    var.span(),
                    format!("view {n:?} sets variable {:?}, which no dashboard it applies to defines", var.get_ref()),
                    format!("use one of {}", variables.join(", ")),
                ));
            }
            if value.get_ref().values().is_empty() {
                return Err(invalid(value.span(), format!("view {n:?}: variable {:?} has no value", var.get_ref()), "give at least one"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Vec<DashboardFacts<'static>> {
        vec![DashboardFacts { uid: "meshkit-gossip", panel_ids: vec![1, 2, 12], variables: vec!["cluster".into(), "namespace".into()] }]
    }

    fn error(text: &str) -> String {
        Config::parse(Path::new("meshkit-obs.toml"), text, &facts()).unwrap_err().to_string()
    }

    #[test]
    fn no_file_means_one_default_view_and_strict_compare() {
        let config = Config::load(Path::new("/nonexistent-pack"), None, &facts()).unwrap();
        assert_eq!(config.views("meshkit-gossip"), vec![View { name: "default".into(), variables: BTreeMap::new() }]);
        let settings = config.compare_settings("meshkit-gossip", Some(1));
        assert_eq!((settings.threshold, settings.max_diff_pixels), (0.1, 0));
    }

    #[test]
    fn levels_override_and_ignores_stay_in_their_image() {
        let text = r#"
[compare]
threshold = 0.2
ignore = [{ x = 0, y = 0, width = 5, height = 5 }]
[views.all]
[views.one]
cluster = "prod-eu-1"
namespace = ["payments", "orders"]
[dashboards.meshkit-gossip.compare]
max_diff_pixels = 10
[dashboards.meshkit-gossip.panels.12]
threshold = 0.05
ignore = [{ x = 1, y = 2, width = 3, height = 4 }]
"#;
        let config = Config::parse(Path::new("meshkit-obs.toml"), text, &facts()).unwrap();
        let panel = config.compare_settings("meshkit-gossip", Some(12));
        assert_eq!((panel.threshold, panel.max_diff_pixels), (0.05, 10));
        assert_eq!(panel.ignore, [Rect { x: 1, y: 2, width: 3, height: 4 }], "a panel's regions only, in its own coordinates");
        let other = config.compare_settings("meshkit-gossip", Some(2));
        assert_eq!((other.threshold, other.max_diff_pixels, other.ignore.len()), (0.2, 10, 0));
        let whole = config.compare_settings("meshkit-gossip", None);
        assert_eq!(whole.ignore, [Rect { x: 0, y: 0, width: 5, height: 5 }]);
        assert_eq!(config.panel_ignores("meshkit-gossip", 12), [Rect { x: 1, y: 2, width: 3, height: 4 }]);
        let pack = config.pack_compare_settings();
        assert_eq!((pack.threshold, pack.max_diff_pixels, pack.detect_antialiasing), (0.2, 0, true), "the pack level alone");
        assert_eq!(pack.ignore, [Rect { x: 0, y: 0, width: 5, height: 5 }]);
        let views = config.views("meshkit-gossip");
        assert_eq!(views.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["all", "one"]);
        assert_eq!(views[1].variables["namespace"].values(), ["payments", "orders"]);
    }

    #[test]
    fn errors_are_located_and_say_the_fix() {
        assert!(
            error("[compare]\ntreshold = 0.1\n").starts_with("meshkit-obs.toml:2:1: unknown field `treshold`"),
            "{}",
            error("[compare]\ntreshold = 0.1\n")
        );
        assert!(error("[compare]\nthreshold = 1.5\n").starts_with("meshkit-obs.toml:2:13: compare.threshold = 1.5 is out of range"));
        let unknown = error("[dashboards.meshkit-gosip.compare]\nmax_diff_pixels = 1\n");
        assert!(
            unknown.starts_with("meshkit-obs.toml:1:13: no dashboard has uid \"meshkit-gosip\"; fix: use one of meshkit-gossip"),
            "{unknown}"
        );
        let panel = error("[dashboards.meshkit-gossip.panels.99]\nmax_diff_pixels = 1\n");
        assert!(panel.contains(":1:") && panel.contains("has no panel \"99\"") && panel.contains("1, 2, 12"), "{panel}");
        let var = error("[views.all]\nclustr = \"a\"\n");
        assert!(var.starts_with("meshkit-obs.toml:2:1: view \"all\" sets variable \"clustr\""), "{var}");
        assert!(error("[views.All]\n").contains("not a folder-safe slug"));
        assert!(error("[compare]\nignore = [{ x = 1, y = 1, width = 0, height = 3 }]\n").contains("is empty"));
        assert!(error("[render]\ntheme = \"blue\"\n").contains("use \"dark\" or \"light\""));
    }
}
