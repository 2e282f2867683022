//! Comparing a tree with a record in the manifest form (spec/manifest.md §7): the manifest is
//! first checked against the digest the record signed, then read as a stream beside a walk of
//! the tree in the same order; files on both sides are hashed (or taken from `--parts`) and
//! compared, the others are missing or extra. Memory is bounded by the tree's depth and widest
//! folder, and by the record's artifacts, never by its file count.
use std::collections::BTreeMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sceau_core::{Artifact, IgnoreRules, ManifestRef, RelPath, Release, Sha256Digest};
use sceau_manifest::{cmp_paths, Entry, Listing, ManifestReader};
use sceau_scan::stream::{hash_stream, Job, Walker};
use sceau_scan::{HashOptions, Need, Progress, ScanError};

use crate::tree::{Modified, TreeDiff, TreeHashing, MAX_NAMED};

/// Why a tree could not be compared with the manifest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestCheckError {
    /// No manifest file.
    #[error(
        "the record lists its {files} files in a manifest (sha256:{digest}), and none was \
         given or found beside the record"
    )]
    NotGiven {
        /// Files the manifest lists.
        files: u64,
        /// Its digest, hex.
        digest: String,
    },
    /// The manifest is not the one the record signed.
    #[error(
        "{path}: not the manifest the record signed (its SHA-256 is {actual}, the record \
         signed {expected})"
    )]
    NotSigned {
        /// The file.
        path: PathBuf,
        /// What the record signed.
        expected: String,
        /// What the file hashes to.
        actual: String,
    },
    /// The signed manifest says something else than the record's artifacts.
    #[error("the manifest and the record disagree: {0}")]
    Disagrees(String),
    /// The tree, the manifest or a part could not be read.
    #[error(transparent)]
    Scan(#[from] ScanError),
}

impl ManifestCheckError {
    /// A line for people saying what to do about it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ManifestCheckError::NotGiven { .. } => Some(
                "pass --manifest FILE: it is written beside the record by `sceau sign` \
                 (RECORD.manifest); publish it with the record",
            ),
            ManifestCheckError::Scan(e) => e.hint(),
            _ => None,
        }
    }
}

/// What was established about the manifest itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestMatch {
    /// The manifest file.
    pub path: PathBuf,
    /// What the record signed of it, which it matched.
    pub reference: ManifestRef,
    /// The record's artifacts found in it with the same digests: files, and folders by root.
    pub artifacts: usize,
}

fn sha256_of(path: &Path) -> Result<(Sha256Digest, u64), ScanError> {
    let f = sceau_scan::hash::open_regular(path)?;
    let mut r = BufReader::with_capacity(1 << 20, f);
    let mut h = sceau_scan::hash::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = r.read(&mut buf).map_err(|e| ScanError::Io {
            path: path.to_owned(),
            source: e,
        })?;
        if n == 0 {
            break;
        }
        len += n as u64;
        h.update(&buf[..n]);
    }
    Ok((h.finish(), len))
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

/// The lists kept while the walk and the manifest are merged.
#[derive(Default)]
struct Found {
    diff: TreeDiff,
    /// The record's artifacts seen in the manifest with their digests.
    agreed: usize,
    disagreement: Option<String>,
}

impl Found {
    fn missing(&mut self, p: RelPath) {
        if self.diff.missing.len() < MAX_NAMED {
            self.diff.missing.push(p);
        } else {
            self.diff.omitted.missing += 1;
        }
    }
    fn extra(&mut self, p: RelPath) {
        if self.diff.extra.len() < MAX_NAMED {
            self.diff.extra.push(p);
        } else {
            self.diff.omitted.extra += 1;
        }
    }
    fn modified(&mut self, m: Modified) {
        if self.diff.modified.len() < MAX_NAMED {
            self.diff.modified.push(m);
        } else {
            self.diff.omitted.modified += 1;
        }
    }
    fn disagree(&mut self, what: String) {
        if self.disagreement.is_none() {
            self.disagreement = Some(what);
        }
    }
}

/// What the merge of the walk and the manifest hands to hashing: a file on both sides.
struct Expect {
    sha256: Sha256Digest,
    from_parts: Option<Sha256Digest>,
}

/// Compares the tree at `root` with `release`, a record in the manifest form, through the
/// manifest at `manifest` (spec/manifest.md §7).
pub fn compare_manifest_tree(
    root: &Path,
    release: &Release,
    manifest: Option<&Path>,
    ignore: &IgnoreRules,
    how: &TreeHashing<'_>,
    progress: &dyn Progress,
) -> Result<(TreeDiff, ManifestMatch), ManifestCheckError> {
    let Some(reference) = release.manifest else {
        return Err(ManifestCheckError::Disagrees(
            "the record is not in the manifest form".into(),
        ));
    };
    let Some(path) = manifest else {
        return Err(ManifestCheckError::NotGiven {
            files: reference.files,
            digest: reference.sha256.to_hex(),
        });
    };
    // Pass 1: the file is the one the record signed, before anything in it is believed.
    let (digest, _) = sha256_of(path)?;
    if digest != reference.sha256 {
        return Err(ManifestCheckError::NotSigned {
            path: path.to_owned(),
            expected: reference.sha256.to_hex(),
            actual: digest.to_hex(),
        });
    }
    let artifacts: BTreeMap<&str, &Artifact> = release
        .artifacts
        .iter()
        .map(|a| (a.path.as_str(), a))
        .collect();
    let merr = |source| {
        ManifestCheckError::Scan(ScanError::Manifest {
            path: path.to_owned(),
            source,
        })
    };
    // Pass 2: the stream, re-hashed, so that a file changed between the passes is caught.
    let reader =
        ManifestReader::new(BufReader::new(sceau_scan::hash::open_regular(path)?)).map_err(merr)?;
    let walker = Walker::new(root, ignore, sceau_manifest::MAX_FILES)?;
    let found = Mutex::new(Found::default());
    let mut parts = if how.parts.is_empty() {
        None
    } else {
        Some(sceau_scan::parts::Parts::open(how.parts)?)
    };
    let only = how.only;
    let mut merge = Merge {
        reader,
        walker,
        peek_m: None,
        peek_d: None,
        artifacts: &artifacts,
        found: &found,
        only,
        listing: Listing::new(),
        parts: parts.as_mut(),
        summary: None,
        merr: &merr,
    };
    let mut from_parts = 0usize;
    {
        let jobs = std::iter::from_fn(|| merge.next_job()).map(|r| {
            r.map(|(entry, exp)| Job {
                entry,
                need: Need::Sha256,
                tag: exp,
            })
        });
        let opts = HashOptions {
            threads: how.threads,
            cache: how.cache,
        };
        let compare = |e: sceau_scan::FileEntry, exp: Expect, d: sceau_scan::Digests| {
            let actual = match exp.from_parts {
                Some(d) => d,
                None => d.sha256.ok_or_else(|| ScanError::ChangedWhileHashing {
                    path: e.path.clone(),
                    what: "no SHA-256 computed".into(),
                })?,
            };
            let mut f = found.lock().map_err(|_| poisoned())?;
            if actual == exp.sha256 {
                f.diff.matched += 1;
                if d.cached {
                    f.diff.from_cache += 1;
                }
            } else {
                f.modified(Modified {
                    path: e.rel,
                    algorithm: "sha256".into(),
                    expected: exp.sha256.to_hex(),
                    actual: actual.to_hex(),
                });
            }
            Ok::<(), ManifestCheckError>(())
        };
        if parts_given(how) {
            // Nothing to hash: the parts hold every digest.
            for job in jobs {
                let job = job?;
                from_parts += 1;
                compare(job.entry, job.tag, sceau_scan::Digests::default())?;
            }
        } else {
            hash_stream(jobs, &opts, progress, compare)?;
        }
    }
    let summary = merge.summary.take();
    let listing = merge.listing.summary();
    drop(merge);
    if let Some(p) = parts {
        p.finish(&listing)?;
    }
    let mut found = found.into_inner().map_err(|_| poisoned())?;
    let summary = summary.ok_or_else(|| {
        ManifestCheckError::Disagrees("the manifest was not read to its end".into())
    })?;
    if summary.sha256 != reference.sha256 {
        return Err(ManifestCheckError::NotSigned {
            path: path.to_owned(),
            expected: reference.sha256.to_hex(),
            actual: summary.sha256.to_hex(),
        });
    }
    if (summary.root, summary.files, summary.bytes)
        != (reference.root, reference.files, reference.bytes)
    {
        found.disagree(format!(
            "the manifest's tree has root {} ({} files, {} bytes), the record signed {} ({} \
             files, {} bytes)",
            summary.root.to_hex(),
            summary.files,
            summary.bytes,
            reference.root.to_hex(),
            reference.files,
            reference.bytes
        ));
    }
    if found.agreed != release.artifacts.len() && found.disagreement.is_none() {
        found.disagree(format!(
            "{} of the record's {} artifacts are not in the manifest as the record lists them",
            release.artifacts.len() - found.agreed,
            release.artifacts.len()
        ));
    }
    if let Some(d) = found.disagreement {
        return Err(ManifestCheckError::Disagrees(d));
    }
    found.diff.from_parts = from_parts;
    found.diff.only = only.cloned();
    Ok((
        found.diff,
        ManifestMatch {
            path: path.to_owned(),
            reference,
            artifacts: found.agreed,
        },
    ))
}

fn parts_given(how: &TreeHashing<'_>) -> bool {
    !how.parts.is_empty()
}

fn poisoned() -> ManifestCheckError {
    ManifestCheckError::Disagrees("internal error: a hashing worker panicked".into())
}

type ManifestFile = (RelPath, u64, Sha256Digest);

/// The merge of the walk and the manifest, both in walk order.
struct Merge<'a, R: Read> {
    reader: ManifestReader<R>,
    walker: Walker,
    peek_m: Option<ManifestFile>,
    peek_d: Option<sceau_scan::FileEntry>,
    artifacts: &'a BTreeMap<&'a str, &'a Artifact>,
    found: &'a Mutex<Found>,
    only: Option<&'a RelPath>,
    listing: Listing,
    parts: Option<&'a mut sceau_scan::parts::Parts>,
    summary: Option<sceau_manifest::Summary>,
    merr: &'a (dyn Fn(sceau_manifest::ManifestError) -> ManifestCheckError + Sync),
}

impl<R: Read> Merge<'_, R> {
    fn with<T>(&self, f: impl FnOnce(&mut Found) -> T) -> Result<T, ManifestCheckError> {
        let mut g = self.found.lock().map_err(|_| poisoned())?;
        Ok(f(&mut g))
    }

    /// The next file of the manifest, checking its folders and files against the record's
    /// artifacts on the way; at its end, the summary.
    fn next_manifest(&mut self) -> Result<Option<ManifestFile>, ManifestCheckError> {
        loop {
            let Some(e) = self.reader.next() else {
                if self.summary.is_none() {
                    self.summary = Some(self.reader.end().map_err(self.merr)?);
                }
                return Ok(None);
            };
            match e.map_err(self.merr)? {
                Entry::Dir(c) => {
                    if let Some(a) = self.artifacts.get(c.path.as_str()) {
                        let ok = a.folder.is_some_and(|f| f.files == c.files)
                            && a.sha256 == c.root
                            && a.size == c.bytes;
                        self.with(|f| {
                            if ok {
                                f.agreed += 1;
                            } else {
                                f.disagree(format!(
                                    "{}/: the record has root {} ({} bytes), the manifest {} \
                                     ({} bytes)",
                                    c.path,
                                    a.sha256.to_hex(),
                                    a.size,
                                    c.root.to_hex(),
                                    c.bytes
                                ));
                            }
                        })?;
                    }
                }
                Entry::File { path, size, sha256 } => {
                    if let Some(a) = self.artifacts.get(path.as_str()) {
                        let ok = a.folder.is_none() && a.sha256 == sha256 && a.size == size;
                        self.with(|f| {
                            if ok {
                                f.agreed += 1;
                            } else {
                                f.disagree(format!(
                                    "{path}: the record has sha256:{}, the manifest sha256:{}",
                                    a.sha256.to_hex(),
                                    sha256.to_hex()
                                ));
                            }
                        })?;
                    }
                    return Ok(Some((path, size, sha256)));
                }
            }
        }
    }

    fn next_disk(&mut self) -> Result<Option<sceau_scan::FileEntry>, ManifestCheckError> {
        match self.walker.next() {
            None => Ok(None),
            Some(e) => {
                let e = e?;
                self.listing.add(e.rel.as_str(), e.size);
                Ok(Some(e))
            }
        }
    }

    /// The next file on both sides, to hash; files on one side only are recorded as missing
    /// or extra on the way.
    fn next_job(&mut self) -> Option<Result<(sceau_scan::FileEntry, Expect), ManifestCheckError>> {
        self.step().transpose()
    }

    fn step(&mut self) -> Result<Option<(sceau_scan::FileEntry, Expect)>, ManifestCheckError> {
        loop {
            if self.peek_m.is_none() {
                self.peek_m = self.next_manifest()?;
            }
            if self.peek_d.is_none() {
                self.peek_d = self.next_disk()?;
            }
            let order = match (&self.peek_m, &self.peek_d) {
                (None, None) => return Ok(None),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(m), Some(d)) => cmp_paths(m.0.as_str(), d.rel.as_str()),
            };
            match order {
                std::cmp::Ordering::Less => {
                    if let Some((p, _, _)) = self.peek_m.take() {
                        if within(self.only, p.as_str()) {
                            self.with(|f| f.missing(p))?;
                        }
                    }
                }
                std::cmp::Ordering::Greater => {
                    if let Some(d) = self.peek_d.take() {
                        if let Some(parts) = self.parts.as_deref_mut() {
                            parts.next_digest(&d)?;
                        }
                        if within(self.only, d.rel.as_str()) {
                            self.with(|f| f.extra(d.rel))?;
                        }
                    }
                }
                std::cmp::Ordering::Equal => {
                    let (Some((_, size, sha256)), Some(d)) =
                        (self.peek_m.take(), self.peek_d.take())
                    else {
                        continue;
                    };
                    let from_parts = match self.parts.as_deref_mut() {
                        Some(p) => Some(p.next_digest(&d)?),
                        None => None,
                    };
                    if !within(self.only, d.rel.as_str()) {
                        continue;
                    }
                    if size != d.size {
                        // A different size is a different file: no need to read it.
                        self.with(|f| {
                            f.modified(Modified {
                                path: d.rel,
                                algorithm: "size".into(),
                                expected: size.to_string(),
                                actual: d.size.to_string(),
                            })
                        })?;
                        continue;
                    }
                    return Ok(Some((d, Expect { sha256, from_parts })));
                }
            }
        }
    }
}
