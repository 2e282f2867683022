//! The GGUF reader: metadata (architecture, alignment, head counts) and the tensor infos,
//! checked as spec/scan-headers.md §5.7–§5.11 says, turned into [`Entry`]s with llama.cpp names
//! mapped to Hugging Face names (spec/fingerprint.md §4.3).
use std::collections::{BTreeMap, HashSet};

use crate::cursor::Cursor;
use crate::entry::{Entry, MAX_DIMS, MAX_TENSORS};
use crate::error::{ReadError, SkipReason};
use crate::names;
use crate::source::ReadAt;
use crate::storage::{Dtype, Encoding, RowMap, Storage};

/// Most metadata entries (spec/scan-headers.md §5.13).
pub const MAX_KV_COUNT: u64 = 1 << 20;
/// Longest key or tensor name (spec/scan-headers.md §5.13).
pub const MAX_NAME_BYTES: u64 = 65_535;
/// Longest string value kept (`general.architecture`).
pub const MAX_KEPT_STRING: u64 = 1024;
/// Deepest array nesting in metadata (spec/scan-headers.md §5.8).
pub const MAX_ARRAY_DEPTH: u32 = 4;
/// Data alignment when `general.alignment` is absent.
pub const DEFAULT_ALIGNMENT: u64 = 32;

/// Sizes of the fixed-size metadata value types, by type code; strings (8) and arrays (9)
/// have none.
fn fixed_size(t: u32) -> Option<u64> {
    match t {
        0 | 1 | 7 => Some(1),
        2 | 3 => Some(2),
        4..=6 => Some(4),
        10..=12 => Some(8),
        _ => None,
    }
}

/// How a ggml type is read: `Ok` for the types sampled, `Err` for the reason others are
/// skipped (spec/fingerprint.md §4.3).
fn ggml_type(code: u32) -> Result<(Dtype, Encoding), SkipReason> {
    match code {
        0 => Ok((Dtype::F32, Encoding::F32)),
        1 => Ok((Dtype::F16, Encoding::F16)),
        2 => Ok((Dtype::Q4_0, Encoding::Q4_0)),
        3 => Ok((Dtype::Q4_1, Encoding::Q4_1)),
        8 => Ok((Dtype::Q8_0, Encoding::Q8_0)),
        28 => Ok((Dtype::F64, Encoding::F64)),
        30 => Ok((Dtype::BF16, Encoding::BF16)),
        24..=27 => Err(SkipReason::Integer {
            dtype: format!("ggml type {code}"),
        }),
        _ => Err(SkipReason::UnsupportedType {
            dtype: format!("ggml type {code}"),
        }),
    }
}

fn string(c: &mut Cursor<'_>, what: &'static str, cap: u64) -> Result<String, ReadError> {
    let len = c.u64(what)?;
    let offset = c.pos();
    let b = c.bytes(what, len, cap)?;
    String::from_utf8(b).map_err(|_| ReadError::InvalidUtf8 { what, offset })
}

fn skip_value(c: &mut Cursor<'_>, key: &str, t: u32, depth: u32) -> Result<(), ReadError> {
    if let Some(n) = fixed_size(t) {
        return c.skip("metadata value", n);
    }
    match t {
        8 => {
            let len = c.u64("string length")?;
            c.skip("string", len)
        }
        9 => {
            if depth >= MAX_ARRAY_DEPTH {
                return Err(ReadError::LimitExceeded {
                    what: "metadata array nesting",
                    declared: u64::from(depth) + 1,
                    limit: u64::from(MAX_ARRAY_DEPTH),
                });
            }
            let et = c.u32("array element type")?;
            let count = c.u64("array length")?;
            if let Some(n) = fixed_size(et) {
                return c.skip("array", count.saturating_mul(n));
            }
            let min = match et {
                8 => 8,
                9 => 12,
                _ => {
                    return Err(ReadError::UnknownValueType {
                        key: key.to_owned(),
                        value_type: et,
                    })
                }
            };
            c.check_fits("array", count.saturating_mul(min))?;
            for _ in 0..count {
                skip_value(c, key, et, depth + 1)?;
            }
            Ok(())
        }
        _ => Err(ReadError::UnknownValueType {
            key: key.to_owned(),
            value_type: t,
        }),
    }
}

struct Info {
    name: String,
    ne: Vec<u64>,
    code: u32,
    offset: u64,
}

/// Reads a GGUF file's tensor table (spec/fingerprint.md §4.3).
pub fn read(src: &dyn ReadAt) -> Result<Vec<Entry>, ReadError> {
    let mut c = Cursor::new(src);
    let magic = c.array::<4>("GGUF magic")?;
    if &magic != b"GGUF" {
        return Err(ReadError::BadMagic {
            format: "GGUF",
            found: magic,
        });
    }
    let version = c.u32("GGUF version")?;
    if !matches!(version, 2 | 3) {
        return Err(ReadError::UnsupportedVersion { version });
    }
    let tensor_count = c.u64("tensor count")?;
    let kv_count = c.u64("metadata entry count")?;
    for (what, declared, limit) in [
        ("tensor count", tensor_count, MAX_TENSORS),
        ("metadata entry count", kv_count, MAX_KV_COUNT),
    ] {
        if declared > limit {
            return Err(ReadError::LimitExceeded {
                what,
                declared,
                limit,
            });
        }
    }
    c.check_fits(
        "metadata and tensor infos",
        kv_count * 13 + tensor_count * 24,
    )?;

    let mut arch = String::new();
    let mut alignment = DEFAULT_ALIGNMENT;
    let mut u32s: BTreeMap<String, u32> = BTreeMap::new();
    for _ in 0..kv_count {
        let key = string(&mut c, "metadata key", MAX_NAME_BYTES)?;
        let t = c.u32("metadata value type")?;
        match (key.as_str(), t) {
            ("general.architecture", 8) => {
                arch = string(&mut c, "general.architecture", MAX_KEPT_STRING)?
            }
            ("general.alignment", 4) => {
                let a = u64::from(c.u32("general.alignment")?);
                if !a.is_power_of_two() {
                    return Err(ReadError::InvalidAlignment { alignment: a });
                }
                alignment = a;
            }
            (k, 4)
                if k.ends_with(".attention.head_count")
                    || k.ends_with(".attention.head_count_kv") =>
            {
                let v = c.u32("head count")?;
                u32s.insert(key, v);
            }
            _ => skip_value(&mut c, &key, t, 0)?,
        }
    }

    let mut infos = Vec::with_capacity(tensor_count as usize);
    let mut seen = HashSet::new();
    for _ in 0..tensor_count {
        let name = string(&mut c, "tensor name", MAX_NAME_BYTES)?;
        let n_dims = c.u32("dimension count")?;
        if n_dims as usize > MAX_DIMS {
            return Err(ReadError::LimitExceeded {
                what: "tensor dimension count",
                declared: u64::from(n_dims),
                limit: MAX_DIMS as u64,
            });
        }
        let mut ne = Vec::with_capacity(n_dims as usize);
        for _ in 0..n_dims {
            ne.push(c.u64("dimension")?);
        }
        let code = c.u32("tensor type")?;
        let offset = c.u64("tensor offset")?;
        if !seen.insert(name.clone()) {
            return Err(ReadError::DuplicateName { name });
        }
        infos.push(Info {
            name,
            ne,
            code,
            offset,
        });
    }
    let data_start = c.pos().div_ceil(alignment).saturating_mul(alignment);
    let file_len = src.len();

    let heads = u32s.get(&format!("{arch}.attention.head_count")).copied();
    let heads_kv = u32s
        .get(&format!("{arch}.attention.head_count_kv"))
        .copied()
        .or(heads);
    let mut out = Vec::with_capacity(infos.len());
    for info in infos {
        let dims: Vec<u64> = info.ne.iter().rev().copied().collect();
        let elements = info
            .ne
            .iter()
            .try_fold(1u64, |a, &d| a.checked_mul(d))
            .ok_or_else(|| ReadError::Overflow {
                what: "element count",
                tensor: info.name.clone(),
            })?;
        let name = names::gguf_to_hf(&arch, &info.name).unwrap_or_else(|| info.name.clone());
        let content = match ggml_type(info.code) {
            Err(skip) => Err(skip),
            Ok((dt, encoding)) => {
                let cols = info.ne.first().copied().unwrap_or(1);
                let rows = elements.checked_div(cols).unwrap_or(0);
                let (per, _) = encoding.unit();
                if cols % per != 0 {
                    return Err(ReadError::PartialBlock {
                        tensor: info.name,
                        elements: cols,
                        multiple: per,
                    });
                }
                let bytes = encoding
                    .bytes_for(elements)
                    .ok_or_else(|| ReadError::Overflow {
                        what: "byte size",
                        tensor: info.name.clone(),
                    })?;
                let start =
                    data_start
                        .checked_add(info.offset)
                        .ok_or_else(|| ReadError::Overflow {
                            what: "data offset",
                            tensor: info.name.clone(),
                        })?;
                let end = start
                    .checked_add(bytes)
                    .ok_or_else(|| ReadError::Overflow {
                        what: "data end",
                        tensor: info.name.clone(),
                    })?;
                if end > file_len {
                    return Err(ReadError::TensorOutOfBounds {
                        tensor: info.name,
                        end,
                        limit: file_len,
                    });
                }
                let row_map = if names::gguf_rope_permuted(&arch, &info.name) {
                    let h = if info.name.ends_with(".attn_k.weight") {
                        heads_kv
                    } else {
                        heads
                    };
                    match h.map(u64::from) {
                        Some(h) if h > 0 && rows % (2 * h) == 0 => RowMap::Rope { heads: h },
                        _ => RowMap::Identity,
                    }
                } else {
                    RowMap::Identity
                };
                Ok((
                    dt,
                    Storage {
                        source: 0,
                        offset: start,
                        encoding,
                        storage_rows: rows,
                        storage_cols: cols,
                        transposed: false,
                        row_map,
                        dequant: None,
                    },
                ))
            }
        };
        out.push(Entry {
            name,
            dims,
            role_hint: None,
            content,
        });
    }
    Ok(out)
}

/// A small GGUF writer for tests and fuzz seeds: version 3, string and `u32` metadata, tensors
/// given with their ggml type code and raw data (spec/fingerprint.md §7).
#[derive(Default)]
pub struct GgufWriter {
    kv: Vec<u8>,
    kv_count: u64,
    tensors: Vec<(String, Vec<u64>, u32, Vec<u8>)>,
}

impl GgufWriter {
    /// Adds a string metadata entry.
    pub fn kv_str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key, 8);
        self.kv.extend((value.len() as u64).to_le_bytes());
        self.kv.extend(value.as_bytes());
        self
    }

    /// Adds a `u32` metadata entry.
    pub fn kv_u32(&mut self, key: &str, value: u32) -> &mut Self {
        self.key(key, 4);
        self.kv.extend(value.to_le_bytes());
        self
    }

    /// Adds an array-of-strings metadata entry (a tokenizer vocabulary, say).
    pub fn kv_str_array(&mut self, key: &str, values: &[&str]) -> &mut Self {
        self.key(key, 9);
        self.kv.extend(8u32.to_le_bytes());
        self.kv.extend((values.len() as u64).to_le_bytes());
        for v in values {
            self.kv.extend((v.len() as u64).to_le_bytes());
            self.kv.extend(v.as_bytes());
        }
        self
    }

    fn key(&mut self, key: &str, t: u32) {
        self.kv.extend((key.len() as u64).to_le_bytes());
        self.kv.extend(key.as_bytes());
        self.kv.extend(t.to_le_bytes());
        self.kv_count += 1;
    }

    /// Adds a tensor: GGUF dimension order (`ne`, fastest first), ggml type, data bytes.
    pub fn tensor(&mut self, name: &str, ne: &[u64], ggml_type: u32, data: Vec<u8>) -> &mut Self {
        self.tensors
            .push((name.to_owned(), ne.to_vec(), ggml_type, data));
        self
    }

    /// The file's bytes (alignment 32).
    pub fn finish(&self) -> Vec<u8> {
        let mut out = b"GGUF".to_vec();
        out.extend(3u32.to_le_bytes());
        out.extend((self.tensors.len() as u64).to_le_bytes());
        out.extend(self.kv_count.to_le_bytes());
        out.extend(&self.kv);
        let mut offset = 0u64;
        let mut offsets = Vec::new();
        for (name, ne, t, data) in &self.tensors {
            out.extend((name.len() as u64).to_le_bytes());
            out.extend(name.as_bytes());
            out.extend((ne.len() as u32).to_le_bytes());
            for d in ne {
                out.extend(d.to_le_bytes());
            }
            out.extend(t.to_le_bytes());
            out.extend(offset.to_le_bytes());
            offsets.push(offset);
            offset = (offset + data.len() as u64).div_ceil(32) * 32;
        }
        let start = out.len().div_ceil(32) * 32;
        out.resize(start, 0);
        for ((_, _, _, data), off) in self.tensors.iter().zip(offsets) {
            out.resize(start + off as usize, 0);
            out.extend(data);
        }
        out
    }
}

/// Quantises `values` (a whole number of 32-element blocks) to ggml `Q4_0` as llama.cpp's
/// reference quantiser does: `d = max / −8` where `max` is the value of largest magnitude,
/// `q = min(15, trunc(x / d + 8.5))` (spec/fingerprint.md §7).
pub fn quantize_q4_0(values: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / 32 * 18);
    for block in values.chunks(32) {
        let max = block
            .iter()
            .copied()
            .fold(0f32, |m, x| if x.abs() > m.abs() { x } else { m });
        let d = max / -8.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend(half::f16::from_f32(d).to_le_bytes());
        let q = |x: f32| ((x * id + 8.5) as i32).clamp(0, 15) as u8;
        for j in 0..16 {
            let lo = block.get(j).copied().map_or(8, q);
            let hi = block.get(j + 16).copied().map_or(8, q);
            out.push(lo | (hi << 4));
        }
    }
    out
}

/// Quantises `values` to ggml `Q8_0`: `d = amax / 127`, `q = round(x / d)`.
pub fn quantize_q8_0(values: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / 32 * 34);
    for block in values.chunks(32) {
        let amax = block.iter().fold(0f32, |m, x| m.max(x.abs()));
        let d = amax / 127.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend(half::f16::from_f32(d).to_le_bytes());
        for j in 0..32 {
            let x = block.get(j).copied().unwrap_or(0.0);
            out.push(((x * id).round() as i32).clamp(-128, 127) as i8 as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32_bytes(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    #[test]
    fn reads_tensor_infos_and_maps_names() {
        let vals: Vec<f32> = (0..64).map(|i| i as f32).collect();
        let mut w = GgufWriter::default();
        w.kv_str("general.architecture", "bert")
            .kv_str_array("tokenizer.ggml.tokens", &["a", "b", "c"])
            .kv_u32("general.alignment", 32)
            .tensor("token_embd.weight", &[32, 2], 0, f32_bytes(&vals))
            .tensor("blk.0.ffn_up.weight", &[32, 2], 2, quantize_q4_0(&vals))
            .tensor("blk.0.attn_q.bias", &[2], 26, vec![0; 8])
            .tensor("custom.thing", &[64], 12, vec![0; 144]);
        let bytes = w.finish();
        let e = read(&bytes).unwrap();
        assert_eq!(e[0].name, "embeddings.word_embeddings.weight");
        assert_eq!(e[0].dims, vec![2, 32]);
        let (dt, st) = e[0].content.as_ref().unwrap();
        assert_eq!((*dt, st.storage_rows, st.storage_cols), (Dtype::F32, 2, 32));
        assert_eq!(e[1].name, "encoder.layer.0.intermediate.dense.weight");
        assert_eq!(e[1].content.as_ref().unwrap().0, Dtype::Q4_0);
        assert!(matches!(e[2].content, Err(SkipReason::Integer { .. })));
        assert_eq!(e[3].name, "custom.thing");
        assert!(matches!(
            e[3].content,
            Err(SkipReason::UnsupportedType { .. })
        ));
    }

    #[test]
    fn llama_query_rows_are_unpermuted() {
        let mut w = GgufWriter::default();
        w.kv_str("general.architecture", "llama")
            .kv_u32("llama.attention.head_count", 4)
            .kv_u32("llama.attention.head_count_kv", 2)
            .tensor("blk.0.attn_q.weight", &[32, 16], 0, vec![0; 32 * 16 * 4])
            .tensor("blk.0.attn_k.weight", &[32, 8], 0, vec![0; 32 * 8 * 4])
            .tensor("blk.0.attn_v.weight", &[32, 8], 0, vec![0; 32 * 8 * 4]);
        let e = read(&w.finish()).unwrap();
        let maps: Vec<RowMap> = e
            .iter()
            .map(|e| e.content.as_ref().unwrap().1.row_map)
            .collect();
        assert_eq!(
            maps,
            vec![
                RowMap::Rope { heads: 4 },
                RowMap::Rope { heads: 2 },
                RowMap::Identity
            ]
        );
        assert_eq!(e[0].name, "model.layers.0.self_attn.q_proj.weight");
    }

    #[test]
    fn refuses_bad_files() {
        let mut w = GgufWriter::default();
        w.tensor("t", &[32], 0, vec![0; 128]);
        let good = w.finish();
        assert!(read(&good).is_ok());
        let mut bad = good.clone();
        bad[0] = b'X';
        assert!(matches!(read(&bad), Err(ReadError::BadMagic { .. })));
        let mut bad = good.clone();
        bad[4] = 1;
        assert!(matches!(
            read(&bad),
            Err(ReadError::UnsupportedVersion { version: 1 })
        ));
        // Tensor data cut short.
        assert!(matches!(
            read(&good[..good.len() - 1].to_vec()),
            Err(ReadError::TensorOutOfBounds { .. })
        ));
        // Huge counts are refused before anything is allocated.
        let mut bad = good.clone();
        bad[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(read(&bad), Err(ReadError::LimitExceeded { .. })));
        let mut bad = good.clone();
        bad[8..16].copy_from_slice(&1000u64.to_le_bytes());
        assert!(matches!(
            read(&bad),
            Err(ReadError::LengthExceedsFile { .. })
        ));
        // A Q4_0 row that is not a whole number of blocks.
        let mut w = GgufWriter::default();
        w.tensor("t", &[16], 2, vec![0; 18]);
        assert!(matches!(
            read(&w.finish()),
            Err(ReadError::PartialBlock { .. })
        ));
        // Duplicate names.
        let mut w = GgufWriter::default();
        w.tensor("t", &[8], 0, vec![0; 32])
            .tensor("t", &[8], 0, vec![0; 32]);
        assert!(matches!(
            read(&w.finish()),
            Err(ReadError::DuplicateName { .. })
        ));
        // Arrays nested too deep, unknown value types.
        let mut bytes = b"GGUF".to_vec();
        bytes.extend(3u32.to_le_bytes());
        bytes.extend(0u64.to_le_bytes());
        bytes.extend(1u64.to_le_bytes());
        bytes.extend(1u64.to_le_bytes());
        bytes.push(b'k');
        bytes.extend(9u32.to_le_bytes());
        for _ in 0..5 {
            bytes.extend(9u32.to_le_bytes());
            bytes.extend(1u64.to_le_bytes());
        }
        bytes.extend([0u8; 64]);
        assert!(matches!(read(&bytes), Err(ReadError::LimitExceeded { .. })));
    }

    #[test]
    fn reference_quantisers_round_trip() {
        let vals: Vec<f32> = (0..64)
            .map(|i| ((i * 37 % 64) as f32 - 32.0) / 8.0)
            .collect();
        let q = quantize_q4_0(&vals);
        assert_eq!(q.len(), 36);
        let q8 = quantize_q8_0(&vals);
        assert_eq!(q8.len(), 68);
    }
}
