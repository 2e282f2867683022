//! The stored form of a fingerprint: a compact binary encoding, and its base64 text carried as
//! a CycloneDX property (spec/fingerprint.md §5).
use base64::Engine as _;
use half::f16;

use crate::entry::{MAX_DIMS, MAX_NAME_BYTES, MAX_TENSORS};
use crate::error::DecodeError;
use crate::fingerprint::Fingerprint;
use crate::sketch::{Role, TensorSketch, MAX_K, MIN_K};
use crate::storage::Dtype;

/// The four bytes every encoded fingerprint starts with.
pub const MAGIC: &[u8; 4] = b"SCFP";
/// The format version written and read (spec/fingerprint.md §5.2).
pub const VERSION: u8 = 1;
/// The CycloneDX property that carries a weight file's fingerprint on its component
/// (spec/fingerprint.md §5.4).
pub const BOM_PROPERTY: &str = "sceau:weights.fingerprint";
/// Longest property value decoded, in characters (spec/fingerprint.md §5.3).
pub const MAX_BOM_VALUE_BYTES: usize = 64 << 20;

impl Fingerprint {
    /// The binary form (spec/fingerprint.md §5.2): `SCFP`, version, `K`, tensor count, then
    /// per tensor its name, dtype, role, dimensions, mean, standard deviation and `K`
    /// binary16 buckets, all little-endian, tensors in name order. Skipped tensors are not
    /// encoded.
    pub fn encode(&self) -> Vec<u8> {
        let k = usize::from(self.k);
        let mut out = Vec::with_capacity(11 + self.tensors.len() * (40 + 2 * k));
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&self.k.to_le_bytes());
        out.extend_from_slice(&(self.tensors.len() as u32).to_le_bytes());
        for t in &self.tensors {
            out.extend_from_slice(&(t.name.len() as u16).to_le_bytes());
            out.extend_from_slice(t.name.as_bytes());
            out.push(t.dtype.code());
            out.push(t.role.code());
            out.push(t.dims.len() as u8);
            for d in &t.dims {
                out.extend_from_slice(&d.to_le_bytes());
            }
            out.extend_from_slice(&t.mean.to_le_bytes());
            out.extend_from_slice(&t.std.to_le_bytes());
            for p in &t.projection {
                out.extend_from_slice(&p.to_bits().to_le_bytes());
            }
        }
        out
    }

    /// Decodes the binary form, refusing anything [`Fingerprint::encode`] would not write
    /// (spec/fingerprint.md §5.3).
    pub fn decode(bytes: &[u8]) -> Result<Fingerprint, DecodeError> {
        let mut r = Reader { b: bytes, pos: 0 };
        if r.take(4, "magic")? != MAGIC {
            return Err(DecodeError::BadMagic);
        }
        let version = r.u8("version")?;
        if version != VERSION {
            return Err(DecodeError::UnsupportedVersion {
                found: version,
                supported: VERSION,
            });
        }
        let k = r.u16("K")?;
        range("K", u64::from(k), MIN_K as u64, MAX_K as u64)?;
        let count = r.u32("tensor count")?;
        range("tensor count", u64::from(count), 0, MAX_TENSORS)?;
        // Smallest tensor record: empty name, codes, no dims, stats, buckets.
        let min = 2 + 3 + 8 + 2 * u64::from(k);
        let remaining = (bytes.len() - r.pos) as u64;
        if u64::from(count) * min > remaining {
            return Err(DecodeError::Truncated {
                what: "tensors",
                offset: r.pos,
            });
        }
        let mut tensors: Vec<TensorSketch> = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let len = r.u16("name length")?;
            range("name length", u64::from(len), 0, MAX_NAME_BYTES as u64)?;
            let at = r.pos;
            let name = std::str::from_utf8(r.take(usize::from(len), "name")?)
                .map_err(|_| DecodeError::InvalidUtf8 { offset: at })?
                .to_owned();
            if tensors.last().is_some_and(|p| p.name >= name) {
                return Err(DecodeError::NotCanonical { name });
            }
            let code = r.u8("dtype")?;
            let dtype = Dtype::from_code(code).ok_or(DecodeError::UnknownCode {
                what: "dtype",
                code,
            })?;
            let code = r.u8("role")?;
            let role =
                Role::from_code(code).ok_or(DecodeError::UnknownCode { what: "role", code })?;
            let nd = r.u8("dimension count")?;
            range("dimension count", u64::from(nd), 0, MAX_DIMS as u64)?;
            let mut dims = Vec::with_capacity(usize::from(nd));
            for _ in 0..nd {
                dims.push(r.u64("dimension")?);
            }
            let mean = f32::from_bits(r.u32("mean")?);
            let std = f32::from_bits(r.u32("std")?);
            for (what, v) in [("mean", mean), ("std", std)] {
                if !v.is_finite() {
                    return Err(DecodeError::NonFinite { what, tensor: name });
                }
            }
            let mut projection = Vec::with_capacity(usize::from(k));
            for _ in 0..k {
                let p = f16::from_bits(r.u16("projection")?);
                if !p.is_finite() {
                    return Err(DecodeError::NonFinite {
                        what: "projection",
                        tensor: name,
                    });
                }
                projection.push(p);
            }
            tensors.push(TensorSketch {
                name,
                dims,
                dtype,
                role,
                mean,
                std,
                projection,
            });
        }
        if r.pos != bytes.len() {
            return Err(DecodeError::TrailingBytes {
                extra: bytes.len() - r.pos,
            });
        }
        Ok(Fingerprint {
            k,
            tensors,
            skipped: Vec::new(),
        })
    }

    /// The value of the [`BOM_PROPERTY`] property: the binary form in base64 (RFC 4648,
    /// standard alphabet, padded) (spec/fingerprint.md §5.4).
    pub fn to_bom_value(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.encode())
    }

    /// Reads a [`BOM_PROPERTY`] value back (spec/fingerprint.md §5.3–§5.4).
    pub fn from_bom_value(value: &str) -> Result<Fingerprint, DecodeError> {
        if value.len() > MAX_BOM_VALUE_BYTES {
            return Err(DecodeError::OutOfRange {
                what: "property value length",
                value: value.len() as u64,
                min: 0,
                max: MAX_BOM_VALUE_BYTES as u64,
            });
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value)
            .map_err(|_| DecodeError::Base64)?;
        Fingerprint::decode(&bytes)
    }
}

fn range(what: &'static str, value: u64, min: u64, max: u64) -> Result<(), DecodeError> {
    if value < min || value > max {
        return Err(DecodeError::OutOfRange {
            what,
            value,
            min,
            max,
        });
    }
    Ok(())
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or(DecodeError::Truncated {
                what,
                offset: self.pos,
            })?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        let s = self.take(2, what)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let s = self.take(4, what)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        let s = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_fp() -> Fingerprint {
        let t = |name: &str, dims: Vec<u64>, role| TensorSketch {
            name: name.into(),
            dims,
            dtype: Dtype::BF16,
            role,
            mean: 0.01,
            std: 0.5,
            projection: (0..32)
                .map(|i| f16::from_f32(i as f32 / 7.0 - 2.0))
                .collect(),
        };
        Fingerprint {
            k: 32,
            tensors: vec![
                t("a.weight", vec![384, 384], Role::Matrix),
                t("b.bias", vec![384], Role::Vector),
                t("c", vec![2, 3, 4, 5], Role::Embedding),
            ],
            skipped: Vec::new(),
        }
    }

    #[test]
    fn round_trips() {
        let fp = sample_fp();
        let bytes = fp.encode();
        assert_eq!(&bytes[..5], b"SCFP\x01");
        assert_eq!(Fingerprint::decode(&bytes).unwrap(), fp);
        let v = fp.to_bom_value();
        assert_eq!(Fingerprint::from_bom_value(&v).unwrap(), fp);
        // Every prefix is refused, never a panic.
        for n in 0..bytes.len() {
            assert!(Fingerprint::decode(&bytes[..n]).is_err(), "{n}");
        }
    }

    #[test]
    fn refuses_non_canonical_data() {
        let fp = sample_fp();
        let mut bytes = fp.encode();
        bytes.push(0);
        assert!(matches!(
            Fingerprint::decode(&bytes),
            Err(DecodeError::TrailingBytes { extra: 1 })
        ));
        let mut bytes = fp.encode();
        bytes[4] = 2;
        assert!(matches!(
            Fingerprint::decode(&bytes),
            Err(DecodeError::UnsupportedVersion { found: 2, .. })
        ));
        let mut bytes = fp.encode();
        bytes[0] = b'X';
        assert_eq!(Fingerprint::decode(&bytes), Err(DecodeError::BadMagic));
        let mut swapped = fp.clone();
        swapped.tensors.swap(0, 1);
        assert!(matches!(
            Fingerprint::decode(&swapped.encode()),
            Err(DecodeError::NotCanonical { .. })
        ));
        let mut nan = fp.clone();
        nan.tensors[0].projection[3] = f16::NAN;
        assert!(matches!(
            Fingerprint::decode(&nan.encode()),
            Err(DecodeError::NonFinite { .. })
        ));
        let mut huge = fp.encode();
        huge[7..11].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            Fingerprint::decode(&huge),
            Err(DecodeError::OutOfRange { .. })
        ));
        let mut many = fp.encode();
        many[7..11].copy_from_slice(&1000u32.to_le_bytes());
        assert!(matches!(
            Fingerprint::decode(&many),
            Err(DecodeError::Truncated { .. })
        ));
        assert_eq!(
            Fingerprint::from_bom_value("not base64!"),
            Err(DecodeError::Base64)
        );
    }
}
