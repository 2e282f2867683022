//! One job of a sharded scan (spec/manifest.md §5): walk the whole tree for its listing, cut
//! it into N parts by weight, hash part K, write its part manifest. The tree is walked twice
//! (metadata only the first time); a tree that changed between the walks is refused.
use std::io::{BufWriter, Write};

use sceau_manifest::{Listing, ListingSummary, PartHeader, PartWriter, Shard, Sharder};

use crate::error::ScanError;
use crate::hash::{HashOptions, Need, Progress};
use crate::stream::{hash_stream, Job, Walker};
use crate::ScanOptions;

/// What a sharded scan job did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardDone {
    /// Which part.
    pub shard: Shard,
    /// The listing of the whole tree.
    pub listing: ListingSummary,
    /// Files in this part.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// Hashes part `shard` of the tree at `root` and writes its part manifest to `out`.
pub fn scan_shard(
    root: &std::path::Path,
    opts: &ScanOptions,
    shard: Shard,
    out: &mut dyn Write,
    progress: &dyn Progress,
) -> Result<ShardDone, ScanError> {
    let max = sceau_manifest::MAX_FILES;
    // Pass 1: the listing, which every job of the array computes alike.
    let mut listing = Listing::new();
    for f in Walker::new(root, &opts.ignore, max)? {
        let f = f?;
        listing.add(f.rel.as_str(), f.size);
    }
    let summary = listing.summary();
    let header = PartHeader {
        listing: summary.digest,
        shard,
        files: summary.files,
    };
    let io = |e: std::io::Error| ScanError::Io {
        path: root.to_owned(),
        source: e,
    };
    let mut writer = PartWriter::new(BufWriter::with_capacity(1 << 20, out), header).map_err(io)?;
    // Pass 2: the same walk, this part's files hashed.
    let mut again = Listing::new();
    let mut sharder = Sharder::new(shard.n, &summary);
    let mut files = 0u64;
    let mut bytes = 0u64;
    {
        let again = &mut again;
        let jobs = Walker::new(root, &opts.ignore, max)?.filter_map(move |f| match f {
            Err(e) => Some(Err(e)),
            Ok(f) => {
                again.add(f.rel.as_str(), f.size);
                (sharder.next(f.size) == shard.k).then_some(Ok(Job {
                    entry: f,
                    need: Need::Sha256,
                    tag: (),
                }))
            }
        });
        let hash_opts = HashOptions {
            threads: opts.threads,
            cache: opts.cache.as_deref(),
        };
        hash_stream(jobs, &hash_opts, progress, |e, (), d| {
            let sha = d.sha256.ok_or_else(|| ScanError::ChangedWhileHashing {
                path: e.path.clone(),
                what: "no SHA-256 computed".into(),
            })?;
            files += 1;
            bytes = bytes.saturating_add(e.size);
            writer.add(&e.rel, e.size, sha).map_err(io)
        })?;
    }
    if again.summary() != summary {
        return Err(ScanError::ChangedWhileHashing {
            path: root.to_owned(),
            what: "the tree changed between the listing and the hashing of this part".into(),
        });
    }
    writer.finish().map_err(io)?;
    Ok(ShardDone {
        shard,
        listing: summary,
        files,
        bytes,
    })
}
