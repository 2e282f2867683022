//! Walking a release folder without trusting it (spec/scan.md §1–2).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sceau_core::{IgnoreRules, RelPath};
use unicode_normalization::UnicodeNormalization;

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
fn file_id(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// What the walk found.
#[derive(Clone, Debug)]
pub struct Walk {
    /// The canonical root.
    pub root: PathBuf,
    /// Files sorted by recorded name.
    pub files: Vec<FileEntry>,
    /// Set when the root is a Hugging Face cache snapshot.
    pub hf: Option<HfSnapshot>,
    /// Pairs of names that differ only by case (a warning, not a refusal).
    pub case_twins: Vec<(String, String)>,
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

/// Walks `root`, applying `ignore`, refusing what spec/scan.md §1 refuses. Opens no file but
/// a Hugging Face cache's shared-store marker (2 bytes, spec/scan.md §1.4).
pub fn walk(root: &Path, ignore: &IgnoreRules) -> Result<Walk, ScanError> {
    let meta = fs_err::metadata(root).map_err(|e| ScanError::io(root, e))?;
    if !meta.is_dir() {
        return Err(ScanError::NotADirectory(root.to_owned()));
    }
    let root = root.canonicalize().map_err(|e| ScanError::io(root, e))?;
    let hf = hf_snapshot(&root);
    let mut files = Vec::new();
    let mut by_nfc: BTreeMap<String, String> = BTreeMap::new();
    let mut by_lower: BTreeMap<String, String> = BTreeMap::new();
    let mut case_twins = Vec::new();

    let mut it = walkdir::WalkDir::new(&root)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter();
    while let Some(entry) = it.next() {
        let entry = entry.map_err(|e| {
            let path = e.path().map(Path::to_owned).unwrap_or_else(|| root.clone());
            ScanError::io(path, e.into())
        })?;
        let path = entry.path();
        let rel_os = path.strip_prefix(&root).unwrap_or(path);
        let Some(rel_str) = rel_os.to_str() else {
            return Err(ScanError::NonUtf8Name(path.to_owned()));
        };
        let rel_str = rel_str.replace(std::path::MAIN_SEPARATOR, "/");
        let ft = entry.file_type();
        if ft.is_dir() {
            if ignore.ignores_dir(&rel_str) {
                it.skip_current_dir();
            }
            continue;
        }
        if ignore.ignores_path(&rel_str) {
            continue;
        }
        let rel = RelPath::new_normalised(&rel_str).map_err(|source| ScanError::BadName {
            path: path.to_owned(),
            source,
        })?;
        let (m, via_symlink) = if ft.is_symlink() {
            (crate::links::resolve(path, &root, hf.as_ref())?.1, true)
        } else if ft.is_file() {
            (
                entry
                    .metadata()
                    .map_err(|e| ScanError::io(path, e.into()))?,
                false,
            )
        } else {
            return Err(ScanError::SpecialFile {
                path: path.to_owned(),
                kind: special_kind(&ft),
            });
        };
        let nfc: String = rel_str.nfc().collect();
        if let Some(prev) = by_nfc.insert(nfc, rel_str.clone()) {
            return Err(ScanError::NfcCollision {
                first: prev,
                second: rel_str,
            });
        }
        if let Some(prev) = by_lower.insert(rel.as_str().to_lowercase(), rel_str.clone()) {
            case_twins.push((prev, rel_str.clone()));
        }
        if files.len() >= MAX_FILES {
            return Err(ScanError::TooManyFiles(MAX_FILES));
        }
        files.push(FileEntry {
            rel,
            path: path.to_owned(),
            size: m.len(),
            via_symlink,
            file_id: file_id(&m),
            stamp: Some(crate::stamp::Stamp::of(&m)),
        });
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(Walk {
        root,
        files,
        hf,
        case_twins,
    })
}
