//! meshkit-obs: the tool that keeps the MeshKit observability pack honest.
//!
//! The pipeline is: scenario (YAML) -> simulator -> OpenMetrics -> promtool backfill ->
//! cached TSDB -> a real Prometheus child process. See `docs/architecture.md`.

pub mod alertmanager;
pub mod baselines;
pub mod browser;
pub mod capture;
pub mod catalogue;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod config;
pub mod dashboards;
pub mod exit;
pub mod fsutil;
pub mod geometry;
pub mod git;
pub mod guides;
pub mod input_series;
pub mod links;
pub mod lint;
pub mod openmetrics;
pub mod process;
pub mod prometheus;
pub mod promql;
pub mod provisioning;
pub mod release_notes;
pub mod render;
pub mod report;
pub mod rule_tests;
pub mod rules;
pub mod scenario;
pub mod seed;
pub mod sim;
pub mod timestamp;
pub mod tools;
pub mod web;
