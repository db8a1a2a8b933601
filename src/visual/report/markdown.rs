//! `summary.md`: the run in GitHub-flavoured Markdown, for a pull-request comment and the job's
//! step summary. Bounded in size whatever the run's size: long lists end in "... and N more"
//! and point at the HTML report, which has everything.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::{Capture, RunReport, Status};

/// GitHub refuses comments over 65 536 characters; staying under this leaves room for whatever
/// a workflow wraps around the summary.
const SIZE_BUDGET: usize = 60_000;
/// Worst case of everything outside the bounded sections: headings, the counts table, the
/// "... and N more" lines and the footer with its clipped command line.
const FIXED_BYTES: usize = 5_000;
const FAILURE_ROWS: usize = 100;
const FAILURE_BYTES: usize = 32_000;
const ORPHAN_ROWS: usize = 50;
const ORPHAN_BYTES: usize = 8_000;
const COMMAND_BYTES: usize = 14_000;
/// Longest text kept from any one field, so a single huge message cannot use a whole section.
const FIELD_CHARS: usize = 160;
const COMMAND_LINE_CHARS: usize = 400;
const _: () = assert!(FIXED_BYTES + FAILURE_BYTES + ORPHAN_BYTES + COMMAND_BYTES < SIZE_BUDGET);

pub fn render(report: &RunReport) -> String {
    let counts = report.counts();
    let mut out = String::new();
    let verdict = if report.passed() { "passed" } else { "failed" };
    let _ = writeln!(out, "## Visual check {verdict}\n");
    if report.passed() {
        let _ = write!(out, "All {} captures match their baselines.", counts.captures());
    } else {
        let parts: Vec<String> = Status::ALL
            .iter()
            .filter(|s| s.is_failure() && counts.get(**s) > 0)
            .map(|s| format!("{} {}", counts.get(*s), s.label().to_lowercase()))
            .collect();
        let _ = write!(out, "{} of {} captures failed: {}.", counts.failed(), counts.captures(), parts.join(", "));
    }
    if counts.orphans > 0 {
        let _ =
            write!(out, " {} orphaned baseline{} (reported, not a failure).", counts.orphans, if counts.orphans == 1 { "" } else { "s" });
    }
    out.push_str("\n\n| Status | Captures |\n| --- | ---: |\n");
    for status in Status::ALL {
        let _ = writeln!(out, "| {} | {} |", status.label(), counts.get(status));
    }
    let _ = writeln!(out, "| Orphaned baseline | {} |", counts.orphans);

    let failures: Vec<&Capture> = report.ordered_captures().into_iter().filter(|c| c.status.is_failure()).collect();
    if !failures.is_empty() {
        out.push_str("\n### Failures\n\n| Dashboard | View | Panel | Status | Diff px / budget | Message |\n| --- | --- | --- | --- | ---: | --- |\n");
        let rows: Vec<String> = failures.iter().map(|c| failure_row(c)).collect();
        let omitted = push_bounded(&mut out, &rows, FAILURE_ROWS, FAILURE_BYTES);
        if omitted > 0 {
            let _ = writeln!(out, "\n... and {omitted} more failures (the HTML report lists them all).");
        }
    }

    if !report.orphans.is_empty() {
        out.push_str("\n### Orphaned baselines\n\nNo capture matched these baselines; they do not fail the run.\n\n");
        let rows: Vec<String> = report
            .orphans
            .iter()
            .map(|o| {
                format!(
                    "- {} (dashboard {}, view {}): prune with {}",
                    code(&o.baseline, false),
                    code(&o.dashboard_uid, false),
                    code(&o.view, false),
                    code(&o.prune_command, false)
                )
            })
            .collect();
        let omitted = push_bounded(&mut out, &rows, ORPHAN_ROWS, ORPHAN_BYTES);
        if omitted > 0 {
            let _ = writeln!(out, "\n... and {omitted} more orphaned baselines.");
        }
    }

    let mut seen = HashSet::new();
    let commands: Vec<String> = failures
        .iter()
        .filter_map(|c| c.approve_command.as_deref())
        .filter(|c| seen.insert(*c))
        .map(|c| c.replace(['\n', '\r'], " "))
        .collect();
    if !commands.is_empty() {
        let _ = writeln!(out, "\n<details>\n<summary>Approve commands ({})</summary>\n\n```sh", commands.len());
        let omitted = push_bounded(&mut out, &commands, usize::MAX, COMMAND_BYTES);
        out.push_str("```\n");
        if omitted > 0 {
            let _ = writeln!(out, "\n... and {omitted} more; see the HTML report.");
        }
        out.push_str("\n</details>\n");
    }

    let t = &report.timings;
    let _ = write!(
        out,
        "\nTimings: seed {:.1} s, stack start {:.1} s, render {:.1} s, compare {:.1} s, total {:.1} s. Backend {}",
        t.seed_s,
        t.stack_start_s,
        t.render_s,
        t.compare_s,
        t.total_s,
        code(&report.backend, false)
    );
    if let Some(shard) = report.shard {
        let _ = write!(out, ", shard {shard}");
    }
    let _ = writeln!(
        out,
        ", meshkit-obs {}.\nCommand: {}",
        text(&report.tool_version),
        code(&clip(&report.command, COMMAND_LINE_CHARS), false)
    );
    out
}

fn failure_row(capture: &Capture) -> String {
    let panel = capture.panel_id.map_or("whole dashboard".to_string(), |id| format!("{id} {}", capture.panel_title));
    let diff = capture.diff_pixels.map_or("n/a".to_string(), |d| d.to_string());
    format!(
        "| {} {} | {} | {} | {} | {diff} / {} | {} |",
        text(&capture.dashboard_title),
        code(&capture.dashboard_uid, true),
        code(&capture.view, true),
        text(&panel),
        capture.status.label(),
        capture.max_diff_pixels,
        text(&capture.message)
    )
}

/// Appends as many of `lines` as fit in `max_lines` and `budget` bytes; returns how many did not.
fn push_bounded(out: &mut String, lines: &[String], max_lines: usize, budget: usize) -> usize {
    let mut used = 0;
    let mut shown = 0;
    for line in lines.iter().take(max_lines) {
        if used + line.len() + 1 > budget {
            break;
        }
        out.push_str(line);
        out.push('\n');
        used += line.len() + 1;
        shown += 1;
    }
    lines.len() - shown
}

/// At most `max` characters of `value`, on one line.
fn clip(value: &str, max: usize) -> String {
    let one_line = value.replace(['\n', '\r'], " ");
    match one_line.char_indices().nth(max) {
        Some((at, _)) => format!("{}...", &one_line[..at]),
        None => one_line,
    }
}

/// Plain text, clipped, with the characters Markdown or GitHub's HTML would interpret escaped
/// (a panel title like `<details>` or `a | b` must not restructure the comment).
fn text(value: &str) -> String {
    let mut out = String::new();
    for c in clip(value, FIELD_CHARS).chars() {
        if "\\`*_[]<>|~&#!".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span, clipped. The fence is one backtick longer than any run inside the value. In a
/// table `|` must still be escaped (GFM splits cells before parsing code spans); elsewhere the
/// backslash would show, so it is left alone.
fn code(value: &str, in_table: bool) -> String {
    let mut value = clip(value, FIELD_CHARS);
    if in_table {
        value = value.replace('|', "\\|");
    }
    let longest_run = value.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{value}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visual::report::tests::{capture, sample_report};
    use crate::visual::report::Orphan;

    #[test]
    fn summarizes_counts_failures_orphans_commands_and_timings() {
        let md = render(&sample_report());
        assert!(md.starts_with("## Visual check failed\n\n4 of 6 captures failed: 1 changed, 1 size changed, 1 missing baseline, 1 panel problem. 1 orphaned baseline"));
        assert!(md.contains("| Passed | 2 |\n| Orphaned baseline | 1 |"));
        assert!(
            md.contains(
                "| Dashboard meshkit-gossip `meshkit-gossip` | `all` | 12 Panel 12 | Changed | 1234 / 50 | Changed on meshkit-gossip |"
            ),
            "{md}"
        );
        assert!(md.contains("- `baselines/embedded/meshkit-gossip/all/99-old.png` (dashboard `meshkit-gossip`, view `all`): prune with `meshkit-obs update-baselines --prune`"));
        assert!(md.contains(
            "<summary>Approve commands (3)</summary>\n\n```sh\nmeshkit-obs update-baselines --dashboard meshkit-gossip --panel 4\n"
        ));
        assert!(md.contains("Timings: seed 1.5 s, stack start 4.2 s, render 12.0 s, compare 2.0 s, total 20.0 s."));
        assert!(!md.contains("... and"));
    }

    #[test]
    fn approve_commands_are_deduplicated() {
        let mut report = sample_report();
        let mut whole = capture("meshkit-gossip", "zoomed", None, Status::Changed);
        whole.approve_command = Some("meshkit-obs update-baselines --dashboard meshkit-gossip".to_string());
        let mut again = whole.clone();
        again.view = "other".to_string();
        report.captures.extend([whole, again]);
        let md = render(&report);
        assert_eq!(md.matches("meshkit-obs update-baselines --dashboard meshkit-gossip\n").count(), 1, "{md}");
        assert!(md.contains("Approve commands (4)"));
    }

    #[test]
    fn hundreds_of_failures_are_truncated_under_the_budget() {
        let mut report = sample_report();
        let long = "x".repeat(5_000);
        for n in 0..900 {
            let mut c = capture(&format!("dash-{n:03}"), "all", Some(n), Status::Changed);
            c.message = long.clone();
            c.dashboard_title = long.clone();
            report.captures.push(c);
        }
        for n in 0..400 {
            report.orphans.push(Orphan {
                baseline: format!("baselines/embedded/gone/{n}-{long}.png"),
                dashboard_uid: "gone".into(),
                view: "all".into(),
                prune_command: "p".into(),
            });
        }
        report.command = long.clone();
        let md = render(&report);
        assert!(md.len() < SIZE_BUDGET, "{} bytes", md.len());
        let table = md.split("### Failures\n\n").nth(1).unwrap().split("\n\n").next().unwrap();
        let rows = table.lines().count() - 2;
        assert!(rows > 10, "{rows} rows");
        assert!(md.contains(&format!("\n... and {} more failures", 904 - rows)), "rows {rows}");
        assert!(md.contains("more orphaned baselines."));
        assert!(table.contains("xxx...") && !table.contains(&"x".repeat(FIELD_CHARS + 1)));
    }

    #[test]
    fn escapes_markdown_in_cells() {
        let mut report = sample_report();
        let mut evil = capture("a|b", "v`1", Some(1), Status::Changed);
        evil.panel_title = "<details> *bold* | [link](x)".to_string();
        evil.message = "two\nlines".to_string();
        report.captures.push(evil);
        let md = render(&report);
        let row = md.lines().find(|l| l.contains("a\\|b")).expect("row");
        assert_eq!(row.matches('|').count() - row.matches("\\|").count(), 7, "{row}");
        assert!(
            row.contains("``v`1``") && row.contains("\\<details\\> \\*bold\\* \\| \\[link\\](x)") && row.contains("two lines"),
            "{row}"
        );
    }
}
