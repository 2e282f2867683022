//! Reading a manifest as a stream, checking every folder's root as it is closed
//! (spec/manifest.md §2–§3): a manifest read to its end is whole and unaltered below each root.
use std::io::{BufRead, BufReader, Read};

use sceau_core::{RelPath, Sha256Digest};

use crate::error::{ManifestError, Reason};
use crate::hashing::HashingReader;
use crate::line::{Line, MAX_LINE_BYTES};
use crate::order::parent_of;
use crate::tree::{ClosedDir, DirStack};
use crate::writer::Summary;

/// One entry of a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A file.
    File {
        /// Its path.
        path: RelPath,
        /// Its size.
        size: u64,
        /// Its SHA-256.
        sha256: Sha256Digest,
    },
    /// A folder, once all its files were listed; its root was checked against them.
    Dir(ClosedDir),
}

/// A manifest being read. Memory: one entry per open folder and one line.
pub struct ManifestReader<R: Read> {
    input: BufReader<HashingReader<R>>,
    dirs: DirStack,
    line_no: u64,
    buf: Vec<u8>,
    root: Option<ClosedDir>,
    failed: bool,
    done: bool,
}

fn read_line<R: BufRead>(r: &mut R, buf: &mut Vec<u8>) -> Result<bool, Reason> {
    buf.clear();
    let n = r
        .take(MAX_LINE_BYTES as u64 + 1)
        .read_until(b'\n', buf)
        .map_err(Reason::Io)?;
    if n == 0 {
        return Ok(false);
    }
    if buf.last() != Some(&b'\n') {
        return Err(if buf.len() > MAX_LINE_BYTES {
            Reason::LineTooLong
        } else {
            Reason::Truncated("the last line has no end".into())
        });
    }
    buf.pop();
    Ok(true)
}

impl<R: Read> ManifestReader<R> {
    /// Starts reading; checks the header line.
    pub fn new(input: R) -> Result<Self, ManifestError> {
        let mut input = BufReader::with_capacity(256 * 1024, HashingReader::new(input));
        let mut buf = Vec::new();
        let ok = read_line(&mut input, &mut buf).map_err(|r| ManifestError::at(1, r))?;
        if !ok || buf != crate::HEADER.as_bytes() {
            return Err(ManifestError::at(
                1,
                Reason::Header {
                    expected: crate::HEADER,
                },
            ));
        }
        Ok(ManifestReader {
            input,
            dirs: DirStack::new(),
            line_no: 1,
            buf,
            root: None,
            failed: false,
            done: false,
        })
    }

    fn step(&mut self) -> Result<Option<Entry>, Reason> {
        if !read_line(&mut self.input, &mut self.buf)? {
            return match self.root {
                Some(_) => Ok(None),
                None => Err(Reason::Truncated(format!(
                    "it ends before folder {:?} is closed",
                    self.dirs.top().map(|t| format!("{t}/")).unwrap_or_default()
                ))),
            };
        }
        if self.root.is_some() {
            return Err(Reason::Trailing);
        }
        let text = std::str::from_utf8(&self.buf)
            .map_err(|_| Reason::Syntax("a line is not UTF-8".into()))?;
        match Line::parse(text)? {
            Line::File { sha256, size, path } => {
                let rel = RelPath::new(path).map_err(|source| Reason::Path {
                    path: path.chars().take(100).collect(),
                    source,
                })?;
                self.dirs.enter(rel.as_str(), false, &mut |_| Ok(()))?;
                let (_, name) = parent_of(rel.as_str());
                self.dirs.file(name, sha256, size)?;
                Ok(Some(Entry::File {
                    path: rel,
                    size,
                    sha256,
                }))
            }
            Line::Dir {
                root,
                files,
                bytes,
                path,
            } => {
                let open = self.dirs.top().unwrap_or_default();
                if open != path {
                    return Err(Reason::Nesting {
                        found: format!("{path}/"),
                        open: format!("{open}/"),
                    });
                }
                let c = self.dirs.close()?;
                if (c.root, c.files, c.bytes) != (root, files, bytes) {
                    return Err(Reason::Root {
                        path: format!("{path}/"),
                        recorded: format!("root {} ({files} files, {bytes} bytes)", root.to_hex()),
                        computed: format!(
                            "root {} ({} files, {} bytes)",
                            c.root.to_hex(),
                            c.files,
                            c.bytes
                        ),
                    });
                }
                if c.path.is_empty() {
                    self.root = Some(c.clone());
                }
                Ok(Some(Entry::Dir(c)))
            }
        }
    }

    /// Reads to the end and returns the summary: the manifest's digest, the tree's root and
    /// totals. Fails when the manifest was not read whole, or has anything after its root.
    pub fn finish(mut self) -> Result<Summary, ManifestError> {
        self.end()
    }

    /// [`ManifestReader::finish`] without giving the reader up: reads what is left and
    /// returns the summary.
    pub fn end(&mut self) -> Result<Summary, ManifestError> {
        for e in self.by_ref() {
            e?;
        }
        let root = self.root.clone().ok_or_else(|| {
            ManifestError::at(self.line_no, Reason::Truncated("no root line".into()))
        })?;
        let hashing = self.input.get_ref();
        Ok(Summary {
            sha256: hashing.digest(),
            len: hashing.len,
            root: root.root,
            files: root.files,
            bytes: root.bytes,
        })
    }
}

impl<R: Read> Iterator for ManifestReader<R> {
    type Item = Result<Entry, ManifestError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.done {
            return None;
        }
        self.line_no += 1;
        match self.step() {
            Ok(Some(e)) => Some(Ok(e)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(r) => {
                self.failed = true;
                Some(Err(ManifestError::at(self.line_no, r)))
            }
        }
    }
}
