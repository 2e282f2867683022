//! Chain verification: walking a record's parents to the roots, each verified under the
//! trust that applies to it, with relation rules and licence inheritance (spec/lineage.md
//! §3–§7).
//!
//! [`walk`] never fails: everything it finds lands in the returned [`Lineage`] as a node
//! status or a named [`Finding`]; [`report_findings`] turns that into report checks. Nothing
//! here reads the clock or prints.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use sceau_core::Timestamp;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use sceau_core::claims::{InheritedDataset, InheritedLicence};
use sceau_core::lineage::{MAX_DEPTH, MAX_PARENTS};
use sceau_core::{Licence, Relation, Release, Sha256Digest};
use serde::Serialize;

pub use sceau_verify::check::FindingKind;
use sceau_verify::record::{read_unverified, verify_record, VerifiedRecord};
use sceau_verify::report::{CheckId, Report};
use sceau_verify::signer::{self, Signer};
use sceau_verify::store::RecordSource;
use sceau_verify::trust::{Role, TrustResolver};

pub mod grant;
mod licence;
mod relation;
pub mod weights;

pub use licence::{flowing_terms, LicenceTerm};
pub use relation::{ADAPTER_MAX_PARAMETER_PERCENT, QUANTIZED_PARAMETER_TOLERANCE_PERCENT};

/// A permission, from an ancestor's maintainers, for releases of one name to be published
/// under one licence, whatever the ancestor's licence terms say (spec/lineage.md §5.5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LicenceGrant {
    /// The ancestor record (payload digest) whose terms are waived.
    pub ancestor: Sha256Digest,
    /// The ancestor's release name, whose trust verified the grant: the grant applies only
    /// when the ancestor record verified under that name.
    pub ancestor_name: String,
    /// The release name the grant is for, compared exactly.
    pub child_name: String,
    /// The licence the release may use: an SPDX expression or a named licence id, compared
    /// exactly with the release's declared licence.
    pub licence: String,
}

/// A grant whose signatures met the threshold of the ancestor's maintainers (the trust that
/// applies to the ancestor's release name, spec/lineage.md §5.5). Sealed: only
/// [`grant::GrantFile::verify`] makes one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerifiedGrant {
    grant: LicenceGrant,
    signers: Vec<Signer>,
}

impl VerifiedGrant {
    /// The grant.
    pub fn grant(&self) -> &LicenceGrant {
        &self.grant
    }

    /// Who signed it.
    pub fn signers(&self) -> &[Signer] {
        &self.signers
    }
}

/// How to walk (spec/lineage.md §3).
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// An ancestor that cannot be verified is a non-fatal finding instead of a fatal one.
    pub allow_unverified_ancestors: bool,
    /// Deepest ancestor walked; the root is at depth 0, its parents at depth 1.
    pub max_depth: usize,
    /// Most parents one record may name.
    pub max_parents: usize,
    /// Treat the root as declaring a tokenizer change even if its record does not: its
    /// `quantized` edges skip the tokenizer rule (spec/lineage.md §4.3). Every record's own
    /// declaration (`Release::tokenizer_changed`, `sceau:tokenizer.changed`) always counts.
    pub tokenizer_changed: bool,
    /// Licence grants, already verified.
    pub grants: Vec<VerifiedGrant>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            allow_unverified_ancestors: false,
            max_depth: MAX_DEPTH,
            max_parents: MAX_PARENTS,
            tokenizer_changed: false,
            grants: Vec::new(),
        }
    }
}

/// What became of one record of the family (spec/lineage.md §3.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum NodeStatus {
    /// Signed by enough keys trusted for its release name; its payload read.
    Verified,
    /// Readable, but not verified under the trust for its name; what it says is a claim.
    Unverified {
        /// Why.
        reason: String,
    },
    /// No record with this digest was found.
    Missing,
    /// Found but refused: unreadable, not a sceau record, or a store error.
    Rejected {
        /// Why.
        reason: String,
    },
}

/// One record of the family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// SHA-256 of the record's signed payload.
    pub digest: Sha256Digest,
    /// Release name: from the record when it was read, else as the child claims it.
    pub name: String,
    /// Release version, likewise.
    pub version: String,
    /// Verification status.
    pub status: NodeStatus,
    /// The trusted keys that signed it, as (name, key id); empty unless verified.
    pub signers: Vec<Signer>,
    /// The licence the release declares.
    pub licence: Option<Licence>,
    /// Datasets its card declares.
    pub datasets: Vec<String>,
    /// Shortest distance from the root (the root is 0).
    pub depth: usize,
}

/// A "child derives from parent" link, as the child's record states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// The deriving record.
    pub child: Sha256Digest,
    /// The record it names as a parent.
    pub parent: Sha256Digest,
    /// How.
    pub relation: Relation,
    /// What the relation rules found, for people (e.g. "weights differ"); empty when the
    /// rules could not run.
    pub summary: String,
}

/// One thing the walk found (spec/lineage.md §7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What.
    pub kind: FindingKind,
    /// Where: the record the finding is about (the ancestor for record findings, the child
    /// for claim, relation and licence findings).
    pub node: Sha256Digest,
    /// The other record involved, if any: the child that named an ancestor, the parent of a
    /// relation, the ancestor whose licence terms flow.
    pub related: Option<Sha256Digest>,
    /// For people: names, versions, digests, files and values compared.
    pub detail: String,
    /// Whether it fails verification. A non-fatal finding is a check that could not be
    /// made, or a failure the options allow; it is reported as skipped, never as passed.
    pub fatal: bool,
}

/// A grant that exempted a release from an ancestor's licence term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppliedGrant {
    /// The exempted release.
    pub node: Sha256Digest,
    /// The ancestor whose term was waived.
    pub ancestor: Sha256Digest,
    /// The term.
    pub term: LicenceTerm,
    /// The licence granted.
    pub licence: String,
    /// Who signed the grant.
    pub signers: Vec<Signer>,
}

/// The family of a verified record: every ancestor walked, the links, and what was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lineage {
    /// The record the walk started from.
    pub root: Sha256Digest,
    /// Every record reached, by digest.
    pub nodes: BTreeMap<Sha256Digest, Node>,
    /// Every link walked, in walk order.
    pub edges: Vec<Edge>,
    /// Every finding, in the order found.
    pub findings: Vec<Finding>,
    /// Licence grants that exempted a release from an ancestor's term.
    pub grants: Vec<AppliedGrant>,
    /// The licences the root's weights inherit from its ancestors' weights, those no grant
    /// lifted (spec/lineage.md §5.7): openness is computed with them.
    pub inherited_licences: Vec<InheritedLicence>,
}

impl Lineage {
    /// True when no finding is fatal.
    pub fn passed(&self) -> bool {
        !self.findings.iter().any(|f| f.fatal)
    }

    /// The fatal findings.
    pub fn fatal(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.fatal)
    }

    /// Findings of one kind.
    pub fn findings_of(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }

    /// Every dataset declared along the chain (the root included, verified or not), with the
    /// records that declared it, nearest first (spec/lineage.md §6). What `sceau lineage`
    /// shows; [`Lineage::inherited_datasets`] is what counts for openness.
    pub fn declared_datasets(&self) -> BTreeMap<String, Vec<Sha256Digest>> {
        let mut nodes: Vec<&Node> = self.nodes.values().collect();
        nodes.sort_by(|a, b| a.depth.cmp(&b.depth).then(a.digest.cmp(&b.digest)));
        let mut out: BTreeMap<String, Vec<Sha256Digest>> = BTreeMap::new();
        for n in nodes {
            for d in &n.datasets {
                let by = out.entry(d.clone()).or_default();
                if !by.contains(&n.digest) {
                    by.push(n.digest);
                }
            }
        }
        out
    }

    /// The datasets the root inherits: those declared by *verified* ancestors, the root's own
    /// left out (spec/lineage.md §6, spec/claims.md §3.6). Each names the ancestors declaring it.
    pub fn inherited_datasets(&self) -> Vec<InheritedDataset> {
        self.declared_datasets()
            .into_iter()
            .filter_map(|(name, by)| {
                let declared_by: Vec<String> = by
                    .iter()
                    .filter(|d| **d != self.root)
                    .filter(|d| {
                        self.nodes
                            .get(d)
                            .is_some_and(|n| n.status == NodeStatus::Verified)
                    })
                    .map(|d| self.label(d))
                    .collect();
                (!declared_by.is_empty()).then_some(InheritedDataset { name, declared_by })
            })
            .collect()
    }

    /// "name version (sha256:0123456789ab)" for a node, or the digest alone.
    pub fn label(&self, digest: &Sha256Digest) -> String {
        match self.nodes.get(digest) {
            Some(n) => node_label(n),
            None => format!("sha256:{}", short(digest)),
        }
    }
}

fn short(d: &Sha256Digest) -> String {
    let mut h = d.to_hex();
    h.truncate(12);
    h
}

fn node_label(n: &Node) -> String {
    format!("{} {} (sha256:{})", n.name, n.version, short(&n.digest))
}

struct Walker<'a> {
    sources: &'a dyn RecordSource,
    trust: &'a dyn TrustResolver,
    now: Timestamp,
    opts: &'a WalkOptions,
    nodes: BTreeMap<Sha256Digest, Node>,
    /// The release of every readable node (verified or not).
    releases: BTreeMap<Sha256Digest, Release>,
    edges: Vec<Edge>,
    findings: Vec<Finding>,
}

impl Walker<'_> {
    fn finding(
        &mut self,
        kind: FindingKind,
        node: Sha256Digest,
        related: Option<Sha256Digest>,
        detail: String,
        fatal: bool,
    ) {
        self.findings.push(Finding {
            kind,
            node,
            related,
            detail,
            fatal,
        });
    }

    fn label(&self, d: &Sha256Digest) -> String {
        match self.nodes.get(d) {
            Some(n) => node_label(n),
            None => format!("sha256:{}", short(d)),
        }
    }

    /// Fetches, reads and verifies one ancestor record, adding its node.
    fn visit(&mut self, child: Sha256Digest, claim: &sceau_core::Parent, depth: usize) {
        let digest = claim.record;
        let mut node = Node {
            digest,
            name: claim.name.clone(),
            version: claim.version.clone(),
            status: NodeStatus::Missing,
            signers: Vec::new(),
            licence: None,
            datasets: Vec::new(),
            depth,
        };
        let named_by = self.label(&child);
        let env = match self.sources.get(&digest) {
            Err(e) => {
                let reason = e.to_string();
                node.status = NodeStatus::Rejected {
                    reason: reason.clone(),
                };
                let label = node_label(&node);
                self.nodes.insert(digest, node);
                self.finding(
                    FindingKind::InvalidRecord,
                    digest,
                    Some(child),
                    format!("{label}, named by {named_by}: {reason}"),
                    true,
                );
                return;
            }
            Ok(None) => {
                let label = node_label(&node);
                self.nodes.insert(digest, node);
                self.finding(
                    FindingKind::MissingParent,
                    digest,
                    Some(child),
                    format!(
                        "{named_by} names parent {label} ({}), but no record with that digest \
                         was found in the store or the records given",
                        claim.relation
                    ),
                    true,
                );
                return;
            }
            Ok(Some(env)) => env,
        };
        let bytes = env.to_json();
        // The trust that applies is chosen by the record's own name (spec/lineage.md §3.2,
        // spec/verify.md §2.2). A record that verifies names the node; one that does not is
        // read unverified only to name it, or found unreadable.
        let v = verify_record(&bytes, self.trust, Role::Ancestor, self.now, None);
        let outcome = match v.record {
            Some(rec) if v.report.passed() => Ok(rec),
            _ => {
                let failed: Vec<String> = v
                    .report
                    .failures()
                    .map(|c| format!("{}: {}", c.name(), c.detail))
                    .collect();
                match read_unverified(&bytes) {
                    Ok(u) => Err((u, format!("not verified: {}", failed.join("; ")))),
                    Err(e) => {
                        let reason = format!("not a readable sceau record: {e}");
                        node.status = NodeStatus::Rejected {
                            reason: reason.clone(),
                        };
                        let label = node_label(&node);
                        self.nodes.insert(digest, node);
                        self.finding(
                            FindingKind::InvalidRecord,
                            digest,
                            Some(child),
                            format!("{label}, named by {named_by}: {reason}"),
                            true,
                        );
                        return;
                    }
                }
            }
        };
        let release = match outcome {
            Ok(rec) => {
                node.status = NodeStatus::Verified;
                node.signers = rec.signers().to_vec();
                rec.into_release()
            }
            Err((unverified, reason)) => {
                node.name = unverified.release.name.clone();
                node.version = unverified.release.version.clone();
                node.status = NodeStatus::Unverified {
                    reason: reason.clone(),
                };
                let label = node_label(&node);
                let fatal = !self.opts.allow_unverified_ancestors;
                self.finding(
                    FindingKind::UnverifiedAncestor,
                    digest,
                    Some(child),
                    format!(
                        "unverified ancestor {label}, named by {named_by}: {reason}{}",
                        if fatal {
                            ""
                        } else {
                            " (allowed by --allow-unverified-ancestors; what it says is unchecked)"
                        }
                    ),
                    fatal,
                );
                unverified.release
            }
        };
        node.name = release.name.clone();
        node.version = release.version.clone();
        node.licence = release.licence.clone();
        node.datasets = declared_datasets(&release);
        self.nodes.insert(digest, node);
        self.releases.insert(digest, release);
    }

    /// Compares a readable parent with what the child claims of it.
    fn check_claim(&mut self, child: Sha256Digest, claim: &sceau_core::Parent) {
        let parent = claim.record;
        let (Some(c), Some(p)) = (self.releases.get(&child), self.releases.get(&parent)) else {
            return;
        };
        let mut out = Vec::new();
        let child_label = self.label(&child);
        if p.name != claim.name {
            out.push((
                FindingKind::NameMismatch,
                format!(
                    "{child_label} names parent sha256:{} as {:?}, but that record is release {:?}",
                    short(&parent),
                    claim.name,
                    p.name
                ),
            ));
        }
        if p.version != claim.version {
            out.push((
                FindingKind::VersionMismatch,
                format!(
                    "{child_label} names parent sha256:{} as {} version {:?}, but that record \
                     is version {:?}",
                    short(&parent),
                    claim.name,
                    claim.version,
                    p.version
                ),
            ));
        }
        let claimed_self = claim.name == c.name && claim.version == c.version;
        if !claimed_self && p.name == c.name && p.version == c.version {
            out.push((
                FindingKind::SelfParent,
                format!(
                    "{child_label} names parent sha256:{}, which is the same release ({} {})",
                    short(&parent),
                    p.name,
                    p.version
                ),
            ));
        }
        for (kind, detail) in out {
            self.finding(kind, child, Some(parent), detail, true);
        }
    }

    fn run(&mut self, root: &VerifiedRecord) {
        let root_digest = *root.digest();
        let mut queue = VecDeque::from([root_digest]);
        while let Some(d) = queue.pop_front() {
            let Some(release) = self.releases.get(&d) else {
                continue;
            };
            let parents = release.parents.clone();
            let (name, version) = (release.name.clone(), release.version.clone());
            let depth = self.nodes.get(&d).map_or(0, |n| n.depth);
            if parents.is_empty() {
                continue;
            }
            let label = self.label(&d);
            if parents.len() > self.opts.max_parents {
                self.finding(
                    FindingKind::TooManyParents,
                    d,
                    None,
                    format!(
                        "{label} names {} parents, over the limit of {}; only the first {} \
                         were walked",
                        parents.len(),
                        self.opts.max_parents,
                        self.opts.max_parents
                    ),
                    true,
                );
            }
            if depth >= self.opts.max_depth {
                self.finding(
                    FindingKind::DepthExceeded,
                    d,
                    None,
                    format!(
                        "{label} is at depth {depth}; its {} parent(s) would be deeper than the \
                         limit of {} and were not walked",
                        parents.len(),
                        self.opts.max_depth
                    ),
                    true,
                );
                continue;
            }
            for claim in parents.iter().take(self.opts.max_parents) {
                if claim.record == d || (claim.name == name && claim.version == version) {
                    self.finding(
                        FindingKind::SelfParent,
                        d,
                        Some(claim.record),
                        format!(
                            "{label} names itself as its {} parent ({} {}, sha256:{})",
                            claim.relation,
                            claim.name,
                            claim.version,
                            short(&claim.record)
                        ),
                        true,
                    );
                    if claim.record == d {
                        continue;
                    }
                }
                self.edges.push(Edge {
                    child: d,
                    parent: claim.record,
                    relation: claim.relation,
                    summary: String::new(),
                });
                if !self.nodes.contains_key(&claim.record) {
                    self.visit(d, claim, depth + 1);
                    if self.releases.contains_key(&claim.record) {
                        queue.push_back(claim.record);
                    }
                }
                self.check_claim(d, claim);
            }
        }
    }

    /// Cycles by release identity (name and version): SHA-256 cannot loop, but a release can
    /// be re-signed naming its own descendant (spec/lineage.md §3.5).
    fn check_cycles(&mut self, root: Sha256Digest) {
        let ident = |n: &Node| (n.name.clone(), n.version.clone());
        let mut ids: BTreeMap<(String, String), usize> = BTreeMap::new();
        let mut names: Vec<(String, String)> = Vec::new();
        let mut of_node: BTreeMap<Sha256Digest, usize> = BTreeMap::new();
        for (d, n) in &self.nodes {
            if !self.releases.contains_key(d) {
                continue;
            }
            let key = ident(n);
            let next = names.len();
            let i = *ids.entry(key.clone()).or_insert(next);
            if i == next {
                names.push(key);
            }
            of_node.insert(*d, i);
        }
        // Adjacency: identity → (parent identity, child digest, parent digest).
        let mut adj: Vec<Vec<(usize, Sha256Digest, Sha256Digest)>> = vec![Vec::new(); names.len()];
        for e in &self.edges {
            if let (Some(&c), Some(&p)) = (of_node.get(&e.child), of_node.get(&e.parent)) {
                if c != p {
                    adj[c].push((p, e.child, e.parent));
                }
            }
        }
        let Some(&start) = of_node.get(&root) else {
            return;
        };
        // Iterative DFS with colours: 0 new, 1 on the path, 2 done.
        let mut colour = vec![0u8; names.len()];
        let mut found: Vec<(Sha256Digest, Sha256Digest, String)> = Vec::new();
        let mut starts = vec![start];
        starts.extend(0..names.len());
        for s in starts {
            if colour[s] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
            colour[s] = 1;
            while let Some(&mut (v, ref mut next)) = stack.last_mut() {
                if let Some(&(p, cd, pd)) = adj[v].get(*next) {
                    *next += 1;
                    match colour[p] {
                        0 => {
                            colour[p] = 1;
                            stack.push((p, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|(x, _)| *x == p).unwrap_or(0);
                            let mut path: Vec<String> = stack[from..]
                                .iter()
                                .map(|(x, _)| format!("{} {}", names[*x].0, names[*x].1))
                                .collect();
                            path.push(format!("{} {}", names[p].0, names[p].1));
                            found.push((cd, pd, path.join(" → ")));
                        }
                        _ => {}
                    }
                } else {
                    colour[v] = 2;
                    stack.pop();
                }
            }
        }
        for (cd, pd, path) in found {
            let detail = format!(
                "cycle: {path} ({} names {} as a parent, but it derives from it)",
                self.label(&cd),
                self.label(&pd)
            );
            self.finding(FindingKind::Cycle, cd, Some(pd), detail, true);
        }
    }

    fn check_relations(&mut self, tokenizer_changed_root: Option<Sha256Digest>) {
        let mut edges = std::mem::take(&mut self.edges);
        for e in &mut edges {
            let (Some(c), Some(p)) = (self.releases.get(&e.child), self.releases.get(&e.parent))
            else {
                continue;
            };
            let declared = c.tokenizer_changed || tokenizer_changed_root == Some(e.child);
            let check = relation::check_edge(c, p, e.relation, declared);
            // The declared relation against the weights (spec/lineage.md §8.2).
            let by_weights = weight_rule(
                &weights::ReleasePrints::of(c),
                &weights::ReleasePrints::of(p),
                e.relation,
            );
            e.summary = check.summary;
            let prefix = format!(
                "{} —{}→ {}",
                self.label(&e.child),
                e.relation,
                self.label(&e.parent)
            );
            for (kind, detail, fatal) in check.findings {
                self.finding(
                    kind,
                    e.child,
                    Some(e.parent),
                    format!("{prefix}: {detail}"),
                    fatal,
                );
            }
            if let Some((fact, finding)) = by_weights {
                if !fact.is_empty() {
                    if !e.summary.is_empty() {
                        e.summary.push_str(", ");
                    }
                    e.summary.push_str(&fact);
                }
                if let Some((detail, fatal)) = finding {
                    self.finding(
                        FindingKind::RelationWeightsContradicted,
                        e.child,
                        Some(e.parent),
                        format!("{prefix}: {detail}"),
                        fatal,
                    );
                }
            }
        }
        self.edges = edges;
        // Merges need two merge parents (spec/lineage.md §4.5).
        let mut merges = Vec::new();
        for (d, r) in &self.releases {
            let parents: BTreeSet<Sha256Digest> = r
                .parents
                .iter()
                .filter(|p| p.relation == Relation::Merge)
                .map(|p| p.record)
                .collect();
            if parents.len() == 1 {
                merges.push(*d);
            }
        }
        for d in merges {
            let label = self.label(&d);
            self.finding(
                FindingKind::RelationMergeSingleParent,
                d,
                None,
                format!(
                    "{label} is a merge of a single parent: a merge needs at least two parents \
                     with relation merge"
                ),
                true,
            );
        }
    }
}

/// The weight rule of one link (spec/lineage.md §8.2): the fact for the edge summary and the
/// finding, if any, as (detail, fatal). `None` when neither record carries fingerprints.
fn weight_rule(
    child: &weights::ReleasePrints,
    parent: &weights::ReleasePrints,
    relation: Relation,
) -> Option<(String, Option<(String, bool)>)> {
    let none = |p: &weights::ReleasePrints| p.is_empty() && p.missing.is_empty();
    if none(child) && none(parent) {
        return None;
    }
    let Some(r) = weights::check_relation(child, parent, relation) else {
        let why = if child.is_empty() {
            format!("here: {}", child.why_empty())
        } else {
            format!("in the parent: {}", parent.why_empty())
        };
        return Some((
            String::new(),
            Some((
                format!("weights not compared with the {relation}: {why}"),
                false,
            )),
        ));
    };
    let seen = r.evidence.describe();
    Some(match &r.verdict {
        sceau_fingerprint::RelationVerdict::Supported { reason } => (
            format!("weights support the {relation} ({reason}; {seen})"),
            None,
        ),
        sceau_fingerprint::RelationVerdict::Contradicted { reason } => (
            String::new(),
            Some((
                format!("the weights contradict a {relation}: {reason} ({seen})"),
                true,
            )),
        ),
        sceau_fingerprint::RelationVerdict::NotCheckable { reason } => (
            String::new(),
            Some((
                format!("{relation} not checkable from the weights: {reason} ({seen})"),
                false,
            )),
        ),
    })
}

/// Walks a verified record's parents to the roots (spec/lineage.md §3): each ancestor is
/// fetched from `sources`, verified under `trust.trust_for(its name)` at `now`, compared with
/// what its child claims, and checked against the relation rules (§4) and the licence terms
/// its ancestors pass down (§5).
pub fn walk(
    root: &VerifiedRecord,
    sources: &dyn RecordSource,
    trust: &dyn TrustResolver,
    now: Timestamp,
    opts: &WalkOptions,
) -> Lineage {
    let d = *root.digest();
    let mut w = Walker {
        sources,
        trust,
        now,
        opts,
        nodes: BTreeMap::new(),
        releases: BTreeMap::new(),
        edges: Vec::new(),
        findings: Vec::new(),
    };
    let r = root.release();
    w.nodes.insert(
        d,
        Node {
            digest: d,
            name: r.name.clone(),
            version: r.version.clone(),
            status: NodeStatus::Verified,
            signers: root.signers().to_vec(),
            licence: r.licence.clone(),
            datasets: declared_datasets(r),
            depth: 0,
        },
    );
    w.releases.insert(d, r.clone());
    w.run(root);
    w.check_cycles(d);
    w.check_relations(opts.tokenizer_changed.then_some(d));
    let lic = licence::check(d, &w.nodes, &w.releases, &w.edges, &opts.grants);
    w.findings.extend(lic.findings);
    Lineage {
        root: d,
        nodes: w.nodes,
        edges: w.edges,
        findings: w.findings,
        grants: lic.applied,
        inherited_licences: lic.inherited,
    }
}

/// Adds the lineage to a report (spec/lineage.md §7): a passed `edge` check per link between
/// two verified records with no fatal finding, a failed check per fatal finding, a skipped
/// check per non-fatal one, a passed `licence-grant` per grant used, and a `chain` summary.
pub fn report_findings(lineage: &Lineage, report: &mut Report) {
    for e in &lineage.edges {
        let (Some(c), Some(p)) = (lineage.nodes.get(&e.child), lineage.nodes.get(&e.parent)) else {
            continue;
        };
        let verified = c.status == NodeStatus::Verified && p.status == NodeStatus::Verified;
        let failed = lineage.fatal().any(|f| {
            (f.node == e.child && f.related == Some(e.parent))
                || (f.node == e.parent && f.related == Some(e.child))
        });
        if verified && !failed {
            let mut detail = format!(
                "{} {} —{}→ {} {}: verified (signed by {})",
                c.name,
                c.version,
                e.relation,
                p.name,
                p.version,
                signer::list(&p.signers)
            );
            if !e.summary.is_empty() {
                detail.push_str(", ");
                detail.push_str(&e.summary);
            }
            report.pass(CheckId::Edge, detail);
        }
    }
    for f in &lineage.findings {
        if f.fatal {
            report.fail(CheckId::Finding(f.kind), f.detail.clone());
        } else {
            report.skip(CheckId::Finding(f.kind), f.detail.clone());
        }
    }
    for g in &lineage.grants {
        report.pass(
            CheckId::LicenceGrant,
            format!(
                "{} may use {} despite the {} term of {} (grant signed by {})",
                lineage.label(&g.node),
                g.licence,
                g.term,
                lineage.label(&g.ancestor),
                signer::list(&g.signers)
            ),
        );
    }
    if lineage.edges.is_empty() {
        report.skip(CheckId::Chain, "the release names no parents");
        return;
    }
    if lineage.passed() {
        let ancestors = lineage.nodes.len().saturating_sub(1);
        let verified = lineage
            .nodes
            .values()
            .filter(|n| n.digest != lineage.root && n.status == NodeStatus::Verified)
            .count();
        let mut roots: Vec<String> = lineage
            .nodes
            .values()
            .filter(|n| !lineage.edges.iter().any(|e| e.child == n.digest))
            .map(|n| format!("{} {}", n.name, n.version))
            .collect();
        roots.sort();
        report.pass(
            CheckId::Chain,
            format!(
                "{ancestors} ancestor record(s), {verified} verified, walked to the root(s): {}",
                roots.join(", ")
            ),
        );
    } else {
        let n = lineage.fatal().count();
        report.fail(CheckId::Chain, format!("{n} lineage check(s) failed"));
    }
}

#[cfg(test)]
mod tests;

/// The datasets a release declares: its card's, and those of its signed claims
/// (spec/lineage.md §6).
fn declared_datasets(release: &sceau_core::Release) -> Vec<String> {
    let mut out: Vec<String> = release
        .card
        .as_ref()
        .map(|c| c.datasets.clone())
        .unwrap_or_default();
    for d in sceau_core::claims::Claims::effective(release).datasets {
        if !out.contains(&d.name) {
            out.push(d.name);
        }
    }
    out
}
