//! Lineage: the parents a release derives from, named by the digest of their signed
//! Statement payload (spec/lineage.md §1).
use crate::unknown::UnknownValue;
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
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        Relation::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                UnknownValue::new(
                    "relation",
                    s,
                    Relation::ALL.iter().map(|r| r.as_str()).collect(),
                )
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

/// The card's `base_model` / `base_model_relation` disagree with the parents being recorded
/// (spec/lineage.md §1.4).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the model card says {card}, but the record would say {record}")]
pub struct CardLineageMismatch {
    /// What the card declares.
    pub card: String,
    /// What the `--parent` arguments declare.
    pub record: String,
}

/// Whether a card's `base_model_relation` can describe `r` (spec/lineage.md §1.4): the Hub
/// knows adapter, merge, quantized and finetune; sceau's distill and continued-pretraining
/// are kinds of finetune; repackage has no Hub equivalent and needs the field left out.
pub fn card_relation_allows(card_relation: &str, r: Relation) -> bool {
    match card_relation.trim().to_ascii_lowercase().as_str() {
        "finetune" => matches!(
            r,
            Relation::Finetune | Relation::Distill | Relation::ContinuedPretraining
        ),
        "adapter" => r == Relation::Adapter,
        "merge" => r == Relation::Merge,
        "quantized" => r == Relation::Quantized,
        // Not a Hub value (repackage included): never agrees.
        _ => false,
    }
}

/// Checks that the card's `base_model` names exactly the parents' names (ignoring ASCII case)
/// and that `base_model_relation`, when given, fits every parent's relation. A card that
/// names no `base_model` (or no card) is silent, not contradictory: it agrees with any
/// parents; a card that names one contradicts a record without parents.
pub fn check_card_lineage(
    card: Option<&crate::card::CardMeta>,
    parents: &[Parent],
) -> Result<(), CardLineageMismatch> {
    let empty = Vec::new();
    let card_bases = card.map_or(&empty, |c| &c.base_model);
    let mut card_names: Vec<String> = card_bases
        .iter()
        .map(|b| b.trim().to_ascii_lowercase())
        .collect();
    let mut parent_names: Vec<String> = parents
        .iter()
        .map(|p| p.name.to_ascii_lowercase())
        .collect();
    card_names.sort();
    card_names.dedup();
    parent_names.sort();
    parent_names.dedup();
    let describe_card = || {
        let rel = card
            .and_then(|c| c.base_model_relation.as_deref())
            .unwrap_or("(no relation)");
        if card_bases.is_empty() {
            "no base_model".to_owned()
        } else {
            format!(
                "base_model {} with base_model_relation {rel}",
                card_bases.join(", ")
            )
        }
    };
    let describe_record = || {
        if parents.is_empty() {
            "no parent (no --parent given)".to_owned()
        } else {
            parents
                .iter()
                .map(|p| format!("{} {} ({})", p.name, p.version, p.relation))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let relation_ok = match card.and_then(|c| c.base_model_relation.as_deref()) {
        Some(rel) => parents
            .iter()
            .all(|p| card_relation_allows(rel, p.relation)),
        // A card silent on the relation agrees with any (the Hub infers it).
        None => true,
    };
    let names_ok = card_names.is_empty() || card_names == parent_names;
    if !names_ok || !relation_ok {
        return Err(CardLineageMismatch {
            card: describe_card(),
            record: describe_record(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::CardMeta;

    fn parent(name: &str, relation: Relation) -> Parent {
        Parent {
            record: Sha256Digest([7; 32]),
            name: name.into(),
            version: "1.0".into(),
            relation,
        }
    }

    fn card(bases: &[&str], rel: Option<&str>) -> CardMeta {
        CardMeta {
            base_model: bases.iter().map(|s| (*s).to_owned()).collect(),
            base_model_relation: rel.map(str::to_owned),
            ..CardMeta::default()
        }
    }

    #[test]
    fn card_and_parents_must_agree() {
        let ft = [parent("org-a/base", Relation::Finetune)];
        assert!(check_card_lineage(Some(&card(&["org-a/base"], Some("finetune"))), &ft).is_ok());
        assert!(check_card_lineage(Some(&card(&["Org-A/Base"], None)), &ft).is_ok());
        let e =
            check_card_lineage(Some(&card(&["org-x/other"], Some("finetune"))), &ft).unwrap_err();
        assert!(
            e.card.contains("org-x/other") && e.record.contains("org-a/base"),
            "{e}"
        );
        assert!(check_card_lineage(Some(&card(&["org-a/base"], Some("quantized"))), &ft).is_err());
        assert!(check_card_lineage(Some(&card(&["org-a/base"], None)), &[]).is_err());
        assert!(check_card_lineage(None, &ft).is_ok(), "no card is silent");
        assert!(
            check_card_lineage(Some(&card(&[], None)), &ft).is_ok(),
            "no base_model is silent"
        );
        assert!(check_card_lineage(None, &[]).is_ok());
        let distill = [parent("org-a/base", Relation::Distill)];
        assert!(
            check_card_lineage(Some(&card(&["org-a/base"], Some("finetune"))), &distill).is_ok()
        );
        let merge = [
            parent("a/x", Relation::Merge),
            parent("b/y", Relation::Merge),
        ];
        assert!(check_card_lineage(Some(&card(&["a/x", "b/y"], Some("merge"))), &merge).is_ok());
        assert!(check_card_lineage(Some(&card(&["a/x"], Some("merge"))), &merge).is_err());
    }
}
