//! Part manifests: what one job of a sharded scan hashed (spec/manifest.md §5.3). A part names
//! the listing it was cut from and which part it is; its lines are the files of that part, in
//! walk order; a last line counts them, so that a truncated part is refused.
use std::io::{BufRead, BufReader, Read, Write};

use sceau_core::{RelPath, Sha256Digest};

use crate::error::{ManifestError, Reason};
use crate::line::{parse_decimal, push_decimal, Line, MAX_LINE_BYTES};
use crate::order::cmp_paths;
use crate::shard::Shard;

/// First word of a part manifest's first line.
pub const PART_HEADER: &str = "sceau-part/1";

/// A part manifest's first line: `sceau-part/1 <listing digest> <K>/<N> <files in the listing>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartHeader {
    /// Digest of the whole tree's listing (spec/manifest.md §5.1).
    pub listing: Sha256Digest,
    /// Which part.
    pub shard: Shard,
    /// Files in the whole listing.
    pub files: u64,
}

impl PartHeader {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(PART_HEADER.as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.listing.to_hex().as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.shard.to_string().as_bytes());
        out.push(b' ');
        push_decimal(out, self.files);
        out.push(b'\n');
    }

    fn parse(line: &str) -> Result<PartHeader, Reason> {
        let bad = || {
            Reason::Part(format!(
                "not a sceau part manifest (first line {:?})",
                line.chars().take(100).collect::<String>()
            ))
        };
        let mut it = line.split(' ');
        if it.next() != Some(PART_HEADER) {
            return Err(bad());
        }
        let (Some(l), Some(s), Some(f), None) = (it.next(), it.next(), it.next(), it.next()) else {
            return Err(bad());
        };
        Ok(PartHeader {
            listing: l.parse().map_err(|_| bad())?,
            shard: s.parse().map_err(|_| bad())?,
            files: parse_decimal(f).ok_or_else(bad)?,
        })
    }
}

/// A part manifest being written.
pub struct PartWriter<W: Write> {
    out: W,
    count: u64,
    last: Option<String>,
    buf: Vec<u8>,
}

impl<W: Write> PartWriter<W> {
    /// Starts a part on `out`.
    pub fn new(mut out: W, header: PartHeader) -> std::io::Result<Self> {
        let mut buf = Vec::new();
        header.write(&mut buf);
        out.write_all(&buf)?;
        Ok(PartWriter {
            out,
            count: 0,
            last: None,
            buf,
        })
    }

    /// Adds a file (in walk order).
    pub fn add(&mut self, path: &RelPath, size: u64, sha256: Sha256Digest) -> std::io::Result<()> {
        if let Some(last) = &self.last {
            if cmp_paths(last, path.as_str()).is_ge() {
                return Err(std::io::Error::other(format!(
                    "part entries out of walk order: {path} after {last}"
                )));
            }
        }
        self.buf.clear();
        Line::File {
            sha256,
            size,
            path: path.as_str(),
        }
        .write(&mut self.buf);
        self.out.write_all(&self.buf)?;
        self.count += 1;
        self.last = Some(path.as_str().to_owned());
        Ok(())
    }

    /// Writes the count line and flushes; gives the output back.
    pub fn finish(mut self) -> std::io::Result<(u64, W)> {
        self.buf.clear();
        self.buf.extend_from_slice(b"E ");
        push_decimal(&mut self.buf, self.count);
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok((self.count, self.out))
    }
}

/// A part manifest being read: its header, then its files in walk order.
pub struct PartReader<R: Read> {
    input: BufReader<R>,
    header: PartHeader,
    line_no: u64,
    count: u64,
    last: Option<String>,
    buf: Vec<u8>,
    done: bool,
}

fn line<R: BufRead>(r: &mut R, buf: &mut Vec<u8>) -> Result<bool, Reason> {
    buf.clear();
    let n = r
        .take(MAX_LINE_BYTES as u64 + 1)
        .read_until(b'\n', buf)
        .map_err(Reason::Io)?;
    if n == 0 {
        return Ok(false);
    }
    if buf.pop() != Some(b'\n') {
        return Err(if n > MAX_LINE_BYTES {
            Reason::LineTooLong
        } else {
            Reason::Truncated("the last line has no end".into())
        });
    }
    Ok(true)
}

impl<R: Read> PartReader<R> {
    /// Reads the header.
    pub fn new(input: R) -> Result<Self, ManifestError> {
        let mut input = BufReader::with_capacity(256 * 1024, input);
        let mut buf = Vec::new();
        if !line(&mut input, &mut buf).map_err(|r| ManifestError::at(1, r))? {
            return Err(ManifestError::at(
                1,
                Reason::Part("empty file: not a part manifest".into()),
            ));
        }
        let text = std::str::from_utf8(&buf)
            .map_err(|_| ManifestError::at(1, Reason::Part("not UTF-8".into())))?;
        let header = PartHeader::parse(text).map_err(|r| ManifestError::at(1, r))?;
        Ok(PartReader {
            input,
            header,
            line_no: 1,
            count: 0,
            last: None,
            buf,
            done: false,
        })
    }

    /// The part's first line.
    pub fn header(&self) -> PartHeader {
        self.header
    }

    fn step(&mut self) -> Result<Option<(RelPath, u64, Sha256Digest)>, Reason> {
        if !line(&mut self.input, &mut self.buf)? {
            return Err(Reason::Truncated("no count line at the end".into()));
        }
        let text = std::str::from_utf8(&self.buf)
            .map_err(|_| Reason::Syntax("a line is not UTF-8".into()))?;
        if let Some(n) = text.strip_prefix("E ") {
            if parse_decimal(n) != Some(self.count) {
                return Err(Reason::Truncated(format!(
                    "the count line says {n}, the part lists {}",
                    self.count
                )));
            }
            // Nothing may follow.
            if line(&mut self.input, &mut self.buf)? {
                return Err(Reason::Trailing);
            }
            self.done = true;
            return Ok(None);
        }
        match Line::parse(text)? {
            Line::File { sha256, size, path } => {
                let rel = RelPath::new(path).map_err(|source| Reason::Path {
                    path: path.chars().take(100).collect(),
                    source,
                })?;
                if let Some(last) = &self.last {
                    if cmp_paths(last, rel.as_str()).is_ge() {
                        return Err(Reason::Order {
                            path: rel.as_str().to_owned(),
                            after: last.clone(),
                        });
                    }
                }
                if self.count >= self.header.files {
                    return Err(Reason::Part(format!(
                        "more files than the {} of the whole listing",
                        self.header.files
                    )));
                }
                self.count += 1;
                self.last = Some(rel.as_str().to_owned());
                Ok(Some((rel, size, sha256)))
            }
            Line::Dir { .. } => Err(Reason::Syntax("a part lists files only".into())),
        }
    }
}

impl<R: Read> Iterator for PartReader<R> {
    type Item = Result<(RelPath, u64, Sha256Digest), ManifestError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.line_no += 1;
        match self.step() {
            Ok(Some(x)) => Some(Ok(x)),
            Ok(None) => None,
            Err(r) => {
                self.done = true;
                Some(Err(ManifestError::at(self.line_no, r)))
            }
        }
    }
}
