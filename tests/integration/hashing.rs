//! The opt-in parallel digest (BLAKE3) and the digest cache, end to end (spec/hashing.md).
//! No timing is asserted: only what is recorded, checked and reported.
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

/// One file just over the BLAKE3 threshold (64 MiB + 1 byte: five 16 MiB pieces) and a small one.
fn big_release(t: &Path) -> PathBuf {
    let d = t.join("release");
    let n = (64 << 20) + 1;
    let data: Vec<u8> = (0..n)
        .map(|i: usize| (i ^ (i >> 9) ^ (i >> 17)) as u8)
        .collect();
    ReleaseBuilder::empty()
        .file("model.gguf", data)
        .file("config.json", "{\"a\": 1}\n")
        .write_new(&d)
        .unwrap();
    d
}

fn keys(t: &Path) -> (PathBuf, PathBuf) {
    keygen(t, "k")
}

#[test]
fn parallel_digest_records_blake3_beside_sha256_in_a_valid_bom() {
    let t = tempfile::tempdir().unwrap();
    let d = big_release(t.path());
    let out = t.path().join("bom.json");
    let o = sceau(&[
        "scan",
        s(&d),
        "--version",
        "1.0",
        "--parallel-digest",
        "-o",
        s(&out),
    ]);
    assert_exit(&o, 0);
    let bom: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    crate::schema::assert_valid(&bom);
    let comp = |name: &str| {
        bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    let big = comp("model.gguf");
    let want_b3 = blake3::hash(&std::fs::read(d.join("model.gguf")).unwrap())
        .to_hex()
        .to_string();
    assert_eq!(
        big["hashes"],
        serde_json::json!([
            {"alg": "SHA-256", "content": sha256_file(&d.join("model.gguf"))},
            {"alg": "BLAKE3", "content": want_b3},
        ])
    );
    // Below the threshold: SHA-256 only.
    assert_eq!(comp("config.json")["hashes"].as_array().unwrap().len(), 1);

    // Without the flag nothing changes.
    let o = sceau(&["scan", s(&d), "--version", "1.0", "-o", s(&out), "--force"]);
    assert_exit(&o, 0);
    let bom: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["hashes"].as_array().unwrap().len() == 1));
}

#[test]
fn parallel_digest_verifies_by_blake3_and_a_tamper_fails() {
    let t = tempfile::tempdir().unwrap();
    let d = big_release(t.path());
    let (key, public) = keys(t.path());
    let rec = t.path().join("r.sceau.json");
    let o = sceau(&[
        "sign",
        s(&d),
        "--key",
        s(&key),
        "-o",
        s(&rec),
        "--version",
        "1.0",
        "--parallel-digest",
    ]);
    assert_exit(&o, 0);

    // The subject carries both digests; SHA-256 stays.
    let st: Value = serde_json::from_slice(&payload_of(&rec)).unwrap();
    let subj = st["subject"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "model.gguf")
        .unwrap()
        .clone();
    assert_eq!(
        subj["digest"]["sha256"],
        sha256_file(&d.join("model.gguf")).as_str()
    );
    assert_eq!(subj["digest"]["blake3"].as_str().unwrap().len(), 64);

    let (o, v) = verify_json(&[s(&d), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    assert_eq!(v["tree"]["by_blake3"], serde_json::json!(["model.gguf"]));
    assert_eq!(v["tree"]["matched"], 2);

    // One flipped byte in the middle of a piece: checked by BLAKE3, named with both digests.
    flip_byte(&d.join("model.gguf"), 40 << 20);
    let (o, v) = verify_json(&[s(&d), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 1);
    let m = &v["tree"]["modified"][0];
    assert_eq!(m["path"], "model.gguf");
    assert_eq!(m["algorithm"], "blake3");
    assert_eq!(m["expected"], subj["digest"]["blake3"]);
    assert_eq!(
        m["actual"].as_str().unwrap(),
        blake3::hash(&std::fs::read(d.join("model.gguf")).unwrap())
            .to_hex()
            .as_str()
    );

    // --full-sha256 checks the same file by SHA-256 instead, and fails too.
    let (o, v) = verify_json(&[
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&public),
        "--full-sha256",
    ]);
    assert_exit(&o, 1);
    assert_eq!(v["tree"]["modified"][0]["algorithm"], "sha256");
    assert_eq!(
        v["tree"]["modified"][0]["actual"],
        sha256_file(&d.join("model.gguf")).as_str()
    );
    assert_eq!(v["tree"]["by_blake3"], serde_json::json!([]));
}

/// Files must be older than the cache's racy margin (2 s) to be cached (spec/hashing.md §4.2).
fn age_past_racy_margin() {
    std::thread::sleep(std::time::Duration::from_millis(2200));
}

/// The parts of a verification report that must not depend on the cache.
fn outcome(v: &Value) -> Value {
    serde_json::json!({
        "verified": v["verified"],
        "matched": v["tree"]["matched"],
        "modified": v["tree"]["modified"],
        "missing": v["tree"]["missing"],
        "extra": v["tree"]["extra"],
        "outcomes": v["checks"].as_array().unwrap().iter()
            .map(|c| format!("{} {} {}", c["stage"], c["name"], c["outcome"]))
            .collect::<Vec<_>>(),
    })
}

#[test]
fn warm_cached_verify_equals_cold_and_still_detects_a_modified_file() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, public) = keys(t.path());
    let rec = t.path().join("r.sceau.json");
    let cache = t.path().join("cache");
    let o = sceau(&["sign", s(&d), "--key", s(&key), "-o", s(&rec)]);
    assert_exit(&o, 0);
    age_past_racy_margin();
    let args = [
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&public),
        "--cache-dir",
        s(&cache),
    ];

    let (o, cold) = verify_json(&args);
    assert_exit(&o, 0);
    assert_eq!(cold["tree"]["from_cache"], 0);
    let files = cold["tree"]["matched"].as_u64().unwrap();
    assert!(files > 3);
    let (o, warm) = verify_json(&args);
    assert_exit(&o, 0);
    assert_eq!(warm["tree"]["from_cache"].as_u64(), Some(files));
    assert_eq!(outcome(&warm), outcome(&cold));

    // Same size, content changed, modification time put back as it was: the status-change
    // time still differs, so the cache misses and the change is found.
    let w = d.join("model.safetensors");
    let mtime = std::fs::metadata(&w).unwrap().modified().unwrap();
    flip_byte(&w, 4000);
    std::fs::File::options()
        .write(true)
        .open(&w)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let (o, v) = verify_json(&args);
    assert_exit(&o, 1);
    assert_eq!(v["tree"]["modified"][0]["path"], "model.safetensors");
    assert_eq!(v["tree"]["modified"][0]["actual"], sha256_file(&w).as_str());
    assert_eq!(v["tree"]["from_cache"].as_u64(), Some(files - 1));

    // And with the modification time changed too, on a later run.
    flip_byte(&w, 5000);
    let (o, v) = verify_json(&args);
    assert_exit(&o, 1);
    assert_eq!(v["tree"]["modified"][0]["path"], "model.safetensors");
}

#[test]
fn a_corrupt_cache_is_a_warning_not_an_error() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let cache = t.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    std::fs::write(cache.join("digests-v1.bin"), b"SCEAUDC1 not really").unwrap();
    let o = sceau(&["scan", s(&d), "--cache-dir", s(&cache), "-q"]);
    assert_exit(&o, 0);
    // A warning naming the cache file, and no error.
    let e = stderr(&o);
    assert!(
        e.lines()
            .any(|l| l.starts_with("warning:") && l.contains("digests-v1.bin")),
        "{e}"
    );
    assert!(!e.contains("error:"), "{e}");
}
