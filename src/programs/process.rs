//! Child processes that never outlive the tool.
//!
//! Every child runs in its own process group and gets SIGKILL from the kernel if the tool dies
//! (`PR_SET_PDEATHSIG`). Dropping a `Supervised` kills the whole group, so an error or a panic
//! cleans up; `stop` is the polite path (SIGTERM, grace period, SIGKILL). Ctrl-C and SIGTERM
//! reach the commands through `shutdown_signal`, which makes them return and drop their children.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use anyhow::Context as _;
use tokio::process::{Child, Command};

use crate::exit::ToolError;

pub struct Supervised {
    name: String,
    child: Child,
    pgid: i32,
    stdout_path: PathBuf,
    stderr_path: PathBuf,
    finished: bool,
}

impl Supervised {
    /// Spawns `command` in a new process group, stdout and stderr going to files in `log_dir`.
    pub fn spawn(name: &str, mut command: Command, log_dir: &Path) -> anyhow::Result<Supervised> {
        let stdout_path = log_dir.join(format!("{name}.stdout.log"));
        let stderr_path = log_dir.join(format!("{name}.stderr.log"));
        let stdout = std::fs::File::create(&stdout_path).with_context(|| format!("creating {}", stdout_path.display()))?;
        let stderr = std::fs::File::create(&stderr_path).with_context(|| format!("creating {}", stderr_path.display()))?;
        command.stdin(Stdio::null()).stdout(stdout).stderr(stderr).process_group(0).kill_on_drop(true);
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = command.spawn().with_context(|| format!("starting {name}"))?;
        let pgid = child.id().map(|id| id as i32).ok_or_else(|| anyhow::anyhow!("{name} exited before it could be tracked"))?;
        Ok(Supervised { name: name.to_string(), child, pgid, stdout_path, stderr_path, finished: false })
    }

    /// Waits for the child to exit on its own.
    pub async fn wait(&mut self) -> anyhow::Result<ExitStatus> {
        let status = self.child.wait().await.with_context(|| format!("waiting for {}", self.name))?;
        self.finished = true;
        Ok(status)
    }

    /// Returns the exit status if the child has already exited.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        let status = self.child.try_wait().ok().flatten();
        if status.is_some() {
            self.finished = true;
        }
        status
    }

    /// Everything the child wrote so far: stdout, then stderr.
    pub fn output(&self) -> String {
        let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
        format!("{}{}", read(&self.stdout_path), read(&self.stderr_path))
    }

    /// The last lines the child wrote to stderr, for error messages.
    pub fn stderr_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// SIGTERM to the group, up to `grace` to exit, then SIGKILL.
    pub async fn stop(mut self, grace: Duration) {
        if self.finished {
            return;
        }
        signal_group(self.pgid, libc::SIGTERM);
        if tokio::time::timeout(grace, self.child.wait()).await.is_err() {
            signal_group(self.pgid, libc::SIGKILL);
            let _ = self.child.wait().await;
        }
        self.finished = true;
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        // Even a finished leader may have left members of its group behind.
        signal_group(self.pgid, libc::SIGKILL);
        if !self.finished {
            let _ = self.child.start_kill();
            let _ = self.child.try_wait();
        }
    }
}

fn signal_group(pgid: i32, signal: i32) {
    // SAFETY: kill(2) with a negative pid signals the process group we created.
    unsafe {
        libc::kill(-pgid, signal);
    }
}

/// Resolves on SIGINT or SIGTERM, naming the signal.
pub async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = match signal(SignalKind::terminate()) {
        Ok(stream) => stream,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    }
}

/// Waits for a supervised program to finish; a non-zero exit becomes an error that quotes
/// its stderr. Dropping the future (Ctrl-C, a sibling's failure) kills the program.
pub async fn finish(name: &str, mut child: Supervised) -> anyhow::Result<()> {
    let status = child.wait().await?;
    if status.success() {
        Ok(())
    } else {
        Err(ToolError::ChildFailed(format!("{name} failed ({status}):\n{}", child.stderr_tail(20))).into())
    }
}
