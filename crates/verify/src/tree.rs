//! Comparing the files on disk with a record's subjects (spec/verify.md §4).
use std::collections::BTreeMap;
use std::path::Path;

use sceau_core::statement::FileSubject;
use sceau_core::{IgnoreRules, RelPath, Sha256Digest};
use sceau_scan::{FileEntry, Progress, ScanError};
use serde::Serialize;

/// A file whose content differs from the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Modified {
    /// The file.
    pub path: RelPath,
    /// The digest the record holds.
    pub expected: Sha256Digest,
    /// The digest of the file on disk.
    pub actual: Sha256Digest,
}

/// How a tree differs from a record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TreeDiff {
    /// Files present in both whose digests match.
    pub matched: usize,
    /// Files present in both whose digests differ.
    pub modified: Vec<Modified>,
    /// Files the record lists that are not on disk.
    pub missing: Vec<RelPath>,
    /// Files on disk the record does not list (after the recorded ignore rules).
    pub extra: Vec<RelPath>,
}

impl TreeDiff {
    /// No modified or missing file (extras are judged by the caller).
    pub fn content_matches(&self) -> bool {
        self.modified.is_empty() && self.missing.is_empty()
    }
}

/// Walks `root` with `ignore` (the rules recorded in the record, plus the record file when it
/// lies in the tree), hashes the files the record lists, and compares. Extra files are named
/// but not hashed.
pub fn compare_tree(
    root: &Path,
    subjects: &[FileSubject],
    ignore: &IgnoreRules,
    threads: usize,
    progress: &dyn Progress,
) -> Result<TreeDiff, ScanError> {
    let walk = sceau_scan::walk(root, ignore)?;
    let expected: BTreeMap<&RelPath, &Sha256Digest> =
        subjects.iter().map(|s| (&s.path, &s.sha256)).collect();
    let mut to_hash: Vec<FileEntry> = Vec::new();
    let mut extra = Vec::new();
    for f in walk.files {
        if expected.contains_key(&f.rel) {
            to_hash.push(f);
        } else {
            extra.push(f.rel);
        }
    }
    let digests = sceau_scan::hash_files(&to_hash, threads, progress)?;
    let mut diff = TreeDiff {
        extra,
        ..TreeDiff::default()
    };
    let mut seen = std::collections::BTreeSet::new();
    for (f, actual) in to_hash.iter().zip(digests) {
        seen.insert(&f.rel);
        if let Some(&&exp) = expected.get(&f.rel) {
            if exp == actual {
                diff.matched += 1;
            } else {
                diff.modified.push(Modified {
                    path: f.rel.clone(),
                    expected: exp,
                    actual,
                });
            }
        }
    }
    diff.missing = subjects
        .iter()
        .filter(|s| !seen.contains(&s.path))
        .map(|s| s.path.clone())
        .collect();
    Ok(diff)
}
