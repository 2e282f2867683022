//! Reading DER private keys: PKCS#8 (RFC 5208/5958; Ed25519 RFC 8410, ECDSA RFC 5915 inside),
//! encrypted PKCS#8 (PBES2, RFC 8018 with scrypt RFC 7914) and SEC1 `EC PRIVATE KEY`
//! (RFC 5915) — spec/keys.md §5.4–§5.6.

use pkcs8::der::asn1::ObjectIdentifier;
use pkcs8::der::Decode;
use pkcs8::pkcs5::pbes2::{Kdf, Pbkdf2Prf};
use pkcs8::{EncryptedPrivateKeyInfo, PrivateKeyInfo};
use sec1::EcPrivateKey;
use zeroize::Zeroizing;

use crate::algorithm::KeyAlgorithm;
use crate::error::{BoxError, KeyError};
use crate::format::{algorithm_name, KeyFormat};
use crate::kdf::{KdfParams, SCEAU_LIMITS};
use crate::pem;
use crate::public_key::PublicKey;
use crate::secret_key::SecretKey;
use crate::spki::{ec_algorithm, EC_PUBLIC_KEY_OID};

/// Most PBKDF2 iterations an encrypted PKCS#8 key may ask for (spec/keys.md §5.6): about two
/// seconds of HMAC-SHA-256 on the development machines. OpenSSL writes 2048.
pub const MAX_PBKDF2_ITERATIONS: u32 = 4_000_000;

/// OID 1.3.101.112, Ed25519.
const ED25519_OID: &str = "1.3.101.112";

/// spec/keys.md §5.4: `-----BEGIN PRIVATE KEY-----`.
pub(crate) fn parse_pem(text: &str) -> Result<SecretKey, KeyError> {
    let format = KeyFormat::Pkcs8Pem;
    let der = pem::decode(text, "PRIVATE KEY", format)?;
    parse_der(&der, format)
}

/// A PKCS#8 `PrivateKeyInfo` (v1, or v2 with the public key, which must then match): Ed25519
/// or ECDSA on a named curve sceau reads (spec/keys.md §5.4).
pub(crate) fn parse_der(der: &[u8], format: KeyFormat) -> Result<SecretKey, KeyError> {
    let info = PrivateKeyInfo::try_from(der)
        .map_err(|e| KeyError::malformed_by(format, "not a PKCS#8 PrivateKeyInfo", e))?;
    let oid = info.algorithm.oid.to_string();
    if oid == ED25519_OID {
        let key = ed25519_dalek::SigningKey::try_from(info)
            .map_err(|e| KeyError::malformed_by(format, "not a valid ed25519 PKCS#8 key", e))?;
        let seed = Zeroizing::new(key.to_bytes());
        return SecretKey::from_file_secret(KeyAlgorithm::Ed25519, &*seed, format);
    }
    if oid != EC_PUBLIC_KEY_OID {
        return Err(KeyError::UnsupportedAlgorithm {
            format,
            algorithm: algorithm_name(&oid),
        });
    }
    let algorithm = ec_algorithm(&info.algorithm, format)?;
    let ec = EcPrivateKey::from_der(info.private_key)
        .map_err(|e| KeyError::malformed_by(format, "not an RFC 5915 ECPrivateKey", e))?;
    let key = ec_secret(algorithm, &ec, format)?;
    if let Some(public) = info.public_key {
        key.check_stored_public(&PublicKey::from_sec1(algorithm, public)?, format)?;
    }
    Ok(key)
}

/// The key of an RFC 5915 `ECPrivateKey` on `algorithm`'s curve: curve parameters, when
/// present, must name that curve; the public key, when present, must be the scalar's.
fn ec_secret(
    algorithm: KeyAlgorithm,
    ec: &EcPrivateKey<'_>,
    format: KeyFormat,
) -> Result<SecretKey, KeyError> {
    if let Some(params) = ec.parameters {
        let named = params
            .named_curve()
            .map(|oid| KeyAlgorithm::from_curve_oid(&oid.to_string()));
        if named != Some(Some(algorithm)) {
            return Err(KeyError::malformed(
                format,
                "the ECPrivateKey names another curve than its algorithm identifier",
            ));
        }
    }
    let key = SecretKey::from_file_secret(algorithm, ec.private_key, format)?;
    if let Some(public) = ec.public_key {
        key.check_stored_public(&PublicKey::from_sec1(algorithm, public)?, format)?;
    }
    Ok(key)
}

/// spec/keys.md §5.5: `-----BEGIN EC PRIVATE KEY-----`, optionally after the
/// `-----BEGIN EC PARAMETERS-----` block `openssl ecparam -genkey` writes. The curve comes from
/// the key's parameters or from that block; when both are given they must agree.
pub(crate) fn parse_sec1_pem(text: &str) -> Result<SecretKey, KeyError> {
    let format = KeyFormat::Sec1Pem;
    let (block_curve, rest) = match pem::split_leading_block(text, "EC PARAMETERS") {
        Some((block, rest)) => {
            let der = pem::decode(block, "EC PARAMETERS", format)?;
            let oid = ObjectIdentifier::from_der(&der).map_err(|e| {
                KeyError::malformed_by(format, "the EC PARAMETERS are not a named curve", e)
            })?;
            (Some(curve_algorithm(&oid, format)?), rest)
        }
        None => (None, text),
    };
    let der = pem::decode(rest, "EC PRIVATE KEY", format)?;
    let ec = EcPrivateKey::from_der(&der)
        .map_err(|e| KeyError::malformed_by(format, "not an RFC 5915 ECPrivateKey", e))?;
    let key_curve = match ec.parameters {
        Some(params) => {
            let oid = params
                .named_curve()
                .ok_or_else(|| KeyError::UnsupportedAlgorithm {
                    format,
                    algorithm: "ECDSA with explicit curve parameters (only named curves are read)"
                        .to_owned(),
                })?;
            Some(curve_algorithm(&oid, format)?)
        }
        None => None,
    };
    let algorithm = match (block_curve, key_curve) {
        (Some(a), Some(b)) if a != b => {
            return Err(KeyError::malformed(
                format,
                "the EC PARAMETERS block and the key name different curves",
            ))
        }
        (Some(a), _) | (None, Some(a)) => a,
        (None, None) => {
            return Err(KeyError::malformed(
                format,
                "the key does not name its curve (no parameters)",
            ))
        }
    };
    ec_secret(algorithm, &ec, format)
}

fn curve_algorithm(oid: &ObjectIdentifier, format: KeyFormat) -> Result<KeyAlgorithm, KeyError> {
    let oid = oid.to_string();
    KeyAlgorithm::from_curve_oid(&oid).ok_or_else(|| KeyError::UnsupportedAlgorithm {
        format,
        algorithm: crate::format::curve_name(&oid),
    })
}

/// spec/keys.md §5.6: `-----BEGIN ENCRYPTED PRIVATE KEY-----`, PBES2 with PBKDF2 (HMAC-SHA-224,
/// -256, -384 or -512) or scrypt, and AES-128/192/256-CBC. The KDF parameters are checked
/// against the limits before the passphrase is asked for.
pub(crate) fn parse_encrypted_pem<F, E>(text: &str, passphrase: F) -> Result<SecretKey, KeyError>
where
    F: FnOnce() -> Result<Zeroizing<Vec<u8>>, E>,
    E: Into<BoxError>,
{
    let format = KeyFormat::EncryptedPkcs8Pem;
    let der = pem::decode(text, "ENCRYPTED PRIVATE KEY", format)?;
    let info = EncryptedPrivateKeyInfo::try_from(&der[..]).map_err(|e| {
        let reason = "not a PKCS#8 EncryptedPrivateKeyInfo with a scheme sceau reads";
        KeyError::malformed_by(format, reason, e)
    })?;
    let Some(pbes2) = info.encryption_algorithm.pbes2() else {
        return Err(KeyError::UnsupportedEncryption {
            format,
            detail: "the key is encrypted with PBES1 (an obsolete scheme); re-encrypt it: \
                     `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW.pem`",
        });
    };
    match &pbes2.kdf {
        Kdf::Pbkdf2(p) => {
            if !matches!(
                p.prf,
                Pbkdf2Prf::HmacWithSha224
                    | Pbkdf2Prf::HmacWithSha256
                    | Pbkdf2Prf::HmacWithSha384
                    | Pbkdf2Prf::HmacWithSha512
            ) {
                return Err(KeyError::UnsupportedEncryption {
                    format,
                    detail: "the key's PBKDF2 uses HMAC-SHA-1, which sceau does not read; \
                             re-encrypt it: `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf \
                             hmacWithSHA256 -in KEY -out NEW.pem`",
                });
            }
            if p.iteration_count > MAX_PBKDF2_ITERATIONS {
                return Err(KeyError::KdfTooCostly {
                    format,
                    what: "iterations",
                    asked: format!("{} PBKDF2 iterations", p.iteration_count),
                    limit: "4000000 iterations",
                });
            }
        }
        Kdf::Scrypt(s) => {
            let n = s.cost_parameter;
            if !n.is_power_of_two() || n < 2 {
                return Err(KeyError::malformed(
                    format,
                    "the scrypt cost N is not a power of two above 1",
                ));
            }
            let log_n = u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX);
            KdfParams::check_read_for(
                format,
                log_n,
                u32::from(s.block_size),
                u32::from(s.parallelization),
                SCEAU_LIMITS,
            )?;
        }
        _ => {
            return Err(KeyError::UnsupportedEncryption {
                format,
                detail: "the key's PBES2 key derivation is neither PBKDF2 nor scrypt",
            })
        }
    }
    let pass = passphrase().map_err(|e| KeyError::PassphraseUnavailable {
        format,
        source: e.into(),
    })?;
    // AES-CBC has no integrity check: a wrong passphrase shows as bad padding or, rarely, as
    // bytes that are not a PKCS#8 key. Both are reported as a wrong passphrase.
    let plain = info
        .decrypt(&*pass)
        .map_err(|_| KeyError::WrongPassphrase { format })?;
    match parse_der(plain.as_bytes(), format) {
        Err(KeyError::Malformed { .. }) => Err(KeyError::WrongPassphrase { format }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pkcs8::der::Encode;
    use pkcs8::pkcs5::pbes2::Parameters;

    fn never() -> Result<Zeroizing<Vec<u8>>, BoxError> {
        panic!("the passphrase must not be asked for")
    }

    /// An encrypted PKCS#8 PEM with these PBES2 parameters around junk: the KDF is never run.
    fn hostile(params: Parameters<'_>) -> String {
        let info = EncryptedPrivateKeyInfo {
            encryption_algorithm: params.into(),
            encrypted_data: &[0u8; 48],
        };
        pem::encode("ENCRYPTED PRIVATE KEY", &info.to_der().unwrap()).to_string()
    }

    #[test]
    fn kdf_costs_above_the_limits_are_refused_before_the_passphrase() {
        let salt = [7u8; 16];
        let iv = [1u8; 16];
        let pbkdf2 =
            Parameters::pbkdf2_sha256_aes256cbc(MAX_PBKDF2_ITERATIONS + 1, &salt, &iv).unwrap();
        let err = parse_encrypted_pem(&hostile(pbkdf2), never).err().unwrap();
        assert!(
            matches!(
                err,
                KeyError::KdfTooCostly {
                    what: "iterations",
                    ..
                }
            ),
            "{err}"
        );
        // scrypt N = 2^19, r = 8: 512 MiB.
        let params = scrypt::Params::new(19, 8, 1, 32).unwrap();
        let scrypt = Parameters::scrypt_aes256cbc(params, &salt, &iv).unwrap();
        let err = parse_encrypted_pem(&hostile(scrypt), never).err().unwrap();
        assert!(
            matches!(err, KeyError::KdfTooCostly { what: "memory", .. }),
            "{err}"
        );
        // Within the limits, the passphrase is asked for; junk then reads as a wrong one.
        let fine = Parameters::pbkdf2_sha256_aes256cbc(1000, &salt, &iv).unwrap();
        let err = parse_encrypted_pem(&hostile(fine), || {
            Ok::<_, BoxError>(Zeroizing::new(b"x".to_vec()))
        })
        .err()
        .unwrap();
        assert!(matches!(err, KeyError::WrongPassphrase { .. }), "{err}");
    }
}
