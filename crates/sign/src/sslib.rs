//! The key id securesystemslib gives a key by default (`SSlibKey.from_crypto`), which sceau
//! writes in the `keyid` of its DSSE signatures so that securesystemslib's default path finds
//! them (spec/keys.md §1.3).

use sha2::{Digest, Sha256};

use crate::algorithm::KeyAlgorithm;
use crate::public_key::PublicKey;

/// A string in OLPC canonical JSON, as securesystemslib's `encode_canonical` writes it: only
/// `\` and `"` are escaped; every other character, line breaks included, is written as is.
fn canonical_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// SHA-256, in lower-case hex, of the canonical JSON of `{"keytype", "keyval": {"public"},
/// "scheme"}` (keys sorted, no whitespace), where `public` is the hex of the 32 raw bytes of an
/// Ed25519 key and the SPKI PEM (uncompressed point, 64-column lines, final line break) of an
/// ECDSA key, and keytype and scheme are securesystemslib's defaults for the algorithm
/// (spec/keys.md §1.3).
pub(crate) fn default_keyid(key: &PublicKey) -> String {
    let algorithm = key.algorithm();
    let (keytype, scheme) = algorithm.sslib_type_and_scheme();
    let public = match algorithm {
        KeyAlgorithm::Ed25519 => hex::encode(key.to_bytes()),
        _ => key.to_spki_pem(),
    };
    let json = format!(
        "{{\"keytype\":{},\"keyval\":{{\"public\":{}}},\"scheme\":{}}}",
        canonical_string(keytype),
        canonical_string(&public),
        canonical_string(scheme)
    );
    hex::encode(Sha256::digest(json.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_only_quotes_and_backslashes() {
        assert_eq!(canonical_string("a\"b\\c\nd"), "\"a\\\"b\\\\c\nd\"");
    }
}
