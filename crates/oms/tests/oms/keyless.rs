//! Sigstore keyless verification, offline, with real public-good bundles (model-transparency's
//! v1.1.0 fixture, signed 2025-10-10 by stefanb@us.ibm.com through IBM's OIDC issuer) and the
//! public-good trusted root from the `sigstore` PyPI package: identity, issuer and every
//! tampering is refused.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use sceau_oms::{verify_keyless, Bundle, Identity, SignerClaim, VerifyError};

use crate::common::*;
use crate::versions::{public_good_root, stefan};

fn doc() -> Value {
    serde_json::from_slice(&std::fs::read(mt("v1.1.0-sigstore/model.sig")).unwrap()).unwrap()
}

fn reparse(v: &Value) -> Bundle {
    Bundle::from_json(&serde_json::to_vec(v).unwrap()).unwrap()
}

fn flip_b64(v: &mut Value) {
    let mut bytes = STANDARD.decode(v.as_str().unwrap()).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    *v = Value::String(STANDARD.encode(bytes));
}

#[test]
fn describe_names_the_claimed_identity() {
    let b = reparse(&doc());
    match b.describe().signer {
        SignerClaim::Sigstore {
            identity,
            oidc_issuer,
            tlog_entries,
            integrated_time,
        } => {
            assert_eq!(identity.as_deref(), Some("stefanb@us.ibm.com"));
            assert_eq!(
                oidc_issuer.as_deref(),
                Some("https://sigstore.verify.ibm.com/oauth2")
            );
            assert_eq!(tlog_entries, 1);
            assert_eq!(integrated_time, Some(1_760_062_340));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn another_identity_or_issuer_is_refused() {
    let b = reparse(&doc());
    let root = public_good_root();
    let e = verify_keyless(
        &b,
        &root,
        &Identity {
            san: "someone@example.com".into(),
            ..stefan()
        },
    )
    .unwrap_err();
    assert!(
        matches!(e, VerifyError::Identity { ref actual, .. } if actual.as_deref() == Some("stefanb@us.ibm.com")),
        "{e}"
    );
    let e = verify_keyless(
        &b,
        &root,
        &Identity {
            issuer: "https://accounts.google.com".into(),
            ..stefan()
        },
    )
    .unwrap_err();
    assert!(matches!(e, VerifyError::Issuer { .. }), "{e}");
    // Exact comparison: a prefix or a trailing slash is another identity.
    for san in ["stefanb@us.ibm.co", "STEFANB@us.ibm.com"] {
        let who = Identity {
            san: san.into(),
            ..stefan()
        };
        assert!(verify_keyless(&b, &root, &who).is_err(), "{san}");
    }
}

#[test]
fn a_tampered_signature_fails() {
    let mut d = doc();
    flip_b64(&mut d["dsseEnvelope"]["signatures"][0]["sig"]);
    let e = verify_keyless(&reparse(&d), &public_good_root(), &stefan()).unwrap_err();
    assert!(matches!(e, VerifyError::Sigstore(_)), "{e}");
}

#[test]
fn a_tampered_log_entry_fails() {
    // The integrated time is covered by the signed entry timestamp.
    let mut d = doc();
    d["verificationMaterial"]["tlogEntries"][0]["integratedTime"] = "1760062341".into();
    assert!(verify_keyless(&reparse(&d), &public_good_root(), &stefan()).is_err());
    // The inclusion proof's root must be the signed checkpoint's.
    let mut d = doc();
    flip_b64(&mut d["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["rootHash"]);
    assert!(verify_keyless(&reparse(&d), &public_good_root(), &stefan()).is_err());
}

#[test]
fn a_tampered_manifest_fails_even_with_a_consistent_root() {
    // Change one resource digest and recompute the subject digest, so that the statement
    // still parses: the signature no longer covers it.
    let mut d = doc();
    let payload = STANDARD
        .decode(d["dsseEnvelope"]["payload"].as_str().unwrap())
        .unwrap();
    let mut st: Value = serde_json::from_slice(&payload).unwrap();
    st["predicate"]["resources"][0]["digest"] = "00".repeat(32).into();
    let digests: Vec<u8> = st["predicate"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| hex::decode(r["digest"].as_str().unwrap()).unwrap())
        .collect();
    use sha2::Digest as _;
    st["subject"][0]["digest"]["sha256"] = hex::encode(sha2::Sha256::digest(&digests)).into();
    d["dsseEnvelope"]["payload"] = STANDARD.encode(serde_json::to_vec(&st).unwrap()).into();
    let e = verify_keyless(&reparse(&d), &public_good_root(), &stefan()).unwrap_err();
    assert!(matches!(e, VerifyError::Sigstore(_)), "{e}");
}

#[test]
fn a_trusted_root_without_the_signers_ca_fails() {
    let mut root: Value = serde_json::from_slice(
        &std::fs::read(testdata().join("sigstore/trusted_root.json")).unwrap(),
    )
    .unwrap();
    root["certificateAuthorities"] = Value::Array(Vec::new());
    let root = sceau_oms::TrustedRoot::from_json(&serde_json::to_vec(&root).unwrap()).unwrap();
    assert!(verify_keyless(&reparse(&doc()), &root, &stefan()).is_err());
    let mut wrong: Value = serde_json::from_slice(
        &std::fs::read(testdata().join("sigstore/trusted_root.json")).unwrap(),
    )
    .unwrap();
    wrong["mediaType"] = "application/vnd.dev.sigstore.trustedroot+json;version=0.2".into();
    assert!(sceau_oms::TrustedRoot::from_json(&serde_json::to_vec(&wrong).unwrap()).is_err());
}
