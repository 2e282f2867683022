//! What the weight fingerprints of two signed releases say about how they are related
//! (spec/lineage.md §8): the declared relation of a link checked against the weights (§8.2),
//! and the releases whose weights a release derives from without saying so (§8.3).
//!
//! A release's weight files are grouped into models (the shards of one checkpoint are one
//! model; every other weight file is a model of its own: a release often ships the same weights
//! as safetensors, ONNX and GGUF), and two releases are compared model by model; the strongest
//! relation found stands for the pair.
use std::collections::{BTreeMap, BTreeSet};

use sceau_core::{ArtifactKind, Relation, Release, Sha256Digest, Timestamp, WeightPrint};
use sceau_fingerprint::{check_declared, compare, Evidence, Level, LooksLike, RelationVerdict};
use serde::Serialize;

/// Most tensor pairs a report lists as carrying the evidence.
pub const MAX_LISTED_PAIRS: usize = 8;

/// One model of a release: the weight files that make it up and their merged fingerprint.
#[derive(Clone, Debug)]
pub struct ModelPrint {
    /// The weight files, in path order.
    pub files: Vec<String>,
    /// Their fingerprints, merged (spec/fingerprint.md §5.4).
    pub fingerprint: sceau_fingerprint::Fingerprint,
}

/// The fingerprints a release records, decoded and grouped into models.
#[derive(Clone, Debug, Default)]
pub struct ReleasePrints {
    /// The models, by their first file's path.
    pub models: Vec<ModelPrint>,
    /// Weight files without a usable fingerprint, with the reason (recorded as not
    /// fingerprinted, or a value this build cannot decode).
    pub missing: Vec<(String, String)>,
}

impl ReleasePrints {
    /// The fingerprints of a release's weight files (spec/lineage.md §8.1).
    pub fn of(release: &Release) -> ReleasePrints {
        ReleasePrints::from_files(
            release
                .artifacts
                .iter()
                .filter(|a| a.kind == ArtifactKind::Weights)
                .filter_map(|a| a.fingerprint.as_ref().map(|f| (a.path.as_str(), f))),
        )
    }

    /// The fingerprints of weight files given as (path, recorded fingerprint).
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a WeightPrint)>) -> Self {
        let mut groups: BTreeMap<String, Vec<(String, sceau_fingerprint::Fingerprint)>> =
            BTreeMap::new();
        let mut missing = Vec::new();
        for (path, print) in files {
            match print {
                WeightPrint::Skipped { reason } => missing.push((path.to_owned(), reason.clone())),
                WeightPrint::Recorded { value } => {
                    match sceau_fingerprint::Fingerprint::from_bom_value(value) {
                        Ok(f) => groups
                            .entry(model_key(path))
                            .or_default()
                            .push((path.to_owned(), f)),
                        Err(e) => missing.push((path.to_owned(), e.to_string())),
                    }
                }
            }
        }
        let models = groups
            .into_values()
            .map(|mut parts| {
                parts.sort_by(|a, b| a.0.cmp(&b.0));
                let files = parts.iter().map(|(p, _)| p.clone()).collect();
                ModelPrint {
                    files,
                    fingerprint: sceau_fingerprint::Fingerprint::merge(
                        parts.into_iter().map(|(_, f)| f),
                    ),
                }
            })
            .collect();
        ReleasePrints { models, missing }
    }

    /// Whether no weight file has a usable fingerprint.
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// Why there is nothing to compare, for people: the reasons recorded, or that the record
    /// carries no fingerprint at all.
    pub fn why_empty(&self) -> String {
        if self.missing.is_empty() {
            "its record carries no weight fingerprints (signed with --no-fingerprints, by an \
             older sceau, or without safetensors, GGUF or ONNX weights)"
                .into()
        } else {
            let list: Vec<String> = self
                .missing
                .iter()
                .take(3)
                .map(|(p, r)| format!("{p}: {r}"))
                .collect();
            format!("no usable weight fingerprint ({})", list.join("; "))
        }
    }
}

/// The model a weight file belongs to: its path with a shard suffix
/// (`-00001-of-00004` before the extension) removed, so the shards of one checkpoint group.
fn model_key(path: &str) -> String {
    let (stem, ext) = path.rsplit_once('.').unwrap_or((path, ""));
    let b = stem.as_bytes();
    // `-NNNNN-of-NNNNN`: digits, "-of-", digits at the end of the stem.
    let digits_end = |end: usize| {
        b[..end]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let n2 = digits_end(b.len());
    if n2 > 0 {
        let before = b.len() - n2;
        if stem[..before].ends_with("-of-") {
            let end1 = before - 4;
            let n1 = digits_end(end1);
            if n1 > 0 && stem[..end1 - n1].ends_with('-') {
                return format!("{}.{ext}", &stem[..end1 - n1 - 1]);
            }
        }
    }
    path.to_owned()
}

/// Two matched tensors that carry the evidence, for reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TensorMatch {
    /// The tensor in the release examined (the child).
    pub child: String,
    /// Its counterpart in the other release.
    pub parent: String,
    /// Estimated Pearson correlation.
    pub similarity: f64,
    /// Its level (identical, re-encoded, lossy, correlated).
    pub level: Level,
}

/// What comparing the weights of two releases found (spec/lineage.md §8.1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeightEvidence {
    /// What the relation looks like: copy, re-encoding, quantization, finetune,
    /// shared-ancestor, unrelated or incomparable.
    pub looks_like: LooksLike,
    /// The child's weight files compared.
    pub child_files: Vec<String>,
    /// The parent's weight files compared.
    pub parent_files: Vec<String>,
    /// Matrices compared (matched, plus same-shaped ones left without a match).
    pub matrices_compared: usize,
    /// Of those, how many share values (correlated or closer).
    pub matrices_matched: usize,
    /// Median similarity over the matched matrices.
    pub median_similarity: f64,
    /// Share of the parent's matrices matched.
    pub parent_coverage: f64,
    /// The pairs that carry the evidence, most similar first (at most
    /// [`MAX_LISTED_PAIRS`]).
    pub carried_by: Vec<TensorMatch>,
    /// The full comparison, for [`check_declared`].
    #[serde(skip)]
    pub evidence: Evidence,
}

impl WeightEvidence {
    fn new(child: &ModelPrint, parent: &ModelPrint) -> WeightEvidence {
        let evidence = compare(&child.fingerprint, &parent.fingerprint);
        let s = evidence.summary();
        let carried_by = evidence
            .carried_by()
            .into_iter()
            .take(MAX_LISTED_PAIRS)
            .map(|p| TensorMatch {
                child: p.child.clone(),
                parent: p.parent.clone(),
                similarity: p.similarity,
                level: p.level,
            })
            .collect();
        WeightEvidence {
            looks_like: evidence.relation(),
            child_files: child.files.clone(),
            parent_files: parent.files.clone(),
            matrices_compared: s.matrices_compared,
            matrices_matched: s.identical + s.reencoded + s.lossy + s.correlated,
            median_similarity: s.median_similarity,
            parent_coverage: s.parent_coverage,
            carried_by,
            evidence,
        }
    }

    /// Whether the weights derive from the other's: a copy, a re-encoding, a quantisation or
    /// a fine-tune (spec/lineage.md §8.3).
    pub fn derives(&self) -> bool {
        matches!(
            self.looks_like,
            LooksLike::Copy | LooksLike::ReEncoding | LooksLike::Quantization | LooksLike::Finetune
        )
    }

    /// Whether the weights share values at all (derive, or share an ancestor).
    pub fn related(&self) -> bool {
        self.derives() || self.looks_like == LooksLike::SharedAncestor
    }

    /// One line for people: `quantization: 36 of 38 matrices share values (median 0.9961;
    /// model.safetensors vs model-Q4_0.gguf)`.
    pub fn describe(&self) -> String {
        format!(
            "{}: {} of {} matrices share values (median similarity {:.4}; {} vs {})",
            self.looks_like,
            self.matrices_matched,
            self.matrices_compared,
            self.median_similarity,
            self.child_files.join(", "),
            self.parent_files.join(", ")
        )
    }
}

/// How strongly a classification ties two models, strongest first.
fn strength(l: LooksLike) -> u8 {
    match l {
        LooksLike::Copy => 0,
        LooksLike::ReEncoding => 1,
        LooksLike::Quantization => 2,
        LooksLike::Finetune => 3,
        LooksLike::SharedAncestor => 4,
        LooksLike::Unrelated => 5,
        _ => 6,
    }
}

/// Compares every model of `child` with every model of `parent` and keeps the strongest
/// relation (ties: the most matrices matched, then the highest median). `None` when either
/// side has no fingerprint.
pub fn compare_releases(child: &ReleasePrints, parent: &ReleasePrints) -> Option<WeightEvidence> {
    let mut best: Option<WeightEvidence> = None;
    for c in &child.models {
        for p in &parent.models {
            let e = WeightEvidence::new(c, p);
            let better = match &best {
                None => true,
                Some(b) => {
                    (
                        strength(e.looks_like),
                        std::cmp::Reverse(e.matrices_matched),
                    ) < (
                        strength(b.looks_like),
                        std::cmp::Reverse(b.matrices_matched),
                    ) || (strength(e.looks_like) == strength(b.looks_like)
                        && e.matrices_matched == b.matrices_matched
                        && e.median_similarity > b.median_similarity)
                }
            };
            if better {
                best = Some(e);
            }
        }
    }
    best
}

/// A declared relation checked against the weights (spec/lineage.md §8.2).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelationByWeights {
    /// The verdict and its reason.
    pub verdict: RelationVerdict,
    /// The evidence it rests on.
    pub evidence: WeightEvidence,
}

/// Checks `relation` of `child` to `parent` against their fingerprints (spec/lineage.md §8.2):
/// `None` when either record carries no usable fingerprint.
pub fn check_relation(
    child: &ReleasePrints,
    parent: &ReleasePrints,
    relation: Relation,
) -> Option<RelationByWeights> {
    let evidence = compare_releases(child, parent)?;
    let verdict = check_declared(relation, &evidence.evidence);
    Some(RelationByWeights { verdict, evidence })
}

/// The release whose weights are searched for hidden ancestors (spec/lineage.md §8.3).
#[derive(Clone, Debug)]
pub struct Subject<'a> {
    /// Its release name, when known (a folder has none).
    pub name: Option<&'a str>,
    /// Its record's digest, when it is a record.
    pub digest: Option<Sha256Digest>,
    /// Its signing time, when its record verified under the trust given: only then does time
    /// order it against a candidate.
    pub signed_at: Option<Timestamp>,
    /// Every ancestor its record declares, directly or through the declared parents' own
    /// records.
    pub ancestors: BTreeSet<Sha256Digest>,
    /// Its fingerprints.
    pub prints: &'a ReleasePrints,
}

/// A trusted record of the store, as a candidate ancestor.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Its digest.
    pub digest: Sha256Digest,
    /// Its release name.
    pub name: String,
    /// Its release version.
    pub version: String,
    /// Its signing time.
    pub signed_at: Option<Timestamp>,
    /// Every ancestor it declares, directly or through other records.
    pub ancestors: BTreeSet<Sha256Digest>,
    /// Its fingerprints.
    pub prints: ReleasePrints,
}

/// Where a related store record stands to the subject (spec/lineage.md §8.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// The subject's weights derive from it and the subject does not declare it, directly or
    /// through its declared ancestors: the finding that fails.
    Undeclared,
    /// The subject declares it (as a parent or a further ancestor).
    Declared,
    /// It declares the subject as an ancestor: a declared descendant.
    DeclaredDescendant,
    /// It and the subject declare a common ancestor, which explains the shared values.
    SharedDeclaredAncestor,
    /// Another version of the subject's own release name.
    SameRelease,
    /// Another version of a release the subject declares as an ancestor: a base re-signed
    /// as 2.0 with the weights of the 1.0 the subject declares is not a hidden parent.
    DeclaredAncestorVersion,
    /// Both are trusted and it was signed after the subject: the subject is the earlier one,
    /// so it is the candidate that derives (reported, not failed).
    SignedLater,
    /// Only a few tensors share values (typically the embeddings): a common ancestor neither
    /// declares, not a derivation (reported, not failed).
    SharedAncestorOnly,
}

impl Standing {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Undeclared => "undeclared",
            Standing::Declared => "declared",
            Standing::DeclaredDescendant => "declared-descendant",
            Standing::SharedDeclaredAncestor => "shared-declared-ancestor",
            Standing::SameRelease => "same-release",
            Standing::DeclaredAncestorVersion => "declared-ancestor-version",
            Standing::SignedLater => "signed-later",
            Standing::SharedAncestorOnly => "shared-ancestor-only",
        }
    }
}

/// A store record whose weights share values with the subject's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeightMatch {
    /// The record's digest.
    pub record: Sha256Digest,
    /// Its release name.
    pub name: String,
    /// Its release version.
    pub version: String,
    /// Its signing time.
    pub signed_at: Option<Timestamp>,
    /// Where it stands to the subject.
    pub standing: Standing,
    /// The weight evidence (the subject is the child side).
    pub evidence: WeightEvidence,
}

impl WeightMatch {
    /// Whether this match fails a release: an undeclared ancestor.
    pub fn fails(&self) -> bool {
        self.standing == Standing::Undeclared
    }

    /// One line for people.
    pub fn describe(&self) -> String {
        let carried: Vec<String> = self
            .evidence
            .carried_by
            .iter()
            .take(3)
            .map(|p| {
                if p.child == p.parent {
                    format!("{} {:.4}", p.child, p.similarity)
                } else {
                    format!("{} ~ {} {:.4}", p.child, p.parent, p.similarity)
                }
            })
            .collect();
        format!(
            "{} {} (sha256:{}, signed {}): {}; {}; e.g. {}",
            self.name,
            self.version,
            &self.record.to_hex()[..12],
            self.signed_at
                .map_or_else(|| "at an unknown time".to_owned(), |t| format!("at {t}")),
            self.standing.as_str(),
            self.evidence.describe(),
            carried.join(", ")
        )
    }
}

/// Compares the subject's weights with every candidate's and returns the candidates whose
/// weights share values with it, with where each stands (spec/lineage.md §8.3), strongest
/// evidence first. Candidates that are the subject itself are left out.
pub fn find_matches(subject: &Subject<'_>, candidates: &[Candidate]) -> Vec<WeightMatch> {
    // The names of the declared ancestors found in the store: their other versions are
    // theirs, not hidden parents.
    let declared_names: std::collections::BTreeSet<&str> = candidates
        .iter()
        .filter(|c| subject.ancestors.contains(&c.digest))
        .map(|c| c.name.as_str())
        .collect();
    let mut out = Vec::new();
    for c in candidates {
        if Some(c.digest) == subject.digest {
            continue;
        }
        let Some(evidence) = compare_releases(subject.prints, &c.prints) else {
            continue;
        };
        if !evidence.related() {
            continue;
        }
        let standing = standing(subject, c, &evidence, &declared_names);
        out.push(WeightMatch {
            record: c.digest,
            name: c.name.clone(),
            version: c.version.clone(),
            signed_at: c.signed_at,
            standing,
            evidence,
        });
    }
    out.sort_by(|a, b| {
        (
            strength(a.evidence.looks_like),
            std::cmp::Reverse(a.evidence.matrices_matched),
        )
            .cmp(&(
                strength(b.evidence.looks_like),
                std::cmp::Reverse(b.evidence.matrices_matched),
            ))
            .then(a.record.cmp(&b.record))
    });
    out
}

/// spec/lineage.md §8.3, in order.
fn standing(
    subject: &Subject<'_>,
    c: &Candidate,
    e: &WeightEvidence,
    declared_names: &std::collections::BTreeSet<&str>,
) -> Standing {
    if subject.ancestors.contains(&c.digest) {
        return Standing::Declared;
    }
    if subject.digest.is_some_and(|d| c.ancestors.contains(&d)) {
        return Standing::DeclaredDescendant;
    }
    if !subject.ancestors.is_disjoint(&c.ancestors) {
        return Standing::SharedDeclaredAncestor;
    }
    if subject.name == Some(c.name.as_str()) {
        return Standing::SameRelease;
    }
    if declared_names.contains(c.name.as_str()) {
        return Standing::DeclaredAncestorVersion;
    }
    if !e.derives() {
        return Standing::SharedAncestorOnly;
    }
    if let (Some(s), Some(t)) = (subject.signed_at, c.signed_at) {
        if t > s {
            return Standing::SignedLater;
        }
    }
    Standing::Undeclared
}

/// Every ancestor `parents` lead to through `parents_of` (a record's declared parents, by
/// digest), the parents included; at most `limit` digests (spec/lineage.md §3.4 bounds the
/// walk; this is a set, not a walk, so a bound on its size suffices).
pub fn declared_closure(
    parents: impl IntoIterator<Item = Sha256Digest>,
    parents_of: &dyn Fn(&Sha256Digest) -> Vec<Sha256Digest>,
    limit: usize,
) -> BTreeSet<Sha256Digest> {
    let mut seen = BTreeSet::new();
    let mut queue: Vec<Sha256Digest> = parents.into_iter().collect();
    while let Some(d) = queue.pop() {
        if seen.len() >= limit {
            break;
        }
        if seen.insert(d) {
            queue.extend(parents_of(&d));
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use sceau_fingerprint::testkit::{self, StDtype};
    use sceau_fingerprint::{Fingerprint, Format};

    /// The fingerprints of one safetensors file of `bert_like(seed)` in `dtype`.
    fn prints(seed: u64, dtype: StDtype) -> ReleasePrints {
        let bytes = testkit::safetensors(&testkit::bert_like(seed, 2, 64, 500), dtype);
        let fp = Fingerprint::from_bytes(&bytes, Format::Safetensors).unwrap();
        let print = WeightPrint::recorded(fp.to_bom_value()).unwrap();
        ReleasePrints::from_files([("model.safetensors", &print)])
    }

    fn candidate(n: u8, name: &str, prints: ReleasePrints, at: &str) -> Candidate {
        Candidate {
            digest: Sha256Digest([n; 32]),
            name: name.into(),
            version: "1.0".into(),
            signed_at: Some(Timestamp::parse_rfc3339(at).unwrap()),
            ancestors: BTreeSet::new(),
            prints,
        }
    }

    /// spec/lineage.md §8.3: each standing, in order; unrelated weights are not listed.
    #[test]
    fn standings_follow_declarations_names_and_time() {
        let subject_prints = prints(1, StDtype::F16);
        let mut subject = Subject {
            name: Some("org-b/copy"),
            digest: Some(Sha256Digest([99; 32])),
            signed_at: Some(Timestamp::parse_rfc3339("2026-02-01T00:00:00Z").unwrap()),
            ancestors: BTreeSet::new(),
            prints: &subject_prints,
        };
        let early = "2026-01-01T00:00:00Z";
        let late = "2026-03-01T00:00:00Z";
        let mut sibling = candidate(5, "org-c/sibling", prints(1, StDtype::BF16), early);
        sibling.ancestors.insert(Sha256Digest([7; 32]));
        let cands = vec![
            candidate(1, "org-a/base", prints(1, StDtype::F32), early),
            candidate(2, "org-x/unrelated", prints(2, StDtype::F32), early),
            candidate(3, "org-d/later", prints(1, StDtype::F32), late),
            candidate(4, "org-b/copy", prints(1, StDtype::F32), early),
            sibling,
            candidate(99, "org-b/copy", prints(1, StDtype::F16), early),
        ];
        let m = find_matches(&subject, &cands);
        let got: Vec<(&str, Standing, LooksLike)> = m
            .iter()
            .map(|x| (x.name.as_str(), x.standing, x.evidence.looks_like))
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
        let of = |n: &str| got.iter().find(|g| g.0 == n).map(|g| g.1);
        assert_eq!(of("org-a/base"), Some(Standing::Undeclared));
        assert_eq!(of("org-d/later"), Some(Standing::SignedLater));
        assert_eq!(of("org-b/copy"), Some(Standing::SameRelease));
        assert_eq!(of("org-x/unrelated"), None, "unrelated weights listed");
        assert!(m.iter().any(|x| x.fails()));
        assert!(got.iter().all(|g| g.2 == LooksLike::ReEncoding), "{got:?}");

        // Declaring the base (or an ancestor the sibling shares) clears it.
        subject.ancestors.insert(Sha256Digest([1; 32]));
        subject.ancestors.insert(Sha256Digest([7; 32]));
        let m = find_matches(&subject, &cands);
        let of = |n: &str| m.iter().find(|x| x.name == n).map(|x| x.standing);
        assert_eq!(of("org-a/base"), Some(Standing::Declared));
        assert_eq!(of("org-c/sibling"), Some(Standing::SharedDeclaredAncestor));
        assert!(!m.iter().any(WeightMatch::fails));

        // Without a trusted time the later record counts as an ancestor.
        subject.signed_at = None;
        let m = find_matches(&subject, &cands);
        let later = m.iter().find(|x| x.name == "org-d/later").unwrap();
        assert_eq!(later.standing, Standing::Undeclared);
    }

    /// spec/lineage.md §8.2: `quantized` is supported by a narrower re-encoding of the parent
    /// and contradicted by another model's weights; no fingerprint gives no verdict.
    #[test]
    fn declared_relations_are_checked_against_the_weights() {
        let parent = prints(1, StDtype::F32);
        let r = check_relation(&prints(1, StDtype::BF16), &parent, Relation::Quantized).unwrap();
        assert!(r.verdict.is_supported(), "{r:?}");
        let r = check_relation(&prints(2, StDtype::BF16), &parent, Relation::Quantized).unwrap();
        assert!(r.verdict.is_contradicted(), "{r:?}");
        let r = check_relation(&prints(1, StDtype::F32), &parent, Relation::Finetune).unwrap();
        assert!(
            r.verdict.is_contradicted(),
            "a copy is not a fine-tune: {r:?}"
        );
        assert!(check_relation(&ReleasePrints::default(), &parent, Relation::Finetune).is_none());
        // A value that does not decode is missing, with the reason.
        let bad = WeightPrint::recorded("AAAA".into()).unwrap();
        let p = ReleasePrints::from_files([("m.gguf", &bad)]);
        assert!(p.is_empty());
        assert_eq!(p.missing.len(), 1);
        assert!(p.why_empty().contains("m.gguf"));
    }

    #[test]
    fn shards_group_into_one_model() {
        assert_eq!(
            model_key("model-00001-of-00004.safetensors"),
            "model.safetensors"
        );
        assert_eq!(
            model_key("sub/model-00004-of-00004.safetensors"),
            "sub/model.safetensors"
        );
        assert_eq!(model_key("model.safetensors"), "model.safetensors");
        assert_eq!(model_key("onnx/model.onnx"), "onnx/model.onnx");
        assert_eq!(model_key("x-of-3.gguf"), "x-of-3.gguf");
        assert_eq!(model_key("-of-3.gguf"), "-of-3.gguf");
        assert_eq!(model_key("1-of-3"), "1-of-3");
    }

    #[test]
    fn the_closure_is_bounded_and_follows_parents() {
        let d = |n: u8| Sha256Digest([n; 32]);
        let parents_of = |x: &Sha256Digest| -> Vec<Sha256Digest> {
            if x.0[0] < 10 {
                vec![d(x.0[0] + 1), d(x.0[0] + 1)]
            } else {
                Vec::new()
            }
        };
        let all = declared_closure([d(1)], &parents_of, 100);
        assert_eq!(all.len(), 10);
        assert!(all.contains(&d(10)));
        assert_eq!(declared_closure([d(1)], &parents_of, 3).len(), 3);
    }
}
