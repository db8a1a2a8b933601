//! The alert pipeline, proven offline: promtool unit tests of the rules (scenario-generated and
//! hand-written) and the Alertmanager configuration rendered and checked with amtool.

pub mod alertmanager;
pub mod rule_tests;
