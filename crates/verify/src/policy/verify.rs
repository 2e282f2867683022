//! Verifying a pinned policy and a chain of updates from it (spec/policy.md §5–§7).

use crate::signer::Signer;
use sceau_core::dsse::Envelope;
use sceau_core::Timestamp;
use sceau_sign::{KeyId, PublicKey};

use super::{
    Certifier, Maintainer, PolicyDocument, PolicyError, ReleaseScope, PAYLOAD_TYPE_POLICY,
};
use crate::threshold::count_signers;

/// A policy whose signatures, version chain and expiry have been verified at a given time
/// (spec/policy.md §5–§6). Only [`verify_root`] and [`verify_chain`] make one.
///
/// Everything it hands out excludes revoked keys (spec/policy.md §2.6).
#[derive(Clone, Debug)]
pub struct VerifiedPolicy {
    document: PolicyDocument,
    signed_by: Vec<Signer>,
    pinned_version: u64,
}

impl VerifiedPolicy {
    /// The version of the verified (last) policy.
    pub fn version(&self) -> u64 {
        self.document.version()
    }

    /// The version of the pinned policy the chain started from (equal to
    /// [`VerifiedPolicy::version`] when no update was given).
    pub fn pinned_version(&self) -> u64 {
        self.pinned_version
    }

    /// When the policy expires.
    pub fn expires(&self) -> Timestamp {
        self.document.expires()
    }

    /// The global threshold.
    pub fn threshold(&self) -> usize {
        self.document.threshold()
    }

    /// Non-revoked maintainers as (name, key), in the order written.
    pub fn maintainers(&self) -> Vec<(String, PublicKey)> {
        self.document.active_maintainers()
    }

    /// Every maintainer as written, revoked ones included.
    pub fn all_maintainers(&self) -> &[Maintainer] {
        &self.document.parts().maintainers
    }

    /// Key ids revoked by the policy.
    pub fn revoked(&self) -> &[KeyId] {
        &self.document.parts().revoked
    }

    /// Whether `key` is revoked by the policy.
    pub fn is_revoked(&self, key: &PublicKey) -> bool {
        self.document.is_revoked(key)
    }

    /// Non-revoked certifiers.
    pub fn certifiers(&self) -> Vec<&Certifier> {
        self.document.active_certifiers()
    }

    /// Release scopes, in the order written.
    pub fn releases(&self) -> &[ReleaseScope] {
        &self.document.parts().releases
    }

    /// The maintainers whose signatures on the policy counted toward its own threshold,
    /// as (name, key id).
    pub fn signed_by(&self) -> &[Signer] {
        &self.signed_by
    }

    /// The verified document, e.g. to draft the next version from it.
    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }

    /// The maintainers of the scope that governs releases called `release_name`, revoked ones
    /// included, and the scope's threshold (spec/policy.md §7.3): the most specific matching
    /// release scope (an exact name beats any `prefix/*`, a longer prefix beats a shorter one)
    /// gives its maintainers and threshold; with no matching scope, every maintainer and the
    /// global threshold. [`crate::trust::PolicyTrust`] removes revoked keys and keys outside
    /// their validity window (§2.6, §2.9).
    ///
    /// The third value says whether a release scope matched (ancestors need one,
    /// spec/lineage.md §3.2).
    pub fn scope_for(&self, release_name: &str) -> (Vec<&Maintainer>, usize, bool) {
        let scope = self
            .releases()
            .iter()
            .filter(|s| s.pattern.matches(release_name))
            .max_by_key(|s| s.pattern.specificity());
        let all = &self.document.parts().maintainers;
        match scope {
            Some(s) => (
                all.iter()
                    .filter(|m| s.maintainers.contains(&m.name))
                    .collect(),
                s.threshold,
                true,
            ),
            None => (all.iter().collect(), self.threshold(), false),
        }
    }
}

/// Verifies a policy used directly, as pinned by the user (spec/policy.md §5): its payload
/// type and content pass the checks of spec/policy.md §1–§3, at least `threshold` distinct
/// non-revoked maintainers of the policy itself signed it, and it has not expired at `now`.
pub fn verify_root(envelope: &Envelope, now: Timestamp) -> Result<VerifiedPolicy, PolicyError> {
    verify_chain(envelope, &[], now)
}

/// Verifies the chain from a pinned policy through `updates`, in order, and returns the last
/// (spec/policy.md §6):
///
/// - the pinned policy is signed by its own threshold (§5);
/// - each update's version is the previous version plus 1 (§6.1: [`PolicyError::Rollback`],
///   [`PolicyError::VersionGap`]);
/// - each update is signed by a threshold of the previous version's non-revoked maintainers
///   (§6.2: [`PolicyError::RotationNotSignedByPrevious`]) and by a threshold of its own
///   ([`PolicyError::BelowThreshold`]);
/// - no update drops a key the previous version revoked (§6.3);
/// - only the last policy must not have expired at `now` (§6.4); earlier ones may have.
pub fn verify_chain(
    pinned: &Envelope,
    updates: &[Envelope],
    now: Timestamp,
) -> Result<VerifiedPolicy, PolicyError> {
    let mut current = open(pinned)?;
    let mut signed_by = own_threshold(pinned, &current)?;
    let pinned_version = current.version();
    for (i, envelope) in updates.iter().enumerate() {
        let next = open(envelope).map_err(|e| PolicyError::Update {
            position: i + 1,
            source: Box::new(e),
        })?;
        // §6.1
        let (previous, found) = (current.version(), next.version());
        if found <= previous {
            return Err(PolicyError::Rollback { previous, found });
        }
        if Some(found) != previous.checked_add(1) {
            return Err(PolicyError::VersionGap { previous, found });
        }
        // §6.2
        let by_previous = count_signers(envelope, &current.active_maintainers());
        if !by_previous.meets(current.threshold()) {
            return Err(PolicyError::RotationNotSignedByPrevious {
                version: found,
                previous_version: previous,
                needed: current.threshold(),
                found: by_previous.distinct(),
            });
        }
        signed_by = own_threshold(envelope, &next)?;
        // §6.3
        if let Some(dropped) = current
            .parts()
            .revoked
            .iter()
            .find(|id| !next.parts().revoked.contains(id))
        {
            return Err(PolicyError::RevocationDropped {
                version: found,
                key_id: *dropped,
            });
        }
        current = next;
    }
    // §5, §6.4: expiry of the last only; `now` is exclusive of `expires`.
    if now >= current.expires() {
        return Err(PolicyError::Expired {
            version: current.version(),
            expires: current.expires(),
            now,
        });
    }
    Ok(VerifiedPolicy {
        document: current,
        signed_by,
        pinned_version,
    })
}

/// Checks the payload type and parses the document (spec/policy.md §1.1, §2–§3).
pub(crate) fn open(envelope: &Envelope) -> Result<PolicyDocument, PolicyError> {
    if envelope.payload_type != PAYLOAD_TYPE_POLICY {
        return Err(PolicyError::WrongPayloadType {
            found: super::error::truncated(&envelope.payload_type, 200),
        });
    }
    PolicyDocument::from_payload(&envelope.payload)
}

/// spec/policy.md §5: a threshold of the policy's own non-revoked maintainers signed it.
fn own_threshold(
    envelope: &Envelope,
    document: &PolicyDocument,
) -> Result<Vec<Signer>, PolicyError> {
    let count = count_signers(envelope, &document.active_maintainers());
    if !count.meets(document.threshold()) {
        return Err(PolicyError::BelowThreshold {
            version: document.version(),
            needed: document.threshold(),
            found: count.distinct(),
            invalid: count.invalid_signatures,
            untrusted: count.untrusted_signatures,
        });
    }
    Ok(count.valid)
}
