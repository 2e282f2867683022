//! Shared helpers: test data, model folders, the Python interpreter with `model_signing`.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sceau_oms::{Bundle, OmsPublicKey, PaeSigner};

/// `testdata/oms` of the repository.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/oms")
}

/// model-transparency's fixtures (`testdata/oms/model-transparency/NAME`).
pub fn mt(name: &str) -> PathBuf {
    testdata().join("model-transparency").join(name)
}

/// Reads a bundle file.
pub fn bundle(path: &Path) -> Bundle {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Bundle::from_json(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// model-transparency's test signing key (P-384).
pub fn mt_key() -> OmsPublicKey {
    OmsPublicKey::from_pem(&std::fs::read(mt("keys/signing-key-pub.pem")).unwrap()).unwrap()
}

/// Writes `files` (relative path, content) under `dir`.
pub fn write_tree(dir: &Path, files: &[(&str, &[u8])]) {
    for (rel, data) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
}

/// A model folder whose names order differently by component and by string, with git
/// files and a nested folder.
pub fn sample_model(parent: &Path) -> PathBuf {
    let dir = parent.join("my-model");
    write_tree(
        &dir,
        &[
            ("config.json", b"{\"hidden\": 8}\n"),
            ("weights.bin", &[7u8; 5000]),
            ("a/b", b"ab"),
            ("a-c", b"a-c"),
            ("a.txt", b"a.txt"),
            ("nested/deep/file.safetensors", b"tensor"),
            ("empty", b""),
            (".git/config", b"[core]"),
            (".gitignore", b"*.tmp\n"),
        ],
    );
    dir
}

/// Flips the last byte of a file.
pub fn flip_last_byte(path: &Path) {
    let mut data = std::fs::read(path).unwrap();
    let last = data.len() - 1;
    data[last] ^= 1;
    std::fs::write(path, data).unwrap();
}

/// The interpreter with `model_signing` 1.1.1, `pyOpenSSL` and `cryptography`, or `None` after
/// printing "skipped" (unless `SCEAU_REQUIRE_INTEROP=1`, where its absence fails the test).
pub fn python() -> Option<String> {
    let py = std::env::var("SCEAU_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&py)
        .args([
            "-c",
            "import importlib.metadata as m, OpenSSL, cryptography, model_signing; \
             print(m.version('model-signing'))",
        ])
        .output();
    let why = match probe {
        Ok(o) if o.status.success() => {
            let v = String::from_utf8_lossy(&o.stdout).trim().to_owned();
            if v == "1.1.1" {
                return Some(py);
            }
            format!("{py} has model-signing {v}, not 1.1.1")
        }
        Ok(o) => format!(
            "{py} cannot import model_signing: {}",
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
    eprintln!(
        "skipped: {why} (pip install model-signing==1.1.1 pyopenssl, or set SCEAU_PYTHON to an \
         interpreter that has them)"
    );
    None
}

/// Runs `python ARGS`, returning its output.
pub fn run(py: &str, args: &[&str]) -> Output {
    Command::new(py).args(args).output().expect("run python")
}

/// Runs the test helper script (`helper.py`), asserting success.
pub fn helper(py: &str, args: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oms/helper.py");
    let mut all = vec![script.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = run(py, &all);
    assert!(
        o.status.success(),
        "helper {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs `python -m model_signing ARGS`.
pub fn model_signing(py: &str, args: &[&str]) -> Output {
    let mut all = vec!["-m", "model_signing"];
    all.extend_from_slice(args);
    run(py, &all)
}

/// `&Path` as `&str`.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A test signer on RustCrypto keys, one per curve, from a fixed seed.
pub enum TestSigner {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
}

impl TestSigner {
    /// A key on `curve` (`P-256`, `P-384`, `P-521`) from `seed`.
    pub fn new(curve: &str, seed: u8) -> Self {
        match curve {
            "P-256" => TestSigner::P256(p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap()),
            "P-384" => TestSigner::P384(p384::ecdsa::SigningKey::from_slice(&[seed; 48]).unwrap()),
            _ => {
                let mut bytes = [seed; 66];
                bytes[0] = 0;
                TestSigner::P521(p521::ecdsa::SigningKey::from_slice(&bytes).unwrap())
            }
        }
    }

    /// Writes the public key as PEM to `path`.
    pub fn write_public(&self, path: &Path) {
        std::fs::write(path, self.public_key_pem()).unwrap();
    }
}

impl PaeSigner for TestSigner {
    fn public_key_pem(&self) -> String {
        use p256::pkcs8::{EncodePublicKey, LineEnding};
        match self {
            TestSigner::P256(k) => k.verifying_key().to_public_key_pem(LineEnding::LF),
            TestSigner::P384(k) => k.verifying_key().to_public_key_pem(LineEnding::LF),
            TestSigner::P521(k) => {
                let vk = p521::ecdsa::VerifyingKey::from(k);
                let point = vk.to_encoded_point(false);
                p521::PublicKey::from_sec1_bytes(point.as_bytes())
                    .unwrap()
                    .to_public_key_pem(LineEnding::LF)
            }
        }
        .unwrap()
    }

    fn sign(&self, pae: &[u8]) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
        use ecdsa::signature::Signer;
        Ok(match self {
            TestSigner::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign(pae);
                s.to_der().as_bytes().to_vec()
            }
            TestSigner::P384(k) => {
                let s: p384::ecdsa::Signature = k.sign(pae);
                s.to_der().as_bytes().to_vec()
            }
            TestSigner::P521(k) => {
                let s: p521::ecdsa::Signature = k.sign(pae);
                s.to_der().as_bytes().to_vec()
            }
        })
    }
}
