//! Writing timestamped samples as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`,
//! refusing anything promtool would silently drop or misplace.
//!
//! promtool accepts out-of-order samples, millisecond timestamps and future timestamps with
//! exit code 0 and then drops or misfiles them, so the guards live here: every series must
//! have strictly increasing timestamps in whole seconds, none after "now".

use std::io::Write;

use crate::exit::ToolError;
use crate::pack::catalogue::MetricType;
use crate::timestamp::format_utc;

/// Timestamps above this are certainly milliseconds (it is the year 5138 in seconds).
const MAX_PLAUSIBLE_SECONDS: i64 = 100_000_000_000;

/// One stored series: its full name (`x_bucket`, `x_total`, ...), sorted labels and points.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub points: Vec<(i64, f64)>,
}

/// A metric family as OpenMetrics groups it.
#[derive(Debug, Clone)]
pub struct Family {
    /// Family name (counters without `_total`).
    pub name: String,
    pub kind: MetricType,
    pub help: String,
    pub series: Vec<Series>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub series: usize,
    pub samples: usize,
}

/// Writes the families, ending with `# EOF`. Fails before writing anything if a guard trips.
pub fn write(families: &[Family], now_unix: i64, out: &mut impl Write) -> Result<Totals, ToolError> {
    write_split(families, now_unix, &[i64::MIN], std::slice::from_mut(out))
}

/// Writes one file per time range: `range_starts` (ascending) start each range, and sample
/// `t` goes to the last range starting at or before it. promtool re-reads its whole input for
/// every 2-hour block it builds, so one input per block is several times faster to backfill.
pub fn write_split<W: Write>(families: &[Family], now_unix: i64, range_starts: &[i64], outs: &mut [W]) -> Result<Totals, ToolError> {
    assert_eq!(range_starts.len(), outs.len(), "one writer per range");
    let totals = validate(families, now_unix)?;
    let io = |err: std::io::Error| ToolError::ChildFailed(format!("writing OpenMetrics failed: {err}"));
    let mut line = String::with_capacity(256);
    for family in families {
        for out in outs.iter_mut() {
            writeln!(out, "# HELP {} {}", family.name, escape_help(&family.help)).map_err(io)?;
            writeln!(out, "# TYPE {} {}", family.name, family.kind.as_str()).map_err(io)?;
        }
        for series in &family.series {
            let mut prefix = String::with_capacity(128);
            prefix.push_str(&series.name);
            if !series.labels.is_empty() {
                prefix.push('{');
                for (index, (key, value)) in series.labels.iter().enumerate() {
                    if index > 0 {
                        prefix.push(',');
                    }
                    prefix.push_str(key);
                    prefix.push_str("=\"");
                    escape_label_value(value, &mut prefix);
                    prefix.push('"');
                }
                prefix.push('}');
            }
            for &(timestamp, value) in &series.points {
                line.clear();
                line.push_str(&prefix);
                line.push(' ');
                push_value(value, &mut line);
                line.push(' ');
                line.push_str(&timestamp.to_string());
                line.push('\n');
                let range = range_starts.partition_point(|&start| start <= timestamp).saturating_sub(1);
                outs[range].write_all(line.as_bytes()).map_err(io)?;
            }
        }
    }
    for out in outs.iter_mut() {
        out.write_all(b"# EOF\n").map_err(io)?;
    }
    Ok(totals)
}

fn validate(families: &[Family], now_unix: i64) -> Result<Totals, ToolError> {
    let mut totals = Totals::default();
    for family in families {
        for series in &family.series {
            totals.series += 1;
            totals.samples += series.points.len();
            let mut previous: Option<i64> = None;
            for &(timestamp, value) in &series.points {
                let refuse = |why: String| {
                    Err(ToolError::InvalidInput(format!(
                        "refusing to write series {}{:?}: {why}; promtool would accept it silently and drop or misplace the sample",
                        series.name, series.labels
                    )))
                };
                if timestamp > MAX_PLAUSIBLE_SECONDS {
                    return refuse(format!("timestamp {timestamp} looks like milliseconds; OpenMetrics timestamps are seconds"));
                }
                if timestamp > now_unix {
                    return refuse(format!("timestamp {} is in the future (now is {})", format_utc(timestamp), format_utc(now_unix)));
                }
                if let Some(previous) = previous {
                    if timestamp <= previous {
                        return refuse(format!(
                            "timestamp {} is not after the previous sample at {} (out of order)",
                            format_utc(timestamp),
                            format_utc(previous)
                        ));
                    }
                }
                if !value.is_finite() {
                    return refuse(format!("value {value} at {} is not a finite number", format_utc(timestamp)));
                }
                previous = Some(timestamp);
            }
        }
    }
    Ok(totals)
}

fn push_value(value: f64, out: &mut String) {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        out.push_str(&(value as i64).to_string());
    } else {
        out.push_str(&format!("{value}"));
    }
}

fn escape_label_value(value: &str, out: &mut String) {
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
}

fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(points: Vec<(i64, f64)>) -> Vec<Family> {
        vec![Family {
            name: "up".into(),
            kind: MetricType::Gauge,
            help: "scrape".into(),
            series: vec![Series { name: "up".into(), labels: vec![("job".into(), "a\"b".into())], points }],
        }]
    }

    #[test]
    fn writes_seconds_and_eof() {
        let mut out = Vec::new();
        let totals = write(&family(vec![(100, 1.0), (160, 0.5)]), 1000, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(totals, Totals { series: 1, samples: 2 });
        assert!(text.contains("up{job=\"a\\\"b\"} 1 100\n"));
        assert!(text.contains("up{job=\"a\\\"b\"} 0.5 160\n"));
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn splits_by_time_range() {
        let mut outs = vec![Vec::new(), Vec::new()];
        write_split(&family(vec![(100, 1.0), (7200, 2.0), (7260, 3.0)]), 10_000, &[0, 7200], &mut outs).unwrap();
        let first = String::from_utf8(outs[0].clone()).unwrap();
        let second = String::from_utf8(outs[1].clone()).unwrap();
        assert!(first.contains(" 1 100\n") && !first.contains(" 7200\n"));
        assert!(second.contains(" 2 7200\n") && second.contains(" 3 7260\n"));
        assert!(first.ends_with("# EOF\n") && second.ends_with("# EOF\n"));
    }

    #[test]
    fn refuses_what_promtool_would_drop() {
        let cases = [
            (vec![(160, 1.0), (100, 1.0)], "out of order"),
            (vec![(100, 1.0), (100, 2.0)], "out of order"),
            (vec![(1_793_577_600_000, 1.0)], "milliseconds"),
            (vec![(2000, 1.0)], "in the future"),
            (vec![(100, f64::NAN)], "finite"),
        ];
        for (points, expected) in cases {
            let mut out = Vec::new();
            let err = write(&family(points), 1000, &mut out).unwrap_err().to_string();
            assert!(err.contains(expected), "{err}");
            assert!(out.is_empty(), "nothing may be written when a guard trips");
        }
    }
}
