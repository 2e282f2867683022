//! Scanning a big tree into the manifest form (spec/manifest.md §6): every file goes into the
//! manifest as it is hashed, in walk order; the release lists one by one only the files that
//! matter to people and to the checks — weights, and every file not inside a folder free of
//! weights — and each maximal folder free of weights as one artifact whose digest is its root.
//! Memory: the open folders' pending artifacts, bounded by [`MAX_LOOSE`] each.
use std::io::{BufWriter, Write};

use sceau_core::{Artifact, ArtifactKind, Folder, ManifestRef};
use sceau_manifest::{parent_of, ClosedDir, Listing, ManifestWriter};

use crate::error::ScanError;
use crate::hash::{HashOptions, Need, Progress};
use crate::parts::Parts;
use crate::stream::{hash_stream, Job};
use crate::walk::FileEntry;
use crate::{ScanOptions, ScannedManifest, Warning};

/// Most artifacts a record in the manifest form lists one by one (files outside folders
/// recorded whole, and the folders): a record of that many stays well under the envelope
/// limit even with long paths (spec/manifest.md §6.1).
pub const MAX_LOOSE: usize = 50_000;

/// A folder open during the walk.
struct Open {
    path: String,
    has_weights: bool,
    /// Artifacts below it not yet settled: its files and its subfolders recorded whole.
    pending: Vec<Artifact>,
    /// More pending than [`MAX_LOOSE`]: they are dropped, and it is an error unless the
    /// folder is recorded whole.
    overflow: Option<String>,
    /// Bytes and files per kind, for the folder's kind.
    kinds: [(u64, u64); ArtifactKind::ALL.len()],
}

impl Open {
    fn new(path: String) -> Self {
        Open {
            path,
            has_weights: false,
            pending: Vec::new(),
            overflow: None,
            kinds: [(0, 0); ArtifactKind::ALL.len()],
        }
    }

    fn push(&mut self, a: Artifact) {
        if self.overflow.is_some() {
            return;
        }
        if self.pending.len() >= MAX_LOOSE {
            self.overflow = Some(a.path.as_str().to_owned());
            self.pending = Vec::new();
            return;
        }
        self.pending.push(a);
    }

    /// The kind most of its bytes are (then most of its files).
    fn kind(&self) -> ArtifactKind {
        let mut best = (ArtifactKind::Other, (0u64, 0u64));
        for (k, w) in ArtifactKind::ALL.iter().zip(self.kinds) {
            if w > best.1 {
                best = (*k, w);
            }
        }
        best.0
    }
}

/// Groups files and folders as the walk closes folders.
struct Grouper {
    stack: Vec<Open>,
    settled: Vec<Artifact>,
}

impl Grouper {
    fn new() -> Self {
        Grouper {
            stack: vec![Open::new(String::new())],
            settled: Vec::new(),
        }
    }

    fn settle(
        &mut self,
        mut arts: Vec<Artifact>,
        overflow: Option<String>,
    ) -> Result<(), ScanError> {
        if let Some(example) = overflow {
            return Err(ScanError::TooManyLooseFiles {
                files: MAX_LOOSE + 1,
                limit: MAX_LOOSE,
                example,
            });
        }
        self.settled.append(&mut arts);
        if self.settled.len() > MAX_LOOSE {
            return Err(ScanError::TooManyLooseFiles {
                files: self.settled.len(),
                limit: MAX_LOOSE,
                example: self
                    .settled
                    .last()
                    .map(|a| a.path.as_str().to_owned())
                    .unwrap_or_default(),
            });
        }
        Ok(())
    }

    /// Closes the innermost folder, whose root the manifest gives in `c`.
    fn close(&mut self, c: &ClosedDir) -> Result<(), ScanError> {
        let Some(d) = self.stack.pop() else {
            return Err(internal("closing a folder that is not open"));
        };
        if d.path != c.path {
            return Err(internal("the manifest and the grouping disagree"));
        }
        let Some(parent) = self.stack.last_mut() else {
            // The root is never recorded whole.
            return self.settle(d.pending, d.overflow);
        };
        for (p, k) in parent.kinds.iter_mut().zip(d.kinds) {
            p.0 = p.0.saturating_add(k.0);
            p.1 = p.1.saturating_add(k.1);
        }
        if d.has_weights {
            parent.has_weights = true;
            return self.settle(d.pending, d.overflow);
        }
        let kind = d.kind();
        let path = sceau_core::RelPath::new(&d.path)
            .map_err(|_| internal("a folder path that is not a path"))?;
        parent.push(Artifact {
            path,
            size: c.bytes,
            sha256: c.root,
            blake3: None,
            kind,
            licence: None,
            detected_licence: None,
            weights: None,
            folder: Some(Folder { files: c.files }),
            fingerprint: None,
        });
        Ok(())
    }

    /// Opens the folders leading to `rel`, after the manifest closed `closed`.
    fn enter(&mut self, rel: &str, closed: &[ClosedDir]) -> Result<(), ScanError> {
        for c in closed {
            self.close(c)?;
        }
        let (dir, _) = parent_of(rel);
        let top = self.stack.last().map_or("", |t| t.path.as_str());
        let rest = if top.is_empty() {
            dir
        } else {
            dir.get(top.len() + 1..).unwrap_or("")
        };
        if !rest.is_empty() {
            let mut path = top.to_owned();
            for name in rest.split('/') {
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(name);
                self.stack.push(Open::new(path.clone()));
            }
        }
        Ok(())
    }

    fn file(&mut self, a: Artifact) {
        if let Some(top) = self.stack.last_mut() {
            let i = ArtifactKind::ALL
                .iter()
                .position(|k| *k == a.kind)
                .unwrap_or(ArtifactKind::ALL.len() - 1);
            top.kinds[i].0 = top.kinds[i].0.saturating_add(a.size);
            top.kinds[i].1 += 1;
            if a.kind == ArtifactKind::Weights {
                top.has_weights = true;
            }
            top.push(a);
        }
    }
}

fn internal(what: &str) -> ScanError {
    ScanError::ChangedWhileHashing {
        path: Default::default(),
        what: format!("internal error: {what}"),
    }
}

/// What [`scan_streamed`] gives back: the artifacts listed one by one, the manifest, the
/// listing, and warnings.
pub(crate) struct Streamed {
    pub(crate) artifacts: Vec<Artifact>,
    pub(crate) manifest: ScannedManifest,
    pub(crate) listing: sceau_manifest::ListingSummary,
    pub(crate) warnings: Vec<Warning>,
    /// The weight files as walked (never inside a folder recorded whole), for their
    /// fingerprints (spec/fingerprint.md §5.4).
    pub(crate) weight_files: Vec<FileEntry>,
}

/// Hashes (or takes from `opts.parts`) every file `files` yields, writes the manifest, and
/// groups the artifacts (spec/manifest.md §6.1).
pub(crate) fn scan_streamed(
    files: impl Iterator<Item = Result<FileEntry, ScanError>> + Send,
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<Streamed, ScanError> {
    let dir = opts.manifest_dir.clone().unwrap_or_else(std::env::temp_dir);
    let mut tmp = tempfile::Builder::new()
        .prefix(".sceau-manifest-")
        .tempfile_in(&dir)
        .map_err(|e| ScanError::io(&dir, e))?;
    let tmp_path = tmp.path().to_owned();
    let merr = |source| ScanError::Manifest {
        path: tmp_path.clone(),
        source,
    };
    let mut warnings = Vec::new();
    if opts.parallel_digest {
        warnings.push(Warning::Ignored(
            "--parallel-digest: a record in the manifest form carries SHA-256 digests only".into(),
        ));
    }
    let mut writer =
        ManifestWriter::new(BufWriter::with_capacity(1 << 20, tmp.as_file_mut())).map_err(merr)?;
    let mut listing = Listing::new();
    let mut grouper = Grouper::new();
    let mut weight_files = Vec::new();
    let mut sink = |e: FileEntry, sha256: sceau_core::Sha256Digest| -> Result<(), ScanError> {
        listing.add(e.rel.as_str(), e.size);
        let closed = writer.add(&e.rel, e.size, sha256).map_err(merr)?;
        grouper.enter(e.rel.as_str(), &closed)?;
        let kind = crate::classify::classify(e.rel.as_str());
        if kind == ArtifactKind::Weights && weight_files.len() < MAX_LOOSE {
            weight_files.push(e.clone());
        }
        grouper.file(Artifact {
            path: e.rel,
            size: e.size,
            sha256,
            blake3: None,
            kind,
            licence: None,
            detected_licence: None,
            weights: None,
            folder: None,
            fingerprint: None,
        });
        Ok(())
    };
    if opts.parts.is_empty() {
        let hash_opts = HashOptions {
            threads: opts.threads,
            cache: opts.cache.as_deref(),
        };
        let jobs = files.map(|f| {
            f.map(|entry| Job {
                entry,
                need: Need::Sha256,
                tag: (),
            })
        });
        hash_stream(jobs, &hash_opts, progress, |e, (), d| {
            let sha = d.sha256.ok_or_else(|| ScanError::ChangedWhileHashing {
                path: e.path.clone(),
                what: "no SHA-256 computed".into(),
            })?;
            sink(e, sha)
        })?;
    } else {
        let mut parts = Parts::open(&opts.parts)?;
        for f in files {
            let f = f?;
            let d = parts.next_digest(&f)?;
            progress.advance(f.size);
            sink(f, d)?;
        }
        parts.finish(&listing.summary())?;
    }
    let (closed, summary, out) = writer.finish().map_err(merr)?;
    drop(out);
    for c in &closed {
        grouper.close(c)?;
    }
    tmp.as_file_mut()
        .flush()
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| ScanError::io(tmp.path(), e))?;
    let mut artifacts = grouper.settled;
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Streamed {
        artifacts,
        manifest: ScannedManifest {
            reference: ManifestRef {
                sha256: summary.sha256,
                root: summary.root,
                files: summary.files,
                bytes: summary.bytes,
            },
            len: summary.len,
            file: tmp,
        },
        listing: listing.summary(),
        warnings,
        weight_files,
    })
}
