//! Data generation: a scenario's simulated mesh (`sim`), its OpenMetrics text, the seeded and
//! cached Prometheus TSDB (`seed`), and the same series as promtool `input_series`.

pub mod input_series;
pub mod openmetrics;
pub mod seed;
pub mod sim;
