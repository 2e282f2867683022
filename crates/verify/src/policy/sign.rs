//! Signing a policy and adding signatures to it (spec/policy.md §4.3).

use sceau_core::dsse::Envelope;
use sceau_sign::{countersign, sign_envelope, SecretKey};

use super::{PolicyDocument, PolicyError, PAYLOAD_TYPE_POLICY};

/// A policy envelope over `document`'s payload, signed by each of `keys` in turn
/// (spec/policy.md §4.3). Each signature is checked as it is made. The same key given twice
/// is refused ([`PolicyError::Sign`]).
///
/// The signers are not checked against the policy: an update is signed by the previous
/// version's maintainers as well as its own, and [`super::verify_chain`] judges the result.
pub fn sign_policy(
    document: &PolicyDocument,
    keys: &[&SecretKey],
) -> Result<Envelope, PolicyError> {
    let (first, rest) = keys.split_first().ok_or(PolicyError::NoSigningKey)?;
    let mut env = sign_envelope(PAYLOAD_TYPE_POLICY, document.to_payload(), first)
        .map_err(PolicyError::Sign)?;
    for key in rest {
        countersign(&mut env, key).map_err(PolicyError::Sign)?;
    }
    Ok(env)
}

/// Adds `key`'s signature to a policy envelope, leaving its payload untouched
/// (spec/policy.md §4.3). The envelope must hold a policy that passes the checks of
/// spec/policy.md §3, so that nobody countersigns something they could not verify; a key
/// that already signed is refused. On error the envelope is unchanged.
pub fn add_policy_signature(envelope: &mut Envelope, key: &SecretKey) -> Result<(), PolicyError> {
    super::verify::open(envelope)?;
    countersign(envelope, key).map_err(PolicyError::Sign)
}
