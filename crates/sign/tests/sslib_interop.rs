//! securesystemslib's DEFAULT path and sceau agree on DSSE envelopes, for Ed25519 and ECDSA
//! keys (spec/keys.md §1.3): securesystemslib verifies what sceau signs with a key made by
//! `SSlibKey.from_crypto(public)` and nothing else — it finds sceau's signatures because sceau
//! writes the keyid securesystemslib computes by default — and sceau verifies what
//! securesystemslib's `CryptoSigner` signs, including its (possibly high-s) ECDSA signatures.
//!
//! The interpreter is `$SCEAU_PYTHON`, else `python3`; the scripts are in `tests/interop/`.
//! Without `securesystemslib[crypto]` the tests say "skipped" and pass, unless
//! `SCEAU_REQUIRE_INTEROP=1` (CI), where they fail.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sceau_core::dsse::{Envelope, PAYLOAD_TYPE_INTOTO};
use sceau_sign::{countersign, sign_envelope, signers, KeyAlgorithm, PublicKey, SecretKey};

fn python() -> Option<String> {
    let py = std::env::var("SCEAU_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&py)
        .args([
            "-c",
            "import securesystemslib.dsse, securesystemslib.signer, cryptography",
        ])
        .output();
    let why = match probe {
        Ok(o) if o.status.success() => return Some(py),
        Ok(o) => format!(
            "{py} cannot import securesystemslib[crypto]: {}",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => format!("cannot run {py}: {e}"),
    };
    if std::env::var("SCEAU_REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!("SCEAU_REQUIRE_INTEROP=1 but {why}");
    }
    eprintln!("skipped: {why} (pip install 'securesystemslib[crypto]', or set SCEAU_PYTHON)");
    None
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/interop")
        .join(name)
}

fn run(py: &str, name: &str, args: &[&Path]) -> Output {
    Command::new(py)
        .arg(script(name))
        .args(args)
        .output()
        .expect("run python")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const PAYLOAD: &[u8] = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[]}"#;

/// securesystemslib's verdict on `env` under `key`, with its default keyid for the key.
fn sslib_verifies(py: &str, dir: &Path, env: &Envelope, key: &PublicKey) -> (bool, String) {
    let env_path = dir.join("env.json");
    let pem_path = dir.join("key.pem");
    std::fs::write(&env_path, env.to_json()).unwrap();
    std::fs::write(&pem_path, key.to_spki_pem()).unwrap();
    let o = run(py, "verify_record.py", &[&env_path, &pem_path]);
    assert!(
        !text(&o.stderr).contains("Traceback"),
        "python failed:\n{}",
        text(&o.stderr)
    );
    (o.status.success(), text(&o.stdout))
}

#[test]
fn securesystemslib_default_keys_verify_what_sceau_signs() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut rng = rand::rngs::OsRng;
    let keys: Vec<SecretKey> = KeyAlgorithm::ALL
        .into_iter()
        .map(|a| SecretKey::generate_with(a, &mut rng))
        .collect();
    for key in &keys {
        let env = sign_envelope(PAYLOAD_TYPE_INTOTO, PAYLOAD.to_vec(), key).unwrap();
        let (ok, out) = sslib_verifies(&py, dir.path(), &env, &key.public());
        assert!(ok, "{}: {out}", key.algorithm());
        assert!(out.starts_with("OK application/vnd.in-toto+json"), "{out}");
        // A changed payload is refused by securesystemslib too.
        let mut tampered = env.clone();
        tampered.payload[3] ^= 1;
        let (ok, out) = sslib_verifies(&py, dir.path(), &tampered, &key.public());
        assert!(!ok && out.starts_with("FAIL"), "{out}");
    }
    // One envelope countersigned with every algorithm verifies under each key.
    let mut env = sign_envelope(PAYLOAD_TYPE_INTOTO, PAYLOAD.to_vec(), &keys[0]).unwrap();
    for key in &keys[1..] {
        countersign(&mut env, key).unwrap();
    }
    for key in &keys {
        let (ok, out) = sslib_verifies(&py, dir.path(), &env, &key.public());
        assert!(ok, "{}: {out}", key.algorithm());
    }
    // A key that did not sign is not accepted.
    let stranger = SecretKey::generate_with(KeyAlgorithm::EcdsaP256, &mut rng).public();
    let (ok, out) = sslib_verifies(&py, dir.path(), &env, &stranger);
    assert!(!ok, "{out}");
}

#[test]
fn sceau_verifies_what_securesystemslib_signs() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let payload_path = dir.path().join("payload.json");
    std::fs::write(&payload_path, PAYLOAD).unwrap();
    for alg in KeyAlgorithm::ALL {
        let env_path = dir.path().join(format!("{alg}.json"));
        let pem_path = dir.path().join(format!("{alg}.pem"));
        let o = Command::new(&py)
            .arg(script("sslib_sign.py"))
            .arg(alg.name())
            .args([&payload_path, &env_path, &pem_path])
            .output()
            .expect("run python");
        assert!(o.status.success(), "{alg}: {}", text(&o.stderr));
        let keyid = text(&o.stdout).trim().to_owned();

        let env = Envelope::from_json(&std::fs::read(&env_path).unwrap()).unwrap();
        let (key, _) = PublicKey::parse(&std::fs::read_to_string(&pem_path).unwrap()).unwrap();
        assert_eq!(key.algorithm(), alg);
        assert_eq!(env.payload, PAYLOAD);
        // securesystemslib's keyid for the key is the one sceau computes and writes.
        assert_eq!(env.signatures[0].keyid, keyid);
        assert_eq!(key.dsse_keyid(), keyid, "{alg}");
        assert_eq!(signers(&env, &[key, key]), vec![(0, key)], "{alg}");

        // sceau countersigns it, and each key is found once.
        let mut env = env;
        let ours = SecretKey::generate_with(alg, &mut rand::rngs::OsRng);
        countersign(&mut env, &ours).unwrap();
        let found = signers(&env, &[ours.public(), key]);
        assert_eq!(found, vec![(0, key), (1, ours.public())], "{alg}");
    }
}
