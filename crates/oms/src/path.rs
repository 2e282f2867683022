//! Resource names: canonical relative POSIX paths and their order (spec/oms.md §4.2, §5.3).
use std::cmp::Ordering;
use std::fmt;

/// Why a string is not a canonical model path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PathProblem {
    Empty,
    Absolute,
    TrailingSlash,
    EmptyComponent,
    DotComponent,
    DotDotComponent,
    Nul,
}

impl PathProblem {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            PathProblem::Empty => "empty",
            PathProblem::Absolute => "absolute (starts with /)",
            PathProblem::TrailingSlash => "ends with /",
            PathProblem::EmptyComponent => "has an empty component (//)",
            PathProblem::DotComponent => "has a . component",
            PathProblem::DotDotComponent => "has a .. component",
            PathProblem::Nul => "contains NUL",
        }
    }
}

/// A file's name in a model: relative, `/`-separated, no empty, `.` or `..` component,
/// byte-exact (no Unicode normalisation, case kept) — or `.`, the name `model_signing` gives
/// the file of a single-file model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ModelPath(String);

impl ModelPath {
    /// The name of the only file of a single-file model, as `model_signing` writes it.
    pub const SINGLE_FILE: &'static str = ".";

    /// Checks `s` is canonical (spec/oms.md §4.2); the name is kept as written.
    pub(crate) fn parse(s: &str) -> Result<Self, PathProblem> {
        if s == Self::SINGLE_FILE {
            return Ok(ModelPath(s.to_owned()));
        }
        check(s)?;
        Ok(ModelPath(s.to_owned()))
    }

    /// A name built from path components the walker read (already canonical).
    pub(crate) fn from_components(parts: &[&str]) -> Self {
        if parts.is_empty() {
            ModelPath(Self::SINGLE_FILE.to_owned())
        } else {
            ModelPath(parts.join("/"))
        }
    }

    /// The name as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Components, in order (none for `.`).
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|c| *c != Self::SINGLE_FILE)
    }

    /// Python `PurePosixPath` order: component lists compared lexicographically, each
    /// component by code point. `a/b` < `a-c` < `a.txt` (spec/oms.md §5.3).
    pub fn cmp_posix(&self, other: &Self) -> Ordering {
        posix_cmp(&self.0, &other.0)
    }
}

impl fmt::Display for ModelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The canonical-form check shared by resource names and ignore paths.
pub(crate) fn check(s: &str) -> Result<(), PathProblem> {
    if s.is_empty() {
        return Err(PathProblem::Empty);
    }
    if s.contains('\0') {
        return Err(PathProblem::Nul);
    }
    if s.starts_with('/') {
        return Err(PathProblem::Absolute);
    }
    if s.ends_with('/') {
        return Err(PathProblem::TrailingSlash);
    }
    for c in s.split('/') {
        match c {
            "" => return Err(PathProblem::EmptyComponent),
            "." => return Err(PathProblem::DotComponent),
            ".." => return Err(PathProblem::DotDotComponent),
            _ => {}
        }
    }
    Ok(())
}

/// `PurePosixPath` order of two canonical names: the component lists compared as Python
/// compares lists of `str` (element by element by code point, a prefix first). Rust compares
/// `str` by UTF-8 bytes, which orders code points the same way.
pub fn posix_cmp(a: &str, b: &str) -> Ordering {
    let ca = a.split('/').filter(|c| *c != ".");
    let cb = b.split('/').filter(|c| *c != ".");
    ca.cmp(cb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_order_is_by_component_not_by_string() {
        let mut names = vec!["a.txt", "a-c", "a/b", "a", "B", "a/b/c", "ab"];
        names.sort_by(|x, y| posix_cmp(x, y));
        assert_eq!(names, ["B", "a", "a/b", "a/b/c", "a-c", "a.txt", "ab"]);
        // Code-point order of the strings differs: '-' (0x2d) and '.' (0x2e) sort before '/'.
        let mut by_string = vec!["a/b", "a-c", "a.txt"];
        by_string.sort();
        assert_eq!(by_string, ["a-c", "a.txt", "a/b"]);
    }

    #[test]
    fn canonical_names_only() {
        assert!(ModelPath::parse("dir/file.bin").is_ok());
        assert!(ModelPath::parse(".").is_ok());
        assert!(ModelPath::parse("with space/é").is_ok());
        for (bad, p) in [
            ("", PathProblem::Empty),
            ("/etc/passwd", PathProblem::Absolute),
            ("a/", PathProblem::TrailingSlash),
            ("a//b", PathProblem::EmptyComponent),
            ("./a", PathProblem::DotComponent),
            ("a/../b", PathProblem::DotDotComponent),
            ("a\0b", PathProblem::Nul),
        ] {
            assert_eq!(ModelPath::parse(bad), Err(p), "{bad:?}");
        }
    }
}
