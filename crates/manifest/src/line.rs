//! One line of a manifest (spec/manifest.md §2.1).
use sceau_core::Sha256Digest;

use crate::error::Reason;

/// Longest line accepted: a longest path (spec/record.md §2.2) and the digest and numbers.
pub const MAX_LINE_BYTES: usize = sceau_core::relpath::MAX_PATH_BYTES + 128;

/// A parsed line. Paths are as written: a file's full path; a folder's path without its
/// trailing `/`, empty for the root (written `./`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// `F <sha256> <size> <path>`
    File {
        /// The file's SHA-256.
        sha256: Sha256Digest,
        /// Its size in bytes.
        size: u64,
        /// Its path.
        path: &'a str,
    },
    /// `D <root> <files> <bytes> <path>/`
    Dir {
        /// The folder's root (spec/manifest.md §3).
        root: Sha256Digest,
        /// Files below it, at any depth.
        files: u64,
        /// Their total size.
        bytes: u64,
        /// Its path, `""` for the root.
        path: &'a str,
    },
}

/// A decimal number as sceau writes them: digits only, no sign, no leading zero.
pub(crate) fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if s.len() > 1 && s.starts_with('0') {
        return None;
    }
    s.parse().ok()
}

impl<'a> Line<'a> {
    /// Parses one line without its `\n`.
    pub fn parse(s: &'a str) -> Result<Line<'a>, Reason> {
        let bad = |what: &str| Reason::Syntax(format!("{what} in {:?}", truncate(s)));
        let (tag, rest) = s.split_once(' ').ok_or_else(|| bad("no fields"))?;
        match tag {
            "F" => {
                let mut it = rest.splitn(3, ' ');
                let (Some(d), Some(n), Some(path)) = (it.next(), it.next(), it.next()) else {
                    return Err(bad("a file line needs a digest, a size and a path"));
                };
                Ok(Line::File {
                    sha256: d.parse().map_err(|_| bad("bad SHA-256"))?,
                    size: parse_decimal(n).ok_or_else(|| bad("bad size"))?,
                    path,
                })
            }
            "D" => {
                let mut it = rest.splitn(4, ' ');
                let (Some(d), Some(f), Some(b), Some(path)) =
                    (it.next(), it.next(), it.next(), it.next())
                else {
                    return Err(bad(
                        "a folder line needs a root, a file count, a size and a path",
                    ));
                };
                let path = if path == "./" {
                    ""
                } else {
                    path.strip_suffix('/')
                        .filter(|p| !p.is_empty())
                        .ok_or_else(|| bad("a folder path ends with /"))?
                };
                Ok(Line::Dir {
                    root: d.parse().map_err(|_| bad("bad root"))?,
                    files: parse_decimal(f).ok_or_else(|| bad("bad file count"))?,
                    bytes: parse_decimal(b).ok_or_else(|| bad("bad size"))?,
                    path,
                })
            }
            _ => Err(bad("unknown line kind")),
        }
    }

    /// Appends the line, with its `\n`, to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        match *self {
            Line::File { sha256, size, path } => {
                out.extend_from_slice(b"F ");
                push_hex(out, &sha256);
                out.push(b' ');
                push_decimal(out, size);
                out.push(b' ');
                out.extend_from_slice(path.as_bytes());
            }
            Line::Dir {
                root,
                files,
                bytes,
                path,
            } => {
                out.extend_from_slice(b"D ");
                push_hex(out, &root);
                out.push(b' ');
                push_decimal(out, files);
                out.push(b' ');
                push_decimal(out, bytes);
                out.push(b' ');
                if path.is_empty() {
                    out.push(b'.');
                } else {
                    out.extend_from_slice(path.as_bytes());
                }
                out.push(b'/');
            }
        }
        out.push(b'\n');
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(100).collect()
}

fn push_hex(out: &mut Vec<u8>, d: &Sha256Digest) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in d.0 {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
}

pub(crate) fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_numbers_are_canonical() {
        let d = Sha256Digest([0xab; 32]);
        for line in [
            Line::File {
                sha256: d,
                size: 0,
                path: "a b/c d.txt",
            },
            Line::Dir {
                root: d,
                files: 3,
                bytes: u64::MAX,
                path: "a b",
            },
            Line::Dir {
                root: d,
                files: 1,
                bytes: 10,
                path: "",
            },
        ] {
            let mut out = Vec::new();
            line.write(&mut out);
            let text = std::str::from_utf8(&out).unwrap().trim_end_matches('\n');
            assert_eq!(Line::parse(text).unwrap(), line);
        }
        let hex = "ab".repeat(32);
        assert!(
            Line::parse(&format!("F {hex} 01 x")).is_err(),
            "leading zero"
        );
        assert!(Line::parse(&format!("F {hex} +1 x")).is_err(), "sign");
        assert!(Line::parse(&format!("F {} 1 x", "AB".repeat(32))).is_err());
        assert!(Line::parse(&format!("D {hex} 1 1 x")).is_err(), "no slash");
        assert!(
            Line::parse(&format!("D {hex} 1 1 /")).is_err(),
            "empty folder"
        );
        assert!(Line::parse(&format!("X {hex} 1 x")).is_err());
        assert!(Line::parse(&format!("F {hex} 18446744073709551616 x")).is_err());
    }
}
