//! Strict RFC 3339 UTC timestamps (`YYYY-MM-DDTHH:MM:SSZ`) as Unix seconds, both ways.
//!
//! Scenarios and queries only ever use whole seconds in UTC, so a tiny exact
//! implementation beats a date library and keeps the output byte-stable.

/// Parses `2026-11-02T06:00:00Z`. Anything else (offsets, fractions, lowercase) is refused.
pub fn parse_utc(text: &str) -> Result<i64, String> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && bytes[19] == b'Z';
    if !shape_ok {
        return Err(format!("`{text}` is not a UTC timestamp; write it as 2026-11-02T06:00:00Z"));
    }
    let field = |from: usize, to: usize| -> Result<i64, String> {
        text[from..to].parse::<i64>().map_err(|_| format!("`{text}` has a non-numeric field; write it as 2026-11-02T06:00:00Z"))
    };
    let (year, month, day) = (field(0, 4)?, field(5, 7)?, field(8, 10)?);
    let (hour, minute, second) = (field(11, 13)?, field(14, 16)?, field(17, 19)?);
    let in_range = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) && hour < 24 && minute < 60 && second < 60;
    if !in_range {
        return Err(format!("`{text}` is not a valid calendar date and time"));
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Formats Unix seconds as `2026-11-02T06:00:00Z`.
pub fn format_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, (secs % 3600) / 60, secs % 60)
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

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
    fn durations() {
        assert_eq!(parse_duration_secs("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration_secs("60s").unwrap(), 60);
        assert!(parse_duration_secs("5").is_err());
        assert!(parse_duration_secs("0s").is_err());
        assert!(parse_duration_secs("5x").is_err());
    }
}
