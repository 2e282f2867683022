//! The open folders of a manifest being written or read, and their roots (spec/manifest.md
//! §3). Memory is one entry per folder on the path of the current file.
use sceau_core::Sha256Digest;
use sha2::{Digest, Sha256};

use crate::error::Reason;
use crate::line::Line;
use crate::order::parent_of;

/// A folder whose every file has been listed: its root, file count and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedDir {
    /// Its path, `""` for the root of the tree.
    pub path: String,
    /// Its root (spec/manifest.md §3).
    pub root: Sha256Digest,
    /// Files below it, at any depth.
    pub files: u64,
    /// Their total size in bytes.
    pub bytes: u64,
}

struct OpenDir {
    path: String,
    hasher: Sha256,
    files: u64,
    bytes: u64,
    last_child: Option<String>,
}

impl OpenDir {
    fn new(path: String) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(crate::DIR_DOMAIN);
        OpenDir {
            path,
            hasher,
            files: 0,
            bytes: 0,
            last_child: None,
        }
    }

    /// Records a child name, which must come after the previous one (spec/manifest.md §2.2).
    fn child(&mut self, name: &str) -> Result<(), Reason> {
        if let Some(last) = &self.last_child {
            if name.as_bytes() <= last.as_bytes() {
                let join = |n: &str| {
                    if self.path.is_empty() {
                        n.to_owned()
                    } else {
                        format!("{}/{n}", self.path)
                    }
                };
                return Err(Reason::Order {
                    path: join(name),
                    after: join(last),
                });
            }
        }
        self.last_child = Some(name.to_owned());
        Ok(())
    }
}

/// The folders open at the current file, the root at the bottom.
pub(crate) struct DirStack {
    stack: Vec<OpenDir>,
    files: u64,
    line: Vec<u8>,
}

impl DirStack {
    pub(crate) fn new() -> Self {
        DirStack {
            stack: vec![OpenDir::new(String::new())],
            files: 0,
            line: Vec::new(),
        }
    }

    /// The innermost open folder's path, `None` once the root is closed.
    pub(crate) fn top(&self) -> Option<&str> {
        self.stack.last().map(|d| d.path.as_str())
    }

    /// Opens the folders leading to the file `path`. Folders open that do not lead there are
    /// closed (`auto_close`, when writing, each passed to `closed`) or make an error (when
    /// reading: their lines must come first).
    pub(crate) fn enter(
        &mut self,
        path: &str,
        auto_close: bool,
        closed: &mut dyn FnMut(ClosedDir) -> Result<(), Reason>,
    ) -> Result<(), Reason> {
        let (dir, _) = parent_of(path);
        loop {
            let Some(top) = self.stack.last() else {
                return Err(Reason::Trailing);
            };
            let leads = top.path.is_empty()
                || dir == top.path
                || dir
                    .strip_prefix(top.path.as_str())
                    .is_some_and(|r| r.starts_with('/'));
            if leads {
                break;
            }
            if !auto_close {
                return Err(Reason::Nesting {
                    found: path.to_owned(),
                    open: format!("{}/", top.path),
                });
            }
            let c = self.close()?;
            closed(c)?;
        }
        // Open the folders between the innermost open one and the file.
        let depth_open = self.stack.last().map_or(0, |t| t.path.len());
        let rest = if depth_open == 0 {
            dir
        } else {
            dir.get(depth_open + 1..).unwrap_or("")
        };
        if !rest.is_empty() {
            for name in rest.split('/') {
                if self.stack.len() > crate::MAX_DEPTH {
                    return Err(Reason::Limit(format!(
                        "{path:?} is more than {} folders deep",
                        crate::MAX_DEPTH
                    )));
                }
                let Some(top) = self.stack.last_mut() else {
                    return Err(Reason::Trailing);
                };
                top.child(name)?;
                let p = if top.path.is_empty() {
                    name.to_owned()
                } else {
                    format!("{}/{name}", top.path)
                };
                self.stack.push(OpenDir::new(p));
            }
        }
        Ok(())
    }

    /// Adds a file to the innermost open folder (after [`DirStack::enter`]).
    pub(crate) fn file(
        &mut self,
        name: &str,
        sha256: Sha256Digest,
        size: u64,
    ) -> Result<(), Reason> {
        if self.files >= crate::MAX_FILES {
            return Err(Reason::Limit(format!(
                "more than {} files",
                crate::MAX_FILES
            )));
        }
        let Some(top) = self.stack.last_mut() else {
            return Err(Reason::Trailing);
        };
        top.child(name)?;
        self.line.clear();
        Line::File {
            sha256,
            size,
            path: name,
        }
        .write(&mut self.line);
        top.hasher.update(&self.line);
        top.files += 1;
        top.bytes = top
            .bytes
            .checked_add(size)
            .ok_or_else(|| Reason::Limit("total size over 2^64 bytes".into()))?;
        self.files += 1;
        Ok(())
    }

    /// Closes the innermost open folder: its root, and its line added to its parent's.
    pub(crate) fn close(&mut self) -> Result<ClosedDir, Reason> {
        let Some(d) = self.stack.pop() else {
            return Err(Reason::Trailing);
        };
        let c = ClosedDir {
            root: Sha256Digest(d.hasher.finalize().into()),
            files: d.files,
            bytes: d.bytes,
            path: d.path,
        };
        if let Some(parent) = self.stack.last_mut() {
            let (_, name) = parent_of(&c.path);
            self.line.clear();
            Line::Dir {
                root: c.root,
                files: c.files,
                bytes: c.bytes,
                path: name,
            }
            .write(&mut self.line);
            parent.hasher.update(&self.line);
            parent.files += c.files;
            parent.bytes = parent
                .bytes
                .checked_add(c.bytes)
                .ok_or_else(|| Reason::Limit("total size over 2^64 bytes".into()))?;
        }
        Ok(c)
    }
}
