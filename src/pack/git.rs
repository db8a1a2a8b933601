//! The pack as git recorded it, read through the `git` CLI: resolving a revision, the files a
//! revision holds, a file's text at a revision, and the files changed between two revisions.
//! git runs with `-C <pack>` and every path is relative to the pack root, so a pack in a
//! subfolder of a larger repository reads the same.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::exit::ToolError;
use crate::programs::tools::{self, Program};

pub const GIT: Program = Program { binary: "git", package: "git" };

/// A pack inside a git work tree.
pub struct Repo {
    git: PathBuf,
    pack: PathBuf,
}

/// How a file changed between two revisions (`git diff --name-status`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added(String),
    Modified(String),
    Deleted(String),
    Renamed { from: String, to: String },
}

impl Repo {
    /// The work tree holding `pack`; an error naming the fix when git is missing or `pack` is
    /// not inside a work tree.
    pub fn open(pack: &Path) -> Result<Repo, ToolError> {
        let repo = Repo { git: tools::locate(GIT)?, pack: pack.to_path_buf() };
        match repo.run(&["rev-parse", "--is-inside-work-tree"]) {
            Ok(out) if out.trim() == "true" => Ok(repo),
            _ => Err(ToolError::InvalidInput(format!(
                "{}: not inside a git work tree; fix: run from a clone of the pack, or pass --pack <clone>",
                pack.display()
            ))),
        }
    }

    /// The commit `rev` names (a branch, tag, hash, `HEAD~3`, ...).
    pub fn resolve(&self, rev: &str) -> Result<String, ToolError> {
        self.run(&["rev-parse", "--verify", "--quiet", "--end-of-options", &format!("{rev}^{{commit}}")])
            .map(|out| out.trim().to_string())
            .map_err(|_| {
                ToolError::InvalidInput(format!(
                    "{}: unknown git revision `{rev}`; fix: name a commit, branch or tag (see `git log --oneline`, `git tag`)",
                    self.pack.display()
                ))
            })
    }

    /// The files of revision `rev` below `dir` (relative to the pack, recursively).
    pub fn files(&self, rev: &str, dir: &str) -> Result<Vec<String>, ToolError> {
        let out = self
            .run(&["ls-tree", "-r", "-z", "--name-only", rev, "--", dir])
            .map_err(|err| self.failed(&format!("listing {dir} at {rev}"), err))?;
        Ok(out.split('\0').filter(|p| !p.is_empty()).map(str::to_string).collect())
    }

    /// The text of `path` (relative to the pack) at revision `rev`.
    pub fn show(&self, rev: &str, path: &str) -> Result<String, ToolError> {
        self.run(&["show", &format!("{rev}:./{path}")]).map_err(|err| self.failed(&format!("reading {rev}:{path}"), err))
    }

    /// The files below `dir` that differ between revisions `from` and `to`, renames detected.
    pub fn changes(&self, from: &str, to: &str, dir: &str) -> Result<Vec<Change>, ToolError> {
        let out = self
            .run(&["diff", "-z", "-M", "--name-status", "--relative", from, to, "--", dir])
            .map_err(|err| self.failed(&format!("comparing {dir} between {from} and {to}"), err))?;
        let mut fields = out.split('\0').filter(|f| !f.is_empty());
        let mut changes = Vec::new();
        // -z: the status, then one path (two for renames and copies), each NUL-terminated.
        while let Some(status) = fields.next() {
            let mut path = || fields.next().unwrap_or_default().to_string();
            changes.push(match status.chars().next() {
                Some('R') => Change::Renamed { from: path(), to: path() },
                Some('C') => {
                    // A copy lists its source first; what the diff adds is the copy.
                    path();
                    Change::Added(path())
                }
                Some('A') => Change::Added(path()),
                Some('D') => Change::Deleted(path()),
                _ => Change::Modified(path()),
            });
        }
        changes.sort();
        Ok(changes)
    }

    /// git's stdout, or its stderr when it fails.
    fn run(&self, args: &[&str]) -> Result<String, String> {
        let output =
            Command::new(&self.git).arg("-C").arg(&self.pack).args(args).output().map_err(|err| format!("cannot run git: {err}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    }

    fn failed(&self, what: &str, err: String) -> ToolError {
        ToolError::ChildFailed(format!("{}: git failed {what}: {err}", self.pack.display()))
    }
}
