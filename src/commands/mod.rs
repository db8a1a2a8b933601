//! One module per subcommand: each takes the opened `Pack` and plain values from `cli.rs`, calls
//! the library, and prints the outcome. Domain decisions live in the library, not here.

pub mod alertmanager_config;
pub mod check;
pub mod diff;
pub mod docs;
pub mod export_rules;
pub mod export_series;
pub mod lint;
pub mod metrics_doc;
pub mod release_notes;
pub mod seed;
pub mod serve;
pub mod test_rules;
pub mod update_baselines;
