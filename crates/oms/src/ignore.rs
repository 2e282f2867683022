//! OMS path exclusion: exact relative paths matched as component prefixes (spec/oms.md §5.2).
use crate::error::{StatementError, TreeError};
use crate::predicate::cut;

/// Paths `model_signing` ignores at the top of every model unless told otherwise
/// (`--no-ignore-git-paths`), in the form it records them.
pub const GIT_PATHS: [&str; 4] = [".git", ".gitattributes", ".github", ".gitignore"];

/// Checks an `ignore_paths` entry read from a predicate: a canonical relative path (what
/// `model_signing` records), never `.` (which would ignore the whole model).
pub(crate) fn check_recorded(s: &str) -> Result<(), StatementError> {
    if s == "." {
        return Err(StatementError::IgnorePath {
            path: cut(s),
            reason: "would ignore the whole model",
        });
    }
    crate::path::check(s).map_err(|p| StatementError::IgnorePath {
        path: cut(s),
        reason: p.reason(),
    })
}

/// A set of ignored paths, each a list of components, matched as `pathlib`'s
/// `path.is_relative_to(ignored)`: a file is ignored when an entry equals it or one of its
/// parent folders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct IgnoreSet {
    entries: Vec<Vec<String>>,
}

impl IgnoreSet {
    /// Adds a canonical relative path (`a/b`).
    pub(crate) fn add_canonical(&mut self, path: &str) {
        let parts: Vec<String> = path.split('/').map(str::to_owned).collect();
        if !self.entries.contains(&parts) {
            self.entries.push(parts);
        }
    }

    /// Adds a caller-given path relative to the model root, normalised as `PurePosixPath`
    /// would (`./a//b/` is `a/b`). A path with a `..` component or naming the root is refused.
    pub(crate) fn add_relative(&mut self, path: &str) -> Result<(), TreeError> {
        let parts: Vec<&str> = path
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect();
        if path.starts_with('/') {
            return Err(TreeError::IgnorePath {
                path: cut(path),
                reason: "absolute paths must lie inside the model",
            });
        }
        if parts.contains(&"..") {
            return Err(TreeError::IgnorePath {
                path: cut(path),
                reason: "has a .. component",
            });
        }
        if parts.is_empty() {
            return Err(TreeError::IgnorePath {
                path: cut(path),
                reason: "would ignore the whole model",
            });
        }
        self.add_canonical(&parts.join("/"));
        Ok(())
    }

    /// True when `components` (a file or folder below the root) is ignored.
    pub(crate) fn ignores(&self, components: &[&str]) -> bool {
        self.entries
            .iter()
            .any(|e| e.len() <= components.len() && e.iter().zip(components).all(|(a, b)| a == b))
    }

    /// The entries as `/`-joined strings, sorted.
    pub(crate) fn to_strings(&self) -> Vec<String> {
        let mut v: Vec<String> = self.entries.iter().map(|e| e.join("/")).collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_are_component_prefixes_from_the_root() {
        let mut s = IgnoreSet::default();
        for p in GIT_PATHS {
            s.add_canonical(p);
        }
        s.add_relative("./cache//").unwrap();
        assert!(s.ignores(&[".git", "config"]));
        assert!(s.ignores(&[".gitignore"]));
        assert!(s.ignores(&["cache", "x", "y"]));
        assert!(!s.ignores(&["sub", ".git", "config"]));
        assert!(!s.ignores(&["cache2"]));
        assert!(!s.ignores(&[".gitkeep"]));
        assert!(s.add_relative("../x").is_err());
        assert!(s.add_relative(".").is_err());
        assert!(s.add_relative("/etc").is_err());
        assert!(check_recorded(".").is_err());
        assert!(check_recorded("a/../b").is_err());
        assert!(check_recorded("x[1].bin").is_ok());
    }
}
