//! Entry point: parse the command line, run it, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = meshkit_obs::cli::Cli::parse();
    meshkit_obs::exit::report(meshkit_obs::cli::run(cli))
}
