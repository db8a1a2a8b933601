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

/// Finds `program` on PATH, or explains how to install it.
pub fn locate(program: Program) -> Result<PathBuf, ToolError> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program.binary))
        .find(|candidate| is_executable(candidate))
        .ok_or_else(|| ToolError::MissingTool {
            what: format!("`{}`", program.binary),
            hint: format!("install it with `apt-get install -y {}` (or run ./dev setup)", program.package),
        })
}

fn is_executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}
