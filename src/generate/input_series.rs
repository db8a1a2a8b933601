//! Simulated series as promtool `input_series` (the unit-test input format), for any window of
//! a scenario.
//!
//! Test time 0 is the window's start; one value per scrape step, `_` where the series has no
//! sample (a target that is down, a counter that has not appeared yet). Runs of equal or
//! evenly growing whole numbers are folded into promtool's `a+bxN` notation, so the file stays
//! small without rounding anything.

use std::fmt::Write as _;

use crate::generate::openmetrics::{Family, Series};
use crate::pack::promql::Selector;

/// Whole numbers below this are exact in an f64, so `a+bxN` expands to the same values.
const EXACT_INTEGER: f64 = 9.0e15;

/// Which series to export: those any selector could match (all when `None`).
pub struct Filter<'a> {
    pub selectors: Option<&'a [Selector]>,
}

impl Filter<'_> {
    fn keeps(&self, series: &Series) -> bool {
        let Some(selectors) = self.selectors else { return true };
        selectors.iter().any(|selector| {
            selector.matches_name(&series.name)
                && selector.label_matchers().all(|m| {
                    let value = series.labels.iter().find(|(k, _)| *k == m.name).map(|(_, v)| v.as_str()).unwrap_or("");
                    m.is_match(value)
                })
        })
    }
}

/// Counts of what was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub series: usize,
    pub values: usize,
}

/// Appends the `input_series` entries (YAML list items, indented by `indent`) for the series
/// of `families` kept by `filter`, sampled every `step` seconds over `[from, to]`.
pub fn write(families: &[Family], filter: &Filter, from: i64, to: i64, step: i64, indent: &str, out: &mut String) -> Written {
    let slots = ((to - from) / step + 1) as usize;
    let mut written = Written::default();
    let mut values: Vec<Option<f64>> = vec![None; slots];
    for series in families.iter().flat_map(|f| &f.series).filter(|s| filter.keeps(s)) {
        values.iter_mut().for_each(|v| *v = None);
        let mut any = false;
        for &(t, value) in &series.points {
            if t < from || t > to || (t - from) % step != 0 {
                continue;
            }
            values[((t - from) / step) as usize] = Some(value);
            any = true;
        }
        if !any {
            continue;
        }
        let _ = writeln!(out, "{indent}- series: '{}'", selector_text(series));
        let _ = writeln!(out, "{indent}  values: '{}'", notation(&values));
        written.series += 1;
        written.values += values.iter().filter(|v| v.is_some()).count();
    }
    written
}

/// `name{label="value",...}` with values escaped as PromQL strings, inside YAML single quotes.
fn selector_text(series: &Series) -> String {
    let mut text = series.name.clone();
    if !series.labels.is_empty() {
        text.push('{');
        for (i, (name, value)) in series.labels.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            let escaped = value.replace('\\', "\\\\").replace('"', "\\\"").replace('\'', "''");
            let _ = write!(text, "{name}=\"{escaped}\"");
        }
        text.push('}');
    }
    text
}

/// promtool's expanding notation for one series' values.
fn notation(values: &[Option<f64>]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < values.len() {
        match values[i] {
            None => {
                let run = values[i..].iter().take_while(|v| v.is_none()).count();
                parts.push(if run == 1 { "_".to_string() } else { format!("_x{run}") });
                i += run;
            }
            Some(first) => {
                let run = progression(&values[i..]);
                if run > 1 {
                    let delta = values[i + 1].expect("a progression has values") - first;
                    parts.push(format!("{}{}{}x{}", number(first), if delta < 0.0 { "-" } else { "+" }, number(delta.abs()), run - 1));
                } else {
                    parts.push(number(first));
                }
                i += run;
            }
        }
    }
    parts.join(" ")
}

/// Length of the leading run of whole numbers growing by a constant whole step (at least 1).
fn progression(values: &[Option<f64>]) -> usize {
    let whole = |v: f64| v.fract() == 0.0 && v.abs() < EXACT_INTEGER;
    let Some(first) = values[0] else { return 0 };
    let Some(Some(second)) = values.get(1).copied() else { return 1 };
    if !whole(first) || !whole(second) {
        return if first == second { 1 + values[1..].iter().take_while(|v| **v == Some(first)).count() } else { 1 };
    }
    let delta = second - first;
    let mut run = 2;
    while let Some(Some(next)) = values.get(run).copied() {
        if !whole(next) || next - values[run - 1].expect("inside the run") != delta {
            break;
        }
        run += 1;
    }
    run
}

fn number(value: f64) -> String {
    if value.is_infinite() {
        return if value > 0.0 { "+Inf".to_string() } else { "-Inf".to_string() };
    }
    format!("{value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_whole_progressions_and_gaps_but_never_rounds() {
        let v = |x: f64| Some(x);
        assert_eq!(notation(&[v(1.0), v(2.0), v(3.0), None, None, v(0.5), v(0.25)]), "1+1x2 _x2 0.5 0.25");
        assert_eq!(notation(&[v(7.0), v(7.0), v(7.0)]), "7+0x2");
        assert_eq!(notation(&[v(0.1), v(0.1), v(0.2)]), "0.1+0x1 0.2");
        assert_eq!(notation(&[v(5.0), v(3.0), v(1.0), None]), "5-2x2 _");
    }
}
