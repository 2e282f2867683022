//! `fp-store STORE N FILE`: the time of `sceau match` (the library call behind it,
//! `sceau_pipeline::matching::find_ancestors`) against a store of N signed records, each
//! carrying a fingerprint of FILE's size whose sketches are shuffled (unrelated models), one of
//! them FILE's own (an undeclared copy to find).
use std::path::Path;
use std::time::Instant;

use sceau_core::dsse::PAYLOAD_TYPE_INTOTO;
use sceau_core::{Artifact, ArtifactKind, IgnoreRules, RelPath, Release, Timestamp, WeightPrint};
use sceau_fingerprint::{Fingerprint, Format};
use sceau_pipeline::matching::{find_ancestors, MatchRequest, MatchSubject};
use sceau_pipeline::verify::TrustRoot;
use sceau_sign::SecretKey;
use sceau_verify::store::Store;
use sceau_verify::trust::{KeyTrust, TrustedKey};

fn record(key: &SecretKey, name: &str, value: String, at: &str, tag: u64) -> Vec<u8> {
    let release = Release {
        name: name.into(),
        version: "1.0".into(),
        artifacts: vec![Artifact {
            path: RelPath::new("model.safetensors").expect("path"),
            size: 1,
            sha256: sceau_scan::hash::sha256(&tag.to_le_bytes()),
            blake3: None,
            kind: ArtifactKind::Weights,
            licence: None,
            detected_licence: None,
            weights: None,
            fingerprint: Some(WeightPrint::recorded(value).expect("value")),
            folder: None,
        }],
        licence: None,
        card: None,
        ignore: IgnoreRules::default(),
        parents: Vec::new(),
        tokenizer_changed: false,
        claims: None,
        manifest: None,
        oms_root: None,
    };
    let payload = release.to_statement(at).to_payload();
    sceau_sign::sign_envelope(PAYLOAD_TYPE_INTOTO, payload, key)
        .expect("sign")
        .to_json()
}

/// The signing key of the bench records.
fn bench_key() -> SecretKey {
    SecretKey::from_seed(&[7; 32])
}

/// `fp-store-key OUT`: writes the bench key's public key (sceau's line format), for the CLI.
pub fn write_key(out: &Path) {
    let line = bench_key().public().to_sceau_line(Some("bench"));
    std::fs::write(out, format!("{line}\n")).expect("write key");
}

pub fn run(store_dir: &Path, n: usize, file: &Path) {
    let format = Format::from_path(file).expect("a .safetensors, .gguf or .onnx file");
    let fp = Fingerprint::from_file(file, format).expect("fingerprint");
    let key = bench_key();
    let store = Store::create(store_dir).expect("store");
    let have = store.digests().expect("list").len();
    let t = Instant::now();
    for i in have..n {
        let mut f = fp.clone();
        if i > 0 {
            // Unrelated: every sketch's buckets rotated by a record-dependent amount.
            for t in &mut f.tensors {
                let len = t.projection.len();
                t.projection.rotate_left(1 + (i * 7919) % (len - 1));
            }
        }
        let rec = record(
            &key,
            &format!("org-{i}/model-{i}"),
            f.to_bom_value(),
            "2026-01-01T00:00:00Z",
            i as u64,
        );
        store.add(&rec).expect("add");
    }
    let fill = t.elapsed().as_secs_f64();
    let subject = record(
        &key,
        "org-x/subject",
        fp.to_bom_value(),
        "2026-02-01T00:00:00Z",
        u64::MAX,
    );
    let trust = KeyTrust {
        keys: vec![TrustedKey {
            name: "bench".into(),
            key: key.public(),
            scope: None,
        }],
        threshold: 1,
    };
    let now = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").expect("time");
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let r = find_ancestors(MatchRequest {
            subject: MatchSubject::Record(&subject),
            store: &store,
            trust: TrustRoot::Keys(&trust),
            now,
        })
        .expect("match");
        times.push(t.elapsed().as_secs_f64());
        found = r.undeclared().count();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "fp_store records={n} tensors={} value_bytes={} fill_s={fill:.1} match_ms={:.0} (min {:.0}, max {:.0}) undeclared={found}",
        fp.tensors.len(),
        fp.to_bom_value().len(),
        times[1] * 1e3,
        times[0] * 1e3,
        times[2] * 1e3
    );
}
