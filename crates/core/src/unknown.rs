//! The error of every `FromStr` of a closed set of names (relations, artifact kinds, MOF
//! classes and components, claim values): which value, of what, and the values allowed.
use std::fmt;

/// A name that is not one of a closed set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// What was being read ("relation", "artifact kind", …).
    pub what: &'static str,
    /// The text given.
    pub value: String,
    /// The values allowed, for the message (may be empty).
    pub allowed: Vec<&'static str>,
}

impl UnknownValue {
    /// `value` is not a `what`; `allowed` lists the valid names.
    pub fn new(what: &'static str, value: &str, allowed: Vec<&'static str>) -> UnknownValue {
        UnknownValue {
            what,
            value: value.to_owned(),
            allowed,
        }
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.what, self.value)?;
        if !self.allowed.is_empty() {
            write!(f, " (one of: {})", self.allowed.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownValue {}
