//! JSON files, DSSE envelopes and base64, read and crafted independently of sceau's code
//! (except [`envelope`], which signs with the library so that only the rule under test can
//! refuse a crafted record).
use std::path::Path;

use sceau_core::dsse::Envelope;
use sceau_sign::SecretKey;
use serde_json::Value;

/// Reads a JSON file.
#[track_caller]
pub fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).expect("read json")).expect("parse json")
}

/// Writes a JSON file (pretty).
pub fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_vec_pretty(v).expect("json")).expect("write json");
}

/// Parses a run's standard output as JSON.
#[track_caller]
pub fn json_out(o: &std::process::Output) -> Value {
    let text = String::from_utf8_lossy(&o.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{text}\nstderr:\n{}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The decoded payload bytes of a DSSE envelope file.
pub fn payload_of(envelope: &Path) -> Vec<u8> {
    b64_decode(read_json(envelope)["payload"].as_str().expect("payload"))
}

/// The payload digest (record id, hex) of a record file.
pub fn record_digest(record: &Path) -> String {
    crate::common::sha256_hex(&payload_of(record))
}

/// Builds `out`, the envelope `rec` with its signature list changed by `f`.
pub fn with_signatures(rec: &Path, out: &Path, f: impl FnOnce(&mut Vec<Value>)) {
    let mut env = read_json(rec);
    let mut sigs = env["signatures"].as_array().expect("signatures").clone();
    f(&mut sigs);
    env["signatures"] = Value::Array(sigs);
    write_json(out, &env);
}

/// Reads an unencrypted secret key file with the library.
pub fn secret_key(path: &Path) -> SecretKey {
    let text = std::fs::read_to_string(path).expect("key file");
    SecretKey::parse(&text, || {
        Err::<zeroize::Zeroizing<Vec<u8>>, _>("the test keys are not encrypted")
    })
    .expect("secret key")
    .0
}

/// An envelope file's bytes: `payload` under `payload_type`, signed by each key in turn.
pub fn envelope(payload_type: &str, payload: &[u8], keys: &[&SecretKey]) -> Vec<u8> {
    let mut env = Envelope::new(payload_type, payload.to_vec());
    for k in keys {
        sceau_sign::countersign(&mut env, k).expect("sign");
    }
    env.to_json()
}

/// A public key file's line (`sceau-ed25519 …`).
pub fn key_line(public: &Path) -> String {
    std::fs::read_to_string(public)
        .expect("public key")
        .trim()
        .to_owned()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 §4), independent of sceau's.
pub fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 with padding (panics on anything else).
pub fn b64_decode(text: &str) -> Vec<u8> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = B64
            .iter()
            .position(|&x| x == c)
            .unwrap_or_else(|| panic!("not base64: {c:?}")) as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
