//! Lineage: the parents a release derives from, named by the digest of their signed
//! Statement payload (spec/lineage.md §1).
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::digest::Sha256Digest;

/// How a release derives from a parent (Hugging Face's `base_model_relation` values plus
/// sceau's own; spec/lineage.md §1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// Further training of all weights on new data.
    Finetune,
    /// Small extra weights (LoRA, PEFT) applied on top of the parent's.
    Adapter,
    /// Weights combined from two or more parents.
    Merge,
    /// The parent's weights at lower precision.
    Quantized,
    /// A model trained to imitate the parent.
    Distill,
    /// Pre-training resumed from the parent's weights.
    ContinuedPretraining,
    /// The parent's weights unchanged, re-published (other format of files, other card).
    Repackage,
}

impl Relation {
    /// Every relation.
    pub const ALL: [Relation; 7] = [
        Relation::Finetune,
        Relation::Adapter,
        Relation::Merge,
        Relation::Quantized,
        Relation::Distill,
        Relation::ContinuedPretraining,
        Relation::Repackage,
    ];

    /// The name used on the command line, in records and in cards.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Finetune => "finetune",
            Relation::Adapter => "adapter",
            Relation::Merge => "merge",
            Relation::Quantized => "quantized",
            Relation::Distill => "distill",
            Relation::ContinuedPretraining => "continued-pretraining",
            Relation::Repackage => "repackage",
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Relation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Relation::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Relation::ALL.iter().map(|r| r.as_str()).collect();
                format!("unknown relation {s:?} (one of: {})", all.join(", "))
            })
    }
}

/// A parent as a child's record names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parent {
    /// SHA-256 of the parent record's signed Statement payload: its identity.
    pub record: Sha256Digest,
    /// The parent release's name, as the child claims it.
    pub name: String,
    /// The parent release's version, as the child claims it.
    pub version: String,
    /// How the child derives from it.
    pub relation: Relation,
}

/// Most parents one record may name (spec/lineage.md §3.4).
pub const MAX_PARENTS: usize = 16;
/// Deepest chain walked (spec/lineage.md §3.4).
pub const MAX_DEPTH: usize = 64;
