//! The order of a manifest: the order a depth-first walk meets files when it lists each
//! folder's entries by name (spec/manifest.md §2.2).
use std::cmp::Ordering;

/// Compares two relative paths folder by folder, names by their bytes: `a/b` < `a.txt`
/// (folder `a` is met before the file `a.txt`), unlike a plain string comparison.
pub fn cmp_paths(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

/// The folder holding `path` (`""` for the root) and its own name.
pub fn parent_of(path: &str) -> (&str, &str) {
    match path.rsplit_once('/') {
        Some((dir, name)) => (dir, name),
        None => ("", path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_before_siblings_named_after_them() {
        assert_eq!(cmp_paths("a/b", "a.txt"), Ordering::Less);
        assert_eq!(
            "a/b".cmp("a.txt"),
            Ordering::Greater,
            "string order differs"
        );
        assert_eq!(cmp_paths("a/b", "a/c"), Ordering::Less);
        assert_eq!(cmp_paths("a", "a/b"), Ordering::Less);
        assert_eq!(cmp_paths("b", "a/z"), Ordering::Greater);
        assert_eq!(parent_of("a/b/c"), ("a/b", "c"));
        assert_eq!(parent_of("c"), ("", "c"));
    }
}
