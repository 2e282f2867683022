//! Merging two sources of claims: the claims file over the model card (spec/claims.md §2.3).
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;

use super::{Claims, DatasetClaim, Disclosure, EvalClaim};

/// A field both sources give with different values; the primary source's value was kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimConflict {
    /// The field (`openness_class`, `datasets[example/x].licence`, …).
    pub field: String,
    /// The value kept (from the primary source, the claims file).
    pub kept: String,
    /// The value dropped (from the other source, the card).
    pub dropped: String,
}

impl fmt::Display for ClaimConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the claims file says {}, the model card says {}; the claims file wins",
            self.field, self.kept, self.dropped
        )
    }
}

fn scalar<T: Clone + PartialEq + fmt::Debug>(
    field: &str,
    primary: &Option<T>,
    base: &Option<T>,
    conflicts: &mut Vec<ClaimConflict>,
) -> Option<T> {
    match (primary, base) {
        (Some(p), Some(b)) => {
            if p != b {
                conflicts.push(ClaimConflict {
                    field: field.into(),
                    kept: format!("{p:?}"),
                    dropped: format!("{b:?}"),
                });
            }
            Some(p.clone())
        }
        (Some(p), None) => Some(p.clone()),
        (None, b) => b.clone(),
    }
}

fn list(
    field: &str,
    primary: &[String],
    base: &[String],
    conflicts: &mut Vec<ClaimConflict>,
) -> Vec<String> {
    if primary.is_empty() {
        return base.to_vec();
    }
    if !base.is_empty() && primary != base {
        conflicts.push(ClaimConflict {
            field: field.into(),
            kept: format!("{primary:?}"),
            dropped: format!("{base:?}"),
        });
    }
    primary.to_vec()
}

fn dataset(p: &DatasetClaim, b: &DatasetClaim, conflicts: &mut Vec<ClaimConflict>) -> DatasetClaim {
    let f = |k: &str| format!("datasets[{}].{k}", p.name);
    DatasetClaim {
        name: p.name.clone(),
        licence: scalar(&f("licence"), &p.licence, &b.licence, conflicts),
        url: scalar(&f("url"), &p.url, &b.url, conflicts),
        included: p.included,
        paths: if p.paths.is_empty() {
            b.paths.clone()
        } else {
            p.paths.clone()
        },
        purpose: p.purpose,
        description: scalar(&f("description"), &p.description, &b.description, conflicts),
    }
}

/// The disclosure tables, table by table: the primary source's table wins.
fn disclosure(p: &Disclosure, b: &Disclosure, conflicts: &mut Vec<ClaimConflict>) -> Disclosure {
    Disclosure {
        representative: scalar(
            "representative",
            &p.representative,
            &b.representative,
            conflicts,
        ),
        distribution: scalar("distribution", &p.distribution, &b.distribution, conflicts),
        documentation: scalar(
            "documentation",
            &p.documentation,
            &b.documentation,
            conflicts,
        ),
        model: scalar("model", &p.model, &b.model, conflicts),
        training: scalar("training", &p.training, &b.training, conflicts),
        training_data: scalar(
            "training_data",
            &p.training_data,
            &b.training_data,
            conflicts,
        ),
    }
}

fn result_key(e: &EvalClaim) -> (String, String) {
    (
        e.metric.to_ascii_lowercase(),
        e.dataset.to_ascii_lowercase(),
    )
}

impl Claims {
    /// Merges `base` (e.g. what the model card says) under `self` (e.g. the claims file):
    /// `self` wins on every field both give, and each such difference is returned as a
    /// conflict. Datasets are matched by name and evaluation results by metric and dataset
    /// (ASCII case ignored); those only in `base` are added after `self`'s.
    pub fn merge_over(&self, base: &Claims) -> (Claims, Vec<ClaimConflict>) {
        let mut conflicts = Vec::new();
        let mut components = self.components.clone();
        for (k, v) in &base.components {
            components.entry(*k).or_insert_with(|| v.clone());
        }
        // Indexes by lower-case key: merging stays linear however long the lists are.
        let mut base_by_name: HashMap<String, &DatasetClaim> = HashMap::new();
        for b in &base.datasets {
            base_by_name.entry(b.name.to_ascii_lowercase()).or_insert(b);
        }
        let self_names: HashSet<String> = self
            .datasets
            .iter()
            .map(|d| d.name.to_ascii_lowercase())
            .collect();
        let mut datasets: Vec<DatasetClaim> = self
            .datasets
            .iter()
            .map(|p| match base_by_name.get(&p.name.to_ascii_lowercase()) {
                Some(b) => dataset(p, b, &mut conflicts),
                None => p.clone(),
            })
            .collect();
        for b in &base.datasets {
            if !self_names.contains(&b.name.to_ascii_lowercase()) {
                datasets.push(b.clone());
            }
        }
        let mut evaluation = self.evaluation.clone();
        let mut self_results: HashMap<(String, String), &EvalClaim> = HashMap::new();
        for p in &self.evaluation {
            self_results.entry(result_key(p)).or_insert(p);
        }
        for b in &base.evaluation {
            match self_results.get(&result_key(b)).copied() {
                Some(p) if p.value != b.value => conflicts.push(ClaimConflict {
                    field: format!("evaluation[{} on {}]", p.metric, p.dataset),
                    kept: p.value.clone(),
                    dropped: b.value.clone(),
                }),
                Some(_) => {}
                None => evaluation.push(b.clone()),
            }
        }
        let merged = Claims {
            components,
            datasets,
            intended_use: list(
                "intended_use",
                &self.intended_use,
                &base.intended_use,
                &mut conflicts,
            ),
            intended_users: list(
                "intended_users",
                &self.intended_users,
                &base.intended_users,
                &mut conflicts,
            ),
            out_of_scope_use: list(
                "out_of_scope_use",
                &self.out_of_scope_use,
                &base.out_of_scope_use,
                &mut conflicts,
            ),
            limitations: list(
                "limitations",
                &self.limitations,
                &base.limitations,
                &mut conflicts,
            ),
            evaluation,
            energy: scalar("energy", &self.energy, &base.energy, &mut conflicts),
            personal_data: scalar(
                "personal_data",
                &self.personal_data,
                &base.personal_data,
                &mut conflicts,
            ),
            openness_class: scalar(
                "openness_class",
                &self.openness_class,
                &base.openness_class,
                &mut conflicts,
            ),
            open_source: scalar(
                "open_source",
                &self.open_source,
                &base.open_source,
                &mut conflicts,
            ),
            provider: scalar("provider", &self.provider, &base.provider, &mut conflicts),
            disclosure: disclosure(&self.disclosure, &base.disclosure, &mut conflicts),
        };
        (merged, conflicts)
    }

    /// The claims a verifier evaluates for a release: what the record's claims say, over what
    /// its signed model card says (spec/claims.md §2.3).
    pub fn effective(release: &crate::release::Release) -> Claims {
        let card = release
            .card
            .as_ref()
            .map(Claims::from_card)
            .unwrap_or_default();
        match &release.claims {
            Some(c) => c.merge_over(&card).0,
            None => card,
        }
    }
}
