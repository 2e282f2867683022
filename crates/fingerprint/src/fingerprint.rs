//! A model's fingerprint: the sketches of its tensors, built from weight files
//! (spec/fingerprint.md §1, §3).
use std::collections::BTreeSet;
use std::fmt;
use std::fs::File;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::entry::{Entry, MAX_NAME_BYTES};
use crate::error::{FingerprintError, ReadError, SkipReason};
use crate::grid::{Grid, MatrixShape};
use crate::names;
use crate::sketch::{sketch_values, NoSketch, TensorSketch, DEFAULT_K};
use crate::source::{FileSource, ReadAt};
use crate::storage::sample;
use crate::{gguf, onnx, safetensors};

/// Tensors with fewer elements are not sketched (spec/fingerprint.md §2.6).
pub const MIN_ELEMENTS: u64 = 64;

/// A weight file format this crate reads (spec/fingerprint.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// safetensors.
    Safetensors,
    /// GGUF (llama.cpp).
    Gguf,
    /// ONNX.
    Onnx,
}

impl Format {
    /// The format a file name's extension names, ASCII case-insensitively (`.safetensors`,
    /// `.gguf`, `.onnx`), after a non-empty stem.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?;
        let (stem, ext) = name.rsplit_once('.')?;
        if stem.is_empty() {
            return None;
        }
        [
            ("safetensors", Format::Safetensors),
            ("gguf", Format::Gguf),
            ("onnx", Format::Onnx),
        ]
        .into_iter()
        .find(|(e, _)| ext.eq_ignore_ascii_case(e))
        .map(|(_, f)| f)
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Safetensors => "safetensors",
            Format::Gguf => "gguf",
            Format::Onnx => "onnx",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tensor left out of a fingerprint, and why (spec/fingerprint.md §2.6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Its name (canonical where recovered).
    pub name: String,
    /// Its dimensions in PyTorch order.
    pub dims: Vec<u64>,
    /// Why.
    #[serde(flatten)]
    pub reason: SkipReason,
}

/// The fingerprint of a model: one sketch per weight tensor, sorted by name
/// (spec/fingerprint.md §1).
///
/// Built from one weight file ([`Fingerprint::from_file`]) or several (shards, merged with
/// [`Fingerprint::merge`]); stored in a bill of materials as a property value
/// ([`Fingerprint::to_bom_value`], spec/fingerprint.md §5); compared with [`crate::compare`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Sketch length `K`.
    pub k: u16,
    /// Sketches, sorted by name, names unique.
    pub tensors: Vec<TensorSketch>,
    /// Tensors without a sketch. Not part of the stored form (spec/fingerprint.md §5.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
}

impl Fingerprint {
    /// Fingerprints the weight file at `path` (spec/fingerprint.md §3).
    ///
    /// Reads the file's header, then only the sampled elements of each tensor, with
    /// positioned reads. ONNX external data files named by the model are opened from the
    /// model's directory when their names are plain relative paths inside it
    /// (spec/fingerprint.md §4.4.4); other tensors' sketches do not depend on them.
    pub fn from_file(path: &Path, format: Format) -> Result<Fingerprint, FingerprintError> {
        let file = File::open(path).map_err(|source| FingerprintError::Open {
            path: path.to_owned(),
            source,
        })?;
        Fingerprint::from_open_file(file, path, format)
    }

    /// Fingerprints a weight file the caller has already opened (for a caller that opens
    /// files its own way, such as the scanner, which refuses anything but a regular file
    /// without blocking); `path` names it in errors and locates ONNX external data
    /// (spec/fingerprint.md §4.4.4).
    pub fn from_open_file(
        file: File,
        path: &Path,
        format: Format,
    ) -> Result<Fingerprint, FingerprintError> {
        let main = FileSource::new(file).map_err(|source| FingerprintError::Open {
            path: path.to_owned(),
            source,
        })?;
        let read_err = |source| FingerprintError::Read {
            path: path.to_owned(),
            source,
        };
        match format {
            Format::Safetensors => {
                let entries = safetensors::read(&main).map_err(read_err)?;
                build(entries, &[&main]).map_err(read_err)
            }
            Format::Gguf => {
                let entries = gguf::read(&main).map_err(read_err)?;
                build(entries, &[&main]).map_err(read_err)
            }
            Format::Onnx => {
                let mut t = onnx::read(&main).map_err(read_err)?;
                let dir = path.parent().unwrap_or(Path::new("."));
                let mut ext: Vec<Result<FileSource, ExternalFileError>> = Vec::new();
                for loc in &t.external {
                    ext.push(external_path(dir, loc).and_then(|p| {
                        File::open(&p)
                            .and_then(FileSource::new)
                            .map_err(|e| ExternalFileError {
                                location: loc.chars().take(120).collect(),
                                why: ExternalWhy::Io(e.kind()),
                            })
                    }));
                }
                let mut sources: Vec<&dyn ReadAt> = vec![&main];
                for e in &ext {
                    match e {
                        Ok(f) => sources.push(f),
                        Err(_) => sources.push(&EMPTY),
                    }
                }
                for m in &t.memory {
                    sources.push(m);
                }
                // Tensors in unusable or too short external files are skipped.
                for e in &mut t.entries {
                    let Ok((_, st)) = &e.content else { continue };
                    if st.source == 0 || st.source > ext.len() {
                        continue;
                    }
                    let why = match &ext[st.source - 1] {
                        Err(why) => Some(why.to_string()),
                        Ok(f) => {
                            let need = st
                                .encoding
                                .bytes_for(st.storage_rows.saturating_mul(st.storage_cols))
                                .and_then(|b| b.checked_add(st.offset));
                            match need {
                                Some(end) if end <= f.len() => None,
                                _ => Some("data range past the end of the file".to_owned()),
                            }
                        }
                    };
                    if let Some(why) = why {
                        e.content = Err(SkipReason::ExternalData { why });
                    }
                }
                build(t.entries, &sources).map_err(read_err)
            }
        }
    }

    /// Fingerprints a weight file held in memory. ONNX external data cannot be resolved:
    /// those tensors are skipped (spec/fingerprint.md §4.4.4).
    pub fn from_bytes(bytes: &[u8], format: Format) -> Result<Fingerprint, ReadError> {
        match format {
            Format::Safetensors => build(safetensors::read(&bytes)?, &[&bytes]),
            Format::Gguf => build(gguf::read(&bytes)?, &[&bytes]),
            Format::Onnx => {
                let mut t = onnx::read(&bytes)?;
                let n = t.external.len();
                for e in &mut t.entries {
                    if matches!(&e.content, Ok((_, st)) if st.source >= 1 && st.source <= n) {
                        e.content = Err(SkipReason::ExternalData {
                            why: "no directory to resolve it in".into(),
                        });
                    }
                }
                let mut sources: Vec<&dyn ReadAt> = vec![&bytes];
                sources.extend(std::iter::repeat_n(&EMPTY as &dyn ReadAt, n));
                for m in &t.memory {
                    sources.push(m);
                }
                build(t.entries, &sources)
            }
        }
    }

    /// Merges the fingerprints of a model's shards. A name present in several parts keeps
    /// its first sketch; the sketch lengths must agree (the first part's `k` is kept and
    /// sketches of another length are dropped into `skipped`).
    pub fn merge(parts: impl IntoIterator<Item = Fingerprint>) -> Fingerprint {
        let mut k = None;
        let mut tensors: Vec<TensorSketch> = Vec::new();
        let mut skipped = Vec::new();
        let mut seen = BTreeSet::new();
        for p in parts {
            let k = *k.get_or_insert(p.k);
            for t in p.tensors {
                if p.k == k && seen.insert(t.name.clone()) {
                    tensors.push(t);
                }
            }
            skipped.extend(p.skipped);
        }
        tensors.sort_by(|a, b| a.name.cmp(&b.name));
        Fingerprint {
            k: k.unwrap_or(DEFAULT_K as u16),
            tensors,
            skipped,
        }
    }

    /// The sketch of the tensor called `name`.
    pub fn get(&self, name: &str) -> Option<&TensorSketch> {
        self.tensors
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.tensors[i])
    }
}

/// A source with no bytes (for unusable external files: their tensors are skipped first).
static EMPTY: &[u8] = &[];

/// The path of an external data file: `location` must be a relative path of normal
/// components (no `..`, no root, no drive), resolved in `dir`, and a regular file
/// (spec/fingerprint.md §4.4.4).
pub fn external_path(dir: &Path, location: &str) -> Result<PathBuf, ExternalFileError> {
    let rel = Path::new(location);
    let bad = |why| ExternalFileError {
        location: location.chars().take(120).collect(),
        why,
    };
    if location.is_empty()
        || !rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(bad(ExternalWhy::NotRelative));
    }
    let p = dir.join(rel);
    match std::fs::symlink_metadata(&p) {
        Ok(m) if m.file_type().is_file() => Ok(p),
        Ok(_) => Err(bad(ExternalWhy::NotRegular)),
        Err(e) => Err(bad(ExternalWhy::Io(e.kind()))),
    }
}

/// Why an ONNX external data file is not used (its tensors are then skipped).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("external data {location:?}: {why}")]
pub struct ExternalFileError {
    /// The location as the model names it (at most 120 characters).
    pub location: String,
    /// Why.
    pub why: ExternalWhy,
}

/// What is wrong with an external data file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExternalWhy {
    /// Not a plain relative path (`..`, a root, a drive).
    #[error("not a plain relative path")]
    NotRelative,
    /// Not a regular file.
    #[error("not a regular file")]
    NotRegular,
    /// It cannot be examined or opened.
    #[error("{0}")]
    Io(std::io::ErrorKind),
}

/// Sketches every entry (spec/fingerprint.md §3).
fn build(entries: Vec<Entry>, sources: &[&dyn ReadAt]) -> Result<Fingerprint, ReadError> {
    let mut tensors = Vec::new();
    let mut skipped = Vec::new();
    let mut seen = BTreeSet::new();
    for e in entries {
        let skip = |reason| Skipped {
            name: e.name.clone(),
            dims: e.dims.clone(),
            reason,
        };
        if e.name.len() > MAX_NAME_BYTES {
            skipped.push(skip(SkipReason::NameTooLong));
            continue;
        }
        if !seen.insert(e.name.clone()) {
            return Err(ReadError::DuplicateName { name: e.name });
        }
        let (dtype, storage) = match &e.content {
            Ok(c) => c,
            Err(r) => {
                skipped.push(skip(r.clone()));
                continue;
            }
        };
        let Some(shape) = MatrixShape::of_dims(&e.dims) else {
            return Err(ReadError::Overflow {
                what: "element count",
                tensor: e.name,
            });
        };
        if shape.elements() < MIN_ELEMENTS {
            skipped.push(skip(SkipReason::Tiny {
                elements: shape.elements(),
            }));
            continue;
        }
        if storage.canonical_shape() != shape {
            return Err(ReadError::SizeMismatch {
                tensor: e.name,
                expected: shape.elements(),
                actual: storage.canonical_shape().elements(),
            });
        }
        let key = shape.grid_key();
        let Some(grid) = Grid::for_key(key) else {
            skipped.push(skip(SkipReason::Tiny { elements: 0 }));
            continue;
        };
        let values = sample(storage, sources, &grid).map_err(|source| ReadError::Sample {
            tensor: e.name.clone(),
            source,
        })?;
        match sketch_values(&values, &grid, key, DEFAULT_K) {
            Ok((mean, std, projection)) => {
                let mut role = names::role_of(&e.name, &e.dims);
                if let Some(h) = e.role_hint {
                    if role.is_matrix() {
                        role = h;
                    }
                }
                tensors.push(TensorSketch {
                    name: e.name,
                    dims: e.dims,
                    dtype: *dtype,
                    role,
                    mean,
                    std,
                    projection,
                });
            }
            Err(NoSketch::Constant) => skipped.push(skip(SkipReason::Constant)),
            Err(NoSketch::NonFinite) => skipped.push(skip(SkipReason::NonFinite)),
        }
    }
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Fingerprint {
        k: DEFAULT_K as u16,
        tensors,
        skipped,
    })
}
