//! The safetensors reader: the header's tensor table, checked as spec/scan-headers.md §5.3–§5.5
//! says, turned into [`Entry`]s (spec/fingerprint.md §4.2).
//!
//! This is a second, smaller reader of the same format as `sceau-scan`'s header reader: that
//! one keeps only totals (`WeightInfo`), this one keeps every tensor's offsets, and depending on
//! `sceau-scan` would pull its OpenSSL, SPDX and walking dependencies into every user of
//! fingerprints (spec/fingerprint.md §4.1).
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::cursor::Cursor;
use crate::entry::{Entry, MAX_DIMS, MAX_TENSORS};
use crate::error::{ReadError, SkipReason};
use crate::source::ReadAt;
use crate::storage::{Dtype, Encoding, RowMap, Storage};

/// Largest header accepted, as the reference reader (spec/scan-headers.md §5.3).
pub const MAX_HEADER_BYTES: u64 = 100_000_000;

/// Element types and how they are read: `Ok` for the float types sampled, `Err` for the
/// reason others are skipped, with their width in bits for the size check
/// (spec/scan-headers.md §5.4, spec/fingerprint.md §4.2).
type Read = Result<(Dtype, Encoding), SkipReason>;

fn dtype(name: &str) -> Option<(u64, Read)> {
    let int = || {
        Err(SkipReason::Integer {
            dtype: name.to_owned(),
        })
    };
    let unsupported = || {
        Err(SkipReason::UnsupportedType {
            dtype: name.to_owned(),
        })
    };
    Some(match name {
        "F64" => (64, Ok((Dtype::F64, Encoding::F64))),
        "F32" => (32, Ok((Dtype::F32, Encoding::F32))),
        "F16" => (16, Ok((Dtype::F16, Encoding::F16))),
        "BF16" => (16, Ok((Dtype::BF16, Encoding::BF16))),
        "BOOL" | "U8" | "I8" => (8, int()),
        "I16" | "U16" => (16, int()),
        "I32" | "U32" => (32, int()),
        "I64" | "U64" => (64, int()),
        "C64" => (64, unsupported()),
        "F8_E5M2" | "F8_E4M3" | "F8_E8M0" | "F8_E4M3FNUZ" | "F8_E5M2FNUZ" => (8, unsupported()),
        "F6_E2M3" | "F6_E3M2" => (6, unsupported()),
        "F4" => (4, unsupported()),
        _ => return None,
    })
}

/// Reads a safetensors file's tensor table (spec/fingerprint.md §4.2).
pub fn read(src: &dyn ReadAt) -> Result<Vec<Entry>, ReadError> {
    let mut c = Cursor::new(src);
    let n = c.u64("header length")?;
    let json = c.bytes("header", n, MAX_HEADER_BYTES)?;
    let data_start = 8 + n;
    let data_len = src.len() - data_start;
    let header: Header =
        serde_json::from_slice(&json).map_err(|source| ReadError::InvalidJson { source })?;
    if let Some(name) = header.duplicate {
        return Err(ReadError::DuplicateName { name });
    }
    let mut out = Vec::with_capacity(header.tensors.len());
    for (name, t) in header.tensors {
        let [begin, end] = t.data_offsets;
        if begin > end {
            return Err(ReadError::InvalidOffsets {
                tensor: name,
                begin,
                end,
            });
        }
        if end > data_len {
            return Err(ReadError::TensorOutOfBounds {
                tensor: name,
                end,
                limit: data_len,
            });
        }
        let elements = t
            .shape
            .iter()
            .try_fold(1u64, |acc, &d| acc.checked_mul(d))
            .ok_or_else(|| ReadError::Overflow {
                what: "element count",
                tensor: name.clone(),
            })?;
        let content = match dtype(&t.dtype) {
            None => Err(SkipReason::UnsupportedType { dtype: t.dtype }),
            Some((bits, kind)) => {
                let size = elements
                    .checked_mul(bits)
                    .map(|b| b.div_ceil(8))
                    .ok_or_else(|| ReadError::Overflow {
                        what: "byte size",
                        tensor: name.clone(),
                    })?;
                if size != end - begin {
                    return Err(ReadError::SizeMismatch {
                        tensor: name,
                        expected: size,
                        actual: end - begin,
                    });
                }
                kind.map(|(dt, encoding)| {
                    let (rows, cols) = match t.shape.as_slice() {
                        [] => (1, 1),
                        [n] => (1, *n),
                        [first, ..] => (*first, elements.checked_div(*first).unwrap_or(0)),
                    };
                    (
                        dt,
                        Storage {
                            source: 0,
                            offset: data_start + begin,
                            encoding,
                            storage_rows: rows,
                            storage_cols: cols,
                            transposed: false,
                            row_map: RowMap::Identity,
                            dequant: None,
                        },
                    )
                })
            }
        };
        out.push(Entry {
            name,
            dims: t.shape,
            role_hint: None,
            content,
        });
    }
    Ok(out)
}

struct RawTensor {
    dtype: String,
    shape: Vec<u64>,
    data_offsets: [u64; 2],
}

impl<'de> Deserialize<'de> for RawTensor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Unknown fields are ignored, as the reference reader does; known ones given twice
        // are refused (spec/scan-headers.md §5.3).
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawTensor;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tensor object {dtype, shape, data_offsets}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawTensor, A::Error> {
                let (mut dtype, mut shape, mut offsets) = (None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "dtype" if dtype.is_none() => dtype = Some(map.next_value::<String>()?),
                        "shape" if shape.is_none() => shape = Some(map.next_value::<Dims>()?),
                        "data_offsets" if offsets.is_none() => {
                            offsets = Some(map.next_value::<[u64; 2]>()?)
                        }
                        "dtype" | "shape" | "data_offsets" => {
                            return Err(de::Error::custom(format!("field {key} given twice")))
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(RawTensor {
                    dtype: dtype.ok_or_else(|| de::Error::missing_field("dtype"))?,
                    shape: shape.ok_or_else(|| de::Error::missing_field("shape"))?.0,
                    data_offsets: offsets
                        .ok_or_else(|| de::Error::missing_field("data_offsets"))?,
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// A shape, refused beyond [`MAX_DIMS`] dimensions while parsing.
struct Dims(Vec<u64>);

impl<'de> Deserialize<'de> for Dims {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Dims;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "an array of at most {MAX_DIMS} dimensions")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Dims, A::Error> {
                let mut v = Vec::new();
                while let Some(d) = seq.next_element::<u64>()? {
                    if v.len() == MAX_DIMS {
                        return Err(de::Error::custom(format!(
                            "more than {MAX_DIMS} dimensions"
                        )));
                    }
                    v.push(d);
                }
                Ok(Dims(v))
            }
        }
        d.deserialize_seq(V)
    }
}

/// The header: tensors in file order, the first repeated name, `__metadata__` ignored.
struct Header {
    tensors: Vec<(String, RawTensor)>,
    duplicate: Option<String>,
}

impl<'de> Deserialize<'de> for Header {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Header;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a safetensors header object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Header, A::Error> {
                let mut tensors = Vec::new();
                let mut seen = BTreeSet::new();
                let mut duplicate = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "__metadata__" {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        if tensors.len() as u64 == MAX_TENSORS {
                            return Err(de::Error::custom(format!(
                                "more than {MAX_TENSORS} tensors"
                            )));
                        }
                        let t: RawTensor = map.next_value()?;
                        if !seen.insert(key.clone()) {
                            duplicate.get_or_insert_with(|| key.clone());
                        }
                        tensors.push((key, t));
                    }
                }
                Ok(Header { tensors, duplicate })
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn file(header: &serde_json::Value, data: &[u8]) -> Vec<u8> {
        let h = header.to_string();
        let mut out = (h.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn reads_the_tensor_table() {
        let h = json!({
            "__metadata__": {"format": "pt"},
            "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
            "ids": {"dtype": "I64", "shape": [2], "data_offsets": [24, 40]},
            "h": {"dtype": "BF16", "shape": [4], "data_offsets": [40, 48], "extra": 1},
            "q": {"dtype": "F8_E4M3", "shape": [4], "data_offsets": [48, 52]},
            "n": {"dtype": "NEW", "shape": [4], "data_offsets": [52, 56]}
        });
        let bytes = file(&h, &[0u8; 56]);
        let entries = read(&bytes).unwrap();
        assert_eq!(entries.len(), 5);
        let w = &entries[0];
        assert_eq!(w.name, "w");
        let (dt, st) = w.content.as_ref().unwrap();
        assert_eq!(*dt, Dtype::F32);
        assert_eq!(st.offset, 8 + h.to_string().len() as u64);
        assert_eq!((st.storage_rows, st.storage_cols), (2, 3));
        assert!(matches!(
            entries[1].content,
            Err(SkipReason::Integer { .. })
        ));
        assert_eq!(entries[2].content.as_ref().unwrap().0, Dtype::BF16);
        assert!(matches!(
            entries[3].content,
            Err(SkipReason::UnsupportedType { .. })
        ));
        assert!(matches!(
            entries[4].content,
            Err(SkipReason::UnsupportedType { .. })
        ));
    }

    #[test]
    fn refuses_bad_tables() {
        let one =
            |t: serde_json::Value, data: usize| read(&file(&json!({ "t": t }), &vec![0u8; data]));
        assert!(matches!(
            one(
                json!({"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}),
                8
            ),
            Err(ReadError::SizeMismatch { .. })
        ));
        assert!(matches!(
            one(
                json!({"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}),
                4
            ),
            Err(ReadError::TensorOutOfBounds { .. })
        ));
        assert!(matches!(
            one(
                json!({"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}),
                8
            ),
            Err(ReadError::InvalidOffsets { .. })
        ));
        assert!(matches!(
            one(
                json!({"dtype": "F32", "shape": [u64::MAX, 4], "data_offsets": [0, 0]}),
                0
            ),
            Err(ReadError::Overflow { .. })
        ));
        assert!(matches!(
            one(
                json!({"dtype": "F32", "shape": [1,1,1,1,1,1,1,1,1], "data_offsets": [0, 4]}),
                4
            ),
            Err(ReadError::InvalidJson { .. })
        ));
        assert!(matches!(
            one(json!({"dtype": "F32", "shape": [1]}), 4),
            Err(ReadError::InvalidJson { .. })
        ));
        let t = r#"{"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}"#;
        let h = format!(r#"{{"a": {t}, "a": {t}}}"#);
        let mut bytes = (h.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(h.as_bytes());
        bytes.extend_from_slice(&[0; 4]);
        assert!(matches!(read(&bytes), Err(ReadError::DuplicateName { .. })));
        // Header length beyond the file, and over the cap.
        let mut bytes = 1000u64.to_le_bytes().to_vec();
        bytes.extend_from_slice(b"{}");
        assert!(matches!(
            read(&bytes),
            Err(ReadError::LengthExceedsFile { .. })
        ));
        let bytes = u64::MAX.to_le_bytes();
        assert!(matches!(
            read(&bytes.to_vec()),
            Err(ReadError::LimitExceeded { .. })
        ));
        assert!(matches!(
            read(&vec![1u8, 2]),
            Err(ReadError::Truncated { .. })
        ));
    }
}
