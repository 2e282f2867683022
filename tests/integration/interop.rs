//! Records are plain DSSE: Python `securesystemslib`, an implementation independent of sceau's,
//! verifies what sceau signs, and sceau verifies what securesystemslib signs
//! (helpers in `tests/interop/*.py`).
//!
//! The interpreter is `$SCEAU_PYTHON`, else `python3`. Without `securesystemslib[crypto]` the
//! tests say "skipped" and pass, unless `SCEAU_REQUIRE_INTEROP=1` (CI), where they fail.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::*;

/// The Python interpreter to use, or None (with a "skipped" message) when it lacks
/// securesystemslib and interop is not required.
fn python() -> Option<String> {
    let py = std::env::var("SCEAU_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&py)
        .args([
            "-c",
            "import securesystemslib, securesystemslib.dsse, securesystemslib.signer, \
             cryptography; print(securesystemslib.__version__)",
        ])
        .output();
    let why = match probe {
        Ok(o) if o.status.success() => return Some(py),
        Ok(o) => format!(
            "{py} cannot import securesystemslib[crypto]: {}",
            stderr(&o).lines().last().unwrap_or("")
        ),
        Err(e) => format!("cannot run {py}: {e}"),
    };
    if std::env::var("SCEAU_REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!("SCEAU_REQUIRE_INTEROP=1 but {why}");
    }
    eprintln!(
        "skipped: {why} (pip install 'securesystemslib[crypto]', or set SCEAU_PYTHON to an \
         interpreter that has it)"
    );
    None
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop")
        .join(name)
}

fn py_run(py: &str, name: &str, args: &[&str]) -> Output {
    let mut c = Command::new(py);
    c.arg(script(name)).args(args);
    c.output().expect("run python")
}

/// The signer's SPKI PEM, as `sceau key show --json` prints it, written to `dir/NAME.spki.pem`.
fn spki_pem(public: &Path, dir: &Path) -> PathBuf {
    let o = sceau(&["key", "show", s(public), "--json"]);
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let stem = public.file_stem().unwrap().to_str().unwrap();
    let p = dir.join(format!("{stem}.spki.pem"));
    std::fs::write(&p, v["spki_pem"].as_str().expect("spki_pem")).unwrap();
    p
}

/// securesystemslib's verdict on `record` under `public`, the key made with
/// `SSlibKey.from_crypto` and its default keyid (spec/keys.md §1.3).
fn ssl_verifies(py: &str, record: &Path, public: &Path, dir: &Path) -> (bool, String) {
    let pem = spki_pem(public, dir);
    let o = py_run(py, "verify_record.py", &[s(record), s(&pem)]);
    let e = stderr(&o);
    assert!(
        !e.contains("Traceback"),
        "python failed:\n{e}\nstdout:\n{}",
        stdout(&o)
    );
    (o.status.success(), stdout(&o))
}

#[test]
fn securesystemslib_verifies_a_sceau_record() {
    let Some(py) = python() else { return };
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, public) = keygen(t.path(), "alice");
    let rec = t.path().join("r.sceau.json");
    sign(&d, &key, &rec);
    let (ok, out) = ssl_verifies(&py, &rec, &public, t.path());
    assert!(ok, "{out}");
    assert!(out.starts_with("OK application/vnd.in-toto+json"), "{out}");

    // A countersigned record verifies under each maintainer's key.
    let (bob_key, bob) = keygen(t.path(), "bob");
    countersign(&rec, &bob_key);
    for p in [&public, &bob] {
        let (ok, out) = ssl_verifies(&py, &rec, p, t.path());
        assert!(ok, "{out}");
    }
}

/// The "Done when", end to end: the record that a 2-of-3 policy accepts is the one
/// securesystemslib verifies, under both signers' keys.
#[test]
fn done_when_securesystemslib_verifies_the_record_the_policy_accepts() {
    let Some(py) = python() else { return };
    let team = crate::policy::Team::new();
    let (o, r) = team.verify(&team.record, &[]);
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true);
    for i in 0..2 {
        let (ok, out) = ssl_verifies(&py, &team.record, team.public(i), team.t.path());
        assert!(ok, "{out}");
    }
    // The third maintainer did not sign: securesystemslib finds no signature of hers.
    let (ok, out) = ssl_verifies(&py, &team.record, team.public(2), team.t.path());
    assert!(!ok, "{out}");
}

#[test]
fn securesystemslib_rejects_a_tampered_sceau_record() {
    let Some(py) = python() else { return };
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, public) = keygen(t.path(), "alice");
    let rec = t.path().join("r.sceau.json");
    sign(&d, &key, &rec);

    // One payload byte flipped.
    let mut env = read_json(&rec);
    let mut payload = payload_of(&rec);
    payload[50] ^= 0x01;
    env["payload"] = b64_encode(&payload).into();
    let flipped = t.path().join("flipped.json");
    write_json(&flipped, &env);
    let (ok, out) = ssl_verifies(&py, &flipped, &public, t.path());
    assert!(!ok, "{out}");
    assert!(out.starts_with("FAIL"), "{out}");

    // The payload type changed (it is covered by the signature, DSSE PAE).
    let mut env = read_json(&rec);
    env["payloadType"] = "application/json".into();
    let retyped = t.path().join("retyped.json");
    write_json(&retyped, &env);
    let (ok, out) = ssl_verifies(&py, &retyped, &public, t.path());
    assert!(!ok, "{out}");

    // Another key.
    let (_, mallory) = keygen(t.path(), "mallory");
    let (ok, out) = ssl_verifies(&py, &rec, &mallory, t.path());
    assert!(!ok, "{out}");

    // sceau agrees on each.
    for r in [&flipped, &retyped] {
        let (o, _) = verify_json(&[s(&d), "--record", s(r), "--key", s(&public)]);
        assert_exit(&o, 1);
    }
}

#[test]
fn securesystemslib_verifies_a_sceau_policy_envelope() {
    let Some(py) = python() else { return };
    let t = tempfile::tempdir().unwrap();
    let (a_key, a) = keygen(t.path(), "alice");
    let (_, b) = keygen(t.path(), "bob");
    let p = t.path().join("p.json");
    let o = sceau(&[
        "policy",
        "init",
        "--maintainer",
        s(&a),
        "--maintainer",
        s(&b),
        "--threshold",
        "1",
        "--expires",
        "2030-01-01",
        "--key",
        s(&a_key),
        "-o",
        s(&p),
    ]);
    assert_exit(&o, 0);
    let (ok, out) = ssl_verifies(&py, &p, &a, t.path());
    assert!(ok, "{out}");
    assert!(
        out.starts_with("OK application/vnd.sceau.policy+json"),
        "{out}"
    );
}

/// securesystemslib signs the payload of a sceau record with its own fresh key: returns the
/// envelope and the SPKI PEM public key it wrote.
fn ssl_sign(py: &str, rec: &Path, dir: &Path, payload_type: Option<&str>) -> (PathBuf, PathBuf) {
    let env = dir.join("ssl.sceau.json");
    let pem = dir.join("ssl.pub.pem");
    let mut args = vec![s(rec), s(&env), s(&pem)];
    args.extend(payload_type);
    let o = py_run(py, "sign_envelope.py", &args);
    assert!(
        o.status.success(),
        "python failed:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    (env, pem)
}

#[test]
fn sceau_verifies_an_envelope_signed_by_securesystemslib() {
    let Some(py) = python() else { return };
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, _) = keygen(t.path(), "alice");
    let rec = t.path().join("r.json");
    sign(&d, &key, &rec);
    let (env, pem) = ssl_sign(&py, &rec, t.path(), None);
    assert_eq!(payload_of(&env), payload_of(&rec));
    // securesystemslib's keyid is its own (64 hex digits), not sceau's: it is only a hint.
    let ssl_keyid = read_json(&env)["signatures"][0]["keyid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(ssl_keyid, key_id(&pem));

    let (o, r) = verify_json(&[s(&d), "--record", s(&env), "--key", s(&pem)]);
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true);
    assert_eq!(r["signers"][0]["key_id"], key_id(&pem).as_str());
    assert_eq!(r["tree"]["matched"], 9);

    // And it is a full record: a changed file is still caught.
    flip_byte(&d.join("model.safetensors"), 10);
    let (o, r) = verify_json(&[s(&d), "--record", s(&env), "--key", s(&pem)]);
    assert_exit(&o, 1);
    assert_check(&r, "tree", "modified", "fail", &["model.safetensors"]);
}

#[test]
fn sceau_countersigns_an_envelope_signed_by_securesystemslib() {
    let Some(py) = python() else { return };
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, _) = keygen(t.path(), "alice");
    let rec = t.path().join("r.json");
    sign(&d, &key, &rec);
    let (env, pem) = ssl_sign(&py, &rec, t.path(), None);
    let (bob_key, bob) = keygen(t.path(), "bob");
    countersign(&env, &bob_key);
    assert_eq!(payload_of(&env), payload_of(&rec));
    let (o, r) = verify_json(&[
        s(&d),
        "--record",
        s(&env),
        "--key",
        s(&pem),
        "--key",
        s(&bob),
        "--threshold",
        "2",
    ]);
    assert_exit(&o, 0);
    assert_eq!(r["signers"].as_array().unwrap().len(), 2);
    // securesystemslib accepts sceau's added signature in the mixed envelope.
    let (ok, out) = ssl_verifies(&py, &env, &bob, t.path());
    assert!(ok, "{out}");
}

#[test]
fn sceau_refuses_a_securesystemslib_envelope_with_another_payload_type() {
    let Some(py) = python() else { return };
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, _) = keygen(t.path(), "alice");
    let rec = t.path().join("r.json");
    sign(&d, &key, &rec);
    let (env, pem) = ssl_sign(&py, &rec, t.path(), Some("application/json"));
    let (o, r) = verify_json(&[s(&d), "--record", s(&env), "--key", s(&pem)]);
    assert_exit(&o, 1);
    assert_check(
        &r,
        "parse",
        "payload-type",
        "fail",
        &["\"application/json\""],
    );
}
