//! Checked relative paths: the names artifacts are recorded under (spec/record.md §2.2).
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// Longest accepted path, in bytes.
pub const MAX_PATH_BYTES: usize = 4096;

/// A relative, `/`-separated, NFC-normalised path with no `.`, `..` or empty segments.
///
/// Rules (spec/record.md §2.2): not empty; at most [`MAX_PATH_BYTES`] bytes; no leading or
/// trailing `/`; no `\`; no NUL or other control character; no segment `.` or `..` or empty;
/// no Windows drive prefix (`C:`); already in Unicode NFC.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelPath(String);

/// Why a string is not an acceptable relative path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RelPathError {
    /// The empty string.
    #[error("empty path")]
    Empty,
    /// Longer than [`MAX_PATH_BYTES`].
    #[error("path is {0} bytes long, over the limit of {MAX_PATH_BYTES}")]
    TooLong(usize),
    /// Starts with `/`.
    #[error("path {0:?} is absolute")]
    Absolute(String),
    /// Contains a backslash.
    #[error("path {0:?} contains a backslash")]
    Backslash(String),
    /// Starts with a Windows drive letter such as `C:`.
    #[error("path {0:?} starts with a drive letter")]
    DriveLetter(String),
    /// Contains NUL or another control character.
    #[error("path {0:?} contains a control character")]
    Control(String),
    /// Has an empty, `.` or `..` segment (this includes a trailing `/`).
    #[error("path {path:?} has a {segment:?} segment")]
    BadSegment {
        /// The whole path.
        path: String,
        /// The offending segment.
        segment: String,
    },
    /// Not in Unicode NFC form.
    #[error("path {0:?} is not in Unicode NFC form")]
    NotNfc(String),
}

impl RelPath {
    /// Checks `s` against every rule and wraps it.
    pub fn new(s: &str) -> Result<Self, RelPathError> {
        if s.is_empty() {
            return Err(RelPathError::Empty);
        }
        if s.len() > MAX_PATH_BYTES {
            return Err(RelPathError::TooLong(s.len()));
        }
        if s.chars().any(char::is_control) {
            return Err(RelPathError::Control(s.escape_debug().to_string()));
        }
        if s.starts_with('/') {
            return Err(RelPathError::Absolute(s.into()));
        }
        if s.contains('\\') {
            return Err(RelPathError::Backslash(s.into()));
        }
        let b = s.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            return Err(RelPathError::DriveLetter(s.into()));
        }
        for seg in s.split('/') {
            if seg.is_empty() || seg == "." || seg == ".." {
                return Err(RelPathError::BadSegment {
                    path: s.into(),
                    segment: seg.into(),
                });
            }
        }
        if !is_nfc(s) {
            return Err(RelPathError::NotNfc(s.into()));
        }
        Ok(RelPath(s.to_owned()))
    }

    /// Normalises `s` to NFC first, then checks it. Used by the scanner, which refuses
    /// trees where two names collide after this step.
    pub fn new_normalised(s: &str) -> Result<Self, RelPathError> {
        let n: String = s.nfc().collect();
        Self::new(&n)
    }

    /// The path as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The segments, in order.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// The last segment.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Serialize for RelPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RelPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RelPath::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_paths() {
        for ok in ["a", "model.safetensors", "data/train-0001.parquet", "été/x"] {
            assert_eq!(RelPath::new(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn refuses_each_bad_form() {
        type Pred = fn(&RelPathError) -> bool;
        let cases: &[(&str, Pred)] = &[
            ("", |e| matches!(e, RelPathError::Empty)),
            ("/etc/passwd", |e| matches!(e, RelPathError::Absolute(_))),
            ("../x", |e| matches!(e, RelPathError::BadSegment { .. })),
            ("a/../../x", |e| {
                matches!(e, RelPathError::BadSegment { .. })
            }),
            ("a/./b", |e| matches!(e, RelPathError::BadSegment { .. })),
            ("a//b", |e| matches!(e, RelPathError::BadSegment { .. })),
            ("a/", |e| matches!(e, RelPathError::BadSegment { .. })),
            ("C:\\x", |e| matches!(e, RelPathError::Backslash(_))),
            ("C:/x", |e| matches!(e, RelPathError::DriveLetter(_))),
            ("a\\b", |e| matches!(e, RelPathError::Backslash(_))),
            ("a\0b", |e| matches!(e, RelPathError::Control(_))),
            ("a\nb", |e| matches!(e, RelPathError::Control(_))),
            ("e\u{301}", |e| matches!(e, RelPathError::NotNfc(_))),
        ];
        for (s, pred) in cases {
            let e = RelPath::new(s).unwrap_err();
            assert!(pred(&e), "{s:?} gave {e:?}");
        }
        let long = "a".repeat(MAX_PATH_BYTES + 1);
        assert!(matches!(RelPath::new(&long), Err(RelPathError::TooLong(_))));
    }

    #[test]
    fn normalises_nfd_when_asked() {
        assert_eq!(
            RelPath::new_normalised("e\u{301}").unwrap().as_str(),
            "\u{e9}"
        );
    }
}
