//! Reading SubjectPublicKeyInfo public keys, DER or PEM (RFC 5280 §4.1.2.7; Ed25519 RFC 8410
//! §4, ECDSA RFC 5480 §2; spec/keys.md §5.3). Writing them is `PublicKey::to_spki_der`.

use pkcs8::der::asn1::ObjectIdentifier;
use pkcs8::spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use crate::algorithm::KeyAlgorithm;
use crate::error::KeyError;
use crate::format::{algorithm_name, curve_name, KeyFormat};
use crate::pem;
use crate::public_key::{PublicKey, SPKI_ED25519_PREFIX};

/// OID 1.3.101.112, Ed25519 (RFC 8410 §3).
const ED25519_OID: &str = "1.3.101.112";
/// OID 1.2.840.10045.2.1, id-ecPublicKey (RFC 5480 §2.1.1).
pub(crate) const EC_PUBLIC_KEY_OID: &str = "1.2.840.10045.2.1";

impl PublicKey {
    /// Reads a DER SubjectPublicKeyInfo (spec/keys.md §5.3): Ed25519 in its one DER encoding,
    /// or an ECDSA key on P-256, P-384 or P-521 named by its curve OID, compressed or
    /// uncompressed. The key passes the load checks of spec/keys.md §1.2.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        parse_der(der, KeyFormat::SpkiPem)
    }

    /// Reads an SPKI PEM `-----BEGIN PUBLIC KEY-----` (spec/keys.md §5.3), as
    /// [`PublicKey::from_spki_der`] reads its body.
    pub fn from_spki_pem(text: &str) -> Result<PublicKey, KeyError> {
        parse_pem(text)
    }
}

/// spec/keys.md §5.3: the PEM armour, then [`parse_der`].
pub(crate) fn parse_pem(text: &str) -> Result<PublicKey, KeyError> {
    let format = KeyFormat::SpkiPem;
    let der = pem::decode(text, "PUBLIC KEY", format)?;
    parse_der(&der, format)
}

/// spec/keys.md §5.3: Ed25519 must be exactly its one DER encoding; ECDSA is read with the
/// `spki` crate's strict DER decoder and checked as a SEC1 point.
pub(crate) fn parse_der(der: &[u8], format: KeyFormat) -> Result<PublicKey, KeyError> {
    if let Some(key) = der.strip_prefix(&SPKI_ED25519_PREFIX[..]) {
        let bytes: [u8; 32] = key.try_into().map_err(|_| {
            KeyError::malformed(format, "the SubjectPublicKeyInfo has the wrong length")
        })?;
        return PublicKey::from_bytes(&bytes);
    }
    let spki = SubjectPublicKeyInfoRef::try_from(der)
        .map_err(|e| KeyError::malformed_by(format, "not a SubjectPublicKeyInfo", e))?;
    let oid = spki.algorithm.oid.to_string();
    if oid == ED25519_OID {
        return Err(KeyError::malformed(
            format,
            "the ed25519 SubjectPublicKeyInfo is not in DER form",
        ));
    }
    let algorithm = ec_algorithm(&spki.algorithm, format)?;
    let point = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| KeyError::malformed(format, "the public key BIT STRING has unused bits"))?;
    PublicKey::from_sec1(algorithm, point)
}

/// The ECDSA algorithm of an `AlgorithmIdentifier` { id-ecPublicKey, namedCurve }; other
/// algorithms, explicit curve parameters and other curves are refused naming them.
pub(crate) fn ec_algorithm(
    identifier: &AlgorithmIdentifierRef<'_>,
    format: KeyFormat,
) -> Result<KeyAlgorithm, KeyError> {
    let oid = identifier.oid.to_string();
    if oid != EC_PUBLIC_KEY_OID {
        return Err(KeyError::UnsupportedAlgorithm {
            format,
            algorithm: algorithm_name(&oid),
        });
    }
    let curve: ObjectIdentifier =
        identifier
            .parameters_oid()
            .map_err(|_| KeyError::UnsupportedAlgorithm {
                format,
                algorithm: "ECDSA with explicit curve parameters (only named curves are read)"
                    .to_owned(),
            })?;
    let curve = curve.to_string();
    KeyAlgorithm::from_curve_oid(&curve).ok_or_else(|| KeyError::UnsupportedAlgorithm {
        format,
        algorithm: curve_name(&curve),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_round_trips_through_spki() {
        let mut rng = rand::rngs::OsRng;
        for alg in KeyAlgorithm::ALL {
            let key = crate::SecretKey::generate_with(alg, &mut rng).public();
            assert_eq!(PublicKey::from_spki_der(&key.to_spki_der()).unwrap(), key);
            assert_eq!(PublicKey::from_spki_pem(&key.to_spki_pem()).unwrap(), key);
        }
    }

    #[test]
    fn refuses_trailing_bytes_and_unused_bits() {
        let key = crate::SecretKey::generate_with(KeyAlgorithm::EcdsaP256, &mut rand::rngs::OsRng)
            .public();
        let mut der = key.to_spki_der();
        der.push(0);
        assert!(matches!(
            PublicKey::from_spki_der(&der),
            Err(KeyError::Malformed { .. })
        ));
        let mut der = key.to_spki_der();
        // BIT STRING unused-bits byte, just before the 04 of the point.
        let at = der.len() - 66;
        der[at] = 1;
        assert!(PublicKey::from_spki_der(&der).is_err());
    }
}
