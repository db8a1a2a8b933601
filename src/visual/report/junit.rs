//! `junit.xml`: the run as JUnit test results, for CI systems that show test reports (GitHub
//! test reporters, GitLab, Jenkins). One suite per dashboard view, one test case per capture;
//! orphaned baselines get their own suite of passing cases, so they are visible without failing.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Capture, RunReport};

pub(super) fn render(report: &RunReport) -> String {
    let counts = report.counts();
    let mut suites: BTreeMap<(&str, &str), Vec<&Capture>> = BTreeMap::new();
    for capture in report.ordered_captures() {
        suites.entry((&capture.dashboard_uid, &capture.view)).or_default().push(capture);
    }
    let mut suites: Vec<((&str, &str), Vec<&Capture>)> = suites.into_iter().collect();
    // Suites with failures first, like every other listing of the report; the sort is stable,
    // so they stay by uid and view within each group.
    suites.sort_by_key(|(_, captures)| !captures.iter().any(|c| c.status.is_failure()));

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"meshkit-obs visual check\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.3}\">",
        counts.captures() + counts.orphans,
        counts.failed(),
        report.timings.total_s
    );
    // Captures are rendered and compared in batches, so no per-capture or per-suite time exists;
    // suites and cases say 0 and the run's wall-clock total sits on <testsuites>.
    for ((uid, view), captures) in suites {
        let failures = captures.iter().filter(|c| c.status.is_failure()).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\">",
            attr(&format!("{uid}/{view}")),
            captures.len()
        );
        let classname = attr(&format!("{uid}.{view}"));
        for capture in captures {
            let name = capture.panel_id.map_or("dashboard".to_string(), |id| format!("{id}-{}", capture.panel_title));
            let _ = write!(out, "    <testcase classname=\"{classname}\" name=\"{}\" time=\"0\"", attr(&name));
            if capture.status.is_failure() {
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    attr(&capture.message),
                    capture.status.as_str(),
                    text(&failure_details(capture))
                );
            } else {
                out.push_str("/>\n");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    if !report.orphans.is_empty() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"orphans\" tests=\"{}\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0\">",
            report.orphans.len()
        );
        for orphan in &report.orphans {
            let details = format!(
                "Baseline {} matched no capture of dashboard {}, view {}; it does not fail the run.\nPrune it with: {}",
                orphan.baseline, orphan.dashboard_uid, orphan.view, orphan.prune_command
            );
            let _ = writeln!(
                out,
                "    <testcase classname=\"orphans\" name=\"{}\" time=\"0\">\n      <system-out>{}</system-out>\n    </testcase>",
                attr(&orphan.baseline),
                text(&details)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn failure_details(capture: &Capture) -> String {
    let mut details = format!("{}: {}\nbaseline: {}", capture.status.label(), capture.message, capture.baseline);
    if let Some(diff) = capture.diff_pixels {
        let _ = write!(details, "\ndiff pixels: {diff} (budget {})", capture.max_diff_pixels);
    }
    for (name, path) in [("diff image", &capture.diff), ("actual image", &capture.actual)] {
        if let Some(path) = path {
            let _ = write!(details, "\n{name}: {path} (in the report folder)");
        }
    }
    if let Some(command) = &capture.approve_command {
        let _ = write!(details, "\napprove with: {command}");
    }
    details
}

/// Escapes element content.
fn text(value: &str) -> String {
    escape(value, false)
}

/// Escapes a double-quoted attribute value; line breaks and tabs become character references
/// because parsers would otherwise normalize them to spaces.
fn attr(value: &str) -> String {
    escape(value, true)
}

fn escape(value: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            // XML 1.0 cannot carry other control characters at all, not even as references.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t') => out.push('\u{FFFD}'),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visual::report::tests::{capture, sample_report};
    use crate::visual::report::Status;

    /// An element of a document read by [`parse`].
    #[derive(Debug)]
    struct Element {
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<Element>,
        text: String,
    }

    impl Element {
        fn attr(&self, name: &str) -> &str {
            self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("<{}> has no {name}", self.name))
        }

        fn all<'a>(&'a self, name: &str, found: &mut Vec<&'a Element>) {
            if self.name == name {
                found.push(self);
            }
            for child in &self.children {
                child.all(name, found);
            }
        }

        fn count(&self, name: &str) -> usize {
            let mut found = Vec::new();
            self.all(name, &mut found);
            found.len()
        }
    }

    /// A strict reader for the XML subset we write: declaration, elements, attributes, text and
    /// references. Panics on anything not well-formed.
    fn parse(xml: &str) -> Element {
        fn unescape(raw: &str) -> String {
            assert!(!raw.contains('<'), "raw < in {raw:?}");
            let mut out = String::new();
            let mut rest = raw;
            while let Some(at) = rest.find('&') {
                out.push_str(&rest[..at]);
                let end = rest[at..].find(';').unwrap_or_else(|| panic!("unterminated reference in {raw:?}")) + at;
                let c = match &rest[at + 1..end] {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    r if r.starts_with("#x") => char::from_u32(u32::from_str_radix(&r[2..], 16).unwrap()).unwrap(),
                    r if r.starts_with('#') => char::from_u32(r[1..].parse().unwrap()).unwrap(),
                    r => panic!("unknown reference &{r};"),
                };
                assert!(c >= ' ' || "\n\r\t".contains(c), "illegal character reference {c:?}");
                out.push(c);
                rest = &rest[end + 1..];
            }
            out + rest
        }
        fn is_name(name: &str) -> bool {
            name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
        }

        assert!(xml.chars().all(|c| c >= ' ' || "\n\r\t".contains(c)), "raw control character");
        let body = xml.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").expect("XML declaration");
        let mut stack: Vec<Element> = vec![Element { name: String::new(), attrs: vec![], children: vec![], text: String::new() }];
        let mut rest = body;
        while let Some(open) = rest.find('<') {
            let content = unescape(&rest[..open]);
            stack.last_mut().unwrap().text.push_str(&content);
            let close = rest[open..].find('>').expect("unterminated tag") + open;
            let tag = &rest[open + 1..close];
            rest = &rest[close + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let element = stack.pop().unwrap();
                assert_eq!(element.name, name, "mismatched end tag");
                stack.last_mut().expect("end tag without start").children.push(element);
                continue;
            }
            let (tag, empty) = tag.strip_suffix('/').map_or((tag, false), |t| (t, true));
            let (name, mut attrs_text) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
            assert!(is_name(name), "bad element name {name:?}");
            let mut attrs: Vec<(String, String)> = Vec::new();
            loop {
                attrs_text = attrs_text.trim_start();
                if attrs_text.is_empty() {
                    break;
                }
                let (attr_name, after) = attrs_text.split_once("=\"").unwrap_or_else(|| panic!("bad attribute in {tag:?}"));
                assert!(is_name(attr_name) && !attrs.iter().any(|(n, _)| n == attr_name), "bad or duplicate attribute {attr_name:?}");
                let (value, after) = after.split_once('"').expect("unterminated attribute");
                attrs.push((attr_name.to_string(), unescape(value)));
                attrs_text = after;
            }
            let element = Element { name: name.to_string(), attrs, children: vec![], text: String::new() };
            if empty {
                stack.last_mut().unwrap().children.push(element);
            } else {
                stack.push(element);
            }
        }
        assert!(rest.trim().is_empty(), "text after the root");
        let mut document = stack.pop().unwrap();
        assert!(stack.is_empty(), "unclosed <{}>", document.name);
        assert_eq!(document.children.len(), 1, "exactly one root element");
        document.children.pop().unwrap()
    }

    #[test]
    fn counts_match_cases_and_failures() {
        let report = sample_report();
        let root = parse(&render(&report));
        assert_eq!(root.name, "testsuites");
        assert_eq!((root.attr("tests"), root.attr("failures"), root.attr("time")), ("7", "4", "20.000"));
        let mut suites = Vec::new();
        root.all("testsuite", &mut suites);
        let names: Vec<&str> = suites.iter().map(|s| s.attr("name")).collect();
        assert_eq!(names, ["meshkit-gossip/all", "meshkit-leases/all", "meshkit-overview/all", "orphans"]);
        for suite in &suites {
            assert_eq!(suite.attr("tests"), suite.count("testcase").to_string(), "{}", suite.attr("name"));
            assert_eq!(suite.attr("failures"), suite.count("failure").to_string(), "{}", suite.attr("name"));
        }
        assert_eq!(root.count("testcase"), report.captures.len() + report.orphans.len());
        assert_eq!(root.count("failure"), report.failures().count());
        assert_eq!(suites[3].count("system-out"), 1);

        let gossip = &suites[0].children;
        let names: Vec<&str> = gossip.iter().map(|c| c.attr("name")).collect();
        assert_eq!(names, ["4-Panel 4", "12-Panel 12", "3-Panel 3"]);
        assert_eq!(gossip[1].attr("classname"), "meshkit-gossip.all");
        let failure = &gossip[1].children[0];
        assert_eq!((failure.attr("type"), failure.attr("message")), ("changed", "Changed on meshkit-gossip"));
        assert!(failure.text.contains("images/meshkit-gossip/all/12-diff.png"), "{}", failure.text);
        assert!(failure.text.contains("approve with: meshkit-obs update-baselines --dashboard meshkit-gossip --panel 12"));
        assert_eq!(suites[2].children.iter().find(|c| c.children.is_empty()).unwrap().attr("name"), "dashboard");
    }

    #[test]
    fn hostile_strings_stay_well_formed_and_round_trip() {
        let mut report = sample_report();
        let mut evil = capture("a&b", "v<1>", Some(9), Status::Changed);
        evil.panel_title = "\"quoted\" 'single' ]]> <tag>".to_string();
        evil.message = "line one\nline two\u{1b}[31m & more".to_string();
        report.captures.push(evil);
        let root = parse(&render(&report));
        let mut cases = Vec::new();
        root.all("testcase", &mut cases);
        let case = cases.iter().find(|c| c.attr("classname") == "a&b.v<1>").expect("escaped classname");
        assert_eq!(case.attr("name"), "9-\"quoted\" 'single' ]]> <tag>");
        assert_eq!(case.children[0].attr("message"), "line one\nline two\u{FFFD}[31m & more");
    }
}
