//! The on-disk digest cache behind `--cache` (spec/hashing.md §4).
//!
//! A map from a file's stamp — device, inode, size, modification time and status-change time,
//! to the nanosecond — to the digests computed for that version of the file. A hit skips
//! reading the file. The cache is an optimisation the user opts into and trusts like their own
//! files: anyone who can write it can make a changed file look unchanged (spec/hashing.md §4.5).
//!
//! Loading never fails: a missing file is an empty cache; an unreadable, corrupt, oversized or
//! unsafe one is an empty cache plus a warning, and is then never written over by this run.
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sceau_core::{Blake3Digest, Sha256Digest};

use crate::stamp::{Digests, Stamp};

/// Most entries kept; beyond it the least recently used are dropped (spec/hashing.md §4.4).
pub const MAX_ENTRIES: usize = 65_536;

/// File name of the cache inside its directory.
pub const FILE_NAME: &str = "digests-v1.bin";

/// A file whose status changed less than this long before hashing started is not cached:
/// a later change within the file system's timestamp granularity could leave its stamp
/// unchanged (spec/hashing.md §4.2).
pub const RACY_MARGIN: Duration = Duration::from_secs(2);

/// A hit refreshes an entry's last use only when it is older than this: a warm run that finds
/// everything in the cache then writes nothing (spec/hashing.md §4.4).
pub const USE_REFRESH_SECS: u64 = 24 * 3600;

const MAGIC: &[u8; 8] = b"SCEAUDC1";
const HEADER: usize = 16;
const RECORD: usize = 128;
const TRAILER: usize = 32;
const FLAG_SHA256: u32 = 1;
const FLAG_BLAKE3: u32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    sha256: Option<[u8; 32]>,
    blake3: Option<[u8; 32]>,
    /// Last use, seconds since the Unix epoch.
    used: u64,
}

impl Entry {
    fn merge(&mut self, other: &Entry) {
        self.sha256 = self.sha256.or(other.sha256);
        self.blake3 = self.blake3.or(other.blake3);
        self.used = self.used.max(other.used);
    }
}

/// The entries: those loaded, kept as the file holds them (sorted by key, looked up by binary
/// search, so that loading is one pass with no hashing), and those added by this run.
#[derive(Default)]
struct Table {
    base: Vec<(Stamp, Entry)>,
    added: HashMap<Stamp, Entry>,
}

impl Table {
    fn len(&self) -> usize {
        self.base.len() + self.added.len()
    }

    fn get_mut(&mut self, k: &Stamp) -> Option<&mut Entry> {
        match self.base.binary_search_by(|(s, _)| s.cmp(k)) {
            Ok(i) => Some(&mut self.base[i].1),
            Err(_) => self.added.get_mut(k),
        }
    }

    fn merge(&mut self, k: Stamp, v: Entry) {
        match self.get_mut(&k) {
            Some(e) => e.merge(&v),
            None => {
                self.added.insert(k, v);
            }
        }
    }

    /// Every entry, sorted by key, at most [`MAX_ENTRIES`]: the most recently used are kept,
    /// ties broken by key.
    fn into_bounded(self) -> Vec<(Stamp, Entry)> {
        let mut all = self.base;
        all.extend(self.added);
        if all.len() > MAX_ENTRIES {
            all.sort_unstable_by(|a, b| b.1.used.cmp(&a.1.used).then(a.0.cmp(&b.0)));
            all.truncate(MAX_ENTRIES);
        }
        all.sort_unstable_by_key(|e| e.0);
        all
    }
}

/// The digest cache of one run: loaded once, consulted and filled by the hashing workers,
/// saved once (merged with what other runs saved meanwhile).
pub struct DigestCache {
    path: PathBuf,
    entries: Mutex<Table>,
    dirty: AtomicBool,
    /// Set when the file on disk was refused as unsafe: this run neither trusts nor writes it.
    read_only: bool,
    racy_margin: Duration,
    now: u64,
    warnings: Vec<String>,
}

impl std::fmt::Debug for DigestCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestCache")
            .field("path", &self.path)
            .field("entries", &self.len())
            .finish()
    }
}

/// The cache directory: `SCEAU_CACHE_DIR`, else `$XDG_CACHE_HOME/sceau`, else
/// `~/.cache/sceau` (spec/hashing.md §4.1). `None` when none of them is set.
pub fn default_dir() -> Option<PathBuf> {
    let nonempty = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    nonempty("SCEAU_CACHE_DIR")
        .or_else(|| nonempty("XDG_CACHE_HOME").map(|d| d.join("sceau")))
        .or_else(|| nonempty("HOME").map(|h| h.join(".cache").join("sceau")))
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl DigestCache {
    /// Loads the cache kept in `dir` (which need not exist yet). Never fails: problems become
    /// [`warnings`](Self::warnings) and an empty cache.
    pub fn open(dir: &Path) -> DigestCache {
        let path = dir.join(FILE_NAME);
        let mut c = DigestCache {
            path,
            entries: Mutex::new(Table::default()),
            dirty: AtomicBool::new(false),
            read_only: false,
            racy_margin: RACY_MARGIN,
            now: unix_secs(SystemTime::now()),
            warnings: Vec::new(),
        };
        if let Err(why) = check_safe(dir, &c.path) {
            c.warnings
                .push(format!("digest cache {} not used: {why}", c.path.display()));
            c.read_only = true;
            return c;
        }
        match read_file(&c.path).and_then(|b| decode(&b)) {
            Ok(base) => {
                c.entries = Mutex::new(Table {
                    base,
                    added: HashMap::new(),
                })
            }
            Err(why) => c.warnings.push(format!(
                "digest cache {} ignored and will be rewritten: {why}",
                c.path.display()
            )),
        }
        c
    }

    /// Sets how long before hashing started a file's status must have last changed for its
    /// digests to be cached (default [`RACY_MARGIN`]; tests use zero).
    pub fn with_racy_margin(mut self, margin: Duration) -> Self {
        self.racy_margin = margin;
        self
    }

    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Problems met while loading (the cache was then treated as empty).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |m| m.len())
    }

    /// True when the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The digests cached for exactly this version of a file.
    pub fn lookup(&self, stamp: &Stamp) -> Option<Digests> {
        if self.read_only || !cfg!(unix) {
            return None;
        }
        let mut m = self.entries.lock().ok()?;
        let e = m.get_mut(stamp)?;
        if e.used.saturating_add(USE_REFRESH_SECS) < self.now {
            e.used = self.now;
            self.dirty.store(true, Ordering::Relaxed);
        }
        Some(Digests {
            sha256: e.sha256.map(Sha256Digest),
            blake3: e.blake3.map(Blake3Digest),
            cached: true,
        })
    }

    /// Records digests computed for the version of a file `stamp` names, unless its status
    /// changed too close to `hashing_started` to be sure a later change would show
    /// (spec/hashing.md §4.2). Returns whether it was recorded.
    pub fn insert(&self, stamp: &Stamp, d: &Digests, hashing_started: SystemTime) -> bool {
        if self.read_only || !cfg!(unix) || (d.sha256.is_none() && d.blake3.is_none()) {
            return false;
        }
        let Some(limit) = hashing_started
            .checked_sub(self.racy_margin)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        else {
            return false;
        };
        let (cs, cn) = stamp.ctime;
        let ctime_ok = cs >= 0 && Duration::new(cs as u64, cn) < limit;
        if !ctime_ok {
            return false;
        }
        let Ok(mut m) = self.entries.lock() else {
            return false;
        };
        m.merge(
            *stamp,
            Entry {
                sha256: d.sha256.map(|h| h.0),
                blake3: d.blake3.map(|h| h.0),
                used: self.now,
            },
        );
        self.dirty.store(true, Ordering::Relaxed);
        true
    }

    /// Writes the cache back if anything changed: merged with the file as it is now on disk
    /// (another run may have saved meanwhile), cut to [`MAX_ENTRIES`] by last use, written to
    /// a temporary file in the same directory and renamed over the old one.
    pub fn save(&self) -> std::io::Result<()> {
        if self.read_only || !self.dirty.load(Ordering::Relaxed) {
            return Ok(());
        }
        let Ok(mut m) = self.entries.lock() else {
            return Ok(());
        };
        if let Some(on_disk) = read_file(&self.path).ok().and_then(|b| decode(&b).ok()) {
            for (k, v) in on_disk {
                m.merge(k, v);
            }
        }
        let all = std::mem::take(&mut *m).into_bounded();
        let dir = self.path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        let bytes = encode(&all);
        m.base = all;
        let mut tmp = tempfile::Builder::new()
            .prefix(".digests-")
            .tempfile_in(dir)?;
        tmp.write_all(&bytes)?;
        // The rename replaces a regular file only (as every output, spec/output.md §1).
        match std::fs::symlink_metadata(&self.path) {
            Ok(m) if !m.file_type().is_file() => {
                return Err(std::io::Error::other(format!(
                    "{} is not a regular file",
                    self.path.display()
                )));
            }
            _ => {}
        }
        tmp.persist(&self.path).map_err(|e| e.error)?;
        self.dirty.store(false, Ordering::Relaxed);
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Why a cache file is not used (it is then a warning and the run goes on with an empty
/// cache, spec/hashing.md §4.3, §4.5).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheFileError {
    /// The file could not be read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The directory or file could not be examined.
    #[error("{what} {}: {source}", path.display())]
    Stat {
        /// "directory" or "file".
        what: &'static str,
        /// Which.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The cache file is not a regular file.
    #[error("{} is not a regular file", .0.display())]
    NotAFile(std::path::PathBuf),
    /// Others could write it.
    #[error("{what} {} is writable by other users (mode {mode:o})", path.display())]
    Writable {
        /// "directory" or "file".
        what: &'static str,
        /// Which.
        path: std::path::PathBuf,
        /// Its mode bits.
        mode: u32,
    },
    /// Another user owns it.
    #[error("{what} {} belongs to another user (uid {uid})", path.display())]
    Owner {
        /// "directory" or "file".
        what: &'static str,
        /// Which.
        path: std::path::PathBuf,
        /// Its owner.
        uid: u32,
    },
    /// Larger than a full cache.
    #[error("larger than {0} bytes")]
    TooLarge(usize),
    /// Not this format.
    #[error("not a sceau digest cache (version 1)")]
    NotACache,
    /// The length does not match the entry count.
    #[error("{len} bytes do not hold the {entries} entries announced")]
    Length {
        /// The file's length.
        len: usize,
        /// The count in its header.
        entries: u64,
    },
    /// The checksum does not match.
    #[error("checksum mismatch (truncated or corrupt)")]
    Checksum,
    /// Keys out of order.
    #[error("entry {0}: keys not in strictly increasing order")]
    Order(usize),
    /// Unknown flags.
    #[error("entry {entry}: bad flags {flags:#x}")]
    Flags {
        /// The entry.
        entry: usize,
        /// Its flags.
        flags: u32,
    },
    /// Nanoseconds out of range.
    #[error("entry {0}: bad nanoseconds")]
    Nanoseconds(usize),
    /// Unused bytes that are not zero.
    #[error("entry {0}: non-zero unused bytes")]
    Padding(usize),
}

/// Refuses a cache directory or file that others could write (spec/hashing.md §4.5).
#[cfg(unix)]
fn check_safe(dir: &Path, file: &Path) -> Result<(), CacheFileError> {
    use std::os::unix::fs::MetadataExt;
    let me = std::fs::metadata("/proc/self").ok().map(|m| m.uid());
    for (what, p) in [("directory", dir), ("file", file)] {
        let m = match std::fs::symlink_metadata(p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(CacheFileError::Stat {
                    what,
                    path: p.to_owned(),
                    source,
                })
            }
        };
        if what == "file" && !m.is_file() {
            return Err(CacheFileError::NotAFile(p.to_owned()));
        }
        if m.mode() & 0o022 != 0 {
            return Err(CacheFileError::Writable {
                what,
                path: p.to_owned(),
                mode: m.mode() & 0o7777,
            });
        }
        if let Some(uid) = me {
            if m.uid() != uid {
                return Err(CacheFileError::Owner {
                    what,
                    path: p.to_owned(),
                    uid: m.uid(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_safe(_dir: &Path, _file: &Path) -> Result<(), CacheFileError> {
    Ok(())
}

/// Encodes entries in the order given (ascending key order when saving).
fn encode(all: &[(Stamp, Entry)]) -> Vec<u8> {
    let mut b = Vec::with_capacity(HEADER + all.len() * RECORD + TRAILER);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&(all.len() as u64).to_le_bytes());
    for (k, e) in all {
        let start = b.len();
        b.extend_from_slice(&k.dev.to_le_bytes());
        b.extend_from_slice(&k.ino.to_le_bytes());
        b.extend_from_slice(&k.len.to_le_bytes());
        b.extend_from_slice(&k.mtime.0.to_le_bytes());
        b.extend_from_slice(&k.mtime.1.to_le_bytes());
        b.extend_from_slice(&k.ctime.0.to_le_bytes());
        b.extend_from_slice(&k.ctime.1.to_le_bytes());
        let flags = if e.sha256.is_some() { FLAG_SHA256 } else { 0 }
            | if e.blake3.is_some() { FLAG_BLAKE3 } else { 0 };
        b.extend_from_slice(&flags.to_le_bytes());
        b.extend_from_slice(&e.used.to_le_bytes());
        b.extend_from_slice(&e.sha256.unwrap_or([0; 32]));
        b.extend_from_slice(&e.blake3.unwrap_or([0; 32]));
        b.resize(start + RECORD, 0);
    }
    let sum = checksum(&b);
    b.extend_from_slice(&sum);
    b
}

/// The trailer: BLAKE3 of everything before it (an integrity check, not a MAC).
fn checksum(b: &[u8]) -> [u8; 32] {
    *blake3::hash(b).as_bytes()
}

fn take<const N: usize>(r: &[u8], at: &mut usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&r[*at..*at + N]);
    *at += N;
    out
}

/// Reads a cache file's bytes, no more than a full cache holds (plus one byte, to tell an
/// oversized file). A missing file reads as an empty cache.
fn read_file(path: &Path) -> Result<Vec<u8>, CacheFileError> {
    let max = (HEADER + MAX_ENTRIES * RECORD + TRAILER) as u64;
    // Without blocking, and a regular file only: the file may have been swapped for a FIFO
    // since `check_safe` looked at it.
    let f = match crate::hash::open_regular(path) {
        Ok(f) => f,
        Err(crate::ScanError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            return Ok(encode(&[]))
        }
        Err(crate::ScanError::Io { source, .. }) => return Err(CacheFileError::Io(source)),
        Err(_) => return Err(CacheFileError::NotAFile(path.to_owned())),
    };
    let mut bytes = Vec::new();
    f.take(max + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Checks a cache file's bytes, every entry, and returns them in key order.
fn decode(bytes: &[u8]) -> Result<Vec<(Stamp, Entry)>, CacheFileError> {
    let max = HEADER + MAX_ENTRIES * RECORD + TRAILER;
    if bytes.len() > max {
        return Err(CacheFileError::TooLarge(max));
    }
    if bytes.len() < HEADER + TRAILER || &bytes[..8] != MAGIC {
        return Err(CacheFileError::NotACache);
    }
    let mut at = 8;
    let n = u64::from_le_bytes(take(bytes, &mut at));
    if n > MAX_ENTRIES as u64 || bytes.len() != HEADER + n as usize * RECORD + TRAILER {
        return Err(CacheFileError::Length {
            len: bytes.len(),
            entries: n,
        });
    }
    let body = bytes.len() - TRAILER;
    if checksum(&bytes[..body]) != bytes[body..] {
        return Err(CacheFileError::Checksum);
    }
    let mut out: Vec<(Stamp, Entry)> = Vec::with_capacity(n as usize);
    for i in 0..n as usize {
        let (k, e) = record_at(bytes, i)?;
        if out.last().is_some_and(|(p, _)| *p >= k) {
            return Err(CacheFileError::Order(i));
        }
        out.push((k, e));
    }
    Ok(out)
}

/// Checks the bytes of a cache file as [`DigestCache::open`] reads them (spec/hashing.md
/// §4.3) and returns them written again from what was read: equal to the input for every file
/// that is accepted (one encoding per cache). For fuzzing and tests.
#[doc(hidden)]
pub fn reencode_file(bytes: &[u8]) -> Result<Vec<u8>, CacheFileError> {
    decode(bytes).map(|entries| encode(&entries))
}

/// Entry `i`, checked on its own.
fn record_at(bytes: &[u8], i: usize) -> Result<(Stamp, Entry), CacheFileError> {
    let mut at = HEADER + i * RECORD;
    let dev = u64::from_le_bytes(take(bytes, &mut at));
    let ino = u64::from_le_bytes(take(bytes, &mut at));
    let len = u64::from_le_bytes(take(bytes, &mut at));
    let ms = i64::from_le_bytes(take(bytes, &mut at));
    let mn = u32::from_le_bytes(take(bytes, &mut at));
    let cs = i64::from_le_bytes(take(bytes, &mut at));
    let cn = u32::from_le_bytes(take(bytes, &mut at));
    let flags = u32::from_le_bytes(take(bytes, &mut at));
    let used = u64::from_le_bytes(take(bytes, &mut at));
    let sha: [u8; 32] = take(bytes, &mut at);
    let b3: [u8; 32] = take(bytes, &mut at);
    if flags == 0 || flags & !(FLAG_SHA256 | FLAG_BLAKE3) != 0 {
        return Err(CacheFileError::Flags { entry: i, flags });
    }
    if mn >= 1_000_000_000 || cn >= 1_000_000_000 {
        return Err(CacheFileError::Nanoseconds(i));
    }
    // One encoding per cache: unused digest slots and the padding are zero.
    let unused_sha = flags & FLAG_SHA256 == 0 && sha != [0; 32];
    let unused_b3 = flags & FLAG_BLAKE3 == 0 && b3 != [0; 32];
    let start = HEADER + i * RECORD;
    if unused_sha || unused_b3 || bytes[at..start + RECORD].iter().any(|&x| x != 0) {
        return Err(CacheFileError::Padding(i));
    }
    let k = Stamp {
        dev,
        ino,
        len,
        mtime: (ms, mn),
        ctime: (cs, cn),
    };
    let e = Entry {
        sha256: (flags & FLAG_SHA256 != 0).then_some(sha),
        blake3: (flags & FLAG_BLAKE3 != 0).then_some(b3),
        used,
    };
    Ok((k, e))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// spec/hashing.md §4.4: one encoding per cache. A byte changed in the padding or in an
    /// unused digest slot (with the checksum made right again) is refused, and what is
    /// accepted is written back byte for byte.
    #[test]
    fn decoding_is_canonical() {
        let stamp = Stamp {
            dev: 1,
            ino: 2,
            len: 3,
            mtime: (4, 5),
            ctime: (6, 7),
        };
        let entry = Entry {
            sha256: Some([9; 32]),
            blake3: None,
            used: 10,
        };
        let good = encode(&[(stamp, entry)]);
        assert_eq!(reencode_file(&good).unwrap(), good);
        let reseal = |mut b: Vec<u8>, at: usize| {
            b[at] ^= 1;
            let body = b.len() - TRAILER;
            let sum = checksum(&b[..body]);
            b[body..].copy_from_slice(&sum);
            b
        };
        // The last byte of the record is padding; the BLAKE3 slot (unused) sits before it.
        let padding = HEADER + RECORD - 1;
        let unused_blake3 = HEADER + RECORD - 4 - 32;
        for at in [padding, unused_blake3] {
            let e = reencode_file(&reseal(good.clone(), at)).unwrap_err();
            assert!(matches!(e, CacheFileError::Padding(_)), "{at}: {e}");
        }
        // Without resealing, the checksum catches it first.
        let mut torn = good.clone();
        torn[padding] ^= 1;
        assert!(matches!(
            reencode_file(&torn).unwrap_err(),
            CacheFileError::Checksum
        ));
    }
    use crate::hash::{hash_files_with, HashOptions, Need, NoProgress};
    use crate::walk::FileEntry;

    fn entry(p: &Path) -> FileEntry {
        let st = Stamp::of(&std::fs::metadata(p).unwrap());
        FileEntry {
            rel: sceau_core::RelPath::new(p.file_name().unwrap().to_str().unwrap()).unwrap(),
            path: p.to_owned(),
            size: st.len,
            via_symlink: false,
            file_id: Some((st.dev, st.ino)),
            stamp: Some(st),
        }
    }

    fn hash(c: &DigestCache, files: &[FileEntry], need: Need) -> Vec<Digests> {
        let opts = HashOptions {
            threads: 2,
            cache: Some(c),
        };
        hash_files_with(files, &vec![need; files.len()], &opts, &NoProgress).unwrap()
    }

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let cache_dir = t.path().join("cache");
        let data = t.path().join("data");
        std::fs::create_dir(&data).unwrap();
        (t, cache_dir, data)
    }

    #[test]
    fn hit_after_save_and_reload_then_misses_on_changes() {
        let (_t, cdir, data) = setup();
        let p = data.join("a.bin");
        std::fs::write(&p, b"hello").unwrap();
        let c = DigestCache::open(&cdir).with_racy_margin(Duration::ZERO);
        assert!(c.warnings().is_empty());
        let cold = hash(&c, &[entry(&p)], Need::Sha256);
        assert!(!cold[0].cached);
        c.save().unwrap();

        let c = DigestCache::open(&cdir).with_racy_margin(Duration::ZERO);
        assert_eq!(c.len(), 1);
        let warm = hash(&c, &[entry(&p)], Need::Sha256);
        assert!(warm[0].cached);
        assert_eq!(warm[0].sha256, cold[0].sha256);
        // A BLAKE3 need is satisfied by the cached SHA-256 (the verifier compares that).
        assert!(hash(&c, &[entry(&p)], Need::Blake3)[0].cached);
        // Both digests are not: the file is read again, and the cache gains the BLAKE3.
        let both = hash(&c, &[entry(&p)], Need::Sha256AndBlake3);
        assert!(!both[0].cached);
        assert!(hash(&c, &[entry(&p)], Need::Sha256AndBlake3)[0].cached);

        // Modification time changed, same size and content: a miss.
        let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
        f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_234_567))
            .unwrap();
        drop(f);
        assert!(!hash(&c, &[entry(&p)], Need::Sha256)[0].cached);

        // Size changed: a miss, and the new digest is right.
        std::fs::write(&p, b"hello!").unwrap();
        let d = hash(&c, &[entry(&p)], Need::Sha256);
        assert!(!d[0].cached);
        assert_eq!(d[0].sha256, Some(crate::hash::sha256(b"hello!")));

        // Same content and times, another inode: a miss.
        let q = data.join("b.bin");
        std::fs::copy(&p, &q).unwrap();
        std::fs::rename(&q, &p).unwrap();
        assert!(!hash(&c, &[entry(&p)], Need::Sha256)[0].cached);
    }

    #[test]
    fn recently_changed_files_are_not_cached() {
        let (_t, cdir, data) = setup();
        let p = data.join("fresh");
        std::fs::write(&p, b"just written").unwrap();
        // A margin far larger than the time since the write: deterministic on a slow machine.
        let c = DigestCache::open(&cdir).with_racy_margin(Duration::from_secs(3600));
        hash(&c, &[entry(&p)], Need::Sha256);
        assert!(
            c.is_empty(),
            "a file changed within the margin is not cached"
        );
    }

    #[test]
    fn corrupt_or_hostile_files_are_an_empty_cache_with_a_warning() {
        let (_t, cdir, data) = setup();
        let p = data.join("a");
        std::fs::write(&p, b"x").unwrap();
        let c = DigestCache::open(&cdir).with_racy_margin(Duration::ZERO);
        hash(&c, &[entry(&p)], Need::Sha256);
        c.save().unwrap();
        let good = std::fs::read(cdir.join(FILE_NAME)).unwrap();
        let mut cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"garbage".to_vec(),
            good[..good.len() - 1].to_vec(),
            vec![0xff; good.len()],
        ];
        let mut flipped = good.clone();
        flipped[HEADER + 40] ^= 1;
        cases.push(flipped);
        let mut huge_count = good.clone();
        huge_count[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        cases.push(huge_count);
        for (i, bad) in cases.iter().enumerate() {
            std::fs::write(cdir.join(FILE_NAME), bad).unwrap();
            let c = DigestCache::open(&cdir).with_racy_margin(Duration::ZERO);
            assert!(c.is_empty(), "case {i}");
            assert_eq!(c.warnings().len(), 1, "case {i}");
            // Still works, and saving replaces the bad file with a good one.
            hash(&c, &[entry(&p)], Need::Sha256);
            c.save().unwrap();
            let c = DigestCache::open(&cdir);
            assert!(c.warnings().is_empty(), "case {i}: {:?}", c.warnings());
            assert_eq!(c.len(), 1);
        }
        // Random bytes never panic.
        let mut x: u64 = 0x9e3779b97f4a7c15;
        for n in [16usize, 48, 176, 300] {
            let v: Vec<u8> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            assert!(decode(&v).is_err());
        }
        // Well-formed and checksummed, but keys repeated or out of order: refused.
        let k = |ino| Stamp {
            dev: 1,
            ino,
            len: 1,
            mtime: (1, 0),
            ctime: (1, 0),
        };
        let e = Entry {
            sha256: Some([0; 32]),
            blake3: None,
            used: 0,
        };
        assert!(decode(&encode(&[(k(1), e), (k(2), e)])).is_ok());
        assert!(decode(&encode(&[(k(2), e), (k(1), e)])).is_err());
        assert!(decode(&encode(&[(k(1), e), (k(1), e)])).is_err());
    }

    #[test]
    fn a_cache_others_can_write_is_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let (_t, cdir, data) = setup();
        let p = data.join("a");
        std::fs::write(&p, b"x").unwrap();
        let c = DigestCache::open(&cdir).with_racy_margin(Duration::ZERO);
        hash(&c, &[entry(&p)], Need::Sha256);
        c.save().unwrap();
        let f = cdir.join(FILE_NAME);
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o666)).unwrap();
        let c = DigestCache::open(&cdir);
        assert!(c.is_empty());
        assert_eq!(c.warnings().len(), 1);
        assert!(!hash(&c, &[entry(&p)], Need::Sha256)[0].cached);
        c.save().unwrap();
        assert_eq!(
            std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o666,
            "an unsafe cache is left alone"
        );
    }

    #[test]
    fn size_is_bounded_by_last_use() {
        let (_t, cdir, _data) = setup();
        let c = DigestCache::open(&cdir).with_racy_margin(Duration::ZERO);
        let d = Digests {
            sha256: Some(Sha256Digest([1; 32])),
            blake3: None,
            cached: false,
        };
        let later = SystemTime::now() + Duration::from_secs(10);
        {
            let mut m = c.entries.lock().unwrap();
            for i in 0..(MAX_ENTRIES as u64 + 10) {
                let st = Stamp {
                    dev: 1,
                    ino: i,
                    len: 1,
                    mtime: (1, 0),
                    ctime: (1, 0),
                };
                // The first ten are the oldest.
                m.merge(
                    st,
                    Entry {
                        sha256: Some([1; 32]),
                        blake3: None,
                        used: if i < 10 { 1 } else { 100 + i },
                    },
                );
            }
        }
        let st = Stamp {
            dev: 2,
            ino: 0,
            len: 1,
            mtime: (1, 0),
            ctime: (1, 0),
        };
        assert!(c.insert(&st, &d, later));
        c.save().unwrap();
        let bytes = std::fs::metadata(cdir.join(FILE_NAME)).unwrap().len();
        assert_eq!(bytes as usize, HEADER + MAX_ENTRIES * RECORD + TRAILER);
        let c = DigestCache::open(&cdir);
        assert_eq!(c.len(), MAX_ENTRIES);
        assert!(c.lookup(&st).is_some(), "the newest entry is kept");
        let oldest = Stamp {
            ino: 0,
            dev: 1,
            ..st
        };
        assert!(c.lookup(&oldest).is_none(), "the least recently used went");
    }
}
