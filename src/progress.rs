//! Progress on stderr, so stdout stays machine-readable: one-line messages and, on a terminal,
//! a bar for long loops.

use std::io::IsTerminal as _;
use std::time::Duration;

/// One progress line: `meshkit-obs: <message>`.
pub fn say(message: &str) {
    eprintln!("meshkit-obs: {message}");
}

/// A progress line unless `quiet`.
pub fn reporter(quiet: bool) -> impl Fn(&str) {
    move |message: &str| {
        if !quiet {
            say(message);
        }
    }
}

/// A bar of `total` steps named `what`; hidden when quiet or when stderr is not a terminal.
pub fn bar(what: &str, total: usize, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template(&format!("{{spinner}} {what} [{{bar:30}}] {{pos}}/{{len}} {{elapsed}} {{wide_msg}}"))
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
