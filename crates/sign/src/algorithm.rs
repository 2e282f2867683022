//! The signature algorithms of sceau keys, and their names in each encoding (spec/keys.md §1).

use std::fmt;
use std::str::FromStr;

/// The signature algorithm of a key (spec/keys.md §1).
///
/// Ed25519 (RFC 8032) signs and verifies; ECDSA over the NIST curves P-256, P-384 and P-521
/// (FIPS 186-5) signs and verifies with SHA-256, SHA-384 and SHA-512 respectively, the hash
/// fixed by the curve as securesystemslib, OpenSSF Model Signing and sigstore do
/// (spec/keys.md §6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// Ed25519 (RFC 8032), the default.
    Ed25519,
    /// ECDSA on NIST P-256 (secp256r1) with SHA-256.
    EcdsaP256,
    /// ECDSA on NIST P-384 (secp384r1) with SHA-384.
    EcdsaP384,
    /// ECDSA on NIST P-521 (secp521r1) with SHA-512.
    EcdsaP521,
}

impl KeyAlgorithm {
    /// Every algorithm, in the order above.
    pub const ALL: [KeyAlgorithm; 4] = [
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
        KeyAlgorithm::EcdsaP521,
    ];

    /// sceau's short name: `ed25519`, `p256`, `p384` or `p521`. It is the value of the
    /// `algorithm:` line of sceau secret key files, of `sceau keygen --type`, and the suffix of
    /// the public key line's tag (spec/keys.md §3, §4.1).
    pub fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::Ed25519 => "ed25519",
            KeyAlgorithm::EcdsaP256 => "p256",
            KeyAlgorithm::EcdsaP384 => "p384",
            KeyAlgorithm::EcdsaP521 => "p521",
        }
    }

    /// The algorithm whose [`KeyAlgorithm::name`] is `name`.
    pub fn from_name(name: &str) -> Option<KeyAlgorithm> {
        KeyAlgorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The tag that opens sceau's public key line: `sceau-ed25519`, `sceau-p256`, …
    /// (spec/keys.md §3).
    pub fn sceau_tag(self) -> &'static str {
        match self {
            KeyAlgorithm::Ed25519 => "sceau-ed25519",
            KeyAlgorithm::EcdsaP256 => "sceau-p256",
            KeyAlgorithm::EcdsaP384 => "sceau-p384",
            KeyAlgorithm::EcdsaP521 => "sceau-p521",
        }
    }

    /// The algorithm whose [`KeyAlgorithm::sceau_tag`] is `tag`.
    pub fn from_sceau_tag(tag: &str) -> Option<KeyAlgorithm> {
        KeyAlgorithm::ALL.into_iter().find(|a| a.sceau_tag() == tag)
    }

    /// The OpenSSH key type: `ssh-ed25519` (RFC 8709) or `ecdsa-sha2-nistp256` … (RFC 5656).
    pub fn openssh_name(self) -> &'static str {
        match self {
            KeyAlgorithm::Ed25519 => "ssh-ed25519",
            KeyAlgorithm::EcdsaP256 => "ecdsa-sha2-nistp256",
            KeyAlgorithm::EcdsaP384 => "ecdsa-sha2-nistp384",
            KeyAlgorithm::EcdsaP521 => "ecdsa-sha2-nistp521",
        }
    }

    /// The algorithm whose [`KeyAlgorithm::openssh_name`] is `name`.
    pub fn from_openssh_name(name: &str) -> Option<KeyAlgorithm> {
        KeyAlgorithm::ALL
            .into_iter()
            .find(|a| a.openssh_name() == name)
    }

    /// Length of the canonical public key bytes (spec/keys.md §1.1): 32 raw bytes for
    /// Ed25519, the SEC1 compressed point (33, 49 or 67 bytes) for ECDSA.
    pub fn public_key_len(self) -> usize {
        match self {
            KeyAlgorithm::Ed25519 => 32,
            KeyAlgorithm::EcdsaP256 => 33,
            KeyAlgorithm::EcdsaP384 => 49,
            KeyAlgorithm::EcdsaP521 => 67,
        }
    }

    /// Length of the secret: the Ed25519 seed (32 bytes) or the ECDSA private scalar, big
    /// endian, of the curve's size (32, 48 or 66 bytes; spec/keys.md §4.1).
    pub fn secret_len(self) -> usize {
        match self {
            KeyAlgorithm::Ed25519 | KeyAlgorithm::EcdsaP256 => 32,
            KeyAlgorithm::EcdsaP384 => 48,
            KeyAlgorithm::EcdsaP521 => 66,
        }
    }

    /// The longest signature of this algorithm: 64 bytes for Ed25519, the longest DER
    /// `ECDSA-Sig-Value` for ECDSA (72, 104 or 139 bytes; spec/keys.md §6.1).
    pub fn max_signature_len(self) -> usize {
        match self {
            KeyAlgorithm::Ed25519 => 64,
            KeyAlgorithm::EcdsaP256 => 72,
            KeyAlgorithm::EcdsaP384 => 104,
            KeyAlgorithm::EcdsaP521 => 139,
        }
    }

    /// Whether this is one of the ECDSA algorithms.
    pub fn is_ecdsa(self) -> bool {
        self != KeyAlgorithm::Ed25519
    }

    /// securesystemslib's `keytype` and default `scheme` for this algorithm
    /// (spec/keys.md §1.3).
    pub(crate) fn sslib_type_and_scheme(self) -> (&'static str, &'static str) {
        match self {
            KeyAlgorithm::Ed25519 => ("ed25519", "ed25519"),
            KeyAlgorithm::EcdsaP256 => ("ecdsa", "ecdsa-sha2-nistp256"),
            KeyAlgorithm::EcdsaP384 => ("ecdsa", "ecdsa-sha2-nistp384"),
            KeyAlgorithm::EcdsaP521 => ("ecdsa", "ecdsa-sha2-nistp521"),
        }
    }

    /// The ECDSA algorithm of a named-curve OID (RFC 5480 §2.1.1.1), if it is one sceau reads.
    pub(crate) fn from_curve_oid(oid: &str) -> Option<KeyAlgorithm> {
        match oid {
            "1.2.840.10045.3.1.7" => Some(KeyAlgorithm::EcdsaP256),
            "1.3.132.0.34" => Some(KeyAlgorithm::EcdsaP384),
            "1.3.132.0.35" => Some(KeyAlgorithm::EcdsaP521),
            _ => None,
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of [`KeyAlgorithm::name`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a key algorithm (expected ed25519, p256, p384 or p521)")]
pub struct KeyAlgorithmParseError(pub String);

impl FromStr for KeyAlgorithm {
    type Err = KeyAlgorithmParseError;

    /// Parses [`KeyAlgorithm::name`] (`ed25519`, `p256`, `p384`, `p521`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KeyAlgorithm::from_name(s)
            .ok_or_else(|| KeyAlgorithmParseError(s.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for a in KeyAlgorithm::ALL {
            assert_eq!(a.name().parse::<KeyAlgorithm>(), Ok(a));
            assert_eq!(KeyAlgorithm::from_sceau_tag(a.sceau_tag()), Some(a));
            assert_eq!(KeyAlgorithm::from_openssh_name(a.openssh_name()), Some(a));
        }
        assert!("P256".parse::<KeyAlgorithm>().is_err());
        assert_eq!(KeyAlgorithm::from_sceau_tag("sceau-ed448"), None);
    }
}
