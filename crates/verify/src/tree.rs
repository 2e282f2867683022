//! Comparing the files on disk with a record's subjects (spec/verify.md §4, spec/hashing.md
//! §2.5).
use std::collections::BTreeMap;
use std::path::Path;

use sceau_core::statement::FileSubject;
use sceau_core::{IgnoreRules, RelPath};
use sceau_scan::{DigestCache, FileEntry, HashOptions, Need, Progress, ScanError};
use serde::Serialize;

/// A file whose content differs from the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Modified {
    /// The file.
    pub path: RelPath,
    /// The digest compared: `sha256`, or `blake3` (spec/hashing.md §2.5).
    pub algorithm: String,
    /// The digest the record holds (lower-case hex).
    pub expected: String,
    /// The digest of the file on disk (lower-case hex).
    pub actual: String,
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
    /// Files checked by their recorded BLAKE3 instead of their SHA-256 (spec/hashing.md §2.5).
    pub by_blake3: Vec<RelPath>,
    /// Files whose digests came from the digest cache, unread (spec/hashing.md §4).
    pub from_cache: usize,
}

impl TreeDiff {
    /// No modified or missing file (extras are judged by the caller).
    pub fn content_matches(&self) -> bool {
        self.modified.is_empty() && self.missing.is_empty()
    }
}

/// How to hash the tree.
#[derive(Clone, Copy)]
pub struct TreeHashing<'a> {
    /// Hashing workers.
    pub threads: usize,
    /// Check every file by SHA-256 even when its record carries BLAKE3 (`--full-sha256`).
    pub full_sha256: bool,
    /// Digest cache (`--cache`).
    pub cache: Option<&'a DigestCache>,
}

/// Walks `root` with `ignore` (the rules recorded in the record, plus the record file when it
/// lies in the tree), hashes the files the record lists, and compares. Extra files are named
/// but not hashed. A file whose subject carries a BLAKE3 digest is checked by BLAKE3, hashed
/// in parallel pieces, unless `how.full_sha256` (spec/hashing.md §2.5).
pub fn compare_tree(
    root: &Path,
    subjects: &[FileSubject],
    ignore: &IgnoreRules,
    how: &TreeHashing<'_>,
    progress: &dyn Progress,
) -> Result<TreeDiff, ScanError> {
    let walk = sceau_scan::walk(root, ignore)?;
    let expected: BTreeMap<&RelPath, &FileSubject> =
        subjects.iter().map(|s| (&s.path, s)).collect();
    let mut to_hash: Vec<FileEntry> = Vec::new();
    let mut needs: Vec<Need> = Vec::new();
    let mut extra = Vec::new();
    for f in walk.files {
        match expected.get(&f.rel) {
            Some(s) => {
                needs.push(if s.blake3.is_some() && !how.full_sha256 {
                    Need::Blake3
                } else {
                    Need::Sha256
                });
                to_hash.push(f);
            }
            None => extra.push(f.rel),
        }
    }
    let opts = HashOptions {
        threads: how.threads,
        cache: how.cache,
    };
    let digests = sceau_scan::hash_files_with(&to_hash, &needs, &opts, progress)?;
    let mut diff = TreeDiff {
        extra,
        ..TreeDiff::default()
    };
    let mut seen = std::collections::BTreeSet::new();
    for ((f, d), need) in to_hash.iter().zip(digests).zip(&needs) {
        seen.insert(&f.rel);
        let Some(exp) = expected.get(&f.rel) else {
            continue;
        };
        if d.cached {
            diff.from_cache += 1;
        }
        // Compare every digest both sides have; the hashing gave at least one.
        let mut mismatch = None;
        let mut compared_sha256 = false;
        let mut compared_blake3 = false;
        if let Some(actual) = d.sha256 {
            compared_sha256 = true;
            if actual != exp.sha256 {
                mismatch = Some(("sha256", exp.sha256.to_hex(), actual.to_hex()));
            }
        }
        if let (Some(actual), Some(want), Need::Blake3) = (d.blake3, exp.blake3, need) {
            compared_blake3 = true;
            if actual != want && mismatch.is_none() {
                mismatch = Some(("blake3", want.to_hex(), actual.to_hex()));
            }
        }
        if !compared_sha256 && !compared_blake3 {
            return Err(ScanError::ChangedWhileHashing {
                path: f.path.clone(),
                what: "no digest to compare".into(),
            });
        }
        match mismatch {
            None => {
                diff.matched += 1;
                if compared_blake3 && !compared_sha256 {
                    diff.by_blake3.push(f.rel.clone());
                }
            }
            Some((alg, expected, actual)) => diff.modified.push(Modified {
                path: f.rel.clone(),
                algorithm: alg.into(),
                expected,
                actual,
            }),
        }
    }
    diff.missing = subjects
        .iter()
        .filter(|s| !seen.contains(&s.path))
        .map(|s| s.path.clone())
        .collect();
    Ok(diff)
}
