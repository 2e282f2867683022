//! Secret keys: generating them, signing, writing sceau's key file and PKCS#8, and reading
//! every secret key encoding of spec/keys.md §2 (spec/keys.md §4–§5, §7).

use rand::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::algorithm::KeyAlgorithm;
use crate::error::{BoxError, KeyError, MAX_KEY_TEXT_BYTES};
use crate::format::KeyFormat;
use crate::kdf::KdfParams;
use crate::key_id::KeyId;
use crate::public_key::PublicKey;
use crate::{der, openssh, pem, pkcs8, secret_file, signify};

/// Most bcrypt-pbkdf rounds an OpenSSH or signify key may ask for; `ssh-keygen` uses 16 by
/// default, signify 42 (spec/keys.md §5.2, §5.9).
pub const MAX_OPENSSH_KDF_ROUNDS: u32 = 1024;

/// DER prefix of an ed25519 PKCS#8 v1 private key: SEQUENCE { INTEGER 0, SEQUENCE { OID
/// 1.3.101.112 }, OCTET STRING { OCTET STRING (32 bytes) } } (RFC 8410 §7; spec/keys.md §5.4).
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// What a secret key text may be, for error messages.
const EXPECTED_SECRET: &str = "a secret key: a sceau secret key file, an OpenSSH private key, \
                               a PKCS#8 or SEC1 PEM (encrypted PKCS#8 too), or a minisign or \
                               signify secret key";

/// A signing key: Ed25519 or ECDSA P-256, P-384 or P-521 (spec/keys.md §1).
///
/// It has no `Debug`, `Display` or `Clone`, and its secret is zeroized on drop.
pub struct SecretKey {
    inner: Inner,
}

enum Inner {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
}

impl SecretKey {
    /// A new random Ed25519 key (the default algorithm).
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> SecretKey {
        SecretKey::generate_with(KeyAlgorithm::Ed25519, rng)
    }

    /// A new random key of `algorithm` (what `sceau keygen --type` makes).
    pub fn generate_with<R: RngCore + CryptoRng>(
        algorithm: KeyAlgorithm,
        rng: &mut R,
    ) -> SecretKey {
        let inner = match algorithm {
            KeyAlgorithm::Ed25519 => Inner::Ed25519(ed25519_dalek::SigningKey::generate(rng)),
            KeyAlgorithm::EcdsaP256 => Inner::P256(p256::ecdsa::SigningKey::random(rng)),
            KeyAlgorithm::EcdsaP384 => Inner::P384(p384::ecdsa::SigningKey::random(rng)),
            KeyAlgorithm::EcdsaP521 => Inner::P521(p521::ecdsa::SigningKey::random(rng)),
        };
        SecretKey { inner }
    }

    /// The Ed25519 key with this 32-byte RFC 8032 seed, for importing keys and for test
    /// fixtures made from fixed seeds.
    pub fn from_seed(seed: &[u8; 32]) -> SecretKey {
        SecretKey {
            inner: Inner::Ed25519(ed25519_dalek::SigningKey::from_bytes(seed)),
        }
    }

    /// The key of `algorithm` with this secret: the 32-byte Ed25519 seed, or the ECDSA private
    /// scalar, big endian, exactly [`KeyAlgorithm::secret_len`] bytes, in `1..n`.
    pub fn from_secret_bytes(
        algorithm: KeyAlgorithm,
        secret: &[u8],
    ) -> Result<SecretKey, KeyError> {
        let invalid = |reason| KeyError::InvalidSecretKey { algorithm, reason };
        if secret.len() != algorithm.secret_len() {
            return Err(invalid("the secret has the wrong length"));
        }
        let scalar = |_| invalid("the private scalar is zero or not below the group order");
        let inner = match algorithm {
            KeyAlgorithm::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                seed.copy_from_slice(secret);
                Inner::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
            KeyAlgorithm::EcdsaP256 => {
                Inner::P256(p256::ecdsa::SigningKey::from_slice(secret).map_err(scalar)?)
            }
            KeyAlgorithm::EcdsaP384 => {
                Inner::P384(p384::ecdsa::SigningKey::from_slice(secret).map_err(scalar)?)
            }
            KeyAlgorithm::EcdsaP521 => {
                Inner::P521(p521::ecdsa::SigningKey::from_slice(secret).map_err(scalar)?)
            }
        };
        Ok(SecretKey { inner })
    }

    /// The secret as [`SecretKey::from_secret_bytes`] takes it.
    pub(crate) fn secret_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(match &self.inner {
            Inner::Ed25519(k) => k.to_bytes().to_vec(),
            Inner::P256(k) => k.to_bytes().to_vec(),
            Inner::P384(k) => k.to_bytes().to_vec(),
            Inner::P521(k) => k.to_bytes().to_vec(),
        })
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

    /// The matching public key.
    pub fn public(&self) -> PublicKey {
        match &self.inner {
            Inner::Ed25519(k) => PublicKey::from_ed25519_derived(k.verifying_key()),
            Inner::P256(k) => {
                PublicKey::from_p256(p256::PublicKey::from_secret_scalar(k.as_nonzero_scalar()))
            }
            Inner::P384(k) => {
                PublicKey::from_p384(p384::PublicKey::from_secret_scalar(k.as_nonzero_scalar()))
            }
            Inner::P521(k) => {
                PublicKey::from_p521(p521::PublicKey::from_secret_scalar(k.as_nonzero_scalar()))
            }
        }
    }

    /// The key id of the public key (spec/keys.md §1.1).
    pub fn key_id(&self) -> KeyId {
        self.public().key_id()
    }

    /// Signs `message` (spec/keys.md §7.1): an Ed25519 signature (RFC 8032, deterministic,
    /// 64 bytes), or an ECDSA signature with the curve's hash, a deterministic nonce (RFC
    /// 6979), low `s`, DER-encoded.
    ///
    /// sceau itself only ever signs DSSE pre-authentication encodings ([`crate::sign_envelope`],
    /// [`crate::countersign`]); a caller signing anything else must make its messages
    /// unambiguous in the same way (a domain-separating encoding such as DSSE's PAE), or a
    /// signature made for one purpose could be replayed for another.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        use p256::ecdsa::signature::Signer as _;
        match &self.inner {
            Inner::Ed25519(k) => {
                let sig: ed25519_dalek::Signature = k.sign(message);
                sig.to_bytes().to_vec()
            }
            Inner::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                let sig = sig.normalize_s().unwrap_or(sig);
                sig.to_der().as_bytes().to_vec()
            }
            Inner::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign(message);
                let sig = sig.normalize_s().unwrap_or(sig);
                sig.to_der().as_bytes().to_vec()
            }
            Inner::P521(k) => {
                let sig: p521::ecdsa::Signature = k.sign(message);
                let sig = sig.normalize_s().unwrap_or(sig);
                sig.to_der().as_bytes().to_vec()
            }
        }
    }

    /// sceau's secret key file (spec/keys.md §4.1) with the default KDF parameters: encrypted
    /// under `passphrase`, or in the clear (marked `encryption: none`) when it is `None`.
    /// An empty passphrase is refused ([`KeyError::EmptyPassphrase`]).
    pub fn to_file_text(
        &self,
        passphrase: Option<&[u8]>,
        comment: Option<&str>,
    ) -> Result<Zeroizing<String>, KeyError> {
        self.to_file_text_with(
            passphrase,
            comment,
            KdfParams::DEFAULT,
            &mut rand::rngs::OsRng,
        )
    }

    /// [`SecretKey::to_file_text`] with chosen scrypt parameters and random source; tests use
    /// it with cheap parameters, fixtures with a seeded generator.
    pub fn to_file_text_with<R: RngCore + CryptoRng>(
        &self,
        passphrase: Option<&[u8]>,
        comment: Option<&str>,
        params: KdfParams,
        rng: &mut R,
    ) -> Result<Zeroizing<String>, KeyError> {
        let secret = self.secret_bytes();
        secret_file::encode(
            self.algorithm(),
            &secret,
            self.key_id(),
            comment,
            passphrase,
            params,
            rng,
        )
    }

    /// The unencrypted PKCS#8 PEM encoding `-----BEGIN PRIVATE KEY-----`, as `openssl genpkey`
    /// writes it: RFC 8410 for Ed25519, RFC 5915 inside RFC 5208 for ECDSA (spec/keys.md §5.4).
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        let secret = self.secret_bytes();
        let der = match self.algorithm() {
            KeyAlgorithm::Ed25519 => {
                let mut der = Zeroizing::new(Vec::with_capacity(PKCS8_ED25519_PREFIX.len() + 32));
                der.extend_from_slice(&PKCS8_ED25519_PREFIX);
                der.extend_from_slice(&secret);
                der
            }
            algorithm => {
                let point = self.public().to_sec1_uncompressed().unwrap_or_default();
                der::ec_pkcs8(algorithm, &secret, &point)
            }
        };
        pem::encode("PRIVATE KEY", &der)
    }

    /// Reads a secret key in any encoding of spec/keys.md §2, returning it with its comment.
    ///
    /// `passphrase` is called at most once, and only when the key is encrypted and its
    /// encryption parameters are within the limits; an error it returns becomes
    /// [`KeyError::PassphraseUnavailable`]. A passphrase that does not decrypt the key gives
    /// [`KeyError::WrongPassphrase`].
    pub fn parse<F, E>(text: &str, passphrase: F) -> Result<(SecretKey, Option<String>), KeyError>
    where
        F: FnOnce() -> Result<Zeroizing<Vec<u8>>, E>,
        E: Into<BoxError>,
    {
        if text.len() > MAX_KEY_TEXT_BYTES {
            return Err(KeyError::TooLarge { len: text.len() });
        }
        match KeyFormat::sniff(text) {
            Some(KeyFormat::SceauSecret) => parse_sceau(text, passphrase),
            Some(KeyFormat::OpenSshPrivate) => openssh::parse_private(text, passphrase),
            Some(KeyFormat::Pkcs8Pem) => pkcs8::parse_pem(text).map(|k| (k, None)),
            Some(KeyFormat::EncryptedPkcs8Pem) => {
                pkcs8::parse_encrypted_pem(text, passphrase).map(|k| (k, None))
            }
            Some(KeyFormat::Sec1Pem) => pkcs8::parse_sec1_pem(text).map(|k| (k, None)),
            Some(KeyFormat::MinisignSecret) => crate::minisign::parse_secret(text, passphrase),
            Some(KeyFormat::SignifySecret) => signify::parse_secret(text, passphrase),
            Some(found) => Err(KeyError::WrongKind {
                found,
                expected: "a secret key",
            }),
            None => Err(KeyError::Unrecognised {
                expected: EXPECTED_SECRET,
            }),
        }
    }

    /// The key with this secret, read from a file of `format`: an invalid secret is reported
    /// as a malformed file.
    pub(crate) fn from_file_secret(
        algorithm: KeyAlgorithm,
        secret: &[u8],
        format: KeyFormat,
    ) -> Result<SecretKey, KeyError> {
        SecretKey::from_secret_bytes(algorithm, secret)
            .map_err(|e| KeyError::malformed_by(format, "the secret key is invalid", e))
    }

    /// Refuses a file whose stored public key is not the one its secret key makes.
    pub(crate) fn check_stored_public(
        &self,
        stored: &PublicKey,
        format: KeyFormat,
    ) -> Result<(), KeyError> {
        if self.public() != *stored {
            return Err(KeyError::malformed(
                format,
                "the public key does not match the private key",
            ));
        }
        Ok(())
    }
}

/// spec/keys.md §4: the key id in the file must be the key's.
fn parse_sceau<F, E>(text: &str, passphrase: F) -> Result<(SecretKey, Option<String>), KeyError>
where
    F: FnOnce() -> Result<Zeroizing<Vec<u8>>, E>,
    E: Into<BoxError>,
{
    let format = KeyFormat::SceauSecret;
    let decoded = secret_file::decode(text, passphrase)?;
    let key = SecretKey::from_file_secret(decoded.algorithm, &decoded.secret, format)?;
    let actual = key.key_id();
    if actual != decoded.stated_id {
        return Err(KeyError::KeyIdMismatch {
            format,
            stated: decoded.stated_id.to_string(),
            actual,
        });
    }
    Ok((key, decoded.comment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    const PASS: &[u8] = b"correct horse battery staple";

    fn cheap() -> KdfParams {
        KdfParams::new(4, 8, 1).unwrap()
    }

    fn with(pass: &'static [u8]) -> impl FnOnce() -> Result<Zeroizing<Vec<u8>>, BoxError> {
        move || Ok(Zeroizing::new(pass.to_vec()))
    }

    fn never() -> Result<Zeroizing<Vec<u8>>, BoxError> {
        panic!("the passphrase must not be asked for")
    }

    fn encrypted(key: &SecretKey) -> String {
        key.to_file_text_with(Some(PASS), Some("alice"), cheap(), &mut rand::rngs::OsRng)
            .unwrap()
            .to_string()
    }

    #[test]
    fn encrypted_file_round_trips() {
        let key = SecretKey::generate(&mut rand::rngs::OsRng);
        let text = encrypted(&key);
        assert!(text.starts_with("sceau-secret-key-v1\nalgorithm: ed25519\n"));
        assert!(text.contains(&format!("key-id: {}\n", key.key_id())));
        assert!(text.contains("encryption: scrypt-xchacha20poly1305\nscrypt: log_n=4 r=8 p=1\n"));
        let (back, comment) = SecretKey::parse(&text, with(PASS)).unwrap();
        assert_eq!(back.public(), key.public());
        assert_eq!(comment.as_deref(), Some("alice"));
        // CRLF line endings (a file edited on Windows) still read.
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(
            SecretKey::parse(&crlf, with(PASS)).unwrap().0.public(),
            key.public()
        );
    }

    #[test]
    fn unencrypted_file_round_trips_without_asking_for_a_passphrase() {
        let key = SecretKey::generate(&mut rand::rngs::OsRng);
        let text = key.to_file_text(None, None).unwrap();
        assert!(text.contains("comment:\nencryption: none\nsecret: "));
        let (back, comment) = SecretKey::parse(&text, never).unwrap();
        assert_eq!(back.public(), key.public());
        assert_eq!(comment, None);
    }

    #[test]
    fn empty_passphrase_is_refused_when_writing() {
        let key = SecretKey::from_seed(&[1; 32]);
        assert!(matches!(
            key.to_file_text(Some(b""), None),
            Err(KeyError::EmptyPassphrase)
        ));
    }

    #[test]
    fn wrong_passphrase_is_its_own_error() {
        let text = encrypted(&SecretKey::from_seed(&[1; 32]));
        let err = SecretKey::parse(&text, with(b"wrong")).err().unwrap();
        assert!(matches!(err, KeyError::WrongPassphrase { .. }), "{err}");
        assert_eq!(err.to_string(), "wrong passphrase for sceau secret key");
    }

    #[test]
    fn failing_passphrase_callback_is_reported_with_its_cause() {
        let text = encrypted(&SecretKey::from_seed(&[1; 32]));
        let err = SecretKey::parse(&text, || -> Result<Zeroizing<Vec<u8>>, BoxError> {
            Err("no terminal".into())
        })
        .err()
        .unwrap();
        assert!(
            matches!(err, KeyError::PassphraseUnavailable { .. }),
            "{err}"
        );
        let source = std::error::Error::source(&err).unwrap().to_string();
        assert_eq!(source, "no terminal");
    }

    #[test]
    fn truncated_files_are_refused() {
        let key = SecretKey::from_seed(&[2; 32]);
        for text in [
            encrypted(&key),
            key.to_file_text(None, None).unwrap().to_string(),
        ] {
            // Every cut at a line boundary is reported as truncation.
            let mut at = 0;
            for line in text.lines().take(text.lines().count() - 1) {
                at += line.len() + 1;
                let err = SecretKey::parse(&text[..at], with(PASS)).err().unwrap();
                assert!(
                    matches!(err, KeyError::Truncated { .. }),
                    "cut at {at}: {err}"
                );
            }
            // A cut inside the secret too; any other cut is an error of some kind.
            let err = SecretKey::parse(&text[..text.len() - 5], with(PASS))
                .err()
                .unwrap();
            assert!(
                matches!(
                    err,
                    KeyError::Truncated {
                        missing: "the secret",
                        ..
                    }
                ),
                "{err}"
            );
            for cut in 0..text.len() - 1 {
                assert!(
                    SecretKey::parse(&text[..cut], with(PASS)).is_err(),
                    "cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn tampered_ciphertext_or_header_fails_authentication() {
        let key = SecretKey::from_seed(&[3; 32]);
        let text = encrypted(&key);
        let secret_at = text.find("secret: ").unwrap() + "secret: ".len();
        let mut bytes = text.clone().into_bytes();
        bytes[secret_at + 3] = if bytes[secret_at + 3] == b'A' {
            b'B'
        } else {
            b'A'
        };
        let flipped = String::from_utf8(bytes).unwrap();
        let err = SecretKey::parse(&flipped, with(PASS)).err().unwrap();
        assert!(matches!(err, KeyError::Tampered { .. }), "{err}");

        let recommented = text.replace("comment: alice", "comment: mallory");
        let err = SecretKey::parse(&recommented, with(PASS)).err().unwrap();
        assert!(matches!(err, KeyError::Tampered { .. }), "{err}");

        let other_id = SecretKey::from_seed(&[4; 32]).key_id().to_string();
        let reid = text.replace(&key.key_id().to_string(), &other_id);
        let err = SecretKey::parse(&reid, with(PASS)).err().unwrap();
        assert!(matches!(err, KeyError::Tampered { .. }), "{err}");
    }

    #[test]
    fn kdf_parameters_above_the_limits_are_refused_before_deriving() {
        let text = encrypted(&SecretKey::from_seed(&[5; 32]));
        for (params, what) in [
            ("log_n=30 r=8 p=1", "memory"),
            ("log_n=17 r=4096 p=1", "memory"),
            ("log_n=17 r=8 p=64", "work"),
            ("log_n=255 r=4294967295 p=4294967295", "memory"),
        ] {
            let asked = Cell::new(false);
            let hostile = text.replace("log_n=4 r=8 p=1", params);
            let err = SecretKey::parse(&hostile, || {
                asked.set(true);
                Ok::<_, BoxError>(Zeroizing::new(PASS.to_vec()))
            })
            .err()
            .unwrap();
            assert!(
                matches!(err, KeyError::KdfTooCostly { what: w, .. } if w == what),
                "{params}: {err}"
            );
            assert!(!asked.get(), "{params}: the passphrase was asked for");
        }
        for bad in [
            "log_n=99999999999 r=8 p=1",
            "r=8 log_n=4 p=1",
            "log_n=4 r=8",
            "log_n=-1 r=8 p=1",
        ] {
            let err = SecretKey::parse(&text.replace("log_n=4 r=8 p=1", bad), never)
                .err()
                .unwrap();
            assert!(matches!(err, KeyError::Malformed { .. }), "{bad}: {err}");
        }
    }

    #[test]
    fn unencrypted_file_with_another_key_id_is_refused_naming_both() {
        let key = SecretKey::from_seed(&[6; 32]);
        let text = key.to_file_text(None, None).unwrap();
        let other = SecretKey::from_seed(&[7; 32]).key_id().to_string();
        let err = SecretKey::parse(&text.replace(&key.key_id().to_string(), &other), never)
            .err()
            .unwrap();
        let msg = err.to_string();
        assert!(matches!(err, KeyError::KeyIdMismatch { .. }));
        assert!(
            msg.contains(&other) && msg.contains(&key.key_id().to_string()),
            "{msg}"
        );
    }

    #[test]
    fn garbage_and_wrong_kinds_are_named() {
        assert!(matches!(
            SecretKey::parse("not a key", never),
            Err(KeyError::Unrecognised { .. })
        ));
        let public = SecretKey::from_seed(&[1; 32]).public().to_sceau_line(None);
        assert!(matches!(
            SecretKey::parse(&public, never),
            Err(KeyError::WrongKind {
                found: KeyFormat::SceauPublic,
                ..
            })
        ));
        assert!(matches!(
            SecretKey::parse("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", never),
            Err(KeyError::Truncated { .. })
        ));
        let garbled = "sceau-secret-key-v1\nalgorithm: ed25519\nkey-id: zz\n";
        assert!(matches!(
            SecretKey::parse(garbled, never),
            Err(KeyError::Malformed { .. })
        ));
        let other_alg = "sceau-secret-key-v1\nalgorithm: ed448\n";
        assert!(matches!(
            SecretKey::parse(other_alg, never),
            Err(KeyError::UnsupportedAlgorithm { .. })
        ));
    }

    #[test]
    fn pkcs8_round_trips() {
        let key = SecretKey::generate(&mut rand::rngs::OsRng);
        let pem = key.to_pkcs8_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI"));
        let (back, comment) = SecretKey::parse(&pem, never).unwrap();
        assert_eq!((back.public(), comment), (key.public(), None));
        let cut = &pem[..pem.len() - 10];
        assert!(matches!(
            SecretKey::parse(cut, never),
            Err(KeyError::Truncated { .. })
        ));
    }

    #[test]
    fn openssh_private_keys_round_trip_plain_and_encrypted() {
        use ssh_key::{Algorithm, LineEnding, PrivateKey};
        let mut rng = rand::rngs::OsRng;
        let ssh = PrivateKey::random(&mut rng, Algorithm::Ed25519).unwrap();
        let mut ssh = ssh;
        ssh.set_comment("ci@example");
        let public = ssh.public_key().to_openssh().unwrap();
        let (want, _) = PublicKey::parse(&public).unwrap();

        let plain = ssh.to_openssh(LineEnding::LF).unwrap();
        let (key, comment) = SecretKey::parse(&plain, never).unwrap();
        assert_eq!(key.public(), want);
        assert_eq!(comment.as_deref(), Some("ci@example"));
        assert_eq!(format!("{} ci@example", key.public().to_openssh()), public);

        let locked = ssh.encrypt(&mut rng, "hunter2").unwrap();
        let locked = locked.to_openssh(LineEnding::LF).unwrap();
        let (key, _) = SecretKey::parse(&locked, with(b"hunter2")).unwrap();
        assert_eq!(key.public(), want);
        let err = SecretKey::parse(&locked, with(b"hunter3")).err().unwrap();
        assert!(matches!(
            err,
            KeyError::WrongPassphrase {
                format: KeyFormat::OpenSshPrivate
            }
        ));
        let cut = &locked[..locked.len() / 2];
        assert!(matches!(
            SecretKey::parse(cut, never),
            Err(KeyError::Truncated { .. })
        ));
    }

    #[test]
    fn every_algorithm_round_trips_through_sceau_files_and_pkcs8() {
        let mut rng = rand::rngs::OsRng;
        for alg in KeyAlgorithm::ALL {
            let key = SecretKey::generate_with(alg, &mut rng);
            assert_eq!(key.algorithm(), alg);
            let text = encrypted(&key);
            assert!(text.contains(&format!("\nalgorithm: {alg}\n")), "{text}");
            let (back, _) = SecretKey::parse(&text, with(PASS)).unwrap();
            assert_eq!(back.public(), key.public());
            let plain = key.to_file_text(None, None).unwrap();
            assert_eq!(
                SecretKey::parse(&plain, never).unwrap().0.public(),
                key.public()
            );
            let pem = key.to_pkcs8_pem();
            assert_eq!(
                SecretKey::parse(&pem, never).unwrap().0.public(),
                key.public()
            );
            // A secret of another algorithm's length under this algorithm's name is refused.
            let other = if alg == KeyAlgorithm::EcdsaP384 {
                "p521"
            } else {
                "p384"
            };
            let relabelled =
                plain.replace(&format!("algorithm: {alg}"), &format!("algorithm: {other}"));
            assert!(SecretKey::parse(&relabelled, never).is_err());
        }
    }

    #[test]
    fn ecdsa_scalars_out_of_range_are_refused() {
        // P-256 group order n.
        let n = hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
            .unwrap();
        for bad in [vec![0u8; 32], n, vec![0xff; 32], vec![1u8; 31]] {
            assert!(
                matches!(
                    SecretKey::from_secret_bytes(KeyAlgorithm::EcdsaP256, &bad),
                    Err(KeyError::InvalidSecretKey { .. })
                ),
                "{bad:?}"
            );
        }
        assert!(SecretKey::from_secret_bytes(KeyAlgorithm::EcdsaP256, &[1; 32]).is_ok());
    }

    /// RFC 8032 §7.1: signing with the test seeds reproduces the test signatures byte for
    /// byte (the verification side is in tests/vectors.rs).
    #[test]
    fn rfc8032_signatures_are_reproduced() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/vectors/rfc8032-ed25519.json"
        );
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut n = 0;
        for case in cases.iter().filter(|c| c["algorithm"] == "Ed25519") {
            let hex_field = |f: &str| hex::decode(case[f].as_str().unwrap()).unwrap();
            let key = SecretKey::from_seed(&hex_field("priv").try_into().unwrap());
            assert_eq!(key.public().to_bytes().to_vec(), hex_field("pub"));
            assert_eq!(key.sign(&hex_field("msg")).to_vec(), hex_field("sig"));
            n += 1;
        }
        assert_eq!(n, 5);
    }
}
