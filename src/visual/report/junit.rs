//! `junit.xml`: the run as JUnit test results, for CI systems that show test reports (GitHub
//! test reporters, GitLab, Jenkins). One suite per dashboard view, one test case per capture;
//! orphaned baselines get their own suite of passing cases, so they are visible without failing.
//! quick-junit (nextest's) writes the XML: escaping, counts and the time format are its job.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{Capture, RunReport};

pub(super) fn render(report: &RunReport) -> anyhow::Result<String> {
    let mut suites: BTreeMap<(&str, &str), Vec<&Capture>> = BTreeMap::new();
    for capture in report.ordered_captures() {
        suites.entry((&capture.dashboard_uid, &capture.view)).or_default().push(capture);
    }
    let mut suites: Vec<((&str, &str), Vec<&Capture>)> = suites.into_iter().collect();
    // Suites with failures first, like every other listing of the report; the sort is stable,
    // so they stay by uid and view within each group.
    suites.sort_by_key(|(_, captures)| !captures.iter().any(|c| c.status.is_failure()));

    // Captures are rendered and compared in batches, so no per-capture or per-suite time exists;
    // suites and cases say 0 and the run's wall-clock total sits on <testsuites>.
    let mut junit = Report::new("meshkit-obs visual check");
    junit.set_time(Duration::from_secs_f64(report.timings.total_s.max(0.0)));
    for ((uid, view), captures) in suites {
        let mut suite = TestSuite::new(format!("{uid}/{view}"));
        suite.set_time(Duration::ZERO);
        for capture in captures {
            let name = capture.panel_id.map_or("dashboard".to_string(), |id| format!("{id}-{}", capture.panel_title));
            let status = if capture.status.is_failure() {
                let mut failure = TestCaseStatus::non_success(NonSuccessKind::Failure);
                failure.set_message(&capture.message).set_type(capture.status.as_str()).set_description(failure_details(capture));
                failure
            } else {
                TestCaseStatus::success()
            };
            let mut case = TestCase::new(name, status);
            case.set_classname(format!("{uid}.{view}")).set_time(Duration::ZERO);
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    if !report.orphans.is_empty() {
        let mut suite = TestSuite::new("orphans");
        suite.set_time(Duration::ZERO);
        for orphan in &report.orphans {
            let mut case = TestCase::new(&orphan.baseline, TestCaseStatus::success());
            case.set_classname("orphans").set_time(Duration::ZERO).set_system_out(format!(
                "Baseline {} matched no capture of dashboard {}, view {}; it does not fail the run.\nPrune it with: {}",
                orphan.baseline, orphan.dashboard_uid, orphan.view, orphan.prune_command
            ));
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    Ok(junit.to_string()?)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visual::report::tests::{capture, sample_report};
    use crate::visual::report::Status;

    /// The document read back by quick-junit's deserializer (quick-xml underneath, which
    /// refuses mismatched tags and bad references).
    fn read(xml: &str) -> Report {
        Report::deserialize_from_str(xml).unwrap_or_else(|err| panic!("junit.xml does not read back: {err}\n{xml}"))
    }

    fn failure(case: &TestCase) -> (&str, &str, &str) {
        match &case.status {
            TestCaseStatus::NonSuccess { kind: NonSuccessKind::Failure, message, ty, description, .. } => {
                (message.as_deref().unwrap_or_default(), ty.as_deref().unwrap_or_default(), description.as_deref().unwrap_or_default())
            }
            other => panic!("{} is not a failure: {other:?}", case.name.as_str()),
        }
    }

    #[test]
    fn counts_match_cases_and_failures() {
        let report = sample_report();
        let xml = render(&report).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "{xml}");
        assert!(xml.contains("time=\"20.000\""), "the run's total on <testsuites>: {xml}");
        let root = read(&xml);
        assert_eq!(root.name.as_deref(), Some("meshkit-obs visual check"));
        assert_eq!((root.tests, root.failures, root.errors, root.time), (7, 4, 0, Some(Duration::from_secs(20))));
        let names: Vec<&str> = root.test_suites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["meshkit-gossip/all", "meshkit-leases/all", "meshkit-overview/all", "orphans"]);
        for suite in &root.test_suites {
            assert_eq!(suite.tests, suite.test_cases.len(), "{}", suite.name.as_str());
            let failed = suite.test_cases.iter().filter(|c| matches!(c.status, TestCaseStatus::NonSuccess { .. })).count();
            assert_eq!(suite.failures, failed, "{}", suite.name.as_str());
        }
        assert_eq!(root.test_suites.iter().map(|s| s.test_cases.len()).sum::<usize>(), report.captures.len() + report.orphans.len());
        assert_eq!(root.test_suites.iter().map(|s| s.failures).sum::<usize>(), report.failures().count());
        let orphans = &root.test_suites[3].test_cases;
        assert_eq!(orphans.len(), 1);
        assert!(orphans[0].system_out.as_deref().is_some_and(|out| out.contains("Prune it with: meshkit-obs update-baselines --prune")));

        let gossip = &root.test_suites[0].test_cases;
        let names: Vec<&str> = gossip.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["4-Panel 4", "12-Panel 12", "3-Panel 3"]);
        assert_eq!(gossip[1].classname.as_deref(), Some("meshkit-gossip.all"));
        let (message, kind, details) = failure(&gossip[1]);
        assert_eq!((kind, message), ("changed", "Changed on meshkit-gossip"));
        assert!(details.contains("images/meshkit-gossip/all/12-diff.png"), "{details}");
        assert!(details.contains("approve with: meshkit-obs update-baselines --dashboard meshkit-gossip --panel 12"));
        let overview = &root.test_suites[2].test_cases;
        assert_eq!(overview.iter().find(|c| matches!(c.status, TestCaseStatus::Success { .. })).unwrap().name.as_str(), "dashboard");
    }

    #[test]
    fn hostile_strings_stay_well_formed_and_round_trip() {
        let mut report = sample_report();
        let mut evil = capture("a&b", "v<1>", Some(9), Status::Changed);
        evil.panel_title = "\"quoted\" 'single' ]]> <tag>".to_string();
        evil.message = "line one\u{7}\u{1b}[31m & more".to_string();
        report.captures.push(evil);
        let root = read(&render(&report).unwrap());
        let case = root.test_suites.iter().flat_map(|s| &s.test_cases).find(|c| c.classname.as_deref() == Some("a&b.v<1>")).unwrap();
        assert_eq!(case.name.as_str(), "9-\"quoted\" 'single' ]]> <tag>");
        // Control characters and terminal colour codes cannot be carried by XML: they are dropped.
        assert_eq!(failure(case).0, "line one & more");
    }
}
