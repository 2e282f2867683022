//! Secret keys: generating, writing sceau's key file, and reading it, OpenSSH and PKCS#8
//! private keys (spec/keys.md §4–§5).

use ed25519_dalek::pkcs8::PrivateKeyInfo;
use ed25519_dalek::{Signer, SigningKey};
use rand::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::error::{BoxError, KeyError, MAX_KEY_TEXT_BYTES};
use crate::format::{algorithm_name, KeyFormat};
use crate::kdf::KdfParams;
use crate::key_id::KeyId;
use crate::pem;
use crate::public_key::{clean_comment, PublicKey};
use crate::secret_file;

/// Most bcrypt-pbkdf rounds an OpenSSH key may ask for; `ssh-keygen` uses 16 by default
/// (spec/keys.md §5.2).
pub const MAX_OPENSSH_KDF_ROUNDS: u32 = 1024;

/// DER prefix of an ed25519 PKCS#8 v1 private key: SEQUENCE { INTEGER 0, SEQUENCE { OID
/// 1.3.101.112 }, OCTET STRING { OCTET STRING (32 bytes) } } (RFC 8410 §7; spec/keys.md §5.4).
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// What a secret key text may be, for error messages.
const EXPECTED_SECRET: &str = "a secret key: a sceau secret key file, an OpenSSH private key \
                               or a -----BEGIN PRIVATE KEY----- PKCS#8 PEM";

/// An ed25519 signing key.
///
/// It has no `Debug`, `Display` or `Clone`, and its bytes are zeroized on drop. Signing is
/// only reachable through [`crate::sign_envelope`] and [`crate::countersign`], so every
/// signature sceau makes is over a DSSE pre-authentication encoding.
pub struct SecretKey {
    key: SigningKey,
}

impl SecretKey {
    /// A new random key.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> SecretKey {
        SecretKey {
            key: SigningKey::generate(rng),
        }
    }

    /// The key with this 32-byte RFC 8032 seed, for importing keys and for test fixtures
    /// made from fixed seeds.
    pub fn from_seed(seed: &[u8; 32]) -> SecretKey {
        SecretKey {
            key: SigningKey::from_bytes(seed),
        }
    }

    /// The matching public key.
    pub fn public(&self) -> PublicKey {
        PublicKey::from_derived(self.key.verifying_key())
    }

    /// The key id of the public key (spec/keys.md §1.1).
    pub fn key_id(&self) -> KeyId {
        self.public().key_id()
    }

    /// Signs raw bytes. Crate-private: callers sign envelopes.
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
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
        let seed = Zeroizing::new(self.key.to_bytes());
        secret_file::encode(&seed, self.key_id(), comment, passphrase, params, rng)
    }

    /// The unencrypted PKCS#8 PEM encoding `-----BEGIN PRIVATE KEY-----`, as
    /// `openssl genpkey -algorithm ed25519` writes it (spec/keys.md §5.4).
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        let mut der = Zeroizing::new(Vec::with_capacity(PKCS8_ED25519_PREFIX.len() + 32));
        der.extend_from_slice(&PKCS8_ED25519_PREFIX);
        der.extend_from_slice(self.key.as_bytes());
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
            Some(KeyFormat::OpenSshPrivate) => parse_openssh(text, passphrase),
            Some(KeyFormat::Pkcs8Pem) => parse_pkcs8(text).map(|k| (k, None)),
            Some(format @ KeyFormat::EncryptedPkcs8Pem) => Err(KeyError::UnsupportedEncryption {
                format,
                detail: "encrypted PKCS#8 keys are not read; convert it with \
                         `openssl pkey -in KEY -out PLAIN` and import PLAIN into a sceau key",
            }),
            Some(found) => Err(KeyError::WrongKind {
                found,
                expected: "a secret key",
            }),
            None => Err(KeyError::Unrecognised {
                expected: EXPECTED_SECRET,
            }),
        }
    }
}

/// spec/keys.md §4: the key id in the file must be the key's.
fn parse_sceau<F, E>(text: &str, passphrase: F) -> Result<(SecretKey, Option<String>), KeyError>
where
    F: FnOnce() -> Result<Zeroizing<Vec<u8>>, E>,
    E: Into<BoxError>,
{
    let decoded = secret_file::decode(text, passphrase)?;
    let key = SecretKey::from_seed(&decoded.seed);
    let actual = key.key_id();
    if actual != decoded.stated_id {
        return Err(KeyError::KeyIdMismatch {
            format: KeyFormat::SceauSecret,
            stated: decoded.stated_id.to_string(),
            actual,
        });
    }
    Ok((key, decoded.comment))
}

/// spec/keys.md §5.2: ed25519 only, checked before the passphrase is asked for.
fn parse_openssh<F, E>(text: &str, passphrase: F) -> Result<(SecretKey, Option<String>), KeyError>
where
    F: FnOnce() -> Result<Zeroizing<Vec<u8>>, E>,
    E: Into<BoxError>,
{
    let format = KeyFormat::OpenSshPrivate;
    if !text.contains("-----END OPENSSH PRIVATE KEY-----") {
        return Err(KeyError::Truncated {
            format,
            missing: "the -----END OPENSSH PRIVATE KEY----- line",
        });
    }
    let parsed = ssh_key::PrivateKey::from_openssh(text.trim())
        .map_err(|e| KeyError::malformed_by(format, "not a valid OpenSSH private key", e))?;
    let algorithm = parsed.algorithm();
    if algorithm != ssh_key::Algorithm::Ed25519 {
        return Err(KeyError::UnsupportedAlgorithm {
            format,
            algorithm: algorithm.to_string(),
        });
    }
    let decrypted;
    let key = if parsed.is_encrypted() {
        if let ssh_key::Kdf::Bcrypt { rounds, .. } = parsed.kdf() {
            if *rounds > MAX_OPENSSH_KDF_ROUNDS {
                return Err(KeyError::KdfTooCostly {
                    format,
                    what: "rounds",
                    asked: format!("{rounds} bcrypt-pbkdf rounds"),
                    limit: "1024 rounds",
                });
            }
        }
        let pass = passphrase().map_err(|e| KeyError::PassphraseUnavailable {
            format,
            source: e.into(),
        })?;
        decrypted = parsed.decrypt(&*pass).map_err(|e| match e {
            // A wrong passphrase fails the check integers (or the AEAD tag).
            ssh_key::Error::Crypto => KeyError::WrongPassphrase { format },
            e => KeyError::malformed_by(format, "could not decrypt", e),
        })?;
        &decrypted
    } else {
        &parsed
    };
    let Some(pair) = key.key_data().ed25519() else {
        return Err(KeyError::malformed(format, "no ed25519 key pair inside"));
    };
    let seed = Zeroizing::new(pair.private.to_bytes());
    let secret = SecretKey::from_seed(&seed);
    if secret.public().to_bytes() != pair.public.0 {
        return Err(KeyError::malformed(
            format,
            "the public key does not match the private key",
        ));
    }
    Ok((secret, clean_comment(key.comment())))
}

/// spec/keys.md §5.4: v1 or v2 (with the public key, which must match) PKCS#8.
fn parse_pkcs8(text: &str) -> Result<SecretKey, KeyError> {
    let format = KeyFormat::Pkcs8Pem;
    let der = pem::decode(text, "PRIVATE KEY", format)?;
    let info = PrivateKeyInfo::try_from(&der[..])
        .map_err(|e| KeyError::malformed_by(format, "not a PKCS#8 PrivateKeyInfo", e))?;
    if info.algorithm.oid != ed25519_dalek::pkcs8::ALGORITHM_OID {
        return Err(KeyError::UnsupportedAlgorithm {
            format,
            algorithm: algorithm_name(&info.algorithm.oid.to_string()),
        });
    }
    let key = SigningKey::try_from(info)
        .map_err(|e| KeyError::malformed_by(format, "not a valid ed25519 PKCS#8 key", e))?;
    Ok(SecretKey { key })
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
            Err(KeyError::UnsupportedEncryption { .. })
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
