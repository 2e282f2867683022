//! A buffered, bounded cursor over a [`ReadAt`] source for parsing headers
//! (spec/fingerprint.md §4.1).
//!
//! Reads go through a window of [`WINDOW`] bytes, so that parsing thousands of small fields
//! costs a few positioned reads; skipping moves the position without reading. Nothing is read
//! past `end`, and every length is checked against what remains before a buffer is made.
use std::io;

use crate::error::ReadError;
use crate::source::ReadAt;

/// Bytes fetched per refill.
pub const WINDOW: u64 = 64 * 1024;

/// A position in a source, with an end it must not pass.
pub struct Cursor<'a> {
    src: &'a dyn ReadAt,
    pos: u64,
    end: u64,
    buf: Vec<u8>,
    buf_start: u64,
}

impl<'a> Cursor<'a> {
    /// A cursor over the whole source.
    pub fn new(src: &'a dyn ReadAt) -> Cursor<'a> {
        Cursor {
            src,
            pos: 0,
            end: src.len(),
            buf: Vec::new(),
            buf_start: 0,
        }
    }

    /// Current position.
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// Bytes left before the end.
    pub fn remaining(&self) -> u64 {
        self.end.saturating_sub(self.pos)
    }

    /// Moves to `pos`, which must not be past the end.
    pub fn seek(&mut self, what: &'static str, pos: u64) -> Result<(), ReadError> {
        if pos > self.end {
            return Err(ReadError::Truncated {
                what,
                offset: self.end,
            });
        }
        self.pos = pos;
        Ok(())
    }

    /// Sets a nearer end (for a nested message); returns the previous end to restore.
    pub fn narrow(&mut self, what: &'static str, len: u64) -> Result<u64, ReadError> {
        self.check_fits(what, len)?;
        let old = self.end;
        self.end = self.pos + len;
        Ok(old)
    }

    /// Restores an end returned by [`Cursor::narrow`].
    pub fn restore(&mut self, end: u64) {
        self.end = end;
    }

    /// Refuses `len` bytes that do not fit before the end.
    pub fn check_fits(&self, what: &'static str, len: u64) -> Result<(), ReadError> {
        if len > self.remaining() {
            return Err(ReadError::LengthExceedsFile {
                what,
                offset: self.pos,
                declared: len,
                remaining: self.remaining(),
            });
        }
        Ok(())
    }

    fn io(&self, what: &'static str, offset: u64, e: io::Error) -> ReadError {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            ReadError::Truncated { what, offset }
        } else {
            ReadError::Io {
                what,
                offset,
                source: e,
            }
        }
    }

    /// Fills `out` from the current position and advances.
    pub fn read_into(&mut self, what: &'static str, out: &mut [u8]) -> Result<(), ReadError> {
        let n = out.len() as u64;
        if n > self.remaining() {
            return Err(ReadError::Truncated {
                what,
                offset: self.pos,
            });
        }
        let buf_end = self.buf_start + self.buf.len() as u64;
        if self.pos < self.buf_start || self.pos + n > buf_end {
            if n > WINDOW {
                // Large reads go straight to the caller's buffer.
                self.src
                    .read_exact_at(self.pos, out)
                    .map_err(|e| self.io(what, self.pos, e))?;
                self.pos += n;
                return Ok(());
            }
            let len = WINDOW.min(self.end - self.pos).max(n);
            self.buf.resize(len as usize, 0);
            self.src
                .read_exact_at(self.pos, &mut self.buf)
                .map_err(|e| self.io(what, self.pos, e))?;
            self.buf_start = self.pos;
        }
        let at = (self.pos - self.buf_start) as usize;
        out.copy_from_slice(&self.buf[at..at + out.len()]);
        self.pos += n;
        Ok(())
    }

    /// Reads a fixed-size array.
    pub fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ReadError> {
        let mut b = [0u8; N];
        self.read_into(what, &mut b)?;
        Ok(b)
    }

    /// Reads a little-endian `u32`.
    pub fn u32(&mut self, what: &'static str) -> Result<u32, ReadError> {
        self.array::<4>(what).map(u32::from_le_bytes)
    }

    /// Reads a little-endian `u64`.
    pub fn u64(&mut self, what: &'static str) -> Result<u64, ReadError> {
        self.array::<8>(what).map(u64::from_le_bytes)
    }

    /// Reads `len` bytes to keep, after checking `len` against `cap` and the end.
    pub fn bytes(&mut self, what: &'static str, len: u64, cap: u64) -> Result<Vec<u8>, ReadError> {
        if len > cap {
            return Err(ReadError::LimitExceeded {
                what,
                declared: len,
                limit: cap,
            });
        }
        self.check_fits(what, len)?;
        let mut v = vec![0u8; len as usize];
        self.read_into(what, &mut v)?;
        Ok(v)
    }

    /// Skips `len` bytes after checking that they fit.
    pub fn skip(&mut self, what: &'static str, len: u64) -> Result<(), ReadError> {
        self.check_fits(what, len)?;
        self.pos += len;
        Ok(())
    }

    /// Up to `n` bytes from the current position without advancing (fewer at the end).
    pub fn peek(&mut self, what: &'static str, n: usize) -> Result<Vec<u8>, ReadError> {
        let n = (n as u64).min(self.remaining());
        let pos = self.pos;
        let v = self.bytes(what, n, n)?;
        self.pos = pos;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_skips_and_stays_bounded() {
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        let mut c = Cursor::new(&data);
        assert_eq!(c.u32("a").unwrap(), u32::from_le_bytes([0, 1, 2, 3]));
        c.skip("gap", 100_000).unwrap();
        assert_eq!(
            c.array::<2>("b").unwrap(),
            [(100_004 % 256) as u8, (100_005 % 256) as u8]
        );
        assert_eq!(c.peek("p", 3).unwrap().len(), 3);
        assert_eq!(c.pos(), 100_006);
        let big = c.bytes("big", 70_000, 1 << 20).unwrap();
        assert_eq!(big[0], (100_006 % 256) as u8);
        assert!(matches!(
            c.bytes("capped", 10, 5),
            Err(ReadError::LimitExceeded { .. })
        ));
        assert!(matches!(
            c.skip("far", 1 << 40),
            Err(ReadError::LengthExceedsFile { .. })
        ));
        let end = c.narrow("msg", 4).unwrap();
        assert!(matches!(c.u64("x"), Err(ReadError::Truncated { .. })));
        c.restore(end);
        assert!(c.u64("x").is_ok());
        c.seek("s", 200_000).unwrap();
        assert!(c.u32("end").is_err());
        assert!(c.seek("s", 200_001).is_err());
    }
}
