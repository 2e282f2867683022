//! The listing of a tree: every file's path and size in walk order, without contents. Its
//! digest names the walk a part manifest belongs to, so that merging can check that the parts
//! were cut from the same tree, all of it, each file once (spec/manifest.md §5.1).
use sceau_core::Sha256Digest;
use sha2::{Digest, Sha256};

use crate::line::push_decimal;

/// What each file weighs on top of its size when a tree is cut into parts: the fixed cost of
/// opening, reading and closing a file, as many bytes as that time would hash (64 KiB).
pub const FILE_OVERHEAD: u64 = 64 * 1024;

/// A listing being hashed.
pub struct Listing {
    hasher: Sha256,
    files: u64,
    weight: u128,
    line: Vec<u8>,
}

/// A listing's digest and totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListingSummary {
    /// SHA-256 of the listing lines (spec/manifest.md §5.1).
    pub digest: Sha256Digest,
    /// Files listed.
    pub files: u64,
    /// Their total weight: sizes plus [`FILE_OVERHEAD`] each.
    pub weight: u128,
}

impl Default for Listing {
    fn default() -> Self {
        Self::new()
    }
}

impl Listing {
    /// An empty listing.
    pub fn new() -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"sceau-listing/1\n");
        Listing {
            hasher,
            files: 0,
            weight: 0,
            line: Vec::with_capacity(256),
        }
    }

    /// Adds a file, in walk order: `L <size> <path>\n`.
    pub fn add(&mut self, path: &str, size: u64) {
        self.line.clear();
        self.line.extend_from_slice(b"L ");
        push_decimal(&mut self.line, size);
        self.line.push(b' ');
        self.line.extend_from_slice(path.as_bytes());
        self.line.push(b'\n');
        self.hasher.update(&self.line);
        self.files += 1;
        self.weight += u128::from(size) + u128::from(FILE_OVERHEAD);
    }

    /// The digest and totals so far.
    pub fn summary(&self) -> ListingSummary {
        ListingSummary {
            digest: Sha256Digest(self.hasher.clone().finalize().into()),
            files: self.files,
            weight: self.weight,
        }
    }
}
