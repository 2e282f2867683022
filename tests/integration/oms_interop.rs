//! OpenSSF Model Signing both ways with the real tools, through sceau's command line:
//! `model_signing` 1.1.1 (PyPI) signs, `sceau verify` checks and names what changed; `sceau sign
//! --oms` writes, `model_signing verify key` accepts; a certificate chain made with the `openssl`
//! command; the Sigstore public-good trusted root as the `sigstore` package ships it; and the npm
//! `@sigstore/verify` package verifying `sceau sign --bundle` records.
//!
//! Python is `$SCEAU_PYTHON` (with `model-signing==1.1.1 pyopenssl sigstore`, as `.ci/run`
//! installs them), else `python3`; the npm packages are found in `$SCEAU_NODE_MODULES`, else
//! `target/npm/node_modules`. Without them the tests print "skipped" and pass, unless
//! `SCEAU_REQUIRE_INTEROP=1` (CI), where they fail.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::*;
use crate::oms::{
    assert_oms_verified, model_folder, mt, p256_key, sign_both, MT_IDENTITY, MT_ISSUER,
};

fn skip_or_fail(why: &str, fix: &str) {
    if std::env::var("SCEAU_REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!("SCEAU_REQUIRE_INTEROP=1 but {why}");
    }
    eprintln!("skipped: {why} ({fix})");
}

/// The interpreter with model_signing 1.1.1, pyOpenSSL and sigstore, or `None` after saying
/// "skipped".
fn python() -> Option<String> {
    let py = std::env::var("SCEAU_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&py)
        .args([
            "-c",
            "import importlib.metadata as m, OpenSSL, sigstore, model_signing; \
             print(m.version('model-signing'))",
        ])
        .output();
    let why = match probe {
        Ok(o) if o.status.success() && stdout(&o).trim() == "1.1.1" => return Some(py),
        Ok(o) if o.status.success() => format!("{py} has model-signing {}", stdout(&o).trim()),
        Ok(o) => format!(
            "{py} cannot import model_signing, OpenSSL and sigstore: {}",
            stderr(&o).lines().last().unwrap_or("")
        ),
        Err(e) => format!("cannot run {py}: {e}"),
    };
    skip_or_fail(
        &why,
        "pip install model-signing==1.1.1 pyopenssl sigstore, or set SCEAU_PYTHON",
    );
    None
}

/// `python -m model_signing ARGS`.
fn model_signing(py: &str, args: &[&str]) -> Output {
    Command::new(py)
        .args(["-m", "model_signing"])
        .args(args)
        .output()
        .expect("run model_signing")
}

#[track_caller]
fn assert_ran(o: &Output, what: &str) {
    assert!(o.status.success(), "{what}: {}{}", stdout(o), stderr(o));
}

/// Runs the `openssl` command, asserting success.
#[track_caller]
fn openssl(args: &[&str]) {
    let o = Command::new("openssl").args(args).output();
    match o {
        Ok(o) => assert_ran(&o, &format!("openssl {args:?}")),
        Err(e) => panic!("openssl {args:?}: {e}"),
    }
}

/// Whether the `openssl` command runs (else "skipped").
fn has_openssl() -> bool {
    match Command::new("openssl").arg("version").output() {
        Ok(o) if o.status.success() => true,
        _ => {
            skip_or_fail("no openssl command", "apt-get install openssl");
            false
        }
    }
}

/// A P-256 key pair made by `openssl genpkey` / `openssl pkey -pubout`: (private, public).
fn openssl_p256(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let private = dir.join(format!("{name}.key.pem"));
    let public = dir.join(format!("{name}.pub.pem"));
    openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        s(&private),
    ]);
    openssl(&["pkey", "-in", s(&private), "-pubout", "-out", s(&public)]);
    (private, public)
}

#[test]
fn model_signing_signs_with_a_p256_key_and_sceau_names_a_changed_byte() {
    let Some(py) = python() else { return };
    if !has_openssl() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = model_folder(t.path());
    let (private, public) = openssl_p256(t.path(), "signer");
    let sig = dir.join("model.sig");
    let o = model_signing(
        &py,
        &[
            "sign",
            "key",
            "--private_key",
            s(&private),
            "--signature",
            s(&sig),
            s(&dir),
        ],
    );
    assert_ran(&o, "model_signing sign key");
    let (o, r) = verify_json(&[s(&dir), "--record", s(&sig), "--key", s(&public)]);
    assert_oms_verified(&o, &r);
    assert_eq!(r["oms"]["resources"], 6, "{r:#}");

    // One byte changed: exit 1, the file named with both digests; model_signing agrees.
    let file = dir.join("a/b");
    let signed = sha256_file(&file);
    flip_byte(&file, 1);
    let now = sha256_file(&file);
    let (o, r) = verify_json(&[s(&dir), "--record", s(&sig), "--key", s(&public)]);
    assert_only_failure(&o, &r, "tree", "modified", &["a/b", &signed, &now]);
    let o = model_signing(
        &py,
        &[
            "verify",
            "key",
            "--public_key",
            s(&public),
            "--signature",
            s(&sig),
            s(&dir),
        ],
    );
    assert!(!o.status.success(), "model_signing accepted a changed file");
}

#[test]
fn model_signing_accepts_what_sceau_sign_oms_writes() {
    let Some(py) = python() else { return };
    let t = tempfile::tempdir().unwrap();
    let dir = model_folder(t.path());
    std::fs::create_dir_all(dir.join("logs")).unwrap();
    std::fs::write(dir.join("logs/run.tmp"), b"excluded").unwrap();
    std::fs::write(dir.join("notes.tmp"), b"excluded").unwrap();
    let (key, public) = p256_key(t.path(), "maintainer");
    // The key as SPKI PEM, which model_signing reads (`sceau key show` prints it).
    let o = sceau(&["key", "show", s(&public), "--json"]);
    assert_exit(&o, 0);
    let pem = t.path().join("maintainer.spki.pem");
    let show = json_out(&o);
    let spki = show["spki_pem"]
        .as_str()
        .or_else(|| show["encodings"]["spki_pem"].as_str())
        .unwrap_or_else(|| panic!("no SPKI PEM in {show:#}"));
    std::fs::write(&pem, spki).unwrap();
    let (record, sig) = sign_both(&dir, &key, &["--exclude", "logs/", "--exclude", "*.tmp"]);
    let o = model_signing(
        &py,
        &[
            "verify",
            "key",
            "--public_key",
            s(&pem),
            "--signature",
            s(&sig),
            s(&dir),
        ],
    );
    assert_ran(&o, "model_signing verify key");
    // And sceau verifies both, tied by the root.
    let (o, r) = verify_json(&[
        s(&dir),
        "--record",
        s(&record),
        "--key",
        s(&public),
        "--oms",
        s(&sig),
    ]);
    assert_exit(&o, 0);
    assert_eq!(outcome(&r, "signature", "oms-root"), PASS, "{r:#}");
    // One byte changed: both refuse.
    flip_byte(&dir.join("config.json"), 0);
    let o = model_signing(
        &py,
        &[
            "verify",
            "key",
            "--public_key",
            s(&pem),
            "--signature",
            s(&sig),
            s(&dir),
        ],
    );
    assert!(!o.status.success(), "model_signing accepted a changed file");
    let (o, r) = verify_json(&[s(&dir), "--record", s(&sig), "--key", s(&public)]);
    assert_only_failure(&o, &r, "tree", "modified", &["config.json"]);
}

/// A root CA, an intermediate CA and a P-256 code-signing certificate, made with the openssl
/// command in `dir`; plus an unrelated root. Returns the folder.
fn openssl_pki(dir: &Path) -> PathBuf {
    let pki = dir.join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    let p = |n: &str| pki.join(n);
    std::fs::write(
        p("ext.cnf"),
        "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n\
         [leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n\
         extendedKeyUsage=codeSigning\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    for (name, subject) in [
        ("root", "/CN=sceau test root"),
        ("other", "/CN=unrelated root"),
    ] {
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-384",
            "-nodes",
            "-keyout",
            s(&p(&format!("{name}.key"))),
            "-out",
            s(&p(&format!("{name}.pem"))),
            "-subj",
            subject,
            "-days",
            "3650",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
    }
    let issue = |name: &str, subject: &str, curve: &str, ca: &str, section: &str| {
        openssl(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            &format!("ec_paramgen_curve:{curve}"),
            "-nodes",
            "-keyout",
            s(&p(&format!("{name}.key"))),
            "-out",
            s(&p(&format!("{name}.csr"))),
            "-subj",
            subject,
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            s(&p(&format!("{name}.csr"))),
            "-CA",
            s(&p(&format!("{ca}.pem"))),
            "-CAkey",
            s(&p(&format!("{ca}.key"))),
            "-set_serial",
            "7",
            "-days",
            "365",
            "-extfile",
            s(&p("ext.cnf")),
            "-extensions",
            section,
            "-out",
            s(&p(&format!("{name}.pem"))),
        ]);
    };
    issue("int", "/CN=sceau test intermediate", "P-384", "root", "ca");
    issue("leaf", "/CN=model signer", "P-256", "int", "leaf");
    pki
}

#[test]
fn a_certificate_bundle_verifies_against_a_ca_chain_made_with_openssl() {
    let Some(py) = python() else { return };
    if !has_openssl() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let pki = openssl_pki(t.path());
    let dir = model_folder(t.path());
    let sig = dir.join("model.sig");
    let o = model_signing(
        &py,
        &[
            "sign",
            "certificate",
            "--private_key",
            s(&pki.join("leaf.key")),
            "--signing_certificate",
            s(&pki.join("leaf.pem")),
            "--certificate_chain",
            s(&pki.join("int.pem")),
            "--signature",
            s(&sig),
            s(&dir),
        ],
    );
    assert_ran(&o, "model_signing sign certificate");
    let root = pki.join("root.pem");
    let (o, r) = verify_json(&[s(&dir), "--record", s(&sig), "--cert-chain", s(&root)]);
    assert_oms_verified(&o, &r);
    assert_check(
        &r,
        "signature",
        "threshold",
        PASS,
        &["model signer", "sceau test root"],
    );
    let other = pki.join("other.pem");
    let (o, r) = verify_json(&[s(&dir), "--record", s(&sig), "--cert-chain", s(&other)]);
    assert_only_failure(&o, &r, "signature", "threshold", &["other.pem"]);
    // model_signing's own verification of the same bundle agrees.
    let o = model_signing(
        &py,
        &[
            "verify",
            "certificate",
            "--signature",
            s(&sig),
            "--certificate_chain",
            s(&root),
            s(&dir),
        ],
    );
    assert_ran(&o, "model_signing verify certificate");
}

#[test]
fn shards_and_every_hash_type_verify_through_the_command_line() {
    let Some(py) = python() else { return };
    let t = tempfile::tempdir().unwrap();
    let helper = project_file("crates/oms/tests/oms/helper.py");
    let private = t.path().join("k.pem");
    let public = t.path().join("k.pub.pem");
    let o = Command::new(&py)
        .args([s(&helper), "keygen", "P-256", s(&private), s(&public)])
        .output()
        .unwrap();
    assert_ran(&o, "helper keygen");
    for (method, hash, shard) in [
        ("files", "sha256", "0"),
        ("files", "blake2", "0"),
        ("files", "blake3", "0"),
        ("shards", "sha256", "1000"),
        ("shards", "blake2", "1000"),
    ] {
        let case = t.path().join(format!("{method}-{hash}"));
        std::fs::create_dir_all(&case).unwrap();
        let dir = model_folder(&case);
        let sig = case.join("model.sig");
        let o = Command::new(&py)
            .args([
                s(&helper),
                "sign-model",
                s(&private),
                s(&dir),
                s(&sig),
                method,
                hash,
                shard,
            ])
            .output()
            .unwrap();
        assert_ran(&o, &format!("model_signing {method} {hash}"));
        let (o, r) = verify_json(&[s(&dir), "--record", s(&sig), "--key", s(&public)]);
        assert_oms_verified(&o, &r);
        let want_hash = if hash == "blake2" { "blake2b" } else { hash };
        assert_eq!(r["oms"]["hash_type"], want_hash, "{r:#}");
        flip_byte(&dir.join("model.safetensors"), 3000);
        let (o, r) = verify_json(&[s(&dir), "--record", s(&sig), "--key", s(&public)]);
        assert_only_failure(&o, &r, "tree", "modified", &["model.safetensors"]);
    }
}

#[test]
fn keyless_verifies_under_the_trusted_root_the_sigstore_package_ships() {
    let Some(py) = python() else { return };
    let o = Command::new(&py)
        .args([
            "-c",
            "import pathlib, sigstore; p = next(pathlib.Path(sigstore.__file__).parent.glob(\
             '_store/*tuf-repo-cdn.sigstore.dev*/trusted_root.json')); print(p)",
        ])
        .output()
        .unwrap();
    assert_ran(&o, "find sigstore's trusted root");
    let root = stdout(&o).trim().to_owned();
    let dir = mt("v1.1.0-sigstore");
    let sig = dir.join("model.sig");
    let run = |identity: &str, issuer: &str| {
        verify_json(&[
            s(&dir),
            "--record",
            s(&sig),
            "--trusted-root",
            &root,
            "--identity",
            identity,
            "--issuer",
            issuer,
        ])
    };
    let (o, r) = run(MT_IDENTITY, MT_ISSUER);
    assert_oms_verified(&o, &r);
    let (o, r) = run("mallory@example.com", MT_ISSUER);
    assert_only_failure(&o, &r, "signature", "threshold", &["mallory@example.com"]);
    let (o, r) = run(MT_IDENTITY, "https://token.actions.githubusercontent.com");
    assert_only_failure(&o, &r, "signature", "threshold", &["token.actions"]);
}

/// The folder holding `@sigstore/verify` and `@sigstore/bundle`, and `node`, or `None` after
/// saying "skipped".
fn sigstore_js() -> Option<PathBuf> {
    let modules = std::env::var_os("SCEAU_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_file("target/npm/node_modules"));
    let why = match Command::new("node").arg("--version").output() {
        Err(e) => format!("cannot run node: {e}"),
        Ok(_) if !modules.join("@sigstore/verify/package.json").is_file() => {
            format!("no @sigstore/verify in {}", modules.display())
        }
        Ok(_) => return Some(modules),
    };
    skip_or_fail(
        &why,
        "npm install --prefix target/npm @sigstore/verify@3.1.1 @sigstore/bundle@4.0.0, or set \
         SCEAU_NODE_MODULES",
    );
    None
}

fn node_verify(modules: &Path, bundle: &Path, public_pem: &Path, hint: &str) -> (Output, Value) {
    let o = Command::new("node")
        .env("NODE_PATH", modules)
        .arg(project_file("tests/interop/sigstore_verify.js"))
        .args([s(bundle), s(public_pem), hint])
        .output()
        .expect("run node");
    let v = serde_json::from_str(stdout(&o).trim()).unwrap_or(Value::Null);
    (o, v)
}

#[test]
fn the_npm_sigstore_verifier_accepts_records_written_with_bundle() {
    let Some(modules) = sigstore_js() else { return };
    let t = tempfile::tempdir().unwrap();
    let dir = model_folder(t.path());
    for (label, key, public) in [
        ("p256", p256_key(t.path(), "ec").0, t.path().join("ec.pub")),
        ("ed25519", keygen(t.path(), "ed").0, t.path().join("ed.pub")),
    ] {
        let bundle = t.path().join(format!("{label}.sigstore.json"));
        sign_release(&dir, &key, &bundle, "org/model", "1.0", &["--bundle"]);
        let o = sceau(&["key", "show", s(&public), "--json"]);
        let show = json_out(&o);
        let spki = show["spki_pem"]
            .as_str()
            .or_else(|| show["encodings"]["spki_pem"].as_str())
            .unwrap_or_else(|| panic!("no SPKI PEM in {show:#}"));
        let pem = t.path().join(format!("{label}.spki.pem"));
        std::fs::write(&pem, spki).unwrap();
        let b = read_json(&bundle);
        let hint = b["verificationMaterial"]["publicKey"]["hint"]
            .as_str()
            .unwrap()
            .to_owned();
        let (o, v) = node_verify(&modules, &bundle, &pem, &hint);
        assert!(o.status.success(), "{label}: {}{}", stdout(&o), stderr(&o));
        assert_eq!(v["verified"], true);
        // It verified the very payload sceau signed: the record id is its SHA-256.
        let (_, r) = verify_json(&[s(&dir), "--record", s(&bundle), "--key", s(&public)]);
        assert_eq!(
            r["record_id"],
            format!("sha256:{}", v["payloadSha256"].as_str().unwrap())
        );
        // A changed payload byte, and another key, are refused.
        let mut forged = b.clone();
        let payload = b64_decode(forged["dsseEnvelope"]["payload"].as_str().unwrap());
        let changed = String::from_utf8(payload)
            .unwrap()
            .replacen("org/model", "org/modem", 1);
        forged["dsseEnvelope"]["payload"] = b64_encode(changed.as_bytes()).into();
        let f = t.path().join(format!("{label}.forged.json"));
        write_json(&f, &forged);
        let (o, v) = node_verify(&modules, &f, &pem, &hint);
        assert_eq!(o.status.code(), Some(1), "{v}");
        let other = if label == "p256" { "ed" } else { "ec" };
        let other_pem = t.path().join(format!("{other}.spki.pem"));
        if other_pem.exists() {
            let (o, _) = node_verify(&modules, &bundle, &other_pem, &hint);
            assert_eq!(o.status.code(), Some(1));
        }
    }
}
