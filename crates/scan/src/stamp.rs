//! What identifies one version of a file on disk, and the digests found for it: shared by the
//! hasher, the walker and the digest cache (spec/scan.md §6.3, spec/hashing.md §4.1).
use sceau_core::{Blake3Digest, Sha256Digest};

/// What one file's metadata says about its identity and version: the change-detection stamp
/// (spec/scan.md §6.3) and the cache key (spec/hashing.md §4.1).
#[derive(PartialEq, Eq, Debug, Clone, Copy, Hash, PartialOrd, Ord)]
pub struct Stamp {
    /// Device.
    pub dev: u64,
    /// Inode.
    pub ino: u64,
    /// Size in bytes.
    pub len: u64,
    /// Modification time: seconds and nanoseconds since the Unix epoch.
    pub mtime: (i64, u32),
    /// Status-change time (ctime): seconds and nanoseconds since the Unix epoch.
    pub ctime: (i64, u32),
}

impl Stamp {
    /// The stamp of a file's metadata.
    #[cfg(unix)]
    pub fn of(m: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec().clamp(0, 999_999_999) as u32),
            ctime: (m.ctime(), m.ctime_nsec().clamp(0, 999_999_999) as u32),
        }
    }

    /// The stamp of a file's metadata (no inode or ctime on this system).
    #[cfg(not(unix))]
    pub fn of(m: &std::fs::Metadata) -> Stamp {
        let t = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |d| (d.as_secs() as i64, d.subsec_nanos()));
        Stamp {
            dev: 0,
            ino: 0,
            len: m.len(),
            mtime: t,
            ctime: (0, 0),
        }
    }
}

/// The digests found for one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Digests {
    /// Whole-file SHA-256, when computed or cached.
    pub sha256: Option<Sha256Digest>,
    /// Whole-file BLAKE3, when computed or cached.
    pub blake3: Option<Blake3Digest>,
    /// True when the digests came from the cache and the file was not read.
    pub cached: bool,
}
