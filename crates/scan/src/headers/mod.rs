//! Weight file headers, read without loading the weights (spec/scan-headers.md §5).
//!
//! Two formats are understood: safetensors ([`read_safetensors`]) and GGUF ([`read_gguf`]).
//! Both readers take any [`Read`] positioned at the start of the file and the file's length,
//! read only the header, and never allocate more than a fixed cap whatever the header claims
//! (spec/scan-headers.md §5.1). Both read many small fields: hand them a buffered reader
//! (`std::io::BufReader`) when reading from a file.
//!
//! Everything a header says is attacker-controlled; every length and count is checked against
//! a cap and against what remains of the file before it is used, with checked arithmetic.
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};

use sceau_core::{WeightFormat, WeightInfo};

mod gguf;
mod safetensors;

pub use gguf::read_gguf;
pub use safetensors::read_safetensors;

/// Why a weight file's header could not be read.
///
/// Offsets are byte offsets from the start of the file. Tensor and key names come from the
/// file and are untrusted; they are printed with `{:?}` so control characters stay visible.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// The reader failed for a reason other than reaching its end (spec/scan-headers.md §5.1).
    #[error("reading {what} at offset {offset} failed: {source}")]
    Io {
        /// The field being read.
        what: &'static str,
        /// Where it starts.
        offset: u64,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The file ends inside a field the header needs: either the field lies beyond the file
    /// length given, or the reader ended before that length (spec/scan-headers.md §5.1).
    #[error("file ends inside {what} at offset {offset}: the header is truncated")]
    Truncated {
        /// The field being read.
        what: &'static str,
        /// Where the missing bytes start.
        offset: u64,
    },
    /// A declared length or count needs more bytes than remain in the file
    /// (spec/scan-headers.md §5.1).
    #[error(
        "{what} at offset {offset} declares {declared} bytes but only {remaining} remain in the file"
    )]
    LengthExceedsFile {
        /// What the length or count is of.
        what: &'static str,
        /// Where the length or count was read (or where its data starts).
        offset: u64,
        /// The bytes it needs at least (saturated at `u64::MAX` if the product overflows).
        declared: u64,
        /// The bytes left in the file from `offset` on.
        remaining: u64,
    },
    /// A declared length or count is above sceau's cap for it (spec/scan-headers.md §5.13).
    #[error("{what} at offset {offset} is {declared}, over the limit of {limit}")]
    LimitExceeded {
        /// What the length or count is of.
        what: &'static str,
        /// Where it was read.
        offset: u64,
        /// The value in the file.
        declared: u64,
        /// sceau's cap.
        limit: u64,
    },
    /// The safetensors header is not UTF-8 JSON of the expected shape: a JSON object mapping
    /// tensor names to `{dtype, shape, data_offsets}`, with an optional string-to-string
    /// `__metadata__` (spec/scan-headers.md §5.3).
    #[error("safetensors header is not the expected JSON: {source}")]
    InvalidJson {
        /// What the JSON parser said, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// A name appears twice: a safetensors key (a key inside `__metadata__` is reported as
    /// `__metadata__.<key>`), a GGUF metadata key, or a GGUF tensor name
    /// (spec/scan-headers.md §5.5, §5.8, §5.10).
    #[error("{what} {name:?} appears twice in the header")]
    DuplicateName {
        /// `"key"`, `"metadata key"` or `"tensor name"`.
        what: &'static str,
        /// The repeated name.
        name: String,
    },
    /// A safetensors tensor has a dtype sceau does not know (spec/scan-headers.md §5.4).
    #[error("tensor {tensor:?} has unknown dtype {dtype:?}")]
    UnknownDtype {
        /// The tensor.
        tensor: String,
        /// The dtype as written.
        dtype: String,
    },
    /// A safetensors tensor's `data_offsets` begin after they end (spec/scan-headers.md §5.5).
    #[error("tensor {tensor:?} has data_offsets [{begin}, {end}]: begin is after end")]
    InvalidOffsets {
        /// The tensor.
        tensor: String,
        /// First offset.
        begin: u64,
        /// Second offset.
        end: u64,
    },
    /// A tensor's data ends beyond the file's data section (spec/scan-headers.md §5.5, §5.11).
    #[error("tensor {tensor:?} ends at byte {end} of the data section, which is {data_len} bytes")]
    TensorOutOfBounds {
        /// The tensor.
        tensor: String,
        /// End of its data, relative to the start of the data section.
        end: u64,
        /// Length of the data section.
        data_len: u64,
    },
    /// A safetensors tensor's byte range does not match its shape and dtype
    /// (spec/scan-headers.md §5.5).
    #[error("tensor {tensor:?} spans {actual} bytes but its shape and dtype need {expected}")]
    SizeMismatch {
        /// The tensor.
        tensor: String,
        /// Bytes its shape and dtype need.
        expected: u64,
        /// Bytes its `data_offsets` span.
        actual: u64,
    },
    /// A tensor's element count does not fill a whole number of bytes (safetensors sub-byte
    /// dtypes) or of blocks (GGUF quantised types) (spec/scan-headers.md §5.5, §5.10).
    #[error("tensor {tensor:?} of type {dtype} has {elements} elements per {unit}, not a multiple of {multiple}")]
    PartialBlock {
        /// The tensor.
        tensor: String,
        /// Its dtype or ggml type name.
        dtype: &'static str,
        /// `"tensor"` (safetensors: the whole element count) or `"row"` (GGUF: the first
        /// dimension).
        unit: &'static str,
        /// The element count that does not divide.
        elements: u64,
        /// What it must be a multiple of.
        multiple: u64,
    },
    /// A product or sum overflows 64 bits (spec/scan-headers.md §5.1).
    #[error("{what} of tensor {tensor:?} overflows 64 bits")]
    ArithmeticOverflow {
        /// What was being computed.
        what: &'static str,
        /// The tensor (empty when the overflow is in a total over all tensors).
        tensor: String,
    },
    /// Two tensors' byte ranges overlap (spec/scan-headers.md §5.5, §5.11).
    #[error("tensors {first:?} and {second:?} overlap in the data section")]
    OverlappingTensors {
        /// The tensor that starts first.
        first: String,
        /// The tensor that starts inside it.
        second: String,
    },
    /// The file does not start with the GGUF magic (spec/scan-headers.md §5.7).
    #[error("not a GGUF file: it starts with {found:02x?}, not \"GGUF\"")]
    BadMagic {
        /// The first four bytes.
        found: [u8; 4],
    },
    /// The GGUF file is big-endian: its version reads as a huge number in little-endian
    /// (spec/scan-headers.md §5.7).
    #[error(
        "GGUF file is big-endian (version field {raw:#010x}); only little-endian GGUF is read"
    )]
    BigEndian {
        /// The version field as read little-endian.
        raw: u32,
    },
    /// A GGUF version other than 2 or 3 (spec/scan-headers.md §5.7).
    #[error("GGUF version {version} is not supported (only versions 2 and 3 are)")]
    UnsupportedVersion {
        /// The version in the file.
        version: u32,
    },
    /// A GGUF metadata value type is not one the format defines (spec/scan-headers.md §5.8).
    #[error("metadata key {key:?} has unknown value type {value_type} at offset {offset}")]
    UnknownValueType {
        /// The metadata key.
        key: String,
        /// The type code.
        value_type: u32,
        /// Where the type code was read.
        offset: u64,
    },
    /// GGUF arrays nest deeper than sceau's cap (spec/scan-headers.md §5.8).
    #[error("metadata key {key:?} nests arrays deeper than {limit} levels")]
    NestingTooDeep {
        /// The metadata key.
        key: String,
        /// sceau's cap.
        limit: u32,
    },
    /// A GGUF metadata key sceau reads holds a value of the wrong type
    /// (spec/scan-headers.md §5.9).
    #[error("metadata key {key:?} should hold a {expected} but holds type {found}")]
    WrongValueType {
        /// The metadata key.
        key: String,
        /// The type it should have.
        expected: &'static str,
        /// The type code found.
        found: u32,
    },
    /// `general.alignment` is zero or not a power of two (spec/scan-headers.md §5.9).
    #[error("general.alignment is {alignment}, which is not a power of two")]
    InvalidAlignment {
        /// The value in the file.
        alignment: u32,
    },
    /// A GGUF name or string sceau keeps is not UTF-8 (spec/scan-headers.md §5.8).
    #[error("{what} at offset {offset} is not valid UTF-8")]
    InvalidUtf8 {
        /// What the string is.
        what: &'static str,
        /// Where its bytes start.
        offset: u64,
    },
    /// A GGUF tensor has more dimensions than sceau's cap (spec/scan-headers.md §5.10).
    #[error("tensor {tensor:?} has {n_dims} dimensions, over the limit of {limit}")]
    TooManyDimensions {
        /// The tensor.
        tensor: String,
        /// Its declared dimension count.
        n_dims: u32,
        /// sceau's cap.
        limit: u32,
    },
    /// A GGUF tensor has a ggml type sceau does not know (spec/scan-headers.md §5.10).
    #[error("tensor {tensor:?} has unknown ggml type {ggml_type}")]
    UnknownGgmlType {
        /// The tensor.
        tensor: String,
        /// The type code.
        ggml_type: u32,
    },
    /// A GGUF tensor's offset is not a multiple of the file's alignment
    /// (spec/scan-headers.md §5.11).
    #[error("tensor {tensor:?} starts at data offset {offset}, not a multiple of the alignment {alignment}")]
    MisalignedTensor {
        /// The tensor.
        tensor: String,
        /// Its offset in the data section.
        offset: u64,
        /// The alignment in force.
        alignment: u32,
    },
}

/// Picks the header reader by file name extension, ASCII case-insensitively: `.safetensors`
/// or `.gguf` after a non-empty stem; `None` for any other name (spec/scan-headers.md §5.2).
pub fn format_for_name(name: &str) -> Option<WeightFormat> {
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty() || stem.ends_with('/') {
        return None;
    }
    if ext.eq_ignore_ascii_case("safetensors") {
        Some(WeightFormat::Safetensors)
    } else if ext.eq_ignore_ascii_case("gguf") {
        Some(WeightFormat::Gguf)
    } else {
        None
    }
}

/// A reader that knows its position and the file length, and refuses to read past either
/// (spec/scan-headers.md §5.1). Fixed-size fields go through stack arrays, strings we keep
/// through `Read::take` after their length is checked, and skipped bytes through
/// `io::copy` into a sink (a fixed stack buffer).
struct Source<'a, R> {
    inner: &'a mut R,
    pos: u64,
    file_len: u64,
}

impl<'a, R: Read> Source<'a, R> {
    fn new(inner: &'a mut R, file_len: u64) -> Self {
        Source {
            inner,
            pos: 0,
            file_len,
        }
    }

    /// Bytes of the file after the current position.
    fn remaining(&self) -> u64 {
        self.file_len.saturating_sub(self.pos)
    }

    fn io_error(&self, what: &'static str, offset: u64, source: io::Error) -> HeaderError {
        if source.kind() == io::ErrorKind::UnexpectedEof {
            HeaderError::Truncated { what, offset }
        } else {
            HeaderError::Io {
                what,
                offset,
                source,
            }
        }
    }

    fn read_array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], HeaderError> {
        let mut buf = [0u8; N];
        if (N as u64) > self.remaining() {
            return Err(HeaderError::Truncated {
                what,
                offset: self.pos,
            });
        }
        self.inner
            .read_exact(&mut buf)
            .map_err(|e| self.io_error(what, self.pos, e))?;
        self.pos += N as u64;
        Ok(buf)
    }

    fn read_u32(&mut self, what: &'static str) -> Result<u32, HeaderError> {
        self.read_array::<4>(what).map(u32::from_le_bytes)
    }

    fn read_u64(&mut self, what: &'static str) -> Result<u64, HeaderError> {
        self.read_array::<8>(what).map(u64::from_le_bytes)
    }

    /// Refuses `declared` bytes that do not fit in the rest of the file.
    fn check_fits(&self, what: &'static str, declared: u64) -> Result<(), HeaderError> {
        if declared > self.remaining() {
            return Err(HeaderError::LengthExceedsFile {
                what,
                offset: self.pos,
                declared,
                remaining: self.remaining(),
            });
        }
        Ok(())
    }

    /// Refuses `count` items of at least `min_size` bytes each that cannot fit in the rest of
    /// the file (an overflowing product cannot fit either).
    fn check_count_fits(
        &self,
        what: &'static str,
        count: u64,
        min_size: u64,
    ) -> Result<(), HeaderError> {
        self.check_fits(what, count.saturating_mul(min_size))
    }

    /// Reads `len` bytes to keep, after checking `len` against `cap` and the file.
    fn read_bytes(
        &mut self,
        what: &'static str,
        len: u64,
        cap: u64,
    ) -> Result<Vec<u8>, HeaderError> {
        if len > cap {
            return Err(HeaderError::LimitExceeded {
                what,
                offset: self.pos,
                declared: len,
                limit: cap,
            });
        }
        self.check_fits(what, len)?;
        let capacity = usize::try_from(len).map_err(|_| HeaderError::LimitExceeded {
            what,
            offset: self.pos,
            declared: len,
            limit: usize::MAX as u64,
        })?;
        let mut buf = Vec::with_capacity(capacity);
        let start = self.pos;
        let got = (&mut *self.inner)
            .take(len)
            .read_to_end(&mut buf)
            .map_err(|e| self.io_error(what, start, e))?;
        if got as u64 != len {
            return Err(HeaderError::Truncated {
                what,
                offset: start + got as u64,
            });
        }
        self.pos += len;
        Ok(buf)
    }

    /// Reads and discards `len` bytes after checking that they fit in the file.
    fn skip(&mut self, what: &'static str, len: u64) -> Result<(), HeaderError> {
        self.check_fits(what, len)?;
        let start = self.pos;
        let got = io::copy(&mut (&mut *self.inner).take(len), &mut io::sink())
            .map_err(|e| self.io_error(what, start, e))?;
        if got != len {
            return Err(HeaderError::Truncated {
                what,
                offset: start + got,
            });
        }
        self.pos += len;
        Ok(())
    }
}

/// Running totals for [`WeightInfo`]: checked sums (spec/scan-headers.md §5.1).
#[derive(Default)]
struct Totals {
    tensor_count: u64,
    parameter_count: u64,
    dtypes: BTreeMap<String, u64>,
}

impl Totals {
    fn add(&mut self, tensor: &str, dtype: &str, elements: u64) -> Result<(), HeaderError> {
        let overflow = |what| HeaderError::ArithmeticOverflow {
            what,
            tensor: tensor.to_owned(),
        };
        self.tensor_count = self
            .tensor_count
            .checked_add(1)
            .ok_or_else(|| overflow("tensor count"))?;
        self.parameter_count = self
            .parameter_count
            .checked_add(elements)
            .ok_or_else(|| overflow("total parameter count"))?;
        let per_dtype = self.dtypes.entry(dtype.to_owned()).or_insert(0);
        *per_dtype = per_dtype
            .checked_add(elements)
            .ok_or_else(|| overflow("parameter count per dtype"))?;
        Ok(())
    }

    fn into_info(
        self,
        format: WeightFormat,
        architecture: Option<String>,
        file_type: Option<String>,
    ) -> WeightInfo {
        WeightInfo {
            format,
            tensor_count: self.tensor_count,
            parameter_count: self.parameter_count,
            dtypes: self.dtypes,
            architecture,
            file_type,
        }
    }
}

/// A tensor's byte range in the data section, for the overlap check.
struct Span {
    begin: u64,
    end: u64,
    name: String,
}

/// Refuses two tensors whose non-empty byte ranges overlap; empty tensors overlap nothing
/// (spec/scan-headers.md §5.5, §5.11).
fn check_overlaps(mut spans: Vec<Span>) -> Result<(), HeaderError> {
    spans.retain(|s| s.begin < s.end);
    spans.sort_by_key(|s| (s.begin, s.end));
    let mut furthest: Option<&Span> = None;
    for span in &spans {
        if let Some(prev) = furthest {
            if span.begin < prev.end {
                return Err(HeaderError::OverlappingTensors {
                    first: prev.name.clone(),
                    second: span.name.clone(),
                });
            }
        }
        if furthest.is_none_or(|prev| span.end > prev.end) {
            furthest = Some(span);
        }
    }
    Ok(())
}

/// Remembers names to refuse duplicates, within a total byte budget
/// (spec/scan-headers.md §5.13).
struct NameSet {
    seen: BTreeSet<String>,
    bytes: u64,
    budget: u64,
}

impl NameSet {
    fn new(budget: u64) -> Self {
        NameSet {
            seen: BTreeSet::new(),
            bytes: 0,
            budget,
        }
    }

    /// Records `name`; `Ok(false)` if it was already there.
    fn insert(&mut self, name: &str, offset: u64) -> Result<bool, HeaderError> {
        let bytes = self.bytes.saturating_add(name.len() as u64);
        if bytes > self.budget {
            return Err(HeaderError::LimitExceeded {
                what: "total bytes of names in the header",
                offset,
                declared: bytes,
                limit: self.budget,
            });
        }
        if self.seen.contains(name) {
            return Ok(false);
        }
        self.bytes = bytes;
        self.seen.insert(name.to_owned());
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_by_extension() {
        assert_eq!(
            format_for_name("model-00001-of-00002.safetensors"),
            Some(WeightFormat::Safetensors)
        );
        assert_eq!(
            format_for_name("llama.Q4_K_M.gguf"),
            Some(WeightFormat::Gguf)
        );
        assert_eq!(format_for_name("MODEL.GGUF"), Some(WeightFormat::Gguf));
        assert_eq!(
            format_for_name("sub/dir/m.SafeTensors"),
            Some(WeightFormat::Safetensors)
        );
        assert_eq!(format_for_name("model.safetensors.index.json"), None);
        assert_eq!(format_for_name("pytorch_model.bin"), None);
        assert_eq!(format_for_name("gguf"), None);
        assert_eq!(format_for_name(".gguf"), None);
        assert_eq!(format_for_name("dir/.safetensors"), None);
        assert_eq!(format_for_name("model.gguf.part"), None);
        assert_eq!(format_for_name(""), None);
    }

    fn span(begin: u64, end: u64, name: &str) -> Span {
        Span {
            begin,
            end,
            name: name.into(),
        }
    }

    #[test]
    fn overlap_rules() {
        assert!(check_overlaps(vec![span(0, 4, "a"), span(4, 8, "b")]).is_ok());
        // Gaps are allowed, order in the header does not matter.
        assert!(check_overlaps(vec![span(16, 20, "b"), span(0, 4, "a")]).is_ok());
        // Empty tensors overlap nothing.
        assert!(check_overlaps(vec![span(0, 8, "a"), span(4, 4, "e")]).is_ok());
        let err = check_overlaps(vec![span(0, 8, "a"), span(4, 12, "b")]).unwrap_err();
        assert!(
            matches!(err, HeaderError::OverlappingTensors { ref first, ref second } if first == "a" && second == "b")
        );
        // A long tensor followed by a short one inside it, then one inside the long one.
        let err = check_overlaps(vec![span(0, 100, "long"), span(0, 4, "x")]).unwrap_err();
        assert!(matches!(err, HeaderError::OverlappingTensors { .. }));
        let err = check_overlaps(vec![
            span(0, 100, "long"),
            span(0, 1, "x"),
            span(50, 60, "y"),
        ])
        .unwrap_err();
        assert!(matches!(err, HeaderError::OverlappingTensors { .. }));
    }

    #[test]
    fn name_budget() {
        let mut set = NameSet::new(10);
        assert!(set.insert("abcd", 0).unwrap());
        assert!(!set.insert("abcd", 0).unwrap());
        assert!(set.insert("efgh", 0).unwrap());
        let err = set.insert("ijk", 0).unwrap_err();
        assert!(matches!(err, HeaderError::LimitExceeded { limit: 10, .. }));
    }

    #[test]
    fn source_never_reads_past_file_len() {
        // The reader has more bytes than the stated file length.
        let data = [1u8; 64];
        let mut r = &data[..];
        let mut src = Source::new(&mut r, 10);
        assert_eq!(src.read_u64("a").unwrap(), u64::from_le_bytes([1; 8]));
        assert!(matches!(
            src.read_u32("b"),
            Err(HeaderError::Truncated { offset: 8, .. })
        ));
        assert!(matches!(
            src.skip("c", 3),
            Err(HeaderError::LengthExceedsFile {
                declared: 3,
                remaining: 2,
                ..
            })
        ));
        src.skip("d", 2).unwrap();
        assert_eq!(src.remaining(), 0);
        // Exactly 10 bytes were consumed from the reader.
        assert_eq!(r.len(), 54);
    }

    #[test]
    fn source_reports_short_reader_as_truncated() {
        let data = [0u8; 6];
        let mut r = &data[..];
        let mut src = Source::new(&mut r, 1000);
        assert!(matches!(
            src.read_u64("x"),
            Err(HeaderError::Truncated { offset: 0, .. })
        ));
        let data = [0u8; 6];
        let mut r = &data[..];
        let mut src = Source::new(&mut r, 1000);
        assert!(matches!(
            src.read_bytes("y", 10, 100),
            Err(HeaderError::Truncated { offset: 6, .. })
        ));
        let data = [0u8; 6];
        let mut r = &data[..];
        let mut src = Source::new(&mut r, 1000);
        assert!(matches!(
            src.skip("z", 10),
            Err(HeaderError::Truncated { offset: 6, .. })
        ));
    }

    #[test]
    fn io_errors_are_kept() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let mut r = Failing;
        let mut src = Source::new(&mut r, 100);
        assert!(matches!(
            src.read_u32("x"),
            Err(HeaderError::Io { offset: 0, .. })
        ));
    }
}
