//! The GGUF header: magic, version, counts, metadata key/values, tensor infos
//! (spec/scan-headers.md §5.7–§5.12). Only versions 2 and 3, little-endian.
use std::io::Read;

use sceau_core::{WeightFormat, WeightInfo};

use super::{check_overlaps, HeaderError, NameSet, Source, Span, Totals};

/// Most metadata key/value pairs accepted (spec/scan-headers.md §5.13).
pub const MAX_KV_COUNT: u64 = 1 << 20;
/// Most tensors accepted (spec/scan-headers.md §5.13).
pub const MAX_TENSOR_COUNT: u64 = 1 << 20;
/// Longest metadata key or tensor name, in bytes: the GGUF specification's bound for keys
/// (spec/scan-headers.md §5.13).
pub const MAX_NAME_BYTES: u64 = 65_535;
/// Longest string value sceau keeps (`general.architecture`); skipped strings are bounded by
/// the file only (spec/scan-headers.md §5.8, §5.13).
pub const MAX_KEPT_STRING_BYTES: u64 = 1 << 20;
/// Most dimensions per tensor (spec/scan-headers.md §5.10).
pub const MAX_DIMS: u32 = 8;
/// Deepest nesting of arrays in metadata values; a plain array is depth 1
/// (spec/scan-headers.md §5.8).
pub const MAX_ARRAY_DEPTH: u32 = 4;
/// Total bytes of metadata keys remembered to refuse duplicates (spec/scan-headers.md §5.13).
pub const KEY_BYTES_BUDGET: u64 = 16 << 20;
/// Total bytes of tensor names remembered to refuse duplicates (spec/scan-headers.md §5.13).
pub const TENSOR_NAME_BYTES_BUDGET: u64 = 64 << 20;
/// Alignment of the data section when `general.alignment` is absent (spec/scan-headers.md §5.9).
pub const DEFAULT_ALIGNMENT: u32 = 32;

const MAGIC: [u8; 4] = *b"GGUF";

/// Smallest possible metadata entry: empty key (8), value type (4), one-byte value.
const MIN_KV_BYTES: u64 = 8 + 4 + 1;
/// Smallest possible tensor info: empty name (8), `n_dims` = 0 (4), type (4), offset (8).
const MIN_TENSOR_INFO_BYTES: u64 = 8 + 4 + 4 + 8;

/// Metadata value types (spec/scan-headers.md §5.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueType {
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    F32,
    Bool,
    String,
    Array,
    U64,
    I64,
    F64,
}

impl ValueType {
    fn from_code(code: u32) -> Option<Self> {
        Some(match code {
            0 => ValueType::U8,
            1 => ValueType::I8,
            2 => ValueType::U16,
            3 => ValueType::I16,
            4 => ValueType::U32,
            5 => ValueType::I32,
            6 => ValueType::F32,
            7 => ValueType::Bool,
            8 => ValueType::String,
            9 => ValueType::Array,
            10 => ValueType::U64,
            11 => ValueType::I64,
            12 => ValueType::F64,
            _ => return None,
        })
    }

    fn code(self) -> u32 {
        match self {
            ValueType::U8 => 0,
            ValueType::I8 => 1,
            ValueType::U16 => 2,
            ValueType::I16 => 3,
            ValueType::U32 => 4,
            ValueType::I32 => 5,
            ValueType::F32 => 6,
            ValueType::Bool => 7,
            ValueType::String => 8,
            ValueType::Array => 9,
            ValueType::U64 => 10,
            ValueType::I64 => 11,
            ValueType::F64 => 12,
        }
    }

    /// Size of a value of this type, when it does not depend on the value.
    fn fixed_size(self) -> Option<u64> {
        match self {
            ValueType::U8 | ValueType::I8 | ValueType::Bool => Some(1),
            ValueType::U16 | ValueType::I16 => Some(2),
            ValueType::U32 | ValueType::I32 | ValueType::F32 => Some(4),
            ValueType::U64 | ValueType::I64 | ValueType::F64 => Some(8),
            ValueType::String | ValueType::Array => None,
        }
    }

    /// Fewest bytes a value of this type can take: an empty string is its 8-byte length, an
    /// empty array its 4-byte element type and 8-byte count.
    fn min_size(self) -> u64 {
        match self {
            ValueType::String => 8,
            ValueType::Array => 12,
            other => other.fixed_size().unwrap_or(1),
        }
    }
}

/// ggml tensor types: code, name, elements per block, bytes per block
/// (spec/scan-headers.md §5.10).
const GGML_TYPES: &[(u32, &str, u64, u64)] = &[
    (0, "F32", 1, 4),
    (1, "F16", 1, 2),
    (2, "Q4_0", 32, 18),
    (3, "Q4_1", 32, 20),
    (6, "Q5_0", 32, 22),
    (7, "Q5_1", 32, 24),
    (8, "Q8_0", 32, 34),
    (9, "Q8_1", 32, 36),
    (10, "Q2_K", 256, 84),
    (11, "Q3_K", 256, 110),
    (12, "Q4_K", 256, 144),
    (13, "Q5_K", 256, 176),
    (14, "Q6_K", 256, 210),
    (15, "Q8_K", 256, 292),
    (16, "IQ2_XXS", 256, 66),
    (17, "IQ2_XS", 256, 74),
    (18, "IQ3_XXS", 256, 98),
    (19, "IQ1_S", 256, 50),
    (20, "IQ4_NL", 32, 18),
    (21, "IQ3_S", 256, 110),
    (22, "IQ2_S", 256, 82),
    (23, "IQ4_XS", 256, 136),
    (24, "I8", 1, 1),
    (25, "I16", 1, 2),
    (26, "I32", 1, 4),
    (27, "I64", 1, 8),
    (28, "F64", 1, 8),
    (29, "IQ1_M", 256, 56),
    (30, "BF16", 1, 2),
    (34, "TQ1_0", 256, 54),
    (35, "TQ2_0", 256, 66),
    (39, "MXFP4", 32, 17),
    (40, "NVFP4", 64, 36),
    (41, "Q1_0", 128, 18),
];

struct GgmlType {
    name: &'static str,
    block_elements: u64,
    block_bytes: u64,
}

fn ggml_type(code: u32) -> Option<GgmlType> {
    GGML_TYPES
        .iter()
        .find(|t| t.0 == code)
        .map(|&(_, name, block_elements, block_bytes)| GgmlType {
            name,
            block_elements,
            block_bytes,
        })
}

/// llama.cpp's `llama_ftype` values, without the `LLAMA_FTYPE_` prefix
/// (spec/scan-headers.md §5.12).
const FILE_TYPES: &[(u32, &str)] = &[
    (0, "ALL_F32"),
    (1, "MOSTLY_F16"),
    (2, "MOSTLY_Q4_0"),
    (3, "MOSTLY_Q4_1"),
    (4, "MOSTLY_Q4_1_SOME_F16"),
    (7, "MOSTLY_Q8_0"),
    (8, "MOSTLY_Q5_0"),
    (9, "MOSTLY_Q5_1"),
    (10, "MOSTLY_Q2_K"),
    (11, "MOSTLY_Q3_K_S"),
    (12, "MOSTLY_Q3_K_M"),
    (13, "MOSTLY_Q3_K_L"),
    (14, "MOSTLY_Q4_K_S"),
    (15, "MOSTLY_Q4_K_M"),
    (16, "MOSTLY_Q5_K_S"),
    (17, "MOSTLY_Q5_K_M"),
    (18, "MOSTLY_Q6_K"),
    (19, "MOSTLY_IQ2_XXS"),
    (20, "MOSTLY_IQ2_XS"),
    (21, "MOSTLY_Q2_K_S"),
    (22, "MOSTLY_IQ3_XS"),
    (23, "MOSTLY_IQ3_XXS"),
    (24, "MOSTLY_IQ1_S"),
    (25, "MOSTLY_IQ4_NL"),
    (26, "MOSTLY_IQ3_S"),
    (27, "MOSTLY_IQ3_M"),
    (28, "MOSTLY_IQ2_S"),
    (29, "MOSTLY_IQ2_M"),
    (30, "MOSTLY_IQ4_XS"),
    (31, "MOSTLY_IQ1_M"),
    (32, "MOSTLY_BF16"),
    (36, "MOSTLY_TQ1_0"),
    (37, "MOSTLY_TQ2_0"),
    (38, "MOSTLY_MXFP4_MOE"),
    (39, "MOSTLY_NVFP4"),
    (40, "MOSTLY_Q1_0"),
];

/// The name of a `general.file_type` value, `UNKNOWN(n)` for values not in the table
/// (spec/scan-headers.md §5.12).
fn file_type_name(value: u32) -> String {
    FILE_TYPES
        .iter()
        .find(|(v, _)| *v == value)
        .map_or_else(|| format!("UNKNOWN({value})"), |(_, n)| (*n).to_owned())
}

/// Reads a GGUF header from `r`, positioned at the start of a file of `file_len` bytes.
///
/// Reads the fixed header, every metadata entry (skipping values it does not need in bounded
/// chunks) and every tensor info, and stops there: padding and tensor data are never read
/// (spec/scan-headers.md §5.7). Every length and count is checked against a cap and against
/// the rest of the file before it is used, so the bytes read are bounded by `file_len` and
/// memory by the caps of spec/scan-headers.md §5.13.
pub fn read_gguf<R: Read>(r: &mut R, file_len: u64) -> Result<WeightInfo, HeaderError> {
    let mut src = Source::new(r, file_len);

    // spec/scan-headers.md §5.7: magic, version, counts.
    let magic = src.read_array::<4>("GGUF magic")?;
    if magic != MAGIC {
        return Err(HeaderError::BadMagic { found: magic });
    }
    let version = src.read_u32("GGUF version")?;
    match version {
        2 | 3 => {}
        v if (1..=3).contains(&v.swap_bytes()) => {
            return Err(HeaderError::BigEndian { raw: v });
        }
        v => return Err(HeaderError::UnsupportedVersion { version: v }),
    }
    let count_offset = src.pos;
    let tensor_count = src.read_u64("tensor count")?;
    let kv_count = src.read_u64("metadata entry count")?;
    for (what, value, limit, offset) in [
        ("tensor count", tensor_count, MAX_TENSOR_COUNT, count_offset),
        (
            "metadata entry count",
            kv_count,
            MAX_KV_COUNT,
            count_offset + 8,
        ),
    ] {
        if value > limit {
            return Err(HeaderError::LimitExceeded {
                what,
                offset,
                declared: value,
                limit,
            });
        }
    }
    let min_bytes = kv_count
        .saturating_mul(MIN_KV_BYTES)
        .saturating_add(tensor_count.saturating_mul(MIN_TENSOR_INFO_BYTES));
    src.check_fits("metadata entries and tensor infos", min_bytes)?;

    // spec/scan-headers.md §5.8–§5.9: metadata.
    let mut keys = NameSet::new(KEY_BYTES_BUDGET);
    let mut architecture = None;
    let mut file_type = None;
    let mut alignment = DEFAULT_ALIGNMENT;
    for _ in 0..kv_count {
        let key = read_name(&mut src, "metadata key")?;
        if !keys.insert(&key, src.pos)? {
            return Err(HeaderError::DuplicateName {
                what: "metadata key",
                name: key,
            });
        }
        let value_type = read_value_type(&mut src, &key)?;
        match key.as_str() {
            "general.architecture" => {
                expect_type(&key, value_type, ValueType::String, "string")?;
                let len = src.read_u64("general.architecture length")?;
                let offset = src.pos;
                let bytes = src.read_bytes("general.architecture", len, MAX_KEPT_STRING_BYTES)?;
                let arch = String::from_utf8(bytes).map_err(|_| HeaderError::InvalidUtf8 {
                    what: "general.architecture",
                    offset,
                })?;
                architecture = Some(arch);
            }
            "general.file_type" => {
                expect_type(&key, value_type, ValueType::U32, "uint32")?;
                file_type = Some(file_type_name(src.read_u32("general.file_type")?));
            }
            "general.alignment" => {
                expect_type(&key, value_type, ValueType::U32, "uint32")?;
                let value = src.read_u32("general.alignment")?;
                if !value.is_power_of_two() {
                    return Err(HeaderError::InvalidAlignment { alignment: value });
                }
                alignment = value;
            }
            _ => skip_value(&mut src, &key, value_type, 0)?,
        }
    }

    // spec/scan-headers.md §5.10: tensor infos.
    let mut names = NameSet::new(TENSOR_NAME_BYTES_BUDGET);
    let mut totals = Totals::default();
    let mut tensors = Vec::new();
    for _ in 0..tensor_count {
        let name = read_name(&mut src, "tensor name")?;
        if !names.insert(&name, src.pos)? {
            return Err(HeaderError::DuplicateName {
                what: "tensor name",
                name,
            });
        }
        let n_dims = src.read_u32("tensor dimension count")?;
        if n_dims > MAX_DIMS {
            return Err(HeaderError::TooManyDimensions {
                tensor: name,
                n_dims,
                limit: MAX_DIMS,
            });
        }
        let mut dims = [1u64; MAX_DIMS as usize];
        for dim in dims.iter_mut().take(n_dims as usize) {
            *dim = src.read_u64("tensor dimension")?;
        }
        let code = src.read_u32("tensor type")?;
        let ty = ggml_type(code).ok_or_else(|| HeaderError::UnknownGgmlType {
            tensor: name.clone(),
            ggml_type: code,
        })?;
        let offset = src.read_u64("tensor offset")?;
        let (elements, bytes) = tensor_size(&name, &ty, &dims)?;
        totals.add(&name, ty.name, elements)?;
        tensors.push((name, offset, bytes));
    }

    // spec/scan-headers.md §5.11: the data section starts at the next multiple of the
    // alignment; it is not read, only its length is used.
    let align = u64::from(alignment);
    let data_start = src.pos.div_ceil(align).saturating_mul(align);
    let data_len = file_len.saturating_sub(data_start);
    let mut spans = Vec::with_capacity(tensors.len());
    for (name, offset, bytes) in tensors {
        if offset % align != 0 {
            return Err(HeaderError::MisalignedTensor {
                tensor: name,
                offset,
                alignment,
            });
        }
        let end = offset
            .checked_add(bytes)
            .ok_or_else(|| HeaderError::ArithmeticOverflow {
                what: "data end",
                tensor: name.clone(),
            })?;
        if end > data_len {
            return Err(HeaderError::TensorOutOfBounds {
                tensor: name,
                end,
                data_len,
            });
        }
        spans.push(Span {
            begin: offset,
            end,
            name,
        });
    }
    check_overlaps(spans)?;

    Ok(totals.into_info(WeightFormat::Gguf, architecture, file_type))
}

/// Element count and data size in bytes of a tensor of type `ty` with `dims` (unused
/// dimensions are 1). The first dimension must be a whole number of blocks
/// (spec/scan-headers.md §5.10).
fn tensor_size(
    name: &str,
    ty: &GgmlType,
    dims: &[u64; MAX_DIMS as usize],
) -> Result<(u64, u64), HeaderError> {
    let overflow = |what| HeaderError::ArithmeticOverflow {
        what,
        tensor: name.to_owned(),
    };
    let elements = dims
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| overflow("element count"))?;
    let row = dims[0];
    if !row.is_multiple_of(ty.block_elements) {
        return Err(HeaderError::PartialBlock {
            tensor: name.to_owned(),
            dtype: ty.name,
            unit: "row",
            elements: row,
            multiple: ty.block_elements,
        });
    }
    let blocks = dims[1..]
        .iter()
        .try_fold(row / ty.block_elements, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| overflow("block count"))?;
    let bytes = blocks
        .checked_mul(ty.block_bytes)
        .ok_or_else(|| overflow("data size"))?;
    Ok((elements, bytes))
}

/// A key or tensor name: `u64` length (capped) then UTF-8 bytes (spec/scan-headers.md §5.8).
fn read_name<R: Read>(src: &mut Source<'_, R>, what: &'static str) -> Result<String, HeaderError> {
    let len = src.read_u64(what)?;
    let offset = src.pos;
    let bytes = src.read_bytes(what, len, MAX_NAME_BYTES)?;
    String::from_utf8(bytes).map_err(|_| HeaderError::InvalidUtf8 { what, offset })
}

fn read_value_type<R: Read>(src: &mut Source<'_, R>, key: &str) -> Result<ValueType, HeaderError> {
    let offset = src.pos;
    let code = src.read_u32("metadata value type")?;
    ValueType::from_code(code).ok_or_else(|| HeaderError::UnknownValueType {
        key: key.to_owned(),
        value_type: code,
        offset,
    })
}

fn expect_type(
    key: &str,
    found: ValueType,
    expected: ValueType,
    expected_name: &'static str,
) -> Result<(), HeaderError> {
    if found != expected {
        return Err(HeaderError::WrongValueType {
            key: key.to_owned(),
            expected: expected_name,
            found: found.code(),
        });
    }
    Ok(())
}

/// Reads past one value of type `ty` without keeping it (spec/scan-headers.md §5.8).
/// `depth` is the number of arrays already entered.
fn skip_value<R: Read>(
    src: &mut Source<'_, R>,
    key: &str,
    ty: ValueType,
    depth: u32,
) -> Result<(), HeaderError> {
    if let Some(size) = ty.fixed_size() {
        return src.skip("metadata value", size);
    }
    match ty {
        ValueType::String => {
            let len = src.read_u64("metadata string length")?;
            src.skip("metadata string", len)
        }
        _ => {
            if depth >= MAX_ARRAY_DEPTH {
                return Err(HeaderError::NestingTooDeep {
                    key: key.to_owned(),
                    limit: MAX_ARRAY_DEPTH,
                });
            }
            let elem = read_value_type(src, key)?;
            let count = src.read_u64("metadata array length")?;
            if let Some(size) = elem.fixed_size() {
                // One bounded skip for the whole array.
                src.skip("metadata array", count.saturating_mul(size))
            } else {
                // Each element takes at least min_size bytes, so the loop runs at most
                // file_len / 8 times.
                src.check_count_fits("metadata array", count, elem.min_size())?;
                for _ in 0..count {
                    skip_value(src, key, elem, depth + 1)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// A tiny GGUF writer for building test headers.
    #[derive(Default)]
    struct W(Vec<u8>);

    impl W {
        fn header(version: u32, tensors: u64, kvs: u64) -> W {
            let mut w = W::default();
            w.bytes(b"GGUF").u32(version).u64(tensors).u64(kvs);
            w
        }
        fn bytes(&mut self, b: &[u8]) -> &mut Self {
            self.0.extend_from_slice(b);
            self
        }
        fn u32(&mut self, v: u32) -> &mut Self {
            self.bytes(&v.to_le_bytes())
        }
        fn u64(&mut self, v: u64) -> &mut Self {
            self.bytes(&v.to_le_bytes())
        }
        fn str(&mut self, s: &str) -> &mut Self {
            self.u64(s.len() as u64).bytes(s.as_bytes())
        }
        fn kv_str(&mut self, key: &str, value: &str) -> &mut Self {
            self.str(key).u32(8).str(value)
        }
        fn kv_u32(&mut self, key: &str, value: u32) -> &mut Self {
            self.str(key).u32(4).u32(value)
        }
        fn kv_str_array(&mut self, key: &str, values: &[&str]) -> &mut Self {
            self.str(key).u32(9).u32(8).u64(values.len() as u64);
            for v in values {
                self.str(v);
            }
            self
        }
        fn tensor(&mut self, name: &str, dims: &[u64], ty: u32, offset: u64) -> &mut Self {
            self.str(name).u32(dims.len() as u32);
            for d in dims {
                self.u64(*d);
            }
            self.u32(ty).u64(offset)
        }
        /// Pads to `align` and appends `data` bytes of tensor data.
        fn data(&mut self, align: usize, data: usize) -> Vec<u8> {
            let padded = self.0.len().div_ceil(align) * align;
            let mut out = self.0.clone();
            out.resize(padded + data, 0xAA);
            out
        }
    }

    fn read(bytes: &[u8]) -> Result<WeightInfo, HeaderError> {
        read_gguf(&mut &bytes[..], bytes.len() as u64)
    }

    /// A header with every kind of metadata value, three tensors and their data.
    fn sample(version: u32) -> Vec<u8> {
        let mut w = W::header(version, 3, 9);
        w.kv_str("general.architecture", "llama")
            .kv_u32("general.file_type", 15)
            .kv_str("general.name", "tiny")
            .kv_str_array("tokenizer.ggml.tokens", &["<s>", "</s>", "hello", ""]);
        // Scalars of every fixed size.
        w.str("s.u8").u32(0).bytes(&[7]);
        w.str("s.i16").u32(3).bytes(&[1, 2]);
        w.str("s.f64").u32(12).u64(0);
        // An array of u32 and an array of arrays of strings.
        w.str("a.u32").u32(9).u32(4).u64(3).u32(1).u32(2).u32(3);
        w.str("a.nested").u32(9).u32(9).u64(2);
        w.u32(8).u64(1).str("x");
        w.u32(8).u64(0);
        w.tensor("token_embd.weight", &[256, 2], 12, 0) // Q4_K: 2 blocks of 144 bytes
            .tensor("output_norm.weight", &[8], 0, 288) // F32: 32 bytes
            .tensor("blk.0.attn_q.weight", &[4, 4], 1, 320); // F16: 32 bytes
        w.data(32, 352)
    }

    #[test]
    fn valid_header() {
        for version in [2, 3] {
            let info = read(&sample(version)).unwrap();
            assert_eq!(info.format, WeightFormat::Gguf);
            assert_eq!(info.tensor_count, 3);
            assert_eq!(info.parameter_count, 512 + 8 + 16);
            assert_eq!(info.dtypes.get("Q4_K"), Some(&512));
            assert_eq!(info.dtypes.get("F32"), Some(&8));
            assert_eq!(info.dtypes.get("F16"), Some(&16));
            assert_eq!(info.dtypes.len(), 3);
            assert_eq!(info.architecture.as_deref(), Some("llama"));
            assert_eq!(info.file_type.as_deref(), Some("MOSTLY_Q4_K_M"));
        }
    }

    #[test]
    fn reads_nothing_past_the_tensor_infos() {
        let bytes = sample(3);
        let mut r = &bytes[..];
        read_gguf(&mut r, bytes.len() as u64).unwrap();
        // Padding and the 352 bytes of tensor data stay unread.
        assert!(r.len() >= 352, "{} bytes left", r.len());
        assert!(r.len() < 352 + 32);
    }

    #[test]
    fn metadata_only_file() {
        let mut w = W::header(3, 0, 1);
        w.kv_str("general.architecture", "bert");
        let info = read(&w.0).unwrap();
        assert_eq!(info.tensor_count, 0);
        assert_eq!(info.architecture.as_deref(), Some("bert"));
        assert_eq!(info.file_type, None);
    }

    #[test]
    fn file_type_names() {
        assert_eq!(file_type_name(0), "ALL_F32");
        assert_eq!(file_type_name(32), "MOSTLY_BF16");
        assert_eq!(file_type_name(37), "MOSTLY_TQ2_0");
        assert_eq!(file_type_name(5), "UNKNOWN(5)");
        assert_eq!(file_type_name(1024), "UNKNOWN(1024)");
        let mut w = W::header(3, 0, 1);
        w.kv_u32("general.file_type", 99);
        assert_eq!(
            read(&w.0).unwrap().file_type.as_deref(),
            Some("UNKNOWN(99)")
        );
    }

    #[test]
    fn large_token_array_is_skipped() {
        let tokens: Vec<String> = (0..150_000).map(|i| format!("tok{i}")).collect();
        let refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let mut w = W::header(3, 1, 2);
        w.kv_str_array("tokenizer.ggml.tokens", &refs)
            .kv_str("general.architecture", "qwen2")
            .tensor("t", &[32], 8, 0); // Q8_0: one block of 34 bytes
        let bytes = w.data(32, 34);
        let start = Instant::now();
        let info = read(&bytes).unwrap();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(info.architecture.as_deref(), Some("qwen2"));
        assert_eq!(info.dtypes.get("Q8_0"), Some(&32));
    }

    #[test]
    fn custom_alignment() {
        let mut w = W::header(3, 2, 1);
        w.kv_u32("general.alignment", 64)
            .tensor("a", &[4], 0, 0)
            .tensor("b", &[4], 0, 64);
        let info = read(&w.data(64, 80)).unwrap();
        assert_eq!(info.parameter_count, 8);
    }

    #[test]
    fn bad_magic() {
        let mut bytes = sample(3);
        bytes[0] = b'X';
        let err = read(&bytes).unwrap_err();
        assert!(
            matches!(err, HeaderError::BadMagic { found } if &found == b"XGUF"),
            "{err}"
        );
    }

    #[test]
    fn version_1_is_refused() {
        let err = read(&W::header(1, 0, 0).0).unwrap_err();
        assert!(
            matches!(err, HeaderError::UnsupportedVersion { version: 1 }),
            "{err}"
        );
        let err = read(&W::header(4, 0, 0).0).unwrap_err();
        assert!(
            matches!(err, HeaderError::UnsupportedVersion { version: 4 }),
            "{err}"
        );
    }

    #[test]
    fn big_endian_is_refused() {
        let mut w = W::default();
        w.bytes(b"GGUF")
            .bytes(&3u32.to_be_bytes())
            .bytes(&0u64.to_be_bytes())
            .bytes(&0u64.to_be_bytes());
        let err = read(&w.0).unwrap_err();
        assert!(
            matches!(err, HeaderError::BigEndian { raw: 0x0300_0000 }),
            "{err}"
        );
    }

    #[test]
    fn truncated_fixed_header() {
        let err = read(&W::header(3, 0, 0).0[..20]).unwrap_err();
        assert!(
            matches!(err, HeaderError::Truncated { offset: 16, .. }),
            "{err}"
        );
    }

    #[test]
    fn truncated_in_the_middle_of_a_kv() {
        let mut w = W::header(3, 0, 2);
        w.kv_u32("general.file_type", 15);
        w.kv_u32("general.alignment", 32);
        // Cut inside the last u32 value.
        let cut = w.0.len() - 2;
        let err = read(&w.0[..cut]).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::Truncated {
                    what: "general.alignment",
                    ..
                }
            ),
            "{err}"
        );
        // Cut inside the second key: its declared length no longer fits.
        let mut w = W::header(3, 0, 2);
        w.kv_str("general.name", "x");
        let cut = w.0.len() + 8 + 3;
        w.kv_str("general.architecture", "llama");
        let err = read(&w.0[..cut]).unwrap_err();
        assert!(
            matches!(err, HeaderError::LengthExceedsFile { .. }),
            "{err}"
        );
    }

    #[test]
    fn reader_shorter_than_file_len() {
        let bytes = sample(3);
        let err = read_gguf(&mut &bytes[..60], bytes.len() as u64).unwrap_err();
        assert!(matches!(err, HeaderError::Truncated { .. }), "{err}");
    }

    #[test]
    fn huge_string_length_fails_fast_without_allocating() {
        // A value string declaring 2^60 bytes in a small file.
        let mut w = W::header(3, 0, 1);
        w.str("general.name").u32(8).u64(1 << 60).bytes(b"abc");
        let start = Instant::now();
        let err = read(&w.0).unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(1));
        assert!(
            matches!(err, HeaderError::LengthExceedsFile { declared, .. } if declared == 1 << 60),
            "{err}"
        );
        // The same as a kept string, with a file length that would allow it: the cap refuses
        // it before any buffer is made.
        let mut w = W::header(3, 0, 1);
        w.str("general.architecture").u32(8).u64(1 << 60);
        let err = read_gguf(&mut &w.0[..], u64::MAX).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::LimitExceeded {
                    limit: MAX_KEPT_STRING_BYTES,
                    ..
                }
            ),
            "{err}"
        );
        // A key declaring 2^60 bytes.
        let mut w = W::header(3, 0, 1);
        w.u64(1 << 60);
        let err = read_gguf(&mut &w.0[..], u64::MAX).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::LimitExceeded {
                    limit: MAX_NAME_BYTES,
                    ..
                }
            ),
            "{err}"
        );
        // A skipped string with a file length that would allow it: the reader runs dry and
        // the skip, done in fixed chunks, reports truncation.
        let mut w = W::header(3, 0, 1);
        w.str("general.name").u32(8).u64(1 << 60).bytes(b"abc");
        let err = read_gguf(&mut &w.0[..], u64::MAX).unwrap_err();
        assert!(matches!(err, HeaderError::Truncated { .. }), "{err}");
        assert!(start.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn key_over_cap() {
        let key = "k".repeat(70_000);
        let mut w = W::header(3, 0, 1);
        w.kv_u32(&key, 1);
        let err = read(&w.0).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::LimitExceeded {
                    declared: 70_000,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn huge_tensor_count() {
        let err = read(&W::header(3, 1 << 40, 0).0).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::LimitExceeded {
                    limit: MAX_TENSOR_COUNT,
                    ..
                }
            ),
            "{err}"
        );
        // Under the cap but more than the file can hold.
        let err = read(&W::header(3, 1000, 0).0).unwrap_err();
        assert!(
            matches!(err, HeaderError::LengthExceedsFile { .. }),
            "{err}"
        );
    }

    #[test]
    fn huge_kv_count() {
        let err = read(&W::header(3, 0, u64::MAX).0).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::LimitExceeded {
                    limit: MAX_KV_COUNT,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn huge_array_counts() {
        let mut w = W::header(3, 0, 1);
        w.str("a").u32(9).u32(10).u64(1 << 62);
        let err = read(&w.0).unwrap_err();
        assert!(
            matches!(err, HeaderError::LengthExceedsFile { .. }),
            "{err}"
        );
        let mut w = W::header(3, 0, 1);
        w.str("a").u32(9).u32(8).u64(u64::MAX);
        let err = read(&w.0).unwrap_err();
        assert!(
            matches!(err, HeaderError::LengthExceedsFile { .. }),
            "{err}"
        );
    }

    #[test]
    fn too_many_dims() {
        let mut w = W::header(3, 1, 0);
        w.tensor("t", &[1; 9], 0, 0);
        let err = read(&w.data(32, 4)).unwrap_err();
        assert!(
            matches!(err, HeaderError::TooManyDimensions { n_dims: 9, .. }),
            "{err}"
        );
    }

    #[test]
    fn unknown_ggml_type() {
        for code in [4, 31, 36, 42, u32::MAX] {
            let mut w = W::header(3, 1, 0);
            w.tensor("t", &[32], code, 0);
            let err = read(&w.data(32, 64)).unwrap_err();
            assert!(
                matches!(err, HeaderError::UnknownGgmlType { ggml_type, .. } if ggml_type == code),
                "{err}"
            );
        }
    }

    #[test]
    fn unknown_value_type() {
        let mut w = W::header(3, 0, 1);
        w.str("k").u32(13).u64(0);
        let err = read(&w.0).unwrap_err();
        assert!(
            matches!(err, HeaderError::UnknownValueType { value_type: 13, .. }),
            "{err}"
        );
        let mut w = W::header(3, 0, 1);
        w.str("k").u32(9).u32(77).u64(0);
        let err = read(&w.0).unwrap_err();
        assert!(
            matches!(err, HeaderError::UnknownValueType { value_type: 77, .. }),
            "{err}"
        );
    }

    #[test]
    fn nesting_too_deep() {
        let mut w = W::header(3, 0, 1);
        w.str("k");
        w.u32(9);
        for _ in 0..MAX_ARRAY_DEPTH {
            w.u32(9).u64(1);
        }
        w.u32(0).u64(0);
        let err = read(&w.0).unwrap_err();
        assert!(matches!(err, HeaderError::NestingTooDeep { .. }), "{err}");
        // One level less is fine.
        let mut w = W::header(3, 0, 1);
        w.str("k");
        w.u32(9);
        for _ in 1..MAX_ARRAY_DEPTH {
            w.u32(9).u64(1);
        }
        w.u32(0).u64(0);
        assert!(read(&w.0).is_ok());
    }

    #[test]
    fn wrong_value_types() {
        let mut w = W::header(3, 0, 1);
        w.kv_u32("general.architecture", 1);
        let err = read(&w.0).unwrap_err();
        assert!(
            matches!(err, HeaderError::WrongValueType { found: 4, .. }),
            "{err}"
        );
        let mut w = W::header(3, 0, 1);
        w.kv_str("general.file_type", "Q4_K_M");
        let err = read(&w.0).unwrap_err();
        assert!(
            matches!(err, HeaderError::WrongValueType { found: 8, .. }),
            "{err}"
        );
    }

    #[test]
    fn non_utf8_names() {
        let mut w = W::header(3, 0, 1);
        w.str("general.architecture")
            .u32(8)
            .u64(2)
            .bytes(&[0xff, 0xfe]);
        let err = read(&w.0).unwrap_err();
        assert!(matches!(err, HeaderError::InvalidUtf8 { .. }), "{err}");
        let mut w = W::header(3, 0, 1);
        w.u64(1).bytes(&[0x80]).u32(0).bytes(&[0]);
        let err = read(&w.0).unwrap_err();
        assert!(matches!(err, HeaderError::InvalidUtf8 { .. }), "{err}");
    }

    #[test]
    fn duplicate_key() {
        let mut w = W::header(3, 0, 2);
        w.kv_str("general.architecture", "llama")
            .kv_str("general.architecture", "gemma");
        let err = read(&w.0).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::DuplicateName {
                    what: "metadata key",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn duplicate_tensor() {
        let mut w = W::header(3, 2, 0);
        w.tensor("t", &[4], 0, 0).tensor("t", &[4], 0, 32);
        let err = read(&w.data(32, 64)).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::DuplicateName {
                    what: "tensor name",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn bad_alignment() {
        let mut w = W::header(3, 0, 1);
        w.kv_u32("general.alignment", 3);
        let err = read(&w.0).unwrap_err();
        assert!(
            matches!(err, HeaderError::InvalidAlignment { alignment: 3 }),
            "{err}"
        );
        let mut w = W::header(3, 0, 1);
        w.kv_u32("general.alignment", 0);
        let err = read(&w.0).unwrap_err();
        assert!(matches!(err, HeaderError::InvalidAlignment { .. }), "{err}");
    }

    #[test]
    fn misaligned_tensor() {
        let mut w = W::header(3, 1, 0);
        w.tensor("t", &[4], 0, 16);
        let err = read(&w.data(32, 64)).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::MisalignedTensor {
                    offset: 16,
                    alignment: 32,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn tensor_beyond_file() {
        let mut w = W::header(3, 1, 0);
        w.tensor("t", &[16], 0, 0); // 64 bytes of F32
        let err = read(&w.data(32, 63)).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::TensorOutOfBounds {
                    end: 64,
                    data_len: 63,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn partial_block() {
        let mut w = W::header(3, 1, 0);
        w.tensor("t", &[16, 2], 2, 0); // Q4_0 rows must be multiples of 32
        let err = read(&w.data(32, 64)).unwrap_err();
        assert!(
            matches!(
                err,
                HeaderError::PartialBlock {
                    elements: 16,
                    multiple: 32,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn overflow_in_dims() {
        let mut w = W::header(3, 1, 0);
        w.tensor("t", &[1 << 32, 1 << 32], 0, 0);
        let err = read(&w.data(32, 0)).unwrap_err();
        assert!(
            matches!(err, HeaderError::ArithmeticOverflow { .. }),
            "{err}"
        );
        // Elements fit, bytes do not.
        let mut w = W::header(3, 1, 0);
        w.tensor("t", &[1 << 62], 0, 0);
        let err = read(&w.data(32, 0)).unwrap_err();
        assert!(
            matches!(err, HeaderError::ArithmeticOverflow { .. }),
            "{err}"
        );
    }

    #[test]
    fn overlapping_tensors() {
        let mut w = W::header(3, 2, 0);
        w.tensor("a", &[16], 0, 0).tensor("b", &[16], 0, 32);
        let err = read(&w.data(32, 96)).unwrap_err();
        assert!(
            matches!(err, HeaderError::OverlappingTensors { .. }),
            "{err}"
        );
    }

    #[test]
    fn every_listed_type_is_accepted() {
        for &(code, name, block, size) in GGML_TYPES {
            let mut w = W::header(3, 1, 0);
            w.tensor("t", &[block * 2], code, 0);
            let info = read(&w.data(32, (size * 2) as usize)).unwrap();
            assert_eq!(info.dtypes.get(name), Some(&(block * 2)), "{name}");
        }
    }
}
