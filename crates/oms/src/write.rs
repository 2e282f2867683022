//! Writing an OMS v1.0 bundle, `key` method, over a model folder (spec/oms.md §9).
use std::collections::BTreeMap;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use crate::error::WriteError;
use crate::key::{OmsPublicKey, SignatureHash};
use crate::predicate::{HashType, Method, MAX_IGNORE_PATHS};
use crate::root::RootDigest;
use crate::sigstore_bundle::MEDIA_TYPE_V0_3;
use crate::statement::{PREDICATE_TYPE, STATEMENT_TYPE};
use crate::tree::{compute_manifest, ignore_set, HashParams, TreeOptions};

/// Something that signs a DSSE PAE with an ECDSA key (P-256/SHA-256, P-384/SHA-384 or
/// P-521/SHA-512), returning a DER signature: sceau's key files, an HSM, a test key.
pub trait PaeSigner {
    /// The signer's public key as SPKI PEM (any PEM layout; it is re-encoded for the hint).
    fn public_key_pem(&self) -> String;
    /// Signs `pae` (the bytes themselves; the signer hashes them with its curve's hash).
    fn sign(&self, pae: &[u8]) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>>;
}

/// What to sign and how to name it.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// `subject[0].name`; default: the model folder's name.
    pub model_name: Option<String>,
    /// Enumeration: the signature's path (ignored when inside the model), extra ignore paths,
    /// `--exclude` rules, git paths, workers. `ignore_unsigned_files` is not used.
    pub tree: TreeOptions,
    /// SHA-256 digests the caller computed for files of this tree moments before (sceau's own
    /// scan, when `sceau sign --oms` writes both), by OMS name (`a/b`), with the size each file
    /// had: a file walked with that size takes the digest unread, so the tree is read once.
    /// The caller vouches for them as for the files themselves (spec/oms.md §9).
    pub known_sha256: BTreeMap<String, (u64, [u8; 32])>,
}

/// A bundle written, with the identity it gives the model.
#[derive(Clone, Debug)]
pub struct WrittenBundle {
    /// The bundle file's bytes (`model.sig`).
    pub json: Vec<u8>,
    /// The model's root digest (`subject[0].digest.sha256`).
    pub root: RootDigest,
    /// Files signed.
    pub files: usize,
    /// The key hint recorded.
    pub hint: String,
    /// Files read and hashed here (the others took a digest from `known_sha256`).
    pub hashed: usize,
}

fn model_name(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "model".to_owned())
}

/// Hashes the model at `dir` (method `files`, SHA-256, no symlinks, default git ignores
/// plus the signature file and `opts`' paths, all recorded in the predicate), signs the
/// in-toto statement with `signer`, and returns a Sigstore bundle v0.3 with
/// `publicKey.hint` that `model_signing verify key` 1.1.1 accepts (spec/oms.md §9).
/// The signature is checked with the signer's public key before returning.
pub fn write_key_bundle(
    dir: &Path,
    signer: &dyn PaeSigner,
    opts: &WriteOptions,
) -> Result<WrittenBundle, WriteError> {
    let key = OmsPublicKey::from_pem(signer.public_key_pem().as_bytes())?;
    let ignores = ignore_set(dir, None, &opts.tree)?;
    let params = HashParams {
        method: Method::Files,
        hash_type: HashType::Sha256,
        allow_symlinks: false,
    };
    let known = (!opts.known_sha256.is_empty()).then_some(&opts.known_sha256);
    let manifest = compute_manifest(dir, params, &ignores, &opts.tree, None, ".", known)?;
    if manifest.resources.is_empty() {
        return Err(WriteError::EmptyModel);
    }
    let root = RootDigest::of(&manifest.resources);
    let resources: Vec<Value> = manifest
        .resources
        .iter()
        .map(|r| {
            json!({
                "name": r.name.to_string(),
                "algorithm": r.algorithm.name(),
                "digest": hex::encode(&r.digest),
            })
        })
        .collect();
    let mut serialization = json!({
        "method": "files",
        "hash_type": "sha256",
        "allow_symlinks": false,
    });
    // model_signing records the list only when it is not empty. Paths sceau's rules left out
    // are recorded too, as exact paths, so that model_signing (which knows no patterns)
    // leaves out the same files.
    let mut ignored = ignores.to_strings();
    ignored.extend(manifest.excluded.iter().cloned());
    ignored.sort();
    ignored.dedup();
    if ignored.len() > MAX_IGNORE_PATHS {
        return Err(WriteError::TooManyIgnores {
            count: ignored.len(),
            max: MAX_IGNORE_PATHS,
        });
    }
    if !ignored.is_empty() {
        serialization["ignore_paths"] = json!(ignored);
    }
    let statement = json!({
        "_type": STATEMENT_TYPE,
        "subject": [{
            "name": opts.model_name.clone().unwrap_or_else(|| model_name(dir)),
            "digest": {"sha256": root.to_hex()},
        }],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "serialization": serialization,
            "resources": resources,
        },
    });
    let payload = serde_json::to_vec_pretty(&statement).unwrap_or_default();
    let pae = sceau_core::dsse::pae(sceau_core::dsse::PAYLOAD_TYPE_INTOTO, &payload);
    let sig = signer.sign(&pae).map_err(WriteError::Signer)?;
    if !key.verify(&pae, &sig, SignatureHash::CurveDefault) {
        return Err(WriteError::SignatureCheck);
    }
    let hint = key.hint();
    let bundle = json!({
        "mediaType": MEDIA_TYPE_V0_3,
        "verificationMaterial": {
            "publicKey": {"hint": hint},
            "tlogEntries": [],
        },
        "dsseEnvelope": {
            "payload": STANDARD.encode(&payload),
            "payloadType": sceau_core::dsse::PAYLOAD_TYPE_INTOTO,
            "signatures": [{"sig": STANDARD.encode(&sig), "keyid": ""}],
        },
    });
    let mut json = serde_json::to_vec_pretty(&bundle).unwrap_or_default();
    json.push(b'\n');
    Ok(WrittenBundle {
        json,
        root,
        files: manifest.resources.len(),
        hint,
        hashed: manifest.hashed,
    })
}
