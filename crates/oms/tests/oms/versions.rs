//! Every bundle version `model_signing` has written (model-transparency's own fixtures, from
//! v0.2.0 to v1.1.0, in `testdata/oms/model-transparency`), verified with the arguments of
//! its `scripts/tests/test-verify-*.sh` and compared with its folder.
use sceau_oms::{
    compare_tree, verify_certificate, verify_key, verify_keyless, CaCertificates, CertificateTime,
    Check, FormatNote, Identity, Layout, PaeEncoding, SignerClaim, SigningMethod, TreeOptions,
    TrustedRoot, VerifiedOmsStatement, VerifiedSigner, VerifyError,
};

use crate::common::*;

const JAN_2026: i64 = 1_767_225_600;

fn cas() -> CaCertificates {
    CaCertificates::from_pem(&std::fs::read(mt("keys/ca-cert.pem")).unwrap()).unwrap()
}

pub fn public_good_root() -> TrustedRoot {
    TrustedRoot::from_json(&std::fs::read(testdata().join("sigstore/trusted_root.json")).unwrap())
        .unwrap()
}

pub fn stefan() -> Identity {
    Identity {
        san: "stefanb@us.ibm.com".into(),
        issuer: "https://sigstore.verify.ibm.com/oauth2".into(),
    }
}

/// The folder options the version's test script uses: its signature, and `ignore-me` when the
/// folder holds one the bundle does not record.
fn options(version: &str) -> TreeOptions {
    let dir = mt(version);
    TreeOptions {
        signature: Some(dir.join("model.sig")),
        ignore_paths: if dir.join("ignore-me").exists() {
            vec!["ignore-me".into()]
        } else {
            Vec::new()
        },
        ..TreeOptions::default()
    }
}

fn assert_folder_matches(v: &VerifiedOmsStatement, version: &str) {
    let cmp = compare_tree(v, &mt(version), &options(version)).unwrap();
    assert!(cmp.is_match(), "{version}: {cmp:?}");
    assert!(cmp.matched >= 1, "{version}");
    assert_eq!(cmp.root_computed, cmp.root_recorded, "{version}");
}

#[test]
fn certificate_bundles_of_every_version_verify() {
    for version in [
        "v0.2.0-certificate",
        "v0.3.1-certificate",
        "v1.0.0-certificate",
        "v1.0.1-certificate",
        "v1.1.0-certificate",
    ] {
        let b = bundle(&mt(&format!("{version}/model.sig")));
        assert_eq!(b.method(), SigningMethod::Certificate, "{version}");
        let v = verify_certificate(&b, &cas(), CertificateTime::At(JAN_2026))
            .unwrap_or_else(|e| panic!("{version}: {e}"));
        let VerifiedSigner::Certificate { subject, chain, .. } = v.signer() else {
            panic!("{version}: not a certificate signer")
        };
        assert_eq!(subject, "CN=intermediate-ca", "{version}");
        assert_eq!(chain.len(), 3, "{version}: leaf, intermediate, root");
        let legacy = version == "v0.2.0-certificate";
        assert_eq!(
            b.unverified_statement().layout,
            if legacy {
                Layout::DigestsV0_1
            } else {
                Layout::SignatureV1_0
            }
        );
        assert_eq!(
            v.checks()
                .contains(&Check::Signature(PaeEncoding::LegacyV0_2 { sha256: true })),
            legacy,
            "{version}: {:?}",
            v.checks()
        );
        assert_folder_matches(&v, version);
    }
}

#[test]
fn key_bundles_of_every_version_verify() {
    for (version, model) in [
        // v0.3.1 and v1.0.0 signed a single file; the resource is named ".".
        ("v0.3.1-elliptic-key", "v0.3.1-elliptic-key/signme-1"),
        ("v1.0.0-elliptic-key", "v1.0.0-elliptic-key/signme-1"),
        ("v1.0.1-elliptic-key", "v1.0.1-elliptic-key"),
        ("v1.1.0-elliptic-key", "v1.1.0-elliptic-key"),
    ] {
        let b = bundle(&mt(&format!("{version}/model.sig")));
        let v = verify_key(&b, &mt_key()).unwrap_or_else(|e| panic!("{version}: {e}"));
        let pre_1_1 = version != "v1.1.0-elliptic-key";
        assert_eq!(
            b.sigstore().notes.contains(&FormatNote::PublicKeyRawBytes),
            pre_1_1,
            "{version}"
        );
        assert!(v.checks().contains(if pre_1_1 {
            &Check::EmbeddedKey
        } else {
            &Check::KeyHint
        }));
        let cmp = compare_tree(&v, &mt(model), &options(version)).unwrap();
        assert!(cmp.is_match(), "{version}: {cmp:?}");
        assert_eq!(cmp.root_computed, cmp.root_recorded, "{version}");
    }
    let single = bundle(&mt("v1.0.0-elliptic-key/model.sig"));
    assert_eq!(single.describe().resources, ["."]);
    match single.describe().signer {
        SignerClaim::Key {
            hint,
            embedded_key_hint,
            key_details,
        } => {
            assert_eq!(hint, None);
            assert_eq!(embedded_key_hint, Some(mt_key().hint()));
            assert_eq!(key_details.as_deref(), Some("PKIX_ECDSA_P384_SHA_384"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn describe_shows_the_claims_of_each_method() {
    let d = bundle(&mt("v1.1.0-certificate/model.sig")).describe();
    assert_eq!(
        d.media_type,
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(d.model_name.as_deref(), Some("v1.1.0-certificate"));
    assert_eq!(
        d.root.to_hex(),
        "61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc40a14fdd226"
    );
    assert_eq!(d.resources, ["signme-1", "signme-2"]);
    assert_eq!(
        d.signer,
        SignerClaim::Certificate {
            subject: "CN=intermediate-ca".into(),
            issuer: "CN=intermediate-ca".into(),
            chain_len: 2
        }
    );
    let d = bundle(&mt("v0.2.0-certificate/model.sig")).describe();
    assert_eq!(d.layout, Layout::DigestsV0_1);
    assert_eq!(d.model_name, None);
    assert!(d.notes.contains(&FormatNote::KeyIdNull));
}

#[test]
fn keyless_bundles_of_every_version_verify_offline() {
    let root = public_good_root();
    for version in [
        "v0.3.1-sigstore",
        "v1.0.0-sigstore",
        "v1.0.1-sigstore",
        "v1.1.0-sigstore",
    ] {
        let b = bundle(&mt(&format!("{version}/model.sig")));
        assert_eq!(b.method(), SigningMethod::Sigstore, "{version}");
        let v = verify_keyless(&b, &root, &stefan()).unwrap_or_else(|e| panic!("{version}: {e}"));
        let VerifiedSigner::Sigstore {
            identity,
            integrated_time,
            ..
        } = v.signer()
        else {
            panic!("{version}: not a Sigstore signer")
        };
        assert_eq!(identity, "stefanb@us.ibm.com");
        assert_eq!(
            *integrated_time,
            b.sigstore().tlog_entries[0].integrated_time,
            "{version}"
        );
        assert_folder_matches(&v, version);
    }
}

#[test]
fn a_bundle_is_refused_by_another_method() {
    let key_bundle = bundle(&mt("v1.1.0-elliptic-key/model.sig"));
    assert!(matches!(
        verify_certificate(&key_bundle, &cas(), CertificateTime::At(JAN_2026)),
        Err(VerifyError::Method {
            expected: "certificate",
            actual: "key"
        })
    ));
    let cert_bundle = bundle(&mt("v1.1.0-certificate/model.sig"));
    assert!(matches!(
        verify_key(&cert_bundle, &mt_key()),
        Err(VerifyError::Method {
            expected: "key",
            ..
        })
    ));
    assert!(matches!(
        verify_keyless(&cert_bundle, &public_good_root(), &stefan()),
        Err(VerifyError::Method {
            expected: "sigstore",
            ..
        })
    ));
}

#[test]
fn a_wrong_key_is_named_by_its_hint() {
    let b = bundle(&mt("v1.1.0-elliptic-key/model.sig"));
    let other = TestSigner::new("P-384", 9);
    let key =
        sceau_oms::OmsPublicKey::from_pem(sceau_oms::PaeSigner::public_key_pem(&other).as_bytes())
            .unwrap();
    match verify_key(&b, &key) {
        Err(VerifyError::KeyHint { bundle, given }) => {
            assert_eq!(bundle, mt_key().hint());
            assert_eq!(given, key.hint());
        }
        other => panic!("{other:?}"),
    }
    // A pre-1.1 bundle embeds its key: another key is refused before any signature check.
    let old = bundle(&mt("v1.0.1-elliptic-key/model.sig"));
    assert!(matches!(
        verify_key(&old, &key),
        Err(VerifyError::EmbeddedKey)
    ));
}

#[test]
fn an_expired_chain_fails_at_a_later_time_and_model_signing_time_ignores_expiry() {
    let b = bundle(&mt("v1.1.0-certificate/model.sig"));
    // 2040: after every certificate's notAfter (2035).
    let e = verify_certificate(&b, &cas(), CertificateTime::At(2_208_988_800)).unwrap_err();
    assert!(
        matches!(e, VerifyError::Chain { ref reason, .. } if reason.contains("expired")),
        "{e}"
    );
    verify_certificate(&b, &cas(), CertificateTime::SigningCertificateNotBefore).unwrap();
    // The intermediate alone is no trust anchor (no partial chains, as model_signing).
    let int =
        CaCertificates::from_pem(&std::fs::read(mt("keys/int-ca-cert.pem")).unwrap()).unwrap();
    assert!(matches!(
        verify_certificate(&b, &int, CertificateTime::At(JAN_2026)),
        Err(VerifyError::Chain { .. })
    ));
}
