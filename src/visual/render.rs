//! Rendering one view of a dashboard in a browser tab: open the viewer page for the seeded
//! window and the view's variables, wait for its ready signal, read the per-panel problems and
//! panel boxes, take one full-page screenshot and cut every panel out of it.
//!
//! One screenshot per view (instead of one per panel) keeps the panel images consistent with
//! the whole-dashboard image and costs one PNG encode in Chromium instead of dozens.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use base64::Engine as _;
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::browser_protocol::page::{CaptureScreenshotFormat, CaptureScreenshotParams, Viewport};
use chromiumoxide::Page;
use serde::Deserialize;

use crate::exit::ToolError;
use crate::geometry::Rect;
use crate::pack::config::{RenderSettings, View};
use crate::visual::compare;

/// What to render: a dashboard in one view, over the seeded window.
#[derive(Debug, Clone)]
pub struct Target {
    pub uid: String,
    pub view: View,
}

/// A problem the page reported for one panel (`panel_id` 0: the page itself failed).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub panel_id: u32,
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct PanelShot {
    pub id: u32,
    pub rect: Rect,
    pub png: Vec<u8>,
}

/// Everything one view produced.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub target: Target,
    pub dashboard_png: Vec<u8>,
    pub panels: Vec<PanelShot>,
    pub problems: Vec<Problem>,
    pub ready_after: Duration,
}

/// The viewer page URL of `target`.
pub fn page_url(viewer: &str, target: &Target, window: (&str, &str), settings: &RenderSettings) -> anyhow::Result<String> {
    let mut url = reqwest::Url::parse(viewer).with_context(|| format!("viewer URL {viewer}"))?;
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("dashboard", &target.uid).append_pair("from", window.0).append_pair("to", window.1);
        query.append_pair("width", &settings.width.to_string()).append_pair("theme", &settings.theme);
        for (name, value) in &target.view.variables {
            for v in value.values() {
                query.append_pair(&format!("var-{name}"), v);
            }
        }
    }
    Ok(url.into())
}

#[derive(Deserialize)]
struct PageState {
    problems: Vec<Problem>,
    panels: Vec<PanelBox>,
    height: f64,
}

#[derive(Deserialize)]
struct PanelBox {
    id: u32,
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

const READY_EXPR: &str = "document.body ? document.body.dataset.ready === 'true' : false";
const STATE_EXPR: &str = r#"JSON.stringify({
  problems: window.__meshkitProblems || [],
  height: Math.ceil(document.documentElement.scrollHeight),
  panels: [...document.querySelectorAll('[data-panel-id]')].map((el) => {
    const r = el.getBoundingClientRect();
    return { id: Number(el.dataset.panelId), x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
  }),
})"#;
const TWO_FRAMES: &str = "new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))";

/// Renders `target` in `page` (a tab reused across targets).
pub async fn render(page: &Page, url: &str, target: &Target, settings: &RenderSettings) -> anyhow::Result<Rendered> {
    let started = Instant::now();
    set_viewport(page, settings.width, settings.height).await?;
    page.goto(url).await.with_context(|| format!("opening {url}"))?;
    loop {
        let ready: bool = page.evaluate(READY_EXPR).await.context("reading the page's ready signal")?.into_value().unwrap_or(false);
        if ready {
            break;
        }
        if started.elapsed() > settings.ready_timeout {
            return Err(ToolError::ChildFailed(format!(
                "{url}: the page did not signal ready (body[data-ready=true]) within {}s; the viewer or the browser hung (raise render.ready_timeout_seconds in meshkit-obs.toml if the machine is just slow)",
                settings.ready_timeout.as_secs()
            ))
            .into());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let ready_after = started.elapsed();
    let state: String = page.evaluate(STATE_EXPR).await.context("reading problems and panel boxes")?.into_value().context("page state")?;
    let state: PageState = serde_json::from_str(&state).context("decoding the page state")?;
    let height = state.height.max(1.0) as u32;
    // The grid has fixed pixel sizes, so growing the viewport to the page's height does not
    // move anything; the two frames let the browser paint the newly visible area.
    set_viewport(page, settings.width, height).await?;
    page.evaluate(TWO_FRAMES).await.context("waiting for paint")?;
    let shot = page
        .execute(CaptureScreenshotParams {
            format: Some(CaptureScreenshotFormat::Png),
            clip: Some(Viewport { x: 0.0, y: 0.0, width: settings.width as f64, height: height as f64, scale: 1.0 }),
            ..Default::default()
        })
        .await
        .context("taking the screenshot")?;
    let dashboard_png =
        base64::engine::general_purpose::STANDARD.decode(AsRef::<str>::as_ref(&shot.result.data)).context("decoding the screenshot")?;
    let boxes: Vec<(u32, Rect)> = state.panels.iter().map(|b| (b.id, pixel_rect(b))).collect();
    let (dashboard_png, panels) = tokio::task::spawn_blocking(move || crop_panels(dashboard_png, &boxes)).await??;
    Ok(Rendered { target: target.clone(), dashboard_png, panels, problems: state.problems, ready_after })
}

async fn set_viewport(page: &Page, width: u32, height: u32) -> anyhow::Result<()> {
    page.execute(SetDeviceMetricsOverrideParams::new(width as i64, height as i64, 1.0, false)).await.context("setting the viewport")?;
    Ok(())
}

/// The whole pixels a CSS box covers (edges rounded to the nearest pixel, as Chromium paints).
fn pixel_rect(b: &PanelBox) -> Rect {
    let x0 = b.x.round().max(0.0) as u32;
    let y0 = b.y.round().max(0.0) as u32;
    let x1 = (b.x + b.width).round().max(0.0) as u32;
    let y1 = (b.y + b.height).round().max(0.0) as u32;
    Rect { x: x0, y: y0, width: x1.saturating_sub(x0), height: y1.saturating_sub(y0) }
}

/// Re-encodes the page screenshot (so baseline bytes depend on pixels only, not on Chromium's
/// encoder) and cuts each panel's box out of it, clamped to the image.
fn crop_panels(page_png: Vec<u8>, boxes: &[(u32, Rect)]) -> anyhow::Result<(Vec<u8>, Vec<PanelShot>)> {
    let image = compare::decode(&page_png).map_err(|err| anyhow::anyhow!("Chromium's screenshot is not a readable PNG: {err}"))?;
    let mut panels = Vec::new();
    for &(id, rect) in boxes {
        let x = rect.x.min(image.width());
        let y = rect.y.min(image.height());
        let width = rect.width.min(image.width() - x);
        let height = rect.height.min(image.height() - y);
        if width == 0 || height == 0 {
            continue;
        }
        let crop = image::imageops::crop_imm(&image, x, y, width, height).to_image();
        panels.push(PanelShot { id, rect: Rect { x, y, width, height }, png: compare::encode_png(&crop) });
    }
    Ok((compare::encode_png(&image), panels))
}
