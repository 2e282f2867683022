//! The manifest of a big tree (spec/manifest.md): every file's path, size and SHA-256, one line
//! each, in the order a depth-first walk meets them, with a line closing every folder that gives
//! the folder's **root** — a digest over its direct children, so that a folder's root pins
//! every file below it. A record of a big tree is bounded whatever the file count: it signs the
//! manifest's digest and the roots of its folders, and the manifest travels beside it.
//!
//! This crate writes and reads manifests as streams (memory bounded by the depth of the tree,
//! not its size), and the part manifests of a sharded scan with the listing they belong to
//! (spec/manifest.md §5).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod hashing;
mod line;
mod listing;
mod order;
mod part;
mod reader;
mod shard;
mod tree;
mod writer;

pub use error::{ManifestError, Reason};
pub use line::{Line, MAX_LINE_BYTES};
pub use listing::{Listing, ListingSummary, FILE_OVERHEAD};
pub use order::{cmp_paths, parent_of};
pub use part::{PartHeader, PartReader, PartWriter, PART_HEADER};
pub use reader::{Entry, ManifestReader};
pub use shard::{Shard, ShardError, Sharder};
pub use tree::ClosedDir;
pub use writer::{ManifestWriter, Summary};

/// First line of every manifest (spec/manifest.md §2).
pub const HEADER: &str = "sceau-manifest/1";

/// What a folder's root hashes before its children's lines (spec/manifest.md §3).
pub const DIR_DOMAIN: &[u8] = b"sceau-dir/1\n";

/// Most files a manifest may list (spec/manifest.md §2): a hundred million.
pub const MAX_FILES: u64 = 100_000_000;

/// Most folders deep a path may go (spec/manifest.md §2).
pub const MAX_DEPTH: usize = 256;

#[cfg(test)]
mod tests;
