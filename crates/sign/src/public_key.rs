//! Public keys: the load checks every key passes, parsing and writing the three encodings
//! (spec/keys.md §1–§3, §5), and the one signature check sceau uses (spec/keys.md §6).

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};

use crate::error::{KeyError, MAX_KEY_TEXT_BYTES};
use crate::format::{algorithm_name, KeyFormat, SCEAU_PUBLIC_TAG};
use crate::key_id::KeyId;
use crate::pem;

/// DER prefix of an ed25519 SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID 1.3.101.112 },
/// BIT STRING (0 unused bits) } with the 32 key bytes following (RFC 8410 §4; spec/keys.md §5.3).
pub(crate) const SPKI_ED25519_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// OpenSSH algorithm name of ed25519 keys (RFC 8709).
const SSH_ED25519: &str = "ssh-ed25519";

/// What a public key text may be, for error messages.
const EXPECTED_PUBLIC: &str = "a public key: a `sceau-ed25519 …` line, an `ssh-ed25519 …` line \
                               or a -----BEGIN PUBLIC KEY----- PEM";

/// An ed25519 public key that passed the load checks of spec/keys.md §1.2: a canonical
/// encoding of a curve point of prime order. Weak keys cannot be represented.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl PublicKey {
    /// Checks 32 raw bytes and makes them a key (spec/keys.md §1.2). Refused: bytes that are
    /// not a curve point, non-canonical encodings, small-order points (`is_weak`), and points
    /// with a small-order component.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey, KeyError> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::NotOnCurve)?;
        let key_id = KeyId::of_bytes(bytes);
        let point = key.to_edwards();
        // curve25519-dalek reduces y mod p and accepts a set sign bit on x = 0:
        // re-encoding finds both (spec/keys.md §1.2).
        if point.compress().to_bytes() != *bytes {
            return Err(KeyError::NonCanonical { key_id });
        }
        if key.is_weak() {
            return Err(KeyError::WeakKey {
                key_id,
                detail: "small order",
            });
        }
        // An honestly generated key is a multiple of the base point, so it never has a
        // torsion component; a key with one only serves to make verifiers disagree.
        if !point.is_torsion_free() {
            return Err(KeyError::WeakKey {
                key_id,
                detail: "has a small-order component",
            });
        }
        Ok(PublicKey { key })
    }

    /// A key derived from a secret key; such keys always pass the load checks.
    pub(crate) fn from_derived(key: VerifyingKey) -> PublicKey {
        PublicKey { key }
    }

    /// The 32 raw key bytes (RFC 8032 encoding).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The key id (spec/keys.md §1.1).
    pub fn key_id(&self) -> KeyId {
        KeyId::of_bytes(self.key.as_bytes())
    }

    /// Whether `signature` is a valid signature of `message` by this key: exactly 64 bytes,
    /// checked with `verify_strict` (spec/keys.md §6). This is the only signature check sceau
    /// makes.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(bytes) = <&[u8; 64]>::try_from(signature) else {
            return false;
        };
        self.key
            .verify_strict(message, &Signature::from_bytes(bytes))
            .is_ok()
    }

    /// Reads a public key in any encoding of spec/keys.md §2, returning it with its comment
    /// (the untrusted text after the key, if any). Every key passes [`PublicKey::from_bytes`].
    pub fn parse(text: &str) -> Result<(PublicKey, Option<String>), KeyError> {
        if text.len() > MAX_KEY_TEXT_BYTES {
            return Err(KeyError::TooLarge { len: text.len() });
        }
        match KeyFormat::sniff(text) {
            Some(KeyFormat::SceauPublic) => parse_sceau_line(text),
            Some(KeyFormat::OpenSshPublic) => parse_openssh(text),
            Some(KeyFormat::SpkiPem) => parse_spki_pem(text).map(|k| (k, None)),
            Some(found) => Err(KeyError::WrongKind {
                found,
                expected: "a public key",
            }),
            None => Err(KeyError::Unrecognised {
                expected: EXPECTED_PUBLIC,
            }),
        }
    }

    /// sceau's one-line encoding, `sceau-ed25519 <keyid> <base64 key> [comment]`, without a
    /// line ending (spec/keys.md §3). The comment is cleaned as [`clean_comment`] says.
    pub fn to_sceau_line(&self, comment: Option<&str>) -> String {
        let mut line = format!(
            "{SCEAU_PUBLIC_TAG} {} {}",
            self.key_id(),
            STANDARD.encode(self.to_bytes())
        );
        if let Some(c) = comment.and_then(clean_comment) {
            line.push(' ');
            line.push_str(&c);
        }
        line
    }

    /// The OpenSSH encoding `ssh-ed25519 AAAA…`, without comment or line ending
    /// (RFC 8709 §4; spec/keys.md §5.1).
    pub fn to_openssh(&self) -> String {
        let mut blob = Vec::with_capacity(51);
        for field in [SSH_ED25519.as_bytes(), self.key.as_bytes()] {
            // Both fields are short constants, so their lengths fit a u32.
            blob.extend_from_slice(&(field.len() as u32).to_be_bytes());
            blob.extend_from_slice(field);
        }
        format!("{SSH_ED25519} {}", STANDARD.encode(blob))
    }

    /// The SPKI PEM encoding `-----BEGIN PUBLIC KEY-----`, as `openssl pkey -pubout` writes it,
    /// ending in a newline (RFC 8410; spec/keys.md §5.3).
    pub fn to_spki_pem(&self) -> String {
        let mut der = SPKI_ED25519_PREFIX.to_vec();
        der.extend_from_slice(self.key.as_bytes());
        pem::encode("PUBLIC KEY", &der).to_string()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.key_id())
    }
}

/// A comment as sceau writes it (spec/keys.md §3): control characters (line breaks
/// included) become spaces and surrounding whitespace is trimmed; an empty comment is none.
pub fn clean_comment(comment: &str) -> Option<String> {
    let cleaned: String = comment
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = cleaned.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The one non-blank line of a one-line format.
fn single_line(text: &str, format: KeyFormat) -> Result<&str, KeyError> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let line = lines.next().unwrap_or_default();
    if lines.next().is_some() {
        return Err(KeyError::malformed(format, "expected a single line"));
    }
    Ok(line)
}

/// Splits off the first whitespace-separated token.
fn token(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    s.split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((s, ""))
}

/// spec/keys.md §3: the key id is compared first, then the key is checked.
fn parse_sceau_line(text: &str) -> Result<(PublicKey, Option<String>), KeyError> {
    let format = KeyFormat::SceauPublic;
    let line = single_line(text, format)?;
    let (_tag, rest) = token(line);
    let (stated, rest) = token(rest);
    let (b64, rest) = token(rest);
    if b64.is_empty() {
        return Err(KeyError::Truncated {
            format,
            missing: "the base64 key",
        });
    }
    let bytes = STANDARD
        .decode(b64)
        .map_err(|e| KeyError::malformed_by(format, "the key is not base64", e))?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
        KeyError::malformed(format, format!("the key is {} bytes, not 32", b.len()))
    })?;
    let actual = KeyId::of_bytes(&bytes);
    if stated.parse::<KeyId>() != Ok(actual) {
        return Err(KeyError::KeyIdMismatch {
            format,
            stated: stated.chars().take(40).collect(),
            actual,
        });
    }
    Ok((PublicKey::from_bytes(&bytes)?, clean_comment(rest)))
}

/// spec/keys.md §5.1: only `ssh-ed25519` keys; the algorithm is checked before decoding.
fn parse_openssh(text: &str) -> Result<(PublicKey, Option<String>), KeyError> {
    let format = KeyFormat::OpenSshPublic;
    let line = single_line(text, format)?;
    let (algorithm, _) = token(line);
    if algorithm != SSH_ED25519 {
        return Err(KeyError::UnsupportedAlgorithm {
            format,
            algorithm: algorithm.chars().take(60).collect(),
        });
    }
    let key = ssh_key::PublicKey::from_openssh(line)
        .map_err(|e| KeyError::malformed_by(format, "not a valid OpenSSH public key", e))?;
    let Some(ed) = key.key_data().ed25519() else {
        return Err(KeyError::UnsupportedAlgorithm {
            format,
            algorithm: key.algorithm().to_string(),
        });
    };
    Ok((PublicKey::from_bytes(&ed.0)?, clean_comment(key.comment())))
}

/// spec/keys.md §5.3: DER must be exactly the ed25519 SPKI (there is one DER encoding).
fn parse_spki_pem(text: &str) -> Result<PublicKey, KeyError> {
    let format = KeyFormat::SpkiPem;
    let der = pem::decode(text, "PUBLIC KEY", format)?;
    match der.strip_prefix(&SPKI_ED25519_PREFIX[..]) {
        Some(key) => {
            let bytes: [u8; 32] = key.try_into().map_err(|_| {
                KeyError::malformed(format, "the SubjectPublicKeyInfo has the wrong length")
            })?;
            PublicKey::from_bytes(&bytes)
        }
        None => Err(spki_other_algorithm(&der, format)),
    }
}

/// Names the algorithm of a SubjectPublicKeyInfo that is not ed25519, if it parses at all.
fn spki_other_algorithm(der: &[u8], format: KeyFormat) -> KeyError {
    use ed25519_dalek::pkcs8::spki::SubjectPublicKeyInfoRef;
    match SubjectPublicKeyInfoRef::try_from(der) {
        Ok(spki) if spki.algorithm.oid == ed25519_dalek::pkcs8::ALGORITHM_OID => {
            KeyError::malformed(
                format,
                "the ed25519 SubjectPublicKeyInfo is not in DER form",
            )
        }
        Ok(spki) => KeyError::UnsupportedAlgorithm {
            format,
            algorithm: algorithm_name(&spki.algorithm.oid.to_string()),
        },
        Err(e) => KeyError::malformed_by(format, "not a SubjectPublicKeyInfo", e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc8032_key() -> PublicKey {
        let bytes = hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
            .unwrap();
        PublicKey::from_bytes(&bytes.try_into().unwrap()).unwrap()
    }

    #[test]
    fn refuses_small_order_and_identity_keys() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        for weak in [[0u8; 32], identity] {
            assert!(
                matches!(
                    PublicKey::from_bytes(&weak),
                    Err(KeyError::WeakKey {
                        detail: "small order",
                        ..
                    })
                ),
                "{weak:?}"
            );
        }
        // The identity with the sign bit set: a non-canonical encoding of x = 0.
        let mut neg_zero = identity;
        neg_zero[31] = 0x80;
        assert!(matches!(
            PublicKey::from_bytes(&neg_zero),
            Err(KeyError::NonCanonical { .. })
        ));
        // y = p + 1 encodes y = 1 non-canonically: p = 2^255 - 19, so p + 1 = ed ff .. 7f.
        let mut p_plus_1 = [0xffu8; 32];
        p_plus_1[0] = 0xee;
        p_plus_1[31] = 0x7f;
        assert!(matches!(
            PublicKey::from_bytes(&p_plus_1),
            Err(KeyError::NonCanonical { .. })
        ));
    }

    #[test]
    fn refuses_a_key_with_a_torsion_component() {
        // A valid key plus a point of order 2 (x = 0, y = -1).
        let key = rfc8032_key();
        let mut minus_one = [0xffu8; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        let t = VerifyingKey::from_bytes(&minus_one).unwrap().to_edwards();
        let mixed = (key.key.to_edwards() + t).compress().to_bytes();
        assert!(matches!(
            PublicKey::from_bytes(&mixed),
            Err(KeyError::WeakKey {
                detail: "has a small-order component",
                ..
            })
        ));
    }

    #[test]
    fn sceau_line_round_trips_and_checks_the_key_id() {
        let key = rfc8032_key();
        let line = key.to_sceau_line(Some("alice\nlaptop "));
        assert_eq!(
            line,
            "sceau-ed25519 21fe31dfa154a261 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo= alice laptop"
        );
        let (back, comment) = PublicKey::parse(&format!("{line}\n")).unwrap();
        assert_eq!(back, key);
        assert_eq!(comment.as_deref(), Some("alice laptop"));

        let wrong = line.replace("21fe31dfa154a261", "0011223344556677");
        let err = PublicKey::parse(&wrong).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("0011223344556677") && msg.contains("21fe31dfa154a261"),
            "{msg}"
        );
        assert!(matches!(err, KeyError::KeyIdMismatch { .. }));
        assert!(matches!(
            PublicKey::parse("sceau-ed25519 21fe31dfa154a261"),
            Err(KeyError::Truncated { .. })
        ));
    }

    #[test]
    fn weak_key_in_a_sceau_line_is_refused() {
        let zero = [0u8; 32];
        let line = format!(
            "sceau-ed25519 {} {}",
            KeyId::of_bytes(&zero),
            STANDARD.encode(zero)
        );
        assert!(matches!(
            PublicKey::parse(&line),
            Err(KeyError::WeakKey { .. })
        ));
    }

    #[test]
    fn openssh_and_spki_round_trip() {
        let key = rfc8032_key();
        let ssh = key.to_openssh();
        assert_eq!(PublicKey::parse(&ssh).unwrap(), (key, None));
        let (k, c) = PublicKey::parse(&format!("{ssh} me@host\n")).unwrap();
        assert_eq!((k, c.as_deref()), (key, Some("me@host")));
        let pem = key.to_spki_pem();
        assert_eq!(PublicKey::parse(&pem).unwrap(), (key, None));
    }

    #[test]
    fn names_other_algorithms_and_wrong_kinds() {
        assert!(matches!(
            PublicKey::parse("ssh-rsa AAAAB3NzaC1yc2E me"),
            Err(KeyError::UnsupportedAlgorithm { .. })
        ));
        // `openssl genpkey -algorithm ed448 | openssl pkey -pubout`
        let ed448 = "-----BEGIN PUBLIC KEY-----\n\
            MEMwBQYDK2VxAzoARHyP5Vp+0T9uWTr2bQ5Jc6ECjhWtAOCUo82vHpwON9Z2drWu\n\
            x0mm666cve2mgdc8nGqZn9v9iP2A\n-----END PUBLIC KEY-----\n";
        let err = PublicKey::parse(ed448).unwrap_err();
        assert!(err.to_string().contains("Ed448"), "{err}");
        assert!(matches!(
            PublicKey::parse("-----BEGIN PRIVATE KEY-----\n"),
            Err(KeyError::WrongKind { .. })
        ));
        assert!(matches!(
            PublicKey::parse("hello"),
            Err(KeyError::Unrecognised { .. })
        ));
        assert!(matches!(
            PublicKey::parse(&"a".repeat(MAX_KEY_TEXT_BYTES + 1)),
            Err(KeyError::TooLarge { .. })
        ));
    }

    #[test]
    fn verify_refuses_signatures_that_are_not_64_bytes() {
        let key = rfc8032_key();
        let sig = hex::decode("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b").unwrap();
        assert!(key.verify(b"", &sig));
        let mut long = sig.clone();
        long.push(0);
        assert!(!key.verify(b"", &long));
        assert!(!key.verify(b"", &sig[..63]));
        assert!(!key.verify(b"x", &sig));
    }
}
