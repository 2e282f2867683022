//! sceau scanning: walk a release folder without trusting it, classify and hash every file,
//! read the model card's front matter and weight headers, and produce a typed [`Release`].
//!
//! Nothing here prints; progress goes through [`Progress`] and problems that do not stop the
//! scan come back as [`Warning`]s (spec/scan.md).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cache;
pub mod card_read;
pub mod classify;
pub mod error;
pub mod hash;
pub mod headers;
pub mod hf;
pub mod licence_detect;
pub mod links;
pub mod stamp;
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
pub use walk::{walk, FileEntry, HfSnapshot, Walk};

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
}

/// The result of a scan.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The release.
    pub release: Release,
    /// Problems that did not stop the scan.
    pub warnings: Vec<Warning>,
    /// The canonical root that was scanned.
    pub root: PathBuf,
    /// Set when the root is a Hugging Face cache snapshot.
    pub hf: Option<HfSnapshot>,
}

/// Scans `root` (spec/scan.md): [`walk()`] with `opts.ignore`, then [`scan_walked`].
pub fn scan(root: &Path, opts: &ScanOptions, progress: &dyn Progress) -> Result<Scan, ScanError> {
    let w = walk(root, &opts.ignore)?;
    scan_walked(w, opts, progress)
}

/// The second half of [`scan`]: hashes and reads the files of `w`, a walk made by
/// [`walk()`] with `opts.ignore`, and builds the release. For a caller that judges the walk
/// before any file is read (the seal refuses a record too large to sign, spec/record.md §2.6).
pub fn scan_walked(
    w: Walk,
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<Scan, ScanError> {
    let needs: Vec<Need> = w
        .files
        .iter()
        .map(|f| {
            if opts.parallel_digest && f.size >= hash::BLAKE3_MIN_SIZE {
                Need::Sha256AndBlake3
            } else {
                Need::Sha256
            }
        })
        .collect();
    let hash_opts = HashOptions {
        threads: opts.threads,
        cache: opts.cache.as_deref(),
    };
    let digests = hash_files_with(&w.files, &needs, &hash_opts, progress)?;
    let mut warnings: Vec<Warning> = w
        .case_twins
        .iter()
        .map(|(a, b)| Warning::CaseTwins {
            first: a.clone(),
            second: b.clone(),
        })
        .collect();

    let mut card = None;
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
        let rel = entry.rel.as_str();
        let mut kind = classify::classify(rel);
        let mut detected_licence = None;
        let mut weights = None;
        if classify::is_card_candidate(rel) {
            let text = read_text(&entry.path, sceau_core::card::MAX_FRONT_MATTER + 64 * 1024)?;
            let (meta, ws) = sceau_core::card::parse_card(&text);
            warnings.extend(ws.into_iter().map(|warning| Warning::Card {
                path: rel.to_owned(),
                warning,
            }));
            if let Some(m) = meta {
                kind = ArtifactKind::ModelCard;
                card = Some(m);
            }
        }
        if kind == ArtifactKind::Licence {
            let text = read_text(&entry.path, licence_detect::MAX_LICENCE_TEXT)?;
            detected_licence = licence_detect::detect(&text);
        }
        if kind == ArtifactKind::Weights {
            if let Some(fmt) = headers::format_for_name(rel) {
                let f = hash::open_regular(&entry.path)?;
                let mut r = std::io::BufReader::new(f);
                let res = match fmt {
                    sceau_core::WeightFormat::Safetensors => {
                        headers::read_safetensors(&mut r, entry.size)
                    }
                    sceau_core::WeightFormat::Gguf => headers::read_gguf(&mut r, entry.size),
                };
                match res {
                    Ok(info) => weights = Some(info),
                    Err(e) => warnings.push(Warning::WeightHeader {
                        path: rel.to_owned(),
                        message: e.to_string(),
                    }),
                }
            }
        }
        artifacts.push(Artifact {
            path: entry.rel.clone(),
            size: entry.size,
            sha256,
            blake3,
            kind,
            licence: None,
            detected_licence,
            weights,
        });
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
    // Names people read must not print like other names (spec/record.md §2.5).
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
        },
        warnings,
        root: w.root,
        hf: w.hf,
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
