//! Comparing the files on disk with a record's subjects (spec/verify.md §4, spec/hashing.md
//! §2.5), or, for a record in the manifest form, with its manifest as a stream
//! (spec/manifest.md §7).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sceau_core::statement::FileSubject;
use sceau_core::{IgnoreRules, RelPath};
use sceau_scan::{DigestCache, FileEntry, HashOptions, Need, Progress, ScanError};
use serde::Serialize;

/// Most files named in each of the modified, missing and extra lists; more are counted
/// (spec/manifest.md §7): a report stays readable, and its size bounded, whatever the tree.
pub const MAX_NAMED: usize = 1000;

/// Files found but not named, beyond [`MAX_NAMED`] per list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Omitted {
    /// Modified files not named.
    pub modified: u64,
    /// Missing files not named.
    pub missing: u64,
    /// Extra files not named.
    pub extra: u64,
}

fn push_capped<T>(list: &mut Vec<T>, omitted: &mut u64, item: T) {
    if list.len() < MAX_NAMED {
        list.push(item);
    } else {
        *omitted += 1;
    }
}

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
    /// Files found beyond the lists' [`MAX_NAMED`].
    pub omitted: Omitted,
    /// Files whose digests came from part manifests (`--parts`), unread.
    pub from_parts: usize,
    /// Set when only the files below this folder were compared (`--only`).
    pub only: Option<RelPath>,
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
    /// Part manifests of a sharded scan of the tree (`--parts`): their digests are taken
    /// instead of hashing (spec/manifest.md §5.4).
    pub parts: &'a [PathBuf],
    /// Compare only the files below this folder (`--only`, spec/manifest.md §7).
    pub only: Option<&'a RelPath>,
}

fn within(only: Option<&RelPath>, path: &str) -> bool {
    match only {
        None => true,
        Some(o) => {
            path == o.as_str()
                || path
                    .strip_prefix(o.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        }
    }
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
    let expected: BTreeMap<&RelPath, &FileSubject> = subjects
        .iter()
        .filter(|s| within(how.only, s.path.as_str()))
        .map(|s| (&s.path, s))
        .collect();
    let mut diff = TreeDiff {
        only: how.only.cloned(),
        ..TreeDiff::default()
    };
    let mut to_hash: Vec<FileEntry> = Vec::new();
    let mut needs: Vec<Need> = Vec::new();
    let mut given: Vec<Option<sceau_scan::Digests>> = Vec::new();
    let mut parts = if how.parts.is_empty() {
        None
    } else {
        Some(sceau_scan::parts::Parts::open(how.parts)?)
    };
    for f in walk.files {
        // Parts list every file of the walk, in its order: each is taken, used or not.
        let from_parts = match parts.as_mut() {
            Some(p) => Some(p.next_digest(&f)?),
            None => None,
        };
        if !within(how.only, f.rel.as_str()) {
            continue;
        }
        match expected.get(&f.rel) {
            Some(s) => {
                needs.push(
                    if s.blake3.is_some() && !how.full_sha256 && from_parts.is_none() {
                        Need::Blake3
                    } else {
                        Need::Sha256
                    },
                );
                given.push(from_parts.map(|d| sceau_scan::Digests {
                    sha256: Some(d),
                    blake3: None,
                    cached: false,
                }));
                to_hash.push(f);
            }
            None => push_capped(&mut diff.extra, &mut diff.omitted.extra, f.rel),
        }
    }
    if let Some(p) = parts {
        p.finish(&walk.listing)?;
    }
    let digests = if given.iter().all(Option::is_some) && !given.is_empty() {
        diff.from_parts = given.len();
        given.into_iter().flatten().collect()
    } else {
        let opts = HashOptions {
            threads: how.threads,
            cache: how.cache,
        };
        sceau_scan::hash_files_with(&to_hash, &needs, &opts, progress)?
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
            Some((alg, expected, actual)) => push_capped(
                &mut diff.modified,
                &mut diff.omitted.modified,
                Modified {
                    path: f.rel.clone(),
                    algorithm: alg.into(),
                    expected,
                    actual,
                },
            ),
        }
    }
    for s in expected.values().filter(|s| !seen.contains(&s.path)) {
        push_capped(&mut diff.missing, &mut diff.omitted.missing, s.path.clone());
    }
    Ok(diff)
}

pub use crate::manifest_tree::{compare_manifest_tree, ManifestCheckError, ManifestMatch};
