//! Public ed25519 test vectors run through the verifier's own path: the public key load
//! check (`PublicKey::from_bytes`) and `PublicKey::verify` (`verify_strict`, 64-byte
//! signatures only), which is exactly what `verify_signature` calls on an envelope's PAE.
//! The expected outcomes are stated in testdata/vectors/README.md.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;

use sceau_sign::{KeyError, PublicKey};
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

/// The verifier's decision for raw key bytes, a message and a signature.
fn accepts(key: &[u8], msg: &[u8], sig: &[u8]) -> Result<bool, KeyError> {
    let key: [u8; 32] = key.try_into().unwrap();
    let key = PublicKey::from_bytes(&key)?;
    Ok(key.verify(msg, sig))
}

#[test]
fn wycheproof_valid_verify_and_invalid_do_not() {
    let doc = load("wycheproof-ed25519.json");
    let (mut valid, mut invalid) = (0, 0);
    for group in doc["testGroups"].as_array().unwrap() {
        let pk = hex_field(&group["publicKey"], "pk");
        // The PEM form of the same key reads to the same key.
        let pem = group["publicKeyPem"].as_str().unwrap();
        let (from_pem, _) = PublicKey::parse(pem).unwrap();
        assert_eq!(from_pem.to_bytes().to_vec(), pk);
        for case in group["tests"].as_array().unwrap() {
            let id = &case["tcId"];
            let got = accepts(&pk, &hex_field(case, "msg"), &hex_field(case, "sig"))
                .unwrap_or_else(|e| panic!("tcId {id}: key refused at load: {e}"));
            match case["result"].as_str().unwrap() {
                "valid" => {
                    assert!(
                        got,
                        "tcId {id} is valid but was refused: {}",
                        case["comment"]
                    );
                    valid += 1;
                }
                "invalid" => {
                    assert!(
                        !got,
                        "tcId {id} is invalid but was accepted: {}",
                        case["comment"]
                    );
                    invalid += 1;
                }
                other => panic!("tcId {id}: unexpected result {other}"),
            }
        }
    }
    println!("wycheproof: {valid} valid accepted, {invalid} invalid refused");
    assert_eq!((valid, invalid), (88, 63));
}

/// Flags under which sceau must refuse a CCTV case (testdata/vectors/README.md): anything
/// wrong with A is refused at load (small order, small-order component, non-canonical);
/// `verify_strict` refuses a small-order or non-canonical R and any signature that only holds
/// under the cofactored equation (`low_order_residue`).
const REFUSING_FLAGS: [&str; 6] = [
    "low_order_A",
    "low_order_component_A",
    "non_canonical_A",
    "low_order_R",
    "non_canonical_R",
    "low_order_residue",
];

/// ed25519-dalek's `verify_strict` with no load check beyond decompression, for comparison.
fn plain_verify_strict(key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    let key: [u8; 32] = key.try_into().unwrap();
    let sig: [u8; 64] = sig.try_into().unwrap();
    ed25519_dalek::VerifyingKey::from_bytes(&key)
        .map(|k| {
            k.verify_strict(msg, &ed25519_dalek::Signature::from_bytes(&sig))
                .is_ok()
        })
        .unwrap_or(false)
}

#[test]
fn cctv_cases_follow_the_stated_rule() {
    let doc = load("cctv-ed25519.json");
    let cases = doc.as_array().unwrap();
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut strict_alone = 0;
    for case in cases {
        let n = &case["number"];
        let flags: Vec<&str> = case["flags"]
            .as_array()
            .map(|f| f.iter().map(|x| x.as_str().unwrap()).collect())
            .unwrap_or_default();
        let expected = !flags.iter().any(|f| REFUSING_FLAGS.contains(f));
        let msg = case["msg"].as_str().unwrap().as_bytes();
        let got = accepts(&hex_field(case, "key"), msg, &hex_field(case, "sig"));
        let outcome = match &got {
            Ok(true) => "accepted",
            Ok(false) => "refused by verify_strict",
            Err(KeyError::WeakKey {
                detail: "small order",
                ..
            }) => "key refused: small order",
            Err(KeyError::WeakKey { .. }) => "key refused: small-order component",
            Err(KeyError::NonCanonical { .. }) => "key refused: non-canonical",
            Err(KeyError::NotOnCurve) => "key refused: not on curve",
            Err(e) => panic!("case {n}: unexpected error {e}"),
        };
        *outcomes.entry(outcome).or_default() += 1;
        if plain_verify_strict(&hex_field(case, "key"), msg, &hex_field(case, "sig")) {
            strict_alone += 1;
            // Whatever verify_strict alone accepts and sceau refuses is a key with a
            // small-order component.
            assert!(
                matches!(got, Ok(true)) || flags.contains(&"low_order_component_A"),
                "case {n} with flags {flags:?}"
            );
        }
        assert_eq!(
            matches!(got, Ok(true)),
            expected,
            "case {n} with flags {flags:?}: {outcome}"
        );
        // verify_strict alone (no load check) must never accept what the rule refuses
        // because of R: the load check is not the only defence.
        if flags
            .iter()
            .any(|f| ["low_order_R", "non_canonical_R", "low_order_residue"].contains(f))
        {
            assert!(!matches!(got, Ok(true)), "case {n}");
        }
    }
    println!("cctv: {} cases: {outcomes:?}", cases.len());
    println!("cctv: ed25519-dalek verify_strict without sceau's load check accepts {strict_alone}");
    assert_eq!(cases.len(), 914);
    assert_eq!(outcomes.get("accepted"), Some(&1));
    // What the load check adds: 42 signatures under keys with a small-order component pass
    // verify_strict, and are refused at load.
    assert_eq!(strict_alone, 1 + 42);
}

#[test]
fn rfc8032_ed25519_vectors_verify_and_tampering_does_not() {
    let doc = load("rfc8032-ed25519.json");
    let mut n = 0;
    for case in doc.as_array().unwrap() {
        if case["algorithm"] != "Ed25519" {
            continue; // Ed25519ctx, Ed25519ph and Ed448 are not used by sceau.
        }
        let (pk, msg, sig) = (
            hex_field(case, "pub"),
            hex_field(case, "msg"),
            hex_field(case, "sig"),
        );
        assert!(accepts(&pk, &msg, &sig).unwrap(), "case {n}");
        let mut flipped = sig.clone();
        flipped[0] ^= 1;
        assert!(!accepts(&pk, &msg, &flipped).unwrap(), "case {n}");
        let mut other = msg.clone();
        other.push(0);
        assert!(!accepts(&pk, &other, &sig).unwrap(), "case {n}");
        n += 1;
    }
    println!("rfc8032: {n} Ed25519 vectors verified");
    assert_eq!(n, 5);
}
