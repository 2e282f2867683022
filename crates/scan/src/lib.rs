//! sceau scanning: walk a release folder without trusting it, classify and hash every file,
//! read the model card's front matter and weight headers, and produce a typed [`Release`].
//!
//! Nothing here prints; progress goes through [`Progress`] and problems that do not stop the
//! scan come back as [`Warning`]s (spec/scan.md).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bulk;
pub mod cache;
pub mod card_read;
pub mod classify;
pub mod error;
pub mod fingerprint;
pub mod hash;
pub mod headers;
pub mod hf;
pub mod licence_detect;
pub mod links;
pub mod parts;
pub mod shard;
pub mod stamp;
pub mod stream;
pub mod walk;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sceau_core::{Artifact, ArtifactKind, IgnoreRules, Licence, Release};

pub use cache::DigestCache;
pub use error::{LinkRule, ScanError};
pub use hash::{default_threads, hash_files, hash_files_with, Digests, HashOptions, Need};
pub use hash::{NoProgress, Progress};
pub use sceau_core::card::CardWarning;
pub use sceau_manifest::ListingSummary;
pub use stream::Walker;
pub use walk::{walk, FileEntry, HfSnapshot, Walk};

/// Trees of more files than this are recorded in the manifest form unless asked otherwise
/// (spec/manifest.md §6.1).
pub const MANIFEST_THRESHOLD: usize = 10_000;

/// How a tree is recorded (spec/manifest.md §6.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Form {
    /// One artifact per file up to [`MANIFEST_THRESHOLD`] files, the manifest form above.
    #[default]
    Auto,
    /// The manifest form whatever the size (`--always-manifest`).
    Manifest,
}

/// Version recorded when none is given and none can be derived.
pub const DEFAULT_VERSION: &str = "0.0.0";

/// How to scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Release name; default: the Hugging Face repo id, else the folder's name.
    pub name: Option<String>,
    /// Release version; default: the Hugging Face snapshot revision, else [`DEFAULT_VERSION`].
    pub version: Option<String>,
    /// Ignore rules (default rules plus any the caller adds).
    pub ignore: IgnoreRules,
    /// Hashing workers.
    pub threads: usize,
    /// Record a BLAKE3 digest beside the SHA-256 of files of at least
    /// [`hash::BLAKE3_MIN_SIZE`] bytes (`--parallel-digest`, spec/hashing.md §2).
    pub parallel_digest: bool,
    /// Digest cache to consult and fill (`--cache`, spec/hashing.md §4).
    pub cache: Option<Arc<DigestCache>>,
    /// How to record the tree.
    pub form: Form,
    /// Where the manifest of the manifest form is written while the scan runs (a temporary
    /// file the caller keeps or drops); default: the system's temporary folder.
    pub manifest_dir: Option<PathBuf>,
    /// Part manifests of a sharded scan of this tree (`--parts`): their digests are taken
    /// instead of hashing (spec/manifest.md §5.4).
    pub parts: Vec<PathBuf>,
    /// Fingerprint the weight files (safetensors, GGUF, ONNX) and record the fingerprints;
    /// `false` with `--no-fingerprints` (spec/scan.md §9, spec/fingerprint.md §5.4).
    pub fingerprints: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            name: None,
            version: None,
            ignore: IgnoreRules::default(),
            threads: default_threads(),
            parallel_digest: false,
            cache: None,
            form: Form::Auto,
            manifest_dir: None,
            parts: Vec::new(),
            fingerprints: true,
        }
    }
}

/// Something worth telling the user that does not stop the scan.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Warning {
    /// Two names differ only by case: they collide on case-insensitive file systems.
    #[error("{first:?} and {second:?} differ only by case")]
    CaseTwins {
        /// One name.
        first: String,
        /// The other.
        second: String,
    },
    /// The model card's front matter could not be used (fully or in part).
    #[error("{path}: {warning}")]
    Card {
        /// The card.
        path: String,
        /// What is wrong.
        warning: CardWarning,
    },
    /// A weight file's header could not be read; the file is still hashed and recorded.
    #[error("{path}: weight header not read: {message}")]
    WeightHeader {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// No version was given or derived.
    #[error("no release version given; recorded as {DEFAULT_VERSION} (use --version)")]
    NoVersion,
    /// An option had no effect.
    #[error("ignored: {0}")]
    Ignored(String),
    /// A weight file was not fingerprinted; the record says why (spec/scan.md §9).
    #[error("{path}: not fingerprinted: {reason}")]
    NotFingerprinted {
        /// The file.
        path: String,
        /// Why, as recorded.
        reason: String,
    },
}

/// The manifest a scan in the manifest form wrote: a temporary file, removed when dropped
/// unless the caller keeps it (spec/manifest.md §6).
#[derive(Debug)]
pub struct ScannedManifest {
    /// The file.
    pub file: tempfile::NamedTempFile,
    /// Its length in bytes.
    pub len: u64,
    /// What the record signs of it.
    pub reference: sceau_core::ManifestRef,
}

/// The result of a scan.
#[derive(Debug)]
pub struct Scan {
    /// The release.
    pub release: Release,
    /// Problems that did not stop the scan.
    pub warnings: Vec<Warning>,
    /// The canonical root that was scanned.
    pub root: PathBuf,
    /// Set when the root is a Hugging Face cache snapshot.
    pub hf: Option<HfSnapshot>,
    /// The listing of the tree (spec/manifest.md §5.1).
    pub listing: ListingSummary,
    /// The manifest, for a scan in the manifest form.
    pub manifest: Option<ScannedManifest>,
}

/// A tree walked far enough to know its form.
pub enum Tree {
    /// A tree recorded file by file: every file listed.
    Listed(Box<Walk>),
    /// A tree recorded in the manifest form: the walk, started.
    Streamed(Box<StreamedTree>),
}

/// A walk in progress of a tree in the manifest form, and the files it already met.
pub struct StreamedTree {
    walker: Walker,
    met: Vec<FileEntry>,
}

/// Walks `root` until its form is known (spec/manifest.md §6.1): with [`Form::Auto`], a tree
/// of at most [`MANIFEST_THRESHOLD`] files is listed whole; a bigger one is walked on as it
/// is hashed.
pub fn walk_tree(root: &Path, opts: &ScanOptions) -> Result<Tree, ScanError> {
    let mut walker = Walker::new(root, &opts.ignore, sceau_manifest::MAX_FILES)?;
    let mut met = Vec::new();
    if opts.form == Form::Auto {
        for f in &mut walker {
            met.push(f?);
            if met.len() > MANIFEST_THRESHOLD {
                return Ok(Tree::Streamed(Box::new(StreamedTree { walker, met })));
            }
        }
        let mut listing = sceau_manifest::Listing::new();
        for f in &met {
            listing.add(f.rel.as_str(), f.size);
        }
        return Ok(Tree::Listed(Box::new(Walk {
            root: walker.root().to_owned(),
            hf: walker.hf().cloned(),
            case_twins: walker.case_twins().0.to_vec(),
            listing: listing.summary(),
            files: met,
        })));
    }
    Ok(Tree::Streamed(Box::new(StreamedTree { walker, met })))
}

/// Scans a walked tree (spec/scan.md, spec/manifest.md §6).
pub fn scan_tree(
    tree: Tree,
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<Scan, ScanError> {
    match tree {
        Tree::Listed(w) => scan_walked(*w, opts, progress),
        Tree::Streamed(t) => scan_manifest_form(*t, opts, progress),
    }
}

/// Scans `root` (spec/scan.md): [`walk_tree`], then [`scan_tree`].
pub fn scan(root: &Path, opts: &ScanOptions, progress: &dyn Progress) -> Result<Scan, ScanError> {
    scan_tree(walk_tree(root, opts)?, opts, progress)
}

fn scan_manifest_form(
    t: StreamedTree,
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<Scan, ScanError> {
    let StreamedTree { mut walker, met } = t;
    let root = walker.root().to_owned();
    let hf = walker.hf().cloned();
    let streamed = {
        let files = met.into_iter().map(Ok).chain(&mut walker);
        bulk::scan_streamed(files, opts, progress)?
    };
    let mut warnings = streamed.warnings;
    let (twins, total) = walker.case_twins();
    warnings.extend(twins.iter().map(|(a, b)| Warning::CaseTwins {
        first: a.clone(),
        second: b.clone(),
    }));
    if total > twins.len() as u64 {
        warnings.push(Warning::Ignored(format!(
            "{} more pairs of names that differ only by case",
            total - twins.len() as u64
        )));
    }
    let w = Walk {
        root,
        hf,
        case_twins: Vec::new(),
        listing: streamed.listing,
        // Only the weight files, for their fingerprints: every other file is in the manifest.
        files: streamed.weight_files,
    };
    let mut scan = describe(w, streamed.artifacts, warnings, opts)?;
    scan.release.manifest = Some(streamed.manifest.reference);
    scan.manifest = Some(streamed.manifest);
    Ok(scan)
}

/// The second half of [`scan`]: hashes and reads the files of `w`, a walk made by
/// [`walk()`] with `opts.ignore`, and builds the release. For a caller that judges the walk
/// before any file is read (the seal refuses a record too large to sign, spec/record.md §2.6).
pub fn scan_walked(
    w: Walk,
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<Scan, ScanError> {
    let mut warnings = Vec::new();
    let with_parts = !opts.parts.is_empty();
    if with_parts && opts.parallel_digest {
        warnings.push(Warning::Ignored(
            "--parallel-digest: part manifests carry SHA-256 digests only".into(),
        ));
    }
    let needs: Vec<Need> = w
        .files
        .iter()
        .map(|f| {
            if opts.parallel_digest && !with_parts && f.size >= hash::BLAKE3_MIN_SIZE {
                Need::Sha256AndBlake3
            } else {
                Need::Sha256
            }
        })
        .collect();
    let digests = if with_parts {
        // The parts' digests, in walk order (spec/manifest.md §5.4).
        let mut parts = parts::Parts::open(&opts.parts)?;
        let mut out = Vec::with_capacity(w.files.len());
        for f in &w.files {
            out.push(Digests {
                sha256: Some(parts.next_digest(f)?),
                blake3: None,
                cached: false,
            });
        }
        parts.finish(&w.listing)?;
        out
    } else {
        let hash_opts = HashOptions {
            threads: opts.threads,
            cache: opts.cache.as_deref(),
        };
        hash_files_with(&w.files, &needs, &hash_opts, progress)?
    };
    let mut artifacts = Vec::with_capacity(w.files.len());
    for ((entry, digests), need) in w.files.iter().zip(digests).zip(&needs) {
        let sha256 = digests
            .sha256
            .ok_or_else(|| ScanError::ChangedWhileHashing {
                path: entry.path.clone(),
                what: "no SHA-256 computed".into(),
            })?;
        let blake3 = match need {
            Need::Sha256AndBlake3 => digests.blake3,
            _ => None,
        };
        artifacts.push(Artifact {
            path: entry.rel.clone(),
            size: entry.size,
            sha256,
            blake3,
            kind: classify::classify(entry.rel.as_str()),
            licence: None,
            detected_licence: None,
            weights: None,
            folder: None,
            fingerprint: None,
        });
    }
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    warnings.extend(w.case_twins.iter().map(|(a, b)| Warning::CaseTwins {
        first: a.clone(),
        second: b.clone(),
    }));
    describe(w, artifacts, warnings, opts)
}

/// Reads what the files listed one by one say about themselves — the card, licence texts,
/// weight headers — and names the release (spec/scan.md §3–§7).
fn describe(
    w: Walk,
    mut artifacts: Vec<Artifact>,
    mut warnings: Vec<Warning>,
    opts: &ScanOptions,
) -> Result<Scan, ScanError> {
    let mut card = None;
    for a in artifacts.iter_mut().filter(|a| a.folder.is_none()) {
        let rel = a.path.as_str();
        let path = w.root.join(rel);
        if classify::is_card_candidate(rel) {
            let text = read_text(&path, sceau_core::card::MAX_FRONT_MATTER + 64 * 1024)?;
            let (meta, ws) = sceau_core::card::parse_card(&text);
            warnings.extend(ws.into_iter().map(|warning| Warning::Card {
                path: rel.to_owned(),
                warning,
            }));
            if let Some(m) = meta {
                a.kind = ArtifactKind::ModelCard;
                card = Some(m);
            }
        }
        if a.kind == ArtifactKind::Licence {
            let text = read_text(&path, licence_detect::MAX_LICENCE_TEXT)?;
            a.detected_licence = licence_detect::detect(&text);
        }
        if a.kind == ArtifactKind::Weights {
            if let Some(fmt) = headers::format_for_name(rel) {
                let f = hash::open_regular(&path)?;
                let mut r = std::io::BufReader::new(f);
                let res = match fmt {
                    sceau_core::WeightFormat::Safetensors => {
                        headers::read_safetensors(&mut r, a.size)
                    }
                    sceau_core::WeightFormat::Gguf => headers::read_gguf(&mut r, a.size),
                };
                match res {
                    Ok(info) => a.weights = Some(info),
                    Err(e) => warnings.push(Warning::WeightHeader {
                        path: rel.to_owned(),
                        message: e.to_string(),
                    }),
                }
            }
        }
    }
    if opts.fingerprints {
        for (a, reason) in fingerprint::fingerprint_artifacts(&mut artifacts, &w.files) {
            warnings.push(Warning::NotFingerprinted { path: a, reason });
        }
    }

    let licence = card.as_ref().and_then(|c| {
        let l = Licence::from_hf(
            c.license.as_deref()?,
            c.license_name.as_deref(),
            c.license_link.as_deref(),
        )
        .ok()?;
        Some(attach_licence_file(l, &artifacts))
    });
    if let Some(l) = &licence {
        for a in artifacts
            .iter_mut()
            .filter(|a| a.kind != ArtifactKind::Licence)
        {
            a.licence = Some(l.clone());
        }
    }

    let name = opts
        .name
        .clone()
        .or_else(|| w.hf.as_ref().map(|h| h.repo_id.clone()))
        .unwrap_or_else(|| {
            w.root
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("release")
                .to_owned()
        });
    let version = match opts
        .version
        .clone()
        .or_else(|| w.hf.as_ref().map(|h| h.revision.clone()))
    {
        Some(v) => v,
        None => {
            warnings.push(Warning::NoVersion);
            DEFAULT_VERSION.to_owned()
        }
    };
    // Names people read must not print like other names (spec/record.md §2.7).
    for (what, text) in [("name", &name), ("version", &version)] {
        sceau_core::name::check_name(text).map_err(|reason| ScanError::InvalidName {
            what,
            name: text.chars().take(80).collect(),
            reason,
        })?;
    }
    Ok(Scan {
        release: Release {
            name,
            version,
            artifacts,
            licence,
            card,
            ignore: opts.ignore.clone(),
            parents: Vec::new(),
            tokenizer_changed: false,
            oms_root: None,
            claims: None,
            manifest: None,
        },
        warnings,
        root: w.root,
        hf: w.hf,
        listing: w.listing,
        manifest: None,
    })
}

/// A named licence points at its text: `license_link` when it names a file of the release,
/// else the first licence file at the root (spec/scan.md §7.2).
fn attach_licence_file(l: Licence, artifacts: &[Artifact]) -> Licence {
    match l {
        Licence::Named { id, url, .. } => {
            let by_link = url.as_deref().and_then(|u| {
                artifacts
                    .iter()
                    .find(|a| a.path.as_str() == u.trim_start_matches("./"))
            });
            let file = by_link
                .or_else(|| {
                    artifacts
                        .iter()
                        .find(|a| a.kind == ArtifactKind::Licence && !a.path.as_str().contains('/'))
                })
                .map(|a| a.path.clone());
            Licence::Named { id, url, file }
        }
        other => other,
    }
}

fn read_text(path: &Path, cap: usize) -> Result<String, ScanError> {
    let f = hash::open_regular(path)?;
    let mut buf = Vec::new();
    f.take(cap as u64)
        .read_to_end(&mut buf)
        .map_err(|e| ScanError::io(path, e))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
