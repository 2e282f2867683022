//! Digests hashed by the jobs of a sharded scan, merged back in walk order (spec/manifest.md
//! §5.4): the parts must come from one cut of this very tree — the same listing, every part
//! once — and list exactly the files the walk meets, in its order, with the sizes it sees.
use std::io::BufReader;
use std::path::{Path, PathBuf};

use sceau_core::Sha256Digest;
use sceau_manifest::{cmp_paths, ListingSummary, PartHeader, PartReader};

use crate::error::ScanError;
use crate::walk::FileEntry;

type Reader = PartReader<BufReader<std::fs::File>>;

/// The part manifests of one sharded scan, read in order, one at a time.
pub struct Parts {
    /// Paths by part number (index K-1).
    paths: Vec<PathBuf>,
    header: PartHeader,
    current: Option<Reader>,
    /// Index of the part being read.
    at: usize,
}

fn err(path: &Path, reason: impl Into<String>) -> ScanError {
    ScanError::Parts {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

fn open(path: &Path) -> Result<Reader, ScanError> {
    let f = crate::hash::open_regular(path)?;
    PartReader::new(BufReader::new(f)).map_err(|source| ScanError::Manifest {
        path: path.to_owned(),
        source,
    })
}

impl Parts {
    /// Reads the headers of `paths`: one listing, one count N, each part from 1 to N exactly
    /// once.
    pub fn open(paths: &[PathBuf]) -> Result<Parts, ScanError> {
        let Some(first) = paths.first() else {
            return Err(err(Path::new("--parts"), "no part given"));
        };
        let mut headers: Vec<(PartHeader, &PathBuf)> = Vec::with_capacity(paths.len());
        for p in paths {
            let h = open(p)?.header();
            headers.push((h, p));
        }
        let (h0, p0) = headers[0];
        for (h, p) in &headers {
            if h.listing != h0.listing || h.shard.n != h0.shard.n || h.files != h0.files {
                return Err(err(
                    p,
                    format!(
                        "cut from another walk than {} (listing sha256:{}… of {} files in {} \
                         parts, not sha256:{}… of {} files in {} parts)",
                        p0.display(),
                        &h.listing.to_hex()[..12],
                        h.files,
                        h.shard.n,
                        &h0.listing.to_hex()[..12],
                        h0.files,
                        h0.shard.n
                    ),
                ));
            }
        }
        headers.sort_by_key(|(h, _)| h.shard.k);
        for pair in headers.windows(2) {
            if pair[0].0.shard.k == pair[1].0.shard.k {
                return Err(err(
                    pair[1].1,
                    format!(
                        "part {} given twice (also {})",
                        pair[1].0.shard,
                        pair[0].1.display()
                    ),
                ));
            }
        }
        let n = h0.shard.n as usize;
        if headers.len() != n {
            let have: Vec<u32> = headers.iter().map(|(h, _)| h.shard.k).collect();
            let missing: Vec<String> = (1..=h0.shard.n)
                .filter(|k| !have.contains(k))
                .take(10)
                .map(|k| format!("{k}/{}", h0.shard.n))
                .collect();
            return Err(err(
                first,
                format!(
                    "{} of the {n} parts given; missing: {}",
                    headers.len(),
                    missing.join(", ")
                ),
            ));
        }
        Ok(Parts {
            paths: headers.into_iter().map(|(_, p)| p.clone()).collect(),
            header: h0,
            current: None,
            at: 0,
        })
    }

    /// The listing the parts were cut from.
    pub fn header(&self) -> PartHeader {
        self.header
    }

    fn next_line(&mut self) -> Result<Option<(sceau_core::RelPath, u64, Sha256Digest)>, ScanError> {
        loop {
            if self.current.is_none() {
                let Some(p) = self.paths.get(self.at) else {
                    return Ok(None);
                };
                self.current = Some(open(p)?);
            }
            let Some(r) = self.current.as_mut() else {
                continue;
            };
            match r.next() {
                Some(Ok(line)) => return Ok(Some(line)),
                Some(Err(source)) => {
                    return Err(ScanError::Manifest {
                        path: self.paths[self.at].clone(),
                        source,
                    })
                }
                None => {
                    self.current = None;
                    self.at += 1;
                }
            }
        }
    }

    fn part_path(&self) -> &Path {
        self.paths
            .get(self.at)
            .or(self.paths.last())
            .map_or(Path::new("--parts"), PathBuf::as_path)
    }

    /// The digest the parts give for the next file of the walk, `e`.
    pub fn next_digest(&mut self, e: &FileEntry) -> Result<Sha256Digest, ScanError> {
        match self.next_line()? {
            None => Err(err(
                self.part_path(),
                format!("the tree has {}, which no part lists", e.rel),
            )),
            Some((path, size, sha256)) => {
                if path != e.rel {
                    let why = if cmp_paths(path.as_str(), e.rel.as_str()).is_lt() {
                        format!("lists {path}, which the walk of the tree does not meet")
                    } else {
                        format!("the tree has {}, which no part lists", e.rel)
                    };
                    return Err(err(self.part_path(), why));
                }
                if size != e.size {
                    return Err(err(
                        self.part_path(),
                        format!(
                            "{path} was {size} bytes when the part was hashed, it is {} now",
                            e.size
                        ),
                    ));
                }
                Ok(sha256)
            }
        }
    }

    /// Checks that the parts are used up and were cut from the walk whose listing is
    /// `listing`.
    pub fn finish(mut self, listing: &ListingSummary) -> Result<(), ScanError> {
        if let Some((path, _, _)) = self.next_line()? {
            return Err(err(
                self.part_path(),
                format!("lists {path}, which the walk of the tree does not meet"),
            ));
        }
        if listing.digest != self.header.listing || listing.files != self.header.files {
            return Err(err(
                self.part_path(),
                format!(
                    "the parts were cut from a listing of {} files (sha256:{}…), the tree \
                     lists {} (sha256:{}…): it changed since, or was walked with other ignore \
                     rules",
                    self.header.files,
                    &self.header.listing.to_hex()[..12],
                    listing.files,
                    &listing.digest.to_hex()[..12]
                ),
            ));
        }
        Ok(())
    }
}
