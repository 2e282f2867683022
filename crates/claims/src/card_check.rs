//! A published model card against the verified record, field by field (spec/claims.md §5).
//!
//! The card is untrusted text; the record was verified by the caller. Each field gets a
//! verdict: `same`, `contradiction` (the card says something the record does not, or drops
//! something the record's signed card said), `card silent` (the record says it, the card never
//! did) or `record silent`. Any contradiction fails the check.
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use sceau_core::card::{parse_card, parse_card_claims, CardWarning};
use sceau_core::claims::Claims;
use sceau_core::lineage::card_relation_allows;
use sceau_core::{CardMeta, Licence, Release};
use serde::Serialize;

use sceau_core::claims::Inherited;

use crate::openness::{evaluate, OpennessReport};

/// The outcome for one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Both say the same (or both say nothing).
    Same,
    /// They disagree.
    Contradiction,
    /// The record says it; the card does not, and the signed card did not either.
    CardSilent,
    /// The card says it; the record says nothing about it.
    RecordSilent,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Same => "same",
            Verdict::Contradiction => "contradiction",
            Verdict::CardSilent => "card silent",
            Verdict::RecordSilent => "record silent",
        })
    }
}

/// One row of the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldCheck {
    /// The card field (`license`, `datasets`, `base_model`, …).
    pub field: &'static str,
    /// What the card says (`—` for nothing).
    pub card: String,
    /// What the record says.
    pub record: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, for contradictions and notes.
    pub detail: String,
}

/// Every row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CardCheck {
    /// Whether the card has YAML front matter at all.
    pub has_front_matter: bool,
    /// The rows, in a fixed order.
    pub fields: Vec<FieldCheck>,
    /// Card fields of the wrong type, ignored.
    pub warnings: Vec<String>,
}

impl CardCheck {
    /// True when no field is contradicted.
    pub fn passed(&self) -> bool {
        self.contradictions().next().is_none()
    }

    /// The contradicted fields.
    pub fn contradictions(&self) -> impl Iterator<Item = &FieldCheck> {
        self.fields
            .iter()
            .filter(|f| f.verdict == Verdict::Contradiction)
    }
}

const NOTHING: &str = "—";

fn show(v: &[String]) -> String {
    if v.is_empty() {
        NOTHING.into()
    } else {
        v.join(", ")
    }
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn set(v: &[String]) -> BTreeSet<String> {
    v.iter()
        .map(|s| norm(s))
        .filter(|s| !s.is_empty())
        .collect()
}

fn names(s: &BTreeSet<String>, originals: &[String]) -> String {
    originals
        .iter()
        .filter(|o| s.contains(&norm(o)))
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

struct Rows {
    fields: Vec<FieldCheck>,
}

impl Rows {
    fn push(
        &mut self,
        field: &'static str,
        card: String,
        record: String,
        verdict: Verdict,
        detail: String,
    ) {
        self.fields.push(FieldCheck {
            field,
            card,
            record,
            verdict,
            detail,
        });
    }

    /// A set-valued field. `signed`: what the record's signed card said, to tell a field
    /// dropped from the card (contradiction) from one the card never had (card silent).
    fn sets(&mut self, field: &'static str, card: &[String], record: &[String], signed: &[String]) {
        let (c, r, s) = (set(card), set(record), set(signed));
        let (verdict, detail) = if c.is_empty() && r.is_empty() {
            (Verdict::Same, String::new())
        } else if c.is_empty() && !s.is_empty() {
            (
                Verdict::Contradiction,
                format!(
                    "the signed card lists {}; this card lists none",
                    show(signed)
                ),
            )
        } else if c.is_empty() {
            (Verdict::CardSilent, String::new())
        } else if r.is_empty() {
            (Verdict::RecordSilent, String::new())
        } else {
            let added: BTreeSet<String> = c.difference(&r).cloned().collect();
            let dropped: BTreeSet<String> = s.difference(&c).cloned().collect();
            let mut why = Vec::new();
            if !added.is_empty() {
                why.push(format!("not in the record: {}", names(&added, card)));
            }
            if !dropped.is_empty() {
                why.push(format!(
                    "in the signed card but not in this card: {}",
                    names(&dropped, signed)
                ));
            }
            if why.is_empty() {
                let extra: BTreeSet<String> = r.difference(&c).cloned().collect();
                let note = if extra.is_empty() {
                    String::new()
                } else {
                    format!("the record's claims also list {}", names(&extra, record))
                };
                (Verdict::Same, note)
            } else {
                (Verdict::Contradiction, why.join("; "))
            }
        };
        self.push(field, show(card), show(record), verdict, detail);
    }

    /// A single-valued field compared by `eq`.
    fn one(
        &mut self,
        field: &'static str,
        card: Option<String>,
        record: Option<String>,
        signed_had_it: bool,
        eq: impl Fn(&str, &str) -> bool,
    ) {
        let (verdict, detail) = match (&card, &record) {
            (None, None) => (Verdict::Same, String::new()),
            (None, Some(_)) if signed_had_it => (
                Verdict::Contradiction,
                "the signed card has it; this card does not".into(),
            ),
            (None, Some(_)) => (Verdict::CardSilent, String::new()),
            (Some(_), None) => (Verdict::RecordSilent, String::new()),
            (Some(c), Some(r)) if eq(c, r) => (Verdict::Same, String::new()),
            (Some(c), Some(r)) => (
                Verdict::Contradiction,
                format!("the card says {c}, the record says {r}"),
            ),
        };
        self.push(
            field,
            card.unwrap_or_else(|| NOTHING.into()),
            record.unwrap_or_else(|| NOTHING.into()),
            verdict,
            detail,
        );
    }
}

fn licence_of(card: &CardMeta) -> Option<Licence> {
    Licence::from_hf(
        card.license.as_deref()?,
        card.license_name.as_deref(),
        card.license_link.as_deref(),
    )
    .ok()
}

fn same_licence(a: &Licence, b: &Licence) -> bool {
    a.label().eq_ignore_ascii_case(b.label())
}

/// Why a card could not be compared at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the card's front matter cannot be read: {0}")]
pub struct CardUnreadable(pub CardWarning);

/// Compares a card's text with a verified release (spec/claims.md §5). `inherited`: what the
/// release inherits from its verified lineage, for the computed openness the card's openness
/// claims are held to.
pub fn compare(
    card_text: &str,
    release: &Release,
    inherited: &Inherited,
) -> Result<CardCheck, CardUnreadable> {
    let (meta, warnings) = parse_card(card_text);
    let has_front_matter = meta.is_some();
    if meta.is_none() {
        if let Some(w) = warnings.first() {
            return Err(CardUnreadable(w.clone()));
        }
    }
    let card = meta.unwrap_or_default();
    let (card_claims, claim_warnings) = parse_card_claims(card_text);
    let warnings: Vec<String> = warnings
        .iter()
        .chain(&claim_warnings)
        .map(ToString::to_string)
        .collect();
    let signed = release.card.clone().unwrap_or_default();
    let record = Claims::effective(release);
    let openness = evaluate(release, inherited);
    let mut rows = Rows { fields: Vec::new() };

    // Licence.
    let card_licence = licence_of(&card);
    rows.one(
        "license",
        card_licence.as_ref().map(|l| l.label().to_owned()),
        release.licence.as_ref().map(|l| l.label().to_owned()),
        signed.license.is_some(),
        |_, _| match (&card_licence, &release.licence) {
            (Some(a), Some(b)) => same_licence(a, b),
            _ => false,
        },
    );

    // Datasets.
    let record_datasets: Vec<String> = record.datasets.iter().map(|d| d.name.clone()).collect();
    rows.sets(
        "datasets",
        &card.datasets,
        &record_datasets,
        &signed.datasets,
    );

    // Lineage.
    let parents: Vec<String> = release.parents.iter().map(|p| p.name.clone()).collect();
    rows.sets("base_model", &card.base_model, &parents, &signed.base_model);
    let relations: Vec<String> = release
        .parents
        .iter()
        .map(|p| p.relation.to_string())
        .collect();
    let rel_record = (!relations.is_empty()).then(|| relations.join(", "));
    let parents_rel = release.parents.clone();
    rows.one(
        "base_model_relation",
        card.base_model_relation.clone(),
        rel_record,
        signed.base_model_relation.is_some(),
        move |c, _| {
            parents_rel
                .iter()
                .all(|p| card_relation_allows(c, p.relation))
        },
    );

    // Other card fields, against the signed card.
    rows.sets(
        "language",
        &card.language,
        &signed.language,
        &signed.language,
    );
    let eq_ci = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    rows.one(
        "pipeline_tag",
        card.pipeline_tag.clone(),
        signed.pipeline_tag.clone(),
        signed.pipeline_tag.is_some(),
        eq_ci,
    );
    rows.one(
        "library_name",
        card.library_name.clone(),
        signed.library_name.clone(),
        signed.library_name.is_some(),
        eq_ci,
    );

    // Evaluation results: each (metric, dataset) the card gives must have the record's value.
    evaluation_row(&mut rows, &card, &record, &signed);

    // Openness: held to both what the record claims and what it computes.
    openness_rows(&mut rows, &card_claims, &record, &openness);

    // Uses and limitations.
    for (field, c, r) in [
        (
            "intended_use",
            &card_claims.intended_use,
            &record.intended_use,
        ),
        (
            "intended_users",
            &card_claims.intended_users,
            &record.intended_users,
        ),
        (
            "out_of_scope_use",
            &card_claims.out_of_scope_use,
            &record.out_of_scope_use,
        ),
        ("limitations", &card_claims.limitations, &record.limitations),
    ] {
        rows.sets(field, c, r, &[]);
    }
    rows.one(
        "personal_data",
        card_claims.personal_data.map(|p| p.as_str().to_owned()),
        record.personal_data.map(|p| p.as_str().to_owned()),
        false,
        |a, b| a == b,
    );
    let card_t = card_claims.energy.as_ref().and_then(|e| e.tco2eq);
    let rec_t = record.energy.as_ref().and_then(|e| e.tco2eq);
    rows.one(
        "co2_eq_emissions",
        card_t.map(|t| format!("{t} tCO2eq")),
        rec_t.map(|t| format!("{t} tCO2eq")),
        false,
        move |_, _| match (card_t, rec_t) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9_f64.max(b.abs() * 1e-6),
            _ => false,
        },
    );

    // Rows where neither side says anything, beyond the core fields, are left out.
    const CORE: &[&str] = &[
        "license",
        "datasets",
        "base_model",
        "language",
        "openness_class",
        "intended_use",
    ];
    let fields = rows
        .fields
        .into_iter()
        .filter(|f| CORE.contains(&f.field) || !(f.card == NOTHING && f.record == NOTHING))
        .collect();
    Ok(CardCheck {
        has_front_matter,
        fields,
        warnings,
    })
}

fn evaluation_row(rows: &mut Rows, card: &CardMeta, record: &Claims, signed: &CardMeta) {
    let key = |m: &str, d: &str| format!("{} on {}", m.trim(), d.trim());
    let card_list: Vec<String> = card
        .eval_results
        .iter()
        .map(|r| format!("{} = {}", key(&r.metric, &r.dataset), r.value))
        .collect();
    let record_list: Vec<String> = record
        .evaluation
        .iter()
        .map(|r| format!("{} = {}", key(&r.metric, &r.dataset), r.value))
        .collect();
    let lower = |m: &str, d: &str| (m.trim().to_ascii_lowercase(), d.trim().to_ascii_lowercase());
    let mut in_record: HashMap<(String, String), &str> = HashMap::new();
    for r in &record.evaluation {
        in_record
            .entry(lower(&r.metric, &r.dataset))
            .or_insert(r.value.as_str());
    }
    let in_card: HashSet<(String, String)> = card
        .eval_results
        .iter()
        .map(|c| lower(&c.metric, &c.dataset))
        .collect();
    let mut why = Vec::new();
    for c in &card.eval_results {
        match in_record.get(&lower(&c.metric, &c.dataset)) {
            None => why.push(format!(
                "{} is not in the record",
                key(&c.metric, &c.dataset)
            )),
            Some(r) if r.trim() != c.value.trim() => why.push(format!(
                "{}: the card says {}, the record says {}",
                key(&c.metric, &c.dataset),
                c.value,
                r
            )),
            Some(_) => {}
        }
    }
    for s in &signed.eval_results {
        if !in_card.contains(&lower(&s.metric, &s.dataset)) {
            why.push(format!(
                "{} is in the signed card but not in this card",
                key(&s.metric, &s.dataset)
            ));
        }
    }
    let verdict = if !why.is_empty() {
        Verdict::Contradiction
    } else if card_list.is_empty() && !record_list.is_empty() {
        Verdict::CardSilent
    } else if !card_list.is_empty() && record_list.is_empty() {
        Verdict::RecordSilent
    } else {
        Verdict::Same
    };
    rows.push(
        "model-index",
        show(&card_list),
        show(&record_list),
        verdict,
        why.join("; "),
    );
}

fn openness_rows(rows: &mut Rows, card: &Claims, record: &Claims, o: &OpennessReport) {
    let computed = match o.class {
        Some(k) => format!("computed {k}"),
        None => "computed: no class".into(),
    };
    let record_text = match record.openness_class {
        Some(k) => format!("claims {k}; {computed}"),
        None => computed,
    };
    let (verdict, detail) = match card.openness_class {
        None => (
            if record.openness_class.is_some() {
                Verdict::CardSilent
            } else {
                Verdict::Same
            },
            String::new(),
        ),
        Some(k) => {
            let mut why = Vec::new();
            if let Some(r) = record.openness_class {
                if r != k {
                    why.push(format!("the card says {k}, the record claims {r}"));
                }
            }
            if !o.class.is_some_and(|c| c.covers(k)) {
                let missing: Vec<String> = o
                    .missing_for(k)
                    .iter()
                    .map(|m| m.component.to_string())
                    .collect();
                why.push(format!(
                    "the record does not reach {k}: missing or not open: {}",
                    missing.join(", ")
                ));
            }
            if why.is_empty() {
                (Verdict::Same, String::new())
            } else {
                (Verdict::Contradiction, why.join("; "))
            }
        }
    };
    rows.push(
        "openness_class",
        card.openness_class
            .map(|k| k.to_string())
            .unwrap_or_else(|| NOTHING.into()),
        record_text,
        verdict,
        detail,
    );

    let osaid = if o.open_source_ai {
        "meets the OSAID"
    } else {
        "does not meet the OSAID"
    };
    let record_text = match record.open_source {
        Some(b) => format!("claims {b}; {osaid}"),
        None => osaid.to_owned(),
    };
    let (verdict, detail) = match card.open_source {
        None => (
            if record.open_source.is_some() {
                Verdict::CardSilent
            } else {
                Verdict::Same
            },
            String::new(),
        ),
        Some(b) => {
            let mut why = Vec::new();
            if record.open_source.is_some_and(|r| r != b) {
                why.push(format!("the card says {b}, the record claims the opposite"));
            }
            if b && !o.open_source_ai {
                let missing: Vec<String> = o
                    .osaid
                    .iter()
                    .filter(|i| !i.met)
                    .map(|i| i.item.to_owned())
                    .collect();
                why.push(format!(
                    "the record does not meet the OSAID: {}",
                    missing.join(", ")
                ));
            }
            if why.is_empty() {
                (Verdict::Same, String::new())
            } else {
                (Verdict::Contradiction, why.join("; "))
            }
        }
    };
    let shown = card.open_source.map(|b| b.to_string());
    rows.push(
        "open_source",
        shown.unwrap_or_else(|| NOTHING.into()),
        record_text,
        verdict,
        detail,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use sceau_core::{IgnoreRules, Parent, Relation, Sha256Digest};

    const CARD: &str = "---\nlicense: apache-2.0\ndatasets:\n- org/a\n- org/b\nlanguage: [en]\n\
                        base_model: org/base\nbase_model_relation: finetune\n\
                        intended_use: Research\n---\n# m\n";

    fn release() -> Release {
        let (meta, _) = parse_card(CARD);
        Release {
            name: "org/m".into(),
            version: "1".into(),
            artifacts: Vec::new(),
            licence: Some(Licence::spdx("Apache-2.0").unwrap()),
            card: meta,
            ignore: IgnoreRules::default(),
            parents: vec![Parent {
                record: Sha256Digest([3; 32]),
                name: "org/base".into(),
                version: "1".into(),
                relation: Relation::Finetune,
            }],
            tokenizer_changed: false,
            oms_root: None,
            claims: Some(Claims::from_toml(b"intended_use = \"Research\"\n").unwrap()),
            manifest: None,
        }
    }

    fn verdict(c: &CardCheck, field: &str) -> Verdict {
        c.fields.iter().find(|f| f.field == field).unwrap().verdict
    }

    #[test]
    fn the_signed_card_agrees() {
        let c = compare(CARD, &release(), &Inherited::default()).unwrap();
        assert!(c.passed(), "{:#?}", c.fields);
        assert_eq!(verdict(&c, "license"), Verdict::Same);
        assert_eq!(verdict(&c, "base_model_relation"), Verdict::Same);
        assert_eq!(verdict(&c, "intended_use"), Verdict::Same);
    }

    #[test]
    fn each_edit_is_a_named_contradiction() {
        for (from, to, field) in [
            ("license: apache-2.0", "license: mit", "license"),
            ("- org/b\n", "", "datasets"),
            ("- org/b\n", "- org/b\n- org/c\n", "datasets"),
            (
                "base_model: org/base",
                "base_model: org/other",
                "base_model",
            ),
            (
                "base_model_relation: finetune",
                "base_model_relation: quantized",
                "base_model_relation",
            ),
            ("language: [en]", "language: [en, fr]", "language"),
            (
                "intended_use: Research",
                "intended_use: Anything",
                "intended_use",
            ),
            (
                "intended_use: Research",
                "intended_use: Research\nopenness_class: I",
                "openness_class",
            ),
            (
                "intended_use: Research",
                "intended_use: Research\nopen_source: true",
                "open_source",
            ),
            ("license: apache-2.0\n", "", "license"),
        ] {
            let edited = CARD.replacen(from, to, 1);
            let c = compare(&edited, &release(), &Inherited::default()).unwrap();
            let bad: Vec<&str> = c.contradictions().map(|f| f.field).collect();
            assert_eq!(bad, [field], "{from} -> {to}: {:#?}", c.fields);
        }
    }

    #[test]
    fn silence_is_not_contradiction() {
        let c = compare(
            "---\nlicense: apache-2.0\n---\n",
            &Release {
                card: None,
                ..release()
            },
            &Inherited::default(),
        )
        .unwrap();
        assert!(c.passed(), "{:#?}", c.fields);
        assert_eq!(verdict(&c, "datasets"), Verdict::Same);
        assert_eq!(verdict(&c, "base_model"), Verdict::CardSilent);
        assert!(compare("---\nlicense: [\n---\n", &release(), &Inherited::default()).is_err());
    }
}
