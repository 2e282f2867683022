//! Mutated bundles and payloads never panic: a deterministic sweep over every bundle in
//! `testdata/oms` (byte flips, truncations, duplications), besides the libFuzzer targets
//! `oms_bundle` and `oms_statement` (spec/oms.md §2.6, §12).
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use sceau_oms::{Bundle, OmsStatement, SigstoreBundle};

use crate::common::*;

/// xorshift64*: a fixed sequence, so that a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = rng.next() as u8;
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v.truncate(i);
            }
            2 if !v.is_empty() => {
                let i = rng.below(v.len());
                let j = (i + rng.below(64)).min(v.len());
                let chunk = v[i..j].to_vec();
                v.splice(i..i, chunk);
            }
            3 => {
                let i = rng.below(v.len() + 1);
                let token: &[u8] = [
                    &b"{"[..],
                    b"}",
                    b"[",
                    b"]",
                    b"\"",
                    b":",
                    b",",
                    b"null",
                    b"1e999",
                    b"\\u0000",
                ][rng.below(10)];
                v.splice(i..i, token.iter().copied());
            }
            _ if !v.is_empty() => {
                let i = rng.below(v.len());
                v.remove(i);
            }
            _ => {}
        }
    }
    v
}

fn bundles() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack = vec![testdata()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "sig" || x == "json")
                && !p.ends_with("trusted_root.json")
            {
                out.push(std::fs::read(p).unwrap());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn mutated_bundles_are_refused_or_read_never_panic() {
    let mut rng = Rng(0x0005_eed0_f0a5);
    let inputs = bundles();
    assert!(inputs.len() >= 20);
    let mut read = 0;
    for input in &inputs {
        for _ in 0..300 {
            let m = mutate(&mut rng, input);
            if let Ok(b) = Bundle::from_json(&m) {
                let _ = b.describe();
                read += 1;
            }
            let _ = SigstoreBundle::from_json(&m);
        }
    }
    // Some mutations (inside base64 signatures, say) leave a readable bundle.
    assert!(read > 0);
}

#[test]
fn mutated_payloads_are_refused_or_read_never_panic() {
    let mut rng = Rng(0xdead_beef);
    let mut read = 0;
    for input in bundles() {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&input) else {
            continue;
        };
        let Some(payload) = v["dsseEnvelope"]["payload"].as_str() else {
            continue;
        };
        let payload = STANDARD.decode(payload).unwrap();
        for _ in 0..300 {
            if OmsStatement::from_payload(&mutate(&mut rng, &payload)).is_ok() {
                read += 1;
            }
        }
    }
    assert!(read > 0);
}
