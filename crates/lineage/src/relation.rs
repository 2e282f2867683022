//! Relation rules: what each relation implies about the weights of child and parent
//! (spec/lineage.md §4).
use std::collections::{BTreeMap, BTreeSet};

use sceau_core::{Artifact, ArtifactKind, Relation, Release, Sha256Digest, WeightFormat};

use super::FindingKind;

/// `quantized`: the child's total parameter count may differ from the parent's by at most
/// this percentage of the parent's (spec/lineage.md §4.3).
pub const QUANTIZED_PARAMETER_TOLERANCE_PERCENT: u64 = 1;

/// `adapter`: the adapter's own weights may hold at most this percentage of the parent's
/// parameters (spec/lineage.md §4.4).
pub const ADAPTER_MAX_PARAMETER_PERCENT: u64 = 10;

/// Safetensors element types that pack several quantised values per element (GPTQ/AWQ in
/// `I32`, bitsandbytes 4-bit in `U8`): their element count is not a parameter count
/// (spec/lineage.md §4.1).
const PACKED_DTYPES: &[&str] = &["U8", "U16", "U32", "U64", "I16", "I32", "I64"];

/// What one edge's rules found.
pub(super) struct EdgeCheck {
    /// (kind, detail, fatal).
    pub findings: Vec<(FindingKind, String, bool)>,
    /// What held, for the report's pass line.
    pub summary: String,
}

fn weights(r: &Release) -> Vec<&Artifact> {
    r.artifacts
        .iter()
        .filter(|a| a.kind == ArtifactKind::Weights)
        .collect()
}

fn digests(ws: &[&Artifact]) -> BTreeSet<Sha256Digest> {
    ws.iter().map(|a| a.sha256).collect()
}

fn paths(ws: &[&Artifact]) -> String {
    ws.iter()
        .map(|a| a.path.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn short(d: &Sha256Digest) -> String {
    let mut h = d.to_hex();
    h.truncate(12);
    h
}

/// Why a parameter count is not known (spec/lineage.md §4.1).
#[derive(Debug, thiserror::Error)]
enum Uncounted {
    #[error("no weight files")]
    NoWeights,
    #[error("no header was read for {0}")]
    NoHeader(sceau_core::RelPath),
    #[error(
        "{path} holds packed integer tensors ({dtype}): element counts are not parameter counts"
    )]
    Packed {
        path: sceau_core::RelPath,
        dtype: String,
    },
}

/// The total parameter count of `ws` from their headers, or why it is not known
/// (spec/lineage.md §4.1).
fn counted(ws: &[&Artifact]) -> Result<u64, Uncounted> {
    if ws.is_empty() {
        return Err(Uncounted::NoWeights);
    }
    let mut total = 0u64;
    for a in ws {
        let Some(w) = &a.weights else {
            return Err(Uncounted::NoHeader(a.path.clone()));
        };
        if w.format == WeightFormat::Safetensors {
            if let Some(dt) = w
                .dtypes
                .keys()
                .find(|k| PACKED_DTYPES.contains(&k.as_str()))
            {
                return Err(Uncounted::Packed {
                    path: a.path.clone(),
                    dtype: dt.clone(),
                });
            }
        }
        total = total.saturating_add(w.parameter_count);
    }
    Ok(total)
}

/// `part` as a percentage of `whole`, two decimals, for people.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "n/a".into();
    }
    let bp = (u128::from(part) * 10_000) / u128::from(whole);
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// Whether |a − b| ≤ pct % of b.
fn within(a: u64, b: u64, pct: u64) -> bool {
    let diff = u128::from(a.abs_diff(b));
    diff * 100 <= u128::from(b) * u128::from(pct)
}

/// Checks one edge (spec/lineage.md §4.2–§4.6). `tokenizer_changed`: the child declared a
/// tokenizer change.
pub(super) fn check_edge(
    child: &Release,
    parent: &Release,
    relation: Relation,
    tokenizer_changed: bool,
) -> EdgeCheck {
    let mut out = EdgeCheck {
        findings: Vec::new(),
        summary: String::new(),
    };
    let cw = weights(child);
    let pw = weights(parent);
    // §4.2: every relation is between two models.
    if cw.is_empty() {
        out.findings.push((
            FindingKind::RelationNoWeights,
            format!(
                "{} {} lists no weight files, so it cannot be a {relation} of anything",
                child.name, child.version
            ),
            true,
        ));
    }
    if pw.is_empty() {
        let fatal = relation != Relation::Distill;
        out.findings.push((
            FindingKind::RelationNoWeights,
            if fatal {
                format!(
                    "parent {} {} lists no weight files, so nothing can be a {relation} of it",
                    parent.name, parent.version
                )
            } else {
                format!(
                    "distill rule not checked: the teacher {} {} lists no weight files",
                    parent.name, parent.version
                )
            },
            fatal,
        ));
    }
    if cw.is_empty() || pw.is_empty() {
        return out;
    }
    let pd = digests(&pw);
    let mut facts: Vec<String> = Vec::new();
    match relation {
        Relation::Repackage => {
            let mut c: Vec<Sha256Digest> = cw.iter().map(|a| a.sha256).collect();
            let mut p: Vec<Sha256Digest> = pw.iter().map(|a| a.sha256).collect();
            c.sort();
            p.sort();
            if c == p {
                facts.push(format!("weights identical ({} file(s))", c.len()));
            } else {
                let cd = digests(&cw);
                let added: Vec<String> = cw
                    .iter()
                    .filter(|a| !pd.contains(&a.sha256))
                    .map(|a| format!("{} (sha256:{})", a.path, short(&a.sha256)))
                    .collect();
                let dropped: Vec<String> = pw
                    .iter()
                    .filter(|a| !cd.contains(&a.sha256))
                    .map(|a| format!("{} (sha256:{})", a.path, short(&a.sha256)))
                    .collect();
                let mut detail = format!(
                    "a repackage must carry exactly the parent's weights, but the weight files \
                     differ ({} here, {} in the parent)",
                    c.len(),
                    p.len()
                );
                if !added.is_empty() {
                    detail.push_str(&format!("; not the parent's: {}", added.join(", ")));
                }
                if !dropped.is_empty() {
                    detail.push_str(&format!("; parent's not carried: {}", dropped.join(", ")));
                }
                out.findings
                    .push((FindingKind::RelationRepackageWeightsChanged, detail, true));
            }
        }
        Relation::Quantized => {
            let same: Vec<&Artifact> = cw
                .iter()
                .copied()
                .filter(|a| pd.contains(&a.sha256))
                .collect();
            if same.is_empty() {
                facts.push("weights differ".into());
            } else {
                out.findings.push((
                    FindingKind::RelationQuantizedWeightsIdentical,
                    format!(
                        "a quantisation must change the weights, but these files are the \
                         parent's, byte for byte: {}",
                        paths(&same)
                    ),
                    true,
                ));
            }
            match (counted(&cw), counted(&pw)) {
                (Ok(c), Ok(p)) if p > 0 => {
                    if within(c, p, QUANTIZED_PARAMETER_TOLERANCE_PERCENT) {
                        facts.push(format!(
                            "{c} parameters vs the parent's {p} (within {QUANTIZED_PARAMETER_TOLERANCE_PERCENT}%)"
                        ));
                    } else {
                        out.findings.push((
                            FindingKind::RelationQuantizedParameters,
                            format!(
                                "a quantisation keeps the parameter count, but the headers give \
                                 {c} here and {p} in the parent (a difference of {} of the \
                                 parent's; the tolerance is {QUANTIZED_PARAMETER_TOLERANCE_PERCENT}%)",
                                percent(c.abs_diff(p), p)
                            ),
                            true,
                        ));
                    }
                }
                (c, p) => {
                    let why = match (c, p) {
                        (Err(e), _) => format!("here: {e}"),
                        (_, Err(e)) => format!("in the parent: {e}"),
                        _ => "the parent's headers count 0 parameters".into(),
                    };
                    out.findings.push((
                        FindingKind::RelationQuantizedParameters,
                        format!("parameter count not checked: {why}"),
                        false,
                    ));
                }
            }
            tokenizer_rule(child, parent, tokenizer_changed, &mut out, &mut facts);
        }
        Relation::Adapter => {
            let by_path: BTreeMap<&str, &Artifact> =
                pw.iter().map(|a| (a.path.as_str(), *a)).collect();
            let modified: Vec<String> = child
                .artifacts
                .iter()
                .filter_map(|a| {
                    let p = by_path.get(a.path.as_str())?;
                    (p.sha256 != a.sha256).then(|| {
                        format!(
                            "{} (sha256:{} here, sha256:{} in the parent)",
                            a.path,
                            short(&a.sha256),
                            short(&p.sha256)
                        )
                    })
                })
                .collect();
            if !modified.is_empty() {
                out.findings.push((
                    FindingKind::RelationAdapterParentWeightsModified,
                    format!(
                        "parent weight files present in an adapter must be the parent's, but \
                         these differ: {}",
                        modified.join(", ")
                    ),
                    true,
                ));
            }
            let own: Vec<&Artifact> = cw
                .iter()
                .copied()
                .filter(|a| !pd.contains(&a.sha256))
                .collect();
            let not_adapter: Vec<&Artifact> = own
                .iter()
                .copied()
                .filter(|a| {
                    !a.path
                        .as_str()
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase()
                        .contains("adapter")
                })
                .collect();
            if !not_adapter.is_empty() {
                out.findings.push((
                    FindingKind::RelationAdapterNotAdapterOnly,
                    format!(
                        "an adapter's weight files are the parent's or adapter files (name \
                         containing \"adapter\"), but these are neither: {}",
                        paths(&not_adapter)
                    ),
                    true,
                ));
            }
            if own.is_empty() {
                out.findings.push((
                    FindingKind::RelationWeightsUnchanged,
                    "an adapter adds weights of its own, but every weight file here is the \
                     parent's"
                        .into(),
                    true,
                ));
            } else {
                match (counted(&own), counted(&pw)) {
                    (Ok(a), Ok(p)) if p > 0 => {
                        if u128::from(a) * 100
                            <= u128::from(p) * u128::from(ADAPTER_MAX_PARAMETER_PERCENT)
                        {
                            facts.push(format!(
                                "adapter weights only ({} file(s), {a} parameters, {} of the parent's)",
                                own.len(),
                                percent(a, p)
                            ));
                        } else {
                            out.findings.push((
                                FindingKind::RelationAdapterNotAdapterOnly,
                                format!(
                                    "an adapter's own weights hold at most \
                                     {ADAPTER_MAX_PARAMETER_PERCENT}% of the parent's parameters, \
                                     but {} hold {a}, {} of the parent's {p}",
                                    paths(&own),
                                    percent(a, p)
                                ),
                                true,
                            ));
                        }
                    }
                    (a, p) => {
                        let why = match (a, p) {
                            (Err(e), _) => format!("here: {e}"),
                            (_, Err(e)) => format!("in the parent: {e}"),
                            _ => "the parent's headers count 0 parameters".into(),
                        };
                        out.findings.push((
                            FindingKind::RelationAdapterNotAdapterOnly,
                            format!("adapter size not checked: {why}"),
                            false,
                        ));
                    }
                }
            }
            let carried = cw.len() - own.len();
            if modified.is_empty() {
                facts.push(if carried == 0 {
                    "no parent weights redistributed".into()
                } else {
                    format!("{carried} parent weight file(s) carried unmodified")
                });
            }
        }
        Relation::Merge => {
            if cw.iter().all(|a| pd.contains(&a.sha256)) {
                out.findings.push((
                    FindingKind::RelationWeightsUnchanged,
                    format!(
                        "a merge makes new weights, but every weight file here is this \
                         parent's: {}",
                        paths(&cw)
                    ),
                    true,
                ));
            } else {
                facts.push("weights differ from this parent's".into());
            }
        }
        Relation::Finetune | Relation::Distill | Relation::ContinuedPretraining => {
            let same: Vec<&Artifact> = cw
                .iter()
                .copied()
                .filter(|a| pd.contains(&a.sha256))
                .collect();
            if same.is_empty() {
                facts.push("weights differ".into());
            } else {
                out.findings.push((
                    FindingKind::RelationWeightsUnchanged,
                    format!(
                        "a {relation} changes every weight file, but these are the parent's, \
                         byte for byte: {}",
                        paths(&same)
                    ),
                    true,
                ));
            }
        }
    }
    out.summary = facts.join(", ");
    out
}

/// §4.3: a quantisation keeps the tokenizer unless it declares otherwise.
fn tokenizer_rule(
    child: &Release,
    parent: &Release,
    declared: bool,
    out: &mut EdgeCheck,
    facts: &mut Vec<String>,
) {
    let toks = |r: &Release| -> BTreeMap<String, Sha256Digest> {
        r.artifacts
            .iter()
            .filter(|a| a.kind == ArtifactKind::Tokenizer)
            .map(|a| (a.path.as_str().to_owned(), a.sha256))
            .collect()
    };
    let (ct, pt) = (toks(child), toks(parent));
    if declared {
        out.findings.push((
            FindingKind::RelationQuantizedTokenizerChanged,
            "tokenizer not compared: the release declares a tokenizer change".into(),
            false,
        ));
        return;
    }
    if ct.is_empty() {
        if pt.is_empty() {
            facts.push("no tokenizer files on either side".into());
        } else {
            out.findings.push((
                FindingKind::RelationQuantizedTokenizerChanged,
                format!(
                    "tokenizer not compared: no tokenizer files here (the parent has {}); a \
                     GGUF file carries its own",
                    pt.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
                false,
            ));
        }
        return;
    }
    let mut changed = Vec::new();
    for (path, d) in &ct {
        match pt.get(path) {
            Some(p) if p == d => {}
            Some(p) => changed.push(format!(
                "{path} (sha256:{} here, sha256:{} in the parent)",
                short(d),
                short(p)
            )),
            None => changed.push(format!("{path} (not in the parent)")),
        }
    }
    if changed.is_empty() {
        facts.push(format!("tokenizer identical ({} file(s))", ct.len()));
    } else {
        out.findings.push((
            FindingKind::RelationQuantizedTokenizerChanged,
            format!(
                "a quantisation keeps the parent's tokenizer unless it declares a change, but \
                 these tokenizer files differ: {}",
                changed.join(", ")
            ),
            true,
        ));
    }
}
