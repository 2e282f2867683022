//! Writes small weight files of every format and their stored fingerprints into a folder, as
//! fuzzing seeds (fuzz/seed.sh): `cargo run -p sceau-fingerprint --example fuzz-seeds -- DIR`.
use std::path::Path;

use sceau_fingerprint::gguf::{quantize_q4_0, quantize_q8_0, GgufWriter};
use sceau_fingerprint::onnx::build::{f32_tensor, i8_tensor, model, node};
use sceau_fingerprint::testkit::{bert_like, normal, safetensors, StDtype};
use sceau_fingerprint::{Fingerprint, Format};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: fuzz-seeds DIR")?;
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir)?;
    let model_t = bert_like(1, 1, 32, 128);
    let mut files = Vec::new();
    for (name, dt) in [
        ("f32", StDtype::F32),
        ("f16", StDtype::F16),
        ("bf16", StDtype::BF16),
    ] {
        files.push((
            format!("m-{name}.safetensors"),
            safetensors(&model_t, dt),
            Format::Safetensors,
        ));
    }
    let w = normal(2, 64 * 64, 0.1);
    let mut g = GgufWriter::default();
    g.kv_str("general.architecture", "llama")
        .kv_u32("llama.attention.head_count", 4)
        .kv_str_array("tokenizer.ggml.tokens", &["a", "b"])
        .tensor(
            "blk.0.attn_q.weight",
            &[64, 64],
            0,
            w.iter().flat_map(|v| v.to_le_bytes()).collect(),
        )
        .tensor("blk.0.ffn_up.weight", &[64, 64], 2, quantize_q4_0(&w))
        .tensor("blk.0.ffn_down.weight", &[64, 64], 8, quantize_q8_0(&w));
    files.push(("m.gguf".into(), g.finish(), Format::Gguf));
    let q: Vec<i8> = w.iter().map(|v| (v * 300.0) as i8).collect();
    let onnx = model(
        vec![
            node("DequantizeLinear", &["val_1_q", "s"], &["val_1"], vec![]),
            node("MatMul", &["x", "val_1"], &["y"], vec![]),
            node("Add", &["y", "l.bias"], &["z"], vec![]),
            node("Gather", &["emb", "ids"], &["e"], vec![]),
        ],
        vec![
            i8_tensor("val_1_q", &[64, 64], &q),
            f32_tensor("s", &[], &[0.003]),
            f32_tensor("l.bias", &[64], &normal(3, 64, 0.1)),
            f32_tensor("emb", &[100, 64], &normal(4, 6400, 0.1)),
        ],
    );
    files.push(("m.onnx".into(), onnx, Format::Onnx));
    for (name, bytes, format) in files {
        let fp = Fingerprint::from_bytes(&bytes, format)?;
        std::fs::write(dir.join(format!("{name}.scfp")), fp.encode())?;
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}
