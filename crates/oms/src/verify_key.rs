//! The `key` method: a DSSE signature under a public key the caller holds (spec/oms.md §6).
use crate::bundle::Bundle;
use crate::error::VerifyError;
use crate::key::{OmsPublicKey, SignatureHash};
use crate::sigstore_bundle::{Material, SigningMethod};
use crate::statement::Layout;
use crate::verified::{Check, PaeEncoding, VerifiedOmsStatement, VerifiedSigner};

/// Checks the envelope signature with `key` over the DSSE PAE; for statements in the v0.2
/// layout only, also over `model_signing` 0.2's encoding (spec/oms.md §6.3).
pub(crate) fn check_signature(
    bundle: &Bundle,
    key: &OmsPublicKey,
    role: &str,
) -> Result<PaeEncoding, VerifyError> {
    let env = &bundle.sigstore().envelope;
    if key.verify(&env.pae(), &env.signature, SignatureHash::CurveDefault) {
        return Ok(PaeEncoding::Dsse);
    }
    if bundle.unverified_statement().layout == Layout::DigestsV0_1 {
        let legacy = crate::pae_compat::pae_v0_2(&env.payload_type, &env.payload);
        for (hash, sha256) in [
            (SignatureHash::Sha256, true),
            (SignatureHash::CurveDefault, false),
        ] {
            if key.verify(&legacy, &env.signature, hash) {
                return Ok(PaeEncoding::LegacyV0_2 { sha256 });
            }
        }
    }
    Err(VerifyError::Signature {
        key: format!("{} {role}", key.curve().name()),
    })
}

/// Verifies a `key`-method bundle with the signer's public key (spec/oms.md §6.2):
/// the bundle's key hint (or, before `model_signing` 1.1, its embedded key) must name `key`,
/// and the DSSE signature must verify with it. Offline; no clock involved.
pub fn verify_key(
    bundle: &Bundle,
    key: &OmsPublicKey,
) -> Result<VerifiedOmsStatement, VerifyError> {
    let Material::PublicKey(material) = bundle.material() else {
        return Err(VerifyError::Method {
            expected: SigningMethod::Key.name(),
            actual: bundle.method().name(),
        });
    };
    let mut checks = vec![
        Check::MediaType(bundle.sigstore().media_type.as_str()),
        Check::Statement,
    ];
    let given = key.hint();
    match (&material.hint, &material.raw_bytes) {
        (Some(hint), _) => {
            if *hint != given {
                return Err(VerifyError::KeyHint {
                    bundle: crate::predicate::cut(hint),
                    given,
                });
            }
            checks.push(Check::KeyHint);
        }
        (None, Some(raw)) => {
            // model_signing 0.3–1.0 embedded the PEM text; it must be the key given.
            let embedded = OmsPublicKey::from_pem(raw)?;
            if embedded != *key {
                return Err(VerifyError::EmbeddedKey);
            }
            checks.push(Check::EmbeddedKey);
        }
        (None, None) => checks.push(Check::NoKeyNamed),
    }
    let pae = check_signature(bundle, key, "key")?;
    checks.push(Check::Signature(pae));
    Ok(VerifiedOmsStatement {
        statement: bundle.clone().into_statement(),
        signer: VerifiedSigner::Key {
            hint: given,
            curve: key.curve(),
        },
        checks,
    })
}
