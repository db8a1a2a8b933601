//! File system helpers: writes that never leave a half-written file (a sibling temporary,
//! then rename), and folder listings in a stable order.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The entries of `dir` whose file name satisfies `keep`, sorted by path.
pub fn sorted_files(dir: &Path, keep: impl Fn(&str) -> bool) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(dir)?.flatten().map(|e| e.path()).filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep)).collect();
    paths.sort();
    Ok(paths)
}

/// Files below `dir` (recursively, sorted) whose name `keep` accepts; nothing when `dir` is not a
/// folder.
pub fn files_below(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().and_then(|n| n.to_str()).is_some_and(&keep) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    // Temporary files are created owner-only; what we write is meant to be read like any
    // other file of the checkout (baselines, reports, docs).
    use std::os::unix::fs::PermissionsExt as _;
    file.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
