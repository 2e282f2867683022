//! Enumerating a model as `model_signing` does (spec/oms.md §5.1).
use std::path::{Path, PathBuf};

use sceau_core::IgnoreRules;

use crate::error::TreeError;
use crate::ignore::IgnoreSet;
use crate::predicate::MAX_RESOURCES;

/// One regular file of the model.
#[derive(Clone, Debug)]
pub(crate) struct WalkedFile {
    /// Path components below the root (empty for a single-file model).
    pub(crate) parts: Vec<String>,
    /// What to open (a symlink, when followed, opens its target).
    pub(crate) path: PathBuf,
    /// Size when walked.
    pub(crate) size: u64,
}

fn io(path: &Path, e: std::io::Error) -> TreeError {
    TreeError::Io {
        path: path.to_owned(),
        source: e,
    }
}

/// What a symlink resolves to, when links may be followed: the target's size for a file,
/// `None` for a folder (which `model_signing`'s `glob("**/*")` does not enter).
fn follow(path: &Path) -> Result<Option<u64>, TreeError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(Some(m.len())),
        Ok(m) if m.is_dir() => Ok(None),
        Ok(_) => Err(TreeError::SpecialFile(path.to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(TreeError::DanglingSymlink(path.to_owned()))
        }
        Err(e) => Err(io(path, e)),
    }
}

/// What a walk found: the files, and the paths `exclude` left out.
#[derive(Clone, Debug, Default)]
pub(crate) struct Walked {
    /// Every regular file not ignored, in no particular order.
    pub(crate) files: Vec<WalkedFile>,
    /// The topmost paths sceau's rules excluded (a folder once, nothing below it), so that a
    /// writer can record them as OMS `ignore_paths` (spec/oms.md §9).
    pub(crate) excluded: Vec<String>,
}

/// Walks `root` (a folder, or a single file): every regular file not ignored, in no
/// particular order. Symbolic links are refused unless `allow_symlinks`; then links to files
/// are followed and links to folders skipped. FIFOs, sockets, devices and non-UTF-8 names
/// are refused. `exclude` is sceau's `--exclude` rules, applied beside `ignores`.
pub(crate) fn walk(
    root: &Path,
    allow_symlinks: bool,
    ignores: &IgnoreSet,
    exclude: Option<&IgnoreRules>,
) -> Result<Walked, TreeError> {
    let file = |size| Walked {
        files: vec![WalkedFile {
            parts: Vec::new(),
            path: root.to_owned(),
            size,
        }],
        excluded: Vec::new(),
    };
    let meta = std::fs::symlink_metadata(root).map_err(|e| io(root, e))?;
    if meta.file_type().is_symlink() {
        if !allow_symlinks {
            return Err(TreeError::Symlink(root.to_owned()));
        }
        return match follow(root)? {
            Some(size) => Ok(file(size)),
            None => walk_dir(
                &root.canonicalize().map_err(|e| io(root, e))?,
                allow_symlinks,
                ignores,
                exclude,
            ),
        };
    }
    if meta.is_file() {
        return Ok(file(meta.len()));
    }
    if !meta.is_dir() {
        return Err(TreeError::NotAModel(root.to_owned()));
    }
    walk_dir(root, allow_symlinks, ignores, exclude)
}

fn walk_dir(
    root: &Path,
    allow_symlinks: bool,
    ignores: &IgnoreSet,
    exclude: Option<&IgnoreRules>,
) -> Result<Walked, TreeError> {
    let mut files = Vec::new();
    let mut excluded = Vec::new();
    let mut it = walkdir::WalkDir::new(root)
        .follow_links(false)
        .min_depth(1)
        .into_iter();
    while let Some(entry) = it.next() {
        let entry = entry.map_err(|e| {
            let path = e
                .path()
                .map(Path::to_owned)
                .unwrap_or_else(|| root.to_owned());
            io(&path, e.into())
        })?;
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(path);
        let mut parts = Vec::new();
        for c in rel.components() {
            let s = c
                .as_os_str()
                .to_str()
                .ok_or_else(|| TreeError::NonUtf8Name(path.to_owned()))?;
            parts.push(s.to_owned());
        }
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        let rel_str = refs.join("/");
        let ft = entry.file_type();
        let is_excluded = exclude.is_some_and(|x| {
            if ft.is_dir() {
                x.ignores_dir(&rel_str)
            } else {
                x.ignores_path(&rel_str)
            }
        });
        if ignores.ignores(&refs) || is_excluded {
            if is_excluded && !ignores.ignores(&refs) {
                excluded.push(rel_str);
            }
            if ft.is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        let size = if ft.is_symlink() {
            if !allow_symlinks {
                return Err(TreeError::Symlink(path.to_owned()));
            }
            match follow(path)? {
                Some(size) => size,
                None => continue,
            }
        } else if ft.is_dir() {
            continue;
        } else if ft.is_file() {
            entry.metadata().map_err(|e| io(path, e.into()))?.len()
        } else {
            return Err(TreeError::SpecialFile(path.to_owned()));
        };
        if files.len() >= MAX_RESOURCES {
            return Err(TreeError::TooManyFiles(MAX_RESOURCES));
        }
        files.push(WalkedFile {
            parts,
            path: path.to_owned(),
            size,
        });
    }
    Ok(Walked { files, excluded })
}
