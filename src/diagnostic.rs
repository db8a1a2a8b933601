//! Where a problem in the user's input is, what is wrong and how to fix it: the one shape every
//! reader of the pack reports in (scenarios, `meshkit-obs.toml`, rule files, provisioning,
//! dashboards) and lint's findings wrap. Printed as `file:line:col: [pointer: ]message; fix: ...`,
//! and exit 2 (`ToolError::InvalidInput`) when it stops a command.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::exit::ToolError;

/// A 1-based line and column inside a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

impl Position {
    /// The first character of a file: where problems about the whole file point.
    pub const START: Position = Position { line: 1, column: 1 };

    /// The position of byte `offset` in `text` (columns count characters, not bytes).
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[..end];
        let line = before.matches('\n').count() as u64 + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1;
        Position { line, column }
    }

    /// Where a YAML value is written.
    pub fn of_yaml<T>(spanned: &serde_saphyr::Spanned<T>) -> Position {
        Position { line: spanned.referenced.line(), column: spanned.referenced.column() }
    }

    /// Where a YAML parse error is; the start of the file when the parser does not say.
    pub fn of_yaml_error(err: &serde_saphyr::Error) -> Position {
        err.location().map_or(Position::START, |l| Position { line: l.line(), column: l.column() })
    }

    pub fn in_file(self, file: &Path) -> Location {
        Location { file: file.to_path_buf(), line: self.line, column: self.column, pointer: None }
    }
}

/// A place in a file: line and column, and for JSON the pointer (RFC 6901) of the element.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: PathBuf,
    pub line: u64,
    pub column: u64,
    pub pointer: Option<String>,
}

impl Location {
    /// The start of `file`: for problems about the file as a whole.
    pub fn file_start(file: &Path) -> Location {
        Position::START.in_file(file)
    }
}

/// `file:line:col` (the pointer leads the message: see [`Diagnostic::text`]).
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// One problem: where, what, and what would fix it (`None` when the message already says).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub location: Location,
    pub message: String,
    pub fix: Option<String>,
}

impl Diagnostic {
    pub fn new(location: Location, message: impl Into<String>, fix: impl Into<String>) -> Diagnostic {
        Diagnostic { location, message: message.into(), fix: Some(fix.into()) }
    }

    /// A problem whose message says the fix itself.
    pub fn without_fix(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic { location, message: message.into(), fix: None }
    }

    /// What follows the location: `/pointer: message; fix: fix`, without the parts it lacks.
    pub fn text(&self) -> String {
        let mut text = match self.location.pointer.as_deref() {
            Some("") => format!("/: {}", self.message),
            Some(pointer) => format!("{pointer}: {}", self.message),
            None => self.message.clone(),
        };
        if let Some(fix) = &self.fix {
            text.push_str("; fix: ");
            text.push_str(fix);
        }
        text
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.text())
    }
}

impl std::error::Error for Diagnostic {}

/// A diagnostic that stops a command is bad input: exit 2.
impl From<Diagnostic> for ToolError {
    fn from(diagnostic: Diagnostic) -> Self {
        ToolError::InvalidInput(diagnostic.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let text = "ab\ncé\nx";
        assert_eq!(Position::of_offset(text, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::of_offset(text, 3), Position { line: 2, column: 1 });
        assert_eq!(Position::of_offset(text, 6), Position { line: 2, column: 3 }, "é is one column");
        assert_eq!(Position::of_offset(text, 5), Position { line: 2, column: 2 }, "inside a character: its start");
        assert_eq!(Position::of_offset(text, 99), Position { line: 3, column: 2 });
    }

    #[test]
    fn prints_location_pointer_message_and_fix() {
        let at = Location { file: "d.json".into(), line: 3, column: 7, pointer: Some("/panels/0/id".into()) };
        assert_eq!(Diagnostic::new(at.clone(), "no id", "add one").to_string(), "d.json:3:7: /panels/0/id: no id; fix: add one");
        let root = Location { pointer: Some(String::new()), ..at };
        assert_eq!(Diagnostic::without_fix(root, "not an object").to_string(), "d.json:3:7: /: not an object");
        let plain = Diagnostic::new(Location::file_start(Path::new("a.yaml")), "m", "f");
        assert_eq!(ToolError::from(plain).to_string(), "a.yaml:1:1: m; fix: f");
    }
}
