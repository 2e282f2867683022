//! Writers of small weight files, for tests, fuzz seeds and benchmarks (spec/fingerprint.md
//! §8). They write valid files of each format from values held in memory; they are not meant
//! for production use (no streaming, no alignment tuning).
use crate::rng::SplitMix64;

/// One tensor to write: name, dimensions (PyTorch order) and row-major `f32` values.
#[derive(Clone, Debug)]
pub struct Tensor {
    /// Name.
    pub name: String,
    /// Dimensions, PyTorch order.
    pub dims: Vec<u64>,
    /// Values, row-major.
    pub values: Vec<f32>,
}

impl Tensor {
    /// A tensor.
    pub fn new(name: &str, dims: &[u64], values: Vec<f32>) -> Tensor {
        Tensor {
            name: name.into(),
            dims: dims.to_vec(),
            values,
        }
    }

    /// Rows and columns of the canonical matrix view.
    pub fn rows_cols(&self) -> (usize, usize) {
        let rows = if self.dims.len() >= 2 {
            self.dims[0] as usize
        } else {
            1
        };
        (rows, self.values.len() / rows.max(1))
    }

    /// The values transposed (`[cols, rows]`, row-major).
    pub fn transposed(&self) -> Vec<f32> {
        let (r, c) = self.rows_cols();
        let mut out = vec![0f32; self.values.len()];
        for i in 0..r {
            for j in 0..c {
                out[j * r + i] = self.values[i * c + j];
            }
        }
        out
    }
}

/// Element types the safetensors writer can store `f32` values as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StDtype {
    /// F32.
    F32,
    /// F16 (rounded to nearest).
    F16,
    /// BF16 (rounded to nearest).
    BF16,
}

/// A safetensors file holding `tensors` in `dtype` (header padded to 8 bytes).
pub fn safetensors(tensors: &[Tensor], dtype: StDtype) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    let mut data = Vec::new();
    for t in tensors {
        let begin = data.len();
        for v in &t.values {
            match dtype {
                StDtype::F32 => data.extend(v.to_le_bytes()),
                StDtype::F16 => data.extend(half::f16::from_f32(*v).to_le_bytes()),
                StDtype::BF16 => data.extend(half::bf16::from_f32(*v).to_le_bytes()),
            }
        }
        let name = match dtype {
            StDtype::F32 => "F32",
            StDtype::F16 => "F16",
            StDtype::BF16 => "BF16",
        };
        header.insert(
            t.name.clone(),
            serde_json::json!({"dtype": name, "shape": t.dims, "data_offsets": [begin, data.len()]}),
        );
    }
    raw_safetensors(serde_json::Value::Object(header), &data)
}

/// A safetensors file from a header object and a data section.
pub fn raw_safetensors(header: serde_json::Value, data: &[u8]) -> Vec<u8> {
    let mut h = header.to_string().into_bytes();
    while !h.len().is_multiple_of(8) {
        h.push(b' ');
    }
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend(h);
    out.extend_from_slice(data);
    out
}

/// Reproducible roughly normal values (sum of four uniforms, scaled to standard deviation
/// `std`) from `seed`.
pub fn normal(seed: u64, n: usize, std: f32) -> Vec<f32> {
    let mut g = SplitMix64::new(seed);
    let k = std * (12f32 / 4.0).sqrt();
    (0..n)
        .map(|_| {
            let s: f64 = (0..4)
                .map(|_| (g.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.5)
                .sum();
            s as f32 * k
        })
        .collect()
}

/// A small BERT-shaped model (embeddings, `layers` encoder layers, LayerNorms with gains near
/// 1, a `position_ids` buffer written as F32 so that it is sketched and flagged) from `seed`:
/// two seeds give two unrelated models with the same architecture.
pub fn bert_like(seed: u64, layers: usize, hidden: u64, vocab: u64) -> Vec<Tensor> {
    let ffn = hidden * 4;
    let mut s = seed.wrapping_mul(1_000_003);
    let mut next = || {
        s = s.wrapping_add(1);
        s
    };
    let mut out = vec![
        Tensor::new(
            "embeddings.word_embeddings.weight",
            &[vocab, hidden],
            normal(next(), (vocab * hidden) as usize, 0.05),
        ),
        Tensor::new(
            "embeddings.position_embeddings.weight",
            &[512, hidden],
            normal(next(), (512 * hidden) as usize, 0.02),
        ),
        Tensor::new(
            "embeddings.LayerNorm.weight",
            &[hidden],
            gains(next(), hidden as usize),
        ),
        Tensor::new(
            "embeddings.LayerNorm.bias",
            &[hidden],
            normal(next(), hidden as usize, 0.02),
        ),
        Tensor::new(
            "embeddings.position_ids",
            &[1, 512],
            (0..512).map(|i| i as f32).collect(),
        ),
    ];
    for l in 0..layers {
        let p = format!("encoder.layer.{l}");
        for (n, r, c) in [
            ("attention.self.query", hidden, hidden),
            ("attention.self.key", hidden, hidden),
            ("attention.self.value", hidden, hidden),
            ("attention.output.dense", hidden, hidden),
            ("intermediate.dense", ffn, hidden),
            ("output.dense", hidden, ffn),
        ] {
            out.push(Tensor::new(
                &format!("{p}.{n}.weight"),
                &[r, c],
                normal(next(), (r * c) as usize, 0.04),
            ));
            out.push(Tensor::new(
                &format!("{p}.{n}.bias"),
                &[r],
                normal(next(), r as usize, 0.02),
            ));
        }
        for n in ["attention.output.LayerNorm", "output.LayerNorm"] {
            out.push(Tensor::new(
                &format!("{p}.{n}.weight"),
                &[hidden],
                gains(next(), hidden as usize),
            ));
            out.push(Tensor::new(
                &format!("{p}.{n}.bias"),
                &[hidden],
                normal(next(), hidden as usize, 0.02),
            ));
        }
    }
    out
}

/// LayerNorm-like gains: 1 plus small noise (cosine near 1 between any two such vectors).
pub fn gains(seed: u64, n: usize) -> Vec<f32> {
    normal(seed, n, 0.05).into_iter().map(|v| 1.0 + v).collect()
}
