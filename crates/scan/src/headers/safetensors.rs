//! The safetensors header: an 8-byte length, then that many bytes of JSON
//! (spec/scan-headers.md §5.3–§5.6).
use std::collections::BTreeSet;
use std::fmt;
use std::io::Read;

use sceau_core::{WeightFormat, WeightInfo};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{check_overlaps, HeaderError, Source, Span, Totals};

/// Largest header JSON accepted, in bytes; the same bound as the reference reader
/// (spec/scan-headers.md §5.3).
pub const MAX_HEADER_BYTES: u64 = 100_000_000;

/// The key that holds free-form string metadata rather than a tensor (spec/scan-headers.md §5.3).
const METADATA_KEY: &str = "__metadata__";

/// Reads a safetensors header from `r`, positioned at the start of a file of `file_len` bytes.
///
/// Reads exactly `8 + N` bytes, where `N` is the header length the file declares, after
/// checking `N` against the cap of 100 000 000 bytes and against the file length; never reads
/// tensor data (spec/scan-headers.md §5.3).
pub fn read_safetensors<R: Read>(r: &mut R, file_len: u64) -> Result<WeightInfo, HeaderError> {
    let mut src = Source::new(r, file_len);
    // spec/scan-headers.md §5.3: u64 little-endian header length, capped, within the file.
    let header_len = src.read_u64("safetensors header length")?;
    let json = src.read_bytes("safetensors header JSON", header_len, MAX_HEADER_BYTES)?;
    let data_len = src.remaining();

    let mut de = serde_json::Deserializer::from_slice(&json);
    let raw =
        RawHeader::deserialize(&mut de).map_err(|source| HeaderError::InvalidJson { source })?;
    de.end()
        .map_err(|source| HeaderError::InvalidJson { source })?;
    drop(json);
    if let Some(name) = raw.duplicate {
        return Err(HeaderError::DuplicateName { what: "key", name });
    }

    let mut totals = Totals::default();
    let mut spans = Vec::with_capacity(raw.tensors.len());
    for (name, tensor) in raw.tensors {
        let (dtype, elements) = check_tensor(&name, &tensor, data_len)?;
        totals.add(&name, dtype, elements)?;
        let [begin, end] = tensor.data_offsets;
        spans.push(Span { begin, end, name });
    }
    // spec/scan-headers.md §5.5: overlapping tensors are refused; gaps are not.
    check_overlaps(spans)?;
    Ok(totals.into_info(WeightFormat::Safetensors, None, None))
}

/// Checks one tensor entry against spec/scan-headers.md §5.4–§5.5 and returns its dtype name
/// and element count.
fn check_tensor(
    name: &str,
    t: &RawTensor,
    data_len: u64,
) -> Result<(&'static str, u64), HeaderError> {
    let (dtype, bits) = lookup_dtype(&t.dtype).ok_or_else(|| HeaderError::UnknownDtype {
        tensor: name.to_owned(),
        dtype: t.dtype.clone(),
    })?;
    let overflow = |what| HeaderError::ArithmeticOverflow {
        what,
        tensor: name.to_owned(),
    };
    let elements = t.shape.elements.ok_or_else(|| overflow("element count"))?;
    let total_bits = elements
        .checked_mul(bits)
        .ok_or_else(|| overflow("size in bits"))?;
    if total_bits % 8 != 0 {
        return Err(HeaderError::PartialBlock {
            tensor: name.to_owned(),
            dtype,
            unit: "tensor",
            elements,
            multiple: 8 / gcd(bits, 8),
        });
    }
    let expected = total_bits / 8;
    let [begin, end] = t.data_offsets;
    if begin > end {
        return Err(HeaderError::InvalidOffsets {
            tensor: name.to_owned(),
            begin,
            end,
        });
    }
    if end > data_len {
        return Err(HeaderError::TensorOutOfBounds {
            tensor: name.to_owned(),
            end,
            data_len,
        });
    }
    if end - begin != expected {
        return Err(HeaderError::SizeMismatch {
            tensor: name.to_owned(),
            expected,
            actual: end - begin,
        });
    }
    Ok((dtype, elements))
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The dtypes of spec/scan-headers.md §5.4, with their width in bits.
const DTYPES: &[(&str, u64)] = &[
    ("BOOL", 8),
    ("F4", 4),
    ("F6_E2M3", 6),
    ("F6_E3M2", 6),
    ("U8", 8),
    ("I8", 8),
    ("F8_E5M2", 8),
    ("F8_E4M3", 8),
    ("F8_E8M0", 8),
    ("F8_E4M3FNUZ", 8),
    ("F8_E5M2FNUZ", 8),
    ("I16", 16),
    ("U16", 16),
    ("F16", 16),
    ("BF16", 16),
    ("I32", 32),
    ("U32", 32),
    ("F32", 32),
    ("C64", 64),
    ("F64", 64),
    ("I64", 64),
    ("U64", 64),
];

/// The dtype's canonical name and width in bits; names are case-sensitive.
fn lookup_dtype(dtype: &str) -> Option<(&'static str, u64)> {
    DTYPES.iter().find(|(n, _)| *n == dtype).copied()
}

/// One tensor entry as written. Unknown fields are ignored, as the reference reader does;
/// a repeated field is a JSON error (spec/scan-headers.md §5.3).
#[derive(Deserialize)]
struct RawTensor {
    dtype: String,
    shape: Shape,
    data_offsets: [u64; 2],
}

/// A shape, folded into its element count while it is parsed so that a long shape costs no
/// memory; `None` when the product overflows 64 bits (spec/scan-headers.md §5.5).
struct Shape {
    elements: Option<u64>,
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Shape;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of dimensions")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
                let mut elements = Some(1u64);
                while let Some(dim) = seq.next_element::<u64>()? {
                    elements = elements.and_then(|e| e.checked_mul(dim));
                }
                Ok(Shape { elements })
            }
        }
        d.deserialize_seq(V)
    }
}

/// The header object, tensors sorted by name, with a repeated key noted rather than
/// silently dropped (spec/scan-headers.md §5.5).
struct RawHeader {
    tensors: Vec<(String, RawTensor)>,
    duplicate: Option<String>,
}

impl<'de> Deserialize<'de> for RawHeader {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(HeaderVisitor)
    }
}

struct HeaderVisitor;

impl<'de> Visitor<'de> for HeaderVisitor {
    type Value = RawHeader;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a safetensors header object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawHeader, A::Error> {
        let mut header = RawHeader {
            tensors: Vec::new(),
            duplicate: None,
        };
        let mut seen_metadata = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == METADATA_KEY {
                let meta: Option<StringMap> = map.next_value()?;
                let dup = if seen_metadata {
                    Some(key)
                } else {
                    meta.and_then(|m| m.duplicate)
                        .map(|k| format!("{METADATA_KEY}.{k}"))
                };
                if let Some(dup) = dup {
                    header.duplicate.get_or_insert(dup);
                }
                seen_metadata = true;
            } else {
                let tensor: RawTensor = map.next_value()?;
                header.tensors.push((key, tensor));
            }
        }
        // Repeated tensor names are found by sorting rather than with a second copy of
        // every name.
        header.tensors.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(pair) = header.tensors.windows(2).find(|p| p[0].0 == p[1].0) {
            header.duplicate.get_or_insert_with(|| pair[0].0.clone());
        }
        Ok(header)
    }
}

/// `__metadata__`: strings to strings; values are checked and dropped, the first repeated
/// key is noted (spec/scan-headers.md §5.3).
struct StringMap {
    duplicate: Option<String>,
}

impl<'de> Deserialize<'de> for StringMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(StringMapVisitor)
    }
}

struct StringMapVisitor;

impl<'de> Visitor<'de> for StringMapVisitor {
    type Value = StringMap;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StringMap, A::Error> {
        let mut seen = BTreeSet::new();
        let mut duplicate = None;
        while let Some(key) = map.next_key::<String>()? {
            map.next_value::<StringValue>()?;
            if seen.contains(&key) {
                duplicate.get_or_insert(key);
            } else {
                seen.insert(key);
            }
        }
        Ok(StringMap { duplicate })
    }
}

/// A JSON string, checked and not kept.
struct StringValue;

impl<'de> Deserialize<'de> for StringValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = StringValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<StringValue, E> {
                Ok(StringValue)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A whole file: length, header JSON text, then `data` bytes.
    fn file(header: &str, data_len: usize) -> Vec<u8> {
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(header.as_bytes());
        out.resize(out.len() + data_len, 0);
        out
    }

    fn read(bytes: &[u8]) -> Result<WeightInfo, HeaderError> {
        read_safetensors(&mut &bytes[..], bytes.len() as u64)
    }

    fn one(dtype: &str, shape: serde_json::Value, offsets: [u64; 2]) -> String {
        json!({ "t": { "dtype": dtype, "shape": shape, "data_offsets": offsets } }).to_string()
    }

    #[test]
    fn valid_header() {
        let header = json!({
            "__metadata__": { "format": "pt" },
            "embed": { "dtype": "BF16", "shape": [4, 2], "data_offsets": [0, 16] },
            "norm": { "dtype": "F32", "shape": [2], "data_offsets": [16, 24] },
            "scale": { "dtype": "BF16", "shape": [], "data_offsets": [24, 26] },
            "empty": { "dtype": "I64", "shape": [0, 3], "data_offsets": [26, 26] },
            "packed": { "dtype": "F4", "shape": [2, 3], "data_offsets": [26, 29] }
        })
        .to_string();
        // Padding with spaces, as writers do for alignment.
        let header = format!("{header}      ");
        let info = read(&file(&header, 29)).unwrap();
        assert_eq!(info.format, WeightFormat::Safetensors);
        assert_eq!(info.tensor_count, 5);
        assert_eq!(info.parameter_count, 8 + 2 + 1 + 6);
        assert_eq!(info.dtypes.get("BF16"), Some(&9));
        assert_eq!(info.dtypes.get("F32"), Some(&2));
        assert_eq!(info.dtypes.get("I64"), Some(&0));
        assert_eq!(info.dtypes.get("F4"), Some(&6));
        assert_eq!(info.architecture, None);
        assert_eq!(info.file_type, None);
    }

    #[test]
    fn empty_header_object_is_an_empty_model() {
        let info = read(&file("{}", 0)).unwrap();
        assert_eq!(info.tensor_count, 0);
        assert_eq!(info.parameter_count, 0);
    }

    #[test]
    fn gaps_and_trailing_bytes_are_allowed() {
        let header = json!({
            "a": { "dtype": "U8", "shape": [4], "data_offsets": [8, 12] },
            "b": { "dtype": "U8", "shape": [4], "data_offsets": [0, 4] }
        })
        .to_string();
        let info = read(&file(&header, 100)).unwrap();
        assert_eq!(info.parameter_count, 8);
    }

    #[test]
    fn reads_nothing_past_the_header() {
        let bytes = file(&one("U8", json!([4]), [0, 4]), 4);
        let mut r = &bytes[..];
        read_safetensors(&mut r, bytes.len() as u64).unwrap();
        assert_eq!(r.len(), 4, "the tensor data must stay unread");
    }

    #[test]
    fn truncated_length() {
        let err = read(&[1, 0, 0]).unwrap_err();
        assert!(
            matches!(err, HeaderError::Truncated { offset: 0, .. }),
            "{err}"
        );
    }

    #[test]
    fn truncated_reader() {
        // The caller says the file is longer than what the reader yields.
        let bytes = file(&one("U8", json!([4]), [0, 4]), 4);
        let err = read_safetensors(&mut &bytes[..20], bytes.len() as u64).unwrap_err();
        assert!(
            matches!(err, HeaderError::Truncated { offset: 20, .. }),
            "{err}"
        );
    }

    #[test]
    fn length_beyond_file() {
        let mut bytes = 1000u64.to_le_bytes().to_vec();
        bytes.extend_from_slice(b"{}");
        let err = read(&bytes).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::LengthExceedsFile {
                    declared: 1000,
                    remaining: 2,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn length_over_cap_is_refused_before_allocating() {
        let bytes = (200u64 << 20).to_le_bytes();
        // A file claiming to be huge, whose reader holds only the length.
        let err = read_safetensors(&mut &bytes[..], u64::MAX).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::LimitExceeded {
                    limit: MAX_HEADER_BYTES,
                    ..
                }
            ),
            "{err}"
        );
        let bytes = u64::MAX.to_le_bytes();
        let err = read_safetensors(&mut &bytes[..], u64::MAX).unwrap_err();
        assert!(matches!(err, HeaderError::LimitExceeded { .. }), "{err}");
    }

    #[test]
    fn bad_json() {
        for header in [
            "{\"t\": ",
            "[]",
            "not json",
            "{} {}",
            "",
            "{\"t\": {\"dtype\": \"F32\", \"shape\": [1]}}",
            "{\"t\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}",
            "{\"t\": {\"dtype\": \"F32\", \"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}",
            "{\"__metadata__\": {\"k\": 1}}",
            "{\"__metadata__\": [\"k\"]}",
        ] {
            let err = read(&file(header, 4)).unwrap_err();
            assert!(matches!(err, HeaderError::InvalidJson { .. }), "{header}: {err}");
        }
        let mut bytes = file("{\"a\":1}", 0);
        bytes[10] = 0xff; // inside the key string: not UTF-8
        let err = read(&bytes).unwrap_err();
        assert!(matches!(err, HeaderError::InvalidJson { .. }), "{err}");
    }

    #[test]
    fn duplicate_tensor_key() {
        let t = r#"{"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}"#;
        let header = format!(r#"{{"a": {t}, "a": {t}}}"#);
        let err = read(&file(&header, 1)).unwrap_err();
        assert!(
            matches!(err, HeaderError::DuplicateName { ref name, .. } if name == "a"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_tensor_key_far_apart() {
        let t = r#"{"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}"#;
        let header = format!(r#"{{"b": {t}, "a": {t}, "c": {t}, "b": {t}}}"#);
        let err = read(&file(&header, 1)).unwrap_err();
        assert!(
            matches!(err, HeaderError::DuplicateName { ref name, .. } if name == "b"),
            "{err}"
        );
    }

    #[test]
    fn null_metadata_is_accepted() {
        let info = read(&file(r#"{"__metadata__": null}"#, 0)).unwrap();
        assert_eq!(info.tensor_count, 0);
    }

    #[test]
    fn duplicate_metadata_key() {
        let header = r#"{"__metadata__": {"format": "pt", "format": "np"}}"#;
        let err = read(&file(header, 0)).unwrap_err();
        assert!(
            matches!(err, HeaderError::DuplicateName { ref name, .. } if name == "__metadata__.format"),
            "{err}"
        );
        let header = r#"{"__metadata__": {}, "__metadata__": {}}"#;
        let err = read(&file(header, 0)).unwrap_err();
        assert!(matches!(err, HeaderError::DuplicateName { .. }), "{err}");
    }

    #[test]
    fn unknown_dtype() {
        let err = read(&file(&one("F128", json!([1]), [0, 16]), 16)).unwrap_err();
        assert!(
            matches!(err, HeaderError::UnknownDtype { ref dtype, .. } if dtype == "F128"),
            "{err}"
        );
        // Dtype names are case-sensitive.
        let err = read(&file(&one("bf16", json!([1]), [0, 2]), 2)).unwrap_err();
        assert!(matches!(err, HeaderError::UnknownDtype { .. }), "{err}");
    }

    #[test]
    fn offsets_mismatch() {
        let err = read(&file(&one("F32", json!([2, 2]), [0, 12]), 16)).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::SizeMismatch {
                    expected: 16,
                    actual: 12,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn offsets_reversed() {
        let err = read(&file(&one("U8", json!([0]), [4, 0]), 4)).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::InvalidOffsets {
                    begin: 4,
                    end: 0,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn offsets_beyond_file() {
        let err = read(&file(&one("U8", json!([8]), [0, 8]), 4)).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::TensorOutOfBounds {
                    end: 8,
                    data_len: 4,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn overflow_in_shape_product() {
        let shape = json!([u64::MAX, 2]);
        let err = read(&file(&one("U8", shape, [0, 0]), 0)).unwrap_err();
        assert!(
            matches!(err, HeaderError::ArithmeticOverflow { .. }),
            "{err}"
        );
        // The product fits but the size in bits does not.
        let shape = json!([1u64 << 62]);
        let err = read(&file(&one("F64", shape, [0, 0]), 0)).unwrap_err();
        assert!(
            matches!(err, HeaderError::ArithmeticOverflow { .. }),
            "{err}"
        );
    }

    #[test]
    fn overflow_in_parameter_total() {
        // A file cannot reach this (each tensor's bytes must fit in the file), but the sum
        // is checked all the same.
        let mut totals = Totals::default();
        totals.add("a", "U8", u64::MAX).unwrap();
        let err = totals.add("b", "U8", 1).unwrap_err();
        assert!(
            matches!(err, HeaderError::ArithmeticOverflow { .. }),
            "{err}"
        );
    }

    #[test]
    fn sub_byte_dtype_must_fill_bytes() {
        let err = read(&file(&one("F4", json!([3]), [0, 2]), 2)).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::PartialBlock {
                    elements: 3,
                    multiple: 2,
                    ..
                }
            ),
            "{err}"
        );
        let err = read(&file(&one("F6_E2M3", json!([2]), [0, 2]), 2)).unwrap_err();
        assert!(
            matches!(err, HeaderError::PartialBlock { multiple: 4, .. }),
            "{err}"
        );
        let info = read(&file(&one("F6_E3M2", json!([4]), [0, 3]), 3)).unwrap();
        assert_eq!(info.parameter_count, 4);
    }

    #[test]
    fn overlapping_tensors() {
        let header = json!({
            "a": { "dtype": "U8", "shape": [8], "data_offsets": [0, 8] },
            "b": { "dtype": "U8", "shape": [8], "data_offsets": [4, 12] }
        })
        .to_string();
        let err = read(&file(&header, 12)).unwrap_err();
        assert!(
            matches!(err, HeaderError::OverlappingTensors { .. }),
            "{err}"
        );
    }

    #[test]
    fn every_listed_dtype_is_accepted() {
        for (name, bits) in DTYPES {
            // 8 elements fill whole bytes for every width.
            let bytes = 8 * bits / 8;
            let info = read(&file(&one(name, json!([8]), [0, bytes]), bytes as usize)).unwrap();
            assert_eq!(info.dtypes.get(*name), Some(&8), "{name}");
        }
    }
}
