//! Writing a manifest as files are hashed, in walk order (spec/manifest.md §2–§3).
use std::io::Write;

use sceau_core::{RelPath, Sha256Digest};

use crate::error::{ManifestError, Reason};
use crate::hashing::HashingWriter;
use crate::line::Line;
use crate::order::parent_of;
use crate::tree::{ClosedDir, DirStack};

/// What a finished manifest is: its digest (the signed reference to it), the tree's root, and
/// its totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// SHA-256 of the manifest's bytes.
    pub sha256: Sha256Digest,
    /// Length of the manifest in bytes.
    pub len: u64,
    /// The root of the whole tree (the root folder's root).
    pub root: Sha256Digest,
    /// Files listed.
    pub files: u64,
    /// Their total size.
    pub bytes: u64,
}

/// A manifest being written. Memory: one entry per folder on the current file's path.
pub struct ManifestWriter<W: Write> {
    out: HashingWriter<W>,
    dirs: DirStack,
    buf: Vec<u8>,
    lines: u64,
}

impl<W: Write> ManifestWriter<W> {
    /// Starts a manifest on `out` (its header line).
    pub fn new(out: W) -> Result<Self, ManifestError> {
        let mut out = HashingWriter::new(out);
        out.write_all(crate::HEADER.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| ManifestError::at(1, e))?;
        Ok(ManifestWriter {
            out,
            dirs: DirStack::new(),
            buf: Vec::with_capacity(256),
            lines: 1,
        })
    }

    fn put(&mut self, line: Line<'_>) -> Result<(), ManifestError> {
        self.buf.clear();
        line.write(&mut self.buf);
        self.lines += 1;
        self.out
            .write_all(&self.buf)
            .map_err(|e| ManifestError::at(self.lines, e))
    }

    /// Adds a file, which must come after every file added so far in walk order
    /// ([`crate::cmp_paths`]). Returns the folders this closed (those the file is not in),
    /// innermost first.
    pub fn add(
        &mut self,
        path: &RelPath,
        size: u64,
        sha256: Sha256Digest,
    ) -> Result<Vec<ClosedDir>, ManifestError> {
        let mut closed = Vec::new();
        let mut lines: Vec<ClosedDir> = Vec::new();
        let at = self.lines + 1;
        self.dirs
            .enter(path.as_str(), true, &mut |c| {
                lines.push(c);
                Ok(())
            })
            .map_err(|r| ManifestError::at(at, r))?;
        for c in lines {
            self.put(Line::Dir {
                root: c.root,
                files: c.files,
                bytes: c.bytes,
                path: &c.path,
            })?;
            closed.push(c);
        }
        let (_, name) = parent_of(path.as_str());
        self.dirs
            .file(name, sha256, size)
            .map_err(|r| ManifestError::at(self.lines + 1, r))?;
        self.put(Line::File {
            sha256,
            size,
            path: path.as_str(),
        })?;
        Ok(closed)
    }

    /// Closes every open folder, the root last, and flushes. Returns the folders closed and
    /// the summary, and gives the output back.
    pub fn finish(mut self) -> Result<(Vec<ClosedDir>, Summary, W), ManifestError> {
        let mut closed = Vec::new();
        while self.dirs.top().is_some() {
            let c = self
                .dirs
                .close()
                .map_err(|r| ManifestError::at(self.lines + 1, r))?;
            self.put(Line::Dir {
                root: c.root,
                files: c.files,
                bytes: c.bytes,
                path: &c.path,
            })?;
            closed.push(c);
        }
        self.out
            .flush()
            .map_err(|e| ManifestError::at(self.lines, Reason::Io(e)))?;
        let Some(root) = closed.last().cloned() else {
            return Err(ManifestError::at(self.lines, Reason::Trailing));
        };
        let summary = Summary {
            sha256: self.out.digest(),
            len: self.out.len,
            root: root.root,
            files: root.files,
            bytes: root.bytes,
        };
        Ok((closed, summary, self.out.inner))
    }
}
