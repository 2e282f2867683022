//! Key files written by other tools (openssl, ssh-keygen) and sceau's own committed key
//! files, all under testdata/keys/ (test keys only; see its README). The ECDSA, minisign,
//! signify and multi-key files are in `tool_keys.rs`.
//!
//! sceau's fixtures are made from fixed seeds: `SCEAU_REGENERATE_FIXTURES=1 cargo test -p
//! sceau-sign --test keys` rewrites them; otherwise the test checks that the committed bytes
//! are what the code writes today, so a format change cannot go unnoticed.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sceau_sign::{BoxError, KdfParams, KeyError, KeyFormat, PublicKey, SecretKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

const SCEAU_PASSPHRASE: &[u8] = b"sceau test passphrase";
const SSH_PASSPHRASE: &[u8] = b"correct horse";

fn path(name: &str) -> String {
    format!("{}/../../testdata/keys/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn read(name: &str) -> String {
    std::fs::read_to_string(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn pass(p: &'static [u8]) -> impl FnOnce() -> Result<Zeroizing<Vec<u8>>, BoxError> {
    move || Ok(Zeroizing::new(p.to_vec()))
}

fn never() -> Result<Zeroizing<Vec<u8>>, BoxError> {
    panic!("the passphrase must not be asked for")
}

/// The sceau fixture key: seed = SHA-256("sceau testdata key 1").
fn fixture_key() -> SecretKey {
    SecretKey::from_seed(&Sha256::digest(b"sceau testdata key 1").into())
}

#[test]
fn sceau_fixtures_are_what_the_code_writes() {
    let key = fixture_key();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let params = KdfParams::new(10, 8, 1).unwrap();
    let files = [
        (
            "sceau-test.key",
            key.to_file_text_with(
                Some(SCEAU_PASSPHRASE),
                Some("sceau test key"),
                params,
                &mut rng,
            )
            .unwrap()
            .to_string(),
        ),
        (
            "sceau-test-plain.key",
            key.to_file_text_with(None, Some("sceau test key"), params, &mut rng)
                .unwrap()
                .to_string(),
        ),
        (
            "sceau-test.pub",
            format!("{}\n", key.public().to_sceau_line(Some("sceau test key"))),
        ),
    ];
    let regenerate = std::env::var_os("SCEAU_REGENERATE_FIXTURES").is_some();
    for (name, text) in files {
        if regenerate {
            std::fs::write(path(name), &text).unwrap();
        }
        assert_eq!(read(name), text, "{name} differs from what sceau writes");
    }
}

#[test]
fn sceau_fixtures_read_back() {
    let want = fixture_key().public();
    let (key, comment) = SecretKey::parse(&read("sceau-test.key"), pass(SCEAU_PASSPHRASE)).unwrap();
    assert_eq!(
        (key.public(), comment.as_deref()),
        (want, Some("sceau test key"))
    );
    let err = SecretKey::parse(&read("sceau-test.key"), pass(b"nope"))
        .err()
        .unwrap();
    assert!(matches!(err, KeyError::WrongPassphrase { .. }), "{err}");
    let (key, _) = SecretKey::parse(&read("sceau-test-plain.key"), never).unwrap();
    assert_eq!(key.public(), want);
    let (public, comment) = PublicKey::parse(&read("sceau-test.pub")).unwrap();
    assert_eq!((public, comment.as_deref()), (want, Some("sceau test key")));
}

#[test]
fn openssl_keys_read_and_are_written_identically() {
    let private_pem = read("openssl-ed25519.pem");
    let public_pem = read("openssl-ed25519.pub.pem");
    let (key, comment) = SecretKey::parse(&private_pem, never).unwrap();
    assert_eq!(comment, None);
    let (public, _) = PublicKey::parse(&public_pem).unwrap();
    assert_eq!(key.public(), public);
    // sceau writes byte for byte what openssl wrote.
    assert_eq!(*key.to_pkcs8_pem(), private_pem);
    assert_eq!(public.to_spki_pem(), public_pem);

    let err = PublicKey::parse(&read("openssl-ed448.pub.pem")).unwrap_err();
    assert!(
        matches!(&err, KeyError::UnsupportedAlgorithm { algorithm, .. } if algorithm == "Ed448"),
        "{err}"
    );
}

#[test]
fn ssh_keygen_keys_read_plain_and_encrypted() {
    let (public, comment) = PublicKey::parse(&read("ssh-ed25519.pub")).unwrap();
    assert_eq!(comment.as_deref(), Some("test-key@sceau"));
    assert_eq!(
        format!("{} test-key@sceau\n", public.to_openssh()),
        read("ssh-ed25519.pub")
    );
    let (key, comment) = SecretKey::parse(&read("ssh-ed25519"), never).unwrap();
    assert_eq!(
        (key.public(), comment.as_deref()),
        (public, Some("test-key@sceau"))
    );

    let (public, _) = PublicKey::parse(&read("ssh-ed25519-encrypted.pub")).unwrap();
    let text = read("ssh-ed25519-encrypted");
    let (key, _) = SecretKey::parse(&text, pass(SSH_PASSPHRASE)).unwrap();
    assert_eq!(key.public(), public);
    let err = SecretKey::parse(&text, pass(b"wrong horse")).err().unwrap();
    assert!(
        matches!(
            err,
            KeyError::WrongPassphrase {
                format: KeyFormat::OpenSshPrivate
            }
        ),
        "{err}"
    );
}

#[test]
fn ssh_keys_of_other_algorithms_are_refused_without_asking_for_a_passphrase() {
    let err = PublicKey::parse(&read("openssh/rsa.pub")).unwrap_err();
    assert!(
        matches!(err, KeyError::UnsupportedAlgorithm { .. }),
        "{err}"
    );
    let err = SecretKey::parse(&read("openssh/rsa-encrypted"), never)
        .err()
        .unwrap();
    assert!(
        matches!(err, KeyError::UnsupportedAlgorithm { .. }),
        "{err}"
    );
}

#[test]
fn a_public_key_is_not_a_secret_key_and_the_reverse() {
    let err = SecretKey::parse(&read("ssh-ed25519.pub"), never)
        .err()
        .unwrap();
    assert!(matches!(err, KeyError::WrongKind { .. }), "{err}");
    let err = PublicKey::parse(&read("sceau-test.key")).unwrap_err();
    assert!(
        matches!(
            err,
            KeyError::WrongKind {
                found: KeyFormat::SceauSecret,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn openssh_key_asking_for_too_many_kdf_rounds_is_refused_before_the_passphrase() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    // Raise the bcrypt-pbkdf rounds in the (unencrypted) kdfoptions of a real key:
    // "bcrypt", uint32 len(kdfoptions), uint32 len(salt) = 16, salt, uint32 rounds.
    let text = read("ssh-ed25519-encrypted");
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut blob = STANDARD.decode(body).unwrap();
    let at = blob.windows(6).position(|w| w == b"bcrypt").unwrap() + 6 + 4 + 4 + 16;
    assert_eq!(
        blob[at..at + 4],
        16u32.to_be_bytes(),
        "ssh-keygen's default rounds"
    );
    blob[at..at + 4].copy_from_slice(&1_000_000u32.to_be_bytes());
    let b64 = STANDARD.encode(&blob);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(70)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let hostile = format!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----\n",
        lines.join("\n")
    );
    let err = SecretKey::parse(&hostile, never).err().unwrap();
    assert!(
        matches!(err, KeyError::KdfTooCostly { what: "rounds", .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("1000000 bcrypt-pbkdf rounds"),
        "{err}"
    );
}

#[test]
fn errors_can_cross_threads_and_be_boxed() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>() {}
    is_error::<KeyError>();
    is_error::<sceau_sign::SignError>();
}
