//! Why a manifest or a part manifest is refused.

/// A manifest that cannot be read, with the line where reading stopped (spec/manifest.md §2).
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ManifestError {
    /// 1-based line number (0: before the first line, or after the last).
    pub line: u64,
    /// What is wrong.
    pub reason: Reason,
}

/// What is wrong with a manifest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The first line is not the header.
    #[error("not a sceau manifest (the first line is not {expected:?})")]
    Header {
        /// The header wanted.
        expected: &'static str,
    },
    /// A line does not have the grammar of spec/manifest.md §2.
    #[error("malformed line: {0}")]
    Syntax(String),
    /// A line is longer than [`crate::MAX_LINE_BYTES`].
    #[error("line longer than {} bytes", crate::MAX_LINE_BYTES)]
    LineTooLong,
    /// The file ends in the middle of a line or before the root is closed.
    #[error("the manifest is truncated: {0}")]
    Truncated(String),
    /// A path is not an acceptable relative path.
    #[error("path {path:?}: {source}")]
    Path {
        /// The path as written (truncated).
        path: String,
        /// The rule it breaks.
        #[source]
        source: sceau_core::RelPathError,
    },
    /// Entries are not in the order of spec/manifest.md §2.
    #[error("{path:?} comes after {after:?}: entries must be in walk order, each once")]
    Order {
        /// The entry out of order.
        path: String,
        /// The sibling it should have preceded.
        after: String,
    },
    /// A folder line does not close the innermost open folder.
    #[error("folder line {found:?} found while folder {open:?} is open")]
    Nesting {
        /// The folder the line names.
        found: String,
        /// The folder that must be closed first.
        open: String,
    },
    /// A folder's recorded root, file count or size differs from its contents.
    #[error(
        "folder {path:?} records {recorded}, its contents give {computed}: the manifest was \
         altered"
    )]
    Root {
        /// The folder.
        path: String,
        /// What the line says.
        recorded: String,
        /// What its children give.
        computed: String,
    },
    /// Something follows the root's line.
    #[error("data after the root folder's line")]
    Trailing,
    /// Over [`crate::MAX_FILES`] files or [`crate::MAX_DEPTH`] folders deep.
    #[error("{0}")]
    Limit(String),
    /// A part manifest's header is malformed or does not fit the merge.
    #[error("{0}")]
    Part(String),
}

impl ManifestError {
    pub(crate) fn at(line: u64, reason: impl Into<Reason>) -> Self {
        ManifestError {
            line,
            reason: reason.into(),
        }
    }
}
