//! OMS verifying keys: ECDSA P-256, P-384, P-521 (spec/oms.md §6.1).
//!
//! Kept behind this one type so that sceau's own ECDSA keys (`sceau_sign`) can replace the
//! RustCrypto types later without touching the verifiers.
use ecdsa::signature::hazmat::PrehashVerifier;
use ecdsa::signature::Verifier;
use p256::pkcs8::EncodePublicKey;
use sha2::{Digest as _, Sha256};
use spki::der::asn1::ObjectIdentifier;
use spki::der::Decode;
use spki::SubjectPublicKeyInfoRef;

use crate::error::KeyError;

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// A curve of the OMS algorithm registry, each with the hash `model_signing` pairs with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    /// P-256 with SHA-256.
    P256,
    /// P-384 with SHA-384.
    P384,
    /// P-521 with SHA-512.
    P521,
}

impl Curve {
    /// `P-256`, `P-384`, `P-521`.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// The Sigstore `keyDetails` name of the pair (`PKIX_ECDSA_P256_SHA_256`, …).
    pub fn key_details(self) -> &'static str {
        match self {
            Curve::P256 => "PKIX_ECDSA_P256_SHA_256",
            Curve::P384 => "PKIX_ECDSA_P384_SHA_384",
            Curve::P521 => "PKIX_ECDSA_P521_SHA_512",
        }
    }
}

/// The message hash of a DSSE signature check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureHash {
    /// The curve's own hash (every `model_signing` release from 0.3).
    CurveDefault,
    /// SHA-256 whatever the curve (`model_signing` 0.2 certificate signatures).
    Sha256,
}

#[derive(Clone)]
enum Inner {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
}

/// An ECDSA public key OMS signs with, with its canonical SPKI encoding.
#[derive(Clone)]
pub struct OmsPublicKey {
    inner: Inner,
    spki_der: Vec<u8>,
}

impl std::fmt::Debug for OmsPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OmsPublicKey")
            .field("curve", &self.curve())
            .field("hint", &self.hint())
            .finish()
    }
}

impl PartialEq for OmsPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki_der == other.spki_der
    }
}

impl Eq for OmsPublicKey {}

fn point_error(curve: Curve) -> KeyError {
    KeyError::Point {
        curve: curve.name(),
    }
}

impl OmsPublicKey {
    /// Reads a DER SubjectPublicKeyInfo of an EC key on P-256, P-384 or P-521.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki =
            SubjectPublicKeyInfoRef::from_der(der).map_err(|e| KeyError::Spki(e.to_string()))?;
        if spki.algorithm.oid != EC_PUBLIC_KEY {
            return Err(KeyError::Unsupported(format!(
                "algorithm {}",
                spki.algorithm.oid
            )));
        }
        let curve_oid = spki
            .algorithm
            .parameters_oid()
            .map_err(|e| KeyError::Spki(e.to_string()))?;
        let point = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| KeyError::Spki("public key bit string has unused bits".into()))?;
        let (inner, spki_der) = match curve_oid {
            o if o == P256_OID => {
                let pk = p256::PublicKey::from_sec1_bytes(point)
                    .map_err(|_| point_error(Curve::P256))?;
                let der = pk
                    .to_public_key_der()
                    .map_err(|e| KeyError::Spki(e.to_string()))?;
                (Inner::P256(pk.into()), der.into_vec())
            }
            o if o == P384_OID => {
                let pk = p384::PublicKey::from_sec1_bytes(point)
                    .map_err(|_| point_error(Curve::P384))?;
                let der = pk
                    .to_public_key_der()
                    .map_err(|e| KeyError::Spki(e.to_string()))?;
                (Inner::P384(pk.into()), der.into_vec())
            }
            o if o == P521_OID => {
                let pk = p521::PublicKey::from_sec1_bytes(point)
                    .map_err(|_| point_error(Curve::P521))?;
                let der = pk
                    .to_public_key_der()
                    .map_err(|e| KeyError::Spki(e.to_string()))?;
                let vk = p521::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .map_err(|_| point_error(Curve::P521))?;
                (Inner::P521(vk), der.into_vec())
            }
            o => return Err(KeyError::Unsupported(format!("curve {o}"))),
        };
        Ok(OmsPublicKey { inner, spki_der })
    }

    /// Reads the one `PUBLIC KEY` PEM block of `text`; text around it is skipped.
    pub fn from_pem(text: &[u8]) -> Result<Self, KeyError> {
        let mut blocks = crate::pem::blocks(text, "PUBLIC KEY")?;
        match blocks.len() {
            0 => Err(KeyError::NoPem("PUBLIC KEY")),
            1 => Self::from_spki_der(&blocks.remove(0)),
            _ => Err(KeyError::SeveralPem("PUBLIC KEY")),
        }
    }

    /// The curve.
    pub fn curve(&self) -> Curve {
        match self.inner {
            Inner::P256(_) => Curve::P256,
            Inner::P384(_) => Curve::P384,
            Inner::P521(_) => Curve::P521,
        }
    }

    /// The SPKI DER, uncompressed point (as OpenSSL re-encodes any key).
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// The SPKI PEM text Python's `cryptography` writes for this key: what the OMS key hint
    /// hashes.
    pub fn spki_pem(&self) -> String {
        crate::pem::encode("PUBLIC KEY", &self.spki_der)
    }

    /// The OMS key hint: hex SHA-256 of [`OmsPublicKey::spki_pem`] (spec/oms.md §6.1).
    pub fn hint(&self) -> String {
        hex::encode(Sha256::digest(self.spki_pem().as_bytes()))
    }

    /// True when `der_signature` is a valid ECDSA signature of `message` under this key.
    pub fn verify(&self, message: &[u8], der_signature: &[u8], hash: SignatureHash) -> bool {
        match (&self.inner, hash) {
            (Inner::P256(k), _) => p256::ecdsa::Signature::from_der(der_signature)
                .is_ok_and(|s| k.verify(message, &s).is_ok()),
            (Inner::P384(k), SignatureHash::CurveDefault) => {
                p384::ecdsa::Signature::from_der(der_signature)
                    .is_ok_and(|s| k.verify(message, &s).is_ok())
            }
            (Inner::P384(k), SignatureHash::Sha256) => {
                p384::ecdsa::Signature::from_der(der_signature)
                    .is_ok_and(|s| k.verify_prehash(&Sha256::digest(message), &s).is_ok())
            }
            (Inner::P521(k), SignatureHash::CurveDefault) => {
                p521::ecdsa::Signature::from_der(der_signature)
                    .is_ok_and(|s| k.verify(message, &s).is_ok())
            }
            (Inner::P521(k), SignatureHash::Sha256) => {
                p521::ecdsa::Signature::from_der(der_signature)
                    .is_ok_and(|s| k.verify_prehash(&Sha256::digest(message), &s).is_ok())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // model-transparency's test signing key (scripts/tests/keys/certificate/signing-key-pub.pem),
    // whose hint the OMS spec's key vector records (testdata/oms/README.md).
    const PEM: &str = "Public Key Information:\n\tsome text certtool writes\n\
        -----BEGIN PUBLIC KEY-----\n\
        MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEsu6rZGBTjxtvRWPMixT+3HyndV0J0Ybt\n\
        aHZUcO4DEK+OJHO/4e32bb/fbJKSpRgcBsIpKLcVijUomyFOERbd7u+BTPSUjGZD\n\
        Qq6J7lTvp/EAXQGOKxW9RP0MGX3qAkvi\n\
        -----END PUBLIC KEY-----\n";

    #[test]
    fn the_hint_hashes_the_canonical_pem() {
        let k = OmsPublicKey::from_pem(PEM.as_bytes()).unwrap();
        assert_eq!(k.curve(), Curve::P384);
        assert_eq!(
            k.hint(),
            "e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e"
        );
        assert!(k.spki_pem().starts_with("-----BEGIN PUBLIC KEY-----\nMHYw"));
    }

    #[test]
    fn other_keys_are_refused() {
        // An Ed25519 SPKI.
        let ed = hex::decode("302a300506032b6570032100d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a").unwrap();
        assert!(matches!(
            OmsPublicKey::from_spki_der(&ed),
            Err(KeyError::Unsupported(_))
        ));
        assert!(OmsPublicKey::from_spki_der(b"\x30\x00").is_err());
        let two = format!("{PEM}{PEM}");
        assert!(matches!(
            OmsPublicKey::from_pem(two.as_bytes()),
            Err(KeyError::SeveralPem(_))
        ));
    }
}
