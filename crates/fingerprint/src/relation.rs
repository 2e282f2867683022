//! Checking a declared lineage relation against the weight evidence (spec/fingerprint.md §7).
use std::fmt;

use sceau_core::Relation;
use serde::{Deserialize, Serialize};

use crate::compare::{Evidence, Level, LooksLike, Summary, COVERAGE_MIN};

/// Why a declared relation is supported, contradicted or not checkable
/// (spec/fingerprint.md §7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
#[non_exhaustive]
pub enum Reason {
    /// The child's weights are the parent's, bit for bit or re-encoded.
    WeightsUnchanged,
    /// The child's weights are the parent's at lower precision.
    PrecisionReduced,
    /// The child's weights are the parent's at the same or higher precision: nothing was
    /// quantised.
    NoPrecisionChange,
    /// The child's weights are the parent's with quantisation noise, not unchanged.
    WeightsQuantized,
    /// Most of the child's matrices are correlated with the parent's but moved: trained.
    WeightsTrained {
        /// Share of compared matrices correlated or closer.
        correlated_share: f64,
    },
    /// Only a few tensors share values (often only the embeddings): a common ancestor, the
    /// rest re-trained.
    SharedAncestorOnly {
        /// Whether every correlated tensor is an embedding.
        embeddings_only: bool,
    },
    /// Same-shaped tensors exist and none is correlated.
    Unrelated,
    /// No tensor of the child has a counterpart of the same shape.
    NoComparableTensors,
    /// The child carries only part of the parent's matrices.
    PartialCopy {
        /// Share of the parent's matrices matched.
        parent_coverage: f64,
    },
    /// Embedding rows were added or removed (vocabulary resized).
    VocabularyChanged,
    /// The release has no tensor shaped like the parent's: the base weights are not
    /// redistributed, as an adapter release should be.
    BaseWeightsNotRedistributed,
    /// The parent's weights shipped with the adapter are changed (merged into): a fine-tune.
    BaseWeightsModified,
    /// The child is the parent's weights (copied, re-encoded or quantised) with nothing else
    /// mixed in or trained.
    CopyOfParent,
    /// Distillation trains a new model to imitate the parent: it leaves no trace in the
    /// weights to check. What the comparison found is given.
    DistillationLeavesNoWeightEvidence {
        /// The classification of the evidence.
        looks_like: LooksLike,
    },
    /// The weights drifted far from the parent (long continued pre-training can decorrelate
    /// most layers) but still share values.
    DriftedFromParent,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::WeightsUnchanged => f.write_str("the weights are the parent's, unchanged or re-encoded"),
            Reason::PrecisionReduced => f.write_str("the weights are the parent's at lower precision"),
            Reason::NoPrecisionChange => f.write_str("the weights are the parent's without a loss of precision: nothing was quantised"),
            Reason::WeightsQuantized => f.write_str("the weights carry quantisation noise: they are not the parent's unchanged"),
            Reason::WeightsTrained { correlated_share } => write!(
                f,
                "{:.0}% of the compared matrices are correlated with the parent's but changed: trained further",
                correlated_share * 100.0
            ),
            Reason::SharedAncestorOnly { embeddings_only: true } => f.write_str("only the embeddings share values with the parent: a common ancestor, the rest re-trained"),
            Reason::SharedAncestorOnly { embeddings_only: false } => f.write_str("only a few tensors share values with the parent: a common ancestor, the rest re-trained"),
            Reason::Unrelated => f.write_str("no tensor shares values with the parent's same-shaped tensors"),
            Reason::NoComparableTensors => f.write_str("no tensor has a same-shaped counterpart in the parent"),
            Reason::PartialCopy { parent_coverage } => write!(
                f,
                "only {:.0}% of the parent's matrices are present",
                parent_coverage * 100.0
            ),
            Reason::VocabularyChanged => f.write_str("embedding rows were added or removed (vocabulary resized)"),
            Reason::BaseWeightsNotRedistributed => f.write_str("no tensor is shaped like the parent's: the base weights are not redistributed"),
            Reason::BaseWeightsModified => f.write_str("the parent's weights are shipped changed: a merged adapter is a fine-tune"),
            Reason::CopyOfParent => f.write_str("the weights are the parent's (copied, re-encoded or quantised) with nothing mixed in or trained"),
            Reason::DistillationLeavesNoWeightEvidence { looks_like } => write!(
                f,
                "distillation leaves no evidence in the weights (the comparison found: {looks_like})"
            ),
            Reason::DriftedFromParent => f.write_str("the weights drifted far from the parent's but still share values"),
        }
    }
}

/// The verdict on a declared relation (spec/fingerprint.md §7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "verdict")]
pub enum RelationVerdict {
    /// The weights agree with the declared relation.
    Supported {
        /// Why.
        #[serde(flatten)]
        reason: Reason,
    },
    /// The weights disagree with it.
    Contradicted {
        /// Why.
        #[serde(flatten)]
        reason: Reason,
    },
    /// The weights cannot tell.
    NotCheckable {
        /// Why.
        #[serde(flatten)]
        reason: Reason,
    },
}

impl RelationVerdict {
    /// The reason, whatever the verdict.
    pub fn reason(&self) -> &Reason {
        match self {
            RelationVerdict::Supported { reason }
            | RelationVerdict::Contradicted { reason }
            | RelationVerdict::NotCheckable { reason } => reason,
        }
    }

    /// Whether the relation is supported.
    pub fn is_supported(&self) -> bool {
        matches!(self, RelationVerdict::Supported { .. })
    }

    /// Whether the relation is contradicted.
    pub fn is_contradicted(&self) -> bool {
        matches!(self, RelationVerdict::Contradicted { .. })
    }
}

impl fmt::Display for RelationVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self {
            RelationVerdict::Supported { .. } => "supported",
            RelationVerdict::Contradicted { .. } => "contradicted",
            RelationVerdict::NotCheckable { .. } => "not checkable",
        };
        write!(f, "{word}: {}", self.reason())
    }
}

fn supported(reason: Reason) -> RelationVerdict {
    RelationVerdict::Supported { reason }
}

fn contradicted(reason: Reason) -> RelationVerdict {
    RelationVerdict::Contradicted { reason }
}

fn not_checkable(reason: Reason) -> RelationVerdict {
    RelationVerdict::NotCheckable { reason }
}

/// What the evidence is, as a reason.
fn observed(looks: LooksLike, s: &Summary) -> Reason {
    let n = s.matrices_compared.max(1) as f64;
    match looks {
        LooksLike::Copy | LooksLike::ReEncoding => Reason::WeightsUnchanged,
        LooksLike::Quantization => Reason::WeightsQuantized,
        LooksLike::Finetune => Reason::WeightsTrained {
            correlated_share: (s.identical + s.reencoded + s.lossy + s.correlated) as f64 / n,
        },
        LooksLike::SharedAncestor => Reason::SharedAncestorOnly {
            embeddings_only: s.embeddings_only,
        },
        LooksLike::Unrelated => Reason::Unrelated,
        LooksLike::Incomparable => Reason::NoComparableTensors,
    }
}

/// Whether the child's matched matrices are mostly stored with fewer bits of precision than
/// the parent's.
fn precision_narrowed(e: &Evidence) -> bool {
    let (mut narrower, mut total) = (0usize, 0usize);
    for p in e
        .pairs
        .iter()
        .filter(|p| p.role.is_matrix() && p.level <= Level::Lossy)
    {
        total += 1;
        if p.child_dtype.precision_bits() < p.parent_dtype.precision_bits() {
            narrower += 1;
        }
    }
    total > 0 && narrower * 2 > total
}

/// Checks a declared relation of a child to one parent against the evidence of
/// `compare(child, parent)` (spec/fingerprint.md §7):
///
/// - **repackage**: copy or re-encoding, with ≥ 90 % of the parent's matrices present and no
///   vocabulary resize;
/// - **quantized**: quantisation, or a re-encoding to a narrower type (F32 → F16/BF16);
/// - **finetune**: most matrices correlated but changed; a copy, re-encoding or quantisation
///   contradicts it (nothing was trained), so does a shared ancestor only;
/// - **continued-pretraining**: as finetune, but a shared ancestor is accepted (long
///   pre-training drifts far);
/// - **adapter**: the base weights are not redistributed (no comparable tensor) or shipped
///   unchanged; changed base weights contradict it;
/// - **merge** (checked once per parent): the parent contributed — correlated matrices or a
///   shared ancestor — but the child is not the parent's weights alone;
/// - **distill**: not checkable from weights, unless the child is the parent's weights
///   (contradicted).
///
/// Unrelated weights contradict every relation but distill; no comparable tensor makes every
/// relation but adapter not checkable.
pub fn check_declared(relation: Relation, evidence: &Evidence) -> RelationVerdict {
    let s = evidence.summary();
    let looks = evidence.relation();
    let seen = observed(looks, &s);
    match relation {
        Relation::Repackage => match looks {
            LooksLike::Copy | LooksLike::ReEncoding => {
                if s.rows_changed > 0 {
                    contradicted(Reason::VocabularyChanged)
                } else if s.parent_coverage < COVERAGE_MIN {
                    contradicted(Reason::PartialCopy {
                        parent_coverage: s.parent_coverage,
                    })
                } else {
                    supported(Reason::WeightsUnchanged)
                }
            }
            LooksLike::Incomparable => not_checkable(seen),
            _ => contradicted(seen),
        },
        Relation::Quantized => match looks {
            LooksLike::Quantization => supported(Reason::PrecisionReduced),
            LooksLike::ReEncoding if precision_narrowed(evidence) => {
                supported(Reason::PrecisionReduced)
            }
            LooksLike::Copy | LooksLike::ReEncoding => contradicted(Reason::NoPrecisionChange),
            LooksLike::Incomparable => not_checkable(seen),
            _ => contradicted(seen),
        },
        Relation::Finetune | Relation::ContinuedPretraining => match looks {
            LooksLike::Finetune => supported(seen),
            LooksLike::SharedAncestor if relation == Relation::ContinuedPretraining => {
                supported(Reason::DriftedFromParent)
            }
            LooksLike::Incomparable => not_checkable(seen),
            _ => contradicted(seen),
        },
        Relation::Adapter => match looks {
            LooksLike::Incomparable => supported(Reason::BaseWeightsNotRedistributed),
            LooksLike::Copy | LooksLike::ReEncoding | LooksLike::Quantization => {
                supported(Reason::WeightsUnchanged)
            }
            LooksLike::Finetune => contradicted(Reason::BaseWeightsModified),
            _ => contradicted(seen),
        },
        Relation::Merge => match looks {
            LooksLike::Finetune | LooksLike::SharedAncestor => supported(seen),
            LooksLike::Copy | LooksLike::ReEncoding | LooksLike::Quantization => {
                contradicted(Reason::CopyOfParent)
            }
            LooksLike::Incomparable => not_checkable(seen),
            _ => contradicted(seen),
        },
        Relation::Distill => match looks {
            LooksLike::Copy | LooksLike::ReEncoding | LooksLike::Quantization => {
                contradicted(Reason::CopyOfParent)
            }
            other => {
                not_checkable(Reason::DistillationLeavesNoWeightEvidence { looks_like: other })
            }
        },
    }
}
