//! Keys, signatures and key ids made by the real tools — OpenSSL, OpenSSH, minisign, signify
//! and securesystemslib — once, committed under testdata/keys/<tool>/ (see the README there
//! and `make-tool-keys.sh`): sceau reads each, finds the same key in every encoding, verifies
//! the tools' signatures and, where the scheme is deterministic, makes the same signature
//! (spec/keys.md §5, §8). These tests need none of the tools; `tools.rs` runs them live.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sceau_sign::{BoxError, KeyAlgorithm, KeyError, KeyFormat, PublicKey, SecretKey};
use zeroize::Zeroizing;

fn path(name: &str) -> String {
    format!("{}/../../testdata/keys/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn read(name: &str) -> String {
    std::fs::read_to_string(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read_bytes(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn pass(p: &'static [u8]) -> impl FnOnce() -> Result<Zeroizing<Vec<u8>>, BoxError> {
    move || Ok(Zeroizing::new(p.to_vec()))
}

fn never() -> Result<Zeroizing<Vec<u8>>, BoxError> {
    panic!("the passphrase must not be asked for")
}

fn public(name: &str) -> PublicKey {
    PublicKey::parse(&read(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .0
}

fn secret(name: &str) -> SecretKey {
    SecretKey::parse(&read(name), never)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .0
}

/// The message every tool signed: the DSSE PAE of `{}` as an in-toto payload.
fn pae() -> Vec<u8> {
    read_bytes("pae.bin")
}

#[test]
fn pae_bin_is_the_dsse_pae_sceau_signs() {
    let env =
        sceau_core::dsse::Envelope::new(sceau_core::dsse::PAYLOAD_TYPE_INTOTO, b"{}".to_vec());
    assert_eq!(env.pae(), pae());
}

#[test]
fn openssl_ecdsa_keys_read_in_every_encoding_and_write_back_identically() {
    let p256 = public("openssl/p256.spki.pem");
    assert_eq!(p256.algorithm(), KeyAlgorithm::EcdsaP256);
    let key = secret("openssl/p256.pkcs8.pem");
    assert_eq!(key.public(), p256);
    // sceau writes byte for byte what openssl wrote.
    assert_eq!(*key.to_pkcs8_pem(), read("openssl/p256.pkcs8.pem"));
    assert_eq!(p256.to_spki_pem(), read("openssl/p256.spki.pem"));
    // The compressed SPKI and the SEC1 `EC PRIVATE KEY` are the same key, with the same ids.
    let compressed = public("openssl/p256.spki-compressed.pem");
    assert_eq!(compressed, p256);
    assert_eq!(compressed.key_id(), p256.key_id());
    assert_eq!(compressed.dsse_keyid(), p256.dsse_keyid());
    assert_eq!(secret("openssl/p256.sec1.pem").public(), p256);

    // `openssl ecparam -genkey`: an EC PARAMETERS block, then the SEC1 key.
    let p384 = public("openssl/p384.spki.pem");
    assert_eq!(p384.algorithm(), KeyAlgorithm::EcdsaP384);
    assert_eq!(secret("openssl/p384.ecparam.pem").public(), p384);
    assert_eq!(p384.to_spki_pem(), read("openssl/p384.spki.pem"));

    let p521 = public("openssl/p521.spki.pem");
    assert_eq!(p521.algorithm(), KeyAlgorithm::EcdsaP521);
    let key = secret("openssl/p521.pkcs8.pem");
    assert_eq!(key.public(), p521);
    assert_eq!(*key.to_pkcs8_pem(), read("openssl/p521.pkcs8.pem"));
    assert_eq!(p521.to_spki_pem(), read("openssl/p521.spki.pem"));
}

#[test]
fn openssl_ecdsa_signatures_verify_and_sceau_signatures_verify_under_openssl_keys() {
    let message = pae();
    for (bits, key_file, pub_file) in [
        (256, "openssl/p256.pkcs8.pem", "openssl/p256.spki.pem"),
        (384, "openssl/p384.ecparam.pem", "openssl/p384.spki.pem"),
        (521, "openssl/p521.pkcs8.pem", "openssl/p521.spki.pem"),
    ] {
        let key = public(pub_file);
        let sig = read_bytes(&format!("openssl/pae.bin.p{bits}.sig"));
        assert!(key.verify(&message, &sig), "openssl P-{bits} signature");
        let mut other = message.clone();
        other.push(b'\n');
        assert!(!key.verify(&other, &sig));
        let mut flipped = sig.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(!key.verify(&message, &flipped));
        let ours = secret(key_file).sign(&message);
        assert!(key.verify(&message, &ours), "sceau P-{bits} signature");
    }
    // Another curve's signature never verifies.
    let p256 = public("openssl/p256.spki.pem");
    assert!(!p256.verify(&message, &read_bytes("openssl/pae.bin.p384.sig")));
}

#[test]
fn openssl_encrypted_pkcs8_reads_with_pbkdf2_and_scrypt() {
    const PASS: &[u8] = b"openssl test";
    let want = public("openssl/p256.pkcs8-pbkdf2.spki.pem");
    let text = read("openssl/p256.pkcs8-pbkdf2.pem");
    assert_eq!(KeyFormat::sniff(&text), Some(KeyFormat::EncryptedPkcs8Pem));
    let (key, _) = SecretKey::parse(&text, pass(PASS)).unwrap();
    assert_eq!(key.public(), want);
    let err = SecretKey::parse(&text, pass(b"openssl tess"))
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            KeyError::WrongPassphrase {
                format: KeyFormat::EncryptedPkcs8Pem
            }
        ),
        "{err}"
    );

    let (key, _) = SecretKey::parse(&read("openssl/p256.pkcs8-scrypt.pem"), pass(PASS)).unwrap();
    assert_eq!(key.public(), public("openssl/p256.spki.pem"));

    let (key, _) = SecretKey::parse(&read("openssl/ed25519.pkcs8-pbkdf2.pem"), pass(PASS)).unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::Ed25519);
    assert_eq!(key.public(), public("openssl/ed25519.spki.pem"));
}

#[test]
fn openssl_encryptions_sceau_does_not_read_are_named_before_the_passphrase() {
    let err = SecretKey::parse(&read("openssl/p256.pkcs8-sha1.pem"), never)
        .err()
        .unwrap();
    assert!(
        matches!(err, KeyError::UnsupportedEncryption { .. }) && err.to_string().contains("SHA-1"),
        "{err}"
    );
    let err = SecretKey::parse(&read("openssl/p256.sec1-legacy-encrypted.pem"), never)
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            KeyError::UnsupportedEncryption {
                format: KeyFormat::Sec1Pem,
                ..
            }
        ) && err.to_string().contains("openssl pkcs8 -topk8"),
        "{err}"
    );
}

#[test]
fn ssh_keygen_ecdsa_keys_read_plain_and_encrypted() {
    for bits in [256, 384, 521] {
        let name = format!("openssh/ecdsa-p{bits}");
        let (key, comment) = PublicKey::parse(&read(&format!("{name}.pub"))).unwrap();
        let want_comment = format!("p{bits}@sceau");
        assert_eq!(comment.as_deref(), Some(want_comment.as_str()));
        assert_eq!(
            format!("{} {want_comment}\n", key.to_openssh()),
            read(&format!("{name}.pub"))
        );
        let (secret, comment) = SecretKey::parse(&read(&name), never).unwrap();
        assert_eq!(
            (secret.public(), comment.as_deref()),
            (key, Some(want_comment.as_str()))
        );
    }
    let want = public("openssh/ecdsa-p384-encrypted.pub");
    let text = read("openssh/ecdsa-p384-encrypted");
    let (key, _) = SecretKey::parse(&text, pass(b"correct horse")).unwrap();
    assert_eq!(key.public(), want);
    let err = SecretKey::parse(&text, pass(b"wrong horse")).err().unwrap();
    assert!(matches!(err, KeyError::WrongPassphrase { .. }), "{err}");

    // An RSA key is refused by its algorithm, before any passphrase is asked for.
    let err = SecretKey::parse(&read("openssh/rsa-encrypted"), never)
        .err()
        .unwrap();
    assert!(
        matches!(&err, KeyError::UnsupportedAlgorithm { algorithm, .. } if algorithm == "ssh-rsa"),
        "{err}"
    );
    assert!(matches!(
        PublicKey::parse(&read("openssh/rsa.pub")),
        Err(KeyError::UnsupportedAlgorithm { .. })
    ));
}

#[test]
fn github_keys_and_authorized_keys_give_each_usable_key_once() {
    let ed = public("openssh/ed25519.pub");
    let p256 = public("openssh/ecdsa-p256.pub");
    let p384 = public("openssh/ecdsa-p384.pub");
    let p521 = public("openssh/ecdsa-p521.pub");

    let github = PublicKey::parse_list(&read("openssh/github.keys")).unwrap();
    let keys: Vec<PublicKey> = github.keys.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, [ed, p256, p521]);
    assert!(github.keys.iter().all(|(_, c)| c.is_none()));
    assert_eq!(github.skipped.len(), 1);
    assert_eq!(
        (github.skipped[0].line, github.skipped[0].algorithm.as_str()),
        (2, "ssh-rsa")
    );

    let text = read("openssh/authorized_keys");
    assert_eq!(KeyFormat::sniff(&text), Some(KeyFormat::OpenSshPublic));
    let authorized = PublicKey::parse_list(&text).unwrap();
    let keys: Vec<(PublicKey, Option<&str>)> = authorized
        .keys
        .iter()
        .map(|(k, c)| (*k, c.as_deref()))
        .collect();
    assert_eq!(
        keys,
        [
            (ed, Some("ed25519@sceau")),
            (p256, Some("p256@sceau")),
            (p384, Some("p384@sceau"))
        ]
    );
    assert_eq!(authorized.skipped.len(), 1);
    assert_eq!(authorized.skipped[0].line, 5);
    // Both files together: each key once.
    let both = format!("{}{text}", read("openssh/github.keys"));
    let list = PublicKey::parse_list(&both).unwrap();
    assert_eq!(list.keys.len(), 4);
    assert_eq!(list.repeated, 2);
    // Where one key is needed, a multi-key file is refused naming the count.
    assert!(matches!(
        PublicKey::parse(&text),
        Err(KeyError::SeveralKeys { count: 3, .. })
    ));
}

#[test]
fn ssh_keygen_ecdsa_fixture_of_the_first_versions_now_reads() {
    // testdata/keys/ssh-ecdsa.pub and ssh-ecdsa-encrypted (passphrase "x") were refused
    // before ECDSA keys were read.
    let want = public("ssh-ecdsa.pub");
    assert_eq!(want.algorithm(), KeyAlgorithm::EcdsaP256);
    let (key, _) = SecretKey::parse(&read("ssh-ecdsa-encrypted"), pass(b"x")).unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256);
}

/// The `Ed` ‖ key number ‖ signature line of a minisign or signify signature file.
fn tool_signature(name: &str) -> (Vec<u8>, Vec<u8>) {
    let text = read(name);
    let line = text.lines().nth(1).unwrap();
    let bytes = STANDARD.decode(line).unwrap();
    assert_eq!(bytes.len(), 74);
    (bytes[..10].to_vec(), bytes[10..].to_vec())
}

#[test]
fn minisign_keys_read_and_sceau_makes_minisigns_legacy_signature() {
    let text = read("minisign/plain.pub");
    assert_eq!(KeyFormat::sniff(&text), Some(KeyFormat::MinisignPublic));
    let (key, comment) = PublicKey::parse(&text).unwrap();
    assert!(comment.unwrap().starts_with("minisign public key "));
    // The bare base64 line, as `minisign -P` takes it, is the same key.
    let bare = text.lines().nth(1).unwrap();
    assert_eq!(public_of(bare), key);

    let secret_text = read("minisign/plain.key");
    assert_eq!(
        KeyFormat::sniff(&secret_text),
        Some(KeyFormat::MinisignSecret)
    );
    let (secret, _) = SecretKey::parse(&secret_text, never).unwrap();
    assert_eq!(secret.public(), key);

    let message = pae();
    // Legacy (`-l`) signatures are plain Ed25519 over the file: sceau's signature over the
    // same bytes is byte for byte minisign's (Ed25519 is deterministic).
    let (head, sig) = tool_signature("minisign/pae.bin.legacy.minisig");
    assert_eq!(&head[..2], b"Ed");
    assert!(key.verify(&message, &sig));
    assert_eq!(secret.sign(&message), sig);
    // Default signatures are Ed25519 over BLAKE2b-512 of the file.
    let (head, sig) = tool_signature("minisign/pae.bin.minisig");
    assert_eq!(&head[..2], b"ED");
    use blake2::Digest;
    let prehash = blake2::Blake2b512::digest(&message);
    assert!(key.verify(&prehash, &sig));
    assert!(!key.verify(&message, &sig));
}

fn public_of(text: &str) -> PublicKey {
    PublicKey::parse(text).unwrap().0
}

/// minisign always derives its key with scrypt N = 2^20, r = 8 (1 GiB): this test takes a few
/// seconds and 1 GiB of memory, once.
#[test]
fn minisign_encrypted_key_decrypts_with_its_passphrase() {
    let want = public("minisign/encrypted.pub");
    let (key, comment) =
        SecretKey::parse(&read("minisign/encrypted.key"), pass(b"minisign test")).unwrap();
    assert_eq!(key.public(), want);
    assert_eq!(comment.as_deref(), Some("minisign encrypted secret key"));
}

/// The decoded bytes of a minisign secret key file.
fn minisign_bytes(name: &str) -> Vec<u8> {
    STANDARD.decode(read(name).lines().nth(1).unwrap()).unwrap()
}

fn minisign_file(bytes: &[u8]) -> String {
    format!(
        "untrusted comment: minisign encrypted secret key\n{}\n",
        STANDARD.encode(bytes)
    )
}

#[test]
fn minisign_wrong_passphrase_and_costly_parameters_are_told_apart() {
    // minisign's own key, encrypted here as minisign would with cheaper parameters (opslimit
    // 2^19, memlimit 2^24: libsodium picks N = 2^14, r = 8, p = 1), so that the test is fast.
    let mut bytes = with_checksum(minisign_bytes("minisign/plain.key"));
    bytes[2..4].copy_from_slice(b"Sc");
    bytes[38..46].copy_from_slice(&(1u64 << 19).to_le_bytes());
    bytes[46..54].copy_from_slice(&(1u64 << 24).to_le_bytes());
    let params = scrypt::Params::new(14, 8, 1, 32).unwrap();
    let mut stream = [0u8; 104];
    scrypt::scrypt(b"cheap", &bytes[6..38], &params, &mut stream).unwrap();
    for (b, s) in bytes[54..].iter_mut().zip(stream) {
        *b ^= s;
    }
    let text = minisign_file(&bytes);
    let (key, _) = SecretKey::parse(&text, pass(b"cheap")).unwrap();
    assert_eq!(key.public(), public("minisign/plain.pub"));
    let err = SecretKey::parse(&text, pass(b"cheaq")).err().unwrap();
    assert!(
        matches!(
            err,
            KeyError::WrongPassphrase {
                format: KeyFormat::MinisignSecret
            }
        ),
        "{err}"
    );
    // Asking for more than minisign's own 1 GiB is refused before the passphrase.
    bytes[46..54].copy_from_slice(&(1u64 << 31).to_le_bytes());
    bytes[38..46].copy_from_slice(&(1u64 << 30).to_le_bytes());
    let err = SecretKey::parse(&minisign_file(&bytes), never)
        .err()
        .unwrap();
    assert!(
        matches!(err, KeyError::KdfTooCostly { what: "memory", .. }),
        "{err}"
    );
    // An unencrypted key may carry its checksum (minisign -W leaves it zero); when it does,
    // it must match.
    let mut bytes = with_checksum(minisign_bytes("minisign/plain.key"));
    assert!(SecretKey::parse(&minisign_file(&bytes), never).is_ok());
    bytes[157] ^= 1;
    let err = SecretKey::parse(&minisign_file(&bytes), never)
        .err()
        .unwrap();
    assert!(matches!(err, KeyError::Malformed { .. }), "{err}");
}

/// A minisign secret key with its BLAKE2b-256 checksum over `Ed` ‖ key id ‖ secret key
/// filled in (minisign -W leaves it zero).
fn with_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
    use blake2::Digest;
    let mut h = blake2::Blake2b::<blake2::digest::consts::U32>::new();
    h.update(&bytes[..2]);
    h.update(&bytes[54..126]);
    let sum = h.finalize();
    bytes[126..].copy_from_slice(&sum);
    bytes
}

#[test]
fn signify_keys_read_and_sceau_makes_signifys_signature() {
    let (key, comment) = PublicKey::parse(&read("signify/plain.pub")).unwrap();
    assert_eq!(comment.as_deref(), Some("sceau plain public key"));
    let text = read("signify/plain.sec");
    assert_eq!(KeyFormat::sniff(&text), Some(KeyFormat::SignifySecret));
    let (secret, _) = SecretKey::parse(&text, never).unwrap();
    assert_eq!(secret.public(), key);
    let message = pae();
    let (head, sig) = tool_signature("signify/pae.bin.sig");
    assert_eq!(&head[..2], b"Ed");
    assert!(key.verify(&message, &sig));
    assert_eq!(secret.sign(&message), sig);

    let want = public("signify/encrypted.pub");
    let text = read("signify/encrypted.sec");
    let (secret, _) = SecretKey::parse(&text, pass(b"signify test")).unwrap();
    assert_eq!(secret.public(), want);
    let err = SecretKey::parse(&text, pass(b"signify tesu"))
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            KeyError::WrongPassphrase {
                format: KeyFormat::SignifySecret
            }
        ),
        "{err}"
    );
    // Rounds raised from 42 to 100000: refused before the passphrase is asked for.
    let mut bytes = STANDARD.decode(text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(bytes[4..8], 42u32.to_be_bytes());
    bytes[4..8].copy_from_slice(&100_000u32.to_be_bytes());
    let hostile = format!(
        "untrusted comment: signify secret key\n{}\n",
        STANDARD.encode(&bytes)
    );
    let err = SecretKey::parse(&hostile, never).err().unwrap();
    assert!(
        matches!(err, KeyError::KdfTooCostly { what: "rounds", .. }),
        "{err}"
    );
}

#[test]
fn dsse_keyids_are_the_ones_securesystemslib_computes() {
    let v: serde_json::Value = serde_json::from_str(&read("sslib-keyids.json")).unwrap();
    let ids = v["keyids"].as_object().unwrap();
    assert_eq!(ids.len(), 6);
    for (file, want) in ids {
        let key = public(file);
        assert_eq!(key.dsse_keyid(), want["keyid"].as_str().unwrap(), "{file}");
        assert!(key.matches_keyid(want["keyid"].as_str().unwrap()));
    }
}

#[test]
fn every_tool_file_is_recognised_as_what_it_is() {
    let cases = [
        ("openssl/p256.pkcs8.pem", KeyFormat::Pkcs8Pem),
        ("openssl/p256.sec1.pem", KeyFormat::Sec1Pem),
        ("openssl/p384.ecparam.pem", KeyFormat::Sec1Pem),
        (
            "openssl/p256.pkcs8-scrypt.pem",
            KeyFormat::EncryptedPkcs8Pem,
        ),
        ("openssl/p521.spki.pem", KeyFormat::SpkiPem),
        ("openssh/ecdsa-p521", KeyFormat::OpenSshPrivate),
        ("openssh/github.keys", KeyFormat::OpenSshPublic),
        ("minisign/encrypted.pub", KeyFormat::MinisignPublic),
        ("minisign/encrypted.key", KeyFormat::MinisignSecret),
        ("signify/encrypted.pub", KeyFormat::MinisignPublic),
        ("signify/encrypted.sec", KeyFormat::SignifySecret),
    ];
    for (file, want) in cases {
        assert_eq!(KeyFormat::sniff(&read(file)), Some(want), "{file}");
    }
    // Signature files are not keys.
    assert_eq!(KeyFormat::sniff(&read("minisign/pae.bin.minisig")), None);
    assert_eq!(KeyFormat::sniff(&read("signify/pae.bin.sig")), None);
    // A secret key where a public key is needed, and the reverse, are named.
    assert!(matches!(
        PublicKey::parse(&read("minisign/plain.key")),
        Err(KeyError::WrongKind {
            found: KeyFormat::MinisignSecret,
            ..
        })
    ));
    assert!(matches!(
        SecretKey::parse(&read("signify/plain.pub"), never),
        Err(KeyError::WrongKind {
            found: KeyFormat::MinisignPublic,
            ..
        })
    ));
}
