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

/// Files below `dir` (recursively, sorted by path) whose name `keep` accepts; nothing when `dir`
/// is not a folder. Symlinked folders are followed (a symlink loop is skipped, not followed
/// forever); a dangling symlink is listed like a file, so whoever reads it reports it.
pub fn files_below(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    // Siblings sorted by name, depth first: the same order as sorting the whole list by path.
    let walk = walkdir::WalkDir::new(dir).min_depth(1).follow_links(true).sort_by_file_name();
    walk.into_iter()
        .filter_map(|entry| match entry {
            Ok(entry) => (!entry.file_type().is_dir()).then(|| entry.into_path()),
            Err(err) => err
                .path()
                .filter(|path| err.loop_ancestor().is_none() && path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()))
                .map(Path::to_path_buf),
        })
        .filter(|path| path.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_below_lists_in_path_order_following_folder_links() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("pack");
        for file in ["b.json", "b/c.json", "b/a/z.json", "a-b.json", "a/x.json", "a/y.txt", ".hidden/h.json"] {
            write_atomic(&dir.join(file), b"{}").unwrap();
        }
        write_atomic(&root.path().join("elsewhere/linked.json"), b"{}").unwrap();
        std::os::unix::fs::symlink(root.path().join("elsewhere"), dir.join("link")).unwrap();
        std::os::unix::fs::symlink(&dir, dir.join("b/loop")).unwrap();
        std::os::unix::fs::symlink(dir.join("gone.json"), dir.join("dangling.json")).unwrap();

        let found = files_below(&dir, |name| name.ends_with(".json"));
        let relative: Vec<String> = found.iter().map(|p| p.strip_prefix(&dir).unwrap().display().to_string()).collect();
        assert_eq!(
            relative,
            [".hidden/h.json", "a/x.json", "a-b.json", "b/a/z.json", "b/c.json", "b.json", "dangling.json", "link/linked.json"]
        );
        let mut sorted = found.clone();
        sorted.sort();
        assert_eq!(found, sorted, "the walk's order is the order of the paths");
        assert!(files_below(&dir.join("b.json"), |_| true).is_empty(), "a file is no folder");
        assert!(files_below(&dir.join("missing"), |_| true).is_empty());
    }
}
