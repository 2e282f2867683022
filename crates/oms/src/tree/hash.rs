//! Hashing files and shards with the registry's algorithms, in parallel (spec/oms.md §4.3, §5.4).
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::TreeError;
use crate::predicate::HashType;

/// Read buffer per worker.
const BUF_SIZE: usize = 1 << 20;

/// One digest to compute: bytes `start..end` of a file (the whole file for `files`).
#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub(crate) path: PathBuf,
    pub(crate) start: u64,
    pub(crate) end: u64,
    /// The file's size when walked; a different size at open means it changed.
    pub(crate) file_size: u64,
}

enum Hasher {
    // sceau-scan's SHA-256 (OpenSSL), the backend sceau hashes releases with.
    Sha256(sceau_scan::hash::Sha256),
    Blake2b(Box<blake2::Blake2b512>),
    Blake3(Box<blake3::Hasher>),
}

impl Hasher {
    fn new(t: HashType) -> Self {
        match t {
            HashType::Sha256 => Hasher::Sha256(sceau_scan::hash::Sha256::new()),
            HashType::Blake2b => Hasher::Blake2b(Box::default()),
            HashType::Blake3 => Hasher::Blake3(Box::default()),
        }
    }

    fn update(&mut self, data: &[u8]) {
        use blake2::Digest as _;
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Blake2b(h) => h.update(data),
            Hasher::Blake3(h) => {
                h.update(data);
            }
        }
    }

    fn finish(self) -> Vec<u8> {
        use blake2::Digest as _;
        match self {
            Hasher::Sha256(h) => h.finish().0.to_vec(),
            Hasher::Blake2b(h) => h.finalize().to_vec(),
            Hasher::Blake3(h) => h.finalize().as_bytes().to_vec(),
        }
    }
}

fn changed(path: &Path, what: String) -> TreeError {
    TreeError::Changed {
        path: path.to_owned(),
        what,
    }
}

/// Hashes one job with `buf`.
fn hash_job(job: &Job, t: HashType, buf: &mut [u8]) -> Result<Vec<u8>, TreeError> {
    let mut f = sceau_scan::hash::open_regular(&job.path).map_err(|e| TreeError::Changed {
        path: job.path.clone(),
        what: e.to_string(),
    })?;
    let len = f
        .metadata()
        .map_err(|e| TreeError::Io {
            path: job.path.clone(),
            source: e,
        })?
        .len();
    if len != job.file_size {
        return Err(changed(
            &job.path,
            format!("{} bytes when listed, {len} when opened", job.file_size),
        ));
    }
    if job.start > 0 {
        f.seek(SeekFrom::Start(job.start))
            .map_err(|e| TreeError::Io {
                path: job.path.clone(),
                source: e,
            })?;
    }
    let mut h = Hasher::new(t);
    let mut left = job.end.saturating_sub(job.start);
    let whole = job.start == 0 && job.end == job.file_size;
    loop {
        // For a whole file, read one byte past the expected end to notice growth.
        let want = if whole {
            buf.len()
        } else {
            buf.len().min(usize::try_from(left).unwrap_or(usize::MAX))
        };
        if want == 0 {
            break;
        }
        let n = match f.read(&mut buf[..want]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(TreeError::Io {
                    path: job.path.clone(),
                    source: e,
                })
            }
        };
        if n == 0 {
            break;
        }
        let n64 = n as u64;
        if n64 > left {
            return Err(changed(&job.path, "grew while hashed".into()));
        }
        h.update(&buf[..n]);
        left -= n64;
    }
    if left != 0 {
        return Err(changed(&job.path, "shrank while hashed".into()));
    }
    Ok(h.finish())
}

/// Hashes `jobs` with up to `threads` workers, largest first; returns digests in `jobs`
/// order. The first error stops the workers.
pub(crate) fn hash_jobs(
    jobs: &[Job],
    t: HashType,
    threads: usize,
) -> Result<Vec<Vec<u8>>, TreeError> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].end.saturating_sub(jobs[i].start)));
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Mutex<Vec<Option<Vec<u8>>>> = Mutex::new(vec![None; jobs.len()]);
    let first_error: Mutex<Option<TreeError>> = Mutex::new(None);
    let workers = threads.clamp(1, jobs.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let mut buf = vec![0u8; BUF_SIZE];
                while !stop.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = order.get(k) else { break };
                    match hash_job(&jobs[i], t, &mut buf) {
                        Ok(d) => {
                            if let Ok(mut r) = results.lock() {
                                r[i] = Some(d);
                            }
                        }
                        Err(e) => {
                            stop.store(true, Ordering::Relaxed);
                            if let Ok(mut slot) = first_error.lock() {
                                slot.get_or_insert(e);
                            }
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = first_error.into_inner().ok().flatten() {
        return Err(e);
    }
    let results = results.into_inner().unwrap_or_default();
    results
        .into_iter()
        .zip(jobs)
        .map(|(d, j)| d.ok_or_else(|| changed(&j.path, "not hashed".into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_match_their_references() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"abc").unwrap();
        let job = |start, end| Job {
            path: p.clone(),
            start,
            end,
            file_size: 3,
        };
        let mut buf = vec![0; 2];
        // FIPS 180-2 "abc", RFC 7693 appendix A "abc", BLAKE3 of "abc".
        assert_eq!(
            hex::encode(hash_job(&job(0, 3), HashType::Sha256, &mut buf).unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex::encode(hash_job(&job(0, 3), HashType::Blake2b, &mut buf).unwrap()),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
        );
        assert_eq!(
            hex::encode(hash_job(&job(0, 3), HashType::Blake3, &mut buf).unwrap()),
            blake3::hash(b"abc").to_hex().to_string()
        );
        // A range, and a file that is not the size it was listed with.
        assert_eq!(
            hash_job(&job(1, 3), HashType::Sha256, &mut buf).unwrap(),
            sceau_scan::hash::sha256(b"bc").0.to_vec()
        );
        let mut grown = job(0, 3);
        grown.file_size = 2;
        grown.end = 2;
        assert!(matches!(
            hash_job(&grown, HashType::Sha256, &mut buf),
            Err(TreeError::Changed { .. })
        ));
    }
}
