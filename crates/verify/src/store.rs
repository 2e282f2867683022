//! The record store: a folder of records addressed by the SHA-256 of their signed payload
//! (spec/lineage.md §2).
//!
//! `<store>/<hex>.json` holds a DSSE envelope whose payload hashes to `<hex>`. File names
//! are never trusted: every read re-hashes the payload and compares.
use std::collections::BTreeMap;
use std::io::{Read as _, Write};
use std::path::{Path, PathBuf};

use sceau_core::dsse::{Envelope, MAX_ENVELOPE_BYTES};
use sceau_core::Sha256Digest;

use crate::record::{read_unverified, RecordError};

/// Why the store refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store folder is missing or not a folder.
    #[error("record store {0}: not a folder")]
    NotAFolder(PathBuf),
    /// File system error.
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// Not a well-formed record (spec/lineage.md §2.2).
    #[error("not a well-formed sceau record: {0}")]
    NotARecord(#[from] RecordError),
    /// A stored file whose payload does not hash to its name.
    #[error("{path}: payload digest {actual} does not match the file name")]
    Mismatch {
        /// The file.
        path: PathBuf,
        /// What its payload hashes to.
        actual: Sha256Digest,
    },
    /// A stored file that is too large to be a record.
    #[error("{0}: too large to be a record")]
    TooLarge(PathBuf),
    /// A store entry that is not a regular file (a folder, symlink, FIFO or device): not read.
    #[error("{0}: not a regular file")]
    NotAFile(PathBuf),
}

/// What `add` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    /// A new record.
    New,
    /// The record was there; nothing changed.
    Present,
    /// The record was there; new signatures were merged in (the payload is the same).
    MergedSignatures(usize),
}

/// Where parent records are looked up during lineage walks.
pub trait RecordSource {
    /// The record whose payload hashes to `digest`, if known (already checked to match).
    fn get(&self, digest: &Sha256Digest) -> Result<Option<Envelope>, StoreError>;
}

/// A record store folder.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

impl Store {
    /// Opens an existing store folder.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        if !dir.is_dir() {
            return Err(StoreError::NotAFolder(dir.to_owned()));
        }
        Ok(Store {
            dir: dir.to_owned(),
        })
    }

    /// Opens a store folder, creating it when missing.
    pub fn create(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        Store::open(dir)
    }

    /// The file a record with this payload digest lives in.
    pub fn path_of(&self, digest: &Sha256Digest) -> PathBuf {
        self.dir.join(format!("{digest}.json"))
    }

    /// Adds a record (idempotent). Refuses anything that is not a well-formed record; when
    /// the record is already stored, signatures it has that the stored copy lacks are merged
    /// in (countersignatures arriving later), the payload never changes (spec/lineage.md §2.3).
    pub fn add(&self, bytes: &[u8]) -> Result<(Sha256Digest, Added), StoreError> {
        let rec = read_unverified(bytes)?;
        let digest = rec.payload_sha256;
        let path = self.path_of(&digest);
        let (to_write, outcome) = match self.get(&digest)? {
            None => (rec.envelope, Added::New),
            Some(mut stored) => {
                let mut added = 0;
                for s in rec.envelope.signatures {
                    if !stored.signatures.iter().any(|t| t.sig == s.sig) {
                        stored.signatures.push(s);
                        added += 1;
                    }
                }
                if added == 0 {
                    return Ok((digest, Added::Present));
                }
                (stored, Added::MergedSignatures(added))
            }
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".sceau-tmp-")
            .tempfile_in(&self.dir)
            .map_err(|e| io(&self.dir, e))?;
        tmp.write_all(&to_write.to_json())
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| io(&path, e))?;
        tmp.persist(&path).map_err(|e| io(&path, e.error))?;
        Ok((digest, outcome))
    }

    /// Every digest in the store (file names that look like digests).
    pub fn digests(&self) -> Result<Vec<Sha256Digest>, StoreError> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(&self.dir).map_err(|e| io(&self.dir, e))? {
            let e = e.map_err(|e| io(&self.dir, e))?;
            if let Some(d) = e
                .file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .and_then(|h| h.parse().ok())
            {
                out.push(d);
            }
        }
        out.sort();
        Ok(out)
    }
}

impl RecordSource for Store {
    fn get(&self, digest: &Sha256Digest) -> Result<Option<Envelope>, StoreError> {
        let path = self.path_of(digest);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path, e)),
        };
        if !meta.is_file() {
            return Err(StoreError::NotAFile(path));
        }
        if meta.len() > MAX_ENVELOPE_BYTES as u64 {
            return Err(StoreError::TooLarge(path));
        }
        // Opened without blocking and re-checked, then read within the limit: the entry may
        // have been swapped since the check above.
        let f = sceau_scan::hash::open_regular(&path).map_err(|e| match e {
            sceau_scan::ScanError::Io { source, .. } => io(&path, source),
            _ => StoreError::NotAFile(path.clone()),
        })?;
        let mut bytes = Vec::new();
        std::io::Read::take(f, MAX_ENVELOPE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| io(&path, e))?;
        if bytes.len() > MAX_ENVELOPE_BYTES {
            return Err(StoreError::TooLarge(path));
        }
        let env = Envelope::from_json(&bytes).map_err(|e| StoreError::NotARecord(e.into()))?;
        let actual = sceau_scan::hash::sha256(&env.payload);
        if actual != *digest {
            return Err(StoreError::Mismatch { path, actual });
        }
        Ok(Some(env))
    }
}

/// Records given on the command line (`--with RECORD`), indexed by payload digest.
#[derive(Clone, Debug, Default)]
pub struct Loose(BTreeMap<Sha256Digest, Envelope>);

impl Loose {
    /// Adds a record's bytes; returns its payload digest.
    pub fn add(&mut self, bytes: &[u8]) -> Result<Sha256Digest, StoreError> {
        let rec = read_unverified(bytes)?;
        let d = rec.payload_sha256;
        self.0.insert(d, rec.envelope);
        Ok(d)
    }
}

impl RecordSource for Loose {
    fn get(&self, digest: &Sha256Digest) -> Result<Option<Envelope>, StoreError> {
        Ok(self.0.get(digest).cloned())
    }
}

/// Looks in each source in turn.
pub struct Sources<'a>(pub Vec<&'a dyn RecordSource>);

impl RecordSource for Sources<'_> {
    fn get(&self, digest: &Sha256Digest) -> Result<Option<Envelope>, StoreError> {
        for s in &self.0 {
            if let Some(e) = s.get(digest)? {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }
}
