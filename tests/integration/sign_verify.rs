//! `sceau sign`, `countersign`, `verify` and `inspect`: an untouched release and every check of
//! its report, thresholds met by distinct keys, safe writing of records, countersigning, records
//! verified alone, inspect, and Hugging Face cache snapshots. Every way a folder or a record can
//! be tampered with, and rollback and equivocation with `--state`, are cases of the bad-input
//! catalogue (`catalogue::tree`, `catalogue::envelope`, `catalogue::freshness`).
//!
//! The small helpers at the top are shared by the other modules.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::*;

/// The release name every test signs under.
pub(crate) const NAME: &str = "example-org/tiny-llm";

/// A verification time well inside every key's and policy's validity (records are signed at
/// SOURCE_DATE_EPOCH = 2026-01-01).
pub(crate) const AT: &str = "2026-06-01T00:00:00Z";

/// Runs sceau like `common::sceau` (fixed SOURCE_DATE_EPOCH, no SCEAU_PASSPHRASE), plus `env`.
pub(crate) fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(bin());
    c.args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env_remove("SCEAU_PASSPHRASE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run sceau")
}

/// `sceau keygen -o DIR/NAME --no-passphrase`; returns (NAME.key, NAME.pub).
pub(crate) fn keygen(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let base = dir.join(name);
    assert_exit(&sceau(&["keygen", "-o", s(&base), "--no-passphrase"]), 0);
    (
        dir.join(format!("{name}.key")),
        dir.join(format!("{name}.pub")),
    )
}

/// The key id `sceau key show` prints for a key file.
pub(crate) fn key_id(key: &Path) -> String {
    let o = sceau(&["key", "show", s(key), "--json"]);
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("key show --json");
    v["key_id"].as_str().expect("key_id").to_owned()
}

/// Signs `dir` as NAME `version` with `key` into `out`, expecting success.
pub(crate) fn sign_as(dir: &Path, key: &Path, out: &Path, version: &str) {
    let o = sceau(&[
        "sign",
        s(dir),
        "--key",
        s(key),
        "-o",
        s(out),
        "--name",
        NAME,
        "--version",
        version,
        "-q",
    ]);
    assert_exit(&o, 0);
    assert!(out.is_file(), "no record written");
}

/// Signs `dir` as NAME 1.0.0.
pub(crate) fn sign(dir: &Path, key: &Path, out: &Path) {
    sign_as(dir, key, out, "1.0.0");
}

/// `sceau countersign RECORD --key KEY`, expecting success.
pub(crate) fn countersign(record: &Path, key: &Path) {
    assert_exit(&sceau(&["countersign", s(record), "--key", s(key)]), 0);
}

/// Runs `sceau verify ARGS --json`; returns the output and the parsed report.
#[track_caller]
pub(crate) fn verify_json(args: &[&str]) -> (Output, Value) {
    let mut a = vec!["verify"];
    a.extend_from_slice(args);
    a.push("--json");
    let o = sceau(&a);
    let e = stderr(&o);
    assert!(!e.contains("panicked"), "sceau panicked:\n{e}");
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|err| {
        panic!(
            "verify --json: {err}\nstdout:\n{}\nstderr:\n{e}",
            stdout(&o)
        )
    });
    (o, v)
}

/// The report's check `stage`/`name` (panics, listing the checks, when absent).
#[track_caller]
pub(crate) fn check<'a>(report: &'a Value, stage: &str, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["stage"] == stage && c["name"] == name)
        .unwrap_or_else(|| panic!("no check {stage}/{name} in {report:#}"))
}

/// Asserts check `stage`/`name` has `outcome` (pass, fail, skipped) and a detail containing
/// every one of `phrases`.
#[track_caller]
pub(crate) fn assert_check(
    report: &Value,
    stage: &str,
    name: &str,
    outcome: &str,
    phrases: &[&str],
) {
    let c = check(report, stage, name);
    assert_eq!(c["outcome"], outcome, "{stage}/{name} in {report:#}");
    let d = c["detail"].as_str().expect("detail");
    for p in phrases {
        assert!(d.contains(p), "{stage}/{name} detail {d:?} lacks {p:?}");
    }
}

/// Asserts the human report (stdout) has a `FAIL`/`ok`/`skip` line for stage/name containing
/// every one of `phrases`.
#[track_caller]
pub(crate) fn assert_line(out: &str, tag: &str, stage: &str, name: &str, phrases: &[&str]) {
    let line = out
        .lines()
        .find(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            w.len() >= 3 && w[0] == tag && w[1] == stage && w[2] == name
        })
        .unwrap_or_else(|| panic!("no `{tag} {stage} {name}` line in:\n{out}"));
    for p in phrases {
        assert!(line.contains(p), "line {line:?} lacks {p:?}");
    }
}

/// Reads a JSON file.
pub(crate) fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).expect("read json")).expect("parse json")
}

/// Writes a JSON file.
pub(crate) fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_vec_pretty(v).unwrap()).expect("write json");
}

/// The decoded payload bytes of a DSSE envelope file.
pub(crate) fn payload_of(record: &Path) -> Vec<u8> {
    b64_decode(read_json(record)["payload"].as_str().expect("payload"))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 §4), independent of sceau's.
pub(crate) fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 with padding (panics on anything else).
pub(crate) fn b64_decode(text: &str) -> Vec<u8> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = B64
            .iter()
            .position(|&x| x == c)
            .unwrap_or_else(|| panic!("not base64: {c:?}")) as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Flips one bit of byte `at` of a file.
pub(crate) fn flip_byte(p: &Path, at: usize) {
    let mut b = std::fs::read(p).unwrap();
    b[at] ^= 0x01;
    std::fs::write(p, b).unwrap();
}

/// A signed hf_model fixture: (tempdir, release dir, alice.key, alice.pub, record).
fn signed() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf, PathBuf) {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, public) = keygen(t.path(), "alice");
    let rec = t.path().join("r.sceau.json");
    sign(&d, &key, &rec);
    (t, d, key, public, rec)
}

// ---------------------------------------------------------------------------------------------
// An untouched release.

#[test]
fn untouched_folder_verifies_and_reports_every_check() {
    let (_t, d, _k, public, rec) = signed();
    let o = sceau(&["verify", s(&d), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.starts_with("VERIFIED: example-org/tiny-llm 1.0.0"),
        "{out}"
    );
    assert_line(&out, "ok", "signature", "threshold", &["1 of 1"]);
    assert_line(&out, "ok", "tree", "modified", &["9 files match"]);

    let (o, r) = verify_json(&[s(&d), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true);
    assert_eq!(r["release"]["name"], NAME);
    assert_eq!(r["release"]["version"], "1.0.0");
    let id = format!("sha256:{}", {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(payload_of(&rec)))
    });
    assert_eq!(r["record_id"], id.as_str());
    assert_eq!(r["tree"]["matched"], 9);
    assert_eq!(r["signers"].as_array().unwrap().len(), 1);
    for c in r["checks"].as_array().unwrap() {
        assert_ne!(c["outcome"], "fail", "{c}");
    }
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
    assert_check(
        &r,
        "signature",
        "threshold",
        "fail",
        &["below threshold: 1 of 2"],
    );
}

/// Builds a variant of `rec` whose signature list is `f(signatures)`.
pub(crate) fn with_signatures(rec: &Path, out: &Path, f: impl FnOnce(&mut Vec<Value>)) {
    let mut env = read_json(rec);
    let mut sigs = env["signatures"].as_array().unwrap().clone();
    f(&mut sigs);
    env["signatures"] = Value::Array(sigs);
    write_json(out, &env);
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
    assert_check(&r, "signature", "threshold", "pass", &["2 of 2"]);
    assert_eq!(r["signers"].as_array().unwrap().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Writing records.

/// Runs `sign` as an unprivileged user when we are privileged (root ignores directory modes).
/// Returns None (and says so) when that is impossible.
#[cfg(unix)]
fn run_unprivileged(t: &Path, args: &[&str]) -> Option<Output> {
    use std::os::unix::process::CommandExt;
    let probe = t.join("ro").join("probe");
    if std::fs::write(&probe, "x").is_err() {
        return Some(sceau(args));
    }
    std::fs::remove_file(&probe).unwrap();
    // Privileged: hand the temp tree to `nobody` and run as it.
    fn chown_all(p: &Path) {
        let _ = std::os::unix::fs::lchown(p, Some(65534), Some(65534));
        if p.is_dir() && !p.is_symlink() {
            for e in std::fs::read_dir(p).unwrap().flatten() {
                chown_all(&e.path());
            }
        }
    }
    chown_all(t);
    let o = Command::new(bin())
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env_remove("SCEAU_PASSPHRASE")
        .uid(65534)
        .gid(65534)
        .output();
    match o {
        Ok(o) => Some(o),
        Err(e) => {
            eprintln!("skipped: cannot drop privileges to test a read-only folder: {e}");
            None
        }
    }
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
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("cannot create a temporary file in"),
        "{}",
        stderr(&o)
    );
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
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, public) = keygen(t.path(), "alice");
    // A large sparse file keeps the scan busy for a while without using disk space.
    let big = std::fs::File::create(d.join("big.bin")).unwrap();
    big.set_len(512 << 20).unwrap();
    drop(big);
    let rec = t.path().join("out").join("r.json");
    std::fs::create_dir(rec.parent().unwrap()).unwrap();
    let mut child = Command::new(bin())
        .args([
            "sign",
            s(&d),
            "--key",
            s(&key),
            "-o",
            s(&rec),
            "--version",
            "1",
            "-q",
        ])
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
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
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
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
        assert_exit(&o, 2);
        assert!(stderr(&o).contains("already signed"), "{}", stderr(&o));
        assert!(stderr(&o).contains(&key_id(k)), "{}", stderr(&o));
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
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("already signed"), "{}", stderr(&o));
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
    let o = sceau(&["verify", "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.starts_with("VERIFIED"), "{out}");
    assert!(out.contains("no file"), "{out}");
    assert_line(&out, "skip", "tree", "files", &["no folder given"]);

    let (o, r) = verify_json(&["--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true);
    assert_eq!(r["tree"], Value::Null);
    assert_check(&r, "tree", "files", "skipped", &["no file was checked"]);
    let tree: Vec<&Value> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["stage"] == "tree")
        .collect();
    assert_eq!(tree.len(), 1, "{tree:?}");
}

#[test]
fn verify_record_alone_still_checks_signatures() {
    let (t, _d, _k, _public, rec) = signed();
    let (_, mallory) = keygen(t.path(), "mallory");
    let (o, r) = verify_json(&["--record", s(&rec), "--key", s(&mallory)]);
    assert_exit(&o, 1);
    assert_check(&r, "signature", "threshold", "fail", &["below threshold"]);
}

#[test]
fn inspect_says_not_verified() {
    let (t, _d, _k, public, rec) = signed();
    let (bob_key, _) = keygen(t.path(), "bob");
    countersign(&rec, &bob_key);
    let o = sceau(&["inspect", s(&rec)]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.starts_with("NOT VERIFIED"), "{out}");
    assert!(out.contains("example-org/tiny-llm 1.0.0"), "{out}");
    // The keyids as written: securesystemslib's for each key (spec/keys.md §1.3).
    let o = sceau(&["key", "show", s(&public), "--json"]);
    let shown: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(out.contains(shown["dsse_keyid"].as_str().unwrap()), "{out}");
    assert!(out.contains("weights"), "{out}");

    let o = sceau(&["inspect", s(&rec), "--json"]);
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["verified"], false);
    assert!(v["warning"].as_str().unwrap().contains("NOT VERIFIED"));
    assert_eq!(v["release"]["name"], NAME);
    assert_eq!(v["signature_keyids"].as_array().unwrap().len(), 2);

    // A forged record is shown just the same: inspect checks nothing.
    let mut env = read_json(&rec);
    env["signatures"][0]["sig"] = b64_encode(&[0u8; 64]).into();
    write_json(&rec, &env);
    let o = sceau(&["inspect", s(&rec)]);
    assert_exit(&o, 0);
    assert!(stdout(&o).starts_with("NOT VERIFIED"));
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
    assert_exit(&o, 1);
    assert_check(
        &r,
        "tree",
        "modified",
        "fail",
        &["model.safetensors", &before],
    );
}
