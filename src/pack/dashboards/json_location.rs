//! Where a JSON pointer's value is written in a file (1-based line and column). serde_json keeps
//! no spans, so diagnostics about a dashboard scan its text: a small scanner that skips values it
//! does not descend into, and stops at the deepest part of the pointer that exists (a finding
//! about a missing key points at the object that should hold it).

use crate::diagnostic::Position;

/// Where the value `pointer` (RFC 6901, e.g. `/panels/3/targets/0/expr`) names is written in
/// `text`; the nearest existing ancestor when part of the pointer is missing.
pub fn locate(text: &str, pointer: &str) -> Position {
    let segments: Vec<String> = pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
    let scanner = Scanner { bytes: text.as_bytes() };
    let offset = scanner.find(scanner.skip_ws(0), &segments);
    Position::of_offset(text, offset)
}

struct Scanner<'a> {
    bytes: &'a [u8],
}

impl Scanner<'_> {
    fn skip_ws(&self, mut at: usize) -> usize {
        while at < self.bytes.len() && self.bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        at
    }

    /// The offset of the value `segments` leads to from the value at `at`.
    fn find(&self, at: usize, segments: &[String]) -> usize {
        let Some((segment, rest)) = segments.split_first() else { return at };
        let child = match self.bytes.get(at) {
            Some(b'{') => self.member(at, segment),
            Some(b'[') => segment.parse().ok().and_then(|index| self.element(at, index)),
            _ => None,
        };
        child.map_or(at, |child| self.find(child, rest))
    }

    /// The value of key `key` in the object starting at `at`.
    fn member(&self, at: usize, key: &str) -> Option<usize> {
        let mut at = self.skip_ws(at + 1);
        while self.bytes.get(at) == Some(&b'"') {
            let key_end = self.string_end(at)?;
            let name: String = serde_json::from_slice(&self.bytes[at..key_end]).ok()?;
            at = self.skip_ws(key_end);
            if self.bytes.get(at) != Some(&b':') {
                return None;
            }
            let value = self.skip_ws(at + 1);
            if name == key {
                return Some(value);
            }
            at = self.skip_ws(self.value_end(value)?);
            if self.bytes.get(at) != Some(&b',') {
                return None;
            }
            at = self.skip_ws(at + 1);
        }
        None
    }

    /// The `index`th element of the array starting at `at`.
    fn element(&self, at: usize, index: usize) -> Option<usize> {
        let mut at = self.skip_ws(at + 1);
        for _ in 0..index {
            at = self.skip_ws(self.value_end(at)?);
            if self.bytes.get(at) != Some(&b',') {
                return None;
            }
            at = self.skip_ws(at + 1);
        }
        (self.bytes.get(at) != Some(&b']')).then_some(at)
    }

    /// The offset just after the string starting at `at` (its opening quote).
    fn string_end(&self, at: usize) -> Option<usize> {
        let mut i = at + 1;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    }

    /// The offset just after the value starting at `at`.
    fn value_end(&self, at: usize) -> Option<usize> {
        match self.bytes.get(at)? {
            b'"' => self.string_end(at),
            b'{' | b'[' => {
                let mut depth = 0usize;
                let mut i = at;
                while i < self.bytes.len() {
                    match self.bytes[i] {
                        b'"' => {
                            i = self.string_end(i)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(i + 1);
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                None
            }
            _ => {
                let len = self.bytes[at..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
                    .unwrap_or(self.bytes.len() - at);
                Some(at + len)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    const TEXT: &str = "{\n  \"title\": \"a \\\"b\\\" [c]\",\n  \"a/b\": 1,\n  \"panels\": [\n    {\"id\": 1, \"x\": {\"y\": [1, 2]}},\n    {\n      \"id\": 2,\n      \"targets\": [{\"expr\": \"up\"}]\n    }\n  ]\n}\n";

    fn locate(text: &str, pointer: &str) -> (u64, u64) {
        let at = super::locate(text, pointer);
        (at.line, at.column)
    }

    #[test]
    fn finds_nested_members_and_elements() {
        assert_eq!(locate(TEXT, ""), (1, 1));
        assert_eq!(locate(TEXT, "/title"), (2, 12));
        assert_eq!(locate(TEXT, "/a~1b"), (3, 10));
        assert_eq!(locate(TEXT, "/panels/0/x/y/1"), (5, 30));
        assert_eq!(locate(TEXT, "/panels/1/id"), (7, 13));
        assert_eq!(locate(TEXT, "/panels/1/targets/0/expr"), (8, 28));
    }

    #[test]
    fn missing_parts_point_at_the_nearest_ancestor() {
        assert_eq!(locate(TEXT, "/panels/1/description"), (6, 5));
        assert_eq!(locate(TEXT, "/panels/7/id"), (4, 13));
        assert_eq!(locate(TEXT, "/nothing"), (1, 1));
    }
}
