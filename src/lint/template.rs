//! Grafana's template syntax in dashboard strings: which variables a string references (`$var`,
//! `${var}`, `${var:fmt}`, `[[var]]`), which names Grafana defines itself, and the stand-in text
//! each reference gets so a panel query can be parsed as PromQL.
//!
//! Stand-ins depend on where the reference sits: inside a `[...]` range it must be a duration,
//! inside a quoted regex matcher it must match anything, elsewhere it is the variable's value.
//! Quoted stand-ins carry a marker naming the variable, so checks can tell that a matcher
//! filters by `$cluster` after substitution.

use std::collections::BTreeMap;
use std::time::Duration;

/// Names Grafana defines on every dashboard (global variables and macros).
const BUILTINS: &[&str] = &[
    "__interval",
    "__interval_ms",
    "__rate_interval",
    "__rate_interval_ms",
    "__range",
    "__range_s",
    "__range_ms",
    "__from",
    "__to",
    "__now",
    "__dashboard",
    "__user",
    "__org",
    "__name",
    "__all",
    "__url_time_range",
    "__timezone",
    "__timeFilter",
    "timeFilter",
    "__timeFrom",
    "__timeTo",
    "__auto",
    "__field",
    "__series",
    "__value",
    "__data",
    "__cell",
    "__url",
];

/// `$__rate_interval` and `$__range` inside a range: odd durations nobody writes by hand, so
/// the `target-rate-interval-rule` check can tell them from literal ranges after substitution.
pub const RATE_INTERVAL_STANDIN: Duration = Duration::from_millis(240_001);
pub const RANGE_STANDIN: Duration = Duration::from_millis(21_600_001);

/// Whether Grafana itself defines variable `name`.
pub fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name)
}

/// One variable reference in a string: the name and the byte range of the whole reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    pub name: &'a str,
    pub start: usize,
    pub end: usize,
}

/// Every variable reference in `text`, in order. `$1` (a regex group in `label_replace`) and
/// `$$` are not references.
pub fn references(text: &str) -> Vec<Reference<'_>> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let reference = if let Some(braced) = rest.strip_prefix("${") {
            braced.find('}').map(|end| (name_part(&braced[..end]), end + 3))
        } else if let Some(bracketed) = rest.strip_prefix("[[") {
            bracketed.find("]]").map(|end| (name_part(&bracketed[..end]), end + 4))
        } else if let Some(plain) = rest.strip_prefix('$') {
            let end = plain.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(plain.len());
            Some((&plain[..end], end + 1))
        } else {
            None
        };
        match reference {
            Some((name, len)) if is_name(name) => {
                found.push(Reference { name, start: at, end: at + len });
                at += len;
            }
            _ => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// `var` of `var:format` or `var.field`.
fn name_part(inner: &str) -> &str {
    inner.split([':', '.']).next().unwrap_or(inner).trim()
}

fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The text a quoted stand-in for variable `name` contains, so a matcher's value shows which
/// variable it filters by.
pub fn marker(name: &str) -> String {
    format!("__grafana_var_{name}__")
}

/// Where a reference sits in a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Range,
    RegexString,
    String,
    Bare,
}

/// `text` with every variable reference replaced by a stand-in that keeps the query valid
/// PromQL; `values` are the dashboard variables' current (or first) values.
pub fn substitute(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut copied = 0;
    for reference in references(text) {
        out.push_str(&text[copied..reference.start]);
        out.push_str(&standin(reference.name, place(text, reference.start), values));
        copied = reference.end;
    }
    out.push_str(&text[copied..]);
    out
}

fn standin(name: &str, place: Place, values: &BTreeMap<String, String>) -> String {
    let value = values.get(name).map(String::as_str).filter(|v| !v.is_empty() && !v.starts_with('$'));
    match place {
        Place::Range => match name {
            "__rate_interval" => format!("{}ms", RATE_INTERVAL_STANDIN.as_millis()),
            "__interval" => "1m".to_string(),
            "__range" => format!("{}ms", RANGE_STANDIN.as_millis()),
            _ => value.filter(|v| is_duration(v)).unwrap_or("5m").to_string(),
        },
        Place::RegexString => format!("(?:.*|{})", marker(name)),
        Place::String => marker(name),
        Place::Bare => match name {
            "__rate_interval" => format!("{}ms", RATE_INTERVAL_STANDIN.as_millis()),
            "__interval" => "1m".to_string(),
            "__range" => "6h".to_string(),
            "__range_s" => "21600".to_string(),
            "__range_ms" => "21600000".to_string(),
            "__interval_ms" => "60000".to_string(),
            "__rate_interval_ms" => RATE_INTERVAL_STANDIN.as_millis().to_string(),
            _ => value.unwrap_or("1").to_string(),
        },
    }
}

fn is_duration(text: &str) -> bool {
    promql_parser::util::parse_duration(text).is_ok()
}

/// Whether byte `at` of `query` is inside a `[...]` range, a quoted (regex) matcher value, or
/// neither: one pass over what precedes it, skipping quoted text.
fn place(query: &str, at: usize) -> Place {
    let bytes = query.as_bytes();
    let mut depth = 0i32;
    let mut quote: Option<(u8, usize)> = None;
    let mut i = 0;
    while i < at {
        let b = bytes[i];
        match quote {
            Some((q, _)) if b == b'\\' && q != b'`' => i += 1,
            Some((q, _)) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some((b, i)),
            None if b == b'[' => depth += 1,
            None if b == b']' => depth -= 1,
            None => {}
        }
        i += 1;
    }
    match quote {
        Some((_, opened)) if query[..opened].trim_end().ends_with("=~") || query[..opened].trim_end().ends_with("!~") => Place::RegexString,
        Some(_) => Place::String,
        None if depth > 0 => Place::Range,
        None => Place::Bare,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_reference_form() {
        let names: Vec<&str> = references("a $x ${y} ${z:pipe} [[w]] [[v:csv]] $1 $$ ${__url_time_range}").iter().map(|r| r.name).collect();
        assert_eq!(names, ["x", "y", "z", "w", "v", "__url_time_range"]);
        assert!(is_builtin("__rate_interval") && !is_builtin("cluster"));
    }

    #[test]
    fn stand_ins_fit_where_the_reference_sits() {
        let values = BTreeMap::from([
            ("window".to_string(), "10m".to_string()),
            ("threshold".to_string(), "0.5".to_string()),
            ("cluster".to_string(), "$__all".to_string()),
        ]);
        let query = r#"rate(x{cluster=~"$cluster", namespace=~"|${namespace}", node="[[node]]"}[$__rate_interval]) > $threshold and max_over_time(y[$window:$__interval] offset $__range) + $__range_s"#;
        assert_eq!(
            substitute(query, &values),
            r#"rate(x{cluster=~"(?:.*|__grafana_var_cluster__)", namespace=~"|(?:.*|__grafana_var_namespace__)", node="__grafana_var_node__"}[240001ms]) > 0.5 and max_over_time(y[10m:1m] offset 6h) + 21600"#
        );
        let substituted = substitute(query, &values);
        assert!(crate::pack::promql::parse(&substituted).is_ok(), "{:?}", crate::pack::promql::parse(&substituted));
        assert_eq!(substitute("x[$undefined]", &values), "x[5m]");
        assert_eq!(substitute("increase(x[$__range])", &values), "increase(x[21600001ms])");
    }
}
