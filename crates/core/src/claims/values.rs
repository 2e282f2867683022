//! The checked values of the disclosure claims (spec/claims.md §1.3): texts, names, links,
//! e-mail addresses, days, months, quantities, domain names, modalities and bounded lists.
//!
//! Each one checks itself while it is deserialised, so that a claims file with a bad value is
//! refused with the line of the value (the TOML reader attaches it), and a record whose BOM
//! carries one is refused the same way. Each serialises back to the text or number it was
//! read from (a round trip is the identity).
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::file::{parse_email, NotAnEmail};

/// Why a claims value, or a disclosure table whose keys do not go together, is refused
/// (spec/claims.md §1.3). The claims file reader reports it with the line of the value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// A text that is empty once trimmed.
    #[error("empty text")]
    Empty,
    /// A text over its limit.
    #[error("over {max} bytes")]
    TooLong {
        /// The limit, in bytes.
        max: usize,
    },
    /// A control character other than a line break or a tab.
    #[error("control characters are not allowed")]
    ControlCharacter,
    /// A name on more than one line.
    #[error("a name is one line")]
    MultiLine,
    /// Not an `http(s)://` URL.
    #[error("{value:?} is not an http(s) URL")]
    NotUrl {
        /// The text given.
        value: String,
    },
    /// Not an e-mail address.
    #[error(transparent)]
    Email(#[from] NotAnEmail),
    /// Not a domain name.
    #[error("{value:?} is not a domain name (example.org)")]
    NotDomain {
        /// The text given.
        value: String,
    },
    /// Not a day written `YYYY-MM-DD`.
    #[error("{value:?} is not a day written YYYY-MM-DD")]
    NotDay {
        /// The text given.
        value: String,
    },
    /// Not a month written `YYYY-MM`.
    #[error("{value:?} is not a month written YYYY-MM")]
    NotMonth {
        /// The text given.
        value: String,
    },
    /// A quantity out of range.
    #[error("must be a finite number from 0 to {MAX_QUANTITY:e}, not {value}")]
    Quantity {
        /// The number given.
        value: f64,
    },
    /// A context length out of range.
    #[error("must be a whole number of tokens from 1 to {MAX_CONTEXT}, not {value}")]
    Tokens {
        /// The number given.
        value: u64,
    },
    /// A table whose keys do not go together.
    #[error("{rule}")]
    Incoherent {
        /// The rule broken, for people.
        rule: &'static str,
    },
    /// A period that ends before it starts.
    #[error("from ({from}) is after to ({to})")]
    Reversed {
        /// Its start.
        from: Month,
        /// Its end.
        to: Month,
    },
}

/// Longest text value, in bytes (as every text of the claims, spec/claims.md §2.1).
pub const MAX_TEXT: usize = 16 * 1024;
/// Longest name (a provider, representative, crawler or model name), in bytes.
pub const MAX_NAME: usize = 256;
/// Most entries of one list.
pub const MAX_ENTRIES: usize = 4096;
/// Largest quantity accepted (FLOPs, tokens, images, hours): 10^40.
pub const MAX_QUANTITY: f64 = 1e40;
/// Largest context length accepted, in tokens (2^40).
pub const MAX_CONTEXT: u64 = 1 << 40;

fn checked_text(s: &str, max: usize) -> Result<String, ValueError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    if t.len() > max {
        return Err(ValueError::TooLong { max });
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ValueError::ControlCharacter);
    }
    Ok(t.to_owned())
}

macro_rules! string_value {
    ($(#[$m:meta])* $name:ident, $check:expr) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Checks `s` and keeps it (trimmed).
            pub fn new(s: &str) -> Result<$name, ValueError> {
                let check: fn(&str) -> Result<String, ValueError> = $check;
                check(s).map($name)
            }

            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = String::deserialize(d)?;
                $name::new(&s).map_err(de::Error::custom)
            }
        }
    };
}

string_value!(
    /// A text of at most [`MAX_TEXT`] bytes, trimmed, not empty, without control characters
    /// other than line breaks and tabs.
    Text,
    |s| checked_text(s, MAX_TEXT)
);

string_value!(
    /// A name of at most [`MAX_NAME`] bytes on one line.
    Name,
    |s| {
        let t = checked_text(s, MAX_NAME)?;
        if t.contains(['\n', '\t']) {
            return Err(ValueError::MultiLine);
        }
        Ok(t)
    }
);

string_value!(
    /// An `http://` or `https://` URL of at most 2048 bytes without spaces or control
    /// characters (as every URL of the claims, spec/claims.md §2.1).
    Link,
    |s| {
        let u = s.trim();
        let ok = (u.starts_with("https://") || u.starts_with("http://"))
            && u.len() > "https://".len()
            && u.len() <= 2048
            && !u.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(u.to_owned())
        } else {
            Err(ValueError::NotUrl {
                value: u.to_owned(),
            })
        }
    }
);

string_value!(
    /// An e-mail address as spec/claims.md §1.2 checks it.
    Email,
    |s| Ok(parse_email(s)?)
);

string_value!(
    /// A domain name: at least two dot-separated labels of ASCII letters, digits and `-` (1–63
    /// characters each, not starting or ending with `-`), 253 bytes at most, kept in lower
    /// case. Internationalised names are written in their `xn--` form.
    Domain,
    |s| {
        let d = s.trim().trim_end_matches('.').to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if d.len() <= 253 && d.contains('.') && d.split('.').all(label_ok) {
            Ok(d)
        } else {
            Err(ValueError::NotDomain {
                value: s.trim().to_owned(),
            })
        }
    }
);

/// A calendar day, written `YYYY-MM-DD` (years 1900 to 9999).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    /// Year.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month.
    pub day: u8,
}

fn digits(s: &str) -> Option<u16> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn year_month(y: &str, m: &str) -> Option<(u16, u8)> {
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let year = digits(y).filter(|y| (1900..=9999).contains(y))?;
    let month = digits(m).filter(|m| (1..=12).contains(m))?;
    Some((year, u8::try_from(month).ok()?))
}

impl Day {
    /// Reads `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Day, ValueError> {
        let bad = || ValueError::NotDay {
            value: s.trim().to_owned(),
        };
        let mut parts = s.trim().split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let (year, month) = year_month(y, m).ok_or_else(bad)?;
        if d.len() != 2 {
            return Err(bad());
        }
        let day = digits(d)
            .and_then(|d| u8::try_from(d).ok())
            .ok_or_else(bad)?;
        let tm = time::Month::try_from(month).map_err(|_| bad())?;
        time::Date::from_calendar_date(i32::from(year), tm, day).map_err(|_| bad())?;
        Ok(Day { year, month, day })
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A month, written `YYYY-MM` in claims and shown `MM/YYYY` as the training-content template
/// asks (years 1900 to 9999).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Year.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
}

impl Month {
    /// Reads `YYYY-MM`.
    pub fn parse(s: &str) -> Result<Month, ValueError> {
        let bad = || ValueError::NotMonth {
            value: s.trim().to_owned(),
        };
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let (year, month) = year_month(y, m).ok_or_else(bad)?;
        Ok(Month { year, month })
    }

    /// `MM/YYYY`.
    pub fn slashed(&self) -> String {
        format!("{:02}/{:04}", self.month, self.year)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

macro_rules! text_form {
    ($name:ident, $parse:path) => {
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = String::deserialize(d)?;
                $parse(&s).map_err(de::Error::custom)
            }
        }
    };
}
text_form!(Day, Day::parse);
text_form!(Month, Month::parse);

/// A non-negative finite number of at most [`MAX_QUANTITY`] (an integer or a float in TOML).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Quantity(f64);

impl Quantity {
    /// Checks `x`.
    pub fn new(x: f64) -> Result<Quantity, ValueError> {
        if x.is_finite() && (0.0..=MAX_QUANTITY).contains(&x) {
            Ok(Quantity(x))
        } else {
            Err(ValueError::Quantity { value: x })
        }
    }

    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Quantity, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<Quantity, E> {
                Quantity::new(x).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, x: i64) -> Result<Quantity, E> {
                // Exact up to 2^53; larger integers are rounded, as any float would be.
                #[allow(clippy::cast_precision_loss)]
                Quantity::new(x as f64).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, x: u64) -> Result<Quantity, E> {
                #[allow(clippy::cast_precision_loss)]
                Quantity::new(x as f64).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// A context length in tokens, 1 to [`MAX_CONTEXT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Tokens(u64);

impl Tokens {
    /// Checks `n`.
    pub fn new(n: u64) -> Result<Tokens, ValueError> {
        if (1..=MAX_CONTEXT).contains(&n) {
            Ok(Tokens(n))
        } else {
            Err(ValueError::Tokens { value: n })
        }
    }

    /// The number of tokens.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Tokens {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tokens, D::Error> {
        let n = i64::deserialize(d)?;
        let n = u64::try_from(n).map_err(|_| de::Error::custom("must not be negative"))?;
        Tokens::new(n).map_err(de::Error::custom)
    }
}

/// A kind of content a model takes, gives or was trained on, as the forms list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// Text (natural language, code).
    Text,
    /// Still images.
    Image,
    /// Audio.
    Audio,
    /// Video.
    Video,
    /// Anything else (structured data, embeddings, labels, actions…).
    Other,
}

impl Modality {
    /// Every modality, in the forms' order.
    pub const ALL: [Modality; 5] = [
        Modality::Text,
        Modality::Image,
        Modality::Audio,
        Modality::Video,
        Modality::Other,
    ];

    /// `text`, `image`, `audio`, `video` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Text => "text",
            Modality::Image => "image",
            Modality::Audio => "audio",
            Modality::Video => "video",
            Modality::Other => "other",
        }
    }
}

impl fmt::Display for Modality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Deserialises a list of at most [`MAX_ENTRIES`] entries, refusing a longer one before
/// reading past the limit (`#[serde(deserialize_with = "bounded")]`).
pub fn bounded<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
            while let Some(x) = seq.next_element()? {
                if out.len() == MAX_ENTRIES {
                    return Err(de::Error::custom(format!(
                        "more than {MAX_ENTRIES} entries"
                    )));
                }
                out.push(x);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(V(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_months_are_checked_and_written_back() {
        assert_eq!(Day::parse("2026-02-28").unwrap().to_string(), "2026-02-28");
        for bad in [
            "2026-02-30",
            "2026-2-01",
            "26-02-01",
            "2026-13-01",
            "1899-01-01",
            "x",
        ] {
            assert!(Day::parse(bad).is_err(), "{bad}");
        }
        let m = Month::parse("2025-06").unwrap();
        assert_eq!(
            (m.to_string(), m.slashed()),
            ("2025-06".into(), "06/2025".into())
        );
        for bad in ["2025-6", "2025-00", "2025-06-01", "06/2025"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_refuse_what_the_claims_refuse() {
        assert!(Text::new("  ").is_err());
        assert!(Text::new(&"x".repeat(MAX_TEXT + 1)).is_err());
        assert!(Text::new("a\u{1b}[2J").is_err());
        assert_eq!(Text::new(" two\nlines ").unwrap().as_str(), "two\nlines");
        assert!(Name::new("a\nb").is_err());
        assert!(Link::new("ftp://x.org").is_err());
        assert!(Link::new("https://x.org/a b").is_err());
        assert_eq!(Domain::new("Example.ORG.").unwrap().as_str(), "example.org");
        for bad in ["localhost", "-a.org", "a..org", "a_b.org", "exa mple.org"] {
            assert!(Domain::new(bad).is_err(), "{bad}");
        }
        assert!(Quantity::new(f64::NAN).is_err());
        assert!(Quantity::new(-1.0).is_err());
        assert!(Quantity::new(1e41).is_err());
        assert!(Tokens::new(0).is_err());
    }
}
