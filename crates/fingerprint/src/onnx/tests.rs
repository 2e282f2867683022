//! ONNX reader tests: names recovered, layouts undone, quantised weights dequantised, every
//! read bounded (spec/fingerprint.md §4.4).
use super::build::*;
use super::*;
use crate::compare::{compare, Level, LooksLike, MatchedBy};
use crate::testkit::{normal, safetensors, StDtype, Tensor};
use crate::{Fingerprint, Format};

const IN: u64 = 96;
const OUT: u64 = 160;

/// A canonical `[OUT, IN]` weight, its bias, and the safetensors file holding both.
fn reference() -> (Tensor, Tensor, Fingerprint) {
    let w = Tensor::new(
        "enc.dense.weight",
        &[OUT, IN],
        normal(11, (OUT * IN) as usize, 0.05),
    );
    let b = Tensor::new("enc.dense.bias", &[OUT], normal(12, OUT as usize, 0.02));
    let st = safetensors(&[w.clone(), b.clone()], StDtype::F32);
    (
        w,
        b,
        Fingerprint::from_bytes(&st, Format::Safetensors).unwrap(),
    )
}

fn fp(nodes: Vec<NodeProto>, inits: Vec<TensorProto>) -> Fingerprint {
    Fingerprint::from_bytes(&model(nodes, inits), Format::Onnx).unwrap()
}

fn weight_pair(f: &Fingerprint, reference: &Fingerprint) -> (String, Level, MatchedBy) {
    let e = compare(f, reference);
    let p = e
        .pairs
        .iter()
        .find(|p| p.parent == "enc.dense.weight")
        .unwrap_or_else(|| panic!("weight not matched: {e:#?}"));
    (p.child.clone(), p.level, p.matched_by)
}

#[test]
fn matmul_weight_is_named_from_its_bias_and_transposed_back() {
    let (w, b, reference) = reference();
    let f = fp(
        vec![
            node("MatMul", &["x", "onnx::MatMul_7"], &["mm"], vec![]),
            node("Add", &["mm", "enc.dense.bias"], &["y"], vec![]),
        ],
        vec![
            f32_tensor("onnx::MatMul_7", &[IN as i64, OUT as i64], &w.transposed()),
            f32_tensor("enc.dense.bias", &[OUT as i64], &b.values),
        ],
    );
    let t = f.get("enc.dense.weight").expect("renamed");
    assert_eq!(t.dims, vec![OUT, IN]);
    assert_eq!(
        weight_pair(&f, &reference),
        ("enc.dense.weight".into(), Level::Identical, MatchedBy::Name)
    );
    assert_eq!(compare(&f, &reference).relation(), LooksLike::Copy);
}

#[test]
fn transposed_layout_read_as_stored_does_not_match() {
    // The pitfall: without the graph, an anonymous [in, out] weight read as stored samples
    // other values; its shape differs, so it is not even comparable.
    let (w, _, reference) = reference();
    let f = fp(
        vec![],
        vec![f32_tensor(
            "onnx::MatMul_7",
            &[IN as i64, OUT as i64],
            &w.transposed(),
        )],
    );
    assert_eq!(f.tensors[0].dims, vec![IN, OUT]);
    let e = compare(&f, &reference);
    assert!(e.pairs.iter().all(|p| p.parent != "enc.dense.weight"));
}

#[test]
fn transpose_node_and_gemm_trans_b_keep_the_stored_layout() {
    let (w, b, reference) = reference();
    // [out, in] stored, a Transpose before the MatMul.
    let f = fp(
        vec![
            node(
                "Transpose",
                &["w0"],
                &["wt"],
                vec![attr_ints("perm", &[1, 0])],
            ),
            node("MatMul", &["x", "wt"], &["mm"], vec![]),
            node("Add", &["mm", "enc.dense.bias"], &["y"], vec![]),
        ],
        vec![
            f32_tensor("w0", &[OUT as i64, IN as i64], &w.values),
            f32_tensor("enc.dense.bias", &[OUT as i64], &b.values),
        ],
    );
    assert_eq!(f.get("w0").map(|t| t.dims.clone()), Some(vec![OUT, IN]));
    // Gemm with transB = 1 and the bias as its third input; anonymous weight name.
    let g = fp(
        vec![node(
            "Gemm",
            &["x", "val_3", "enc.dense.bias"],
            &["y"],
            vec![attr_i("transB", 1)],
        )],
        vec![
            f32_tensor("val_3", &[OUT as i64, IN as i64], &w.values),
            f32_tensor("enc.dense.bias", &[OUT as i64], &b.values),
        ],
    );
    assert_eq!(
        weight_pair(&g, &reference),
        ("enc.dense.weight".into(), Level::Identical, MatchedBy::Name)
    );
    // Gemm with transB = 0 stores [in, out].
    let h = fp(
        vec![node(
            "Gemm",
            &["x", "val_3", "enc.dense.bias"],
            &["y"],
            vec![],
        )],
        vec![
            f32_tensor("val_3", &[IN as i64, OUT as i64], &w.transposed()),
            f32_tensor("enc.dense.bias", &[OUT as i64], &b.values),
        ],
    );
    assert_eq!(weight_pair(&h, &reference).1, Level::Identical);
}

/// Per-column symmetric int8 quantisation of an `[in, out]` matrix.
fn quantise_cols(w: &Tensor) -> (Vec<i8>, Vec<f32>) {
    let t = w.transposed(); // [IN, OUT] row-major
    let (rows, cols) = (IN as usize, OUT as usize);
    let mut scale = vec![0f32; cols];
    for j in 0..cols {
        let m = (0..rows)
            .map(|i| t[i * cols + j].abs())
            .fold(0f32, f32::max);
        scale[j] = m / 127.0;
    }
    let q = (0..rows * cols)
        .map(|k| (t[k] / scale[k % cols]).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (q, scale)
}

#[test]
fn dequantize_linear_per_axis_is_dequantised() {
    let (w, b, reference) = reference();
    let (q, scale) = quantise_cols(&w);
    let f = fp(
        vec![
            node(
                "DequantizeLinear",
                &["onnx::MatMul_7_quantized", "s", "z"],
                &["wf"],
                vec![attr_i("axis", 1)],
            ),
            node("MatMul", &["x", "wf"], &["mm"], vec![]),
            node("Add", &["mm", "enc.dense.bias"], &["y"], vec![]),
        ],
        vec![
            i8_tensor("onnx::MatMul_7_quantized", &[IN as i64, OUT as i64], &q),
            f32_tensor("s", &[OUT as i64], &scale),
            i8_tensor("z", &[OUT as i64], &vec![0; OUT as usize]),
            f32_tensor("enc.dense.bias", &[OUT as i64], &b.values),
        ],
    );
    let (name, level, _) = weight_pair(&f, &reference);
    assert_eq!(name, "enc.dense.weight");
    assert!(
        matches!(level, Level::ReEncoded | Level::Lossy),
        "{level:?}"
    );
    assert_eq!(f.get("enc.dense.weight").unwrap().dtype, crate::Dtype::I8);
    assert_eq!(compare(&f, &reference).relation(), LooksLike::Quantization);
}

#[test]
fn cast_mul_chain_is_dequantised_and_named_after_its_output() {
    let (w, b, reference) = reference();
    let (q, scale) = quantise_cols(&w);
    let f = fp(
        vec![
            node("Cast", &["val_9_q"], &["val_9_f"], vec![attr_i("to", 1)]),
            node("Mul", &["val_9_f", "val_9_scale"], &["val_9"], vec![]),
            node("MatMul", &["x", "val_9"], &["mm"], vec![]),
            node("Add", &["mm", "enc.dense.bias"], &["y"], vec![]),
        ],
        vec![
            i8_tensor("val_9_q", &[IN as i64, OUT as i64], &q),
            f32_tensor("val_9_scale", &[1, OUT as i64], &scale),
            f32_tensor("enc.dense.bias", &[OUT as i64], &b.values),
        ],
    );
    assert!(matches!(
        weight_pair(&f, &reference).1,
        Level::ReEncoded | Level::Lossy
    ));
    // Without any scale, the weight is skipped, not misread.
    let g = fp(
        vec![node("MatMul", &["x", "val_9_q"], &["mm"], vec![])],
        vec![i8_tensor("val_9_q", &[IN as i64, OUT as i64], &q)],
    );
    assert!(g.tensors.is_empty());
    assert_eq!(g.skipped[0].reason, SkipReason::NoScale);
}

#[test]
fn onnxruntime_naming_convention_gives_the_scale() {
    let (w, _, reference) = reference();
    let t = w.values.clone(); // [OUT, IN], per-tensor scale
    let m = t.iter().fold(0f32, |a, v| a.max(v.abs()));
    let scale = m / 127.0;
    let q: Vec<u8> = t
        .iter()
        .map(|v| ((v / scale).round() as i32 + 128).clamp(0, 255) as u8)
        .collect();
    let mut qt = i8_tensor("enc.dense.weight_quantized", &[OUT as i64, IN as i64], &[]);
    qt.data_type = 2;
    qt.raw_data = q;
    let mut zp = i8_tensor("enc.dense.weight_zero_point", &[], &[]);
    zp.data_type = 2;
    zp.raw_data = vec![128];
    let f = fp(
        vec![],
        vec![qt, f32_tensor("enc.dense.weight_scale", &[], &[scale]), zp],
    );
    let t = f.get("enc.dense.weight").expect("suffix stripped");
    assert_eq!(t.dtype, crate::Dtype::U8);
    assert!(matches!(
        weight_pair(&f, &reference).1,
        Level::ReEncoded | Level::Lossy
    ));
}

#[test]
fn gather_tables_are_embeddings() {
    let f = fp(
        vec![node("Gather", &["table", "ids"], &["e"], vec![])],
        vec![f32_tensor("table", &[300, 16], &normal(1, 4800, 0.1))],
    );
    assert_eq!(f.get("table").unwrap().role, crate::Role::Embedding);
}

#[test]
fn typed_payloads_are_read() {
    let (w, _, reference) = reference();
    // float_data (packed f32) instead of raw_data.
    let mut t = f32_tensor("enc.dense.weight", &[OUT as i64, IN as i64], &[]);
    t.float_data = w.values.clone();
    t.raw_data.clear();
    let f = fp(vec![], vec![t]);
    assert_eq!(weight_pair(&f, &reference).1, Level::Identical);
    // FLOAT16 kept as bits in int32_data (decoded in memory).
    let mut t = f32_tensor("enc.dense.weight", &[OUT as i64, IN as i64], &[]);
    t.data_type = 10;
    t.raw_data.clear();
    t.int32_data = w
        .values
        .iter()
        .map(|v| i32::from(half::f16::from_f32(*v).to_bits()))
        .collect();
    let f = fp(vec![], vec![t]);
    assert_eq!(weight_pair(&f, &reference).1, Level::ReEncoded);
    assert_eq!(f.get("enc.dense.weight").unwrap().dtype, crate::Dtype::F16);
}

#[test]
fn external_data_is_resolved_from_files_only() {
    let (w, _, reference) = reference();
    let dir = tempfile::tempdir().unwrap();
    let mut data = vec![0u8; 16];
    data.extend(w.values.iter().flat_map(|v| v.to_le_bytes()));
    std::fs::write(dir.path().join("weights.bin"), &data).unwrap();
    let ext = |loc: &str| {
        let mut t = f32_tensor("enc.dense.weight", &[OUT as i64, IN as i64], &[]);
        t.raw_data.clear();
        t.data_location = 1;
        t.external_data = vec![
            StringStringEntryProto {
                key: "location".into(),
                value: loc.into(),
            },
            StringStringEntryProto {
                key: "offset".into(),
                value: "16".into(),
            },
        ];
        t
    };
    let path = dir.path().join("m.onnx");
    std::fs::write(&path, model(vec![], vec![ext("weights.bin")])).unwrap();
    let f = Fingerprint::from_file(&path, Format::Onnx).unwrap();
    assert_eq!(weight_pair(&f, &reference).1, Level::Identical);
    // In memory there is no directory: skipped.
    let m = Fingerprint::from_bytes(&std::fs::read(&path).unwrap(), Format::Onnx).unwrap();
    assert!(matches!(
        m.skipped[0].reason,
        SkipReason::ExternalData { .. }
    ));
    // Paths that leave the directory, and missing files, are skipped.
    for loc in ["../weights.bin", "/etc/passwd", "missing.bin", ""] {
        std::fs::write(&path, model(vec![], vec![ext(loc)])).unwrap();
        let f = Fingerprint::from_file(&path, Format::Onnx).unwrap();
        assert!(f.tensors.is_empty(), "{loc}");
        assert!(
            matches!(f.skipped[0].reason, SkipReason::ExternalData { .. }),
            "{loc}"
        );
    }
    // A file too short for the tensor.
    std::fs::write(dir.path().join("weights.bin"), &data[..100]).unwrap();
    std::fs::write(&path, model(vec![], vec![ext("weights.bin")])).unwrap();
    let f = Fingerprint::from_file(&path, Format::Onnx).unwrap();
    assert!(matches!(
        f.skipped[0].reason,
        SkipReason::ExternalData { .. }
    ));
}

#[test]
fn payloads_are_not_read_while_walking() {
    // A source that records the largest single read.
    struct Spy(Vec<u8>, std::cell::Cell<usize>);
    impl ReadAt for Spy {
        fn len(&self) -> u64 {
            self.0.len() as u64
        }
        fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
            self.1.set(self.1.get() + buf.len());
            self.0.read_exact_at(offset, buf)
        }
    }
    let big = normal(5, 1 << 20, 0.1);
    let bytes = model(vec![], vec![f32_tensor("w", &[1024, 1024], &big)]);
    let spy = Spy(bytes, 0.into());
    let t = read(&spy).unwrap();
    assert_eq!(t.entries.len(), 1);
    assert!(
        spy.1.get() < 200_000,
        "read {} bytes of {}",
        spy.1.get(),
        spy.0.len()
    );
}

#[test]
fn hostile_models_are_refused() {
    let good = model(
        vec![node("MatMul", &["x", "w"], &["y"], vec![])],
        vec![f32_tensor("w", &[8, 8], &normal(1, 64, 1.0))],
    );
    assert!(read(&good).is_ok());
    // Every truncation is an error or a smaller model, never a panic.
    for n in 0..good.len() {
        let _ = read(&good[..n].to_vec());
    }
    // raw_data shorter than the shape needs.
    let mut t = f32_tensor("w", &[8, 8], &normal(1, 64, 1.0));
    t.raw_data.truncate(100);
    assert!(matches!(
        read(&model(vec![], vec![t])),
        Err(ReadError::SizeMismatch { .. })
    ));
    // Negative dimensions.
    let t = f32_tensor("w", &[-1, 8], &[]);
    assert!(matches!(
        read(&model(vec![], vec![t])),
        Err(ReadError::NegativeDim { .. })
    ));
    // A graph length beyond the file.
    let mut bad = vec![0x3a]; // field 7, length-delimited
    bad.extend([0xff, 0xff, 0xff, 0xff, 0x0f]);
    assert!(matches!(
        read(&bad),
        Err(ReadError::LengthExceedsFile { .. })
    ));
    // A group wire type.
    assert!(matches!(
        read(&vec![0x3b]),
        Err(ReadError::UnsupportedWireType { .. })
    ));
    // An overlong varint.
    assert!(matches!(
        read(&vec![
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
        ]),
        Err(ReadError::Protobuf { .. })
    ));
    // Integer tensors are skipped as such.
    let mut t = f32_tensor("ids", &[64], &[]);
    t.data_type = 7;
    t.raw_data = vec![0; 512];
    let f = fp(vec![], vec![t]);
    assert!(matches!(f.skipped[0].reason, SkipReason::Integer { .. }));
}
