//! `index.html`: the report a person reviews. One self-contained file (inline CSS and script,
//! images as `data:` URIs) so it can be attached to a CI run and opened from disk with no
//! network: summary first, then failures with an image viewer, orphans, and passed captures.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use base64::Engine as _;

use super::{image_path, Capture, Counts, RunReport, Status};

pub(super) fn render(report: &RunReport, dir: &Path) -> anyhow::Result<String> {
    let counts = report.counts();
    let (failures, passed): (Vec<&Capture>, Vec<&Capture>) = report.ordered_captures().into_iter().partition(|c| c.status.is_failure());
    let verdict = if report.passed() { "passed" } else { "failed" };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"dark\">\n<title>meshkit-obs visual check {verdict}: {} of {} failing</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        counts.failed(),
        counts.captures()
    );
    summary(&mut out, report, &counts, &failures);

    out.push_str("<section id=\"failures\">\n<h2>Failures</h2>\n");
    if failures.is_empty() {
        let _ = writeln!(out, "<p class=\"muted\">None: every capture matches its baseline.</p>");
    }
    for (index, capture) in failures.iter().enumerate() {
        failure(&mut out, index, capture, dir)?;
    }
    out.push_str("</section>\n");

    orphans(&mut out, report);

    let _ = writeln!(out, "<section id=\"passed\">\n<h2>Passed ({})</h2>", passed.len());
    if !passed.is_empty() {
        // A list without images: passed captures are the bulk of a run, and embedding them
        // would make the file many megabytes for nothing a reviewer needs to look at.
        let _ = writeln!(out, "<details>\n<summary>Show {} passed captures</summary>\n<ul class=\"passed\">", passed.len());
        for capture in passed {
            let ssim = capture.ssim.map_or(String::new(), |s| format!(" <span class=\"muted\">SSIM {s:.4}</span>"));
            // A pass can still carry advice (a baseline named for the panel's old title).
            let note =
                if capture.message.is_empty() { String::new() } else { format!(" <span class=\"muted\">{}</span>", esc(&capture.message)) };
            let _ = writeln!(
                out,
                "<li><code>{}</code> / <code>{}</code> / {}{ssim}{note}</li>",
                esc(&capture.dashboard_uid),
                esc(&capture.view),
                esc(&capture.panel_label())
            );
        }
        out.push_str("</ul>\n</details>\n");
    }
    let _ = write!(out, "</section>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
    Ok(out)
}

fn summary(out: &mut String, report: &RunReport, counts: &Counts, failures: &[&Capture]) {
    let (class, headline) = if report.passed() {
        ("pass", format!("Visual check passed: all {} captures match their baselines", counts.captures()))
    } else {
        ("fail", format!("Visual check failed: {} of {} captures need attention", counts.failed(), counts.captures()))
    };
    let _ = writeln!(
        out,
        "<header class=\"banner {class}\"><h1>{}</h1></header>\n<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"summary\">",
        esc(&headline)
    );

    out.push_str("<table class=\"counts\">\n<tr><th>Status</th><th>Captures</th></tr>\n");
    for status in Status::ALL {
        let _ = writeln!(
            out,
            "<tr><td><span class=\"badge st-{}\">{}</span></td><td>{}</td></tr>",
            status.as_str(),
            status.label(),
            counts.get(status)
        );
    }
    let _ =
        writeln!(out, "<tr><td><span class=\"badge st-orphan\">Orphaned baseline</span></td><td>{}</td></tr>\n</table>", counts.orphans);

    let t = &report.timings;
    let shard = report.shard.map_or("none (whole run)".to_string(), |s| format!("{} of {}", s.index, s.total));
    let _ = writeln!(
        out,
        "<dl class=\"facts\">\n<dt>Backend</dt><dd>{}</dd>\n<dt>Shard</dt><dd>{}</dd>\n<dt>Tool version</dt><dd>{}</dd>\n\
         <dt>Timings</dt><dd>seed {:.1} s · stack start {:.1} s · render {:.1} s · compare {:.1} s · total {:.1} s</dd>\n\
         <dt>Command</dt><dd><code>{}</code></dd>\n</dl>\n</div>",
        esc(&report.backend),
        esc(&shard),
        esc(&report.tool_version),
        t.seed_s,
        t.stack_start_s,
        t.render_s,
        t.compare_s,
        t.total_s,
        esc(&report.command)
    );
    if !failures.is_empty() {
        out.push_str("<ol class=\"toc\">\n");
        for (index, capture) in failures.iter().enumerate() {
            let _ = writeln!(
                out,
                "<li><a href=\"#c{index}\"><code>{}</code> / <code>{}</code> / {}</a> <span class=\"badge st-{}\">{}</span></li>",
                esc(&capture.dashboard_uid),
                esc(&capture.view),
                esc(&capture.panel_label()),
                capture.status.as_str(),
                capture.status.label()
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");
}

fn failure(out: &mut String, index: usize, capture: &Capture, dir: &Path) -> anyhow::Result<()> {
    let id = format!("c{index}");
    let status = capture.status;
    let title = if capture.panel_id.is_some() { capture.panel_title.as_str() } else { "Whole dashboard" };
    let _ = writeln!(
        out,
        "<article class=\"capture\" id=\"{id}\">\n<h3><span class=\"badge st-{}\">{}</span> {}</h3>\n<p class=\"where\">{} <code>{}</code> · view <code>{}</code>{}</p>",
        status.as_str(),
        status.label(),
        esc(title),
        esc(&capture.dashboard_title),
        esc(&capture.dashboard_uid),
        esc(&capture.view),
        capture.panel_id.map_or(String::new(), |p| format!(" · panel {p}"))
    );
    if !capture.message.is_empty() {
        let class = if status == Status::PanelProblem { "message problem" } else { "message" };
        let _ = writeln!(out, "<p class=\"{class}\">{}</p>", esc(&capture.message));
    }
    facts(out, capture);
    viewer(out, &id, capture, dir)?;
    let _ = writeln!(out, "<p class=\"baseline\">Baseline: <code>{}</code></p>", esc(&capture.baseline));
    if let Some(command) = &capture.approve_command {
        let heading = if status == Status::Missing { "Accept the actual image as the first baseline" } else { "Approve this change" };
        let _ = writeln!(out, "<p class=\"approve\">{heading}:</p>");
        command_block(out, &format!("{id}-approve"), command);
    }
    out.push_str("</article>\n");
    Ok(())
}

fn facts(out: &mut String, capture: &Capture) {
    let mut facts: Vec<(&str, String)> = Vec::new();
    match capture.diff_pixels {
        Some(diff) => facts.push(("Diff pixels", format!("{diff} (budget {})", capture.max_diff_pixels))),
        None => facts.push(("Budget", format!("{} px", capture.max_diff_pixels))),
    }
    facts.push(("Threshold", capture.threshold.to_string()));
    if let Some(ssim) = capture.ssim {
        facts.push(("SSIM", format!("{ssim:.4}")));
    }
    if let Some(bbox) = capture.bbox {
        facts.push(("Changed area", bbox.to_string()));
    }
    let size = |s: Option<(u32, u32)>| s.map_or("none".to_string(), |(w, h)| format!("{w}x{h}"));
    if capture.expected_size.is_some() || capture.actual_size.is_some() {
        facts.push(("Size", format!("expected {}, actual {}", size(capture.expected_size), size(capture.actual_size))));
    }
    out.push_str("<dl class=\"facts\">\n");
    for (name, value) in facts {
        let _ = writeln!(out, "<dt>{name}</dt><dd>{}</dd>", esc(&value));
    }
    out.push_str("</dl>\n");
}

/// The image viewer. Tabs are radio buttons switched by CSS, so they work even where the script
/// does not run; each image is embedded once, and the slider borrows the figures' sources at
/// load time instead of embedding them a second time.
fn viewer(out: &mut String, id: &str, capture: &Capture, dir: &Path) -> anyhow::Result<()> {
    let actual_caption = if capture.status == Status::Missing { "Actual (no baseline yet)" } else { "Actual" };
    // (kind, tab label, caption, data URI)
    let mut figures: Vec<(&str, &str, &str, String)> = Vec::new();
    for (kind, tab, caption, path) in [
        ("expected", "Expected", "Expected (baseline)", &capture.expected),
        ("actual", "Actual", actual_caption, &capture.actual),
        ("diff", "Diff", "Diff", &capture.diff),
    ] {
        if let Some(path) = path {
            figures.push((kind, tab, caption, data_uri(dir, path)?));
        }
    }
    if figures.is_empty() {
        return Ok(());
    }
    let slider = capture.expected.is_some() && capture.actual.is_some();
    let mut tabs: Vec<(&str, &str)> = Vec::new();
    if figures.len() > 1 {
        tabs.push(("side", "Side by side"));
        tabs.extend(figures.iter().map(|(kind, tab, _, _)| (*kind, *tab)));
    }
    if slider {
        tabs.push(("slider", "Slider"));
    }

    let _ = writeln!(out, "<div class=\"viewer{}\">", if tabs.is_empty() { "" } else { " tabbed" });
    for (n, (key, label)) in tabs.iter().enumerate() {
        let checked = if n == 0 { " checked" } else { "" };
        let _ = writeln!(out, "<input type=\"radio\" class=\"t-{key}\" name=\"{id}-view\" id=\"{id}-{key}\"{checked}><label for=\"{id}-{key}\">{label}</label>");
    }
    out.push_str("<div class=\"figs\">\n");
    for (kind, _, caption, uri) in &figures {
        let _ = writeln!(out, "<figure class=\"f-{kind}\"><figcaption>{caption}</figcaption><div class=\"frame\"><img id=\"{id}-img-{kind}\" alt=\"{caption}\" src=\"{uri}\"></div></figure>");
    }
    out.push_str("</div>\n");
    if slider {
        let _ = writeln!(
            out,
            "<div class=\"slider\"><p class=\"muted\">Left of the divider: actual. Right: expected. Drag on the image or use the range input.</p>\
             <div class=\"slider-box\"><div class=\"stack\" style=\"--pos:50%\"><img class=\"under\" alt=\"Expected (baseline)\" draggable=\"false\" data-src=\"{id}-img-expected\">\
             <div class=\"over\"><img alt=\"Actual\" draggable=\"false\" data-src=\"{id}-img-actual\"></div><div class=\"divider\"></div></div>\
             <input type=\"range\" min=\"0\" max=\"100\" step=\"0.1\" value=\"50\" aria-label=\"Divider position\"></div></div>"
        );
    }
    out.push_str("</div>\n");
    Ok(())
}

fn data_uri(dir: &Path, relative: &str) -> anyhow::Result<String> {
    let path = image_path(dir, relative)?;
    let bytes = std::fs::read(&path).with_context(|| format!("reading image {} referenced by the report", path.display()))?;
    Ok(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

fn orphans(out: &mut String, report: &RunReport) {
    let _ = writeln!(out, "<section id=\"orphans\">\n<h2>Orphaned baselines ({})</h2>", report.orphans.len());
    if report.orphans.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>\n</section>\n");
        return;
    }
    out.push_str("<p class=\"muted\">No capture of this run matched these baselines (a panel or view was removed or renumbered). They do not fail the run; prune them once the removal is intended.</p>\n<ul class=\"orphans\">\n");
    for (index, orphan) in report.orphans.iter().enumerate() {
        let _ = writeln!(
            out,
            "<li><code>{}</code> <span class=\"muted\">dashboard <code>{}</code> · view <code>{}</code></span>",
            esc(&orphan.baseline),
            esc(&orphan.dashboard_uid),
            esc(&orphan.view)
        );
        command_block(out, &format!("o{index}-prune"), &orphan.prune_command);
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n</section>\n");
}

fn command_block(out: &mut String, id: &str, command: &str) {
    let _ = writeln!(
        out,
        "<div class=\"cmd\"><pre><code id=\"{id}\">{}</code></pre><button type=\"button\" data-copy=\"{id}\">Copy</button></div>",
        esc(command)
    );
}

/// Escapes text for HTML element content and double- or single-quoted attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --bg: #15171b; --panel: #1e2127; --line: #323640; --text: #e4e6ea; --muted: #9ba1ab; --accent: #6cb6ff;
  --pass: #3fb950; --fail: #f85149; --changed: #d29922; --size: #db6d28; --missing: #a371f7; --orphan: #768390; }
* { box-sizing: border-box; }
body { margin: 0; padding: 0 24px 48px; background: var(--bg); color: var(--text); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 20px; margin: 0; } h2 { font-size: 18px; margin: 32px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { font-size: 16px; margin: 0 0 6px; }
a { color: var(--accent); }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
code { background: #2a2e36; padding: 1px 5px; border-radius: 4px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.banner { margin: 0 -24px 8px; padding: 16px 24px; border-bottom: 3px solid; }
.banner.pass { background: #12261a; border-color: var(--pass); } .banner.fail { background: #2d1416; border-color: var(--fail); }
.summary { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table.counts { border-collapse: collapse; } .counts th, .counts td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid var(--line); }
.counts td:last-child { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #111; white-space: nowrap; }
.st-passed { background: var(--pass); } .st-changed { background: var(--changed); } .st-size_changed { background: var(--size); }
.st-missing { background: var(--missing); } .st-panel_problem { background: var(--fail); } .st-orphan { background: var(--orphan); }
.toc { columns: 2 480px; padding-left: 20px; }
.capture { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 16px 0; }
.where { margin: 0 0 8px; color: var(--muted); }
.message { margin: 8px 0; padding: 8px 12px; border-left: 3px solid var(--changed); background: #262a31; }
.message.problem { border-left-color: var(--fail); background: #3a1d20; font-size: 16px; font-weight: 600; }
.viewer { margin: 12px 0; }
.viewer > input { position: absolute; opacity: 0; pointer-events: none; }
.viewer > label { display: inline-block; padding: 4px 12px; margin: 0 4px 8px 0; border: 1px solid var(--line); border-radius: 6px; cursor: pointer; color: var(--muted); }
.viewer > input:checked + label { color: var(--text); border-color: var(--accent); background: #22324a; }
.viewer > input:focus-visible + label { outline: 2px solid var(--accent); }
.figs { display: flex; gap: 16px; align-items: flex-start; overflow-x: auto; padding-bottom: 8px; }
.figs figure { flex: none; margin: 0; }
.viewer.tabbed .figs figure, .viewer .slider { display: none; }
.t-side:checked ~ .figs figure, .t-expected:checked ~ .figs .f-expected, .t-actual:checked ~ .figs .f-actual,
.t-diff:checked ~ .figs .f-diff, .t-slider:checked ~ .slider { display: block; }
figcaption { color: var(--muted); font-size: 13px; margin-bottom: 4px; }
/* The actual's layer is opaque too, so the baseline never shows through its transparent pixels. */
.frame, .stack, .stack > .over { background: repeating-conic-gradient(#3a3d44 0 25%, #2b2e34 0 50%) 0 0 / 16px 16px; line-height: 0; }
.frame { display: inline-block; border: 1px solid var(--line); }
.viewer img { display: block; max-width: none; }
.slider { overflow-x: auto; padding-bottom: 8px; }
.slider-box { display: inline-grid; gap: 6px; }
.slider-box input { width: 100%; margin: 0; }
.stack { display: inline-grid; position: relative; border: 1px solid var(--line); cursor: ew-resize; touch-action: none; user-select: none; }
.stack > img, .stack > .over { grid-area: 1 / 1; justify-self: start; align-self: start; }
.stack > .over { justify-self: stretch; align-self: stretch; clip-path: inset(0 calc(100% - var(--pos)) 0 0); }
.stack > .divider { position: absolute; top: 0; bottom: 0; left: var(--pos); width: 2px; margin-left: -1px; background: #ffd33d; pointer-events: none; }
.baseline { margin: 8px 0; } .approve { margin: 12px 0 4px; font-weight: 600; }
.cmd { display: flex; gap: 8px; align-items: stretch; margin: 4px 0; }
.cmd pre { flex: 1; margin: 0; padding: 8px 12px; background: #0f1114; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
.cmd pre code { background: none; padding: 0; }
.cmd button { background: #2a2e36; color: var(--text); border: 1px solid var(--line); border-radius: 6px; padding: 0 14px; cursor: pointer; font: inherit; }
.cmd button:hover { border-color: var(--accent); }
ul.orphans li { margin-bottom: 10px; } ul.passed { columns: 2 520px; }
"#;

/// Slider and copy buttons. The clipboard API can be refused (no user-activation, policy), so
/// copying falls back to selecting the text and `execCommand`, and says so when that fails too.
const SCRIPT: &str = r#"
document.querySelectorAll('img[data-src]').forEach(function (img) { img.src = document.getElementById(img.dataset.src).src; });
document.querySelectorAll('.slider-box').forEach(function (box) {
  var stack = box.querySelector('.stack'), range = box.querySelector('input[type=range]');
  function set(pos) { stack.style.setProperty('--pos', pos + '%'); }
  function follow(e) {
    var r = stack.getBoundingClientRect();
    var pos = Math.min(100, Math.max(0, (e.clientX - r.left) / r.width * 100));
    range.value = pos; set(pos);
  }
  range.addEventListener('input', function () { set(range.value); });
  stack.addEventListener('pointerdown', function (e) { stack.setPointerCapture(e.pointerId); follow(e); });
  stack.addEventListener('pointermove', function (e) { if (stack.hasPointerCapture(e.pointerId)) follow(e); });
});
document.addEventListener('click', function (e) {
  var button = e.target.closest('button[data-copy]');
  if (!button) return;
  var code = document.getElementById(button.dataset.copy);
  function done(label) { button.textContent = label; setTimeout(function () { button.textContent = 'Copy'; }, 1500); }
  function fallback() {
    var range = document.createRange(); range.selectNodeContents(code);
    var selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
    var copied = false;
    try { copied = document.execCommand('copy'); } catch (err) { copied = false; }
    done(copied ? 'Copied' : 'Press Ctrl+C');
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(code.textContent).then(function () { done('Copied'); }, fallback);
  } else {
    fallback();
  }
});
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visual::report::tests::{capture, sample_report, write_images, GREEN_PNG, MAGENTA_PNG, RED_PNG};

    fn uri(bytes: &[u8]) -> String {
        format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    fn rendered(report: &RunReport) -> String {
        let dir = tempfile::tempdir().unwrap();
        write_images(report, dir.path());
        render(report, dir.path()).unwrap()
    }

    #[test]
    fn summary_then_failures_then_orphans_then_passed() {
        let html = rendered(&sample_report());
        let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("{needle} missing"));
        assert!(at("id=\"summary\"") < at("id=\"failures\""));
        assert!(at("id=\"failures\"") < at("id=\"orphans\""));
        assert!(at("id=\"orphans\"") < at("id=\"passed\""));
        assert!(at("<article class=\"capture\" id=\"c0\">") < at("<ul class=\"passed\">"));
        assert!(html.contains("Visual check failed: 4 of 6 captures need attention"));
        // Passed captures are listed, not shown.
        assert!(html[at("id=\"passed\"")..].contains("panel 3 Panel 3"));
        assert!(!html[at("id=\"passed\"")..].contains("<img"));
        let mut report = sample_report();
        report.captures[0].message = "baseline named for the old title".to_string();
        assert!(rendered(&report).contains("<span class=\"muted\">baseline named for the old title</span></li>"));
    }

    #[test]
    fn changed_capture_embeds_its_three_images_once_and_its_approve_command() {
        let mut report = sample_report();
        report.captures.retain(|c| c.status == Status::Changed);
        let html = rendered(&report);
        for bytes in [RED_PNG, GREEN_PNG, MAGENTA_PNG] {
            assert_eq!(html.matches(&uri(bytes)).count(), 1);
        }
        for tab in ["Side by side", "Expected", "Actual", "Diff", "Slider"] {
            assert!(html.contains(&format!("\">{tab}</label>")), "tab {tab} missing");
        }
        assert!(html.contains("<code id=\"c0-approve\">meshkit-obs update-baselines --dashboard meshkit-gossip --panel 12</code>"));
        assert!(html.contains("baselines/embedded/meshkit-gossip/all/12.png"));
        assert!(html.contains("<dd>1234 (budget 50)</dd>") && html.contains("<dd>30x40+10+20</dd>") && html.contains("<dd>0.9731</dd>"));
        assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<link"), "must not load anything");
    }

    #[test]
    fn missing_baseline_shows_the_actual_image_only() {
        let mut report = sample_report();
        report.captures.retain(|c| c.status == Status::Missing);
        let html = rendered(&report);
        assert!(html.contains(&uri(GREEN_PNG)));
        assert!(!html.contains(&uri(RED_PNG)) && !html.contains("class=\"slider\"") && !html.contains("<label"));
        assert!(html.contains("first baseline") && html.contains("--dashboard meshkit-leases --panel 2"));
    }

    #[test]
    fn panel_problem_message_is_prominent() {
        let html = rendered(&sample_report());
        assert!(html.contains("<p class=\"message problem\">query error: parse error at char 3</p>"));
    }

    #[test]
    fn escapes_every_string() {
        let mut report = sample_report();
        let mut evil = capture("x\"><b>", "all", Some(1), Status::Changed);
        evil.panel_title = "<script>alert(1)</script>".to_string();
        evil.message = "a & b".to_string();
        report.captures.push(evil);
        report.command = "run --x '<i>'".to_string();
        let html = rendered(&report);
        assert!(!html.contains("<script>alert(1)"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("x&quot;&gt;&lt;b&gt;") && !html.contains("<b>"));
        assert!(html.contains("a &amp; b") && html.contains("run --x &#39;&lt;i&gt;&#39;"));
    }

    #[test]
    fn ids_are_unique_and_every_reference_resolves() {
        let html = rendered(&sample_report());
        let values = |attribute: &str| -> Vec<String> {
            html.split(&format!(" {attribute}=\"")).skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).collect()
        };
        let ids = values("id");
        let unique: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "duplicate ids in {ids:?}");
        let references: Vec<String> = ["for", "data-src", "data-copy"]
            .iter()
            .flat_map(|a| values(a))
            .chain(values("href").into_iter().map(|h| h.trim_start_matches('#').to_string()))
            .collect();
        assert!(references.len() > 10);
        for reference in references {
            assert!(unique.contains(&reference), "{reference} points nowhere");
        }
    }

    #[test]
    fn passing_run_says_so() {
        let mut report = sample_report();
        report.captures.retain(|c| !c.status.is_failure());
        let html = rendered(&report);
        assert!(html.contains("class=\"banner pass\"") && html.contains("all 2 captures match"));
        assert!(!html.contains("<article"));
    }
}
