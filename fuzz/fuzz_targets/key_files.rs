//! Arbitrary text as a key file in every encoding sceau reads (spec/keys.md §2–§5): public
//! keys, and secret keys with a fixed passphrase (that of testdata/keys/sceau-test.key, so
//! that inputs grown from it reach decryption). Whatever parses is a sound key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_sign::{PublicKey, SecretKey};
use zeroize::Zeroizing;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((key, _comment)) = PublicKey::parse(text) {
        // Every accepted key passes the load checks, in each encoding sceau writes.
        let again = PublicKey::from_bytes(&key.to_bytes()).expect("load checks");
        assert_eq!(again, key);
        for form in [key.to_sceau_line(None), key.to_openssh(), key.to_spki_pem()] {
            assert_eq!(PublicKey::parse(&form).expect("own encoding").0, key);
        }
    }
    let passphrase =
        || Ok::<_, std::convert::Infallible>(Zeroizing::new(b"sceau test passphrase".to_vec()));
    if let Ok((key, _comment)) = SecretKey::parse(text, passphrase) {
        let pem = key.to_pkcs8_pem();
        let (back, _) = SecretKey::parse(&pem, passphrase).expect("own PKCS#8");
        assert_eq!(back.public(), key.public());
    }
});
