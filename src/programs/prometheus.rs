//! A real Prometheus server (Debian's `prometheus`) over a seeded TSDB, as a supervised child
//! on a free 127.0.0.1 port.
//!
//! The cached TSDB is never handed to Prometheus directly: its block files are hard-linked into
//! a private data directory, so compaction, the WAL and the lock file touch only that copy.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tokio::process::Command;

use crate::exit::ToolError;
use crate::programs::process::Supervised;
use crate::programs::tools::{locate, PROMETHEUS};

const READY_DEADLINE: Duration = Duration::from_secs(60);
const BIND_ATTEMPTS: usize = 3;

pub struct Prometheus {
    pub url: String,
    child: Supervised,
    _workdir: tempfile::TempDir,
}

impl Prometheus {
    /// Starts Prometheus over a copy of `tsdb` and waits until `/-/ready` answers.
    pub async fn start(tsdb: &Path) -> anyhow::Result<Prometheus> {
        let binary = locate(PROMETHEUS)?;
        let mut last_error = None;
        for _ in 0..BIND_ATTEMPTS {
            let workdir = tempfile::Builder::new()
                .prefix("meshkit-obs-prometheus-")
                .tempdir()
                .context("creating a working directory for Prometheus")?;
            let data = workdir.path().join("data");
            link_tree(tsdb, &data).with_context(|| format!("preparing Prometheus data from {}", tsdb.display()))?;
            let config = workdir.path().join("prometheus.yml");
            std::fs::write(&config, "global:\n  evaluation_interval: 1m\n").context("writing prometheus.yml")?;
            let port = free_port()?;
            let mut command = Command::new(&binary);
            command
                .arg(format!("--config.file={}", config.display()))
                .arg(format!("--storage.tsdb.path={}", data.display()))
                // Retention counts from the newest block; the seeded data is in the past.
                .arg("--storage.tsdb.retention.time=100y")
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg("--log.level=warn");
            let child = Supervised::spawn("prometheus", command, workdir.path())?;
            let url = format!("http://127.0.0.1:{port}");
            match wait_ready(&url, child).await {
                Ok(child) => return Ok(Prometheus { url, child, _workdir: workdir }),
                Err((error, address_in_use)) => {
                    last_error = Some(error);
                    if !address_in_use {
                        break;
                    }
                }
            }
        }
        Err(last_error.expect("at least one attempt ran"))
    }

    /// Resolves if Prometheus exits on its own (it should not), with its stderr.
    pub async fn exited(&mut self) -> anyhow::Error {
        match self.child.wait().await {
            Ok(status) => {
                ToolError::ChildFailed(format!("prometheus exited unexpectedly ({status}):\n{}", self.child.stderr_tail(20))).into()
            }
            Err(err) => err,
        }
    }

    pub async fn stop(self) {
        self.child.stop(Duration::from_secs(5)).await;
    }
}

async fn wait_ready(url: &str, mut child: Supervised) -> Result<Supervised, (anyhow::Error, bool)> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(2)).no_proxy().build().map_err(|e| (e.into(), false))?;
    let started = Instant::now();
    while started.elapsed() < READY_DEADLINE {
        if let Some(status) = child.try_status() {
            let stderr = child.stderr_tail(20);
            let in_use = stderr.contains("address already in use");
            return Err((ToolError::ChildFailed(format!("prometheus exited during start-up ({status}):\n{stderr}")).into(), in_use));
        }
        if let Ok(response) = client.get(format!("{url}/-/ready")).send().await {
            if response.status().is_success() {
                return Ok(child);
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stderr = child.stderr_tail(20);
    Err((ToolError::ChildFailed(format!("prometheus did not become ready within {}s:\n{stderr}", READY_DEADLINE.as_secs())).into(), false))
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port on 127.0.0.1")?;
    Ok(listener.local_addr()?.port())
}

/// Recreates `from` under `to` with hard links (copies across file systems).
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let target = to.join(entry.path().strip_prefix(from).expect("walkdir yields paths below its root"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
