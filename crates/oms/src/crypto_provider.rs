//! A Sigstore crypto provider on RustCrypto, so that keyless verification needs no C library
//! (spec/oms.md §8.1).
//!
//! `sigstore-crypto` delegates hashing and signature checks to a process-wide provider; its
//! default one is `aws-lc-rs` (a C build). sceau installs this one instead: ECDSA P-256 and
//! P-384 with SHA-256/384 (Fulcio, Rekor v1, CT logs and the TSA of the Sigstore public-good
//! instance), Ed25519 (Rekor v2 checkpoints), SHA-2 hashes. RSA and ML-DSA are refused as
//! unsupported algorithms.
use ecdsa::signature::hazmat::PrehashVerifier;
use ecdsa::signature::Verifier;
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use sigstore_verify::crypto::{CryptoProvider, Error, HashContext, Result, SigningScheme};
use sigstore_verify::types::HashAlgorithm;

/// The provider.
#[derive(Debug)]
pub(crate) struct RustCryptoProvider;

/// The one instance.
pub(crate) static PROVIDER: RustCryptoProvider = RustCryptoProvider;

/// Installs the provider process-wide, once; a provider installed earlier (by the program)
/// is kept.
pub(crate) fn install() {
    let _already_installed = sigstore_verify::crypto::install_default_provider(&PROVIDER);
}

enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl HashContext for Hasher {
    fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    fn finalize(self: Box<Self>) -> Vec<u8> {
        match *self {
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

fn invalid(scheme: SigningScheme) -> Error {
    Error::Verification(format!("{} signature invalid", scheme.name()))
}

fn unsupported(scheme: SigningScheme) -> Error {
    Error::UnsupportedAlgorithm(format!(
        "{} is not supported by sceau's Sigstore provider",
        scheme.name()
    ))
}

/// What to verify: the message itself, or its digest.
enum Input<'a> {
    Message(&'a [u8]),
    Digest(&'a [u8]),
}

fn verify_ecdsa(scheme: SigningScheme, point: &[u8], input: Input<'_>, sig: &[u8]) -> Result<()> {
    let ok = match scheme {
        SigningScheme::EcdsaP256Sha256 | SigningScheme::EcdsaP256Sha384 => {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| Error::InvalidKey("P-256 point".into()))?;
            let sig = p256::ecdsa::Signature::from_der(sig).map_err(|_| invalid(scheme))?;
            match (input, scheme) {
                (Input::Message(m), SigningScheme::EcdsaP256Sha256) => key.verify(m, &sig).is_ok(),
                (Input::Message(m), _) => key.verify_prehash(&Sha384::digest(m), &sig).is_ok(),
                (Input::Digest(d), _) => key.verify_prehash(d, &sig).is_ok(),
            }
        }
        SigningScheme::EcdsaP384Sha256 | SigningScheme::EcdsaP384Sha384 => {
            let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| Error::InvalidKey("P-384 point".into()))?;
            let sig = p384::ecdsa::Signature::from_der(sig).map_err(|_| invalid(scheme))?;
            match (input, scheme) {
                (Input::Message(m), SigningScheme::EcdsaP384Sha384) => key.verify(m, &sig).is_ok(),
                (Input::Message(m), _) => key.verify_prehash(&Sha256::digest(m), &sig).is_ok(),
                (Input::Digest(d), _) => key.verify_prehash(d, &sig).is_ok(),
            }
        }
        _ => return Err(unsupported(scheme)),
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(scheme))
    }
}

/// Ed25519 over the whole message (it has no prehashed form), RFC 8032 strict verification.
fn verify_ed25519(key: &[u8], data: &[u8], sig: &[u8]) -> Result<()> {
    let scheme = SigningScheme::Ed25519;
    let key: [u8; 32] = key
        .try_into()
        .map_err(|_| Error::InvalidKey("Ed25519 keys are 32 bytes".into()))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&key)
        .map_err(|_| Error::InvalidKey("Ed25519 point".into()))?;
    let sig = ed25519_dalek::Signature::from_slice(sig).map_err(|_| invalid(scheme))?;
    key.verify_strict(data, &sig).map_err(|_| invalid(scheme))
}

impl CryptoProvider for RustCryptoProvider {
    fn hash(&self, algorithm: HashAlgorithm) -> Result<Box<dyn HashContext>> {
        Ok(Box::new(match algorithm {
            HashAlgorithm::Sha2256 => Hasher::Sha256(Sha256::new()),
            HashAlgorithm::Sha2384 => Hasher::Sha384(Sha384::new()),
            HashAlgorithm::Sha2512 => Hasher::Sha512(Sha512::new()),
            other => {
                return Err(Error::UnsupportedAlgorithm(format!(
                    "cannot compute {other} digests"
                )))
            }
        }))
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        Sha256::digest(data).into()
    }

    fn sha384(&self, data: &[u8]) -> [u8; 48] {
        Sha384::digest(data).into()
    }

    fn sha512(&self, data: &[u8]) -> [u8; 64] {
        Sha512::digest(data).into()
    }

    fn verify_raw(
        &self,
        scheme: SigningScheme,
        spki_pubkey_bytes: &[u8],
        data: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        if scheme == SigningScheme::Ed25519 {
            return verify_ed25519(spki_pubkey_bytes, data, signature);
        }
        verify_ecdsa(scheme, spki_pubkey_bytes, Input::Message(data), signature)
    }

    fn verify_prehashed(
        &self,
        scheme: SigningScheme,
        spki_pubkey_bytes: &[u8],
        digest: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        verify_ecdsa(scheme, spki_pubkey_bytes, Input::Digest(digest), signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer;

    #[test]
    fn verifies_p256_messages_and_digests_and_refuses_rsa() {
        let sk = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let point = sk.verifying_key().to_encoded_point(false);
        let sig: p256::ecdsa::Signature = sk.sign(b"hello");
        let der = sig.to_der();
        let s = SigningScheme::EcdsaP256Sha256;
        assert!(PROVIDER
            .verify_raw(s, point.as_bytes(), b"hello", der.as_bytes())
            .is_ok());
        assert!(PROVIDER
            .verify_raw(s, point.as_bytes(), b"hellO", der.as_bytes())
            .is_err());
        let digest = Sha256::digest(b"hello");
        assert!(PROVIDER
            .verify_prehashed(s, point.as_bytes(), &digest, der.as_bytes())
            .is_ok());
        assert!(matches!(
            PROVIDER.verify_raw(SigningScheme::RsaPkcs1Sha256, b"", b"", b""),
            Err(Error::UnsupportedAlgorithm(_))
        ));
    }

    #[test]
    fn verifies_ed25519_rfc8032_test_1() {
        // RFC 8032 §7.1, TEST 1 (empty message).
        let key = hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
            .unwrap();
        let sig = hex::decode("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b").unwrap();
        let s = SigningScheme::Ed25519;
        assert!(PROVIDER.verify_raw(s, &key, b"", &sig).is_ok());
        assert!(PROVIDER.verify_raw(s, &key, b"x", &sig).is_err());
    }
}
