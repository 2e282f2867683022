//! Key validity windows: the signing times for which a maintainer's or certifier's key counts
//! (spec/policy.md §2.9).

use sceau_core::Timestamp;
use std::fmt;

use super::error::truncated;
use super::PolicyError;

/// The half-open interval `[from, until)` of signing times for which a key counts. Either end
/// may be open. The default window is unbounded: the key counts whenever it is listed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyWindow {
    /// The first signing time the key counts for, if bounded.
    pub from: Option<Timestamp>,
    /// The first signing time the key no longer counts for, if bounded.
    pub until: Option<Timestamp>,
}

/// Where a signing time lies with respect to a [`KeyWindow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowCheck {
    /// Inside the window: the key counts.
    Inside,
    /// Before `from`.
    TooEarly,
    /// At or after `until`.
    TooLate,
    /// The window is bounded but the signed document carries no (valid) signing time, so it
    /// cannot be placed in the window: the key does not count.
    NoTime,
}

impl KeyWindow {
    /// True when neither end is bounded.
    pub fn is_unbounded(&self) -> bool {
        self.from.is_none() && self.until.is_none()
    }

    /// Places `signed_at` in the window (spec/policy.md §2.9).
    pub fn check(&self, signed_at: Option<Timestamp>) -> WindowCheck {
        if self.is_unbounded() {
            return WindowCheck::Inside;
        }
        let Some(t) = signed_at else {
            return WindowCheck::NoTime;
        };
        match (self.from, self.until) {
            (Some(f), _) if t < f => WindowCheck::TooEarly,
            (_, Some(u)) if t >= u => WindowCheck::TooLate,
            _ => WindowCheck::Inside,
        }
    }

    /// Parses the two optional JSON fields (RFC 3339 with an offset, as `expires`) and checks
    /// that `from` comes before `until`. `who` names the entry in errors.
    pub(super) fn from_fields(
        who: &str,
        from: Option<&str>,
        until: Option<&str>,
    ) -> Result<KeyWindow, PolicyError> {
        let parse = |field: &'static str, v: Option<&str>| {
            v.map(|text| {
                Timestamp::parse_rfc3339(text).map_err(|_| PolicyError::InvalidWindow {
                    who: truncated(who, 80),
                    reason: format!(
                        "{field} {:?} is not an RFC 3339 date-time with an offset",
                        truncated(text, 80)
                    ),
                })
            })
            .transpose()
        };
        let w = KeyWindow {
            from: parse("valid_from", from)?,
            until: parse("valid_until", until)?,
        };
        w.validate(who)?;
        Ok(w)
    }

    /// Refuses an empty window (`from >= until`) and ends that cannot be written back.
    pub(super) fn validate(&self, who: &str) -> Result<(), PolicyError> {
        if let (Some(f), Some(u)) = (self.from, self.until) {
            if f >= u {
                return Err(PolicyError::InvalidWindow {
                    who: truncated(who, 80),
                    reason: format!("valid_from {} is not before valid_until {}", fmt(f), fmt(u)),
                });
            }
        }
        Ok(())
    }

    /// The two JSON fields, as written back (`None` when open).
    pub(super) fn to_fields(self) -> (Option<String>, Option<String>) {
        (self.from.map(fmt), self.until.map(fmt))
    }
}

fn fmt(t: Timestamp) -> String {
    t.to_string()
}

impl fmt::Display for KeyWindow {
    /// `from 2026-01-01T00:00:00Z until 2027-01-01T00:00:00Z`, either part left out when open.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.until) {
            (None, None) => f.write_str("always"),
            (Some(a), None) => write!(f, "from {}", fmt(a)),
            (None, Some(b)) => write!(f, "until {}", fmt(b)),
            (Some(a), Some(b)) => write!(f, "from {} until {}", fmt(a), fmt(b)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_window_is_half_open_and_needs_a_time_when_bounded() {
        let w = KeyWindow {
            from: Some(Timestamp::from_const(datetime!(2026-01-01 0:00 UTC))),
            until: Some(Timestamp::from_const(datetime!(2027-01-01 0:00 UTC))),
        };
        assert_eq!(
            w.check(Some(Timestamp::from_const(
                datetime!(2025-12-31 23:59:59 UTC)
            ))),
            WindowCheck::TooEarly
        );
        assert_eq!(
            w.check(Some(Timestamp::from_const(datetime!(2026-01-01 0:00 UTC)))),
            WindowCheck::Inside
        );
        assert_eq!(
            w.check(Some(Timestamp::from_const(
                datetime!(2026-12-31 23:59:59 UTC)
            ))),
            WindowCheck::Inside
        );
        assert_eq!(
            w.check(Some(Timestamp::from_const(datetime!(2027-01-01 0:00 UTC)))),
            WindowCheck::TooLate
        );
        assert_eq!(w.check(None), WindowCheck::NoTime);
        assert_eq!(KeyWindow::default().check(None), WindowCheck::Inside);
        let open_end = KeyWindow {
            from: None,
            until: Some(Timestamp::from_const(datetime!(2027-01-01 0:00 UTC))),
        };
        assert_eq!(
            open_end.check(Some(Timestamp::from_const(datetime!(1970-01-01 0:00 UTC)))),
            WindowCheck::Inside
        );
    }

    #[test]
    fn fields_parse_strictly_and_refuse_empty_windows() {
        let w = KeyWindow::from_fields(
            "alice",
            Some("2026-01-01T00:00:00Z"),
            Some("2026-06-01T00:00:00+02:00"),
        )
        .unwrap();
        assert_eq!(
            w.from,
            Some(Timestamp::from_const(datetime!(2026-01-01 0:00 UTC)))
        );
        assert_eq!(
            w.to_fields(),
            (
                Some("2026-01-01T00:00:00Z".into()),
                Some("2026-05-31T22:00:00Z".into())
            )
        );
        for (from, until, phrase) in [
            (Some("2026-01-01"), None, "valid_from \"2026-01-01\""),
            (None, Some("tomorrow"), "valid_until \"tomorrow\""),
            (
                Some("2026-01-01T00:00:00Z"),
                Some("2026-01-01T00:00:00Z"),
                "is not before",
            ),
            (
                Some("2027-01-01T00:00:00Z"),
                Some("2026-01-01T00:00:00Z"),
                "is not before",
            ),
        ] {
            let e = KeyWindow::from_fields("alice", from, until)
                .unwrap_err()
                .to_string();
            assert!(e.contains("alice") && e.contains(phrase), "{e}");
        }
    }
}
