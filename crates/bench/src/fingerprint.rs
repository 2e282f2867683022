//! Measurements of weight fingerprints (spec/fingerprint.md §2.4, §9):
//!
//! - `fp-time FILE`: fingerprinting FILE against one-thread SHA-256 of it (page cache warm);
//! - `fp-synth DIR GIB`: writes a GIB-GiB BF16 safetensors file of 4096 × 4096 tensors into DIR
//!   (reused when present), then `fp-time` on it;
//! - `fp-match FILE N`: one fingerprint matched against N stored ones (decoded from their BOM
//!   values, as a store would hold them);
//! - `fp-k CHILD PARENT…`: sketch length K against the exact correlation of the sampled grid.
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use sceau_fingerprint::grid::{Grid, MatrixShape};
use sceau_fingerprint::sketch::{centre, cosine, exact_correlation, project};
use sceau_fingerprint::source::{FileSource, ReadAt};
use sceau_fingerprint::{compare, gguf, onnx, safetensors, storage, Entry, Fingerprint, Format};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn format_of(p: &Path) -> Format {
    Format::from_path(p).expect("a .safetensors, .gguf or .onnx file")
}

pub fn time(path: &Path) {
    let len = std::fs::metadata(path).expect("file").len();
    let format = format_of(path);
    let sha = || {
        let mut h = sceau_scan::hash::Sha256::new();
        let mut f = std::fs::File::open(path).expect("open");
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = std::io::Read::read(&mut f, &mut buf).expect("read");
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        std::hint::black_box(h.finish());
    };
    sha(); // warm the page cache
    let mut t_sha = Vec::new();
    let mut t_fp = Vec::new();
    let mut tensors = 0;
    let mut bytes = 0;
    for _ in 0..5 {
        let t = Instant::now();
        sha();
        t_sha.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let fp = Fingerprint::from_file(path, format).expect("fingerprint");
        t_fp.push(t.elapsed().as_secs_f64());
        tensors = fp.tensors.len();
        bytes = fp.encode().len();
    }
    let (s, f) = (median(t_sha), median(t_fp));
    println!(
        "fp_time file_bytes={len} tensors={tensors} fingerprint_bytes={bytes} sha256_ms={:.2} fingerprint_ms={:.2} ratio={:.4}",
        s * 1e3,
        f * 1e3,
        f / s
    );
}

pub fn synth(dir: &Path, gib: u64) {
    std::fs::create_dir_all(dir).expect("dir");
    let path = dir.join(format!("synthetic-{gib}g.safetensors"));
    let per = 4096u64 * 4096 * 2;
    let n = gib * (1 << 30) / per;
    if std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) < n * per {
        let mut header = serde_json::Map::new();
        for i in 0..n {
            header.insert(
                format!("model.layers.{i}.weight"),
                serde_json::json!({"dtype": "BF16", "shape": [4096, 4096], "data_offsets": [i * per, (i + 1) * per]}),
            );
        }
        let mut h = serde_json::Value::Object(header).to_string().into_bytes();
        while !h.len().is_multiple_of(8) {
            h.push(b' ');
        }
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        f.write_all(&(h.len() as u64).to_le_bytes()).expect("write");
        f.write_all(&h).expect("write");
        let mut g = sceau_fingerprint::rng::SplitMix64::new(1);
        let mut block = vec![0u8; 1 << 20];
        for _ in 0..(n * per) >> 20 {
            for c in block.chunks_mut(8) {
                let v = g.next_u64();
                // BF16 values around ±0.02: random mantissa, fixed small exponent.
                for (k, b) in c.chunks_mut(2).enumerate() {
                    let m = ((v >> (16 * k)) & 0x80FF) as u16 | 0x3C00;
                    b.copy_from_slice(&m.to_le_bytes());
                }
            }
            f.write_all(&block).expect("write");
        }
        f.flush().expect("flush");
    }
    time(&path);
}

pub fn matching(path: &Path, n: usize) {
    let fp = Fingerprint::from_file(path, format_of(path)).expect("fingerprint");
    // N stored fingerprints: the model with its sketches perturbed per entry (so that none is
    // bit-identical), kept as BOM values as a store would.
    let values: Vec<String> = (0..n)
        .map(|i| {
            let mut f = fp.clone();
            for t in &mut f.tensors {
                let k = i % t.projection.len();
                t.projection[k] = half::f16::from_f32(t.projection[k].to_f32() + 0.01);
            }
            f.to_bom_value()
        })
        .collect();
    let t = Instant::now();
    let stored: Vec<Fingerprint> = values
        .iter()
        .map(|v| Fingerprint::from_bom_value(v).expect("decode"))
        .collect();
    let decode = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut kinds = std::collections::BTreeMap::new();
    for s in &stored {
        *kinds
            .entry(compare(&fp, s).relation().to_string())
            .or_insert(0) += 1;
    }
    let cmp = t.elapsed().as_secs_f64();
    println!(
        "fp_match n={n} tensors={} value_bytes={} decode_ms={:.1} compare_ms={:.1} per_compare_us={:.1} results={kinds:?}",
        fp.tensors.len(),
        values[0].len(),
        decode * 1e3,
        cmp * 1e3,
        cmp * 1e6 / n as f64
    );
}

/// Every tensor's grid values, by canonical name.
fn grid_values(path: &Path) -> Vec<(String, MatrixShape, Vec<f64>)> {
    let file = FileSource::new(std::fs::File::open(path).expect("open")).expect("len");
    let (entries, memory): (Vec<Entry>, Vec<Vec<u8>>) = match format_of(path) {
        Format::Safetensors => (safetensors::read(&file).expect("read"), Vec::new()),
        Format::Gguf => (gguf::read(&file).expect("read"), Vec::new()),
        Format::Onnx => {
            let t = onnx::read(&file).expect("read");
            assert!(t.external.is_empty(), "external data not supported here");
            (t.entries, t.memory)
        }
    };
    let mut sources: Vec<&dyn ReadAt> = vec![&file];
    for m in &memory {
        sources.push(m);
    }
    let mut out = Vec::new();
    for e in entries {
        let Ok((_, st)) = &e.content else { continue };
        let Some(shape) = MatrixShape::of_dims(&e.dims) else {
            continue;
        };
        if shape.rows < 2 {
            continue;
        }
        let Some(grid) = Grid::for_key(shape.grid_key()) else {
            continue;
        };
        if let Ok(v) = storage::sample(st, &sources, &grid) {
            out.push((e.name, shape, v));
        }
    }
    out
}

pub fn k_choice(child: &Path, parents: &[String]) {
    const KS: [usize; 5] = [32, 64, 128, 256, 512];
    let a = grid_values(child);
    let fa = Fingerprint::from_file(child, format_of(child)).expect("fp");
    for p in parents {
        let p = Path::new(p);
        let b = grid_values(p);
        let fb = Fingerprint::from_file(p, format_of(p)).expect("fp");
        let e = compare(&fa, &fb);
        let mut rows: Vec<(f64, [f64; 5])> = Vec::new();
        let mut max_other = [0f64; 5];
        for pair in e.pairs.iter().filter(|x| x.role.is_matrix()) {
            let (Some(x), Some(y)) = (
                a.iter().find(|t| t.0 == pair.child),
                b.iter().find(|t| t.0 == pair.parent),
            ) else {
                continue;
            };
            if x.1.grid_key() != y.1.grid_key() || x.2.len() != y.2.len() {
                continue;
            }
            let grid = Grid::for_key(x.1.grid_key()).expect("grid");
            let (r, c) = (grid.rows.len(), grid.col_len as usize);
            let exact = exact_correlation(&x.2, &y.2, r, c);
            let sk = |v: &[f64], k: usize| {
                let z = centre(v, r, c);
                let n = z.iter().map(|q| q * q).sum::<f64>().sqrt();
                project(&z, n, x.1.grid_key(), k)
                    .into_iter()
                    .map(half::f16::from_f64)
                    .collect::<Vec<_>>()
            };
            let mut est = [0f64; 5];
            for (i, k) in KS.iter().enumerate() {
                est[i] = cosine(&sk(&x.2, *k), &sk(&y.2, *k));
                // Best of the parent's other same-shaped tensors: the name-agnostic risk.
                for o in b
                    .iter()
                    .filter(|t| t.0 != pair.parent && t.1.grid_key() == x.1.grid_key())
                {
                    max_other[i] = max_other[i].max(cosine(&sk(&x.2, *k), &sk(&o.2, *k)).abs());
                }
            }
            rows.push((exact, est));
        }
        println!(
            "fp_k child={} parent={} pairs={}",
            child.display(),
            p.display(),
            rows.len()
        );
        for (lo, hi, label) in [
            (-1.0, 0.3, "exact<0.3"),
            (0.3, 0.99, "0.3<=exact<0.99"),
            (0.99, 1.01, "exact>=0.99"),
        ] {
            let sel: Vec<&(f64, [f64; 5])> =
                rows.iter().filter(|r| r.0 >= lo && r.0 < hi).collect();
            if sel.is_empty() {
                continue;
            }
            for (i, k) in KS.iter().enumerate() {
                let mut err: Vec<f64> = sel.iter().map(|r| (r.1[i] - r.0).abs()).collect();
                err.sort_by(f64::total_cmp);
                let p95 = err[(err.len() * 95 / 100).min(err.len() - 1)];
                let min_est = sel.iter().map(|r| r.1[i]).fold(f64::MAX, f64::min);
                let max_abs = sel.iter().map(|r| r.1[i].abs()).fold(0.0, f64::max);
                println!(
                    "  {label:<16} n={:<3} K={k:<3} err_p50={:.4} err_p95={:.4} err_max={:.4} min_est={:.5} max_abs_est={:.3} other_max={:.3}",
                    sel.len(),
                    err[err.len() / 2],
                    p95,
                    err[err.len() - 1],
                    min_est,
                    max_abs,
                    max_other[i]
                );
            }
        }
    }
}
