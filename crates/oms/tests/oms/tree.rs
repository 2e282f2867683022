//! Writing a bundle over a folder and comparing folders with it, without Python: the typed
//! comparison names what changed, ignores follow OMS, hostile trees are refused.
use std::path::Path;

use sceau_oms::{
    compare_tree, verify_key, write_key_bundle, Bundle, OmsPublicKey, PaeSigner, ResourceOrder,
    TreeError, TreeOptions, VerifiedOmsStatement, WriteError, WriteOptions,
};

use crate::common::*;

/// Writes `dir/model.sig` with `signer` and returns the verified statement.
pub fn sign_and_verify(dir: &Path, signer: &TestSigner) -> VerifiedOmsStatement {
    let sig = dir.join("model.sig");
    let opts = WriteOptions {
        tree: TreeOptions {
            signature: Some(sig.clone()),
            ..TreeOptions::default()
        },
        ..WriteOptions::default()
    };
    let written = write_key_bundle(dir, signer, &opts).unwrap();
    std::fs::write(&sig, &written.json).unwrap();
    let b = Bundle::from_json(&std::fs::read(&sig).unwrap()).unwrap();
    let key = OmsPublicKey::from_pem(signer.public_key_pem().as_bytes()).unwrap();
    assert_eq!(written.hint, key.hint());
    let v = verify_key(&b, &key).unwrap();
    assert_eq!(v.statement().root, written.root);
    v
}

fn opts(dir: &Path) -> TreeOptions {
    TreeOptions {
        signature: Some(dir.join("model.sig")),
        ..TreeOptions::default()
    }
}

#[test]
fn a_written_bundle_lists_files_in_model_signing_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample_model(tmp.path());
    let v = sign_and_verify(&dir, &TestSigner::new("P-256", 1));
    let names: Vec<String> = v
        .statement()
        .resources()
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "a/b",
            "a-c",
            "a.txt",
            "config.json",
            "empty",
            "nested/deep/file.safetensors",
            "weights.bin"
        ]
    );
    assert_eq!(v.statement().order, ResourceOrder::PosixPath);
    assert_eq!(v.statement().model_name.as_deref(), Some("my-model"));
    let ser = v.statement().serialization();
    assert_eq!(
        ser.ignore_paths.as_deref().unwrap(),
        [
            ".git",
            ".gitattributes",
            ".github",
            ".gitignore",
            "model.sig"
        ]
    );
    let cmp = compare_tree(&v, &dir, &opts(&dir)).unwrap();
    assert!(cmp.is_match(), "{cmp:?}");
    assert_eq!(cmp.matched, 7);
    assert_eq!(cmp.root_computed, v.statement().root);
}

#[test]
fn the_comparison_names_modified_missing_and_extra_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample_model(tmp.path());
    let v = sign_and_verify(&dir, &TestSigner::new("P-384", 2));
    flip_last_byte(&dir.join("weights.bin"));
    std::fs::remove_file(dir.join("a-c")).unwrap();
    std::fs::write(dir.join("nested/new.bin"), b"new").unwrap();
    // Not compared: under .git (ignored by default).
    std::fs::write(dir.join(".git/HEAD"), b"ref").unwrap();
    let cmp = compare_tree(&v, &dir, &opts(&dir)).unwrap();
    assert!(!cmp.is_match());
    assert_eq!(cmp.modified.len(), 1);
    let m = &cmp.modified[0];
    assert_eq!(m.name, "weights.bin");
    assert_ne!(m.expected, m.actual);
    assert_eq!(
        m.actual,
        hex::encode(sha2_of(&std::fs::read(dir.join("weights.bin")).unwrap()))
    );
    assert_eq!(cmp.missing.len(), 1);
    assert_eq!(cmp.missing[0].name, "a-c");
    assert_eq!(cmp.extra.len(), 1);
    assert_eq!(cmp.extra[0].name, "nested/new.bin");
    assert_ne!(cmp.root_computed, cmp.root_recorded);

    // --ignore-unsigned-files: the extra file is listed as unsigned, not compared.
    let mut o = opts(&dir);
    o.ignore_unsigned_files = true;
    let cmp = compare_tree(&v, &dir, &o).unwrap();
    assert!(cmp.extra.is_empty());
    assert_eq!(cmp.unsigned, ["nested/new.bin"]);
    // --exclude rules and extra ignore paths also keep it out.
    let mut o = opts(&dir);
    o.ignore_paths = vec!["nested/new.bin".into()];
    assert!(compare_tree(&v, &dir, &o).unwrap().extra.is_empty());
    let mut o = opts(&dir);
    o.exclude = Some(sceau_core::IgnoreRules(vec!["*.bin".into()]));
    let cmp = compare_tree(&v, &dir, &o).unwrap();
    assert!(cmp.extra.is_empty());
    assert_eq!(cmp.missing.len(), 2, "weights.bin excluded too: {cmp:?}");
}

fn sha2_of(data: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    sha2::Sha256::digest(data).to_vec()
}

#[test]
fn signature_outside_the_model_is_not_ignored_and_git_paths_can_be_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample_model(tmp.path());
    let signer = TestSigner::new("P-256", 3);
    let outside = tmp.path().join("elsewhere.sig");
    let o = WriteOptions {
        tree: TreeOptions {
            signature: Some(outside),
            ignore_git_paths: false,
            ..TreeOptions::default()
        },
        model_name: Some("named".into()),
        ..WriteOptions::default()
    };
    let w = write_key_bundle(&dir, &signer, &o).unwrap();
    let b = Bundle::from_json(&w.json).unwrap();
    let s = b.unverified_statement();
    assert_eq!(s.model_name.as_deref(), Some("named"));
    assert_eq!(s.serialization().ignore_paths, None);
    assert!(s
        .resources()
        .iter()
        .any(|r| r.name.to_string() == ".git/config"));
    assert_eq!(w.files, 9);
}

#[cfg(unix)]
#[test]
fn symlinks_are_refused_without_allow_symlinks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample_model(tmp.path());
    let v = sign_and_verify(&dir, &TestSigner::new("P-256", 4));
    std::os::unix::fs::symlink("config.json", dir.join("link.json")).unwrap();
    let e = compare_tree(&v, &dir, &opts(&dir)).unwrap_err();
    assert!(
        matches!(e, TreeError::Symlink(ref p) if p.ends_with("link.json")),
        "{e}"
    );
    let e =
        write_key_bundle(&dir, &TestSigner::new("P-256", 4), &WriteOptions::default()).unwrap_err();
    assert!(matches!(e, WriteError::Tree(TreeError::Symlink(_))), "{e}");
    // An ignored symlink is never looked at.
    let mut o = opts(&dir);
    o.ignore_paths = vec!["link.json".into()];
    assert!(compare_tree(&v, &dir, &o).unwrap().is_match());
}

#[test]
fn an_empty_model_is_not_signed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    write_tree(&dir, &[(".git/config", b"x")]);
    assert!(matches!(
        write_key_bundle(&dir, &TestSigner::new("P-256", 5), &WriteOptions::default()),
        Err(WriteError::EmptyModel)
    ));
}

#[test]
fn a_signer_whose_signature_does_not_match_its_key_is_caught() {
    struct Liar(TestSigner, TestSigner);
    impl PaeSigner for Liar {
        fn public_key_pem(&self) -> String {
            self.0.public_key_pem()
        }
        fn sign(&self, pae: &[u8]) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
            self.1.sign(pae)
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample_model(tmp.path());
    let liar = Liar(TestSigner::new("P-256", 6), TestSigner::new("P-256", 7));
    assert!(matches!(
        write_key_bundle(&dir, &liar, &WriteOptions::default()),
        Err(WriteError::SignatureCheck)
    ));
}

#[test]
fn a_single_file_model_is_named_dot() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("weights.gguf");
    std::fs::write(&file, b"GGUF....").unwrap();
    let signer = TestSigner::new("P-521", 8);
    let w = write_key_bundle(&file, &signer, &WriteOptions::default()).unwrap();
    let b = Bundle::from_json(&w.json).unwrap();
    assert_eq!(b.describe().resources, ["."]);
    assert_eq!(b.describe().model_name.as_deref(), Some("weights.gguf"));
    let key = OmsPublicKey::from_pem(signer.public_key_pem().as_bytes()).unwrap();
    let v = verify_key(&b, &key).unwrap();
    assert!(compare_tree(&v, &file, &TreeOptions::default())
        .unwrap()
        .is_match());
    std::fs::write(&file, b"GGUF...!").unwrap();
    let cmp = compare_tree(&v, &file, &TreeOptions::default()).unwrap();
    assert_eq!(cmp.modified[0].name, ".");
}

/// spec/oms.md §9: paths sceau's `--exclude` rules leave out are recorded as `ignore_paths`, so
/// that a verifier knowing only OMS's exact paths leaves out the same files.
#[test]
fn paths_left_out_by_exclude_rules_are_recorded_as_ignore_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample_model(tmp.path());
    write_tree(
        &dir,
        &[
            ("run.sceau.json", b"{}"),
            ("logs/a.tmp", b"1"),
            ("nested/deep/b.tmp", b"2"),
        ],
    );
    let signer = TestSigner::new("P-256", 4);
    let o = WriteOptions {
        tree: TreeOptions {
            signature: Some(dir.join("model.sig")),
            exclude: Some(sceau_core::IgnoreRules(vec![
                "*.sceau.json".into(),
                "logs/".into(),
                "*.tmp".into(),
            ])),
            ..TreeOptions::default()
        },
        ..WriteOptions::default()
    };
    let w = write_key_bundle(&dir, &signer, &o).unwrap();
    let b = Bundle::from_json(&w.json).unwrap();
    let recorded = b
        .unverified_statement()
        .serialization()
        .ignore_paths
        .clone()
        .unwrap();
    // The folder once (not what is below it), each file matched by a pattern, and the
    // default and signature paths as before.
    for p in [
        "logs",
        "nested/deep/b.tmp",
        "run.sceau.json",
        "model.sig",
        ".git",
    ] {
        assert!(recorded.iter().any(|r| r == p), "{p} not in {recorded:?}");
    }
    assert!(!recorded.iter().any(|r| r == "logs/a.tmp"), "{recorded:?}");
    // Comparing with the recorded paths alone (no exclude rules) finds nothing extra.
    std::fs::write(dir.join("model.sig"), &w.json).unwrap();
    let key = OmsPublicKey::from_pem(signer.public_key_pem().as_bytes()).unwrap();
    let v = verify_key(&b, &key).unwrap();
    let cmp = compare_tree(&v, &dir, &TreeOptions::default()).unwrap();
    assert!(cmp.is_match(), "{cmp:?}");
}

/// spec/oms.md §9: a digest the caller already computed is used for a file of the same size,
/// unread; a file whose size differs is hashed.
#[test]
fn known_digests_are_taken_for_files_of_the_same_size_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    write_tree(&dir, &[("a.bin", b"aaaa"), ("b.bin", b"bbbb")]);
    let signer = TestSigner::new("P-256", 5);
    let plain = write_key_bundle(&dir, &signer, &WriteOptions::default()).unwrap();
    assert_eq!(plain.hashed, 2);
    // A wrong digest given for a.bin at its size is taken as is (the caller vouches for it):
    // the root changes, and only b.bin is read.
    let mut o = WriteOptions::default();
    o.known_sha256.insert("a.bin".into(), (4, [9; 32]));
    let w = write_key_bundle(&dir, &signer, &o).unwrap();
    assert_eq!(w.hashed, 1);
    assert_ne!(w.root, plain.root);
    // The right digest gives the same root as hashing.
    o.known_sha256
        .insert("a.bin".into(), (4, sha2_of(b"aaaa").try_into().unwrap()));
    assert_eq!(
        write_key_bundle(&dir, &signer, &o).unwrap().root,
        plain.root
    );
    // A size that does not match: read and hashed.
    o.known_sha256.insert("a.bin".into(), (5, [9; 32]));
    let w = write_key_bundle(&dir, &signer, &o).unwrap();
    assert_eq!((w.hashed, w.root), (2, plain.root));
}
