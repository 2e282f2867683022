//! Why a scan stopped (spec/scan.md §1). Every variant names the path concerned.
use std::path::PathBuf;

use sceau_core::RelPathError;

/// A refusal or failure of [`crate::scan`] or [`crate::walk()`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The release name or version (given, or taken from the folder or the Hugging Face
    /// cache) holds characters that could make it print like another (spec/record.md §2.7).
    #[error("release {what} {name:?} is refused: {reason}")]
    InvalidName {
        /// "name" or "version".
        what: &'static str,
        /// The text (at most 80 characters).
        name: String,
        /// Why.
        reason: sceau_core::name::NameError,
    },
    /// The root is not a directory.
    #[error("{0}: not a directory")]
    NotADirectory(PathBuf),
    /// Reading the file system failed.
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// A hop of a symlink's chain lands where it may not (spec/scan.md §1.2, §1.4).
    #[error("{path}: symlink leaves the tree: hop {hop} points to {target}, {rule}")]
    SymlinkEscapes {
        /// The link in the tree.
        path: PathBuf,
        /// Which hop (1 for the link's own target).
        hop: usize,
        /// Where that hop lands (its folder canonicalised).
        target: PathBuf,
        /// The rule it breaks.
        rule: LinkRule,
    },
    /// A symlink chain loops.
    #[error("{0}: symlink loop")]
    SymlinkLoop(PathBuf),
    /// A symlink's target does not exist.
    #[error("{0}: dangling symlink")]
    DanglingSymlink(PathBuf),
    /// A symlink to a directory (sceau records files only; spec/scan.md §1.2).
    #[error("{0}: symlink to a directory")]
    SymlinkToDirectory(PathBuf),
    /// A FIFO, socket or device: never opened (spec/scan.md §1.3).
    #[error("{path}: {kind}, not a regular file (not opened)")]
    SpecialFile {
        /// Where.
        path: PathBuf,
        /// `FIFO`, `socket`, `block device` or `character device`.
        kind: &'static str,
    },
    /// A name that is not UTF-8.
    #[error("{0}: file name is not valid UTF-8")]
    NonUtf8Name(PathBuf),
    /// A name that breaks the path rules of spec/record.md §2.2.
    #[error("{path}: unacceptable name: {source}")]
    BadName {
        /// Where.
        path: PathBuf,
        /// Which rule.
        #[source]
        source: RelPathError,
    },
    /// Two names that are equal after Unicode NFC normalisation.
    #[error("{first:?} and {second:?} are the same name after Unicode NFC normalisation")]
    NfcCollision {
        /// One name as found on disk.
        first: String,
        /// The other.
        second: String,
    },
    /// The file changed while it was hashed (spec/scan.md §6.3).
    #[error("{path}: file changed while it was being hashed ({what})")]
    ChangedWhileHashing {
        /// Where.
        path: PathBuf,
        /// What differed.
        what: String,
    },
    /// More files than a record may list.
    #[error("tree has more than {0} files")]
    TooManyFiles(usize),
    /// Writing or reading a manifest failed, or a manifest is malformed (spec/manifest.md).
    #[error("manifest {path}: {source}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: sceau_manifest::ManifestError,
    },
    /// A part manifest does not belong with the others, or with this tree (spec/manifest.md
    /// §5.4).
    #[error("{path}: {reason}")]
    Parts {
        /// The part concerned (or the first one given).
        path: PathBuf,
        /// Why it does not fit.
        reason: String,
    },
    /// More files outside folders than a record in the manifest form lists one by one
    /// (spec/manifest.md §6.1).
    #[error(
        "{files} files lie outside any folder that can be recorded whole (over the {limit} a \
         record lists one by one), e.g. {example}"
    )]
    TooManyLooseFiles {
        /// How many at least.
        files: usize,
        /// The limit.
        limit: usize,
        /// One of them.
        example: String,
    },
}

/// Why a hop of a symlink's chain is refused (spec/scan.md §1.2, §1.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkRule {
    /// A link of an ordinary tree lands outside it.
    #[error("outside the tree")]
    OutsideTree,
    /// A link of a Hugging Face snapshot lands neither in the snapshot nor directly in its
    /// repository's `blobs/` folder.
    #[error("outside the snapshot and its repository's blobs/ folder")]
    OutsideSnapshotAndBlobs,
    /// The repository's `blobs/` is a symlink (or not a folder): nothing behind it is
    /// followed.
    #[error("through the repository's blobs/, which is a symlink or not a folder: never followed")]
    BlobsNotAFolder,
    /// A repository blob links elsewhere than to a `<2 hex>/<xet hash>` entry of the cache's
    /// shared blob store.
    #[error("outside the cache's shared blob store (<cache>/blobs/<2 hex>/<xet hash>)")]
    OutsideSharedStore,
    /// A repository blob links into `<cache>/blobs`, which is not a real folder holding the
    /// marker `.huggingface-shared-blobs` as a regular file.
    #[error(
        "into <cache>/blobs, which is not a shared blob store (no regular file \
         .huggingface-shared-blobs holding the layout version 1)"
    )]
    SharedStoreUnmarked,
    /// A shared-store entry is itself a symlink: the chain ends there.
    #[error("from the shared blob store, whose entries must be regular files")]
    SharedBlobIsALink,
}

impl ScanError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ScanError::Io {
            path: path.into(),
            source,
        }
    }

    /// A line for people saying what to do about it.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            ScanError::SymlinkEscapes {
                rule: LinkRule::OutsideTree,
                ..
            }
            | ScanError::SymlinkToDirectory(_) => {
                "copy the target into the release folder, or remove the link"
            }
            ScanError::SymlinkEscapes { .. } => {
                "the Hugging Face cache is not as huggingface_hub writes it: delete the snapshot \
                 and download it again, or copy the files into a plain folder"
            }
            ScanError::SymlinkLoop(_) | ScanError::DanglingSymlink(_) => "remove or fix the link",
            ScanError::SpecialFile { .. } => "remove it from the release folder",
            ScanError::NonUtf8Name(_) | ScanError::BadName { .. } => {
                "rename the file: records name files by UTF-8 relative paths"
            }
            ScanError::NfcCollision { .. } => {
                "rename one of the two files: they would be recorded under the same name"
            }
            ScanError::ChangedWhileHashing { .. } => {
                "wait until nothing writes to the folder, then scan again"
            }
            ScanError::Parts { .. } => {
                "give every part of one `sceau scan --shard K/N` run over this same tree, \
                 unchanged since the parts were made"
            }
            ScanError::TooManyLooseFiles { .. } => {
                "move the data files into folders: a folder without weight files is recorded \
                 whole, by its root (spec/manifest.md §6.1)"
            }
            _ => return None,
        })
    }
}
