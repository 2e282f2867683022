//! The Hugging Face hub cache: recognising a snapshot folder, its repository's `blobs/`
//! folder and the cache's shared blob store (spec/scan.md §1.4).
//!
//! Two layouts are read. The classic one (`huggingface_hub` up to 2.3, or later with shared
//! blobs turned off) links every snapshot file to the repository's `blobs/<etag>`, a regular
//! file. From 2.4 on, a file downloaded through Xet is stored once per cache, in
//! `<cache>/blobs/<2 hex>/<xet hash>` (the folder marked by `.huggingface-shared-blobs`), and
//! the repository's `blobs/<etag>` becomes a second symlink to it. What a link may point to is
//! decided in `links.rs`; this module only says where those places are, after checking that
//! each is a real folder and not a symlink.
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Name of the shared blob store's marker file, inside `<cache>/blobs/`.
pub const SHARED_MARKER: &str = ".huggingface-shared-blobs";

/// The only marker content read as the layout described here (layout version 1).
pub const SHARED_MARKER_CONTENT: &[u8] = b"1\n";

/// A Hugging Face cache snapshot recognised at the root (spec/scan.md §1.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HfSnapshot {
    /// `org/name` from the `models--org--name` folder.
    pub repo_id: String,
    /// The snapshot folder's name: the revision.
    pub revision: String,
    /// The repository folder (`…/models--org--name`), canonical.
    pub repo: PathBuf,
    /// The repository's `blobs/` folder, canonical, when it is a real folder: `None` when it
    /// is a symlink or anything but a folder, and then no link may go into it.
    pub blobs: Option<PathBuf>,
    /// The cache's shared blob store `<cache>/blobs`, canonical, when it is a real folder
    /// holding the marker [`SHARED_MARKER`] as a regular file with the content
    /// [`SHARED_MARKER_CONTENT`]; `None` otherwise, and then no link may go into it.
    pub shared: Option<PathBuf>,
}

impl HfSnapshot {
    /// The cache folder (`…/hub`): the repository folder's parent.
    pub fn cache(&self) -> &Path {
        self.repo.parent().unwrap_or(&self.repo)
    }

    /// Where the shared store would be: `<cache>/blobs`, whether it exists, is marked or not.
    pub fn shared_candidate(&self) -> PathBuf {
        self.cache().join("blobs")
    }
}

/// Recognises `…/models--ORG--NAME/snapshots/REV` (also `datasets--` and `spaces--`) in a
/// canonical `root` whose repository folder has an entry named `blobs` (of any type).
pub fn hf_snapshot(root: &Path) -> Option<HfSnapshot> {
    let revision = root.file_name()?.to_str()?.to_owned();
    let snapshots = root.parent()?;
    if snapshots.file_name()? != "snapshots" {
        return None;
    }
    let repo = snapshots.parent()?;
    let repo_name = repo.file_name()?.to_str()?;
    let rest = ["models--", "datasets--", "spaces--"]
        .iter()
        .find_map(|p| repo_name.strip_prefix(p))?;
    let repo_id = rest.replacen("--", "/", 1);
    let blobs_entry = repo.join("blobs");
    let blobs_meta = std::fs::symlink_metadata(&blobs_entry).ok()?;
    let blobs = real_dir(&blobs_entry, &blobs_meta);
    let mut snap = HfSnapshot {
        repo_id,
        revision,
        repo: repo.to_owned(),
        blobs,
        shared: None,
    };
    snap.shared = shared_store(&snap.shared_candidate());
    Some(snap)
}

/// `path` when it is a real folder (lstat: a directory, not a symlink) whose canonical form is
/// itself (no symlink on the way either).
fn real_dir(path: &Path, meta: &std::fs::Metadata) -> Option<PathBuf> {
    if !meta.file_type().is_dir() {
        return None;
    }
    let canonical = path.canonicalize().ok()?;
    (canonical == path).then_some(canonical)
}

/// `store` when it is a marked shared blob store: a real folder holding the marker as a
/// regular file (not a symlink) whose content is exactly [`SHARED_MARKER_CONTENT`]. The
/// marker is the one file the walk opens: without blocking, at most 16 bytes.
fn shared_store(store: &Path) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(store).ok()?;
    let store = real_dir(store, &meta)?;
    let marker = store.join(SHARED_MARKER);
    let m = std::fs::symlink_metadata(&marker).ok()?;
    if !m.file_type().is_file() || m.len() != SHARED_MARKER_CONTENT.len() as u64 {
        return None;
    }
    let f = open_nofollow(&marker).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let mut buf = Vec::new();
    f.take(16).read_to_end(&mut buf).ok()?;
    (buf == SHARED_MARKER_CONTENT).then_some(store)
}

/// Opens a file for reading without following a final symlink and without blocking.
fn open_nofollow(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    opts.open(path)
}

/// True when `name` is a shared-store entry name: 64 lower-case hex digits (a Xet hash).
pub fn is_xet_hash(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
