//! Walking a release folder without trusting it (spec/scan.md §1–2).
use std::path::{Path, PathBuf};

use sceau_core::{IgnoreRules, RelPath};

use crate::error::ScanError;
pub use crate::hf::{hf_snapshot, HfSnapshot};

/// Most files one tree may hold (the record's subject cap).
pub const MAX_FILES: usize = sceau_core::statement::MAX_SUBJECTS;

/// One regular file to record.
#[derive(Clone, Debug)]
pub struct FileEntry {
    /// The name it is recorded under (NFC).
    pub rel: RelPath,
    /// What to open: the file itself, or the symlink, every hop of whose chain was checked
    /// (`links.rs`); the hasher then checks that it opened the file walked (`file_id`).
    pub path: PathBuf,
    /// Size in bytes when walked.
    pub size: u64,
    /// Set when the entry is a symlink (in-tree or into a Hugging Face cache's blobs).
    pub via_symlink: bool,
    /// Device and inode of the file (the link's target) when walked: the hasher refuses a
    /// file that is no longer the same one when it is opened (spec/scan.md §6.3).
    pub file_id: Option<(u64, u64)>,
    /// The file's stamp when walked: the digest cache's key (spec/hashing.md §4.3). `None`
    /// makes a cache lookup take the stamp afresh.
    pub stamp: Option<crate::stamp::Stamp>,
}

#[cfg(unix)]
pub(crate) fn file_id(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub(crate) fn file_id(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// What the walk found.
#[derive(Clone, Debug)]
pub struct Walk {
    /// The canonical root.
    pub root: PathBuf,
    /// Files in walk order (spec/manifest.md §2.2).
    pub files: Vec<FileEntry>,
    /// Set when the root is a Hugging Face cache snapshot.
    pub hf: Option<HfSnapshot>,
    /// Pairs of names that differ only by case (a warning, not a refusal).
    pub case_twins: Vec<(String, String)>,
    /// The listing of the tree (spec/manifest.md §5.1).
    pub listing: sceau_manifest::ListingSummary,
}

#[cfg(unix)]
pub(crate) fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "FIFO"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_char_device() {
        "character device"
    } else {
        "special file"
    }
}

#[cfg(not(unix))]
pub(crate) fn special_kind(_: &std::fs::FileType) -> &'static str {
    "special file"
}

/// Walks `root`, applying `ignore`, refusing what spec/scan.md §1 refuses, and returns every
/// file in walk order (spec/manifest.md §2.2). Opens no file but a Hugging Face cache's shared-store marker
/// (2 bytes, spec/scan.md §1.4). The streaming form is [`crate::stream::Walker`].
pub fn walk(root: &Path, ignore: &IgnoreRules) -> Result<Walk, ScanError> {
    let mut w = crate::stream::Walker::new(root, ignore, MAX_FILES as u64)?;
    let mut files = Vec::new();
    let mut listing = sceau_manifest::Listing::new();
    for f in &mut w {
        let f = f?;
        listing.add(f.rel.as_str(), f.size);
        files.push(f);
    }
    Ok(Walk {
        root: w.root().to_owned(),
        hf: w.hf().cloned(),
        case_twins: w.case_twins().0.to_vec(),
        listing: listing.summary(),
        files,
    })
}
