//! Points in time as sceau reads and writes them: RFC 3339 in UTC with whole seconds
//! (`2026-01-31T12:00:00Z`), read from RFC 3339 or, where people type a date, `YYYY-MM-DD`
//! (midnight UTC). One type, parsed and formatted here only; all arithmetic is checked
//! (spec/record.md §3).
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

/// A point in time, UTC, whole seconds, within the years 0000–9999 that RFC 3339 can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

/// Why a text is not a time sceau accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// Not RFC 3339 (nor, where allowed, `YYYY-MM-DD`).
    #[error("{}", if *.date_allowed { "not an RFC 3339 time or a YYYY-MM-DD date" } else { "not RFC 3339" })]
    Syntax {
        /// The text.
        text: String,
        /// Whether a date alone was accepted too.
        date_allowed: bool,
    },
    /// A Unix time outside the years 0000–9999.
    #[error("{0} seconds since 1970 is outside the years 0000-9999")]
    OutOfRange(i64),
}

impl Timestamp {
    /// The earliest time RFC 3339 can write (`0000-01-01T00:00:00Z`).
    pub const MIN: Timestamp = Timestamp(time::macros::datetime!(0000-01-01 00:00 UTC));
    /// The latest time RFC 3339 can write (`9999-12-31T23:59:59Z`).
    pub const MAX: Timestamp = Timestamp(time::macros::datetime!(9999-12-31 23:59:59 UTC));

    /// For constants (`Timestamp::from_const(datetime!(2026-01-01 00:00 UTC))`): a UTC time in
    /// whole seconds within the years 0000–9999, checked when the constant is evaluated.
    pub const fn from_const(t: OffsetDateTime) -> Timestamp {
        assert!(t.offset().is_utc() && t.nanosecond() == 0 && t.year() >= 0 && t.year() <= 9999);
        Timestamp(t)
    }

    /// Strict RFC 3339, any offset (converted to UTC; a fraction of a second is dropped).
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, TimestampError> {
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .and_then(|t| Timestamp::from_datetime(t).ok())
            .ok_or_else(|| TimestampError::Syntax {
                text: text.to_owned(),
                date_allowed: false,
            })
    }

    /// What people type: RFC 3339, or `YYYY-MM-DD` meaning midnight UTC.
    pub fn parse_user(text: &str) -> Result<Timestamp, TimestampError> {
        if let Ok(t) = Timestamp::parse_rfc3339(text) {
            return Ok(t);
        }
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(text, &fmt)
            .ok()
            .and_then(|d| Timestamp::from_datetime(d.midnight().assume_utc()).ok())
            .ok_or_else(|| TimestampError::Syntax {
                text: text.to_owned(),
                date_allowed: true,
            })
    }

    /// The time `secs` seconds after 1970-01-01T00:00:00Z (`SOURCE_DATE_EPOCH`); refused
    /// outside the years 0000–9999.
    pub fn from_unix(secs: i64) -> Result<Timestamp, TimestampError> {
        OffsetDateTime::from_unix_timestamp(secs)
            .ok()
            .and_then(|t| Timestamp::from_datetime(t).ok())
            .ok_or(TimestampError::OutOfRange(secs))
    }

    /// A time from the `time` crate, in UTC with whole seconds; refused outside the years
    /// 0000–9999.
    pub fn from_datetime(t: OffsetDateTime) -> Result<Timestamp, TimestampError> {
        let t = t.to_offset(UtcOffset::UTC);
        let t = t.replace_nanosecond(0).unwrap_or(t);
        if t < Timestamp::MIN.0 || t > Timestamp::MAX.0 {
            return Err(TimestampError::OutOfRange(t.unix_timestamp()));
        }
        Ok(Timestamp(t))
    }

    /// As a `time` value.
    pub fn datetime(self) -> OffsetDateTime {
        self.0
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix(self) -> i64 {
        self.0.unix_timestamp()
    }

    /// `self + d`, or `None` past the years RFC 3339 can write.
    pub fn checked_add(self, d: Duration) -> Option<Timestamp> {
        self.0
            .checked_add(d)
            .and_then(|t| Timestamp::from_datetime(t).ok())
    }

    /// `self - d`, or `None` before the year 0000.
    pub fn checked_sub(self, d: Duration) -> Option<Timestamp> {
        self.0
            .checked_sub(d)
            .and_then(|t| Timestamp::from_datetime(t).ok())
    }

    /// `self + d`, or [`Timestamp::MAX`] past it: for "is t later than now + skew", where
    /// nothing lies beyond the last writable second anyway.
    pub fn saturating_add(self, d: Duration) -> Timestamp {
        self.checked_add(d).unwrap_or(Timestamp::MAX)
    }
}

/// RFC 3339, UTC, whole seconds: `2026-01-31T12:00:00Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0.date();
        let t = self.0.time();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            d.year(),
            u8::from(d.month()),
            d.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl From<Timestamp> for OffsetDateTime {
    fn from(t: Timestamp) -> OffsetDateTime {
        t.0
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse_rfc3339(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_one_form() {
        let t = Timestamp::parse_rfc3339("2026-01-31T13:00:00.75+01:00").unwrap();
        assert_eq!(t.to_string(), "2026-01-31T12:00:00Z");
        assert_eq!(
            Timestamp::parse_user("2026-01-31").unwrap().to_string(),
            "2026-01-31T00:00:00Z"
        );
        assert!(Timestamp::parse_rfc3339("2026-01-31").is_err());
        assert!(Timestamp::parse_user("31/01/2026").is_err());
        assert_eq!(
            Timestamp::from_unix(1767225600).unwrap().to_string(),
            "2026-01-01T00:00:00Z"
        );
        assert_eq!(Timestamp::MAX.to_string(), "9999-12-31T23:59:59Z");
        assert_eq!(Timestamp::MIN.to_string(), "0000-01-01T00:00:00Z");
    }

    #[test]
    fn arithmetic_at_the_edges_is_checked() {
        assert_eq!(Timestamp::MAX.checked_add(Duration::minutes(5)), None);
        assert_eq!(
            Timestamp::MAX.saturating_add(Duration::minutes(5)),
            Timestamp::MAX
        );
        assert_eq!(Timestamp::MIN.checked_sub(Duration::seconds(1)), None);
        assert!(Timestamp::from_unix(253402300800).is_err());
        assert!(Timestamp::from_unix(-62167219201).is_err());
        assert!(Timestamp::from_unix(i64::MIN).is_err());
        assert!(Timestamp::from_unix(-1).is_ok());
    }
}
