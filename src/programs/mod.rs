//! The external programs every stage runs: finding them and naming the install command when one is
//! missing (`tools`), supervising them as process groups that die with the tool (`process`), and
//! a Prometheus server over a TSDB (`prometheus`), which the seed uses to evaluate recording rules
//! and the stack serves queries from.

pub mod process;
pub mod prometheus;
pub mod tools;
