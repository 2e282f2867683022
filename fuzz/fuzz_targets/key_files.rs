//! Arbitrary text as a key file in every encoding sceau reads (spec/keys.md §2–§5, §8):
//! sceau, OpenSSH (lines, authorized_keys and GitHub .keys files, private keys), SPKI, PKCS#8
//! (plain and encrypted), SEC1, minisign and signify keys, Ed25519 and ECDSA. Secret keys are
//! read with a fixed passphrase (that of testdata/keys/sceau-test.key, so that inputs grown from
//! it reach decryption) — except minisign and encrypted PKCS#8 keys, whose headers and cost
//! limits are fuzzed but whose key derivation is not run: minisign's own setting is 1 GiB of
//! scrypt and PBKDF2 may ask for millions of iterations, both within sceau's limits yet far
//! beyond a fuzzer's memory and time budget. Whatever parses is a sound key: it passes the load checks again from
//! its canonical bytes, reads back from each encoding sceau writes as the same key with the
//! same ids, and signs what it verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_sign::{KeyFormat, PublicKey, SecretKey};
use zeroize::Zeroizing;

fn check_public(key: &PublicKey) {
    let again = PublicKey::from_key_bytes(key.algorithm(), &key.to_bytes()).expect("load checks");
    assert_eq!(again, *key);
    assert_eq!(again.key_id(), key.key_id());
    assert_eq!(again.dsse_keyid(), key.dsse_keyid());
    for form in [key.to_sceau_line(None), key.to_openssh(), key.to_spki_pem()] {
        assert_eq!(PublicKey::parse(&form).expect("own encoding").0, *key);
    }
    assert_eq!(PublicKey::from_spki_der(&key.to_spki_der()).expect("own SPKI"), *key);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Recognising a text never fails, whatever it is.
    let _ = KeyFormat::sniff(text).map(KeyFormat::is_secret);
    if let Ok(list) = PublicKey::parse_list(text) {
        assert!(!list.keys.is_empty());
        for (i, (key, _comment)) in list.keys.iter().enumerate() {
            // Each key once.
            assert!(!list.keys[..i].iter().any(|(k, _)| k == key));
            check_public(key);
        }
        match PublicKey::parse(text) {
            Ok((key, _)) => assert_eq!(list.keys.len(), 1, "{key:?}"),
            Err(_) => assert!(list.keys.len() > 1),
        }
    }
    // A DER body that happens to decode is a SubjectPublicKeyInfo candidate too.
    if let Ok(key) = PublicKey::from_spki_der(data) {
        check_public(&key);
    }
    let costly = matches!(
        KeyFormat::sniff(text),
        Some(KeyFormat::MinisignSecret | KeyFormat::EncryptedPkcs8Pem)
    );
    let passphrase = || {
        if costly {
            return Err("not derived while fuzzing");
        }
        Ok(Zeroizing::new(b"sceau test passphrase".to_vec()))
    };
    if let Ok((key, _comment)) = SecretKey::parse(text, passphrase) {
        check_public(&key.public());
        let pem = key.to_pkcs8_pem();
        let (back, _) = SecretKey::parse(&pem, passphrase).expect("own PKCS#8");
        assert_eq!(back.public(), key.public());
        let sig = key.sign(b"fuzz");
        assert!(key.public().verify(b"fuzz", &sig));
    }
});
