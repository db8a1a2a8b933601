//! Entry point: parse the command line, run it, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    meshkit_obs::exit::report(cli::run(cli))
}
