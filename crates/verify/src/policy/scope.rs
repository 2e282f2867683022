//! Release scopes: which maintainers may sign which release names (spec/policy.md §7).

use std::fmt;
use std::str::FromStr;

use super::error::truncated;
use super::PolicyError;

/// Longest release pattern accepted, in bytes (spec/policy.md §7.1).
pub const MAX_PATTERN_BYTES: usize = 256;

/// A release-name pattern: an exact name such as `org/model`, or a prefix pattern such as
/// `org/*` matching every name that starts with `org/` (spec/policy.md §7.1).
///
/// Matching ignores ASCII case, so a name that differs from a pattern only in case cannot
/// escape its scope (spec/policy.md §7.3).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ReleasePattern {
    /// The pattern as written.
    text: String,
    /// For `prefix/*`: the length of `prefix/`. `None` for an exact name.
    prefix_len: Option<usize>,
}

impl ReleasePattern {
    /// Checks a pattern (spec/policy.md §7.1): non-empty, at most [`MAX_PATTERN_BYTES`], no
    /// whitespace or control characters, and `*` only as the final `/*` after a non-empty
    /// prefix.
    pub fn parse(text: &str) -> Result<ReleasePattern, PolicyError> {
        let bad = |reason| PolicyError::InvalidPattern {
            pattern: truncated(text, 80),
            reason,
        };
        if text.is_empty() {
            return Err(bad("it is empty"));
        }
        if text.len() > MAX_PATTERN_BYTES {
            return Err(bad("it is longer than 256 bytes"));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("it contains whitespace or control characters"));
        }
        if text.chars().any(sceau_core::name::is_invisible) || !unicode_normalization::is_nfc(text)
        {
            return Err(bad(
                "it contains invisible characters or is not in Unicode NFC",
            ));
        }
        let prefix_len = match text.strip_suffix("/*") {
            Some(prefix) if prefix.contains('*') => {
                return Err(bad("`*` may only appear once, as the final `/*`"))
            }
            Some("") => return Err(bad("`/*` needs a non-empty prefix such as `org/*`")),
            Some(prefix) => Some(prefix.len() + 1),
            None if text.contains('*') => {
                return Err(bad("`*` may only appear as the final `/*`, as in `org/*`"))
            }
            None => None,
        };
        Ok(ReleasePattern {
            text: text.to_owned(),
            prefix_len,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this is a `prefix/*` pattern.
    pub fn is_prefix(&self) -> bool {
        self.prefix_len.is_some()
    }

    /// Whether `name` matches, ignoring ASCII case (spec/policy.md §7.3): an exact pattern
    /// matches the same name; `prefix/*` matches every name longer than `prefix/` that starts
    /// with it.
    pub fn matches(&self, name: &str) -> bool {
        let (name, text) = (name.as_bytes(), self.text.as_bytes());
        match self.prefix_len {
            None => name.eq_ignore_ascii_case(text),
            Some(n) => name.len() > n && name[..n].eq_ignore_ascii_case(&text[..n]),
        }
    }

    /// How specific the pattern is, larger wins (spec/policy.md §7.3): an exact name beats
    /// every prefix, and a longer prefix beats a shorter one.
    pub(crate) fn specificity(&self) -> (bool, usize) {
        match self.prefix_len {
            None => (true, self.text.len()),
            Some(n) => (false, n),
        }
    }

    /// The pattern with ASCII letters lower-cased, to find duplicates.
    pub(crate) fn folded(&self) -> String {
        self.text.to_ascii_lowercase()
    }
}

impl FromStr for ReleasePattern {
    type Err = PolicyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReleasePattern::parse(s)
    }
}

impl fmt::Display for ReleasePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for ReleasePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReleasePattern({:?})", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_prefix_patterns_match_ignoring_ascii_case() {
        let exact = ReleasePattern::parse("org-a/model").unwrap();
        assert!(!exact.is_prefix());
        assert!(exact.matches("org-a/model"));
        assert!(exact.matches("ORG-A/Model"));
        assert!(!exact.matches("org-a/model2"));

        let prefix = ReleasePattern::parse("org-a/*").unwrap();
        assert!(prefix.is_prefix());
        assert!(prefix.matches("org-a/model"));
        assert!(prefix.matches("Org-A/sub/model"));
        assert!(!prefix.matches("org-a/"));
        assert!(!prefix.matches("org-a"));
        assert!(!prefix.matches("org-ab/model"));
        assert!(!prefix.matches("org-b/model"));
        assert!(exact.specificity() > prefix.specificity());
        let deeper = ReleasePattern::parse("org-a/sub/*").unwrap();
        assert!(deeper.specificity() > prefix.specificity());
    }

    #[test]
    fn refuses_malformed_patterns() {
        for bad in [
            "", "*", "/*", "org/*/x", "org*", "o*/*", "org/ x", "a\nb", "org/**",
        ] {
            assert!(
                matches!(
                    ReleasePattern::parse(bad),
                    Err(PolicyError::InvalidPattern { .. })
                ),
                "{bad:?}"
            );
        }
        assert!(ReleasePattern::parse(&"a".repeat(MAX_PATTERN_BYTES + 1)).is_err());
    }
}
