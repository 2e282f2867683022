//! Interop with the reference implementation, `model_signing` 1.1.1 (PyPI), run as
//! `$SCEAU_PYTHON -m model_signing`: it signs, sceau verifies and compares; sceau writes,
//! it verifies. Skipped with a note when the interpreter lacks it, unless
//! `SCEAU_REQUIRE_INTEROP=1`.
use std::path::Path;

use sceau_oms::{
    compare_tree, verify_certificate, verify_key, CaCertificates, CertificateTime, HashType,
    Method, OmsPublicKey, ResourceOrder, SigningMethod, TreeOptions, VerifyError,
};

use crate::common::*;
use crate::tree::sign_and_verify;

const JAN_2026: i64 = 1_767_225_600;

fn keygen(py: &str, dir: &Path, curve: &str) -> (String, String) {
    let private = dir.join(format!("{curve}.key"));
    let public = dir.join(format!("{curve}.pub"));
    helper(py, &["keygen", curve, s(&private), s(&public)]);
    (s(&private).to_owned(), s(&public).to_owned())
}

/// A P-256 key pair made by the `openssl` command (`genpkey`, then `pkey -pubout`), when the
/// machine has it; `None` otherwise (the caller falls back to Python's `cryptography`).
fn openssl_p256(dir: &Path) -> Option<(String, String)> {
    let private = dir.join("openssl.key");
    let public = dir.join("openssl.pub");
    let run = |args: &[&str]| {
        std::process::Command::new("openssl")
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let made = run(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        s(&private),
    ]) && run(&["pkey", "-in", s(&private), "-pubout", "-out", s(&public)]);
    made.then(|| (s(&private).to_owned(), s(&public).to_owned()))
}

fn opts(dir: &Path) -> TreeOptions {
    TreeOptions {
        signature: Some(dir.join("model.sig")),
        ..TreeOptions::default()
    }
}

fn assert_ok(o: &std::process::Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn model_signing_key_bundles_verify_and_a_changed_byte_names_its_file() {
    let Some(py) = python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample_model(tmp.path());
    // A key made by the openssl command when the machine has one, else by Python.
    let (private, public) =
        openssl_p256(tmp.path()).unwrap_or_else(|| keygen(&py, tmp.path(), "P-256"));
    let sig = dir.join("model.sig");
    let o = model_signing(
        &py,
        &[
            "sign",
            "key",
            "--private_key",
            &private,
            "--signature",
            s(&sig),
            s(&dir),
        ],
    );
    assert_ok(&o, "model_signing sign key");

    let b = bundle(&sig);
    assert_eq!(b.method(), SigningMethod::Key);
    let key = OmsPublicKey::from_pem(&std::fs::read(&public).unwrap()).unwrap();
    let v = verify_key(&b, &key).unwrap();
    // model_signing's order is by path components: a/b, a-c, a.txt.
    assert_eq!(v.statement().order, ResourceOrder::PosixPath);
    let names: Vec<String> = v
        .statement()
        .resources()
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    assert_eq!(&names[..3], ["a/b", "a-c", "a.txt"]);
    let cmp = compare_tree(&v, &dir, &opts(&dir)).unwrap();
    assert!(cmp.is_match(), "{cmp:?}");
    // Same tree, same order, same root: sceau computes model_signing's ROOT.
    assert_eq!(cmp.root_computed, v.statement().root);

    flip_last_byte(&dir.join("nested/deep/file.safetensors"));
    let cmp = compare_tree(&v, &dir, &opts(&dir)).unwrap();
    assert!(!cmp.is_match());
    assert_eq!(cmp.modified.len(), 1, "{cmp:?}");
    assert_eq!(cmp.modified[0].name, "nested/deep/file.safetensors");
    assert!(cmp.missing.is_empty() && cmp.extra.is_empty());
    // model_signing agrees.
    let o = model_signing(
        &py,
        &[
            "verify",
            "key",
            "--public_key",
            &public,
            "--signature",
            s(&sig),
            s(&dir),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn bundles_sceau_writes_pass_model_signing_verify_key() {
    let Some(py) = python() else { return };
    for (i, curve) in ["P-256", "P-384", "P-521"].into_iter().enumerate() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = sample_model(tmp.path());
        let signer = TestSigner::new(curve, 10 + i as u8);
        sign_and_verify(&dir, &signer);
        let public = tmp.path().join("signer.pub");
        signer.write_public(&public);
        let verify = || {
            model_signing(
                &py,
                &[
                    "verify",
                    "key",
                    "--public_key",
                    s(&public),
                    "--signature",
                    s(&dir.join("model.sig")),
                    s(&dir),
                ],
            )
        };
        let o = verify();
        assert_ok(&o, &format!("model_signing verify key ({curve})"));
        // A changed byte fails it too: model_signing really compared the files.
        flip_last_byte(&dir.join("weights.bin"));
        assert_eq!(verify().status.code(), Some(1), "{curve}");
    }
}

#[test]
fn certificate_bundles_verify_against_their_ca_only() {
    let Some(py) = python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let pki = tmp.path().join("pki");
    std::fs::create_dir(&pki).unwrap();
    helper(&py, &["pki", s(&pki)]);
    let dir = sample_model(tmp.path());
    let sig = dir.join("model.sig");
    let sign = |cert: &str, key: &str| {
        model_signing(
            &py,
            &[
                "sign",
                "certificate",
                "--private_key",
                s(&pki.join(key)),
                "--signing_certificate",
                s(&pki.join(cert)),
                "--certificate_chain",
                s(&pki.join("int.pem")),
                "--signature",
                s(&sig),
                s(&dir),
            ],
        )
    };
    assert_ok(
        &sign("leaf.pem", "leaf.key"),
        "model_signing sign certificate",
    );
    let ca =
        |name: &str| CaCertificates::from_pem(&std::fs::read(pki.join(name)).unwrap()).unwrap();
    let b = bundle(&sig);
    assert_eq!(b.method(), SigningMethod::Certificate);
    let v = verify_certificate(&b, &ca("root.pem"), CertificateTime::At(JAN_2026)).unwrap();
    assert!(compare_tree(&v, &dir, &opts(&dir)).unwrap().is_match());
    let e =
        verify_certificate(&b, &ca("other-root.pem"), CertificateTime::At(JAN_2026)).unwrap_err();
    assert!(matches!(e, VerifyError::Chain { .. }), "{e}");
    // Before the certificates' notBefore (2025-01-01): not yet valid.
    let e =
        verify_certificate(&b, &ca("root.pem"), CertificateTime::At(1_700_000_000)).unwrap_err();
    assert!(
        matches!(e, VerifyError::Chain { ref reason, .. } if reason.contains("not yet valid")),
        "{e}"
    );

    // A certificate that may only sign certificates.
    assert_ok(
        &sign("nousage.pem", "nousage.key"),
        "model_signing sign certificate (no usage)",
    );
    let b = bundle(&sig);
    let e = verify_certificate(&b, &ca("root.pem"), CertificateTime::At(JAN_2026)).unwrap_err();
    assert!(matches!(e, VerifyError::KeyUsage), "{e}");
}

#[test]
fn shards_blake2b_and_blake3_match_model_signing() {
    let Some(py) = python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (private, public) = keygen(&py, tmp.path(), "P-384");
    let key = OmsPublicKey::from_pem(&std::fs::read(&public).unwrap()).unwrap();
    for (method, hash, shard_size, expect_hash) in [
        ("shards", "sha256", "1000", HashType::Sha256),
        ("shards", "blake2", "4096", HashType::Blake2b),
        ("files", "blake2", "0", HashType::Blake2b),
        ("files", "blake3", "0", HashType::Blake3),
    ] {
        let dir = sample_model(&tmp.path().join(format!("{method}-{hash}")));
        // 12,000 bytes in 1,000-byte shards: 10000:11000 sorts after 2000:3000 (by number).
        std::fs::write(
            dir.join("weights.bin"),
            (0..12_000u32).map(|i| i as u8).collect::<Vec<_>>(),
        )
        .unwrap();
        let sig = dir.join("model.sig");
        helper(
            &py,
            &[
                "sign-model",
                &private,
                s(&dir),
                s(&sig),
                method,
                hash,
                shard_size,
            ],
        );
        let b = bundle(&sig);
        let v = verify_key(&b, &key).unwrap();
        let ser = v.statement().serialization();
        assert_eq!(ser.hash_type, expect_hash, "{method} {hash}");
        assert_eq!(
            v.statement().order,
            ResourceOrder::PosixPath,
            "{method} {hash}"
        );
        if method == "shards" {
            assert!(
                matches!(ser.method, Method::Shards { .. }),
                "{method} {hash}"
            );
        }
        let cmp = compare_tree(&v, &dir, &opts(&dir)).unwrap();
        assert!(cmp.is_match(), "{method} {hash}: {cmp:?}");
        assert_eq!(cmp.root_computed, v.statement().root, "{method} {hash}");
        flip_last_byte(&dir.join("weights.bin"));
        let cmp = compare_tree(&v, &dir, &opts(&dir)).unwrap();
        let expect = if method == "shards" && shard_size == "1000" {
            "weights.bin:11000:12000"
        } else if method == "shards" {
            "weights.bin:8192:12000"
        } else {
            "weights.bin"
        };
        assert_eq!(cmp.modified.len(), 1, "{method} {hash}: {cmp:?}");
        assert_eq!(cmp.modified[0].name, expect, "{method} {hash}");
    }
}

#[cfg(unix)]
#[test]
fn allow_symlinks_follows_file_links_like_model_signing() {
    let Some(py) = python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample_model(tmp.path());
    std::os::unix::fs::symlink("config.json", dir.join("link.json")).unwrap();
    std::os::unix::fs::symlink("nested", dir.join("dirlink")).unwrap();
    let (private, public) = keygen(&py, tmp.path(), "P-256");
    let sig = dir.join("model.sig");
    let o = model_signing(
        &py,
        &[
            "sign",
            "key",
            "--allow_symlinks",
            "--private_key",
            &private,
            "--signature",
            s(&sig),
            s(&dir),
        ],
    );
    assert_ok(&o, "model_signing sign key --allow_symlinks");
    let key = OmsPublicKey::from_pem(&std::fs::read(&public).unwrap()).unwrap();
    let v = verify_key(&bundle(&sig), &key).unwrap();
    assert!(v.statement().serialization().allow_symlinks);
    let names: Vec<String> = v
        .statement()
        .resources()
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    assert!(names.contains(&"link.json".to_owned()), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("dirlink")), "{names:?}");
    let cmp = compare_tree(&v, &dir, &opts(&dir)).unwrap();
    assert!(cmp.is_match(), "{cmp:?}");
}
