//! meshkit-obs: the tool that keeps the MeshKit observability pack honest.
//!
//! The data flows through the folders in this order (see `docs/architecture.md`):
//!
//! - `pack`: read the pack (catalogue, scenario, config, rules, provisioning, dashboards);
//! - `generate`: scenario → simulated mesh → OpenMetrics → promtool backfill → cached TSDB;
//! - `stack`: Prometheus over that TSDB, the viewer's web server, headless Chromium;
//! - `visual`: render every dashboard view, compare with the baselines, report;
//! - `alerting`: promtool rule tests and the Alertmanager configuration;
//! - `lint`: located findings on rules, dashboards and provisioning;
//! - `publish`: dashboard guides, the docs index and release notes.
//!
//! The binary (`main.rs`, `cli.rs`, `commands/`) turns command lines into calls on these modules;
//! the library never sees a clap type.

pub mod alerting;
pub mod diagnostic;
pub mod exit;
pub mod fsutil;
pub mod generate;
pub mod geometry;
pub mod lint;
pub mod pack;
pub mod programs;
pub mod progress;
pub mod publish;
pub mod stack;
pub mod timestamp;
pub mod visual;
