//! `sceau sign`, `countersign`, `verify` and `inspect`: an untouched release and every check of
//! its report, thresholds met by distinct keys, safe writing of records, countersigning, records
//! verified alone, inspect, and Hugging Face cache snapshots. Every way a folder or a record can
//! be tampered with, and rollback and equivocation with `--state`, are cases of the bad-input
//! catalogue (`catalogue::tree`, `catalogue::envelope`, `catalogue::freshness`).
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::common::*;

/// A signed hf_model fixture: (tempdir, release dir, alice.key, alice.pub, record).
fn signed() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf, PathBuf) {
    let Lab {
        t,
        dir,
        key,
        public,
        record,
    } = Lab::new();
    (t, dir, key, public, record)
}

// ---------------------------------------------------------------------------------------------
// An untouched release.

#[test]
fn untouched_folder_verifies_and_reports_every_check() {
    // The human form of this report is a golden output (`golden::verify_passing_release`).
    let (_t, d, _k, public, rec) = signed();
    let (o, r) = verify_json(&[s(&d), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true);
    assert_eq!(r["release"]["name"], NAME);
    assert_eq!(r["release"]["version"], "1.0.0");
    let id = format!("sha256:{}", record_digest(&rec));
    assert_eq!(r["record_id"], id.as_str());
    assert_eq!(r["tree"]["matched"], 9);
    assert_eq!(signer_ids(&r), [key_id(&public)]);
    assert_check(&r, "signature", "threshold", PASS, &[]);
    assert_numbers(&r, "signature", "threshold", &[1, 1]);
    for (name, outcome) in [("modified", PASS), ("missing", PASS), ("extra", PASS)] {
        assert_check(&r, "tree", name, outcome, &[]);
    }
    assert_eq!(failures(&r), Vec::<String>::new(), "{r:#}");
}

// ---------------------------------------------------------------------------------------------
// Thresholds.

#[test]
fn below_threshold_with_one_of_two_trusted_keys() {
    let (t, d, _k, public, rec) = signed();
    let (_, bob) = keygen(t.path(), "bob");
    let (o, r) = verify_json(&[
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&public),
        "--key",
        s(&bob),
        "--threshold",
        "2",
    ]);
    assert_exit(&o, 1);
    assert_check(&r, "signature", "threshold", FAIL, &[&key_id(&public)]);
    // One of two.
    assert_numbers(&r, "signature", "threshold", &[1, 2]);
}

#[test]
fn two_distinct_keys_meet_a_threshold_of_two() {
    let (t, d, _k, public, rec) = signed();
    let (bob_key, bob) = keygen(t.path(), "bob");
    countersign(&rec, &bob_key);
    let (o, r) = verify_json(&[
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&public),
        "--key",
        s(&bob),
        "--threshold",
        "2",
    ]);
    assert_exit(&o, 0);
    assert_check(&r, "signature", "threshold", PASS, &[]);
    assert_numbers(&r, "signature", "threshold", &[2, 2]);
    assert_eq!(signer_ids(&r), [key_id(&public), key_id(&bob)]);
}

// ---------------------------------------------------------------------------------------------
// Writing records.

/// Runs `sign` as an unprivileged user when we are privileged (root ignores directory modes).
/// Returns None (and says so) when that is impossible.
#[cfg(unix)]
fn run_unprivileged(t: &Path, args: &[&str]) -> Option<Output> {
    let probe = t.join("ro").join("probe");
    if std::fs::write(&probe, "x").is_err() {
        return Some(sceau(args));
    }
    std::fs::remove_file(&probe).unwrap();
    // Privileged: hand the temp tree to `nobody` and run as it.
    sceau_as_nobody(t, args, "a read-only folder")
}

#[cfg(unix)]
#[test]
fn signing_into_a_read_only_folder_fails_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, _) = keygen(t.path(), "alice");
    let ro = t.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let rec = ro.join("r.json");
    let Some(o) = run_unprivileged(
        t.path(),
        &[
            "sign",
            s(&d),
            "--key",
            s(&key),
            "-o",
            s(&rec),
            "--version",
            "1",
        ],
    ) else {
        return;
    };
    assert_input_error(&o, &[s(&ro)]);
    assert!(listing(&ro).is_empty(), "{:?}", listing(&ro));
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn signing_under_a_missing_or_non_folder_parent_fails_and_leaves_nothing() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, _) = keygen(t.path(), "alice");
    let file = t.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let before = listing(t.path());
    for out in [t.path().join("nowhere/r.json"), file.join("r.json")] {
        let o = sceau(&[
            "sign",
            s(&d),
            "--key",
            s(&key),
            "-o",
            s(&out),
            "--version",
            "1",
        ]);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains("r.json"), "{}", stderr(&o));
        assert!(!out.exists());
    }
    assert_eq!(listing(t.path()), before);
}

/// Killing `sign` while it hashes leaves no record at all, not a partial one.
#[cfg(unix)]
#[test]
fn interrupted_signing_leaves_no_record() {
    // A large sparse file keeps the scan busy for a while without using disk space.
    let (t, d) =
        fixture(ReleaseBuilder::new(sceau_fixtures::hf_model).sparse("big.bin", 512 << 20));
    let (key, public) = keygen(t.path(), "alice");
    let rec = t.path().join("out").join("r.json");
    std::fs::create_dir(rec.parent().unwrap()).unwrap();
    let mut child = Sceau::new()
        .args(["sign", s(&d), "--key", s(&key), "-o", s(&rec)])
        .args(["--version", "1", "-q"])
        .spawn();
    std::thread::sleep(std::time::Duration::from_millis(250));
    let finished = child.try_wait().unwrap().is_some();
    child.kill().ok();
    child.wait().unwrap();
    if finished {
        eprintln!("skipped: sign finished before it could be interrupted");
        // Whatever was written must then be a whole, valid record.
        let o = sceau(&["verify", "--record", s(&rec), "--key", s(&public)]);
        assert_exit(&o, 0);
        return;
    }
    assert!(
        listing(rec.parent().unwrap()).is_empty(),
        "{:?}",
        listing(rec.parent().unwrap())
    );
}

#[test]
fn sign_refuses_to_overwrite_a_record_without_force() {
    let (_t, d, key, public, rec) = signed();
    let before = std::fs::read(&rec).unwrap();
    let o = sceau(&[
        "sign",
        s(&d),
        "--key",
        s(&key),
        "-o",
        s(&rec),
        "--name",
        NAME,
        "--version",
        "2.0.0",
    ]);
    assert_input_error(&o, &[s(&rec), "already exists", "--force"]);
    assert_eq!(std::fs::read(&rec).unwrap(), before);

    let o = sceau(&[
        "sign",
        s(&d),
        "--key",
        s(&key),
        "-o",
        s(&rec),
        "--name",
        NAME,
        "--version",
        "2.0.0",
        "--force",
    ]);
    assert_exit(&o, 0);
    let (o, r) = verify_json(&[s(&d), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    assert_eq!(r["release"]["version"], "2.0.0");
}

// ---------------------------------------------------------------------------------------------
// Countersigning.

#[test]
fn countersign_adds_a_signature_and_never_changes_the_payload() {
    let (t, d, key, public, rec) = signed();
    let (bob_key, bob) = keygen(t.path(), "bob");
    let env_before = read_json(&rec);
    let payload_before = payload_of(&rec);

    let o = sceau(&["countersign", s(&rec), "--key", s(&bob_key)]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains(&key_id(&bob)), "{}", stdout(&o));
    let env = read_json(&rec);
    assert_eq!(payload_of(&rec), payload_before);
    assert_eq!(env["payloadType"], env_before["payloadType"]);
    assert_eq!(env["signatures"][0], env_before["signatures"][0]);
    assert_eq!(env["signatures"].as_array().unwrap().len(), 2);
    // The keyid is securesystemslib's for the key (spec/keys.md §1.3), as `key show` prints it.
    let o = sceau(&["key", "show", s(&bob), "--json"]);
    let shown: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(env["signatures"][1]["keyid"], shown["dsse_keyid"]);

    // The same key again is refused, naming it, and the record stays as it is.
    for k in [&key, &bob_key] {
        let before = std::fs::read(&rec).unwrap();
        let o = sceau(&["countersign", s(&rec), "--key", s(k)]);
        assert_input_error(&o, &["already signed", &key_id(k)]);
        assert_eq!(std::fs::read(&rec).unwrap(), before);
    }

    let (o, _) = verify_json(&[
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&public),
        "--key",
        s(&bob),
        "--threshold",
        "2",
    ]);
    assert_exit(&o, 0);
}

#[test]
fn countersign_recognises_a_signer_whose_keyid_was_changed() {
    let (t, _d, key, _public, rec) = signed();
    let disguised = t.path().join("disguised.json");
    with_signatures(&rec, &disguised, |s| {
        s[0]["keyid"] = "0000000000000000".into()
    });
    let o = sceau(&["countersign", s(&disguised), "--key", s(&key)]);
    assert_input_error(&o, &["already signed", &key_id(&key)]);
}

#[test]
fn countersign_with_output_leaves_the_original_untouched() {
    let (t, _d, _k, _p, rec) = signed();
    let (bob_key, _) = keygen(t.path(), "bob");
    let before = std::fs::read(&rec).unwrap();
    let out = t.path().join("co.json");
    let o = sceau(&["countersign", s(&rec), "--key", s(&bob_key), "-o", s(&out)]);
    assert_exit(&o, 0);
    assert_eq!(std::fs::read(&rec).unwrap(), before);
    assert_eq!(payload_of(&out), payload_of(&rec));
    assert_eq!(read_json(&out)["signatures"].as_array().unwrap().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// The record alone, inspect, Hugging Face caches.

#[test]
fn verify_record_without_folder_says_no_file_was_checked() {
    let (_t, _d, _k, public, rec) = signed();
    let (o, r) = verify_json(&["--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true);
    assert_eq!(r["folder"], Value::Null);
    assert_eq!(r["tree"], Value::Null);
    // The one tree check is skipped: no file was checked, and the verdict says so.
    assert_eq!(
        stage_checks(&r, "tree"),
        [("files".to_owned(), SKIPPED.to_owned())]
    );
}

#[test]
fn verify_record_alone_still_checks_signatures() {
    let (t, _d, _k, _public, rec) = signed();
    let (_, mallory) = keygen(t.path(), "mallory");
    let (o, r) = verify_json(&["--record", s(&rec), "--key", s(&mallory)]);
    assert_exit(&o, 1);
    assert_check(&r, "signature", "threshold", FAIL, &[]);
    assert_numbers(&r, "signature", "threshold", &[0, 1]);
    assert_not_run(&r, "parse", "statement", "signature threshold");
}

#[test]
fn inspect_says_not_verified() {
    let (t, _d, _k, public, rec) = signed();
    let (bob_key, bob) = keygen(t.path(), "bob");
    countersign(&rec, &bob_key);
    // The human form is a golden output (`golden::inspect_of_a_record`).
    let o = sceau(&["inspect", s(&rec), "--json"]);
    assert_exit(&o, 0);
    let v = json_out(&o);
    assert_eq!(v["verified"], false);
    assert!(v["warning"].is_string(), "{v:#}");
    assert_eq!(v["release"]["name"], NAME);
    assert_eq!(v["release"]["version"], "1.0.0");
    // The keyids as written: securesystemslib's for each key (spec/keys.md §1.3).
    let dsse_keyid = |k: &Path| {
        json_out(&sceau(&["key", "show", s(k), "--json"]))["dsse_keyid"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        v["signature_keyids"],
        serde_json::json!([dsse_keyid(&public), dsse_keyid(&bob)])
    );

    // A forged record is shown just the same: inspect checks nothing.
    let mut env = read_json(&rec);
    env["signatures"][0]["sig"] = b64_encode(&[0u8; 64]).into();
    write_json(&rec, &env);
    let o = sceau(&["inspect", s(&rec), "--json"]);
    assert_exit(&o, 0);
    let forged = json_out(&o);
    assert_eq!(forged["verified"], false);
    assert_eq!(forged["release"], v["release"]);
}

#[test]
fn hf_cache_snapshot_signs_and_verifies() {
    let t = tempfile::tempdir().unwrap();
    let hub = t.path().join("hub");
    std::fs::create_dir(&hub).unwrap();
    sceau_fixtures::hf_cache(&hub).unwrap();
    let snap = sceau_fixtures::hf_cache_snapshot(&hub);
    let (key, public) = keygen(t.path(), "alice");
    let rec = t.path().join("hf.sceau.json");
    let o = sceau(&["sign", s(&snap), "--key", s(&key), "-o", s(&rec), "-q"]);
    assert_exit(&o, 0);

    let (o, r) = verify_json(&[s(&snap), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    // Name and version come from the cache layout.
    assert_eq!(r["release"]["name"], sceau_fixtures::HF_MODEL_REPO_ID);
    assert_eq!(r["release"]["version"], sceau_fixtures::HF_CACHE_REVISION);
    assert_eq!(r["tree"]["matched"], 10);

    // The blobs behind the symlinks are what is checked.
    let blob_dir = hub.join(sceau_fixtures::HF_CACHE_REPO_DIR).join("blobs");
    let target = std::fs::canonicalize(snap.join("model.safetensors")).unwrap();
    assert!(target.starts_with(std::fs::canonicalize(&blob_dir).unwrap()));
    let before = sha256_file(&target);
    flip_byte(&target, 100);
    let (o, r) = verify_json(&[s(&snap), "--record", s(&rec), "--key", s(&public)]);
    assert_only_failure(&o, &r, "tree", "modified", &["model.safetensors", &before]);
    let m = &r["tree"]["modified"];
    assert_eq!(m[0]["path"], "model.safetensors", "{m:#}");
    assert_eq!(m[0]["expected"], before.as_str());
    assert_eq!(m[0]["actual"], sha256_file(&target).as_str());
}
