//! Times on the command line and in the log: RFC 3339 in UTC, the form the
//! log writes (`2025-05-01T12:00:00.123456Z`), compared exactly.
//!
//! A [`Timestamp`] keeps the calendar fields and nanoseconds as written, so
//! two UTC times compare chronologically field by field: no epoch arithmetic
//! and no rounding of fractions.

use std::str::FromStr;

/// A moment in UTC, to the nanosecond.
///
/// Parsed from `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (`t` and `z` may be lower
/// case; the fraction has 1 to 9 digits) or from a date alone,
/// `YYYY-MM-DD`, meaning its first instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Timestamp {
    /// Year, month, day, hour, minute, second, nanosecond: in this order,
    /// the derived ordering is the chronological one.
    fields: (u16, u8, u8, u8, u8, u8, u32),
}

/// Why a time is not one the command understands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TimeError {
    /// The text does not have the shape of an RFC 3339 time or a date.
    #[error("expected an RFC 3339 UTC time such as `2025-05-01T12:00:00Z` or `2025-05-01T12:00:00.5Z`, or a date such as `2025-05-01`")]
    Shape,
    /// The time has an offset other than UTC.
    #[error("give the time in UTC, ending in `Z` (the log writes UTC times), e.g. `2025-05-01T12:00:00Z`")]
    NotUtc,
    /// A field is outside its range.
    #[error("{field} {value} is out of range ({range})")]
    OutOfRange {
        /// Which field.
        field: &'static str,
        /// Its value.
        value: u32,
        /// The values it may take.
        range: &'static str,
    },
}

impl FromStr for Timestamp {
    type Err = TimeError;

    fn from_str(text: &str) -> Result<Self, TimeError> {
        let bytes = text.as_bytes();
        let (year, month, day) = date(bytes)?;
        if bytes.len() == 10 {
            return Ok(Timestamp { fields: (year, month, day, 0, 0, 0, 0) });
        }
        if bytes.len() < 20 || !matches!(bytes[10], b'T' | b't') || bytes[13] != b':' || bytes[16] != b':' {
            return Err(TimeError::Shape);
        }
        let hour = field("hour", digits(&bytes[11..13])?, 0, 23, "00 to 23")?;
        let minute = field("minute", digits(&bytes[14..16])?, 0, 59, "00 to 59")?;
        let second = field("second", digits(&bytes[17..19])?, 0, 59, "00 to 59")?;
        let (nanos, rest) = fraction(&bytes[19..])?;
        match rest {
            b"Z" | b"z" => Ok(Timestamp { fields: (year, month, day, hour, minute, second, nanos) }),
            [b'+' | b'-', ..] => Err(TimeError::NotUtc),
            _ => Err(TimeError::Shape),
        }
    }
}

/// The year, month and day at the start of `bytes` (`YYYY-MM-DD`).
fn date(bytes: &[u8]) -> Result<(u16, u8, u8), TimeError> {
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(TimeError::Shape);
    }
    let year = u16::try_from(digits(&bytes[..4])?).map_err(|_| TimeError::Shape)?;
    let month = field("month", digits(&bytes[5..7])?, 1, 12, "01 to 12")?;
    let last_day = days_in_month(year, month);
    let range = match last_day {
        28 => "01 to 28 in this month",
        29 => "01 to 29 in this month",
        30 => "01 to 30 in this month",
        _ => "01 to 31 in this month",
    };
    let day = field("day", digits(&bytes[8..10])?, 1, u32::from(last_day), range)?;
    Ok((year, month, day))
}

/// The nanoseconds of an optional `.fraction` at the start of `bytes`, and
/// what follows it.
fn fraction(bytes: &[u8]) -> Result<(u32, &[u8]), TimeError> {
    let Some(rest) = bytes.strip_prefix(b".") else { return Ok((0, bytes)) };
    let count = rest.iter().take_while(|byte| byte.is_ascii_digit()).count();
    if count == 0 || count > 9 {
        return Err(TimeError::Shape);
    }
    let nanos = digits(&rest[..count])? * 10u32.pow(9 - u32::try_from(count).expect("at most nine digits"));
    Ok((nanos, &rest[count..]))
}

/// The number written by `bytes`, all ASCII digits (at most nine).
fn digits(bytes: &[u8]) -> Result<u32, TimeError> {
    bytes.iter().try_fold(0, |value, &byte| match byte {
        b'0'..=b'9' => Ok(value * 10 + u32::from(byte - b'0')),
        _ => Err(TimeError::Shape),
    })
}

/// `value` when it lies in `min..=max`, else the error naming `field`.
fn field(field: &'static str, value: u32, min: u32, max: u32, range: &'static str) -> Result<u8, TimeError> {
    if (min..=max).contains(&value) {
        Ok(u8::try_from(value).expect("every range ends below 256"))
    } else {
        Err(TimeError::OutOfRange { field, value, range })
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::{TimeError, Timestamp};

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap_or_else(|error| panic!("`{text}` should parse: {error}"))
    }

    #[test]
    fn times_compare_chronologically_to_the_nanosecond() {
        let ordered = [
            "1999-12-31",
            "1999-12-31T23:59:59.999999999Z",
            "2000-01-01T00:00:00Z",
            "2000-01-01t00:00:00.000000001z",
            "2000-01-01T00:00:00.5Z",
            "2000-01-01T00:00:00.500001Z",
            "2000-02-29T10:00:00Z",
        ];
        for pair in ordered.windows(2) {
            assert!(at(pair[0]) < at(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(at("2025-05-01T12:00:00.1Z"), at("2025-05-01T12:00:00.100000Z"));
        assert_eq!(at("2025-05-01"), at("2025-05-01T00:00:00Z"));
    }

    #[test]
    fn malformed_times_are_refused_with_the_reason() {
        for text in [
            "",
            "yesterday",
            "2025-5-1",
            "2025-05-01 12:00:00Z",
            "2025-05-01T12:00Z",
            "2025-05-01T12:00:00",
            "2025-05-01T12:00:00.Z",
            "2025-05-01T12:00:00.1234567891Z",
            "2025-05-01T12:00:00Zjunk",
        ] {
            assert_eq!(text.parse::<Timestamp>(), Err(TimeError::Shape), "{text}");
        }
        assert_eq!("2025-05-01T12:00:00+02:00".parse::<Timestamp>(), Err(TimeError::NotUtc));
        let out_of_range = |text: &str| match text.parse::<Timestamp>() {
            Err(TimeError::OutOfRange { field, .. }) => field,
            other => panic!("`{text}` should be out of range, got {other:?}"),
        };
        assert_eq!(out_of_range("2025-13-01"), "month");
        assert_eq!(out_of_range("2025-02-29"), "day");
        assert_eq!(out_of_range("1900-02-29"), "day");
        assert_eq!(out_of_range("2025-04-31T00:00:00Z"), "day");
        assert_eq!(out_of_range("2025-05-01T24:00:00Z"), "hour");
        assert_eq!(out_of_range("2025-05-01T12:60:00Z"), "minute");
        assert_eq!(out_of_range("2025-05-01T12:00:60Z"), "second");
        assert_eq!(at("2000-02-29"), at("2000-02-29T00:00:00Z"));
    }
}
