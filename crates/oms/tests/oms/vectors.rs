//! The OMS specification's own test vectors (`testdata/oms/spec-vectors/v1.0`), each with its
//! expected outcome: valid bundles parse, verify with their method and match their model
//! folder; invalid ones are refused for the reason the vector names.
use std::path::PathBuf;

use sceau_oms::{
    compare_tree, verify_certificate, verify_key, verify_keyless, Bundle, BundleError,
    CaCertificates, CertificateTime, Identity, SigningMethod, StatementError, TreeOptions,
    TrustedRoot,
};

use crate::common::*;

fn vector(rel: &str) -> PathBuf {
    testdata().join("spec-vectors/v1.0").join(rel)
}

fn refused(rel: &str) -> BundleError {
    let bytes = std::fs::read(vector(rel)).unwrap();
    Bundle::from_json(&bytes).expect_err(rel)
}

/// `2026-01-01T00:00:00Z`, inside the test certificates' validity (2025-05-02..2035-04-30).
const JAN_2026: i64 = 1_767_225_600;

/// The model the spec's key and certificate vectors sign: model-transparency's v1.1.0
/// elliptic-key folder (signme-1, signme-2, and ignore-me, which they record as ignored).
fn signed_folder() -> TreeOptions {
    TreeOptions {
        signature: Some(mt("v1.1.0-elliptic-key/model.sig")),
        ..TreeOptions::default()
    }
}

#[test]
fn valid_key_vector_verifies_and_matches_its_model() {
    let b = bundle(&vector("valid/key.bundle.json"));
    assert_eq!(b.method(), SigningMethod::Key);
    let v = verify_key(&b, &mt_key()).unwrap();
    assert_eq!(
        v.statement().root.to_hex(),
        "92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4"
    );
    let cmp = compare_tree(&v, &mt("v1.1.0-elliptic-key"), &signed_folder()).unwrap();
    assert!(cmp.is_match(), "{cmp:?}");
    assert_eq!(cmp.matched, 2);
    assert!(cmp.ignored.contains(&"ignore-me".to_owned()));
    assert_eq!(cmp.root_computed, cmp.root_recorded);
}

#[test]
fn valid_certificate_vector_verifies_against_its_root_ca() {
    let b = bundle(&vector("valid/certificate.bundle.json"));
    assert_eq!(b.method(), SigningMethod::Certificate);
    let cas = CaCertificates::from_pem(&std::fs::read(mt("keys/ca-cert.pem")).unwrap()).unwrap();
    let v = verify_certificate(&b, &cas, CertificateTime::At(JAN_2026)).unwrap();
    let cmp = compare_tree(&v, &mt("v1.1.0-elliptic-key"), &signed_folder()).unwrap();
    assert!(cmp.is_match(), "{cmp:?}");
}

#[test]
fn valid_sigstore_vector_verifies_offline_under_the_public_good_root() {
    let b = bundle(&vector("valid/sigstore.bundle.json"));
    assert_eq!(b.method(), SigningMethod::Sigstore);
    let root = TrustedRoot::from_json(
        &std::fs::read(testdata().join("sigstore/trusted_root.json")).unwrap(),
    )
    .unwrap();
    let who = Identity {
        san: "stefanb@us.ibm.com".into(),
        issuer: "https://sigstore.verify.ibm.com/oauth2".into(),
    };
    let v = verify_keyless(&b, &root, &who).unwrap();
    let opts = TreeOptions {
        signature: Some(mt("v1.1.0-sigstore/model.sig")),
        ..TreeOptions::default()
    };
    let cmp = compare_tree(&v, &mt("v1.1.0-sigstore"), &opts).unwrap();
    assert!(cmp.is_match(), "{cmp:?}");
}

#[test]
fn invalid_vectors_are_refused_for_their_reason() {
    assert!(matches!(
        refused("invalid/empty.bundle.json"),
        BundleError::Json(_)
    ));
    assert!(matches!(
        refused("invalid/missing-envelope.bundle.json"),
        BundleError::MissingField {
            field: "dsseEnvelope",
            ..
        }
    ));
    assert!(matches!(
        refused("invalid/missing-verification-material.bundle.json"),
        BundleError::MissingField {
            field: "verificationMaterial",
            ..
        }
    ));
    let e = refused("invalid/missing-tlog-entries.bundle.json");
    assert!(
        matches!(e, BundleError::Invalid { ref path, .. } if path.ends_with("tlogEntries")),
        "{e}"
    );
    let e = refused("invalid-payload/wrong-predicate.bundle.json");
    assert!(
        matches!(e, BundleError::Statement(StatementError::PredicateType(ref t)) if t.contains("wrong-predicate")),
        "{e}"
    );
}
