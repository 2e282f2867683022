//! The checks a verification can list, each with a stable kebab-case id and the stage it
//! belongs to (spec/verify.md §1). This is the one canonical list: the report serialises the
//! ids from here, "every check is listed" is derived from [`CheckId::ALWAYS_LISTED`], and
//! tests and scripts match on these ids, never on the English detail.
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// Where in the pipeline a check belongs, so scripts can tell what failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Stage {
    /// Reading the record and its payload.
    Parse,
    /// Signatures and thresholds.
    Signature,
    /// Trust policy: expiry, revocation, rotation.
    Policy,
    /// Rollback, equivocation, signing time.
    Freshness,
    /// The files on disk against the record.
    Tree,
    /// The chain of parent records (spec/lineage.md §7).
    Lineage,
    /// Openness claims and required attestations (spec/claims.md, spec/attestations.md §3).
    Claims,
}

impl Stage {
    /// The stage's name as the report writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Parse => "parse",
            Stage::Signature => "signature",
            Stage::Policy => "policy",
            Stage::Freshness => "freshness",
            Stage::Tree => "tree",
            Stage::Lineage => "lineage",
            Stage::Claims => "claims",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a lineage finding is about (spec/lineage.md §7): each kind is a check of the
/// `lineage` stage, failed when the finding is fatal, skipped when it is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FindingKind {
    /// A release is its own ancestor through other releases (by name and version).
    Cycle,
    /// A record names itself as a parent (same digest, or same name and version).
    SelfParent,
    /// A parent digest with no record in any source.
    MissingParent,
    /// A parent record that cannot be read as a sceau record, or a store error.
    InvalidRecord,
    /// A parent record whose release name differs from the child's claim.
    NameMismatch,
    /// A parent record whose release version differs from the child's claim.
    VersionMismatch,
    /// Parents beyond the depth cap were not walked.
    DepthExceeded,
    /// A record names more parents than the cap.
    TooManyParents,
    /// An ancestor not verified under the trust for its name.
    UnverifiedAncestor,
    /// A relation needs weights on a side that has none.
    RelationNoWeights,
    /// `repackage` with weights that are not the parent's.
    RelationRepackageWeightsChanged,
    /// `quantized` sharing a weight file with the parent.
    RelationQuantizedWeightsIdentical,
    /// `quantized` with a parameter count outside the tolerance.
    RelationQuantizedParameters,
    /// `quantized` with a different tokenizer, undeclared.
    RelationQuantizedTokenizerChanged,
    /// `adapter` with weight files that are neither the parent's nor adapters, or too large.
    RelationAdapterNotAdapterOnly,
    /// `adapter` shipping a parent weight file's path with other content.
    RelationAdapterParentWeightsModified,
    /// `merge` with fewer than two merge parents.
    RelationMergeSingleParent,
    /// A deriving relation whose weights are the parent's.
    RelationWeightsUnchanged,
    /// A declared relation the weight fingerprints contradict, or cannot check
    /// (spec/lineage.md §8.2).
    RelationWeightsContradicted,
    /// A declared licence that drops a term inherited from an ancestor.
    LicenceLaundering,
    /// A derived release (not a repackage) of a no-derivatives ancestor.
    LicenceNoDerivatives,
    /// No declared licence under an ancestor whose terms flow down.
    LicenceUndeclared,
    /// An ancestor licence whose terms sceau does not know: not checked.
    LicenceUnknownTerms,
}

impl FindingKind {
    /// Every kind, in the order of spec/lineage.md §7.
    pub const ALL: [FindingKind; 23] = [
        FindingKind::Cycle,
        FindingKind::SelfParent,
        FindingKind::MissingParent,
        FindingKind::InvalidRecord,
        FindingKind::NameMismatch,
        FindingKind::VersionMismatch,
        FindingKind::DepthExceeded,
        FindingKind::TooManyParents,
        FindingKind::UnverifiedAncestor,
        FindingKind::RelationNoWeights,
        FindingKind::RelationRepackageWeightsChanged,
        FindingKind::RelationQuantizedWeightsIdentical,
        FindingKind::RelationQuantizedParameters,
        FindingKind::RelationQuantizedTokenizerChanged,
        FindingKind::RelationAdapterNotAdapterOnly,
        FindingKind::RelationAdapterParentWeightsModified,
        FindingKind::RelationMergeSingleParent,
        FindingKind::RelationWeightsUnchanged,
        FindingKind::RelationWeightsContradicted,
        FindingKind::LicenceLaundering,
        FindingKind::LicenceNoDerivatives,
        FindingKind::LicenceUndeclared,
        FindingKind::LicenceUnknownTerms,
    ];

    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Cycle => "cycle",
            FindingKind::SelfParent => "self-parent",
            FindingKind::MissingParent => "missing-parent",
            FindingKind::InvalidRecord => "invalid-record",
            FindingKind::NameMismatch => "name-mismatch",
            FindingKind::VersionMismatch => "version-mismatch",
            FindingKind::DepthExceeded => "depth-exceeded",
            FindingKind::TooManyParents => "too-many-parents",
            FindingKind::UnverifiedAncestor => "unverified-ancestor",
            FindingKind::RelationNoWeights => "relation-no-weights",
            FindingKind::RelationRepackageWeightsChanged => "relation-repackage-weights-changed",
            FindingKind::RelationQuantizedWeightsIdentical => {
                "relation-quantized-weights-identical"
            }
            FindingKind::RelationQuantizedParameters => "relation-quantized-parameters",
            FindingKind::RelationQuantizedTokenizerChanged => {
                "relation-quantized-tokenizer-changed"
            }
            FindingKind::RelationAdapterNotAdapterOnly => "relation-adapter-not-adapter-only",
            FindingKind::RelationAdapterParentWeightsModified => {
                "relation-adapter-parent-weights-modified"
            }
            FindingKind::RelationMergeSingleParent => "relation-merge-single-parent",
            FindingKind::RelationWeightsUnchanged => "relation-weights-unchanged",
            FindingKind::RelationWeightsContradicted => "relation-weights-contradicted",
            FindingKind::LicenceLaundering => "licence-laundering",
            FindingKind::LicenceNoDerivatives => "licence-no-derivatives",
            FindingKind::LicenceUndeclared => "licence-undeclared",
            FindingKind::LicenceUnknownTerms => "licence-unknown-terms",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One check of spec/verify.md §1. The id says what was checked; the stage follows from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CheckId {
    /// The trust policy chain (`policy policy`).
    Policy,
    /// Signatures by revoked maintainer keys, named and not counted (`policy revoked`).
    Revoked,
    /// Signatures by keys outside their validity window (`policy key-window`).
    KeyWindow,
    /// The DSSE envelope parses (`parse envelope`).
    Envelope,
    /// The payload type is in-toto (`parse payload-type`).
    PayloadType,
    /// Enough distinct trusted keys signed (`signature threshold`).
    Threshold,
    /// Statement, subjects and BOM read from the verified bytes (`parse statement`).
    Statement,
    /// The signing time is valid and not in the future (`freshness signing-time`).
    SigningTime,
    /// The folder can be walked and hashed (`tree files`).
    Files,
    /// The manifest of a record in the manifest form is the one it signed and agrees with
    /// its artifacts (`tree manifest`, spec/manifest.md §7).
    Manifest,
    /// No file differs from the record (`tree modified`).
    Modified,
    /// No recorded file is missing (`tree missing`).
    Missing,
    /// No unrecorded file is present (`tree extra`).
    Extra,
    /// The release's parents: none (a root), or walked (`lineage ancestors`).
    Ancestors,
    /// One verified child → parent link (`lineage edge`).
    Edge,
    /// The whole chain (`lineage chain`).
    Chain,
    /// A `--grant` file that does not count (`lineage grant`).
    Grant,
    /// Store records the release's weights derive from without declaring them
    /// (`lineage undeclared-ancestor`, spec/lineage.md §8.3).
    UndeclaredAncestor,
    /// A licence grant applied to a link (`lineage licence-grant`).
    LicenceGrant,
    /// A lineage finding (`lineage <kind>`).
    Finding(FindingKind),
    /// The openness class or "open source" the record claims is reached (`claims openness`).
    Openness,
    /// One `--attestation` file (`claims attestation`).
    Attestation,
    /// One `--require STD[:REQ]` (`claims require:STD[:REQ]`; the requirement is the check's
    /// subject).
    Require,
    /// The release's and its ancestors' names signed by keys they are pinned to in the
    /// `--state` file (`freshness pinned-keys`, spec/policy.md §8.4).
    PinnedKeys,
    /// Rollback and equivocation against the `--state` file (`freshness rollback`).
    Rollback,
    /// The record names the model's OMS root digest, and the OMS signature given with `--oms`
    /// verifies over that root (`signature oms-root`, spec/oms.md §11).
    OmsRoot,
}

/// Every check id that is not a lineage finding, in the order of spec/verify.md §1.
const PLAIN: [CheckId; 25] = [
    CheckId::Policy,
    CheckId::Revoked,
    CheckId::KeyWindow,
    CheckId::Envelope,
    CheckId::PayloadType,
    CheckId::Threshold,
    CheckId::Statement,
    CheckId::SigningTime,
    CheckId::Files,
    CheckId::Manifest,
    CheckId::Modified,
    CheckId::Missing,
    CheckId::Extra,
    CheckId::Ancestors,
    CheckId::Edge,
    CheckId::Chain,
    CheckId::Grant,
    CheckId::UndeclaredAncestor,
    CheckId::LicenceGrant,
    CheckId::Openness,
    CheckId::Attestation,
    CheckId::Require,
    CheckId::PinnedKeys,
    CheckId::Rollback,
    CheckId::OmsRoot,
];

impl CheckId {
    /// The checks every report lists, run or not, in the order a run lists them
    /// (spec/verify.md §1); besides these a report always holds at least one check of the
    /// `tree` and of the `lineage` stage ([`CheckId::stage_placeholder`]) and one `require`
    /// per requirement.
    pub const ALWAYS_LISTED: [CheckId; 10] = [
        CheckId::Policy,
        CheckId::Envelope,
        CheckId::PayloadType,
        CheckId::Threshold,
        CheckId::Statement,
        CheckId::SigningTime,
        CheckId::UndeclaredAncestor,
        CheckId::Openness,
        CheckId::PinnedKeys,
        CheckId::Rollback,
    ];

    /// Every id, findings included.
    pub fn all() -> impl Iterator<Item = CheckId> {
        PLAIN
            .into_iter()
            .chain(FindingKind::ALL.into_iter().map(CheckId::Finding))
    }

    /// The stable kebab-case id.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Policy => "policy",
            CheckId::Revoked => "revoked",
            CheckId::KeyWindow => "key-window",
            CheckId::Envelope => "envelope",
            CheckId::PayloadType => "payload-type",
            CheckId::Threshold => "threshold",
            CheckId::Statement => "statement",
            CheckId::SigningTime => "signing-time",
            CheckId::Files => "files",
            CheckId::Manifest => "manifest",
            CheckId::Modified => "modified",
            CheckId::Missing => "missing",
            CheckId::Extra => "extra",
            CheckId::Ancestors => "ancestors",
            CheckId::Edge => "edge",
            CheckId::Chain => "chain",
            CheckId::Grant => "grant",
            CheckId::UndeclaredAncestor => "undeclared-ancestor",
            CheckId::LicenceGrant => "licence-grant",
            CheckId::Finding(k) => k.as_str(),
            CheckId::Openness => "openness",
            CheckId::Attestation => "attestation",
            CheckId::Require => "require",
            CheckId::PinnedKeys => "pinned-keys",
            CheckId::Rollback => "rollback",
            CheckId::OmsRoot => "oms-root",
        }
    }

    /// The stage the check belongs to.
    pub fn stage(self) -> Stage {
        match self {
            CheckId::Policy | CheckId::Revoked | CheckId::KeyWindow => Stage::Policy,
            CheckId::Envelope | CheckId::PayloadType | CheckId::Statement => Stage::Parse,
            CheckId::Threshold | CheckId::OmsRoot => Stage::Signature,
            CheckId::SigningTime | CheckId::PinnedKeys | CheckId::Rollback => Stage::Freshness,
            CheckId::Files
            | CheckId::Manifest
            | CheckId::Modified
            | CheckId::Missing
            | CheckId::Extra => Stage::Tree,
            CheckId::Ancestors
            | CheckId::Edge
            | CheckId::Chain
            | CheckId::Grant
            | CheckId::UndeclaredAncestor
            | CheckId::LicenceGrant
            | CheckId::Finding(_) => Stage::Lineage,
            CheckId::Openness | CheckId::Attestation | CheckId::Require => Stage::Claims,
        }
    }

    /// Whether the check is one of the record's own (spec/verify.md §2 steps 2–6): envelope,
    /// payload type, signatures, payload and signing time, which every verification of a
    /// record lists, inside a release's verification or alone (a lineage ancestor, a grant).
    pub fn is_record_check(self) -> bool {
        matches!(
            self,
            CheckId::Envelope
                | CheckId::PayloadType
                | CheckId::Threshold
                | CheckId::Statement
                | CheckId::SigningTime
        )
    }

    /// The check listed for a stage none of whose checks ran (spec/verify.md §1).
    pub fn stage_placeholder(stage: Stage) -> Option<CheckId> {
        match stage {
            Stage::Tree => Some(CheckId::Files),
            Stage::Lineage => Some(CheckId::Ancestors),
            _ => None,
        }
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check name that is not one of [`CheckId::all`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a check of spec/verify.md §1")]
pub struct UnknownCheck(pub String);

impl FromStr for CheckId {
    type Err = UnknownCheck;

    fn from_str(s: &str) -> Result<CheckId, UnknownCheck> {
        CheckId::all()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCheck(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_read_back() {
        let mut seen = std::collections::BTreeSet::new();
        for id in CheckId::all() {
            let s = id.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{s} is not kebab-case"
            );
            assert_eq!(s.parse::<CheckId>(), Ok(id));
        }
        assert_eq!(seen.len(), PLAIN.len() + FindingKind::ALL.len());
        assert!("no-such-check".parse::<CheckId>().is_err());
    }

    #[test]
    fn always_listed_checks_cover_the_record_stages() {
        let stages: Vec<Stage> = CheckId::ALWAYS_LISTED.iter().map(|c| c.stage()).collect();
        for s in [
            Stage::Policy,
            Stage::Parse,
            Stage::Signature,
            Stage::Freshness,
            Stage::Claims,
        ] {
            assert!(stages.contains(&s), "{s} has no always-listed check");
        }
        assert_eq!(
            CheckId::stage_placeholder(Stage::Tree),
            Some(CheckId::Files)
        );
        assert_eq!(
            CheckId::stage_placeholder(Stage::Lineage).map(CheckId::stage),
            Some(Stage::Lineage)
        );
    }
}
