//! Public keys: the load checks every key passes, the canonical bytes that name and compare
//! keys, and the one signature check sceau uses (spec/keys.md §1, §6). Reading the encodings is
//! in `public_parse.rs` and the modules of each format; writing them is here.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::VerifyingKey;
use p256::ecdsa::signature::Verifier;
use p256::elliptic_curve::sec1::ToEncodedPoint;

use crate::algorithm::KeyAlgorithm;
use crate::error::KeyError;
use crate::key_id::KeyId;
use crate::pem;

/// DER prefix of an ed25519 SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID 1.3.101.112 },
/// BIT STRING (0 unused bits) } with the 32 key bytes following (RFC 8410 §4; spec/keys.md §5.3).
pub(crate) const SPKI_ED25519_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// DER prefix of a P-256 SubjectPublicKeyInfo with an uncompressed point: SEQUENCE {
/// SEQUENCE { OID id-ecPublicKey, OID prime256v1 }, BIT STRING } (RFC 5480; spec/keys.md §5.3).
const SPKI_P256_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// As [`SPKI_P256_PREFIX`], for P-384 (OID secp384r1).
const SPKI_P384_PREFIX: [u8; 23] = [
    0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
    0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
];

/// As [`SPKI_P256_PREFIX`], for P-521 (OID secp521r1).
const SPKI_P521_PREFIX: [u8; 25] = [
    0x30, 0x81, 0x9b, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05,
    0x2b, 0x81, 0x04, 0x00, 0x23, 0x03, 0x81, 0x86, 0x00,
];

/// The longest signature of any algorithm (a P-521 DER signature), in bytes. A signature
/// longer than this verifies under no key (spec/keys.md §6.1).
pub const MAX_SIGNATURE_BYTES: usize = 139;

/// A public key that passed the load checks of spec/keys.md §1.2: an Ed25519 key that is a
/// canonical encoding of a point of prime order, or an ECDSA key that is a point of its curve
/// other than the point at infinity. Weak and invalid keys cannot be represented.
///
/// Equality, ordering and hashing compare the **canonical key** (algorithm and canonical
/// bytes, spec/keys.md §1.1), so the same key read from a PEM file and from an OpenSSH line,
/// compressed or not, is one key.
#[derive(Clone, Copy)]
pub struct PublicKey {
    inner: Inner,
}

#[derive(Clone, Copy)]
enum Inner {
    Ed25519(VerifyingKey),
    P256(p256::PublicKey),
    P384(p384::PublicKey),
    P521(p521::PublicKey),
}

impl PublicKey {
    /// Checks 32 raw Ed25519 bytes and makes them a key (spec/keys.md §1.2). Refused: bytes
    /// that are not a curve point, non-canonical encodings, small-order points (`is_weak`),
    /// and points with a small-order component.
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
        Ok(PublicKey {
            inner: Inner::Ed25519(key),
        })
    }

    /// Checks a SEC1 point encoding (RFC 5480 §2.2: `02`/`03` compressed or `04`
    /// uncompressed) of an ECDSA key and makes it a key (spec/keys.md §1.2). Refused: the point
    /// at infinity, points off the curve, coordinates not below the field prime, other SEC1
    /// forms (hybrid, compact) and wrong lengths. `algorithm` must be an ECDSA one.
    pub fn from_sec1(algorithm: KeyAlgorithm, bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let field = algorithm.secret_len();
        match (bytes.first(), bytes.len()) {
            (Some(0x00), 1) => {
                return Err(KeyError::WeakKey {
                    key_id: KeyId::of_canonical(bytes),
                    detail: "the point at infinity",
                })
            }
            (Some(0x02 | 0x03), n) if n == 1 + field => {}
            (Some(0x04), n) if Some(n) == field.checked_mul(2).map(|f| f + 1) => {}
            _ => return Err(KeyError::NotOnCurve),
        }
        let inner = match algorithm {
            KeyAlgorithm::Ed25519 => return Err(KeyError::NotOnCurve),
            KeyAlgorithm::EcdsaP256 => Inner::P256(
                p256::PublicKey::from_sec1_bytes(bytes).map_err(|_| KeyError::NotOnCurve)?,
            ),
            KeyAlgorithm::EcdsaP384 => Inner::P384(
                p384::PublicKey::from_sec1_bytes(bytes).map_err(|_| KeyError::NotOnCurve)?,
            ),
            KeyAlgorithm::EcdsaP521 => Inner::P521(
                p521::PublicKey::from_sec1_bytes(bytes).map_err(|_| KeyError::NotOnCurve)?,
            ),
        };
        Ok(PublicKey { inner })
    }

    /// A key from its algorithm and bytes: 32 raw bytes for Ed25519
    /// ([`PublicKey::from_bytes`]), a SEC1 point for ECDSA ([`PublicKey::from_sec1`]). The
    /// canonical bytes of [`PublicKey::to_bytes`] always read back.
    pub fn from_key_bytes(algorithm: KeyAlgorithm, bytes: &[u8]) -> Result<PublicKey, KeyError> {
        match algorithm {
            KeyAlgorithm::Ed25519 => {
                let raw: &[u8; 32] = bytes.try_into().map_err(|_| KeyError::NotOnCurve)?;
                PublicKey::from_bytes(raw)
            }
            _ => PublicKey::from_sec1(algorithm, bytes),
        }
    }

    /// A key derived from an Ed25519 secret key; such keys always pass the load checks.
    pub(crate) fn from_ed25519_derived(key: VerifyingKey) -> PublicKey {
        PublicKey {
            inner: Inner::Ed25519(key),
        }
    }

    /// A key derived from a P-256 secret key (never the point at infinity).
    pub(crate) fn from_p256(key: p256::PublicKey) -> PublicKey {
        PublicKey {
            inner: Inner::P256(key),
        }
    }

    /// A key derived from a P-384 secret key.
    pub(crate) fn from_p384(key: p384::PublicKey) -> PublicKey {
        PublicKey {
            inner: Inner::P384(key),
        }
    }

    /// A key derived from a P-521 secret key.
    pub(crate) fn from_p521(key: p521::PublicKey) -> PublicKey {
        PublicKey {
            inner: Inner::P521(key),
        }
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self.inner {
            Inner::Ed25519(_) => KeyAlgorithm::Ed25519,
            Inner::P256(_) => KeyAlgorithm::EcdsaP256,
            Inner::P384(_) => KeyAlgorithm::EcdsaP384,
            Inner::P521(_) => KeyAlgorithm::EcdsaP521,
        }
    }

    /// The canonical key bytes (spec/keys.md §1.1): the 32 raw bytes of an Ed25519 key (RFC
    /// 8032), the SEC1 compressed point of an ECDSA key (33, 49 or 67 bytes). Two keys are
    /// equal exactly when their algorithms and canonical bytes are.
    pub fn to_bytes(&self) -> Vec<u8> {
        match &self.inner {
            Inner::Ed25519(k) => k.as_bytes().to_vec(),
            Inner::P256(k) => k.to_encoded_point(true).as_bytes().to_vec(),
            Inner::P384(k) => k.to_encoded_point(true).as_bytes().to_vec(),
            Inner::P521(k) => k.to_encoded_point(true).as_bytes().to_vec(),
        }
    }

    /// The SEC1 uncompressed point `04 ‖ x ‖ y` of an ECDSA key, as SPKI and OpenSSH carry
    /// it; `None` for an Ed25519 key.
    pub fn to_sec1_uncompressed(&self) -> Option<Vec<u8>> {
        match &self.inner {
            Inner::Ed25519(_) => None,
            Inner::P256(k) => Some(k.to_encoded_point(false).as_bytes().to_vec()),
            Inner::P384(k) => Some(k.to_encoded_point(false).as_bytes().to_vec()),
            Inner::P521(k) => Some(k.to_encoded_point(false).as_bytes().to_vec()),
        }
    }

    /// The key id (spec/keys.md §1.1): SHA-256 of the canonical bytes, first 8 bytes.
    pub fn key_id(&self) -> KeyId {
        KeyId::of_canonical(&self.to_bytes())
    }

    /// The `keyid` sceau writes in a DSSE signature made with this key: the key id
    /// securesystemslib computes by default for it (`SSlibKey.from_crypto`), 64 lower-case
    /// hex digits (spec/keys.md §1.3). It is a hint, never trusted.
    pub fn dsse_keyid(&self) -> String {
        crate::sslib::default_keyid(self)
    }

    /// Whether a signature's `keyid` hint names this key: sceau's key id
    /// ([`PublicKey::key_id`], what sceau wrote before) or the securesystemslib key id
    /// ([`PublicKey::dsse_keyid`]). Hints only order the search for a signer
    /// (spec/keys.md §1.3, §6.2).
    pub fn matches_keyid(&self, hint: &str) -> bool {
        match hint.len() {
            16 => hint == self.key_id().to_string(),
            64 => hint == self.dsse_keyid(),
            _ => false,
        }
    }

    /// Whether `signature` is a valid signature of `message` by this key (spec/keys.md §6.1).
    ///
    /// Ed25519: exactly 64 bytes, checked with `verify_strict`. ECDSA: a DER `ECDSA-Sig-Value`
    /// (strict DER, `0 < r, s < n`, high or low `s`), checked over SHA-256, SHA-384 or
    /// SHA-512 of `message` for P-256, P-384 and P-521. This is the only signature check sceau
    /// makes.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        if signature.len() > self.algorithm().max_signature_len() {
            return false;
        }
        match &self.inner {
            Inner::Ed25519(k) => {
                let Ok(bytes) = <&[u8; 64]>::try_from(signature) else {
                    return false;
                };
                k.verify_strict(message, &ed25519_dalek::Signature::from_bytes(bytes))
                    .is_ok()
            }
            Inner::P256(k) => p256::ecdsa::Signature::from_der(signature).is_ok_and(|sig| {
                p256::ecdsa::VerifyingKey::from(k)
                    .verify(message, &sig)
                    .is_ok()
            }),
            Inner::P384(k) => p384::ecdsa::Signature::from_der(signature).is_ok_and(|sig| {
                p384::ecdsa::VerifyingKey::from(k)
                    .verify(message, &sig)
                    .is_ok()
            }),
            Inner::P521(k) => p521::ecdsa::Signature::from_der(signature).is_ok_and(|sig| {
                p521::ecdsa::VerifyingKey::from_affine(*k.as_affine())
                    .is_ok_and(|vk| vk.verify(message, &sig).is_ok())
            }),
        }
    }

    /// sceau's one-line encoding, `<tag> <keyid> <base64 canonical bytes> [comment]`, without
    /// a line ending (spec/keys.md §3). The comment is cleaned as [`clean_comment`] says.
    pub fn to_sceau_line(&self, comment: Option<&str>) -> String {
        let mut line = format!(
            "{} {} {}",
            self.algorithm().sceau_tag(),
            self.key_id(),
            STANDARD.encode(self.to_bytes())
        );
        if let Some(c) = comment.and_then(clean_comment) {
            line.push(' ');
            line.push_str(&c);
        }
        line
    }

    /// The OpenSSH encoding `ssh-ed25519 AAAA…` or `ecdsa-sha2-nistp256 AAAA…`, without
    /// comment or line ending (RFC 8709 §4, RFC 5656 §3.1; spec/keys.md §5.1).
    pub fn to_openssh(&self) -> String {
        let name = self.algorithm().openssh_name();
        let mut fields: Vec<Vec<u8>> = vec![name.as_bytes().to_vec()];
        match self.to_sec1_uncompressed() {
            None => fields.push(self.to_bytes()),
            Some(point) => {
                let curve = name.strip_prefix("ecdsa-sha2-").unwrap_or(name);
                fields.push(curve.as_bytes().to_vec());
                fields.push(point);
            }
        }
        let mut blob = Vec::with_capacity(200);
        for field in fields {
            // Every field is at most 133 bytes, so its length fits a u32.
            blob.extend_from_slice(&u32::try_from(field.len()).unwrap_or(0).to_be_bytes());
            blob.extend_from_slice(&field);
        }
        format!("{name} {}", STANDARD.encode(blob))
    }

    /// The DER SubjectPublicKeyInfo: RFC 8410 for Ed25519; RFC 5480 for ECDSA, with the named
    /// curve and the uncompressed point, as `openssl pkey -pubout` writes them
    /// (spec/keys.md §5.3).
    pub fn to_spki_der(&self) -> Vec<u8> {
        let (prefix, point): (&[u8], Vec<u8>) = match self.algorithm() {
            KeyAlgorithm::Ed25519 => (&SPKI_ED25519_PREFIX, self.to_bytes()),
            KeyAlgorithm::EcdsaP256 => (&SPKI_P256_PREFIX, self.uncompressed()),
            KeyAlgorithm::EcdsaP384 => (&SPKI_P384_PREFIX, self.uncompressed()),
            KeyAlgorithm::EcdsaP521 => (&SPKI_P521_PREFIX, self.uncompressed()),
        };
        let mut der = prefix.to_vec();
        der.extend_from_slice(&point);
        der
    }

    /// The SPKI PEM encoding `-----BEGIN PUBLIC KEY-----`, as `openssl pkey -pubout` writes it,
    /// ending in a newline (spec/keys.md §5.3).
    pub fn to_spki_pem(&self) -> String {
        pem::encode("PUBLIC KEY", &self.to_spki_der()).to_string()
    }

    fn uncompressed(&self) -> Vec<u8> {
        self.to_sec1_uncompressed().unwrap_or_default()
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PublicKey {}

impl Ord for PublicKey {
    /// By algorithm, then canonical bytes (spec/keys.md §1.1).
    fn cmp(&self, other: &Self) -> Ordering {
        self.algorithm()
            .cmp(&other.algorithm())
            .then_with(|| self.to_bytes().cmp(&other.to_bytes()))
    }
}

impl PartialOrd for PublicKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for PublicKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.algorithm().hash(state);
        self.to_bytes().hash(state);
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({} {})", self.algorithm(), self.key_id())
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
        let Inner::Ed25519(vk) = key.inner else {
            unreachable!()
        };
        let mut minus_one = [0xffu8; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        let t = VerifyingKey::from_bytes(&minus_one).unwrap().to_edwards();
        let mixed = (vk.to_edwards() + t).compress().to_bytes();
        assert!(matches!(
            PublicKey::from_bytes(&mixed),
            Err(KeyError::WeakKey {
                detail: "has a small-order component",
                ..
            })
        ));
    }

    /// The P-256 generator G (FIPS 186-5 / SEC 2), a valid point.
    const G_X: &str = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
    const G_Y: &str = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
    /// The P-256 field prime p.
    const P: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";

    fn point(tag: u8, x: &str, y: Option<&str>) -> Vec<u8> {
        let mut v = vec![tag];
        v.extend(hex::decode(x).unwrap());
        if let Some(y) = y {
            v.extend(hex::decode(y).unwrap());
        }
        v
    }

    #[test]
    fn ec_points_are_checked_at_load() {
        let alg = KeyAlgorithm::EcdsaP256;
        let g = PublicKey::from_sec1(alg, &point(4, G_X, Some(G_Y))).unwrap();
        // The compressed form (y of G is odd: tag 03) is the same key: one key, one id.
        let gc = PublicKey::from_sec1(alg, &point(3, G_X, None)).unwrap();
        assert_eq!(g, gc);
        assert_eq!(g.key_id(), gc.key_id());
        assert_eq!(g.to_bytes(), point(3, G_X, None));
        // The other root is another point, another key.
        let neg = PublicKey::from_sec1(alg, &point(2, G_X, None)).unwrap();
        assert_ne!(g, neg);

        // y + 1: off the curve.
        let mut off = point(4, G_X, Some(G_Y));
        off[64] ^= 1;
        assert!(matches!(
            PublicKey::from_sec1(alg, &off),
            Err(KeyError::NotOnCurve)
        ));
        // The point at infinity.
        assert!(matches!(
            PublicKey::from_sec1(alg, &[0]),
            Err(KeyError::WeakKey {
                detail: "the point at infinity",
                ..
            })
        ));
        // x = p is not a field element.
        assert!(matches!(
            PublicKey::from_sec1(alg, &point(2, P, None)),
            Err(KeyError::NotOnCurve)
        ));
        // Hybrid (06/07) and compact forms, wrong lengths, another curve's length.
        for bad in [
            point(6, G_X, Some(G_Y)),
            point(5, G_X, None),
            point(4, G_X, None),
            vec![],
        ] {
            assert!(
                matches!(PublicKey::from_sec1(alg, &bad), Err(KeyError::NotOnCurve)),
                "{bad:?}"
            );
        }
        assert!(PublicKey::from_sec1(KeyAlgorithm::EcdsaP384, &point(3, G_X, None)).is_err());
        assert!(PublicKey::from_sec1(KeyAlgorithm::Ed25519, &point(3, G_X, None)).is_err());
        // x = 1 is on no point of P-256 (1 - 3 + b is not a square mod p).
        let one = "0000000000000000000000000000000000000000000000000000000000000001";
        assert!(matches!(
            PublicKey::from_sec1(alg, &point(2, one, None)),
            Err(KeyError::NotOnCurve)
        ));
    }

    #[test]
    fn canonical_bytes_read_back_for_every_algorithm() {
        let mut rng = rand::rngs::OsRng;
        for alg in KeyAlgorithm::ALL {
            let key = crate::SecretKey::generate_with(alg, &mut rng).public();
            let bytes = key.to_bytes();
            assert_eq!(bytes.len(), alg.public_key_len(), "{alg}");
            assert_eq!(PublicKey::from_key_bytes(alg, &bytes).unwrap(), key);
            assert_eq!(key.key_id(), KeyId::of_canonical(&bytes));
            if let Some(u) = key.to_sec1_uncompressed() {
                assert_eq!(PublicKey::from_sec1(alg, &u).unwrap(), key);
            }
        }
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

    #[test]
    fn keyid_hints_match_both_forms() {
        let key = rfc8032_key();
        assert!(key.matches_keyid("21fe31dfa154a261"));
        assert!(key.matches_keyid(&key.dsse_keyid()));
        assert!(!key.matches_keyid("21FE31DFA154A261"));
        assert!(!key.matches_keyid(""));
        assert!(!key.matches_keyid(&"0".repeat(64)));
    }
}
