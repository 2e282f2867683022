//! One tensor's sketch: centring, projection and the similarity estimate
//! (spec/fingerprint.md §2.3–§2.5).
//!
//! The sampled grid values are double-centred (row and column means removed, so that a
//! constant added per row or per column, such as a bias or LayerNorm shift folded into the
//! weights by an exporter, changes nothing), scaled to unit length and projected by a count
//! sketch into `K` buckets with random signs. The inner product of two such projections,
//! divided by their lengths, estimates the Pearson correlation of the two tensors' sampled
//! values: 1 for a copy, about `1 − noise²/2` for a re-encoding or quantisation, near 0 for
//! unrelated weights, with an error that shrinks as the true correlation nears 1.
use half::f16;
use serde::{Deserialize, Serialize};

use crate::grid::{Grid, GridKey};
use crate::rng::{seed, SplitMix64, Stream};
use crate::storage::Dtype;

/// Sketch length used by [`crate::Fingerprint`] (spec/fingerprint.md §2.4 gives the
/// measurements behind this choice).
pub const DEFAULT_K: usize = 256;
/// Shortest sketch accepted when decoding (spec/fingerprint.md §5.3).
pub const MIN_K: usize = 16;
/// Longest sketch accepted when decoding (spec/fingerprint.md §5.3).
pub const MAX_K: usize = 1024;

/// What a tensor is, for the comparison (spec/fingerprint.md §2.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Role {
    /// A weight matrix (or a higher-dimensional weight seen as one): the main evidence.
    Matrix,
    /// A token or position embedding, or an output head over the vocabulary: a matrix whose
    /// row count may change with the vocabulary.
    Embedding,
    /// A one-dimensional weight: bias, normalisation gain or shift. Centred like every
    /// sketch, so that gains near 1 do not look alike; used only to tell quantisation (vectors
    /// untouched) from training (vectors moved).
    Vector,
    /// A fixed table that independently trained models share (rotary frequencies, STFT
    /// bases, masks): sketched, reported, never counted as evidence.
    Buffer,
}

impl Role {
    /// Code in the binary form (spec/fingerprint.md §5.2).
    pub fn code(self) -> u8 {
        match self {
            Role::Matrix => 0,
            Role::Embedding => 1,
            Role::Vector => 2,
            Role::Buffer => 3,
        }
    }

    /// The role of a code.
    pub fn from_code(code: u8) -> Option<Role> {
        [Role::Matrix, Role::Embedding, Role::Vector, Role::Buffer]
            .into_iter()
            .find(|r| r.code() == code)
    }

    /// Whether this role counts as matrix evidence.
    pub fn is_matrix(self) -> bool {
        matches!(self, Role::Matrix | Role::Embedding)
    }
}

/// The sketch of one tensor (spec/fingerprint.md §2.5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TensorSketch {
    /// Canonical name: Hugging Face style where the reader could recover it (GGUF names
    /// mapped, ONNX names recovered from the graph), else the name in the file.
    pub name: String,
    /// Dimensions in PyTorch order (ONNX `MatMul` weights transposed back, GGUF order
    /// reversed).
    pub dims: Vec<u64>,
    /// How the tensor was stored.
    pub dtype: Dtype,
    /// What the tensor is.
    pub role: Role,
    /// Mean of the sampled values (before centring).
    pub mean: f32,
    /// Standard deviation of the sampled values (before centring).
    pub std: f32,
    /// The `K` projection buckets, as binary16.
    #[serde(with = "f16_vec")]
    pub projection: Vec<f16>,
}

impl TensorSketch {
    /// The grid key of this tensor's shape.
    pub fn grid_key(&self) -> Option<GridKey> {
        crate::grid::MatrixShape::of_dims(&self.dims).map(|s| s.grid_key())
    }

    /// Whether two sketches are bit for bit the same sketch of the same shape: what a copy
    /// in the same element type gives (spec/fingerprint.md §6.1).
    pub fn identical(&self, other: &TensorSketch) -> bool {
        self.dims == other.dims
            && self.mean.to_bits() == other.mean.to_bits()
            && self.std.to_bits() == other.std.to_bits()
            && self.projection.len() == other.projection.len()
            && self
                .projection
                .iter()
                .zip(&other.projection)
                .all(|(a, b)| a.to_bits() == b.to_bits())
    }

    /// Estimated Pearson correlation of the two tensors' sampled values, in [−1, 1]
    /// (spec/fingerprint.md §2.5). Sketches of different grid keys or lengths sample different
    /// positions: their estimate is meaningless and 0 is returned.
    pub fn similarity(&self, other: &TensorSketch) -> f64 {
        if self.grid_key() != other.grid_key() {
            return 0.0;
        }
        cosine(&self.projection, &other.projection)
    }
}

/// Cosine of two projections (0 when either is zero or the lengths differ).
pub fn cosine(a: &[f16], b: &[f16]) -> f64 {
    if a.len() != b.len() {
        return 0.0;
    }
    let (mut ab, mut aa, mut bb) = (0f64, 0f64, 0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa <= 0.0 || bb <= 0.0 {
        return 0.0;
    }
    (ab / (aa.sqrt() * bb.sqrt())).clamp(-1.0, 1.0)
}

/// Why sampled values give no sketch (spec/fingerprint.md §2.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoSketch {
    /// A sampled value is NaN or infinite.
    NonFinite,
    /// The sampled values are all equal (after centring nothing is left).
    Constant,
}

/// Mean, standard deviation and projection of a grid's values (spec/fingerprint.md §2.3–§2.5).
pub fn sketch_values(
    values: &[f64],
    grid: &Grid,
    key: GridKey,
    k: usize,
) -> Result<(f32, f32, Vec<f16>), NoSketch> {
    if values.iter().any(|v| !v.is_finite()) {
        return Err(NoSketch::NonFinite);
    }
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    let std = var.sqrt();
    let z = centre(values, grid.rows.len(), grid.col_len as usize);
    let norm = z.iter().map(|v| v * v).sum::<f64>().sqrt();
    // Constant up to rounding: nothing but the mean (or row and column offsets) is left.
    let floor = 1e-9 * (mean.abs() + std) * n.sqrt();
    if norm.partial_cmp(&floor) != Some(std::cmp::Ordering::Greater) || std == 0.0 {
        return Err(NoSketch::Constant);
    }
    let projection = project(&z, norm, key, k)
        .into_iter()
        .map(f16::from_f64)
        .collect();
    Ok((mean as f32, std as f32, projection))
}

/// Removes row and column means from a `rows` × `cols` grid (row-major); a single row or a
/// single column is only centred on its mean (spec/fingerprint.md §2.3).
pub fn centre(values: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let n = values.len().max(1) as f64;
    let grand = values.iter().sum::<f64>() / n;
    if rows < 2 || cols < 2 || rows.saturating_mul(cols) != values.len() {
        return values.iter().map(|v| v - grand).collect();
    }
    let row_mean: Vec<f64> = values
        .chunks(cols)
        .map(|r| r.iter().sum::<f64>() / cols as f64)
        .collect();
    let mut col_mean = vec![0f64; cols];
    for r in values.chunks(cols) {
        for (m, v) in col_mean.iter_mut().zip(r) {
            *m += v;
        }
    }
    for m in &mut col_mean {
        *m /= rows as f64;
    }
    values
        .chunks(cols)
        .zip(&row_mean)
        .flat_map(|(r, rm)| {
            r.iter()
                .zip(&col_mean)
                .map(move |(v, cm)| v - rm - cm + grand)
        })
        .collect()
}

/// Count sketch of `z / norm` into `k` buckets: position `i` draws `u` from the
/// `Projection` stream; its bucket is `((u >> 32) · k) >> 32` and its sign `+` when `u` is
/// odd (spec/fingerprint.md §2.4).
pub fn project(z: &[f64], norm: f64, key: GridKey, k: usize) -> Vec<f64> {
    let mut out = vec![0f64; k];
    let mut g = SplitMix64::new(seed(key.row_bucket, key.cols, Stream::Projection));
    for v in z {
        let u = g.next_u64();
        let bucket = (((u >> 32) * k as u64) >> 32) as usize;
        let x = v / norm;
        if let Some(slot) = out.get_mut(bucket) {
            if u & 1 == 1 {
                *slot += x;
            } else {
                *slot -= x;
            }
        }
    }
    out
}

/// Pearson correlation of two equally long value vectors after [`centre`]: the quantity a
/// sketch similarity estimates (used by the measurements of spec/fingerprint.md §2.4).
pub fn exact_correlation(a: &[f64], b: &[f64], rows: usize, cols: usize) -> f64 {
    let (za, zb) = (centre(a, rows, cols), centre(b, rows, cols));
    let ab: f64 = za.iter().zip(&zb).map(|(x, y)| x * y).sum();
    let aa: f64 = za.iter().map(|x| x * x).sum();
    let bb: f64 = zb.iter().map(|x| x * x).sum();
    if aa <= 0.0 || bb <= 0.0 {
        0.0
    } else {
        ab / (aa * bb).sqrt()
    }
}

mod f16_vec {
    use half::f16;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[f16], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|x| x.to_f32()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f16>, D::Error> {
        let v = Vec::<f32>::deserialize(d)?;
        Ok(v.into_iter().map(f16::from_f32).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::MatrixShape;

    /// A reproducible pseudo-random normal-ish matrix (sum of uniforms).
    fn noise(seed_: u64, n: usize) -> Vec<f64> {
        let mut g = SplitMix64::new(seed_);
        (0..n)
            .map(|_| {
                (0..4)
                    .map(|_| (g.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.5)
                    .sum()
            })
            .collect()
    }

    fn sk(values: &[f64], shape: MatrixShape) -> Vec<f16> {
        let grid = Grid::for_key(shape.grid_key()).unwrap();
        sketch_values(values, &grid, shape.grid_key(), DEFAULT_K)
            .unwrap()
            .2
    }

    #[test]
    fn centring_removes_row_and_column_offsets() {
        let (rows, cols) = (8, 16);
        let base = noise(1, rows * cols);
        let shifted: Vec<f64> = base
            .iter()
            .enumerate()
            .map(|(i, v)| v + (i / cols) as f64 * 3.0 + (i % cols) as f64 * 0.7 + 5.0)
            .collect();
        let (a, b) = (centre(&base, rows, cols), centre(&shifted, rows, cols));
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-9);
        }
        assert!((exact_correlation(&base, &shifted, rows, cols) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn similarity_tracks_correlation() {
        let shape = MatrixShape { rows: 64, cols: 64 };
        let a = noise(1, 4096);
        let unrelated = noise(2, 4096);
        let scaled: Vec<f64> = a.iter().map(|v| v * 3.0).collect();
        let noisy: Vec<f64> = a.iter().zip(&unrelated).map(|(x, y)| x + 0.1 * y).collect();
        let (sa, ss, sn, su) = (
            sk(&a, shape),
            sk(&scaled, shape),
            sk(&noisy, shape),
            sk(&unrelated, shape),
        );
        assert!(cosine(&sa, &ss) > 0.999_99, "scale invariant");
        let exact = exact_correlation(&a, &noisy, 64, 64);
        let est = cosine(&sa, &sn);
        assert!((est - exact).abs() < 0.01, "{est} vs {exact}");
        assert!(cosine(&sa, &su).abs() < 0.4);
        assert!((cosine(&sa, &sa) - 1.0).abs() < 1e-12);
        assert_eq!(cosine(&sa, &sa[..10]), 0.0);
    }

    #[test]
    fn constant_and_non_finite_values_give_no_sketch() {
        let shape = MatrixShape { rows: 1, cols: 100 };
        let grid = Grid::for_key(shape.grid_key()).unwrap();
        assert_eq!(
            sketch_values(&[1.0; 100], &grid, shape.grid_key(), 64),
            Err(NoSketch::Constant)
        );
        let mut v = noise(3, 100);
        v[7] = f64::NAN;
        assert_eq!(
            sketch_values(&v, &grid, shape.grid_key(), 64),
            Err(NoSketch::NonFinite)
        );
        // A matrix that is only row plus column offsets is constant after centring.
        let shape = MatrixShape { rows: 4, cols: 8 };
        let grid = Grid::for_key(shape.grid_key()).unwrap();
        let v: Vec<f64> = (0..32)
            .map(|i| (i / 8) as f64 + (i % 8) as f64 * 2.0)
            .collect();
        assert_eq!(
            sketch_values(&v, &grid, shape.grid_key(), 64),
            Err(NoSketch::Constant)
        );
    }
}
