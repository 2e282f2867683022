//! The `sigstore` method: Fulcio certificate, Rekor entry, offline under a trusted root
//! (spec/oms.md §8).
//!
//! The checks are `sigstore-verify`'s (sigstore-rust): chain to a Fulcio CA of the trusted
//! root valid at every verified signing time, SCT, Rekor inclusion proof with its signed
//! checkpoint and the signed entry timestamp, RFC 3161 timestamps, the entry's consistency
//! with the envelope, the DSSE signature, and the identity policy. sceau adds the OMS layer:
//! the bundle binds to the model's root digest.
use sigstore_verify::{IdentityMatcher, VerificationPolicy, Verifier};

use crate::bundle::Bundle;
use crate::error::{KeyError, VerifyError};
use crate::sigstore_bundle::SigningMethod;
use crate::verified::{Check, PaeEncoding, VerifiedOmsStatement, VerifiedSigner};

/// The media type of a Sigstore trusted root this reader accepts.
pub const TRUSTED_ROOT_MEDIA_TYPE: &str =
    "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

/// Largest trusted root read.
pub const MAX_TRUSTED_ROOT_BYTES: usize = 4 * 1024 * 1024;

/// A Sigstore trusted root (`trusted_root.json`): Fulcio CAs, Rekor and CT log keys, TSAs.
pub struct TrustedRoot {
    inner: sigstore_verify::trust_root::TrustedRoot,
}

impl std::fmt::Debug for TrustedRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustedRoot")
            .field(
                "certificate_authorities",
                &self.inner.certificate_authorities.len(),
            )
            .field("tlogs", &self.inner.tlogs.len())
            .finish()
    }
}

impl TrustedRoot {
    /// Reads a trusted root; its `mediaType` must be [`TRUSTED_ROOT_MEDIA_TYPE`].
    pub fn from_json(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() > MAX_TRUSTED_ROOT_BYTES {
            return Err(KeyError::TooLarge {
                what: "trusted root",
                len: bytes.len(),
                max: MAX_TRUSTED_ROOT_BYTES,
            });
        }
        sceau_core::json::check_unique_keys(bytes).map_err(|e| KeyError::TrustedRoot(e.0))?;
        let text = std::str::from_utf8(bytes).map_err(|e| KeyError::TrustedRoot(e.to_string()))?;
        let inner = sigstore_verify::trust_root::TrustedRoot::from_json(text)
            .map_err(|e| KeyError::TrustedRoot(e.to_string()))?;
        if inner.media_type != TRUSTED_ROOT_MEDIA_TYPE {
            return Err(KeyError::TrustedRoot(format!(
                "media type {:?}, expected {TRUSTED_ROOT_MEDIA_TYPE}",
                crate::predicate::cut(&inner.media_type)
            )));
        }
        Ok(TrustedRoot { inner })
    }
}

/// Who must have signed: the certificate's SAN and OIDC issuer, compared exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The SAN (an email address or URI), e.g. `--identity`.
    pub san: String,
    /// The OIDC issuer URL, e.g. `--identity_provider`.
    pub issuer: String,
}

fn sigstore_error(e: sigstore_verify::Error) -> VerifyError {
    match e {
        sigstore_verify::Error::IdentityMismatch { expected, actual } => VerifyError::Identity {
            expected: expected.to_string(),
            actual: actual.map(|a| a.as_str().to_owned()),
        },
        sigstore_verify::Error::IssuerMismatch { expected, actual } => {
            VerifyError::Issuer { expected, actual }
        }
        other => VerifyError::Sigstore(Box::new(other)),
    }
}

/// Verifies a `sigstore`-method (keyless) bundle offline (spec/oms.md §8.2): everything
/// `sigstore-verify` checks under `root`, with the identity policy `identity` (SAN and issuer
/// equal), and the in-toto subject bound to the statement's root digest.
pub fn verify_keyless(
    bundle: &Bundle,
    root: &TrustedRoot,
    identity: &Identity,
) -> Result<VerifiedOmsStatement, VerifyError> {
    if bundle.method() != SigningMethod::Sigstore {
        return Err(VerifyError::Method {
            expected: SigningMethod::Sigstore.name(),
            actual: bundle.method().name(),
        });
    }
    crate::crypto_provider::install();
    let sigstore_bundle =
        sigstore_verify::types::Bundle::from_json(&bundle.sigstore().normalised_json())
            .map_err(|e| VerifyError::Sigstore(Box::new(e)))?;
    let verifier = Verifier::new(&root.inner).map_err(sigstore_error)?;
    let policy = VerificationPolicy::new(
        IdentityMatcher::Exact(identity.san.clone()),
        identity.issuer.clone(),
    );
    // The artifact the in-toto subject must name: the model's root (OMS v1.0), or for the
    // v0.2 layout, whose subjects are the files, the first file (spec/oms.md §8.2).
    let statement = bundle.unverified_statement();
    let subject = match (statement.layout, statement.resources().first()) {
        (crate::statement::Layout::DigestsV0_1, Some(first)) => {
            <[u8; 32]>::try_from(first.digest.as_slice()).unwrap_or(statement.root.0)
        }
        _ => statement.root.0,
    };
    let subject = sigstore_verify::types::Sha256Hash::new(subject);
    let result = verifier
        .verify(subject, &sigstore_bundle, &policy)
        .map_err(sigstore_error)?;
    // The policy above makes every one of these hold on success; fail closed if not.
    if !(result.certificate_verified()
        && result.sct_verified()
        && result.tlog_verified()
        && result.identity_policy_checked())
    {
        return Err(VerifyError::Sigstore(
            "sigstore-verify returned without verifying the certificate, SCT, log and identity"
                .into(),
        ));
    }
    let checks = vec![
        Check::MediaType(bundle.sigstore().media_type.as_str()),
        Check::Statement,
        Check::FulcioChain,
        Check::Sct,
        Check::Transparency,
        Check::Identity,
        Check::Signature(PaeEncoding::Dsse),
    ];
    Ok(VerifiedOmsStatement {
        statement: bundle.clone().into_statement(),
        signer: VerifiedSigner::Sigstore {
            identity: identity.san.clone(),
            issuer: identity.issuer.clone(),
            integrated_time: result.integrated_time().map(|t| t.as_second()),
            verified_times: result
                .verified_timestamps()
                .iter()
                .map(|t| t.as_second())
                .collect(),
        },
        checks,
    })
}
