//! Exit codes and the error kinds that decide them.
//!
//! 0: success. 1: the tool did its job and found problems (a stale generated file, a
//! failed check). 2: the tool could not do its job (bad input, a missing binary, a
//! child process that failed), 130: interrupted. Anything not classified is treated as 2.

use std::process::ExitCode;

/// The outcome of a subcommand that ran to completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything checked out.
    Success,
    /// The tool did its job and found problems; details were already printed.
    ProblemsFound,
}

/// Errors whose kind decides the exit code. Everything else (wrapped in `anyhow`) is 2.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// Input the user gave us is wrong; the message names the file, the location and the fix.
    #[error("{0}")]
    InvalidInput(String),
    /// Something the tool needs is missing from this machine.
    #[error("{what} not found: {hint}")]
    MissingTool { what: String, hint: String },
    /// A child process (promtool, prometheus, ...) failed.
    #[error("{0}")]
    ChildFailed(String),
    /// SIGINT or SIGTERM arrived; children were stopped and nothing half-written was kept.
    #[error("interrupted by {0}")]
    Interrupted(&'static str),
}

impl ToolError {
    pub fn exit_code(&self) -> u8 {
        match self {
            ToolError::Interrupted(_) => EXIT_INTERRUPTED,
            _ => EXIT_TOOL_FAILED,
        }
    }
}

pub const EXIT_SUCCESS: u8 = 0;
pub const EXIT_PROBLEMS: u8 = 1;
pub const EXIT_TOOL_FAILED: u8 = 2;
pub const EXIT_INTERRUPTED: u8 = 130;

/// Prints an error chain to stderr and maps the result to the documented exit code.
pub fn report(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Success) => ExitCode::from(EXIT_SUCCESS),
        Ok(Outcome::ProblemsFound) => ExitCode::from(EXIT_PROBLEMS),
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(err.downcast_ref::<ToolError>().map_or(EXIT_TOOL_FAILED, ToolError::exit_code))
        }
    }
}
