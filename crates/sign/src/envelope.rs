//! Signing DSSE envelopes, countersigning them, and the signature check every verifier
//! uses (spec/keys.md §6–§7).

use sceau_core::dsse::{Envelope, EnvelopeSignature, MAX_SIGNATURES};

use crate::error::SignError;
use crate::public_key::PublicKey;
use crate::secret_key::SecretKey;

/// A new envelope over `payload` with one signature by `key`, its `keyid` the
/// securesystemslib key id of the key ([`PublicKey::dsse_keyid`], spec/keys.md §1.3). The
/// signature is verified before the envelope is returned (spec/keys.md §7.1).
pub fn sign_envelope(
    payload_type: &str,
    payload: Vec<u8>,
    key: &SecretKey,
) -> Result<Envelope, SignError> {
    let mut env = Envelope::new(payload_type, payload);
    let pae = env.pae();
    env.signatures.push(checked_signature(&pae, key)?);
    Ok(env)
}

/// Adds `key`'s signature to `env`, leaving the payload and payload type untouched
/// (spec/keys.md §7.2).
///
/// Refused when `key` already has a valid signature on the envelope — found by verifying
/// every signature against the key, whatever `keyid` it carries — and when the envelope
/// already holds `MAX_SIGNATURES` signatures. On error the envelope is unchanged.
pub fn countersign(env: &mut Envelope, key: &SecretKey) -> Result<(), SignError> {
    let pae = env.pae();
    let public = key.public();
    if let Some(index) = env
        .signatures
        .iter()
        .position(|s| public.verify(&pae, &s.sig))
    {
        return Err(SignError::AlreadySigned {
            key_id: public.key_id(),
            index,
        });
    }
    if env.signatures.len() >= MAX_SIGNATURES {
        return Err(SignError::TooManySignatures {
            limit: MAX_SIGNATURES,
        });
    }
    let signature = checked_signature(&pae, key)?;
    env.signatures.push(signature);
    Ok(())
}

/// Whether `sig` is a valid signature of `env` by `key` over `PAE(payloadType, payload)`, with
/// [`PublicKey::verify`] (spec/keys.md §6). The `keyid` of `sig` plays no part.
pub fn verify_signature(env: &Envelope, sig: &EnvelopeSignature, key: &PublicKey) -> bool {
    key.verify(&env.pae(), &sig.sig)
}

/// The distinct keys among `candidates` that have a valid signature on `env`, each once,
/// with the index of its first valid signature, in signature order (spec/keys.md §6.2).
///
/// A key that signed twice, or under two key ids, appears once; a candidate listed twice
/// appears once. `keyid` fields are not consulted.
pub fn signers(env: &Envelope, candidates: &[PublicKey]) -> Vec<(usize, PublicKey)> {
    let pae = env.pae();
    let mut found: Vec<(usize, PublicKey)> = Vec::new();
    for (i, key) in candidates.iter().enumerate() {
        if candidates[..i].contains(key) {
            continue;
        }
        if let Some(index) = env.signatures.iter().position(|s| key.verify(&pae, &s.sig)) {
            found.push((index, *key));
        }
    }
    found.sort();
    found
}

/// A signature over `pae` by `key`, verified before it is returned (as minisign does).
fn checked_signature(pae: &[u8], key: &SecretKey) -> Result<EnvelopeSignature, SignError> {
    let public = key.public();
    let sig = key.sign(pae);
    if !public.verify(pae, &sig) {
        return Err(SignError::SelfCheckFailed {
            key_id: public.key_id(),
        });
    }
    Ok(EnvelopeSignature {
        keyid: public.dsse_keyid(),
        sig,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sceau_core::dsse::PAYLOAD_TYPE_INTOTO;

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed(&[n; 32])
    }

    #[test]
    fn signs_and_verifies_over_the_pae() {
        let k = key(1);
        let env = sign_envelope(PAYLOAD_TYPE_INTOTO, b"{}".to_vec(), &k).unwrap();
        assert_eq!(env.payload, b"{}");
        assert_eq!(env.signatures.len(), 1);
        assert_eq!(env.signatures[0].keyid, k.public().dsse_keyid());
        assert!(verify_signature(&env, &env.signatures[0], &k.public()));
        // The signature is over the PAE, not over the bare payload.
        assert!(!k.public().verify(b"{}", &env.signatures[0].sig));
        assert!(k.public().verify(&env.pae(), &env.signatures[0].sig));
        // Survives the JSON round trip.
        let back = Envelope::from_json(&env.to_json()).unwrap();
        assert!(verify_signature(&back, &back.signatures[0], &k.public()));
    }

    #[test]
    fn every_algorithm_signs_countersigns_and_is_found_once() {
        let mut rng = rand::rngs::OsRng;
        let keys: Vec<SecretKey> = crate::KeyAlgorithm::ALL
            .into_iter()
            .map(|a| SecretKey::generate_with(a, &mut rng))
            .collect();
        let mut env = sign_envelope(PAYLOAD_TYPE_INTOTO, b"{}".to_vec(), &keys[0]).unwrap();
        for k in &keys[1..] {
            countersign(&mut env, k).unwrap();
            assert!(matches!(
                countersign(&mut env, k),
                Err(SignError::AlreadySigned { .. })
            ));
        }
        let publics: Vec<PublicKey> = keys.iter().map(SecretKey::public).collect();
        let found = signers(&env, &publics);
        assert_eq!(found.len(), 4);
        for (i, (index, key)) in found.iter().enumerate() {
            assert_eq!((*index, *key), (i, publics[i]));
            assert!(env.signatures[i].sig.len() <= key.algorithm().max_signature_len());
        }
        // ECDSA signatures are low-s DER: flipping s to n - s still verifies (sceau accepts
        // both, spec/keys.md §6.1) but is not what sceau writes.
        let sig = p256::ecdsa::Signature::from_der(&env.signatures[1].sig).unwrap();
        assert!(sig.normalize_s().is_none());
    }

    #[test]
    fn any_change_to_type_or_payload_breaks_the_signature() {
        let k = key(1);
        let env = sign_envelope(PAYLOAD_TYPE_INTOTO, b"{\"a\":1}".to_vec(), &k).unwrap();
        let sig = env.signatures[0].clone();
        let mut flipped = env.clone();
        flipped.payload[3] ^= 1;
        assert!(!verify_signature(&flipped, &sig, &k.public()));
        let mut retyped = env.clone();
        retyped.payload_type = "application/json".into();
        assert!(!verify_signature(&retyped, &sig, &k.public()));
        assert!(!verify_signature(&env, &sig, &key(2).public()));
        let mut long = sig.clone();
        long.sig.push(0);
        assert!(!verify_signature(&env, &long, &k.public()));
    }

    #[test]
    fn countersign_adds_a_signature_and_keeps_the_payload() {
        let (a, b) = (key(1), key(2));
        let mut env = sign_envelope(PAYLOAD_TYPE_INTOTO, b"payload".to_vec(), &a).unwrap();
        let before = (env.payload_type.clone(), env.payload.clone());
        countersign(&mut env, &b).unwrap();
        assert_eq!((env.payload_type.clone(), env.payload.clone()), before);
        assert_eq!(env.signatures.len(), 2);
        let signed = signers(&env, &[b.public(), a.public()]);
        assert_eq!(signed, vec![(0, a.public()), (1, b.public())]);
    }

    #[test]
    fn countersign_refuses_a_key_that_signed_whatever_its_keyid() {
        let a = key(1);
        let mut env = sign_envelope(PAYLOAD_TYPE_INTOTO, b"payload".to_vec(), &a).unwrap();
        env.signatures[0].keyid = "someone-else".into();
        let before = env.clone();
        let err = countersign(&mut env, &a).unwrap_err();
        assert!(
            matches!(err, SignError::AlreadySigned { index: 0, .. }),
            "{err}"
        );
        assert_eq!(env, before);
    }

    #[test]
    fn countersign_ignores_a_forged_signature_under_the_keys_id() {
        let a = key(1);
        let mut env = Envelope::new(PAYLOAD_TYPE_INTOTO, b"payload".to_vec());
        env.signatures.push(EnvelopeSignature {
            keyid: a.key_id().to_string(),
            sig: vec![0; 64],
        });
        countersign(&mut env, &a).unwrap();
        assert_eq!(signers(&env, &[a.public()]), vec![(1, a.public())]);
    }

    #[test]
    fn countersign_refuses_past_the_signature_limit() {
        let mut env = Envelope::new(PAYLOAD_TYPE_INTOTO, b"p".to_vec());
        env.signatures = vec![
            EnvelopeSignature {
                keyid: String::new(),
                sig: vec![1; 64],
            };
            MAX_SIGNATURES
        ];
        assert!(matches!(
            countersign(&mut env, &key(1)),
            Err(SignError::TooManySignatures { .. })
        ));
    }

    #[test]
    fn signers_counts_a_key_once_under_two_keyids_or_listed_twice() {
        let (a, b, c) = (key(1), key(2), key(3));
        let mut env = sign_envelope(PAYLOAD_TYPE_INTOTO, b"payload".to_vec(), &a).unwrap();
        // The same key signs again, under a different keyid (sneaked past countersign).
        let mut again = env.signatures[0].clone();
        again.keyid = "0000000000000000".into();
        env.signatures.push(again);
        countersign(&mut env, &b).unwrap();
        let found = signers(&env, &[a.public(), a.public(), b.public(), c.public()]);
        assert_eq!(found, vec![(0, a.public()), (2, b.public())]);
        assert!(signers(&env, &[c.public()]).is_empty());
    }
}
