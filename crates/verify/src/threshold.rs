//! Counting the distinct trusted keys that signed an envelope (spec/policy.md §4).
//!
//! A `keyid` pairs a signature with the key to try first; it is only a hint. A signature whose
//! `keyid` names a trusted key is tried against that key; every signature left over (no
//! `keyid`, a `keyid` naming no trusted key, or one that did not verify under the key it
//! names) is tried against the trusted keys that have no valid signature yet, within a budget
//! of one trial per signature and per key. So checking an envelope costs at most
//! `2 × signatures + keys` verifications, each over the payload once, whatever an attacker puts
//! in it (spec/policy.md §4.1); a signature past the budget is said, never counted. Each distinct key counts once, however many
//! signatures or key ids it has, with sceau-sign's strict check (`verify_strict` over the DSSE
//! pre-authentication encoding).

use sceau_core::dsse::Envelope;
use sceau_sign::{PublicKey, MAX_SIGNATURE_BYTES};

use crate::signer::Signer;

/// The outcome of counting an envelope's signatures against a list of trusted keys
/// (spec/policy.md §4.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignerCount {
    /// The distinct trusted keys with at least one valid signature, in the order of the
    /// trusted list. Its length is what counts toward a threshold.
    pub valid: Vec<Signer>,
    /// Signatures tried and found not to verify: forged, corrupted, over other bytes, or
    /// under a `keyid` naming another trusted key than the one that made them.
    pub invalid_signatures: usize,
    /// Signatures not tried because their `keyid` names no trusted key: made by a key that is
    /// not trusted here (their key ids are in [`SignerCount::untrusted_key_ids`]).
    pub untrusted_signatures: usize,
    /// The `keyid` hints of the untrusted signatures (at most [`MAX_LISTED_HINTS`], for
    /// messages).
    pub untrusted_key_ids: Vec<String>,
    /// Further valid signatures by a key already counted (the same key signing twice); they
    /// add nothing.
    pub repeated_signatures: usize,
    /// Signatures with an empty `keyid` left untried because the trial budget was spent.
    pub unchecked_signatures: usize,
}

/// Most `keyid` hints of untrusted signatures kept for messages.
pub const MAX_LISTED_HINTS: usize = 8;

impl SignerCount {
    /// How many distinct trusted parties signed: distinct keys, where keys that share a name
    /// (several keys of one `--key` file, spec/keys.md §8) are one party, so that one person
    /// holding several keys cannot meet a threshold alone.
    pub fn distinct(&self) -> usize {
        let mut names: Vec<&str> = self.valid.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    }

    /// Whether at least `threshold` distinct trusted parties signed. A threshold of 0 is never
    /// met: sceau never accepts an unsigned envelope.
    pub fn meets(&self, threshold: usize) -> bool {
        threshold >= 1 && self.distinct() >= threshold
    }

    /// The signers among `trusted` only, named as `trusted` names them: how the signatures
    /// checked against a wider set of keys (every key that could count, before the payload
    /// was read) are counted for the keys trusted for this record. Signatures by the other
    /// keys become untrusted ones. No signature is verified again.
    pub fn restrict(&self, trusted: &[(String, PublicKey)]) -> SignerCount {
        let mut out = SignerCount {
            invalid_signatures: self.invalid_signatures,
            untrusted_signatures: self.untrusted_signatures,
            untrusted_key_ids: self.untrusted_key_ids.clone(),
            repeated_signatures: self.repeated_signatures,
            unchecked_signatures: self.unchecked_signatures,
            ..SignerCount::default()
        };
        for (name, key) in trusted {
            if out.valid.iter().any(|s| s.key == *key) {
                continue;
            }
            if self.valid.iter().any(|s| s.key == *key) {
                out.valid.push(Signer::new(name.clone(), *key));
            }
        }
        for s in &self.valid {
            if !out.valid.iter().any(|o| o.key == s.key) {
                out.untrusted_signatures += 1;
                if out.untrusted_key_ids.len() < MAX_LISTED_HINTS {
                    out.untrusted_key_ids.push(s.key_id.to_string());
                }
            }
        }
        out
    }
}

/// Whether a signature's `keyid` names `key`.
fn hint_names(hint: &str, key: &PublicKey) -> bool {
    // sceau's key id (older records) or securesystemslib's (spec/keys.md §1.3).
    key.matches_keyid(hint)
}

/// Counts the distinct keys of `trusted` that have a valid signature on `env`
/// (spec/policy.md §4.1–§4.2). A signature is first tried against the key its `keyid` names;
/// a signature that names no trusted key, has no `keyid`, or does not verify under the key it
/// names is then tried against the keys without a valid signature yet, while the budget of
/// one trial per signature and per key lasts (the module docs). A key listed twice in
/// `trusted`, under two names, counts once, under its first name.
pub fn count_signers(env: &Envelope, trusted: &[(String, PublicKey)]) -> SignerCount {
    // The distinct keys, first name kept.
    let mut keys: Vec<(&str, &PublicKey)> = Vec::with_capacity(trusted.len());
    for (name, key) in trusted {
        if !keys.iter().any(|(_, k)| *k == key) {
            keys.push((name, key));
        }
    }
    let pae = env.pae();
    let mut signed = vec![false; keys.len()];
    let mut count = SignerCount::default();
    let mut budget = env.signatures.len().saturating_add(keys.len());
    // Signature bytes already found valid: the same bytes again (under another key id, or
    // none) are the same signature, repeated.
    let mut seen: Vec<&[u8]> = Vec::new();
    // Pass 1: each signature against the key its hint names.
    let mut rest = Vec::new();
    for sig in &env.signatures {
        if sig.sig.is_empty() || sig.sig.len() > MAX_SIGNATURE_BYTES {
            count.invalid_signatures += 1;
            continue;
        }
        if seen.contains(&sig.sig.as_slice()) {
            count.repeated_signatures += 1;
            continue;
        }
        let hinted = (!sig.keyid.is_empty())
            .then(|| keys.iter().position(|(_, k)| hint_names(&sig.keyid, k)))
            .flatten();
        match hinted {
            Some(i) => {
                budget = budget.saturating_sub(1);
                if keys[i].1.verify(&pae, &sig.sig) {
                    seen.push(&sig.sig);
                    if signed[i] {
                        count.repeated_signatures += 1;
                    } else {
                        signed[i] = true;
                    }
                } else {
                    rest.push((sig, true));
                }
            }
            None => rest.push((sig, false)),
        }
    }
    // Pass 2: the others against the keys still unmatched, while the budget lasts.
    for (sig, named_trusted) in rest {
        if seen.contains(&sig.sig.as_slice()) {
            count.repeated_signatures += 1;
            continue;
        }
        let mut matched = false;
        let mut tried = false;
        for i in 0..keys.len() {
            if signed[i] || budget == 0 {
                continue;
            }
            budget -= 1;
            tried = true;
            if keys[i].1.verify(&pae, &sig.sig) {
                signed[i] = true;
                seen.push(&sig.sig);
                matched = true;
                break;
            }
        }
        if matched {
            continue;
        }
        if named_trusted {
            count.invalid_signatures += 1;
        } else if !tried && !signed.iter().all(|s| *s) {
            count.unchecked_signatures += 1;
        } else if sig.keyid.is_empty() {
            count.invalid_signatures += 1;
        } else {
            count.untrusted_signatures += 1;
            if count.untrusted_key_ids.len() < MAX_LISTED_HINTS {
                count
                    .untrusted_key_ids
                    .push(sig.keyid.chars().take(64).collect());
            }
        }
    }
    for ((name, key), s) in keys.iter().zip(&signed) {
        if *s {
            count.valid.push(Signer::new(*name, **key));
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use sceau_core::dsse::EnvelopeSignature;
    use sceau_sign::{countersign, sign_envelope, SecretKey};

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed(&[n; 32])
    }

    fn trusted(keys: &[&SecretKey]) -> Vec<(String, PublicKey)> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| (format!("m{i}"), k.public()))
            .collect()
    }

    #[test]
    fn counts_each_distinct_trusted_key_once() {
        let (a, b, c) = (key(1), key(2), key(3));
        let mut env = sign_envelope("t", b"payload".to_vec(), &a).unwrap();
        countersign(&mut env, &b).unwrap();
        let count = count_signers(&env, &trusted(&[&a, &b, &c]));
        assert_eq!(
            count.valid,
            vec![Signer::new("m0", a.public()), Signer::new("m1", b.public())]
        );
        assert!(count.meets(2) && !count.meets(3) && !count.meets(0));
        assert_eq!(
            (count.invalid_signatures, count.untrusted_signatures),
            (0, 0)
        );
    }

    #[test]
    fn a_repeated_signature_or_second_keyid_counts_once() {
        let (a, b, c) = (key(1), key(2), key(3));
        let mut env = sign_envelope("t", b"payload".to_vec(), &a).unwrap();
        let mut again = env.signatures[0].clone();
        env.signatures.push(again.clone());
        // The same signature bytes under b's key id, or under none: the same signature.
        again.keyid = b.key_id().to_string();
        env.signatures.push(again.clone());
        again.keyid = String::new();
        env.signatures.push(again);
        let count = count_signers(&env, &trusted(&[&a, &b, &c]));
        assert_eq!(count.distinct(), 1);
        assert_eq!(count.repeated_signatures, 3);
        assert_eq!(count.invalid_signatures, 0);
        assert!(!count.meets(2));
    }

    #[test]
    fn a_key_listed_twice_counts_once() {
        let a = key(1);
        let env = sign_envelope("t", b"payload".to_vec(), &a).unwrap();
        let list = vec![("x".to_owned(), a.public()), ("y".to_owned(), a.public())];
        let count = count_signers(&env, &list);
        assert_eq!(count.valid, vec![Signer::new("x", a.public())]);
    }

    #[test]
    fn keyid_is_only_a_hint() {
        let (a, b, stranger) = (key(1), key(2), key(9));
        // A valid signature under a wrong or missing keyid still counts.
        let mut env = sign_envelope("t", b"payload".to_vec(), &a).unwrap();
        for hint in ["bogus", ""] {
            env.signatures[0].keyid = hint.into();
            assert_eq!(count_signers(&env, &trusted(&[&b, &a])).distinct(), 1);
        }
        // A forged signature under a trusted keyid does not; nor a stranger's, whose key id is
        // named.
        env.signatures[0].keyid = a.key_id().to_string();
        countersign(&mut env, &stranger).unwrap();
        env.signatures.push(EnvelopeSignature {
            keyid: b.key_id().to_string(),
            sig: vec![7; 64],
        });
        env.signatures.push(EnvelopeSignature {
            keyid: String::new(),
            sig: vec![7; MAX_SIGNATURE_BYTES + 1],
        });
        let count = count_signers(&env, &trusted(&[&a, &b]));
        assert_eq!(count.distinct(), 1);
        assert_eq!(count.invalid_signatures, 2);
        assert_eq!(count.untrusted_signatures, 1);
        assert_eq!(count.untrusted_key_ids, [stranger.public().dsse_keyid()]);
    }

    /// spec/policy.md §4.1: whatever the envelope holds, at most one trial per signature and
    /// per key; unhinted signatures past the budget are left unchecked and said.
    #[test]
    fn trials_are_bounded_by_signatures_plus_keys() {
        let keys: Vec<SecretKey> = (1..=4).map(key).collect();
        let refs: Vec<&SecretKey> = keys.iter().collect();
        let mut env = sign_envelope("t", b"payload".to_vec(), &key(9)).unwrap();
        env.signatures.clear();
        for _ in 0..10 {
            env.signatures.push(EnvelopeSignature {
                keyid: String::new(),
                sig: vec![1; 64],
            });
        }
        let count = count_signers(&env, &trusted(&refs));
        // 14 trials: the first three signatures use 4 each (12), the fourth 2, the rest none.
        assert_eq!(count.invalid_signatures, 4);
        assert_eq!(count.unchecked_signatures, 6);
        // Hinted at trusted keys, forged: one trial each, then the budget left for the rest.
        for s in &mut env.signatures {
            s.keyid = keys[0].key_id().to_string();
        }
        let count = count_signers(&env, &trusted(&refs));
        assert_eq!(
            count.invalid_signatures + count.unchecked_signatures,
            10,
            "{count:?}"
        );
        assert_eq!(count.distinct(), 0);
    }

    #[test]
    fn an_ecdsa_key_given_in_two_encodings_counts_once() {
        use sceau_sign::KeyAlgorithm;
        let a = SecretKey::from_secret_bytes(KeyAlgorithm::EcdsaP256, &[1; 32]).unwrap();
        let mut env = sign_envelope("t", b"payload".to_vec(), &a).unwrap();
        // The same key signs again under sceau's short key id.
        let mut again = env.signatures[0].clone();
        again.keyid = a.key_id().to_string();
        env.signatures.push(again);
        let pem = PublicKey::parse(&a.public().to_spki_pem()).unwrap().0;
        let ssh = PublicKey::parse(&a.public().to_openssh()).unwrap().0;
        let list = vec![("pem".to_owned(), pem), ("ssh".to_owned(), ssh)];
        let count = count_signers(&env, &list);
        assert_eq!(count.valid, vec![Signer::new("pem", a.public())]);
        assert_eq!(count.repeated_signatures, 1);
    }

    #[test]
    fn a_signature_over_other_bytes_does_not_count() {
        let a = key(1);
        let mut env = sign_envelope("t", b"payload".to_vec(), &a).unwrap();
        env.payload[0] ^= 1;
        let count = count_signers(&env, &trusted(&[&a]));
        assert_eq!(count.distinct(), 0);
        assert_eq!(count.invalid_signatures, 1);
    }

    #[test]
    fn restrict_counts_only_the_keys_trusted_for_the_record() {
        let (a, b) = (key(1), key(2));
        let mut env = sign_envelope("t", b"payload".to_vec(), &a).unwrap();
        countersign(&mut env, &b).unwrap();
        let all = count_signers(&env, &trusted(&[&a, &b]));
        let only_b = all.restrict(&[("bob".to_owned(), b.public())]);
        assert_eq!(only_b.valid, vec![Signer::new("bob", b.public())]);
        assert_eq!(only_b.untrusted_signatures, 1);
        assert_eq!(only_b.untrusted_key_ids, [a.key_id().to_string()]);
    }
}
