//! Licence inheritance: the terms that flow from an ancestor's licence to every release
//! derived from it, and whether a release's declared licence keeps them (spec/lineage.md §5).
use std::collections::{BTreeMap, BTreeSet};

use sceau_core::claims::InheritedLicence;
use sceau_core::licence::spdx_id_ignoring_case;
use sceau_core::{ArtifactKind, Licence, MofComponent, Relation, Release, Sha256Digest};
use serde::Serialize;

use super::{
    node_label, AppliedGrant, Edge, Finding, FindingKind, Node, NodeStatus, VerifiedGrant,
};

/// A licence term that flows down to derived releases (spec/lineage.md §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LicenceTerm {
    /// No commercial use (CC BY-NC, research-only model licences).
    NonCommercial,
    /// No derived works (CC BY-ND): only a repackage may follow.
    NoDerivatives,
    /// Derived works under the same licence (CC BY-SA, GPL family).
    ShareAlike,
    /// Derived works under a Llama licence, keeping its licence and naming terms.
    LlamaLicence,
    /// Derived works under the Gemma terms.
    GemmaTerms,
    /// Use restrictions that must be passed on (OpenRAIL, RAIL-M).
    UseRestrictions,
    /// A licence whose terms sceau does not know: cannot be checked.
    UnknownTerms,
}

impl LicenceTerm {
    /// Every term.
    pub const ALL: [LicenceTerm; 7] = [
        LicenceTerm::NonCommercial,
        LicenceTerm::NoDerivatives,
        LicenceTerm::ShareAlike,
        LicenceTerm::LlamaLicence,
        LicenceTerm::GemmaTerms,
        LicenceTerm::UseRestrictions,
        LicenceTerm::UnknownTerms,
    ];

    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            LicenceTerm::NonCommercial => "non-commercial",
            LicenceTerm::NoDerivatives => "no-derivatives",
            LicenceTerm::ShareAlike => "share-alike",
            LicenceTerm::LlamaLicence => "llama-licence",
            LicenceTerm::GemmaTerms => "gemma-terms",
            LicenceTerm::UseRestrictions => "use-restrictions",
            LicenceTerm::UnknownTerms => "unknown-terms",
        }
    }
}

impl std::fmt::Display for LicenceTerm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Named (Hugging Face) licences that forbid commercial use (spec/lineage.md §5.1).
const NON_COMMERCIAL_NAMED: &[&str] = &[
    "fair-noncommercial-research-license",
    "deepfloyd-if-license",
    "apple-amlr",
    "intel-research",
];

/// The Llama community licences.
const LLAMA: &[&str] = &[
    "llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4",
];

/// Responsible AI licences with use restrictions.
const RAIL: &[&str] = &[
    "openrail",
    "openrail++",
    "bigscience-openrail-m",
    "creativeml-openrail-m",
    "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m",
];

/// Named licences known to pass no term down.
const NO_TERMS_NAMED: &[&str] = &["openmdw-1.0", "openmdw-1.1", "apple-ascl"];

/// Named share-alike licences: derived works keep the same id.
const SHARE_ALIKE_NAMED: &[&str] = &["lgpl-lr"];

/// The copyleft family of an SPDX id (`gpl`, `lgpl`, `agpl`), lower case.
fn copyleft_family(key: &str) -> Option<&'static str> {
    if key.starts_with("agpl-") {
        Some("agpl")
    } else if key.starts_with("lgpl-") {
        Some("lgpl")
    } else if key.starts_with("gpl-") {
        Some("gpl")
    } else {
        None
    }
}

/// Whether one licence (lower-case id) carries a term.
fn has(key: &str, term: LicenceTerm) -> bool {
    match term {
        LicenceTerm::NonCommercial => {
            key.starts_with("cc-by-nc-") || NON_COMMERCIAL_NAMED.contains(&key)
        }
        LicenceTerm::NoDerivatives => {
            key.starts_with("cc-by-nd-") || key.starts_with("cc-by-nc-nd-")
        }
        LicenceTerm::ShareAlike => {
            key.starts_with("cc-by-sa-")
                || key.starts_with("cc-by-nc-sa-")
                || copyleft_family(key).is_some()
                || SHARE_ALIKE_NAMED.contains(&key)
        }
        LicenceTerm::LlamaLicence => LLAMA.contains(&key),
        LicenceTerm::GemmaTerms => key == "gemma",
        LicenceTerm::UseRestrictions => RAIL.contains(&key),
        LicenceTerm::UnknownTerms => !known(key),
    }
}

/// Whether sceau knows what a licence (lower-case id) passes down: it is in the table, or
/// any other SPDX licence id (which passes nothing down).
fn known(key: &str) -> bool {
    LicenceTerm::ALL
        .iter()
        .filter(|t| **t != LicenceTerm::UnknownTerms)
        .any(|t| has(key, *t))
        || NO_TERMS_NAMED.contains(&key)
        || spdx_id_ignoring_case(key).is_some()
}

/// A licence as a formula over licence ids (lower case).
enum Expr {
    Spdx(Box<spdx::Expression>),
    Single(String),
}

fn req_key(req: &spdx::LicenseReq) -> String {
    match &req.license {
        spdx::LicenseItem::Spdx { id, .. } => id.name.to_ascii_lowercase(),
        spdx::LicenseItem::Other(r) => r.lic_ref.to_ascii_lowercase(),
    }
}

impl Expr {
    fn of(l: &Licence) -> Expr {
        match l {
            Licence::Named { id, .. } => Expr::Single(id.trim().to_ascii_lowercase()),
            Licence::Spdx { expression } => match spdx::Expression::parse(expression) {
                Ok(e) => Expr::Spdx(Box::new(e)),
                Err(_) => Expr::Single(expression.trim().to_ascii_lowercase()),
            },
        }
    }

    /// Whether a licensee can choose licences none of which satisfy `pred` (`OR`: either
    /// side; `AND`: both sides).
    fn can_avoid(&self, pred: impl Fn(&str) -> bool) -> bool {
        match self {
            Expr::Spdx(e) => e.evaluate(|req| !pred(&req_key(req))),
            Expr::Single(k) => !pred(k),
        }
    }

    /// Every licence id in the expression.
    fn keys(&self) -> Vec<String> {
        match self {
            Expr::Spdx(e) => e.requirements().map(|r| req_key(&r.req)).collect(),
            Expr::Single(k) => vec![k.clone()],
        }
    }
}

/// The terms that flow from a licence, each with the ids that carry it (spec/lineage.md
/// §5.2): a term flows when every choice the expression allows carries it.
fn flows(l: &Licence) -> Vec<(LicenceTerm, BTreeSet<String>)> {
    let e = Expr::of(l);
    LicenceTerm::ALL
        .iter()
        .filter(|t| !e.can_avoid(|k| has(k, **t)))
        .map(|t| {
            let keys = e.keys().into_iter().filter(|k| has(k, *t)).collect();
            (*t, keys)
        })
        .collect()
}

/// The terms that flow from `licence` to every release derived from it (spec/lineage.md §5).
pub fn flowing_terms(licence: &Licence) -> Vec<LicenceTerm> {
    flows(licence).into_iter().map(|(t, _)| t).collect()
}

/// Whether a derived release's licence keeps an inherited term (spec/lineage.md §5.4).
fn keeps(child: &Licence, term: LicenceTerm, keys: &BTreeSet<String>) -> bool {
    let e = Expr::of(child);
    match term {
        LicenceTerm::NonCommercial | LicenceTerm::NoDerivatives => !e.can_avoid(|k| has(k, term)),
        LicenceTerm::ShareAlike => !e.can_avoid(|k| {
            keys.iter()
                .any(|a| match (copyleft_family(a), copyleft_family(k)) {
                    (Some(fa), Some(fk)) => {
                        fa == fk || (fa == "lgpl" && matches!(fk, "gpl" | "agpl"))
                    }
                    _ => a == k,
                })
        }),
        LicenceTerm::LlamaLicence => !e.can_avoid(|k| k.starts_with("llama")),
        LicenceTerm::GemmaTerms => !e.can_avoid(|k| k.starts_with("gemma")),
        LicenceTerm::UseRestrictions => !e.can_avoid(|k| k.contains("rail")),
        LicenceTerm::UnknownTerms => !e.can_avoid(|k| keys.contains(k)),
    }
}

/// What the term asks of derived releases, for people.
fn asks(term: LicenceTerm, keys: &BTreeSet<String>) -> String {
    let ids = keys.iter().cloned().collect::<Vec<_>>().join(", ");
    match term {
        LicenceTerm::NonCommercial => "no commercial use, for it and every derived release".into(),
        LicenceTerm::NoDerivatives => "no derived works; a repackage keeps the licence".into(),
        LicenceTerm::ShareAlike => format!("derived releases under the same licence ({ids})"),
        LicenceTerm::LlamaLicence => "derived releases under a Llama licence (a named licence \
                                      whose id starts with \"llama\"), keeping its licence and \
                                      naming terms"
            .into(),
        LicenceTerm::GemmaTerms => "derived releases under the Gemma terms".into(),
        LicenceTerm::UseRestrictions => "derived releases passing the use restrictions on, \
                                         under a RAIL licence (id containing \"rail\")"
            .into(),
        LicenceTerm::UnknownTerms => format!("terms sceau does not know ({ids})"),
    }
}

/// An inherited term: which ancestor it comes from and whether the way down derives.
#[derive(Clone, Debug)]
struct Obligation {
    keys: BTreeSet<String>,
    /// Some link between the ancestor and this release is not a repackage.
    derived: bool,
    /// The relation of the first derivation seen, for people.
    via: Relation,
}

type Key = (LicenceTerm, Sha256Digest);

fn merge(into: &mut BTreeMap<Key, Obligation>, key: Key, ob: Obligation) {
    match into.get_mut(&key) {
        Some(o) => {
            if ob.derived && !o.derived {
                o.via = ob.via;
            }
            o.derived |= ob.derived;
            o.keys.extend(ob.keys);
        }
        None => {
            into.insert(key, ob);
        }
    }
}

/// Parents before children, over readable nodes; links closing a cycle are left out.
fn topo_order(
    releases: &BTreeMap<Sha256Digest, Release>,
    parents: &BTreeMap<Sha256Digest, Vec<(Sha256Digest, Relation)>>,
) -> Vec<Sha256Digest> {
    let mut state: BTreeMap<Sha256Digest, u8> = BTreeMap::new();
    let mut order = Vec::new();
    for start in releases.keys() {
        if state.contains_key(start) {
            continue;
        }
        state.insert(*start, 1);
        let mut stack: Vec<(Sha256Digest, usize)> = vec![(*start, 0)];
        while let Some((v, i)) = stack.last().copied() {
            let next = parents.get(&v).and_then(|ps| ps.get(i));
            if let Some(l) = stack.last_mut() {
                l.1 += 1;
            }
            match next {
                Some((p, _)) => {
                    if releases.contains_key(p) && !state.contains_key(p) {
                        state.insert(*p, 1);
                        stack.push((*p, 0));
                    }
                }
                None => {
                    state.insert(v, 2);
                    order.push(v);
                    stack.pop();
                }
            }
        }
    }
    order
}

/// The licence that governs a release's weights: its model-parameters claim's, else its
/// declared licence (spec/lineage.md §5.7).
pub(super) fn weights_licence(r: &Release) -> Option<&Licence> {
    r.claims
        .as_ref()
        .and_then(|c| c.component(MofComponent::ModelParameters))
        .and_then(|c| c.licence.as_ref())
        .or(r.licence.as_ref())
}

/// Every licence a release gives its weights besides its declared licence: the
/// model-parameters claim's and the weight files' own (spec/lineage.md §5.7).
fn other_weights_licences(r: &Release) -> Vec<(String, &Licence)> {
    let claimed = r
        .claims
        .as_ref()
        .and_then(|c| c.component(MofComponent::ModelParameters))
        .and_then(|c| c.licence.as_ref())
        .map(|l| ("its model-parameters claim".to_owned(), l));
    let files = r
        .artifacts
        .iter()
        .filter(|a| a.kind == ArtifactKind::Weights)
        .filter_map(|a| Some((format!("weight file {}", a.path), a.licence.as_ref()?)));
    let mut out: Vec<(String, &Licence)> = Vec::new();
    for (what, l) in claimed.into_iter().chain(files) {
        if Some(l) != r.licence.as_ref() && !out.iter().any(|(_, x)| *x == l) {
            out.push((what, l));
        }
    }
    out
}

/// What the licence check found: findings, grants used, and the licences the root's weights
/// inherit (spec/lineage.md §5.3–§5.7).
pub(super) struct LicenceOutcome {
    pub(super) findings: Vec<Finding>,
    pub(super) applied: Vec<AppliedGrant>,
    pub(super) inherited: Vec<InheritedLicence>,
}

/// Checks every readable release against the terms its ancestors pass down
/// (spec/lineage.md §5.3–§5.7): its declared licence, and every other licence it gives its
/// weights (claims cannot set weights free of their ancestors' terms).
pub(super) fn check(
    root: Sha256Digest,
    nodes: &BTreeMap<Sha256Digest, Node>,
    releases: &BTreeMap<Sha256Digest, Release>,
    edges: &[Edge],
    grants: &[VerifiedGrant],
) -> LicenceOutcome {
    let mut parents: BTreeMap<Sha256Digest, Vec<(Sha256Digest, Relation)>> = BTreeMap::new();
    for e in edges {
        let ps = parents.entry(e.child).or_default();
        if !ps.contains(&(e.parent, e.relation)) {
            ps.push((e.parent, e.relation));
        }
    }
    let label = |d: &Sha256Digest| {
        nodes
            .get(d)
            .map(node_label)
            .unwrap_or_else(|| format!("sha256:{d}"))
    };
    let lic_label = |d: &Sha256Digest| {
        releases
            .get(d)
            .and_then(|r| r.licence.as_ref())
            .map_or_else(
                || "no declared licence".to_owned(),
                |l| l.label().to_owned(),
            )
    };
    let mut carried: BTreeMap<Sha256Digest, BTreeMap<Key, Obligation>> = BTreeMap::new();
    let mut findings = Vec::new();
    let mut applied = Vec::new();
    for x in topo_order(releases, &parents) {
        let Some(release) = releases.get(&x) else {
            continue;
        };
        let mut inherited: BTreeMap<Key, Obligation> = BTreeMap::new();
        for (p, rel) in parents.get(&x).map(Vec::as_slice).unwrap_or_default() {
            let derived = *rel != Relation::Repackage;
            let Some(from_p) = carried.get(p) else {
                continue; // missing, rejected, or closing a cycle
            };
            for (k, ob) in from_p {
                let mut ob = ob.clone();
                if derived && !ob.derived {
                    ob.via = *rel;
                }
                ob.derived |= derived;
                merge(&mut inherited, *k, ob);
            }
            let own = releases.get(p).and_then(|r| r.licence.as_ref());
            let weights = releases.get(p).and_then(weights_licence);
            let passed: Vec<&Licence> = [own, weights.filter(|w| Some(*w) != own)]
                .into_iter()
                .flatten()
                .collect();
            for l in passed {
                for (term, keys) in flows(l) {
                    merge(
                        &mut inherited,
                        (term, *p),
                        Obligation {
                            keys,
                            derived,
                            via: *rel,
                        },
                    );
                }
            }
        }
        let mine = label(&x);
        let mut kept = BTreeMap::new();
        let mut undeclared: Vec<String> = Vec::new();
        let mut undeclared_fatal = false;
        for ((term, anc), ob) in inherited {
            let grant = release.licence.as_ref().and_then(|l| {
                grants.iter().find(|g| {
                    // Verified under the trust for `ancestor_name`, a grant speaks for the
                    // ancestor only if its record verified under that same name.
                    let named = nodes.get(&anc).is_some_and(|n| {
                        n.status == NodeStatus::Verified && n.name == g.grant.ancestor_name
                    });
                    g.grant.ancestor == anc
                        && named
                        && g.grant.child_name == release.name
                        && g.grant.licence == l.label()
                })
            });
            if let Some(g) = grant {
                applied.push(AppliedGrant {
                    node: x,
                    ancestor: anc,
                    term,
                    licence: g.grant.licence.clone(),
                    signers: g.signers.clone(),
                });
                continue;
            }
            let ancestor = format!("{} under {}", label(&anc), lic_label(&anc));
            if term == LicenceTerm::NoDerivatives && ob.derived {
                findings.push(Finding {
                    kind: FindingKind::LicenceNoDerivatives,
                    node: x,
                    related: Some(anc),
                    detail: format!(
                        "{mine} derives ({}) from ancestor {ancestor}, whose no-derivatives \
                         term allows no derived works (only a repackage)",
                        ob.via
                    ),
                    fatal: true,
                });
            }
            match &release.licence {
                None => {
                    undeclared.push(format!("{term} from {ancestor}"));
                    undeclared_fatal |= term != LicenceTerm::UnknownTerms;
                }
                Some(l) if keeps(l, term, &ob.keys) => {}
                Some(l) if term == LicenceTerm::UnknownTerms => findings.push(Finding {
                    kind: FindingKind::LicenceUnknownTerms,
                    node: x,
                    related: Some(anc),
                    detail: format!(
                        "licence terms not checked: {mine} declares {}, but ancestor \
                         {ancestor} has {}; whether it allows that is not known",
                        l.label(),
                        asks(term, &ob.keys)
                    ),
                    fatal: false,
                }),
                Some(l) if term == LicenceTerm::NoDerivatives && ob.derived => {
                    // Reported above: the derivation itself is the violation.
                    let _ = l;
                }
                Some(l) => findings.push(Finding {
                    kind: FindingKind::LicenceLaundering,
                    node: x,
                    related: Some(anc),
                    detail: format!(
                        "licence laundering: {mine} declares {}, which drops the {term} term \
                         of ancestor {ancestor} ({} asks for {})",
                        l.label(),
                        lic_label(&anc),
                        asks(term, &ob.keys)
                    ),
                    fatal: true,
                }),
            }
            // The weights cannot be claimed free of the term either.
            if !(term == LicenceTerm::NoDerivatives && ob.derived)
                && term != LicenceTerm::UnknownTerms
            {
                for (what, l) in other_weights_licences(release) {
                    if !keeps(l, term, &ob.keys) {
                        findings.push(Finding {
                            kind: FindingKind::LicenceLaundering,
                            node: x,
                            related: Some(anc),
                            detail: format!(
                                "licence laundering: {mine} gives its weights {} ({what}), which \
                                 drops the {term} term of ancestor {ancestor} ({} asks for {})",
                                l.label(),
                                lic_label(&anc),
                                asks(term, &ob.keys)
                            ),
                            fatal: true,
                        });
                    }
                }
            }
            kept.insert((term, anc), ob);
        }
        if !undeclared.is_empty() {
            findings.push(Finding {
                kind: FindingKind::LicenceUndeclared,
                node: x,
                related: None,
                detail: format!(
                    "{mine} declares no licence, but inherits: {}",
                    undeclared.join("; ")
                ),
                fatal: undeclared_fatal,
            });
        }
        carried.insert(x, kept);
    }
    // The root's weights carry its ancestors' weights licences (those not lifted by a grant).
    let mut inherited: Vec<InheritedLicence> = Vec::new();
    for ((term, anc), _) in carried.get(&root).into_iter().flatten() {
        let Some(l) = releases.get(anc).and_then(weights_licence) else {
            continue;
        };
        let from = label(anc);
        match inherited
            .iter_mut()
            .find(|i| i.from == from && i.licence == *l)
        {
            Some(i) => i.terms.push(term.to_string()),
            None => inherited.push(InheritedLicence {
                licence: l.clone(),
                terms: vec![term.to_string()],
                from,
            }),
        }
    }
    LicenceOutcome {
        findings,
        applied,
        inherited,
    }
}
