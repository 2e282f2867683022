//! OpenSSF Model Signing through the command line, no Python needed (spec/verify.md §6,
//! spec/oms.md): the OMS specification's vectors and model-transparency's bundles of every
//! version verify with `sceau verify` (key, certificate, keyless offline) into the same report
//! as a sceau record; `sceau inspect` shows what a bundle claims; `sceau sign --oms` publishes
//! both signatures over one tree, tied by the OMS root; `sceau sign --bundle` writes a record
//! as a Sigstore bundle that sceau verifies like the DSSE one.
//!
//! The reference implementation's side (model_signing signs, sceau verifies, and back; a CA
//! made with the openssl command; the npm Sigstore verifier) is in `oms_interop`.
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

/// `testdata/oms/…`.
pub fn oms_data(rel: &str) -> PathBuf {
    project_file("testdata/oms").join(rel)
}

/// model-transparency's fixture folder `NAME` (`testdata/oms/model-transparency/NAME`).
pub fn mt(name: &str) -> PathBuf {
    oms_data("model-transparency").join(name)
}

/// The public-good Sigstore identity that signed model-transparency's keyless fixtures.
pub const MT_IDENTITY: &str = "stefanb@us.ibm.com";
/// Its OIDC issuer.
pub const MT_ISSUER: &str = "https://sigstore.verify.ibm.com/oauth2";

/// The checks every OMS report lists, with the outcome of a passing verification of a folder.
const PASSING: [(&str, &str, &str); 9] = [
    ("parse", "envelope", PASS),
    ("parse", "payload-type", PASS),
    ("signature", "threshold", PASS),
    ("parse", "statement", PASS),
    ("tree", "files", PASS),
    ("tree", "modified", PASS),
    ("tree", "missing", PASS),
    ("tree", "extra", PASS),
    ("claims", "openness", SKIPPED),
];

/// Asserts a passing OMS report: exit 0, every check of [`PASSING`] listed with its outcome,
/// lineage and claims "not applicable", and the root it signs.
#[track_caller]
pub fn assert_oms_verified(o: &std::process::Output, r: &Value) {
    assert_exit(o, 0);
    assert_eq!(r["verified"], true, "{r:#}");
    assert_eq!(r["form"], "oms", "{r:#}");
    for (stage, name, want) in PASSING {
        assert_eq!(outcome(r, stage, name), want, "{stage}/{name} in {r:#}");
    }
    for (stage, name) in [("lineage", "ancestors"), ("claims", "openness")] {
        assert_wording(
            detail(r, stage, name),
            &["not applicable", "bill of materials"],
        );
    }
    let root = r["oms"]["root"].as_str().expect("oms.root");
    assert!(root.starts_with("sha256:") && root.len() == 71, "{root}");
    assert_check(r, "tree", "files", PASS, &[root]);
}

/// `sceau verify DIR --record BUNDLE ARGS --json`.
fn verify_oms(dir: &Path, bundle: &Path, args: &[&str]) -> (std::process::Output, Value) {
    let mut all = vec![s(dir), "--record", s(bundle)];
    all.extend_from_slice(args);
    verify_json(&all)
}

fn mt_key() -> PathBuf {
    mt("keys/signing-key-pub.pem")
}

#[test]
fn the_specification_vectors_verify_by_each_method_and_the_invalid_ones_fail() {
    let valid = |n: &str| oms_data(&format!("spec-vectors/v1.0/valid/{n}.bundle.json"));
    let folder = mt("v1.1.0-elliptic-key");
    // key: the P-384 test key (its PEM file has a description before the block). The folder
    // also holds its own signature, model.sig, which the vector does not sign: an extra file,
    // as for model_signing, unless excluded.
    let (o, r) = verify_oms(&folder, &valid("key"), &["--key", s(&mt_key())]);
    assert_only_failure(&o, &r, "tree", "extra", &["model.sig"]);
    let (o, r) = verify_oms(
        &folder,
        &valid("key"),
        &["--key", s(&mt_key()), "--exclude", "model.sig"],
    );
    assert_oms_verified(&o, &r);
    assert_check(&r, "signature", "threshold", PASS, &["P-384", "e8450dec"]);
    assert_check(&r, "freshness", "signing-time", SKIPPED, &[]);
    // certificate: the chain in the bundle, up to model-transparency's root CA.
    let ca = mt("keys/ca-cert.pem");
    let (o, r) = verify_oms(
        &folder,
        &valid("certificate"),
        &["--cert-chain", s(&ca), "--exclude", "model.sig"],
    );
    assert_oms_verified(&o, &r);
    // The intermediate alone is no trust anchor.
    let (o, r) = verify_oms(
        &folder,
        &valid("certificate"),
        &["--cert-chain", s(&mt("keys/int-ca-cert.pem"))],
    );
    assert_only_failure(&o, &r, "signature", "threshold", &["int-ca-cert.pem"]);
    // keyless: offline, under the public-good trusted root.
    let root = oms_data("sigstore/trusted_root.json");
    let keyless = [
        "--trusted-root",
        s(&root),
        "--identity",
        MT_IDENTITY,
        "--issuer",
        MT_ISSUER,
        "--exclude",
        "model.sig",
    ];
    let (o, r) = verify_oms(&mt("v1.1.0-sigstore"), &valid("sigstore"), &keyless);
    assert_oms_verified(&o, &r);
    assert_check(
        &r,
        "signature",
        "threshold",
        PASS,
        &[MT_IDENTITY, MT_ISSUER],
    );
    assert_check(&r, "freshness", "signing-time", PASS, &["2025-"]);

    // The invalid vectors fail at the stage they break, every check still listed.
    for (file, stage, name) in [
        ("invalid/empty", "parse", "envelope"),
        ("invalid/missing-envelope", "parse", "envelope"),
        ("invalid/missing-verification-material", "parse", "envelope"),
        ("invalid/missing-tlog-entries", "parse", "envelope"),
        ("invalid-payload/wrong-predicate", "parse", "statement"),
    ] {
        let bundle = oms_data(&format!("spec-vectors/v1.0/{file}.bundle.json"));
        let (o, r) = verify_oms(&folder, &bundle, &["--key", s(&mt_key())]);
        assert_only_failure(&o, &r, stage, name, &[]);
        assert_not_run(&r, "tree", "files", &format!("{stage} {name}"));
        assert!(has_check(&r, "lineage", "ancestors") && has_check(&r, "freshness", "rollback"));
    }
}

#[test]
fn every_model_transparency_version_verifies_and_exclude_stands_for_unrecorded_ignores() {
    let ca = mt("keys/ca-cert.pem");
    let key = mt_key();
    for (folder, trust) in [
        ("v0.2.0-certificate", ["--cert-chain", s(&ca)]),
        ("v0.3.1-certificate", ["--cert-chain", s(&ca)]),
        ("v1.0.0-certificate", ["--cert-chain", s(&ca)]),
        ("v1.0.1-certificate", ["--cert-chain", s(&ca)]),
        ("v1.1.0-certificate", ["--cert-chain", s(&ca)]),
        ("v1.0.1-elliptic-key", ["--key", s(&key)]),
        ("v1.1.0-elliptic-key", ["--key", s(&key)]),
    ] {
        let dir = mt(folder);
        let sig = dir.join("model.sig");
        let mut args = trust.to_vec();
        // Before 1.1, bundles do not record the paths their signer ignored: the folder's
        // `ignore-me` is then an extra file, unless excluded.
        let records_ignores = folder.starts_with("v1.1");
        let has_ignore_me = dir.join("ignore-me").exists();
        if has_ignore_me && !records_ignores {
            let (o, r) = verify_oms(&dir, &sig, &args);
            assert_only_failure(&o, &r, "tree", "extra", &["ignore-me", "on disk sha256"]);
            args.extend(["--exclude", "ignore-me"]);
        }
        let (o, r) = verify_oms(&dir, &sig, &args);
        assert_oms_verified(&o, &r);
    }
    // Single-file models (the resource is named `.`): the file is the model.
    for folder in ["v0.3.1-elliptic-key", "v1.0.0-elliptic-key"] {
        let dir = mt(folder);
        let (o, r) = verify_oms(
            &dir.join("signme-1"),
            &dir.join("model.sig"),
            &["--key", s(&key)],
        );
        assert_oms_verified(&o, &r);
    }
}

#[test]
fn keyless_bundles_verify_offline_for_their_identity_only() {
    let root = oms_data("sigstore/trusted_root.json");
    for folder in [
        "v0.3.1-sigstore",
        "v1.0.0-sigstore",
        "v1.0.1-sigstore",
        "v1.1.0-sigstore",
    ] {
        let dir = mt(folder);
        let mut args = vec![
            "--trusted-root",
            s(&root),
            "--identity",
            MT_IDENTITY,
            "--issuer",
            MT_ISSUER,
        ];
        if dir.join("ignore-me").exists() && !folder.starts_with("v1.1") {
            args.extend(["--exclude", "ignore-me"]);
        }
        let (o, r) = verify_oms(&dir, &dir.join("model.sig"), &args);
        assert_oms_verified(&o, &r);
        assert_check(&r, "freshness", "signing-time", PASS, &["Rekor"]);
    }
    let dir = mt("v1.1.0-sigstore");
    let sig = dir.join("model.sig");
    let other = |identity: &str, issuer: &str| {
        verify_oms(
            &dir,
            &sig,
            &[
                "--trusted-root",
                s(&root),
                "--identity",
                identity,
                "--issuer",
                issuer,
            ],
        )
    };
    let (o, r) = other("someone@example.com", MT_ISSUER);
    assert_only_failure(
        &o,
        &r,
        "signature",
        "threshold",
        &["someone@example.com", MT_IDENTITY],
    );
    let (o, r) = other(MT_IDENTITY, "https://accounts.google.com");
    assert_only_failure(
        &o,
        &r,
        "signature",
        "threshold",
        &["https://accounts.google.com"],
    );
    // --identity without --trusted-root, and a keyless bundle without its trust: usage errors.
    let o = sceau(&[
        "verify",
        s(&dir),
        "--record",
        s(&sig),
        "--identity",
        MT_IDENTITY,
    ]);
    assert_exit(&o, 2);
    let o = sceau(&[
        "verify",
        s(&dir),
        "--record",
        s(&sig),
        "--key",
        s(&mt_key()),
    ]);
    assert_exit(&o, 1);
}

#[test]
fn a_changed_byte_a_missing_and_an_extra_file_are_named_with_their_digests() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("model");
    copy_dir(&mt("v1.1.0-elliptic-key"), &dir);
    let sig = dir.join("model.sig");
    let before = sha256_file(&dir.join("signme-1"));
    flip_byte(&dir.join("signme-1"), 0);
    let after = sha256_file(&dir.join("signme-1"));
    let (o, r) = verify_oms(&dir, &sig, &["--key", s(&mt_key())]);
    assert_only_failure(&o, &r, "tree", "modified", &["signme-1", &before, &after]);
    let human = sceau(&[
        "verify",
        s(&dir),
        "--record",
        s(&sig),
        "--key",
        s(&mt_key()),
    ]);
    assert_exit(&human, 1);
    assert!(stdout(&human).starts_with("FAILED"), "{}", stdout(&human));
    assert!(stdout(&human).contains("signme-1"), "{}", stdout(&human));

    flip_byte(&dir.join("signme-1"), 0);
    let signed2 = sha256_file(&dir.join("signme-2"));
    std::fs::remove_file(dir.join("signme-2")).unwrap();
    std::fs::write(dir.join("new.bin"), b"new").unwrap();
    let (o, r) = verify_oms(&dir, &sig, &["--key", s(&mt_key())]);
    assert_exit(&o, 1);
    assert_eq!(failures(&r), ["tree/missing", "tree/extra"], "{r:#}");
    assert_check(&r, "tree", "missing", FAIL, &["signme-2", &signed2]);
    assert_check(&r, "tree", "extra", FAIL, &["new.bin", &sha256_hex(b"new")]);
    // --allow-extra lists the extra file as skipped.
    let (_, r) = verify_oms(&dir, &sig, &["--key", s(&mt_key()), "--allow-extra"]);
    assert_eq!(outcome(&r, "tree", "extra"), SKIPPED);
    // The same with another key: the signature fails, the tree is not compared.
    let (_, other) = p256_key(t.path(), "other");
    let (o, r) = verify_oms(&dir, &sig, &["--key", s(&other)]);
    assert_only_failure(&o, &r, "signature", "threshold", &["hint"]);
    assert_not_run(&r, "tree", "files", "signature threshold");
}

#[test]
fn inspect_shows_what_a_bundle_claims_marked_not_verified() {
    for (file, method, signer) in [
        ("valid/key", "key", "e8450dec"),
        ("valid/certificate", "certificate", "CN="),
        ("valid/sigstore", "sigstore", MT_IDENTITY),
    ] {
        let bundle = oms_data(&format!("spec-vectors/v1.0/{file}.bundle.json"));
        let o = sceau(&["inspect", s(&bundle)]);
        assert_exit(&o, 0);
        let text = stdout(&o);
        assert!(text.starts_with("NOT VERIFIED"), "{text}");
        for want in [method, signer, "root:", "sha256:", "signme-1", "signme-2"] {
            assert!(text.contains(want), "{want} not in {text}");
        }
        let o = sceau(&["inspect", s(&bundle), "--json"]);
        assert_exit(&o, 0);
        let v = json_out(&o);
        assert_eq!(v["verified"], false);
        assert_eq!(v["form"], "oms");
        assert_eq!(v["method"], method);
        assert!(v["root"].as_str().unwrap().starts_with("sha256:"));
    }
    let bad = oms_data("spec-vectors/v1.0/invalid/missing-envelope.bundle.json");
    assert_input_error(&sceau(&["inspect", s(&bad)]), &["dsseEnvelope"]);
}

#[test]
fn flags_that_do_not_fit_the_record_are_usage_errors() {
    let l = Lab::new();
    let folder = mt("v1.1.0-elliptic-key");
    let sig = folder.join("model.sig");
    let ca = mt("keys/ca-cert.pem");
    // An OMS bundle needs trust of its own kind, and no policy or --oms.
    assert_input_error(
        &sceau(&["verify", s(&folder), "--record", s(&sig)]),
        &["no trust given"],
    );
    let p = l.path("policy.json");
    policy_init(&p, &[s(&l.public)], &[&l.key], &[]);
    assert_input_error(
        &sceau(&["verify", s(&folder), "--record", s(&sig), "--policy", s(&p)]),
        &["--policy"],
    );
    assert_input_error(
        &sceau(&[
            "verify",
            s(&folder),
            "--record",
            s(&sig),
            "--key",
            s(&mt_key()),
            "--oms",
            s(&sig),
        ]),
        &["--oms"],
    );
    // --cert-chain is for OMS bundles, not for a sceau record.
    assert_input_error(
        &sceau(&[
            "verify",
            s(&l.dir),
            "--record",
            s(&l.record),
            "--key",
            s(&l.public),
            "--cert-chain",
            s(&ca),
        ]),
        &["--cert-chain"],
    );
    // lineage, openness and check need a bill of materials.
    for cmd in ["lineage", "openness"] {
        let o = sceau(&[cmd, s(&sig), "--key", s(&mt_key())]);
        assert_input_error(&o, &["OpenSSF Model Signing", "bill of materials"]);
    }
    // An ed25519 key verifies no OMS bundle, and says so.
    let (o, r) = verify_oms(&folder, &sig, &["--key", s(&l.public)]);
    assert_only_failure(&o, &r, "signature", "threshold", &["ECDSA"]);
}

/// `sceau keygen --type p256 -o DIR/NAME --no-passphrase`: (secret, public).
pub fn p256_key(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let base = dir.join(name);
    assert_exit(
        &sceau(&[
            "keygen",
            "--type",
            "p256",
            "-o",
            s(&base),
            "--no-passphrase",
        ]),
        0,
    );
    (
        dir.join(format!("{name}.key")),
        dir.join(format!("{name}.pub")),
    )
}

/// A model folder with nested files, a `.gitignore` and a name that orders differently by
/// component and by code point.
pub fn model_folder(parent: &Path) -> PathBuf {
    let dir = parent.join("model");
    for (rel, data) in [
        ("config.json", &b"{\"hidden\": 8}\n"[..]),
        ("model.safetensors", &[7u8; 4096][..]),
        ("a/b", b"ab"),
        ("a-c", b"a-c"),
        ("a.txt", b"a.txt"),
        ("README.md", b"---\nlicense: apache-2.0\n---\n# m\n"),
        (".gitignore", b"*.tmp\n"),
    ] {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// `sceau sign DIR --key KEY -o DIR/release.sceau.json --oms DIR/model.sig EXTRA`, expecting
/// success; returns (record, bundle).
pub fn sign_both(dir: &Path, key: &Path, extra: &[&str]) -> (PathBuf, PathBuf) {
    let record = dir.join("release.sceau.json");
    let sig = dir.join("model.sig");
    let o = Sceau::new()
        .args([
            "sign",
            s(dir),
            "--key",
            s(key),
            "-o",
            s(&record),
            "--oms",
            s(&sig),
        ])
        .args(["--name", "org/model", "--version", "1.0", "-q"])
        .args(extra)
        .run();
    assert_exit(&o, 0);
    assert!(record.is_file() && sig.is_file());
    (record, sig)
}

#[test]
fn sign_oms_publishes_both_signatures_tied_by_the_oms_root() {
    let t = tempfile::tempdir().unwrap();
    let dir = model_folder(t.path());
    let (key, public) = p256_key(t.path(), "maintainer");
    std::fs::write(dir.join("scratch.tmp"), b"left out by the rule").unwrap();
    let (record, sig) = sign_both(&dir, &key, &["--exclude", "*.tmp"]);

    // The OMS bundle verifies as a record: every file but the two signatures and the excluded
    // one, which the bundle records as ignored.
    let (o, r) = verify_oms(&dir, &sig, &["--key", s(&public)]);
    assert_oms_verified(&o, &r);
    let root = r["oms"]["root"].as_str().unwrap().to_owned();
    let ignored = &r["oms"]["ignore_paths"];
    for p in ["model.sig", "release.sceau.json", ".git", "scratch.tmp"] {
        assert!(
            ignored.as_array().unwrap().iter().any(|v| v == p),
            "{p}: {ignored}"
        );
    }
    assert_eq!(r["oms"]["resources"], 6, "{r:#}");

    // The sceau record names that root, and --oms checks it.
    let o = sceau(&["inspect", s(&record), "--json"]);
    assert_eq!(json_out(&o)["oms_root"], root.as_str());
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
    assert_check(&r, "signature", "oms-root", PASS, &[&root]);
    assert_eq!(r["oms_root"], root.as_str());
    // Without --oms the check is listed as not run, saying how to run it.
    let (o, r) = verify_json(&[s(&dir), "--record", s(&record), "--key", s(&public)]);
    assert_exit(&o, 0);
    assert_check(&r, "signature", "oms-root", SKIPPED, &[&root, "--oms"]);

    // Another model's OMS signature does not fit this record.
    let t2 = tempfile::tempdir().unwrap();
    let other = model_folder(t2.path());
    std::fs::write(other.join("extra.bin"), b"x").unwrap();
    let (_, other_sig) = sign_both(&other, &key, &[]);
    let (o, r) = verify_json(&[
        s(&dir),
        "--record",
        s(&record),
        "--key",
        s(&public),
        "--oms",
        s(&other_sig),
    ]);
    assert_only_failure(&o, &r, "signature", "oms-root", &[&root]);
    // A record signed without --oms names no root: the bundle given beside it fails.
    let plain = t.path().join("plain.sceau.json");
    sign_release(
        &dir,
        &key,
        &plain,
        "org/model",
        "1.0",
        &["--exclude", "model.sig"],
    );
    let (o, r) = verify_json(&[
        s(&dir),
        "--record",
        s(&plain),
        "--key",
        s(&public),
        "--oms",
        s(&sig),
    ]);
    assert_only_failure(&o, &r, "signature", "oms-root", &["--oms"]);
}

#[test]
fn sign_oms_refuses_an_ed25519_key_with_the_way_out() {
    let l = Lab::new();
    let o = Sceau::new()
        .args([
            "sign",
            s(&l.dir),
            "--key",
            s(&l.key),
            "-o",
            s(&l.path("x.sceau.json")),
        ])
        .args(["--oms", s(&l.path("model.sig")), "-q"])
        .run();
    let e = assert_input_error(&o, &["--oms", "ECDSA", "ed25519"]);
    assert!(e.contains("keygen --type p256"), "{e}");
    assert!(!l.path("x.sceau.json").exists() && !l.path("model.sig").exists());
}

#[test]
fn a_record_written_as_a_sigstore_bundle_verifies_like_the_envelope() {
    let t = tempfile::tempdir().unwrap();
    let dir = model_folder(t.path());
    for (label, key, public) in [
        ("p256", p256_key(t.path(), "ec").0, t.path().join("ec.pub")),
        ("ed25519", keygen(t.path(), "ed").0, t.path().join("ed.pub")),
    ] {
        let dsse = t.path().join(format!("{label}.sceau.json"));
        let bundle = t.path().join(format!("{label}.sigstore.json"));
        sign_release(&dir, &key, &dsse, "org/model", "1.0", &[]);
        sign_release(&dir, &key, &bundle, "org/model", "1.0", &["--bundle"]);
        let b = read_json(&bundle);
        assert_eq!(
            b["mediaType"],
            "application/vnd.dev.sigstore.bundle.v0.3+json"
        );
        assert!(
            b["verificationMaterial"]["publicKey"]["hint"].is_string(),
            "{b:#}"
        );
        // Same signing time, same payload: the same record id either way.
        let (o1, r1) = verify_json(&[s(&dir), "--record", s(&dsse), "--key", s(&public)]);
        let (o2, r2) = verify_json(&[s(&dir), "--record", s(&bundle), "--key", s(&public)]);
        assert_exit(&o1, 0);
        assert_exit(&o2, 0);
        assert_eq!(r1["record_id"], r2["record_id"]);
        assert_eq!(r2["form"], "sigstore-bundle");
        assert_check(&r2, "parse", "envelope", PASS, &["Sigstore bundle"]);
        // inspect and store take it too.
        let o = sceau(&["inspect", s(&bundle)]);
        assert_exit(&o, 0);
        assert!(stdout(&o).contains("Sigstore bundle"), "{}", stdout(&o));
        store_add(&t.path().join(format!("store-{label}")), &[&bundle]);
        // A flipped signature byte fails at the signature.
        let mut v = b.clone();
        let sig = v["dsseEnvelope"]["signatures"][0]["sig"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut raw = b64_decode(&sig);
        raw[10] ^= 1;
        v["dsseEnvelope"]["signatures"][0]["sig"] = b64_encode(&raw).into();
        let forged = t.path().join(format!("{label}.forged.json"));
        write_json(&forged, &v);
        let (o, r) = verify_json(&[s(&dir), "--record", s(&forged), "--key", s(&public)]);
        assert_only_failure(&o, &r, "signature", "threshold", &[]);
    }
}
