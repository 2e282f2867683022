//! Key ids: a short name for a public key, derived from its bytes (spec/keys.md §1.1).

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// The first 8 bytes of SHA-256 over the canonical public key bytes (the 32 raw bytes of an
/// Ed25519 key, the SEC1 compressed point of an ECDSA key), written as 16 lower-case hex
/// digits (spec/keys.md §1.1). One rule for every key type; an Ed25519 key's id is unchanged
/// from sceau's first versions.
///
/// A key id is a hint for people and for finding a key quickly. It is never trusted: a
/// signature counts only when it verifies under the key itself.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; 8]);

impl KeyId {
    /// The key id of the 32 raw bytes of an Ed25519 public key (spec/keys.md §1.1).
    pub fn of_bytes(public_key: &[u8; 32]) -> KeyId {
        KeyId::of_canonical(public_key)
    }

    /// The key id of canonical public key bytes, as [`crate::PublicKey::to_bytes`] returns
    /// them (spec/keys.md §1.1).
    pub fn of_canonical(public_key: &[u8]) -> KeyId {
        let digest = Sha256::digest(public_key);
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        KeyId(id)
    }

    /// The 8 bytes of the id.
    pub fn as_bytes(&self) -> &[u8; 8] {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// A string that is not 16 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a key id (16 lower-case hex digits)")]
pub struct KeyIdParseError(pub String);

impl FromStr for KeyId {
    type Err = KeyIdParseError;

    /// Parses exactly 16 lower-case hex digits (spec/keys.md §1.1).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.len() == 16 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        let mut id = [0u8; 8];
        match hex::decode_to_slice(s, &mut id) {
            Ok(()) if lower => Ok(KeyId(id)),
            _ => Err(KeyIdParseError(s.chars().take(40).collect())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_the_sha256_prefix_of_the_raw_key() {
        // RFC 8032 test 1 public key; prefix computed with `xxd -r -p | sha256sum`.
        let pk = hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
            .unwrap();
        let id = KeyId::of_bytes(&pk.try_into().unwrap());
        assert_eq!(id.to_string(), "21fe31dfa154a261");
        assert_eq!(id.to_string().parse::<KeyId>().unwrap(), id);
    }

    #[test]
    fn parses_only_sixteen_lower_case_hex_digits() {
        for bad in [
            "",
            "21fe31dfa154a26",
            "21FE31DFA154A261",
            "21fe31dfa154a2611",
            "zzfe31dfa154a261",
        ] {
            assert!(bad.parse::<KeyId>().is_err(), "{bad}");
        }
    }
}
