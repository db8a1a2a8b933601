//! Strict RFC 3339 UTC timestamps (`YYYY-MM-DDTHH:MM:SSZ`) as Unix seconds, both ways, and
//! Prometheus-style durations.
//!
//! jiff does the calendar (month lengths, leap years, Unix seconds); this module narrows what
//! it accepts to the one spelling scenarios and queries use: whole seconds, UTC, `Z`. Durations
//! stay hand-parsed: jiff's friendly format also takes fractions, spaces, signs, `1 hour` and
//! ISO 8601 and refuses days, where scenarios write Prometheus' `90s`, `5m`, `1h30m`, `2d`.

use jiff::civil::DateTime;
use jiff::tz::Offset;
use jiff::Timestamp;

const EXAMPLE: &str = "write it as 2026-11-02T06:00:00Z";

/// Parses `2026-11-02T06:00:00Z`. Anything else (offsets, fractions, lowercase) is refused.
pub fn parse_utc(text: &str) -> Result<i64, String> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 20
        && bytes.iter().enumerate().all(|(at, &byte)| match at {
            4 | 7 => byte == b'-',
            10 => byte == b'T',
            13 | 16 => byte == b':',
            19 => byte == b'Z',
            _ => byte.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(format!("`{text}` is not a UTC timestamp; {EXAMPLE}"));
    }
    // Two or four ASCII digits each: the parses cannot fail or overflow.
    let field = |from: usize, to: usize| text[from..to].parse::<i16>().unwrap_or_default();
    let small = |from: usize| field(from, from + 2) as i8;
    // DateTime::new refuses second 60, which jiff's parser would clamp to 59.
    DateTime::new(field(0, 4), small(5), small(8), small(11), small(14), small(17), 0)
        .and_then(|datetime| Offset::UTC.to_timestamp(datetime))
        .map(Timestamp::as_second)
        .map_err(|_| format!("`{text}` is not a valid calendar date and time"))
}

/// Formats Unix seconds as `2026-11-02T06:00:00Z`.
pub fn format_utc(unix: i64) -> String {
    match Timestamp::from_second(unix) {
        Ok(timestamp) => timestamp.to_string(),
        // Past year 9999 (tests pass a far-future "now"): no calendar spelling exists.
        Err(_) => format!("{unix} (Unix seconds)"),
    }
}

/// Parses a Prometheus-style duration made of whole units: `90s`, `5m`, `1h30m`, `2d`.
pub fn parse_duration_secs(text: &str) -> Result<i64, String> {
    let mut total = 0i64;
    let mut digits = String::new();
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(format!("`{text}` is not a duration; write it like 30s, 5m or 1h30m")),
        };
        let value: i64 = digits.parse().map_err(|_| format!("`{text}` is not a duration; write it like 30s, 5m or 1h30m"))?;
        total += value * unit;
        digits.clear();
    }
    if !digits.is_empty() || total <= 0 {
        return Err(format!("`{text}` is not a positive duration; write it like 30s, 5m or 1h30m"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_offsets() {
        let t = parse_utc("2026-11-02T06:30:15Z").unwrap();
        assert_eq!(t, 1_793_601_015);
        assert_eq!(format_utc(t), "2026-11-02T06:30:15Z");
        assert!(parse_utc("2026-11-02T06:30:15+01:00").is_err());
        assert!(parse_utc("2026-02-30T00:00:00Z").is_err());
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn only_the_one_spelling_and_real_calendar_times_are_accepted() {
        assert_eq!(parse_utc("2028-02-29T23:59:59Z").unwrap() + 1, parse_utc("2028-03-01T00:00:00Z").unwrap());
        for bad in
            ["2026-11-02t06:30:15Z", "2026-11-02T06:30:15z", "2026-11-02T06:30:15.5Z", "2026-11-02 06:30:15Z", "+026-11-02T06:30:15Z"]
        {
            assert_eq!(parse_utc(bad).unwrap_err(), format!("`{bad}` is not a UTC timestamp; write it as 2026-11-02T06:00:00Z"));
        }
        for impossible in ["2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-02T24:00:00Z", "2026-11-02T23:59:60Z"] {
            assert_eq!(parse_utc(impossible).unwrap_err(), format!("`{impossible}` is not a valid calendar date and time"));
        }
        assert_eq!(format_utc(i64::MAX / 4), format!("{} (Unix seconds)", i64::MAX / 4));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_secs("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration_secs("60s").unwrap(), 60);
        assert!(parse_duration_secs("5").is_err());
        assert!(parse_duration_secs("0s").is_err());
        assert!(parse_duration_secs("5x").is_err());
    }
}
