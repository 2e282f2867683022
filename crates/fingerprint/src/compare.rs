//! Comparing two fingerprints: matching tensors, estimating each pair's similarity, and the
//! evidence they give about how the models are related (spec/fingerprint.md §6).
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::fingerprint::Fingerprint;
use crate::grid::GridKey;
use crate::names;
use crate::sketch::{Role, TensorSketch};
use crate::storage::Dtype;

/// Largest `1 − similarity` of a re-encoding: a change of float type or layout
/// (spec/fingerprint.md §6.1).
pub const REENCODED_MAX_DISTANCE: f64 = 1e-4;
/// Largest `1 − similarity` of a lossy copy: quantisation down to 4 bits
/// (spec/fingerprint.md §6.1).
pub const LOSSY_MAX_DISTANCE: f64 = 0.02;
/// Smallest |similarity| of two correlated tensors: well above what unrelated tensors reach,
/// for a single pair and for the best of many (spec/fingerprint.md §6.1).
pub const CORRELATED_MIN: f64 = 0.5;
/// Share of compared matrices that must be at the lossy level or closer for quantisation
/// (spec/fingerprint.md §6.3).
pub const QUANTIZED_MIN_SHARE: f64 = 0.9;
/// Share of compared matrices that must be correlated for a fine-tune (spec/fingerprint.md
/// §6.3).
pub const FINETUNE_MIN_SHARE: f64 = 0.5;
/// Share of the parent's matrices a repackaging must carry (spec/fingerprint.md §7).
pub const COVERAGE_MIN: f64 = 0.9;
/// Smallest shared suffix (in name components) for a suffix match (spec/fingerprint.md §6.2).
pub const MIN_SUFFIX: usize = 3;

/// How close two matched tensors are (spec/fingerprint.md §6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Bit-identical sketches: the same values in the same element type.
    Identical,
    /// `1 − similarity` ≤ [`REENCODED_MAX_DISTANCE`]: the same values in another float type
    /// or layout.
    ReEncoded,
    /// `1 − similarity` ≤ [`LOSSY_MAX_DISTANCE`]: the same values with quantisation noise (or
    /// very small training updates).
    Lossy,
    /// |similarity| ≥ [`CORRELATED_MIN`]: clearly derived, but trained further.
    Correlated,
    /// Below: no evidence of a common origin.
    Uncorrelated,
}

impl Level {
    /// The level of a similarity, `identical` when the sketches are bit-identical.
    pub fn of(similarity: f64, identical: bool) -> Level {
        if identical {
            Level::Identical
        } else if 1.0 - similarity <= REENCODED_MAX_DISTANCE {
            Level::ReEncoded
        } else if 1.0 - similarity <= LOSSY_MAX_DISTANCE {
            Level::Lossy
        } else if similarity.abs() >= CORRELATED_MIN {
            Level::Correlated
        } else {
            Level::Uncorrelated
        }
    }
}

/// How a pair was matched (spec/fingerprint.md §6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    /// Same canonical name.
    Name,
    /// The longest shared dotted suffix (at least [`MIN_SUFFIX`] components), unique on both
    /// sides: exporter prefixes such as `model.0.auto_model.`.
    Suffix,
    /// No usable name: the most similar tensor of the same shape, accepted only at
    /// [`CORRELATED_MIN`] or above.
    Values,
}

/// Two matched tensors (spec/fingerprint.md §6.2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// The tensor's name in the first fingerprint (the candidate child).
    pub child: String,
    /// Its counterpart in the second (the candidate parent).
    pub parent: String,
    /// How they were matched.
    pub matched_by: MatchedBy,
    /// The child tensor's role.
    pub role: Role,
    /// The child's element type.
    pub child_dtype: Dtype,
    /// The parent's element type.
    pub parent_dtype: Dtype,
    /// Estimated Pearson correlation of their values.
    pub similarity: f64,
    /// Its level.
    pub level: Level,
    /// Ratio of the sampled standard deviations, child / parent.
    pub std_ratio: f64,
    /// The row counts differ (same power-of-two bucket): a vocabulary resize. Such pairs are
    /// reported but left out of the classification (spec/fingerprint.md §6.4).
    pub rows_changed: bool,
}

/// A child tensor without a counterpart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmatched {
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Whether the parent had tensors of the same shape it was compared with (and none was
    /// similar enough to match by values); `false` when nothing of its shape exists there.
    pub comparable: bool,
}

/// What comparing two fingerprints found (spec/fingerprint.md §6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Matched pairs, in the child's name order.
    pub pairs: Vec<Pair>,
    /// Child tensors left without a counterpart.
    pub unmatched: Vec<Unmatched>,
    /// Matrices (and embeddings) in the child, buffers excluded.
    pub child_matrices: usize,
    /// Matrices (and embeddings) in the parent, buffers excluded.
    pub parent_matrices: usize,
}

/// Compares a candidate child's fingerprint with a candidate parent's (spec/fingerprint.md
/// §6.2). Sketches of different lengths are never compared (their similarity is 0).
///
/// Matching, in order, each tensor at most once on each side:
///
/// 1. **near-copies by values**: within each grid key, pairs at the lossy level or closer,
///    most similar first — unambiguous, and right even when layers were renumbered;
/// 2. **names**: the same canonical name, else the longest shared dotted suffix (at least
///    [`MIN_SUFFIX`] components) when it is unique on both sides — unless the named pair is
///    uncorrelated, in which case both go on to step 3 and the pair is restored only if
///    neither finds a better match;
/// 3. **values**: the most similar remaining tensor of the same grid key, accepted at
///    |similarity| ≥ [`CORRELATED_MIN`].
pub fn compare(child: &Fingerprint, parent: &Fingerprint) -> Evidence {
    let a = &child.tensors;
    let b = &parent.tensors;
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut pairs: Vec<(usize, usize, MatchedBy)> = Vec::new();

    let mut by_key: HashMap<(GridKey, bool), Vec<usize>> = HashMap::new();
    for (j, t) in b.iter().enumerate() {
        if let Some(k) = t.grid_key() {
            by_key.entry((k, t.role.is_matrix())).or_default().push(j);
        }
    }
    let same_key = |t: &TensorSketch| -> &[usize] {
        t.grid_key()
            .and_then(|k| by_key.get(&(k, t.role.is_matrix())))
            .map_or(&[], Vec::as_slice)
    };

    // Name proposals: exact name, else unique longest suffix.
    let b_index: HashMap<&str, usize> = b
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let comps_b: Vec<Vec<&str>> = b.iter().map(|t| names::components(&t.name)).collect();
    let mut proposal: Vec<Option<(usize, MatchedBy)>> = vec![None; a.len()];
    for (i, t) in a.iter().enumerate() {
        if let Some(&j) = b_index.get(t.name.as_str()) {
            proposal[i] = Some((j, MatchedBy::Name));
            continue;
        }
        if names::is_anonymous(&t.name) {
            continue;
        }
        let ca = names::components(&t.name);
        let mut best = (0usize, None, false);
        for &j in same_key(t) {
            let s = names::common_suffix(&ca, &comps_b[j]);
            if s > best.0 {
                best = (s, Some(j), true);
            } else if s == best.0 {
                best.2 = false;
            }
        }
        if let (s, Some(j), true) = best {
            if s >= MIN_SUFFIX {
                proposal[i] = Some((j, MatchedBy::Suffix));
            }
        }
    }
    // A suffix proposal stands only if no other child proposes the same parent tensor.
    let mut claims: HashMap<usize, usize> = HashMap::new();
    for p in proposal.iter().flatten() {
        *claims.entry(p.0).or_default() += 1;
    }
    for p in &mut proposal {
        if matches!(p, Some((j, MatchedBy::Suffix)) if claims[j] > 1) {
            *p = None;
        }
    }
    let how = |i: usize, j: usize, proposal: &[Option<(usize, MatchedBy)>]| match proposal[i] {
        Some((pj, m)) if pj == j => m,
        _ => MatchedBy::Values,
    };

    // Unit-length bucket vectors, computed once: the all-pairs loops below are dot products.
    let unit = |t: &TensorSketch| -> Vec<f32> {
        let v: Vec<f32> = t.projection.iter().map(|x| x.to_f32()).collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if n > 0.0 {
            v.into_iter().map(|x| x / n).collect()
        } else {
            v
        }
    };
    let ua: Vec<Vec<f32>> = a.iter().map(unit).collect();
    let ub: Vec<Vec<f32>> = b.iter().map(unit).collect();
    let sim = |i: usize, j: usize| -> f64 {
        if ua[i].len() != ub[j].len() || a[i].grid_key() != b[j].grid_key() {
            return 0.0;
        }
        let d: f64 = ua[i]
            .iter()
            .zip(&ub[j])
            .map(|(x, y)| f64::from(*x) * f64::from(*y))
            .sum();
        d.clamp(-1.0, 1.0)
    };

    // 0. Name proposals that are near-copies are taken at once (the common case: no search).
    for (i, p) in proposal.iter().enumerate() {
        let Some((j, m)) = *p else { continue };
        let (x, y) = (&a[i], &b[j]);
        if used_b[j] || x.grid_key() != y.grid_key() {
            continue;
        }
        if x.identical(y) || 1.0 - sim(i, j) <= LOSSY_MAX_DISTANCE {
            pairs.push((i, j, m));
            used_a[i] = true;
            used_b[j] = true;
        }
    }

    // 1. Near-copies by values.
    let mut close: Vec<(f64, usize, usize)> = Vec::new();
    let mut comparable = vec![false; a.len()];
    for (i, t) in a.iter().enumerate() {
        for &j in same_key(t) {
            if (t.role == Role::Buffer) != (b[j].role == Role::Buffer) {
                continue;
            }
            comparable[i] |= t.role != Role::Buffer;
            if used_a[i] || used_b[j] {
                continue;
            }
            let s = sim(i, j);
            if t.identical(&b[j]) {
                close.push((2.0, i, j));
            } else if 1.0 - s <= LOSSY_MAX_DISTANCE {
                close.push((s, i, j));
            }
        }
    }
    close.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    for (_, i, j) in close {
        if !used_a[i] && !used_b[j] {
            pairs.push((i, j, how(i, j, &proposal)));
            used_a[i] = true;
            used_b[j] = true;
        }
    }

    // 2. Names; uncorrelated named pairs are held back for step 3.
    let mut held: Vec<(usize, usize, MatchedBy)> = Vec::new();
    for (i, p) in proposal.iter().enumerate() {
        let Some((j, m)) = *p else { continue };
        if used_a[i] || used_b[j] {
            continue;
        }
        let (x, y) = (&a[i], &b[j]);
        if x.grid_key() == y.grid_key() && sim(i, j).abs() < CORRELATED_MIN {
            held.push((i, j, m));
        } else {
            pairs.push((i, j, m));
            used_a[i] = true;
            used_b[j] = true;
        }
    }

    // 3. By values, threshold CORRELATED_MIN.
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (i, t) in a.iter().enumerate() {
        if used_a[i] || t.role == Role::Buffer {
            continue;
        }
        for &j in same_key(t) {
            if used_b[j] || b[j].role == Role::Buffer {
                continue;
            }
            let s = sim(i, j).abs();
            if s >= CORRELATED_MIN {
                candidates.push((s, i, j));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    for (_, i, j) in candidates {
        if !used_a[i] && !used_b[j] {
            pairs.push((i, j, how(i, j, &proposal)));
            used_a[i] = true;
            used_b[j] = true;
        }
    }
    for (i, j, m) in held {
        if !used_a[i] && !used_b[j] {
            pairs.push((i, j, m));
            used_a[i] = true;
            used_b[j] = true;
        }
    }

    pairs.sort_by(|x, y| a[x.0].name.cmp(&a[y.0].name));
    let pairs = pairs
        .into_iter()
        .map(|(i, j, how)| pair(&a[i], &b[j], how, sim(i, j)))
        .collect();
    let unmatched = a
        .iter()
        .enumerate()
        .filter(|(i, _)| !used_a[*i])
        .map(|(i, t)| Unmatched {
            name: t.name.clone(),
            role: t.role,
            comparable: comparable[i],
        })
        .collect();
    let count = |v: &[TensorSketch]| v.iter().filter(|t| t.role.is_matrix()).count();
    Evidence {
        pairs,
        unmatched,
        child_matrices: count(a),
        parent_matrices: count(b),
    }
}

fn pair(a: &TensorSketch, b: &TensorSketch, how: MatchedBy, similarity: f64) -> Pair {
    let identical = a.identical(b);
    let std_ratio = if b.std > 0.0 {
        f64::from(a.std) / f64::from(b.std)
    } else {
        0.0
    };
    Pair {
        child: a.name.clone(),
        parent: b.name.clone(),
        matched_by: how,
        role: a.role,
        child_dtype: a.dtype,
        parent_dtype: b.dtype,
        similarity,
        level: if a.grid_key() == b.grid_key() {
            Level::of(similarity, identical)
        } else {
            Level::Uncorrelated
        },
        std_ratio,
        rows_changed: a.dims.first() != b.dims.first() && a.dims.len() == b.dims.len(),
    }
}

/// What the evidence says the two models are (spec/fingerprint.md §6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LooksLike {
    /// Every compared tensor is bit-identical (possibly a subset of the parent's layers: see
    /// [`Summary::parent_coverage`]).
    Copy,
    /// Every compared matrix is the parent's at re-encoding precision (another float type,
    /// layout or format).
    ReEncoding,
    /// The matrices carry quantisation noise (a quantised element type on one side, or
    /// uniformly lossy matrices with the vectors untouched).
    Quantization,
    /// Most matrices are correlated but moved: trained further from the parent.
    Finetune,
    /// A few tensors (often only the embeddings) are correlated: a common ancestor, the rest
    /// re-trained.
    SharedAncestor,
    /// Comparable tensors exist and none is correlated.
    Unrelated,
    /// No tensor of the child has a counterpart of the same shape: no evidence either way.
    Incomparable,
}

impl fmt::Display for LooksLike {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LooksLike::Copy => "copy",
            LooksLike::ReEncoding => "re-encoding",
            LooksLike::Quantization => "quantization",
            LooksLike::Finetune => "finetune",
            LooksLike::SharedAncestor => "shared-ancestor",
            LooksLike::Unrelated => "unrelated",
            LooksLike::Incomparable => "incomparable",
        })
    }
}

/// Counts behind a classification (spec/fingerprint.md §6.3).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Matrices compared: matched pairs (vocabulary resizes excluded) plus child matrices that
    /// had same-shaped candidates but no match (counted as uncorrelated).
    pub matrices_compared: usize,
    /// Of those, how many at each level: identical, re-encoded, lossy, correlated,
    /// uncorrelated.
    pub identical: usize,
    /// Re-encoded matrices.
    pub reencoded: usize,
    /// Lossy matrices.
    pub lossy: usize,
    /// Correlated matrices.
    pub correlated: usize,
    /// Uncorrelated matrices (including unmatched comparable ones).
    pub uncorrelated: usize,
    /// Vector pairs compared, and how many are at re-encoding level or closer.
    pub vectors_compared: usize,
    /// Vector pairs at re-encoding level or closer.
    pub vectors_unchanged: usize,
    /// Whether a compared matrix is stored quantised on either side.
    pub quantized_dtype: bool,
    /// Matrix pairs whose row count changed (vocabulary resize).
    pub rows_changed: usize,
    /// Share of the child's matrices that were matched.
    pub child_coverage: f64,
    /// Share of the parent's matrices that were matched.
    pub parent_coverage: f64,
    /// Whether every correlated matrix is an embedding.
    pub embeddings_only: bool,
    /// The only correlated matrix is bit-identical to its counterpart while nothing else is
    /// correlated: likely a fixed table that escaped the buffer patterns, ignored.
    pub identical_island_ignored: bool,
    /// The median similarity over matched matrices (0 when none).
    pub median_similarity: f64,
}

impl Evidence {
    /// Matrix pairs used by the classification (buffers and vocabulary resizes excluded).
    fn matrix_pairs(&self) -> impl Iterator<Item = &Pair> {
        self.pairs
            .iter()
            .filter(|p| p.role.is_matrix() && !p.rows_changed)
    }

    /// The counts behind [`Evidence::relation`].
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        let mut sims = Vec::new();
        for p in self.matrix_pairs() {
            s.matrices_compared += 1;
            sims.push(p.similarity);
            match p.level {
                Level::Identical => s.identical += 1,
                Level::ReEncoded => s.reencoded += 1,
                Level::Lossy => s.lossy += 1,
                Level::Correlated => s.correlated += 1,
                Level::Uncorrelated => s.uncorrelated += 1,
            }
            s.quantized_dtype |= p.child_dtype.is_quantized() || p.parent_dtype.is_quantized();
        }
        let unmatched_comparable = self
            .unmatched
            .iter()
            .filter(|u| u.comparable && u.role.is_matrix())
            .count();
        s.matrices_compared += unmatched_comparable;
        s.uncorrelated += unmatched_comparable;
        for p in self.pairs.iter().filter(|p| p.role == Role::Vector) {
            s.vectors_compared += 1;
            // A narrower float type rounds vectors of gains near 1 visibly relative to their
            // spread: up to the lossy level counts as unchanged then (spec/fingerprint.md §6.3).
            let narrowed = p.child_dtype.precision_bits() < p.parent_dtype.precision_bits();
            if p.level <= Level::ReEncoded || (narrowed && p.level <= Level::Lossy) {
                s.vectors_unchanged += 1;
            }
        }
        s.rows_changed = self
            .pairs
            .iter()
            .filter(|p| p.role.is_matrix() && p.rows_changed)
            .count();
        let matched = self.pairs.iter().filter(|p| p.role.is_matrix()).count();
        let share = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
        s.child_coverage = share(matched, self.child_matrices);
        s.parent_coverage = share(matched, self.parent_matrices);
        let correlated: Vec<&Pair> = self
            .matrix_pairs()
            .filter(|p| p.level <= Level::Correlated)
            .collect();
        s.embeddings_only =
            !correlated.is_empty() && correlated.iter().all(|p| p.role == Role::Embedding);
        s.identical_island_ignored = correlated.len() == 1
            && correlated[0].level == Level::Identical
            && s.matrices_compared > 1;
        sims.sort_by(f64::total_cmp);
        s.median_similarity = sims.get(sims.len() / 2).copied().unwrap_or(0.0);
        s
    }

    /// The classification (spec/fingerprint.md §6.3), in this order:
    ///
    /// 1. no matrix compared → [`LooksLike::Incomparable`];
    /// 2. every compared matrix and vector identical → [`LooksLike::Copy`];
    /// 3. a quantised element type on either side and ≥ 90 % of matrices lossy or closer →
    ///    [`LooksLike::Quantization`];
    /// 4. every matrix re-encoded or closer → [`LooksLike::ReEncoding`];
    /// 5. ≥ 90 % lossy or closer, at least half exactly lossy, and every vector unchanged →
    ///    [`LooksLike::Quantization`] (a quantised model re-released in a float type);
    /// 6. ≥ 50 % correlated or closer → [`LooksLike::Finetune`];
    /// 7. at least one correlated matrix (a lone identical one excepted) →
    ///    [`LooksLike::SharedAncestor`];
    /// 8. otherwise [`LooksLike::Unrelated`].
    pub fn relation(&self) -> LooksLike {
        let s = self.summary();
        let n = s.matrices_compared;
        if n == 0 {
            return LooksLike::Incomparable;
        }
        let share = |k: usize| k as f64 / n as f64;
        let lossy_or_closer = s.identical + s.reencoded + s.lossy;
        let correlated_or_closer = lossy_or_closer + s.correlated;
        if s.identical == n
            && s.vectors_unchanged == s.vectors_compared
            && self
                .pairs
                .iter()
                .filter(|p| p.role == Role::Vector)
                .all(|p| p.level == Level::Identical)
        {
            return LooksLike::Copy;
        }
        if s.quantized_dtype && share(lossy_or_closer) >= QUANTIZED_MIN_SHARE {
            return LooksLike::Quantization;
        }
        if s.identical + s.reencoded == n {
            return LooksLike::ReEncoding;
        }
        if share(lossy_or_closer) >= QUANTIZED_MIN_SHARE
            && share(s.lossy) >= 0.5
            && s.vectors_unchanged == s.vectors_compared
        {
            return LooksLike::Quantization;
        }
        if share(correlated_or_closer) >= FINETUNE_MIN_SHARE {
            return LooksLike::Finetune;
        }
        if correlated_or_closer > 0 && !s.identical_island_ignored {
            return LooksLike::SharedAncestor;
        }
        LooksLike::Unrelated
    }

    /// The pairs that carry the classification: correlated or closer, most similar first.
    pub fn carried_by(&self) -> Vec<&Pair> {
        let mut v: Vec<&Pair> = self
            .pairs
            .iter()
            .filter(|p| p.role != Role::Buffer && p.level <= Level::Correlated)
            .collect();
        v.sort_by(|x, y| y.similarity.total_cmp(&x.similarity));
        v
    }

    /// Buffers matched between the two (fixed tables, never counted).
    pub fn buffers(&self) -> Vec<&Pair> {
        self.pairs
            .iter()
            .filter(|p| p.role == Role::Buffer)
            .collect()
    }

    /// The child tensors' names that found no counterpart, for reports.
    pub fn unmatched_names(&self) -> HashSet<&str> {
        self.unmatched.iter().map(|u| u.name.as_str()).collect()
    }
}
