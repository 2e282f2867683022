//! Project Wycheproof ECDSA vectors (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512, DER
//! signatures) run through sceau's own path: the key read from the group's SPKI (DER and PEM)
//! and SEC1 point, then `PublicKey::verify`, exactly what `verify_signature` calls on an
//! envelope's PAE (spec/keys.md §6.1). Expected outcomes: testdata/vectors/README.md.
#![allow(clippy::print_stdout)]

use sceau_sign::{KeyAlgorithm, PublicKey};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!(
        "{}/../../testdata/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn hex_field(v: &Value, field: &str) -> Vec<u8> {
    hex::decode(v[field].as_str().unwrap()).unwrap()
}

/// Whether a DER signature's s is above n / 2 (the "high-s" of BIP 62).
fn is_high_s(alg: KeyAlgorithm, sig: &[u8]) -> bool {
    match alg {
        KeyAlgorithm::EcdsaP256 => p256::ecdsa::Signature::from_der(sig)
            .ok()
            .and_then(|s| s.normalize_s())
            .is_some(),
        KeyAlgorithm::EcdsaP384 => p384::ecdsa::Signature::from_der(sig)
            .ok()
            .and_then(|s| s.normalize_s())
            .is_some(),
        _ => p521::ecdsa::Signature::from_der(sig)
            .ok()
            .and_then(|s| s.normalize_s())
            .is_some(),
    }
}

/// Runs one file: every group's key reads the same from its three encodings, every `valid`
/// case verifies and every `invalid` one does not. Returns (valid, invalid, valid high-s).
fn run(name: &str, alg: KeyAlgorithm) -> (usize, usize, usize) {
    let doc = load(name);
    let (mut valid, mut invalid, mut high_s) = (0, 0, 0);
    for group in doc["testGroups"].as_array().unwrap() {
        let key = PublicKey::from_spki_der(&hex_field(group, "publicKeyDer"))
            .unwrap_or_else(|e| panic!("{name}: group key refused: {e}"));
        assert_eq!(key.algorithm(), alg);
        let pem = group["publicKeyPem"].as_str().unwrap();
        assert_eq!(PublicKey::parse(pem).unwrap().0, key);
        let point = hex_field(&group["publicKey"], "uncompressed");
        assert_eq!(PublicKey::from_sec1(alg, &point).unwrap(), key);
        for case in group["tests"].as_array().unwrap() {
            let id = &case["tcId"];
            let sig = hex_field(case, "sig");
            let got = key.verify(&hex_field(case, "msg"), &sig);
            match case["result"].as_str().unwrap() {
                "valid" => {
                    assert!(
                        got,
                        "{name} tcId {id} is valid but was refused: {}",
                        case["comment"]
                    );
                    valid += 1;
                    high_s += usize::from(is_high_s(alg, &sig));
                }
                "invalid" => {
                    assert!(
                        !got,
                        "{name} tcId {id} is invalid but was accepted: {}",
                        case["comment"]
                    );
                    invalid += 1;
                }
                other => panic!("{name} tcId {id}: unexpected result {other}"),
            }
        }
    }
    println!("{name}: {valid} valid accepted ({high_s} with high s), {invalid} invalid refused");
    (valid, invalid, high_s)
}

#[test]
fn wycheproof_p256_sha256() {
    let (valid, invalid, high_s) = run(
        "wycheproof-ecdsa-secp256r1_sha256.json",
        KeyAlgorithm::EcdsaP256,
    );
    assert_eq!((valid, invalid), (174, 310));
    // Valid signatures with a high s exist, and are accepted (spec/keys.md §6.1).
    assert!(high_s > 0);
}

#[test]
fn wycheproof_p384_sha384() {
    let (valid, invalid, high_s) = run(
        "wycheproof-ecdsa-secp384r1_sha384.json",
        KeyAlgorithm::EcdsaP384,
    );
    assert_eq!((valid, invalid), (194, 310));
    assert!(high_s > 0);
}

#[test]
fn wycheproof_p521_sha512() {
    let (valid, invalid, high_s) = run(
        "wycheproof-ecdsa-secp521r1_sha512.json",
        KeyAlgorithm::EcdsaP521,
    );
    assert_eq!((valid, invalid), (232, 310));
    assert!(high_s > 0);
}
