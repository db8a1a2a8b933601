//! Locating the external programs the tool drives, with the install command when one is missing.

use std::path::PathBuf;

use crate::exit::ToolError;

/// An external program: its binary name and the Debian package that provides it.
#[derive(Debug, Clone, Copy)]
pub struct Program {
    pub binary: &'static str,
    pub package: &'static str,
}

pub const PROMETHEUS: Program = Program { binary: "prometheus", package: "prometheus" };
pub const PROMTOOL: Program = Program { binary: "promtool", package: "prometheus" };
pub const AMTOOL: Program = Program { binary: "amtool", package: "prometheus-alertmanager" };
pub const CHROMIUM: Program = Program { binary: "chromium", package: "chromium" };

/// Runs a validating command (`promtool check rules FILE`, `amtool check-config FILE`) and
/// returns Ok, or the program's report (stdout then stderr, trimmed) when it rejects the file.
pub async fn check(program: Program, args: &[&str], file: &std::path::Path) -> anyhow::Result<Result<(), String>> {
    use anyhow::Context as _;
    let output = tokio::process::Command::new(locate(program)?)
        .args(args)
        .arg(file)
        .output()
        .await
        .with_context(|| format!("running {} {}", program.binary, args.join(" ")))?;
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok(if output.status.success() { Ok(()) } else { Err(report.trim().to_string()) })
}

/// Finds `program` on PATH, or explains how to install it.
pub fn locate(program: Program) -> Result<PathBuf, ToolError> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(program.binary)).find(|candidate| is_executable(candidate)).ok_or_else(|| {
        ToolError::MissingTool {
            what: format!("`{}`", program.binary),
            hint: format!("install it with `apt-get install -y {}` (or run ./dev setup)", program.package),
        }
    })
}

fn is_executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}
