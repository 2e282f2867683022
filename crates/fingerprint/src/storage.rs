//! Where a tensor's elements lie in a file and how to decode them; reading only the sampled
//! ones (spec/fingerprint.md §3).
//!
//! A reader describes each tensor as a [`Storage`]: a row-major matrix of `storage_rows` ×
//! `storage_cols` elements in some [`Encoding`] starting at a byte offset, possibly transposed
//! with respect to the canonical orientation, possibly with its rows permuted (llama.cpp's
//! rotary layout) and possibly dequantised with per-tensor, per-row or per-column scales. The
//! sampler turns the grid's canonical positions into byte ranges, merges nearby ranges, reads
//! them with positioned reads and decodes just those elements.
use std::fmt;
use std::io;

use serde::{Deserialize, Serialize};

use crate::grid::{Grid, MatrixShape};
use crate::source::ReadAt;

/// Two byte ranges closer than this are read as one (spec/fingerprint.md §3.3).
pub const MERGE_GAP: u64 = 4096;
/// Longest single read (spec/fingerprint.md §3.3).
pub const MAX_READ: u64 = 1 << 20;
/// Elements per block of the ggml block formats read here.
pub const GGML_BLOCK: u64 = 32;

/// The element type a tensor is stored in, as recorded in a fingerprint
/// (spec/fingerprint.md §5.2, one byte in the binary form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Dtype {
    /// IEEE binary64.
    F64,
    /// IEEE binary32.
    F32,
    /// IEEE binary16.
    F16,
    /// bfloat16.
    BF16,
    /// Signed 8-bit integers with a scale (and zero point): ONNX weight-only quantisation.
    I8,
    /// Unsigned 8-bit integers with a scale and zero point: ONNX weight-only quantisation.
    U8,
    /// ggml `Q8_0`: blocks of 32 signed bytes with one binary16 scale.
    Q8_0,
    /// ggml `Q4_0`: blocks of 32 4-bit values with one binary16 scale.
    Q4_0,
    /// ggml `Q4_1`: blocks of 32 4-bit values with a binary16 scale and minimum.
    Q4_1,
}

impl Dtype {
    /// Every dtype, in code order.
    pub const ALL: [Dtype; 9] = [
        Dtype::F64,
        Dtype::F32,
        Dtype::F16,
        Dtype::BF16,
        Dtype::I8,
        Dtype::U8,
        Dtype::Q8_0,
        Dtype::Q4_0,
        Dtype::Q4_1,
    ];

    /// Its code in the binary form (spec/fingerprint.md §5.2).
    pub fn code(self) -> u8 {
        match self {
            Dtype::F64 => 1,
            Dtype::F32 => 2,
            Dtype::F16 => 3,
            Dtype::BF16 => 4,
            Dtype::I8 => 5,
            Dtype::U8 => 6,
            Dtype::Q8_0 => 7,
            Dtype::Q4_0 => 8,
            Dtype::Q4_1 => 9,
        }
    }

    /// The dtype of a code, `None` for an unknown code.
    pub fn from_code(code: u8) -> Option<Dtype> {
        Dtype::ALL.into_iter().find(|d| d.code() == code)
    }

    /// Whether values are integers scaled back to reals: a quantised encoding
    /// (spec/fingerprint.md §6.3).
    pub fn is_quantized(self) -> bool {
        !matches!(self, Dtype::F64 | Dtype::F32 | Dtype::F16 | Dtype::BF16)
    }

    /// Bits of mantissa precision, to tell a narrowing re-encoding (F32 → F16) from a widening
    /// one; quantised encodings count as 8 or 4.
    pub fn precision_bits(self) -> u32 {
        match self {
            Dtype::F64 => 53,
            Dtype::F32 => 24,
            Dtype::F16 => 11,
            Dtype::BF16 => 8,
            Dtype::I8 | Dtype::U8 | Dtype::Q8_0 => 8,
            Dtype::Q4_0 | Dtype::Q4_1 => 4,
        }
    }

    /// The name printed in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Dtype::F64 => "F64",
            Dtype::F32 => "F32",
            Dtype::F16 => "F16",
            Dtype::BF16 => "BF16",
            Dtype::I8 => "I8",
            Dtype::U8 => "U8",
            Dtype::Q8_0 => "Q8_0",
            Dtype::Q4_0 => "Q4_0",
            Dtype::Q4_1 => "Q4_1",
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How elements are laid out in bytes (little-endian throughout).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// 8-byte floats.
    F64,
    /// 4-byte floats.
    F32,
    /// 2-byte IEEE half floats.
    F16,
    /// 2-byte bfloat16.
    BF16,
    /// Signed bytes (dequantised with [`Dequant`]).
    I8,
    /// Unsigned bytes (dequantised with [`Dequant`]).
    U8,
    /// ggml `Q8_0` blocks: `f16 d`, `i8 q[32]`; value `d·q` (34 bytes).
    Q8_0,
    /// ggml `Q4_0` blocks: `f16 d`, `u8 qs[16]`; element `j` is the low nibble of `qs[j]`
    /// for `j < 16`, else the high nibble of `qs[j − 16]`; value `d·(q − 8)` (18 bytes).
    Q4_0,
    /// ggml `Q4_1` blocks: `f16 d`, `f16 m`, `u8 qs[16]`; nibbles as `Q4_0`; value `d·q + m`
    /// (20 bytes).
    Q4_1,
}

impl Encoding {
    /// Elements per unit and bytes per unit (a unit is one element or one block).
    pub fn unit(self) -> (u64, u64) {
        match self {
            Encoding::F64 => (1, 8),
            Encoding::F32 => (1, 4),
            Encoding::F16 | Encoding::BF16 => (1, 2),
            Encoding::I8 | Encoding::U8 => (1, 1),
            Encoding::Q8_0 => (GGML_BLOCK, 34),
            Encoding::Q4_0 => (GGML_BLOCK, 18),
            Encoding::Q4_1 => (GGML_BLOCK, 20),
        }
    }

    /// Bytes taken by `elements` elements, `None` on overflow or when `elements` is not a
    /// whole number of blocks.
    pub fn bytes_for(self, elements: u64) -> Option<u64> {
        let (per, bytes) = self.unit();
        if !elements.is_multiple_of(per) {
            return None;
        }
        (elements / per).checked_mul(bytes)
    }

    /// Decodes element `index` of the unit `b` (which holds exactly one unit).
    fn decode(self, b: &[u8], index: usize) -> f64 {
        let f16 = |i: usize| f64::from(half::f16::from_bits(u16::from_le_bytes([b[i], b[i + 1]])));
        match self {
            Encoding::F64 => f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
            Encoding::F32 => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            Encoding::F16 => f16(0),
            Encoding::BF16 => f64::from(half::bf16::from_bits(u16::from_le_bytes([b[0], b[1]]))),
            Encoding::I8 => f64::from(b[0] as i8),
            Encoding::U8 => f64::from(b[0]),
            Encoding::Q8_0 => f16(0) * f64::from(b[2 + index] as i8),
            Encoding::Q4_0 => f16(0) * (f64::from(nibble(&b[2..18], index)) - 8.0),
            Encoding::Q4_1 => f16(0) * f64::from(nibble(&b[4..20], index)) + f16(2),
        }
    }
}

fn nibble(qs: &[u8], j: usize) -> u8 {
    if j < 16 {
        qs[j] & 0x0F
    } else {
        qs[j - 16] >> 4
    }
}

/// Which storage index a per-channel scale or zero point follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// One value for the whole tensor.
    Tensor,
    /// One value per storage row.
    Row,
    /// One value per storage column.
    Col,
}

/// Integer-to-real mapping of weight-only quantisation: `(q − zero) · scale`
/// (spec/fingerprint.md §4.4.3).
#[derive(Clone, Debug, PartialEq)]
pub struct Dequant {
    /// What `scale` is indexed by.
    pub scale_axis: Axis,
    /// Scales (one, or one per row or column).
    pub scale: Vec<f32>,
    /// What `zero` is indexed by.
    pub zero_axis: Axis,
    /// Zero points (empty: zero).
    pub zero: Vec<i32>,
}

impl Dequant {
    fn pick<T: Copy>(axis: Axis, v: &[T], row: u64, col: u64) -> Option<T> {
        let i = match axis {
            Axis::Tensor => 0,
            Axis::Row => row,
            Axis::Col => col,
        };
        v.get(usize::try_from(i).ok()?).copied()
    }

    fn apply(&self, q: f64, row: u64, col: u64) -> f64 {
        let zero = if self.zero.is_empty() {
            0
        } else {
            Self::pick(self.zero_axis, &self.zero, row, col).unwrap_or(0)
        };
        let scale = Self::pick(self.scale_axis, &self.scale, row, col).unwrap_or(f32::NAN);
        (q - f64::from(zero)) * f64::from(scale)
    }

    /// Whether the vectors have the lengths their axes need for a storage matrix of
    /// `rows` × `cols`.
    pub fn fits(&self, rows: u64, cols: u64) -> bool {
        let need = |axis| match axis {
            Axis::Tensor => 1,
            Axis::Row => rows,
            Axis::Col => cols,
        };
        self.scale.len() as u64 == need(self.scale_axis)
            && (self.zero.is_empty() || self.zero.len() as u64 == need(self.zero_axis))
    }
}

/// How canonical rows map to stored rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowMap {
    /// Row `r` is stored as row `r`.
    Identity,
    /// llama.cpp's conversion interleaves the two halves of every attention head of the query
    /// and key projections (for its rotary kernels); canonical (Hugging Face) row
    /// `h·d + j·d/2 + i` is stored as row `h·d + 2i + j`, with `d` = rows / `heads`
    /// (spec/fingerprint.md §4.3.2).
    Rope {
        /// Number of heads the rows are split in.
        heads: u64,
    },
}

impl RowMap {
    fn map(self, r: u64, rows: u64) -> u64 {
        match self {
            RowMap::Identity => r,
            RowMap::Rope { heads } => {
                let d = rows / heads.max(1);
                let half = d / 2;
                if half == 0 {
                    return r;
                }
                let (h, rem) = (r / d, r % d);
                let (j, i) = (rem / half, rem % half);
                h * d + 2 * i + j
            }
        }
    }
}

/// Where and how one tensor is stored (spec/fingerprint.md §3.1).
#[derive(Clone, Debug, PartialEq)]
pub struct Storage {
    /// Which byte source holds it: 0 for the weight file itself, `n` for the `n`-th external
    /// data file of an ONNX model.
    pub source: usize,
    /// Absolute byte offset of the first element (or block).
    pub offset: u64,
    /// Element encoding.
    pub encoding: Encoding,
    /// Stored rows (row-major).
    pub storage_rows: u64,
    /// Stored columns.
    pub storage_cols: u64,
    /// Whether the stored matrix is the transpose of the canonical one (ONNX `MatMul`
    /// weights are stored `[in, out]`, PyTorch's `Linear` as `[out, in]`).
    pub transposed: bool,
    /// Row permutation applied by the writer.
    pub row_map: RowMap,
    /// Integer-to-real mapping, for `I8` and `U8`.
    pub dequant: Option<Dequant>,
}

impl Storage {
    /// The canonical matrix shape of this storage.
    pub fn canonical_shape(&self) -> MatrixShape {
        if self.transposed {
            MatrixShape {
                rows: self.storage_cols,
                cols: self.storage_rows,
            }
        } else {
            MatrixShape {
                rows: self.storage_rows,
                cols: self.storage_cols,
            }
        }
    }
}

/// Why sampled elements could not be read (spec/fingerprint.md §3.3).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SampleError {
    /// The bytes of the sampled elements could not be read.
    #[error("reading {len} bytes at offset {offset} failed: {source}")]
    Io {
        /// Where the read started.
        offset: u64,
        /// How many bytes it asked for.
        len: u64,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A position or byte offset overflows 64 bits (the reader's checks make this
    /// unreachable for a consistent [`Storage`]).
    #[error("a sampled position overflows 64 bits")]
    Overflow,
    /// No byte source with this index was given.
    #[error("no byte source {0}")]
    MissingSource(usize),
}

/// One element to read: where its unit starts, which element of the unit, and where it goes.
struct Want {
    byte: u64,
    index: usize,
    slot: usize,
    srow: u64,
    scol: u64,
}

/// Reads the grid's elements of a tensor, in grid order (row by row), as `f64`.
/// Only the units holding sampled elements are read (spec/fingerprint.md §3.3).
pub fn sample(
    storage: &Storage,
    sources: &[&dyn ReadAt],
    grid: &Grid,
) -> Result<Vec<f64>, SampleError> {
    let src = *sources
        .get(storage.source)
        .ok_or(SampleError::MissingSource(storage.source))?;
    let canonical = storage.canonical_shape();
    let (per, unit_bytes) = storage.encoding.unit();
    let units_per_row = storage.storage_cols / per;
    let mut wants = Vec::with_capacity(grid.len());
    for &r in &grid.rows {
        for c in grid.col_start..grid.col_start + grid.col_len {
            let (srow, scol) = if storage.transposed {
                (c, r)
            } else {
                (storage.row_map.map(r, canonical.rows), c)
            };
            let unit = srow
                .checked_mul(units_per_row)
                .and_then(|u| u.checked_add(scol / per))
                .ok_or(SampleError::Overflow)?;
            let byte = unit
                .checked_mul(unit_bytes)
                .and_then(|b| b.checked_add(storage.offset))
                .ok_or(SampleError::Overflow)?;
            wants.push(Want {
                byte,
                index: (scol % per) as usize,
                slot: wants.len(),
                srow,
                scol,
            });
        }
    }
    wants.sort_by_key(|w| w.byte);
    let mut out = vec![0f64; wants.len()];
    let mut buf = Vec::new();
    let mut i = 0;
    while i < wants.len() {
        // One run: following wants whose units start within MERGE_GAP of the previous unit's
        // end, up to MAX_READ bytes.
        let start = wants[i].byte;
        let mut end = start.saturating_add(unit_bytes);
        let mut j = i + 1;
        while j < wants.len() {
            let b = wants[j].byte;
            let new_end = b.saturating_add(unit_bytes).max(end);
            if b > end.saturating_add(MERGE_GAP) || new_end - start > MAX_READ {
                break;
            }
            end = new_end;
            j += 1;
        }
        let len = end - start;
        buf.resize(len as usize, 0);
        src.read_exact_at(start, &mut buf)
            .map_err(|source| SampleError::Io {
                offset: start,
                len,
                source,
            })?;
        for w in &wants[i..j] {
            let at = (w.byte - start) as usize;
            let unit = &buf[at..at + unit_bytes as usize];
            let mut v = storage.encoding.decode(unit, w.index);
            if let Some(dq) = &storage.dequant {
                v = dq.apply(v, w.srow, w.scol);
            }
            out[w.slot] = v;
        }
        i = j;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::GridKey;

    fn f32_storage(rows: u64, cols: u64, transposed: bool) -> Storage {
        Storage {
            source: 0,
            offset: 8,
            encoding: Encoding::F32,
            storage_rows: rows,
            storage_cols: cols,
            transposed,
            row_map: RowMap::Identity,
            dequant: None,
        }
    }

    /// A matrix whose element (r, c) is r·1000 + c, stored after 8 bytes of padding.
    fn matrix(rows: u64, cols: u64, transposed: bool) -> Vec<u8> {
        let mut out = vec![0u8; 8];
        let (sr, sc) = if transposed {
            (cols, rows)
        } else {
            (rows, cols)
        };
        for i in 0..sr {
            for j in 0..sc {
                let (r, c) = if transposed { (j, i) } else { (i, j) };
                out.extend_from_slice(&((r * 1000 + c) as f32).to_le_bytes());
            }
        }
        out
    }

    #[test]
    fn reads_the_grid_in_both_layouts() {
        let shape = MatrixShape {
            rows: 200,
            cols: 100,
        };
        let grid = Grid::for_key(shape.grid_key()).unwrap();
        for transposed in [false, true] {
            let data = matrix(200, 100, transposed);
            let st = f32_storage(
                if transposed { 100 } else { 200 },
                if transposed { 200 } else { 100 },
                transposed,
            );
            assert_eq!(st.canonical_shape(), shape);
            let v = sample(&st, &[&data], &grid).unwrap();
            let mut k = 0;
            for &r in &grid.rows {
                for c in grid.col_start..grid.col_start + grid.col_len {
                    assert_eq!(v[k], (r * 1000 + c) as f64, "{transposed} {r} {c}");
                    k += 1;
                }
            }
        }
    }

    #[test]
    fn reads_little_of_a_large_tensor() {
        // A source that counts the bytes it serves.
        struct Counting(Vec<u8>, std::cell::Cell<u64>);
        impl ReadAt for Counting {
            fn len(&self) -> u64 {
                self.0.len() as u64
            }
            fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
                self.1.set(self.1.get() + buf.len() as u64);
                self.0.read_exact_at(offset, buf)
            }
        }
        let data = Counting(matrix(4096, 1024, false), 0.into());
        let st = f32_storage(4096, 1024, false);
        let grid = Grid::for_key(st.canonical_shape().grid_key()).unwrap();
        sample(&st, &[&data], &grid).unwrap();
        let read = data.1.get();
        assert!(read >= 4096 * 4, "{read}");
        assert!(
            read < data.0.len() as u64 / 50,
            "{read} of {}",
            data.0.len()
        );
    }

    #[test]
    fn decodes_ggml_blocks() {
        // Q4_0: d = 0.5, nibbles 0..15 low then high.
        let mut q40 = half::f16::from_f32(0.5).to_le_bytes().to_vec();
        q40.extend((0u8..16).map(|j| j | ((15 - j) << 4)));
        assert_eq!(Encoding::Q4_0.decode(&q40, 0), -4.0);
        assert_eq!(Encoding::Q4_0.decode(&q40, 15), 3.5);
        assert_eq!(Encoding::Q4_0.decode(&q40, 16), 3.5);
        assert_eq!(Encoding::Q4_0.decode(&q40, 31), -4.0);
        // Q4_1: d = 2, m = -1.
        let mut q41 = half::f16::from_f32(2.0).to_le_bytes().to_vec();
        q41.extend(half::f16::from_f32(-1.0).to_le_bytes());
        q41.extend((0u8..16).map(|j| j | (j << 4)));
        assert_eq!(Encoding::Q4_1.decode(&q41, 3), 5.0);
        assert_eq!(Encoding::Q4_1.decode(&q41, 19), 5.0);
        // Q8_0: d = 0.25.
        let mut q80 = half::f16::from_f32(0.25).to_le_bytes().to_vec();
        q80.extend((0..32).map(|j: i8| (j - 16) as u8));
        assert_eq!(Encoding::Q8_0.decode(&q80, 0), -4.0);
        assert_eq!(Encoding::Q8_0.decode(&q80, 31), 3.75);
        assert_eq!(
            Encoding::BF16.decode(&half::bf16::from_f32(1.5).to_le_bytes(), 0),
            1.5
        );
        assert_eq!(
            Encoding::F16.decode(&half::f16::from_f32(-2.0).to_le_bytes(), 0),
            -2.0
        );
        assert_eq!(Encoding::Q4_0.bytes_for(64), Some(36));
        assert_eq!(Encoding::Q4_0.bytes_for(33), None);
        assert_eq!(Encoding::F32.bytes_for(u64::MAX), None);
    }

    #[test]
    fn dequantises_per_row_and_column() {
        let data: Vec<u8> = vec![1, 2, 3, 4, 5, 6];
        let mut st = Storage {
            source: 0,
            offset: 0,
            encoding: Encoding::U8,
            storage_rows: 2,
            storage_cols: 3,
            transposed: false,
            row_map: RowMap::Identity,
            dequant: Some(Dequant {
                scale_axis: Axis::Row,
                scale: vec![1.0, 10.0],
                zero_axis: Axis::Tensor,
                zero: vec![1],
            }),
        };
        let grid = Grid::for_key(GridKey {
            row_bucket: 2,
            cols: 3,
        })
        .unwrap();
        assert_eq!(
            sample(&st, &[&data], &grid).unwrap(),
            vec![0.0, 1.0, 2.0, 30.0, 40.0, 50.0]
        );
        st.dequant = Some(Dequant {
            scale_axis: Axis::Col,
            scale: vec![1.0, 2.0, 3.0],
            zero_axis: Axis::Col,
            zero: vec![0, 1, 2],
        });
        assert!(st.dequant.as_ref().unwrap().fits(2, 3));
        assert_eq!(
            sample(&st, &[&data], &grid).unwrap(),
            vec![1.0, 2.0, 3.0, 4.0, 8.0, 12.0]
        );
    }

    #[test]
    fn rope_map_inverts_llama_cpp_permutation() {
        // llama.cpp: w.reshape(heads, 2, d/2, ...).swapaxes(1, 2).reshape(...): stored row
        // (h, i, j) holds canonical row (h, j, i).
        let (heads, d) = (2u64, 8u64);
        let rows = heads * d;
        let mut stored_of = vec![0u64; rows as usize];
        for h in 0..heads {
            for i in 0..d / 2 {
                for j in 0..2 {
                    let stored = h * d + i * 2 + j;
                    let canonical = h * d + j * (d / 2) + i;
                    stored_of[canonical as usize] = stored;
                }
            }
        }
        for r in 0..rows {
            assert_eq!(RowMap::Rope { heads }.map(r, rows), stored_of[r as usize]);
        }
    }

    #[test]
    fn short_source_is_an_io_error() {
        let data = matrix(10, 10, false);
        let st = f32_storage(20, 10, false);
        let grid = Grid::for_key(st.canonical_shape().grid_key()).unwrap();
        assert!(matches!(
            sample(&st, &[&data], &grid),
            Err(SampleError::Io { .. })
        ));
        assert!(matches!(
            sample(&st, &[], &grid),
            Err(SampleError::MissingSource(0))
        ));
    }
}
