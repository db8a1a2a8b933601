//! One dashboard file read as JSON, from disk or from bytes (a git revision): the dashboard
//! model, unwrapped from Grafana's HTTP API export wrapper `{"dashboard": {...}}` when it has
//! one, and where a JSON pointer into the model is written in the file. Every reader of
//! dashboards (capture, the viewer server, lint, release notes, docs) goes through it.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::json_location;
use crate::diagnostic::{Diagnostic, Location, Position};

/// The key Grafana's HTTP API wraps a dashboard model in.
const WRAPPER_KEY: &str = "dashboard";

/// A dashboard file: its text, and its JSON (or why it is not JSON).
#[derive(Debug)]
pub struct DashboardFile {
    pub path: PathBuf,
    text: String,
    json: Result<Value, serde_json::Error>,
}

impl DashboardFile {
    /// The file at `path`; a file that cannot be read is a diagnostic at its start.
    pub fn read(path: &Path) -> Result<DashboardFile, Diagnostic> {
        let bytes = std::fs::read(path)
            .map_err(|err| Diagnostic::new(Location::file_start(path), format!("cannot read: {err}"), "make the file readable"))?;
        Ok(DashboardFile::from_bytes(path, &bytes))
    }

    /// A dashboard file with content `bytes`; `path` names it in diagnostics.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> DashboardFile {
        DashboardFile { path: path.to_path_buf(), text: String::from_utf8_lossy(bytes).into_owned(), json: serde_json::from_slice(bytes) }
    }

    /// The dashboard model, or the diagnostic of a file that is not JSON.
    pub fn model(&self) -> Result<&Value, Diagnostic> {
        match &self.json {
            Ok(json) => Ok(unwrapped(json)),
            Err(err) => Err(Diagnostic::new(
                Position { line: err.line() as u64, column: err.column() as u64 }.in_file(&self.path),
                format!("not valid JSON: {err}"),
                "repair the JSON (Grafana's \"Export\" writes a valid file)",
            )),
        }
    }

    /// The model's uid, when the file is JSON with a non-empty string `uid`.
    pub fn uid(&self) -> Option<&str> {
        self.model().ok()?.get("uid")?.as_str().filter(|uid| !uid.is_empty())
    }

    /// Where the element at `pointer` (into the model) is written: line, column and the
    /// pointer into the file (`/dashboard/...` in a wrapped export).
    pub fn locate(&self, pointer: &str) -> Location {
        let in_file = match &self.json {
            Ok(json) if is_wrapped(json) => format!("/{WRAPPER_KEY}{pointer}"),
            _ => pointer.to_string(),
        };
        Location { pointer: Some(in_file.clone()), ..json_location::locate(&self.text, &in_file).in_file(&self.path) }
    }

    /// A diagnostic about the element at `pointer` (into the model).
    pub fn diagnostic(&self, pointer: &str, message: impl Into<String>, fix: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.locate(pointer), message, fix)
    }
}

fn is_wrapped(json: &Value) -> bool {
    json.get(WRAPPER_KEY).is_some_and(Value::is_object)
}

/// The dashboard model of a parsed file: the wrapped model of an API export, else the file.
fn unwrapped(json: &Value) -> &Value {
    if is_wrapped(json) {
        &json[WRAPPER_KEY]
    } else {
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = "{\n  \"uid\": \"a\",\n  \"panels\": [{\"id\": 1}]\n}\n";

    #[test]
    fn a_wrapped_export_reads_as_its_model_and_locates_in_the_file() {
        let plain = DashboardFile::from_bytes(Path::new("a.json"), PLAIN.as_bytes());
        let wrapped_text = format!("{{\"meta\": {{}},\n\"dashboard\": {}}}", PLAIN.replace('\n', "\n  "));
        let wrapped = DashboardFile::from_bytes(Path::new("w.json"), wrapped_text.as_bytes());
        assert_eq!(plain.model().unwrap(), wrapped.model().unwrap());
        assert_eq!(wrapped.uid(), Some("a"));
        let at = wrapped.locate("/panels/0/id");
        assert_eq!((at.line, at.pointer.as_deref()), (4, Some("/dashboard/panels/0/id")));
        assert_eq!(plain.diagnostic("/panels/0/id", "m", "f").to_string(), "a.json:3:21: /panels/0/id: m; fix: f");
    }

    #[test]
    fn broken_json_and_missing_uids_are_told_apart() {
        let broken = DashboardFile::from_bytes(Path::new("b.json"), b"{\n  \"uid\": \"x\",\n  \"panels\": [,]\n}");
        assert!(broken.model().unwrap_err().to_string().starts_with("b.json:3:14: not valid JSON"));
        assert_eq!(broken.uid(), None);
        assert_eq!(DashboardFile::from_bytes(Path::new("c.json"), br#"{"uid": ""}"#).uid(), None);
        assert!(DashboardFile::read(Path::new("/nonexistent/d.json")).unwrap_err().to_string().contains("d.json:1:1: cannot read"));
    }
}
