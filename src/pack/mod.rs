//! The pack model: everything the tool reads from a pack's folder — the metrics catalogue,
//! scenarios, `meshkit-obs.toml`, alert and recording rules, Grafana provisioning and
//! dashboards, link conventions, what a PromQL expression reads, and the pack at a git revision.

pub mod catalogue;
pub mod config;
pub mod dashboards;
pub mod git;
pub mod links;
pub mod promql;
pub mod provisioning;
pub mod rules;
pub mod scenario;
