//! One headless Chromium per run, driven over the DevTools protocol with chromiumoxide.
//!
//! We start Chromium ourselves (not chromiumoxide's launcher) so it runs as a `Supervised`
//! process group with a parent-death signal and a fresh profile: it cannot outlive the tool,
//! also on Ctrl-C, a panic or a kill of the tool. chromiumoxide then connects to the
//! DevTools URL Chromium prints. A crash of the browser surfaces through `exited`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chromiumoxide::handler::HandlerConfig;
use chromiumoxide::{Browser, Page};
use futures::StreamExt as _;
use tokio::process::Command;

use crate::exit::ToolError;
use crate::programs::process::Supervised;
use crate::programs::tools::{self, CHROMIUM};

/// How long Chromium may take to print its DevTools address.
const LAUNCH_DEADLINE: Duration = Duration::from_secs(30);
/// Any single DevTools request; a stuck renderer turns into an error instead of a hang.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The flags measured to work headless as root without reaching outside hosts
/// (docs: ../shared/reference/toolchain.md).
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--font-render-hinting=none",
    "--remote-debugging-port=0",
];

pub struct Chromium {
    browser: Browser,
    handler: tokio::task::JoinHandle<()>,
    process: Supervised,
    // Holds the profile and the logs; removed when the browser is gone.
    _workdir: tempfile::TempDir,
}

/// The Chromium binary: `explicit` (flag or environment) or `chromium` on PATH.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, ToolError> {
    match explicit {
        Some(path) if path.is_file() => Ok(path.to_path_buf()),
        Some(path) => Err(ToolError::MissingTool {
            what: format!("Chromium at {}", path.display()),
            hint: format!("point --chromium (or MESHKIT_OBS_CHROMIUM) at an existing binary, or unset it to use `chromium` from PATH (`apt-get install -y {}`)", CHROMIUM.package),
        }),
        None => tools::locate(CHROMIUM),
    }
}

impl Chromium {
    /// Starts Chromium with a fresh profile and connects to it.
    pub async fn launch(binary: &Path, window: (u32, u32)) -> anyhow::Result<Chromium> {
        let workdir = tempfile::Builder::new().prefix("meshkit-obs-chromium-").tempdir().context("creating Chromium's profile folder")?;
        let profile = workdir.path().join("profile");
        let mut command = Command::new(binary);
        command
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--window-size={},{}", window.0, window.1))
            .arg("about:blank");
        let mut process = Supervised::spawn("chromium", command, workdir.path())?;
        let url = devtools_url(&mut process, binary).await?;
        let config = HandlerConfig { request_timeout: REQUEST_TIMEOUT, viewport: None, ..HandlerConfig::default() };
        let (browser, mut events) = Browser::connect_with_config(url.clone(), config)
            .await
            .with_context(|| format!("connecting to Chromium's DevTools at {url}"))?;
        // The handler must keep polling after errors: Chromium 156 sends events the crate's
        // protocol types do not know, and one bad message must not stall every page.
        let handler = tokio::spawn(async move { while events.next().await.is_some() {} });
        Ok(Chromium { browser, handler, process, _workdir: workdir })
    }

    /// The tabs side and the process side at once, so work in tabs can race `Watch::exited`.
    pub fn split(&mut self) -> (Tabs<'_>, Watch<'_>) {
        (Tabs(&self.browser), Watch(&mut self.process))
    }

    /// Closes the browser politely, then makes sure the whole process group is gone.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(3), self.browser.close()).await;
        self.handler.abort();
        self.process.stop(Duration::from_secs(2)).await;
    }
}

/// Opens tabs in the browser.
pub struct Tabs<'a>(&'a Browser);

impl Tabs<'_> {
    /// A new blank tab.
    pub async fn new_page(&self) -> anyhow::Result<Page> {
        self.0.new_page("about:blank").await.context("opening a browser tab")
    }
}

/// Watches the browser process.
pub struct Watch<'a>(&'a mut Supervised);

impl Watch<'_> {
    /// Resolves when Chromium exits; the error names the exit status and its last output.
    pub async fn exited(&mut self) -> anyhow::Error {
        match self.0.wait().await {
            Ok(status) => {
                ToolError::ChildFailed(format!("Chromium exited during the run ({status}); last output:\n{}", self.0.stderr_tail(10)))
                    .into()
            }
            Err(err) => err,
        }
    }
}

async fn devtools_url(process: &mut Supervised, binary: &Path) -> anyhow::Result<String> {
    let started = Instant::now();
    loop {
        let output = process.output();
        if let Some(url) = output.lines().find_map(|line| line.split_once("DevTools listening on ").map(|(_, url)| url.trim().to_string()))
        {
            return Ok(url);
        }
        if let Some(status) = process.try_status() {
            return Err(ToolError::ChildFailed(format!(
                "Chromium ({}) exited during start-up ({status}):\n{}",
                binary.display(),
                process.stderr_tail(20)
            ))
            .into());
        }
        if started.elapsed() > LAUNCH_DEADLINE {
            return Err(ToolError::ChildFailed(format!(
                "Chromium ({}) printed no DevTools address within {}s:\n{}",
                binary.display(),
                LAUNCH_DEADLINE.as_secs(),
                process.stderr_tail(20)
            ))
            .into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
