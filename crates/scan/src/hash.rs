//! Whole-file digests, in parallel across files and, for BLAKE3, across pieces of one file,
//! with bounded memory (spec/scan.md §6, spec/hashing.md).
//!
//! The SHA-256 backend is chosen in one place, [`Sha256`]: OpenSSL, which on CPUs without
//! SHA-NI runs its AVX2 path (≈ 397 MB/s a core on the Xeons of spec/architecture.md §5, against ≈ 345 for
//! ring and ≈ 190 for `sha2`) and uses SHA-NI where the CPU has it (≈ 1.8 GB/s a core on the
//! EPYC of BENCHMARKS.md). BLAKE3, the opt-in parallel digest, is the `blake3` crate's, driven
//! piece by piece through its `hazmat` subtree API so that every worker reads and hashes its
//! own part of a large file with its own 1 MiB buffer (spec/hashing.md §3).
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Instant, SystemTime};

use blake3::hazmat::{
    left_subtree_len, merge_subtrees_non_root, merge_subtrees_root, ChainingValue, HasherExt, Mode,
};
use sceau_core::{Blake3Digest, Sha256Digest};

use crate::cache::DigestCache;
use crate::error::ScanError;
pub use crate::stamp::{Digests, Stamp};
use crate::walk::FileEntry;

/// Read buffer per worker: large sequential reads, bounded memory (threads × this).
pub const BUF_SIZE: usize = 1 << 20;

/// With `--parallel-digest`, files of at least this many bytes get a BLAKE3 digest beside
/// their SHA-256 (spec/hashing.md §2.2).
pub const BLAKE3_MIN_SIZE: u64 = 64 << 20;

/// Bytes of one BLAKE3 piece: a power of two times BLAKE3's 1024-byte chunk, so that every
/// piece is a complete subtree of the file's BLAKE3 tree (spec/hashing.md §3.1).
pub const PIECE_SIZE: u64 = 16 << 20;

const _: () = assert!(PIECE_SIZE.is_power_of_two() && PIECE_SIZE >= blake3::CHUNK_LEN as u64);

/// The SHA-256 backend (swap it here only).
pub struct Sha256(openssl::sha::Sha256);

impl Sha256 {
    /// A fresh hasher.
    pub fn new() -> Self {
        Sha256(openssl::sha::Sha256::new())
    }
    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    /// The digest.
    pub fn finish(self) -> Sha256Digest {
        Sha256Digest(self.0.finish())
    }
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

/// SHA-256 of a byte slice.
pub fn sha256(data: &[u8]) -> Sha256Digest {
    let mut h = Sha256::new();
    h.update(data);
    h.finish()
}

/// BLAKE3 (default hash mode) of a byte slice, single-threaded.
pub fn blake3(data: &[u8]) -> Blake3Digest {
    Blake3Digest(*blake3::hash(data).as_bytes())
}

/// Receives progress while files are hashed. Called from worker threads.
pub trait Progress: Sync {
    /// Hashing starts: `files` files, `bytes` bytes in all.
    fn start(&self, _files: u64, _bytes: u64) {}
    /// `bytes` more were hashed (or found in the cache).
    fn advance(&self, _bytes: u64) {}
}

/// Progress that reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

static FIRST_READ: OnceLock<Instant> = OnceLock::new();

static LAST_RUN: Mutex<Option<(Instant, Instant)>> = Mutex::new(None);

/// When this process first read file content to hash it, if it has (for start-up timings).
pub fn first_read_at() -> Option<Instant> {
    FIRST_READ.get().copied()
}

/// When the last [`hash_files_with`] call started and ended (for the hashing-phase timing).
pub fn last_hashing_phase() -> Option<(Instant, Instant)> {
    LAST_RUN.lock().ok().and_then(|g| *g)
}

/// Which digests one file needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The whole-file SHA-256 (a scan; a verification of a file recorded without BLAKE3, or
    /// with `--full-sha256`).
    Sha256,
    /// SHA-256 and BLAKE3, in one sequential pass (a scan with `--parallel-digest`).
    Sha256AndBlake3,
    /// BLAKE3, the file split into pieces hashed by all workers (verifying a file whose
    /// record carries BLAKE3). A cache entry holding only the SHA-256 also satisfies it.
    Blake3,
}

/// How to hash.
#[derive(Clone, Copy)]
pub struct HashOptions<'a> {
    /// Workers.
    pub threads: usize,
    /// Digest cache to consult and fill (spec/hashing.md §4).
    pub cache: Option<&'a DigestCache>,
}

/// Opens a file for reading without blocking on a FIFO and refuses anything but a regular
/// file (spec/scan.md §1.3).
pub fn open_regular(path: &Path) -> Result<std::fs::File, ScanError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: a file swapped for a FIFO after the walk does not block the open.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let f = opts.open(path).map_err(|e| ScanError::io(path, e))?;
    let m = f.metadata().map_err(|e| ScanError::io(path, e))?;
    if !m.is_file() {
        return Err(ScanError::ChangedWhileHashing {
            path: path.to_owned(),
            what: "no longer a regular file".into(),
        });
    }
    Ok(f)
}

fn changed(path: &Path, what: impl Into<String>) -> ScanError {
    ScanError::ChangedWhileHashing {
        path: path.to_owned(),
        what: what.into(),
    }
}

/// Steps 1–2 of spec/scan.md §6.3: open, take the stamp, compare with the walk.
fn open_checked(
    path: &Path,
    expected_len: u64,
    expected_id: Option<(u64, u64)>,
) -> Result<(std::fs::File, Stamp), ScanError> {
    let f = open_regular(path)?;
    let before = Stamp::of(&f.metadata().map_err(|e| ScanError::io(path, e))?);
    #[cfg(unix)]
    if let Some((dev, ino)) = expected_id {
        if (before.dev, before.ino) != (dev, ino) {
            return Err(changed(
                path,
                "replaced by another file since the folder was listed",
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = expected_id;
    if before.len != expected_len {
        return Err(changed(
            path,
            format!(
                "size was {expected_len} when listed, {} when opened",
                before.len
            ),
        ));
    }
    Ok((f, before))
}

/// Step 4 of spec/scan.md §6.3: the bytes read, the open file's stamp and the path's stamp
/// all agree with the stamp taken before reading.
fn check_after(
    path: &Path,
    f: &std::fs::File,
    before: &Stamp,
    read: u64,
    wanted: u64,
) -> Result<(), ScanError> {
    let after_handle = Stamp::of(&f.metadata().map_err(|e| ScanError::io(path, e))?);
    let after_path = std::fs::metadata(path).map(|m| Stamp::of(&m)).ok();
    if read != wanted || after_handle != *before || after_path.as_ref() != Some(before) {
        let what = if read > wanted {
            format!("grew while it was read: more than the {wanted} bytes listed")
        } else if read != wanted {
            format!("{read} bytes read where {wanted} were expected")
        } else if after_path.is_some_and(|s| s.len != before.len) || after_handle.len != before.len
        {
            format!(
                "size {} before and {} after",
                before.len,
                after_path.map_or("unknown".into(), |s| s.len.to_string())
            )
        } else {
            "modification or status-change time, or identity, differ before and after".into()
        };
        return Err(changed(path, what));
    }
    Ok(())
}

/// Reads up to `limit` bytes into `buf`, passing each block to `sink`. Returns the bytes
/// read. There is no "to the end" mode: every read is bounded by what the walk listed
/// (spec/scan.md §6.3).
fn read_blocks(
    path: &Path,
    f: &mut std::fs::File,
    limit: u64,
    buf: &mut [u8],
    progress: &dyn Progress,
    mut sink: impl FnMut(&[u8]),
) -> Result<u64, ScanError> {
    FIRST_READ.get_or_init(Instant::now);
    let mut total = 0u64;
    loop {
        if total >= limit {
            break;
        }
        let want = usize::try_from(limit - total).map_or(buf.len(), |left| buf.len().min(left));
        let n = match f.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ScanError::io(path, e)),
        };
        sink(&buf[..n]);
        total += n as u64;
        progress.advance(n as u64);
    }
    Ok(total)
}

/// Hashes one whole file sequentially for `need`, detecting changes during the read
/// (spec/scan.md §6.3). Returns the digests and the stamp they belong to.
fn hash_whole(
    e: &FileEntry,
    need: Need,
    buf: &mut [u8],
    progress: &dyn Progress,
) -> Result<(Digests, Stamp), ScanError> {
    let (mut f, before) = open_checked(&e.path, e.size, e.file_id)?;
    let mut sha = matches!(need, Need::Sha256 | Need::Sha256AndBlake3).then(Sha256::new);
    let mut b3 = matches!(need, Need::Sha256AndBlake3 | Need::Blake3).then(blake3::Hasher::new);
    // At most one byte past the listed size: a file that grows while it is read is refused
    // as changed, never followed to its moving end (spec/scan.md §6.3).
    let limit = before.len.saturating_add(1);
    let total = read_blocks(&e.path, &mut f, limit, buf, progress, |block| {
        if let Some(h) = sha.as_mut() {
            h.update(block);
        }
        if let Some(h) = b3.as_mut() {
            h.update(block);
        }
    })?;
    check_after(&e.path, &f, &before, total, before.len)?;
    Ok((
        Digests {
            sha256: sha.map(Sha256::finish),
            blake3: b3.map(|h| Blake3Digest(*h.finalize().as_bytes())),
            cached: false,
        },
        before,
    ))
}

/// Hashes piece `k` of a file as a BLAKE3 subtree (spec/hashing.md §3.1).
fn hash_piece(
    e: &FileEntry,
    k: u64,
    buf: &mut [u8],
    progress: &dyn Progress,
) -> Result<(ChainingValue, Stamp), ScanError> {
    let (mut f, before) = open_checked(&e.path, e.size, e.file_id)?;
    let offset = k * PIECE_SIZE;
    let len = PIECE_SIZE.min(e.size.saturating_sub(offset));
    if len == 0 {
        return Err(changed(&e.path, "shorter than when listed"));
    }
    f.seek(SeekFrom::Start(offset))
        .map_err(|err| ScanError::io(&e.path, err))?;
    let mut h = blake3::Hasher::new();
    h.set_input_offset(offset);
    // The last piece reads one byte past the listed end, to see a file that grew; the others
    // end where the next piece starts (spec/scan.md §6.3).
    let last = offset + len == e.size;
    let limit = if last { len + 1 } else { len };
    let total = read_blocks(&e.path, &mut f, limit, buf, progress, |block| {
        h.update(block);
    })?;
    check_after(&e.path, &f, &before, total, len)?;
    Ok((h.finalize_non_root(), before))
}

/// Number of pieces a file of `len` bytes is split into for a parallel BLAKE3 (1 means the
/// file is hashed whole).
pub fn piece_count(len: u64) -> u64 {
    len.div_ceil(PIECE_SIZE).max(1)
}

/// Chaining value of the subtree made of `cvs`, consecutive pieces covering `len` bytes.
fn merge_non_root(cvs: &[ChainingValue], len: u64) -> ChainingValue {
    if cvs.len() == 1 {
        return cvs[0];
    }
    let left = left_subtree_len(len);
    let k = (left / PIECE_SIZE) as usize;
    let l = merge_non_root(&cvs[..k], left);
    let r = merge_non_root(&cvs[k..], len - left);
    merge_subtrees_non_root(&l, &r, Mode::Hash)
}

/// The BLAKE3 root of a file of `len` bytes from the chaining values of its pieces (two or
/// more), following BLAKE3's tree: the left subtree holds the largest power of two of chunks
/// smaller than the whole (spec/hashing.md §3.1).
fn merge_root(cvs: &[ChainingValue], len: u64) -> Blake3Digest {
    debug_assert!(cvs.len() >= 2);
    let left = left_subtree_len(len);
    let k = (left / PIECE_SIZE) as usize;
    let l = merge_non_root(&cvs[..k], left);
    let r = merge_non_root(&cvs[k..], len - left);
    Blake3Digest(*merge_subtrees_root(&l, &r, Mode::Hash).as_bytes())
}

/// Hashes one file with `buf`, detecting changes during the read (spec/scan.md §6.3).
pub fn hash_file(
    path: &Path,
    expected_len: u64,
    expected_id: Option<(u64, u64)>,
    buf: &mut [u8],
    progress: &dyn Progress,
) -> Result<Sha256Digest, ScanError> {
    let e = FileEntry {
        rel: sceau_core::RelPath::new("f").map_err(|source| ScanError::BadName {
            path: path.to_owned(),
            source,
        })?,
        path: path.to_owned(),
        size: expected_len,
        via_symlink: false,
        file_id: expected_id,
        stamp: None,
    };
    let (d, _) = hash_whole(&e, Need::Sha256, buf, progress)?;
    d.sha256.ok_or_else(|| changed(path, "no SHA-256 computed"))
}

/// Hashes every entry with up to `threads` workers, largest files first so that no core
/// idles at the end while one big file remains. Returns SHA-256 digests in `files` order.
pub fn hash_files(
    files: &[FileEntry],
    threads: usize,
    progress: &dyn Progress,
) -> Result<Vec<Sha256Digest>, ScanError> {
    let needs = vec![Need::Sha256; files.len()];
    let opts = HashOptions {
        threads,
        cache: None,
    };
    hash_files_with(files, &needs, &opts, progress)?
        .into_iter()
        .zip(files)
        .map(|(d, f)| d.sha256.ok_or_else(|| changed(&f.path, "not hashed")))
        .collect()
}

enum Job {
    /// A whole file, sequentially.
    Whole(usize),
    /// Piece `k` of a file's BLAKE3.
    Piece(usize, u64),
}

enum JobOut {
    Whole(Digests, Stamp),
    Piece(ChainingValue, Stamp),
}

/// Hashes `files` for `needs` (one per file) with up to `opts.threads` workers and the
/// optional cache (spec/hashing.md §3–§4). Jobs — whole files, and BLAKE3 pieces of files
/// needing [`Need::Blake3`] — are handed out largest first from one queue, so that no worker
/// idles while another has work left that could be split. Returns digests in `files` order.
pub fn hash_files_with(
    files: &[FileEntry],
    needs: &[Need],
    opts: &HashOptions<'_>,
    progress: &dyn Progress,
) -> Result<Vec<Digests>, ScanError> {
    assert_eq!(files.len(), needs.len(), "one need per file");
    // Taken before any file is read: a file whose status last changed before this time (less
    // a margin) cannot change later without changing its stamp (spec/hashing.md §4.2).
    let started = SystemTime::now();
    let phase_start = Instant::now();
    progress.start(files.len() as u64, files.iter().map(|f| f.size).sum());
    let mut out: Vec<Option<Digests>> = vec![None; files.len()];
    if let Some(cache) = opts.cache {
        for (i, (f, need)) in files.iter().zip(needs).enumerate() {
            if let Some(d) = cache_lookup(cache, f, *need) {
                progress.advance(f.size);
                out[i] = Some(d);
            }
        }
    }
    let mut jobs: Vec<(u64, Job)> = Vec::new();
    for (i, (f, need)) in files.iter().zip(needs).enumerate() {
        if out[i].is_some() {
            continue;
        }
        let pieces = piece_count(f.size);
        if *need == Need::Blake3 && pieces > 1 {
            for k in 0..pieces {
                jobs.push((PIECE_SIZE.min(f.size - k * PIECE_SIZE), Job::Piece(i, k)));
            }
        } else {
            jobs.push((f.size, Job::Whole(i)));
        }
    }
    // Largest first; a stable sort keeps a file's pieces in order, for read-ahead.
    jobs.sort_by_key(|j| std::cmp::Reverse(j.0));
    let results: Vec<Mutex<Option<JobOut>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<ScanError>> = Mutex::new(None);
    let threads = opts.threads.clamp(1, jobs.len().max(1));
    if !jobs.is_empty() {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let mut buf = vec![0u8; BUF_SIZE];
                    loop {
                        if failed.load(Ordering::Relaxed) {
                            return;
                        }
                        let j = next.fetch_add(1, Ordering::Relaxed);
                        let Some((_, job)) = jobs.get(j) else { return };
                        let r = match *job {
                            Job::Whole(i) => hash_whole(&files[i], needs[i], &mut buf, progress)
                                .map(|(d, st)| JobOut::Whole(d, st)),
                            Job::Piece(i, k) => hash_piece(&files[i], k, &mut buf, progress)
                                .map(|(cv, st)| JobOut::Piece(cv, st)),
                        };
                        match r {
                            Ok(o) => {
                                if let Ok(mut slot) = results[j].lock() {
                                    *slot = Some(o);
                                }
                            }
                            Err(err) => {
                                failed.store(true, Ordering::Relaxed);
                                if let Ok(mut fe) = first_error.lock() {
                                    fe.get_or_insert(err);
                                }
                                return;
                            }
                        }
                    }
                });
            }
        });
    }
    if let Some(err) = first_error.into_inner().ok().flatten() {
        return Err(err);
    }
    // Assemble: whole files directly, pieces per file in order.
    let mut pieces: Vec<Vec<Option<(ChainingValue, Stamp)>>> = vec![Vec::new(); files.len()];
    let mut stamps: Vec<Option<Stamp>> = vec![None; files.len()];
    for ((_, job), r) in jobs.iter().zip(results) {
        let r = r.into_inner().ok().flatten();
        match (job, r) {
            (Job::Whole(i), Some(JobOut::Whole(d, st))) => {
                out[*i] = Some(d);
                stamps[*i] = Some(st);
            }
            (Job::Piece(i, k), Some(JobOut::Piece(cv, st))) => {
                let v = &mut pieces[*i];
                if v.is_empty() {
                    v.resize(piece_count(files[*i].size) as usize, None);
                }
                v[*k as usize] = Some((cv, st));
            }
            (Job::Whole(i) | Job::Piece(i, _), _) => {
                return Err(changed(&files[*i].path, "not hashed"));
            }
        }
    }
    for (i, v) in pieces.into_iter().enumerate() {
        if v.is_empty() {
            continue;
        }
        let f = &files[i];
        let v: Vec<(ChainingValue, Stamp)> = v
            .into_iter()
            .collect::<Option<_>>()
            .ok_or_else(|| changed(&f.path, "not hashed"))?;
        // Every piece saw the same version of the file (spec/hashing.md §3.2).
        if v.windows(2).any(|w| w[0].1 != w[1].1) {
            return Err(changed(
                &f.path,
                "changed between the reads of two of its pieces",
            ));
        }
        let cvs: Vec<ChainingValue> = v.iter().map(|p| p.0).collect();
        out[i] = Some(Digests {
            sha256: None,
            blake3: Some(merge_root(&cvs, f.size)),
            cached: false,
        });
        stamps[i] = Some(v[0].1);
    }
    if let Ok(mut g) = LAST_RUN.lock() {
        *g = Some((phase_start, Instant::now()));
    }
    if let Some(cache) = opts.cache {
        for (d, st) in out.iter().zip(&stamps) {
            if let (Some(d), Some(st)) = (d, st) {
                cache.insert(st, d, started);
            }
        }
    }
    out.into_iter()
        .zip(files)
        .map(|(d, f)| d.ok_or_else(|| changed(&f.path, "not hashed")))
        .collect()
}

/// Hashes one file for `need` sequentially, or takes its digests from `cache` when a fresh
/// entry satisfies `need` (and stores what it computed there): the unit of work of the
/// streaming hasher ([`crate::stream::hash_stream`]). `started` is when hashing began
/// (spec/hashing.md §4.2).
pub fn hash_entry(
    e: &FileEntry,
    need: Need,
    cache: Option<&DigestCache>,
    started: SystemTime,
    buf: &mut [u8],
    progress: &dyn Progress,
) -> Result<Digests, ScanError> {
    if let Some(c) = cache {
        if let Some(d) = cache_lookup(c, e, need) {
            progress.advance(e.size);
            return Ok(d);
        }
    }
    let (d, stamp) = hash_whole(e, need, buf, progress)?;
    if let Some(c) = cache {
        c.insert(&stamp, &d, started);
    }
    Ok(d)
}

/// A cache hit for `f` that satisfies `need`: the file's stamp, as the walk took it (or
/// afresh), must match the walk's size and identity and a cached entry (spec/hashing.md §4.3).
fn cache_lookup(cache: &DigestCache, f: &FileEntry, need: Need) -> Option<Digests> {
    let st = match f.stamp {
        Some(st) => st,
        None => {
            let m = std::fs::metadata(&f.path).ok()?;
            if !m.is_file() {
                return None;
            }
            Stamp::of(&m)
        }
    };
    if st.len != f.size || f.file_id.is_some_and(|id| id != (st.dev, st.ino)) {
        return None;
    }
    let d = cache.lookup(&st)?;
    let ok = match need {
        Need::Sha256 => d.sha256.is_some(),
        Need::Sha256AndBlake3 => d.sha256.is_some() && d.blake3.is_some(),
        Need::Blake3 => d.sha256.is_some() || d.blake3.is_some(),
    };
    ok.then_some(d)
}

/// Default worker count: the machine's available parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest as _;

    fn entry(dir: &Path, name: &str, data: &[u8]) -> FileEntry {
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        let m = std::fs::metadata(&p).unwrap();
        let st = Stamp::of(&m);
        FileEntry {
            rel: sceau_core::RelPath::new(name).unwrap(),
            path: p,
            size: data.len() as u64,
            via_symlink: false,
            file_id: cfg!(unix).then_some((st.dev, st.ino)),
            stamp: Some(st),
        }
    }

    fn data(len: usize, seed: usize) -> Vec<u8> {
        (0..len)
            .map(|j| (j.wrapping_mul(31) ^ (j >> 11) ^ seed) as u8)
            .collect()
    }

    #[test]
    fn matches_an_independent_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let mut entries = Vec::new();
        for (i, len) in [0usize, 1, 55, 64, BUF_SIZE + 17, 3 * BUF_SIZE]
            .iter()
            .enumerate()
        {
            let d = data(*len, i);
            entries.push((
                entry(dir.path(), &format!("f{i}"), &d),
                sha2::Sha256::digest(&d),
            ));
        }
        let files: Vec<FileEntry> = entries.iter().map(|(e, _)| e.clone()).collect();
        let got = hash_files(&files, 3, &NoProgress).unwrap();
        for ((_, want), got) in entries.iter().zip(got) {
            assert_eq!(got.0.as_slice(), want.as_slice());
        }
    }

    #[test]
    fn piecewise_blake3_equals_the_single_threaded_hash() {
        // Sizes around BLAKE3's chunk and the piece boundaries, and trees that are not
        // powers of two (spec/hashing.md §3.1).
        let p = PIECE_SIZE as usize;
        let c = blake3::CHUNK_LEN;
        let sizes = [
            0,
            1,
            c - 1,
            c,
            c + 1,
            BUF_SIZE,
            p - 1,
            p,
            p + 1,
            p + c,
            2 * p,
            2 * p + 1,
            3 * p - c,
            3 * p + 5,
            5 * p + BUF_SIZE + 3,
        ];
        let dir = tempfile::tempdir().unwrap();
        let big = data(*sizes.iter().max().unwrap(), 7);
        let files: Vec<FileEntry> = sizes
            .iter()
            .enumerate()
            .map(|(i, &n)| entry(dir.path(), &format!("b{i}"), &big[..n]))
            .collect();
        for threads in [1, 2, 3] {
            let needs = vec![Need::Blake3; files.len()];
            let opts = HashOptions {
                threads,
                cache: None,
            };
            let got = hash_files_with(&files, &needs, &opts, &NoProgress).unwrap();
            for (n, d) in sizes.iter().zip(&got) {
                assert_eq!(
                    d.blake3.unwrap().0,
                    *blake3::hash(&big[..*n]).as_bytes(),
                    "size {n}, {threads} threads"
                );
                assert_eq!(d.sha256, None);
            }
        }
        // One pass for both digests gives the same BLAKE3 and the right SHA-256.
        let needs = vec![Need::Sha256AndBlake3; files.len()];
        let opts = HashOptions {
            threads: 2,
            cache: None,
        };
        let got = hash_files_with(&files, &needs, &opts, &NoProgress).unwrap();
        for (n, d) in sizes.iter().zip(&got) {
            assert_eq!(d.blake3.unwrap().0, *blake3::hash(&big[..*n]).as_bytes());
            assert_eq!(
                d.sha256.unwrap().0.as_slice(),
                sha2::Sha256::digest(&big[..*n]).as_slice()
            );
        }
    }

    #[test]
    fn detects_a_size_change_since_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"abc").unwrap();
        let mut buf = vec![0; 16];
        let e = hash_file(&p, 2, None, &mut buf, &NoProgress).unwrap_err();
        assert!(matches!(e, ScanError::ChangedWhileHashing { .. }), "{e}");
    }

    /// Blocks the hasher after its first block until the writer has appended to the file.
    struct Gate<'a> {
        reading: &'a AtomicBool,
        appended: &'a AtomicUsize,
    }
    impl Progress for Gate<'_> {
        fn advance(&self, _bytes: u64) {
            if !self.reading.swap(true, Ordering::SeqCst) {
                while self.appended.load(Ordering::SeqCst) == 0 {
                    std::thread::yield_now();
                }
            }
        }
    }

    /// A writer appends to the file once the hasher has read its first block: the hash must
    /// fail, never return a digest. The hasher waits for the append, so the race is won every
    /// time (no timing involved).
    #[test]
    fn detects_appends_during_hashing() {
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let d = data(3 * PIECE_SIZE as usize, 1);
        for need in [Need::Sha256, Need::Sha256AndBlake3, Need::Blake3] {
            let e = entry(dir.path(), "growing", &d);
            let reading = AtomicBool::new(false);
            let appended = AtomicUsize::new(0);
            let done = AtomicBool::new(false);
            let gate = Gate {
                reading: &reading,
                appended: &appended,
            };
            let r = std::thread::scope(|s| {
                s.spawn(|| {
                    while !reading.load(Ordering::SeqCst) {
                        std::thread::yield_now();
                    }
                    let mut f = std::fs::OpenOptions::new()
                        .append(true)
                        .open(&e.path)
                        .unwrap();
                    while !done.load(Ordering::SeqCst) {
                        f.write_all(b"x").unwrap();
                        appended.fetch_add(1, Ordering::SeqCst);
                        std::thread::yield_now();
                    }
                });
                let opts = HashOptions {
                    threads: 2,
                    cache: None,
                };
                let r = hash_files_with(std::slice::from_ref(&e), &[need], &opts, &gate);
                done.store(true, Ordering::SeqCst);
                r
            });
            let err = r.unwrap_err();
            assert!(
                matches!(err, ScanError::ChangedWhileHashing { .. }),
                "{need:?}: {err}"
            );
        }
    }

    /// Extends the file by two blocks each time a block is read (up to 64 times its listed
    /// size, so that a broken hasher ends), and counts the bytes read.
    struct Grower<'a> {
        file: &'a std::fs::File,
        read: AtomicUsize,
        cap: u64,
    }
    impl Progress for Grower<'_> {
        fn advance(&self, bytes: u64) {
            self.read.fetch_add(bytes as usize, Ordering::SeqCst);
            let len = self.file.metadata().unwrap().len();
            if len < self.cap {
                self.file.set_len(len + 2 * BUF_SIZE as u64).unwrap();
            }
        }
    }

    /// A file that grows faster than it is read (spec/scan.md §6.3): every path (whole file,
    /// both digests, BLAKE3 pieces) reads at most the listed size and one byte, then refuses
    /// the file as changed.
    #[test]
    fn a_growing_file_is_read_to_its_listed_size_only() {
        let dir = tempfile::tempdir().unwrap();
        let size = 2 * PIECE_SIZE + 10;
        for need in [Need::Sha256, Need::Sha256AndBlake3, Need::Blake3] {
            let e = entry(dir.path(), "growing", &[]);
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&e.path)
                .unwrap();
            // Sparse: listed at `size`, as the walk would have seen it.
            f.set_len(size).unwrap();
            let e = FileEntry {
                size,
                file_id: None,
                stamp: None,
                ..e
            };
            let grower = Grower {
                file: &f,
                read: AtomicUsize::new(0),
                cap: 64 * size,
            };
            let opts = HashOptions {
                threads: 1,
                cache: None,
            };
            let err =
                hash_files_with(std::slice::from_ref(&e), &[need], &opts, &grower).unwrap_err();
            assert!(
                matches!(err, ScanError::ChangedWhileHashing { .. }),
                "{need:?}: {err}"
            );
            let read = grower.read.load(Ordering::SeqCst) as u64;
            assert!(read <= size + 1, "{need:?}: {read} bytes read of {size}");
        }
    }

    #[test]
    fn detects_a_rewrite_between_two_pieces() {
        // The whole-file size and identity stay; only the pieces' stamps can tell.
        let dir = tempfile::tempdir().unwrap();
        let d = data(2 * PIECE_SIZE as usize + 10, 3);
        let e = entry(dir.path(), "f", &d);
        let mut buf = vec![0u8; BUF_SIZE];
        let (_, s0) = hash_piece(&e, 0, &mut buf, &NoProgress).unwrap();
        // Rewrite in place, keeping the size, with a new modification time.
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&e.path)
            .unwrap();
        f.set_modified(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
            .unwrap();
        let (_, s1) = hash_piece(&e, 1, &mut buf, &NoProgress).unwrap();
        assert_ne!(s0, s1);
    }
}
