//! Counting the distinct trusted keys that signed an envelope (spec/policy.md §4).
//!
//! A `keyid` is only a hint: every signature is tried against the trusted keys themselves,
//! with sceau-sign's one check (`PublicKey::verify` over the DSSE pre-authentication
//! encoding). Each distinct key counts once, however many signatures or key ids it has.

use sceau_core::dsse::Envelope;
use sceau_sign::{KeyId, PublicKey, MAX_SIGNATURE_BYTES};

/// The outcome of counting an envelope's signatures against a list of trusted keys
/// (spec/policy.md §4.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignerCount {
    /// The distinct trusted keys with at least one valid signature, as (name, key id), in
    /// the order of the trusted list. Its length is what counts toward a threshold.
    pub valid: Vec<(String, KeyId)>,
    /// Signatures that verify under no trusted key although their `keyid` names one, or
    /// that are empty or longer than any signature: forged, corrupted, or over other bytes.
    pub invalid_signatures: usize,
    /// Signatures that verify under no trusted key and whose `keyid` names none: made by a
    /// key that is not trusted here.
    pub untrusted_signatures: usize,
    /// Further valid signatures by a key already counted (the same key signing twice, or
    /// under another key id); they add nothing.
    pub repeated_signatures: usize,
}

impl SignerCount {
    /// How many distinct trusted keys signed.
    pub fn distinct(&self) -> usize {
        self.valid.len()
    }

    /// Whether at least `threshold` distinct trusted keys signed. A threshold of 0 is never
    /// met: sceau never accepts an unsigned envelope.
    pub fn meets(&self, threshold: usize) -> bool {
        threshold >= 1 && self.valid.len() >= threshold
    }
}

/// Counts the distinct keys of `trusted` that have a valid signature on `env`
/// (spec/policy.md §4.1–§4.2).
///
/// Every signature is tried against every trusted key (the key its `keyid` names first), so
/// a wrong or missing `keyid` neither hides nor forges a signer. A key listed twice in
/// `trusted`, under two names, counts once, under its first name.
pub fn count_signers(env: &Envelope, trusted: &[(String, PublicKey)]) -> SignerCount {
    // The distinct keys, first name kept.
    let mut keys: Vec<(&str, &PublicKey, [String; 2])> = Vec::with_capacity(trusted.len());
    for (name, key) in trusted {
        if !keys.iter().any(|(_, k, _)| *k == key) {
            // A hint is sceau's key id (older records) or securesystemslib's (spec/keys.md §1.3).
            keys.push((name, key, [key.key_id().to_string(), key.dsse_keyid()]));
        }
    }
    let pae = env.pae();
    let mut signed = vec![false; keys.len()];
    let mut count = SignerCount::default();
    for sig in &env.signatures {
        if sig.sig.is_empty() || sig.sig.len() > MAX_SIGNATURE_BYTES {
            count.invalid_signatures += 1;
            continue;
        }
        // The hinted key first; the hint only orders the search.
        let hinted = keys.iter().position(|(_, _, ids)| ids.contains(&sig.keyid));
        let order = hinted
            .into_iter()
            .chain((0..keys.len()).filter(|i| Some(*i) != hinted));
        let mut matched = None;
        for i in order {
            if keys[i].1.verify(&pae, &sig.sig) {
                matched = Some(i);
                break;
            }
        }
        match matched {
            Some(i) if signed[i] => count.repeated_signatures += 1,
            Some(i) => signed[i] = true,
            None if hinted.is_some() => count.invalid_signatures += 1,
            None => count.untrusted_signatures += 1,
        }
    }
    count.valid = keys
        .iter()
        .zip(&signed)
        .filter(|(_, s)| **s)
        .map(|((name, key, _), _)| ((*name).to_owned(), key.key_id()))
        .collect();
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
            vec![("m0".to_owned(), a.key_id()), ("m1".to_owned(), b.key_id())]
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
        again.keyid = b.key_id().to_string();
        env.signatures.push(again.clone());
        again.keyid = String::new();
        env.signatures.push(again);
        let count = count_signers(&env, &trusted(&[&a, &b, &c]));
        assert_eq!(count.distinct(), 1);
        assert_eq!(count.repeated_signatures, 3);
        assert!(!count.meets(2));
    }

    #[test]
    fn a_key_listed_twice_counts_once() {
        let a = key(1);
        let env = sign_envelope("t", b"payload".to_vec(), &a).unwrap();
        let list = vec![("x".to_owned(), a.public()), ("y".to_owned(), a.public())];
        let count = count_signers(&env, &list);
        assert_eq!(count.valid, vec![("x".to_owned(), a.key_id())]);
    }

    #[test]
    fn keyid_is_only_a_hint() {
        let (a, b, stranger) = (key(1), key(2), key(9));
        // A valid signature under a wrong keyid still counts.
        let mut env = sign_envelope("t", b"payload".to_vec(), &a).unwrap();
        env.signatures[0].keyid = "bogus".into();
        assert_eq!(count_signers(&env, &trusted(&[&a, &b])).distinct(), 1);
        // A forged signature under a trusted keyid does not; nor a stranger's.
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
        assert_eq!(count.valid, vec![("pem".to_owned(), a.key_id())]);
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
}
