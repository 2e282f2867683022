//! Tests of chain verification, relation rules and licence inheritance.
use sceau_core::dsse::PAYLOAD_TYPE_INTOTO;
use sceau_core::Timestamp;
use sceau_core::{
    Artifact, ArtifactKind, CardMeta, IgnoreRules, Parent, RelPath, WeightFormat, WeightInfo,
};
use sceau_sign::{sign_envelope, PublicKey, SecretKey};
use time::macros::datetime;

use super::*;
use sceau_verify::policy::{
    sign_policy, verify_root, Maintainer, PolicyDocument, PolicyParts, ReleasePattern, ReleaseScope,
};
use sceau_verify::record::verify_record;
use sceau_verify::report::{Outcome, Stage};
use sceau_verify::signer::Signer;
use sceau_verify::store::Loose;
use sceau_verify::trust::{Claimed, KeyTrust, PolicyTrust, Role, Trust, TrustedKey};

const NOW: Timestamp = Timestamp::from_const(datetime!(2026-02-01 00:00 UTC));

fn key(n: u8) -> SecretKey {
    SecretKey::from_seed(&[n; 32])
}

fn digest(tag: &str) -> Sha256Digest {
    sceau_scan::hash::sha256(tag.as_bytes())
}

fn artifact(path: &str, tag: &str, kind: ArtifactKind) -> Artifact {
    Artifact {
        path: RelPath::new(path).unwrap(),
        size: tag.len() as u64,
        sha256: digest(tag),
        blake3: None,
        kind,
        licence: None,
        detected_licence: None,
        weights: None,
        folder: None,
        fingerprint: None,
    }
}

/// A weight file; `params` from its header when given.
fn weight(path: &str, tag: &str, params: Option<u64>) -> Artifact {
    let mut a = artifact(path, tag, ArtifactKind::Weights);
    a.weights = params.map(|n| WeightInfo {
        format: if path.ends_with(".gguf") {
            WeightFormat::Gguf
        } else {
            WeightFormat::Safetensors
        },
        tensor_count: 2,
        parameter_count: n,
        dtypes: [(
            if path.ends_with(".gguf") {
                "Q4_K"
            } else {
                "BF16"
            }
            .to_owned(),
            n,
        )]
        .into_iter()
        .collect(),
        architecture: None,
        file_type: None,
    });
    a
}

fn tok(path: &str, tag: &str) -> Artifact {
    artifact(path, tag, ArtifactKind::Tokenizer)
}

fn spdx(e: &str) -> Option<Licence> {
    Some(Licence::spdx(e).unwrap())
}

fn named(id: &str) -> Option<Licence> {
    Some(Licence::Named {
        id: id.into(),
        url: None,
        file: None,
    })
}

fn release(name: &str, version: &str, mut artifacts: Vec<Artifact>) -> Release {
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    Release {
        name: name.into(),
        version: version.into(),
        artifacts,
        licence: spdx("Apache-2.0"),
        card: None,
        ignore: IgnoreRules::default(),
        parents: Vec::new(),
        tokenizer_changed: false,
        oms_root: None,
        claims: None,
        manifest: None,
    }
}

fn base() -> Release {
    release(
        "org-a/base",
        "1.0",
        vec![
            weight("model.safetensors", "a-weights", Some(1_000_000)),
            tok("tokenizer.json", "tok"),
        ],
    )
}

/// The record store of a test family and the records signed so far.
#[derive(Default)]
struct Family {
    loose: Loose,
}

/// A signed record: its digest, release and bytes.
struct Signed {
    digest: Sha256Digest,
    release: Release,
    bytes: Vec<u8>,
}

impl Signed {
    fn parent(&self, relation: Relation) -> Parent {
        Parent {
            record: self.digest,
            name: self.release.name.clone(),
            version: self.release.version.clone(),
            relation,
        }
    }
}

impl Family {
    /// Signs a release with `key` and puts it in the store.
    fn sign(&mut self, release: &Release, key: &SecretKey) -> Signed {
        let bytes = self.sign_only(release, key);
        let digest = self.loose.add(&bytes).unwrap();
        Signed {
            digest,
            release: release.clone(),
            bytes,
        }
    }

    /// Signs a release without storing it.
    fn sign_only(&self, release: &Release, key: &SecretKey) -> Vec<u8> {
        let payload = release.to_statement("2026-01-01T00:00:00Z").to_payload();
        sign_envelope(PAYLOAD_TYPE_INTOTO, payload, key)
            .unwrap()
            .to_json()
    }
}

/// Trust by name prefix: each org its own key.
struct OrgTrust(Vec<(&'static str, PublicKey)>);

impl OrgTrust {
    fn abc() -> OrgTrust {
        OrgTrust(vec![
            ("org-a/", key(1).public()),
            ("org-b/", key(2).public()),
            ("org-c/", key(3).public()),
        ])
    }

    fn without(mut self, prefix: &str) -> OrgTrust {
        self.0.retain(|(p, _)| *p != prefix);
        self
    }
}

impl TrustResolver for OrgTrust {
    fn candidates(&self, _role: Role) -> Vec<(String, PublicKey)> {
        self.0
            .iter()
            .map(|(p, k)| (format!("{}maintainer", p.trim_end_matches('/')), *k))
            .collect()
    }

    fn trust_for(&self, claimed: &Claimed<'_>) -> Option<Trust> {
        let name = claimed.name;
        let keys: Vec<(String, PublicKey)> = self
            .0
            .iter()
            .filter(|(p, _)| name.starts_with(p))
            .map(|(p, k)| (format!("{}maintainer", p.trim_end_matches('/')), *k))
            .collect();
        (!keys.is_empty()).then(|| Trust::keys(keys, 1, &format!("test trust for {name:?}")))
    }
}

fn verified(s: &Signed, trust: &dyn TrustResolver) -> VerifiedRecord {
    let v = verify_record(&s.bytes, trust, Role::Release, NOW, None);
    assert!(v.report.passed(), "{:#?}", v.report);
    v.record.unwrap()
}

fn walk_with(
    fam: &Family,
    root: &Signed,
    trust: &dyn TrustResolver,
    opts: &WalkOptions,
) -> Lineage {
    walk(&verified(root, trust), &fam.loose, trust, NOW, opts)
}

fn kinds(l: &Lineage) -> Vec<(FindingKind, bool)> {
    l.findings.iter().map(|f| (f.kind, f.fatal)).collect()
}

fn only(l: &Lineage, kind: FindingKind) -> &Finding {
    let all: Vec<&Finding> = l.findings_of(kind).collect();
    assert_eq!(all.len(), 1, "{kind}: {:#?}", l.findings);
    all[0]
}

/// Base A (org A) → finetune B (org B) → quantisation C (org C).
fn abc(fam: &mut Family) -> (Signed, Signed, Signed) {
    let a = fam.sign(&base(), &key(1));
    let mut b = release(
        "org-b/ft",
        "1.0",
        vec![
            weight("model.safetensors", "b-weights", Some(1_000_000)),
            tok("tokenizer.json", "tok"),
        ],
    );
    b.parents = vec![a.parent(Relation::Finetune)];
    let b = fam.sign(&b, &key(2));
    let mut c = release(
        "org-c/q",
        "1.0",
        vec![
            weight("model-Q4_K_M.gguf", "c-weights", Some(1_000_000)),
            tok("tokenizer.json", "tok"),
        ],
    );
    c.parents = vec![b.parent(Relation::Quantized)];
    let c = fam.sign(&c, &key(3));
    (a, b, c)
}

/// A child of `parent` by org B with the given weights and relation.
fn child_of(
    fam: &mut Family,
    parent: &Signed,
    relation: Relation,
    artifacts: Vec<Artifact>,
) -> Signed {
    let mut r = release("org-b/child", "1.0", artifacts);
    r.parents = vec![parent.parent(relation)];
    fam.sign(&r, &key(2))
}

// ----- chains ------------------------------------------------------------------------------

#[test]
fn base_finetune_quantisation_passes_when_each_org_is_trusted() {
    let mut fam = Family::default();
    let (a, b, c) = abc(&mut fam);
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    assert!(l.passed(), "{:#?}", l.findings);
    assert!(l.findings.is_empty(), "{:#?}", l.findings);
    assert_eq!(l.root, c.digest);
    assert_eq!(l.nodes.len(), 3);
    for (d, depth) in [(c.digest, 0), (b.digest, 1), (a.digest, 2)] {
        assert_eq!(l.nodes[&d].status, NodeStatus::Verified);
        assert_eq!(l.nodes[&d].depth, depth);
    }
    assert_eq!(l.nodes[&a.digest].signers[0].key_id, key(1).key_id());
    assert_eq!(l.edges.len(), 2);
    assert_eq!(
        (l.edges[0].child, l.edges[0].parent, l.edges[0].relation),
        (c.digest, b.digest, Relation::Quantized)
    );
    assert!(
        l.edges[0].summary.contains("tokenizer identical"),
        "{}",
        l.edges[0].summary
    );
    assert_eq!(l.edges[1].summary, "weights differ");

    let mut report = Report::default();
    report_findings(&l, &mut report);
    assert!(report.passed());
    let edges: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.id == CheckId::Edge)
        .map(|c| c.detail.as_str())
        .collect();
    assert_eq!(edges.len(), 2);
    assert!(
        edges[1].starts_with(
            "org-b/ft 1.0 —finetune→ org-a/base 1.0: verified (signed by org-amaintainer ("
        ),
        "{}",
        edges[1]
    );
    assert!(edges[1].ends_with("weights differ"), "{}", edges[1]);
    let chain = report.checks.last().unwrap();
    assert_eq!((chain.id, chain.outcome), (CheckId::Chain, Outcome::Pass));

    // JSON for the CLI: digests as hex, statuses and kinds in kebab-case.
    let json = serde_json::to_value(&l).unwrap();
    assert_eq!(json["root"], c.digest.to_hex());
    assert_eq!(
        json["nodes"][a.digest.to_hex()]["status"]["state"],
        "verified"
    );
    assert_eq!(
        json["nodes"][a.digest.to_hex()]["signers"][0]["key_id"],
        key(1).key_id().to_string()
    );
    assert_eq!(json["edges"][0]["relation"], "quantized");
}

#[test]
fn the_same_chain_passes_under_a_policy_with_release_scopes() {
    let mut fam = Family::default();
    let (_, _, c) = abc(&mut fam);
    let m = |name: &str, n: u8| Maintainer {
        name: name.into(),
        key: key(n).public(),
        comment: None,
        window: Default::default(),
    };
    let scope = |pattern: &str, who: &str| ReleaseScope {
        pattern: ReleasePattern::parse(pattern).unwrap(),
        maintainers: vec![who.into()],
        threshold: 1,
    };
    let parts = |with_a: bool| PolicyParts {
        version: 1,
        expires: Timestamp::from_const(datetime!(2030-01-01 00:00 UTC)),
        threshold: 1,
        maintainers: vec![m("alice", 1), m("bob", 2), m("carol", 3), m("dave", 4)],
        revoked: Vec::new(),
        certifiers: Vec::new(),
        releases: vec![
            scope("org-a/*", if with_a { "alice" } else { "dave" }),
            scope("org-b/*", "bob"),
            scope("org-c/*", "carol"),
        ],
    };
    for with_a in [true, false] {
        let doc = PolicyDocument::new(parts(with_a)).unwrap();
        let policy = verify_root(&sign_policy(&doc, &[&key(1)]).unwrap(), NOW).unwrap();
        let trust = PolicyTrust::new(&policy);
        let l = walk_with(&fam, &c, &trust, &WalkOptions::default());
        assert_eq!(l.passed(), with_a, "{:#?}", l.findings);
        if !with_a {
            let f = only(&l, FindingKind::UnverifiedAncestor);
            // alice signed org-a/base, but the policy binds org-a/* to dave alone.
            assert!(
                f.detail.contains("no trusted key signed")
                    && f.detail.contains(&key(1).public().dsse_keyid())
                    && f.detail.contains("dave"),
                "{}",
                f.detail
            );
        }
    }
    // --key mode: C's key given bare vouches for C alone: its ancestors are not trusted.
    let bare = KeyTrust {
        keys: vec![TrustedKey {
            name: "k".into(),
            key: key(3).public(),
            scope: None,
        }],
        threshold: 1,
    };
    let l = walk_with(&fam, &c, &bare, &WalkOptions::default());
    assert_eq!(l.findings_of(FindingKind::UnverifiedAncestor).count(), 2);
}

#[test]
fn an_untrusted_base_is_an_unverified_ancestor_unless_allowed() {
    let mut fam = Family::default();
    let (a, _, c) = abc(&mut fam);
    let trust = OrgTrust::abc().without("org-a/");
    let l = walk_with(&fam, &c, &trust, &WalkOptions::default());
    assert!(!l.passed());
    assert_eq!(kinds(&l), vec![(FindingKind::UnverifiedAncestor, true)]);
    let f = &l.findings[0];
    assert_eq!(f.node, a.digest);
    // Nobody trusted signed org-a/base: its signer's key id is named.
    assert!(
        f.detail.contains("no trusted key signed")
            && f.detail.contains(&key(1).public().dsse_keyid()),
        "{}",
        f.detail
    );
    assert!(matches!(
        l.nodes[&a.digest].status,
        NodeStatus::Unverified { .. }
    ));
    let mut report = Report::default();
    report_findings(&l, &mut report);
    assert!(!report.passed());
    assert_eq!(
        report
            .checks
            .iter()
            .filter(|c| c.id == CheckId::Edge)
            .count(),
        1
    );
    assert!(report.failures().any(
        |c| c.id == CheckId::Finding(FindingKind::UnverifiedAncestor)
            && c.stage() == Stage::Lineage
    ));

    let opts = WalkOptions {
        allow_unverified_ancestors: true,
        ..WalkOptions::default()
    };
    let l = walk_with(&fam, &c, &trust, &opts);
    assert!(l.passed());
    assert_eq!(kinds(&l), vec![(FindingKind::UnverifiedAncestor, false)]);
    let mut report = Report::default();
    report_findings(&l, &mut report);
    assert!(report.passed());
    assert!(report.checks.iter().any(|c| c.id
        == CheckId::Finding(FindingKind::UnverifiedAncestor)
        && c.outcome == Outcome::Skipped));
}

#[test]
fn a_parent_with_no_record_is_missing() {
    let mut fam = Family::default();
    let a_bytes = fam.sign_only(&base(), &key(1));
    let a_digest = sceau_verify::record::read_unverified(&a_bytes)
        .unwrap()
        .payload_sha256;
    let mut b = release(
        "org-b/ft",
        "1.0",
        vec![weight("model.safetensors", "b-weights", Some(1_000_000))],
    );
    b.parents = vec![Parent {
        record: a_digest,
        name: "org-a/base".into(),
        version: "1.0".into(),
        relation: Relation::Finetune,
    }];
    let b = fam.sign(&b, &key(2));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert_eq!(kinds(&l), vec![(FindingKind::MissingParent, true)]);
    assert_eq!(l.nodes[&a_digest].status, NodeStatus::Missing);
    assert_eq!(l.nodes[&a_digest].name, "org-a/base");
    // Allowing unverified ancestors does not allow missing ones.
    let opts = WalkOptions {
        allow_unverified_ancestors: true,
        ..WalkOptions::default()
    };
    assert!(!walk_with(&fam, &b, &OrgTrust::abc(), &opts).passed());
}

#[test]
fn a_parent_record_re_signed_by_the_forker_is_unverified() {
    // B copies A's payload and signs it with B's own key: same digest, wrong signer.
    let mut fam = Family::default();
    let forged = fam.sign(&base(), &key(2));
    let mut b = release(
        "org-b/ft",
        "1.0",
        vec![weight("model.safetensors", "b-weights", Some(1_000_000))],
    );
    b.parents = vec![forged.parent(Relation::Finetune)];
    let b = fam.sign(&b, &key(2));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    let f = only(&l, FindingKind::UnverifiedAncestor);
    assert!(f.fatal);
    assert!(f.detail.contains("below threshold"), "{}", f.detail);

    // B edits A's record (say, its licence) and signs: A's scope still needs A's key.
    let mut fam = Family::default();
    let mut edited = base();
    edited.licence = spdx("MIT");
    let edited = fam.sign(&edited, &key(2));
    let mut b2 = release(
        "org-b/ft",
        "1.0",
        vec![weight("model.safetensors", "b-weights", Some(1_000_000))],
    );
    b2.parents = vec![edited.parent(Relation::Finetune)];
    let b2 = fam.sign(&b2, &key(2));
    let l = walk_with(&fam, &b2, &OrgTrust::abc(), &WalkOptions::default());
    assert!(only(&l, FindingKind::UnverifiedAncestor).fatal);
}

#[test]
fn a_parent_whose_name_or_version_differs_from_the_claim_is_refused() {
    let mut fam = Family::default();
    let a = fam.sign(&base(), &key(1));
    let weights = || vec![weight("model.safetensors", "b-weights", Some(1_000_000))];
    let mut claim = a.parent(Relation::Finetune);
    claim.version = "2.0".into();
    let mut b = release("org-b/ft", "1.0", weights());
    b.parents = vec![claim.clone()];
    let b = fam.sign(&b, &key(2));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert_eq!(kinds(&l), vec![(FindingKind::VersionMismatch, true)]);
    assert!(l.findings[0].detail.contains("\"2.0\""));

    claim.version = "1.0".into();
    claim.name = "org-a/large".into();
    let mut b = release("org-b/ft", "1.1", weights());
    b.parents = vec![claim];
    let b = fam.sign(&b, &key(2));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert_eq!(kinds(&l), vec![(FindingKind::NameMismatch, true)]);
    assert!(l.findings[0].detail.contains("\"org-a/large\""));
    assert!(l.findings[0].detail.contains("\"org-a/base\""));
}

#[test]
fn self_parents_and_cycles_are_refused() {
    let mut fam = Family::default();
    let a = fam.sign(&base(), &key(1));
    // A record claiming a parent with its own name and version.
    let mut s = base();
    s.artifacts = vec![weight("model.safetensors", "a2-weights", Some(1_000_000))];
    s.parents = vec![a.parent(Relation::Finetune)];
    let s = fam.sign(&s, &key(1));
    let l = walk_with(&fam, &s, &OrgTrust::abc(), &WalkOptions::default());
    assert_eq!(kinds(&l), vec![(FindingKind::SelfParent, true)]);

    // org-a/base 1.0 re-signed naming its own descendant B as parent: a cycle by identity.
    let mut b = release(
        "org-b/ft",
        "1.0",
        vec![weight("model.safetensors", "b-weights", Some(1_000_000))],
    );
    b.parents = vec![a.parent(Relation::Finetune)];
    let b = fam.sign(&b, &key(2));
    let mut a2 = base();
    a2.artifacts = vec![weight("model.safetensors", "a3-weights", Some(1_000_000))];
    a2.parents = vec![b.parent(Relation::Finetune)];
    let a2 = fam.sign(&a2, &key(1));
    let l = walk_with(&fam, &a2, &OrgTrust::abc(), &WalkOptions::default());
    let f = only(&l, FindingKind::Cycle);
    assert!(f.fatal);
    assert_eq!((f.node, f.related), (b.digest, Some(a.digest)));
    assert!(
        f.detail
            .contains("org-a/base 1.0 → org-b/ft 1.0 → org-a/base 1.0"),
        "{}",
        f.detail
    );
}

#[test]
fn depth_is_capped() {
    // A chain of 66 records: the root at depth 0, the oldest at depth 65.
    let mut fam = Family::default();
    let mut prev = fam.sign(&base(), &key(1));
    let mut chain = vec![];
    for i in 1..66 {
        let mut r = release(
            "org-a/base",
            &format!("1.{i}"),
            vec![
                weight("model.safetensors", &format!("w{i}"), Some(1_000_000)),
                tok("tokenizer.json", "tok"),
            ],
        );
        r.parents = vec![prev.parent(Relation::Finetune)];
        prev = fam.sign(&r, &key(1));
        chain.push(prev.digest);
    }
    let l = walk_with(&fam, &prev, &OrgTrust::abc(), &WalkOptions::default());
    assert_eq!(kinds(&l), vec![(FindingKind::DepthExceeded, true)]);
    assert_eq!(l.nodes.len(), 65);
    assert_eq!(l.findings[0].node, chain[0]);
    assert!(l.findings[0].detail.contains("limit of 64"));

    // The record one step younger reaches the base at depth 64: allowed.
    let mut fam2 = Family::default();
    let mut prev = fam2.sign(&base(), &key(1));
    for i in 1..65 {
        let mut r = release(
            "org-a/base",
            &format!("1.{i}"),
            vec![weight(
                "model.safetensors",
                &format!("w{i}"),
                Some(1_000_000),
            )],
        );
        r.parents = vec![prev.parent(Relation::Finetune)];
        prev = fam2.sign(&r, &key(1));
    }
    let l = walk_with(&fam2, &prev, &OrgTrust::abc(), &WalkOptions::default());
    assert!(l.passed(), "{:#?}", l.findings);
    assert_eq!(l.nodes.values().map(|n| n.depth).max(), Some(64));
}

#[test]
fn too_many_parents_are_refused() {
    let mut fam = Family::default();
    let ps: Vec<Signed> = (0..3)
        .map(|i| {
            let mut r = base();
            r.name = format!("org-a/m{i}");
            r.artifacts = vec![weight(
                "model.safetensors",
                &format!("m{i}"),
                Some(1_000_000),
            )];
            fam.sign(&r, &key(1))
        })
        .collect();
    let mut m = release(
        "org-b/merge",
        "1.0",
        vec![weight("model.safetensors", "merged", Some(1_000_000))],
    );
    m.parents = ps.iter().map(|p| p.parent(Relation::Merge)).collect();
    let m = fam.sign(&m, &key(2));
    assert!(walk_with(&fam, &m, &OrgTrust::abc(), &WalkOptions::default()).passed());
    let opts = WalkOptions {
        max_parents: 2,
        ..WalkOptions::default()
    };
    let l = walk_with(&fam, &m, &OrgTrust::abc(), &opts);
    assert_eq!(kinds(&l), vec![(FindingKind::TooManyParents, true)]);
    assert_eq!(l.edges.len(), 2);
}

// ----- relation rules ----------------------------------------------------------------------

#[test]
fn repackage_must_keep_the_weights() {
    let mut fam = Family::default();
    let a = fam.sign(&base(), &key(1));
    let same = child_of(
        &mut fam,
        &a,
        Relation::Repackage,
        vec![weight("weights/model.safetensors", "a-weights", None)],
    );
    let l = walk_with(&fam, &same, &OrgTrust::abc(), &WalkOptions::default());
    assert!(l.passed(), "{:#?}", l.findings);
    assert_eq!(l.edges[0].summary, "weights identical (1 file(s))");

    let changed = child_of(
        &mut fam,
        &a,
        Relation::Repackage,
        vec![weight("model.safetensors", "other-weights", None)],
    );
    let l = walk_with(&fam, &changed, &OrgTrust::abc(), &WalkOptions::default());
    let f = only(&l, FindingKind::RelationRepackageWeightsChanged);
    assert!(f.fatal && f.detail.contains("not the parent's: model.safetensors"));
}

#[test]
fn quantisation_must_change_the_weights_but_keep_parameters_and_tokenizer() {
    let mut fam = Family::default();
    let a = fam.sign(&base(), &key(1));
    let tk = || tok("tokenizer.json", "tok");
    // Identical weights.
    let c = child_of(
        &mut fam,
        &a,
        Relation::Quantized,
        vec![
            weight("model.safetensors", "a-weights", Some(1_000_000)),
            tk(),
        ],
    );
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    assert_eq!(
        kinds(&l),
        vec![(FindingKind::RelationQuantizedWeightsIdentical, true)]
    );
    // 0.5% off: within tolerance; 10% off: refused.
    let c = child_of(
        &mut fam,
        &a,
        Relation::Quantized,
        vec![weight("m.gguf", "q1", Some(1_005_000)), tk()],
    );
    assert!(walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default()).passed());
    let c = child_of(
        &mut fam,
        &a,
        Relation::Quantized,
        vec![weight("m.gguf", "q2", Some(900_000)), tk()],
    );
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    let f = only(&l, FindingKind::RelationQuantizedParameters);
    assert!(
        f.fatal && f.detail.contains("900000 here and 1000000"),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("10.00%"), "{}", f.detail);
    // No header: not checked, said so.
    let c = child_of(
        &mut fam,
        &a,
        Relation::Quantized,
        vec![weight("m.bin", "q3", None), tk()],
    );
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    assert!(l.passed());
    let f = only(&l, FindingKind::RelationQuantizedParameters);
    assert!(!f.fatal && f.detail.starts_with("org-b/child") && f.detail.contains("not checked"));
    // Packed GPTQ tensors: not checked either.
    let mut gptq = weight("model.safetensors", "q4", Some(125_000));
    if let Some(w) = gptq.weights.as_mut() {
        w.dtypes = [("I32".to_owned(), 100_000), ("F16".to_owned(), 25_000)]
            .into_iter()
            .collect();
    }
    let c = child_of(&mut fam, &a, Relation::Quantized, vec![gptq, tk()]);
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    assert!(!only(&l, FindingKind::RelationQuantizedParameters).fatal);
    // A changed tokenizer: refused unless the root declares it.
    let c = child_of(
        &mut fam,
        &a,
        Relation::Quantized,
        vec![
            weight("m.gguf", "q5", Some(1_000_000)),
            tok("tokenizer.json", "tok2"),
        ],
    );
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    let f = only(&l, FindingKind::RelationQuantizedTokenizerChanged);
    assert!(f.fatal && f.detail.contains("tokenizer.json"));
    let opts = WalkOptions {
        tokenizer_changed: true,
        ..WalkOptions::default()
    };
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &opts);
    assert!(l.passed());
    assert!(!only(&l, FindingKind::RelationQuantizedTokenizerChanged).fatal);
    // ... or the record itself declares it (`sceau:tokenizer.changed`).
    let mut r = release(
        "org-b/child",
        "1.0",
        vec![
            weight("m.gguf", "q7", Some(1_000_000)),
            tok("tokenizer.json", "tok3"),
        ],
    );
    r.tokenizer_changed = true;
    r.parents = vec![a.parent(Relation::Quantized)];
    let c = fam.sign(&r, &key(2));
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    assert!(l.passed(), "{:#?}", l.findings);
    // A GGUF with no tokenizer files: not compared, said so.
    let c = child_of(
        &mut fam,
        &a,
        Relation::Quantized,
        vec![weight("m.gguf", "q6", Some(1_000_000))],
    );
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    assert!(l.passed());
    assert!(!only(&l, FindingKind::RelationQuantizedTokenizerChanged).fatal);
}

#[test]
fn adapters_carry_adapter_weights_and_unmodified_parent_weights() {
    let mut fam = Family::default();
    let a = fam.sign(&base(), &key(1));
    let adapter = || weight("adapter_model.safetensors", "lora", Some(20_000));
    // The adapter alone, and the adapter with the parent's weights redistributed as they are.
    for extra in [
        None,
        Some(weight("model.safetensors", "a-weights", Some(1_000_000))),
    ] {
        let mut files = vec![adapter()];
        files.extend(extra);
        let c = child_of(&mut fam, &a, Relation::Adapter, files);
        let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
        assert!(l.passed(), "{:#?}", l.findings);
        assert!(
            l.edges[0].summary.contains("2.00% of the parent's"),
            "{}",
            l.edges[0].summary
        );
    }
    // The parent's weight file, modified.
    let c = child_of(
        &mut fam,
        &a,
        Relation::Adapter,
        vec![
            adapter(),
            weight("model.safetensors", "tampered", Some(1_000_000)),
        ],
    );
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    let f = only(&l, FindingKind::RelationAdapterParentWeightsModified);
    assert!(f.fatal && f.detail.contains("model.safetensors"));
    // Full weights dressed as an adapter.
    let c = child_of(
        &mut fam,
        &a,
        Relation::Adapter,
        vec![weight("full.safetensors", "full", Some(1_000_000))],
    );
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    assert!(l
        .findings_of(FindingKind::RelationAdapterNotAdapterOnly)
        .all(|f| f.fatal));
    assert_eq!(
        l.findings_of(FindingKind::RelationAdapterNotAdapterOnly)
            .count(),
        2
    );
    // An "adapter" holding 20% of the parent's parameters.
    let c = child_of(
        &mut fam,
        &a,
        Relation::Adapter,
        vec![weight("adapter_model.safetensors", "big", Some(200_000))],
    );
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    assert!(only(&l, FindingKind::RelationAdapterNotAdapterOnly)
        .detail
        .contains("20.00%"));
}

#[test]
fn merges_need_two_parents() {
    let mut fam = Family::default();
    let a = fam.sign(&base(), &key(1));
    let c = child_of(
        &mut fam,
        &a,
        Relation::Merge,
        vec![weight("model.safetensors", "merged", Some(1_000_000))],
    );
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    assert_eq!(
        kinds(&l),
        vec![(FindingKind::RelationMergeSingleParent, true)]
    );
}

#[test]
fn finetunes_must_change_the_weights() {
    let mut fam = Family::default();
    let a = fam.sign(&base(), &key(1));
    for relation in [
        Relation::Finetune,
        Relation::Distill,
        Relation::ContinuedPretraining,
    ] {
        let c = child_of(
            &mut fam,
            &a,
            relation,
            vec![weight("model.safetensors", "a-weights", Some(1_000_000))],
        );
        let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
        let f = only(&l, FindingKind::RelationWeightsUnchanged);
        assert!(f.fatal && f.detail.contains(&format!("a {relation} changes")));
    }
    // No weights at all.
    let c = child_of(
        &mut fam,
        &a,
        Relation::Finetune,
        vec![tok("tokenizer.json", "t")],
    );
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    assert!(only(&l, FindingKind::RelationNoWeights).fatal);
}

// ----- licences ----------------------------------------------------------------------------

/// A (org A, `parent_licence`) → finetune B (org B, `child_licence`).
fn licensed_pair(
    parent_licence: Option<Licence>,
    child_licence: Option<Licence>,
) -> (Family, Signed, Signed) {
    let mut fam = Family::default();
    let mut a = base();
    a.licence = parent_licence;
    let a = fam.sign(&a, &key(1));
    let mut b = release(
        "org-b/ft",
        "1.0",
        vec![weight("model.safetensors", "b-weights", Some(1_000_000))],
    );
    b.licence = child_licence;
    b.parents = vec![a.parent(Relation::Finetune)];
    let b = fam.sign(&b, &key(2));
    (fam, a, b)
}

#[test]
fn non_commercial_relicensed_as_apache_is_laundering() {
    let (fam, a, b) = licensed_pair(spdx("CC-BY-NC-4.0"), spdx("Apache-2.0"));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    let f = only(&l, FindingKind::LicenceLaundering);
    assert!(f.fatal);
    assert_eq!((f.node, f.related), (b.digest, Some(a.digest)));
    for part in [
        "org-b/ft 1.0",
        "declares Apache-2.0",
        "non-commercial",
        "org-a/base 1.0 (sha256:",
        &a.digest.to_hex()[..12],
        "CC-BY-NC-4.0",
    ] {
        assert!(f.detail.contains(part), "{part}: {}", f.detail);
    }
    // Keeping the term passes; so does a stricter licence carrying it.
    for keep in ["CC-BY-NC-4.0", "CC-BY-NC-SA-4.0"] {
        let (fam, _, b) = licensed_pair(spdx("CC-BY-NC-4.0"), spdx(keep));
        assert!(walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default()).passed());
    }
    // Offering a way out does not.
    let (fam, _, b) = licensed_pair(spdx("CC-BY-NC-4.0"), spdx("CC-BY-NC-4.0 OR MIT"));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert!(only(&l, FindingKind::LicenceLaundering).fatal);
    // No licence at all.
    let (fam, _, b) = licensed_pair(spdx("CC-BY-NC-4.0"), None);
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    let f = only(&l, FindingKind::LicenceUndeclared);
    assert!(f.fatal && f.detail.contains("non-commercial from org-a/base 1.0"));
}

#[test]
fn llama_relicensed_as_mit_is_laundering() {
    let (fam, a, b) = licensed_pair(named("llama3.1"), spdx("MIT"));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    let f = only(&l, FindingKind::LicenceLaundering);
    assert_eq!(f.related, Some(a.digest));
    for part in [
        "llama-licence",
        "llama3.1",
        "declares MIT",
        "org-a/base 1.0",
        "naming terms",
    ] {
        assert!(f.detail.contains(part), "{part}: {}", f.detail);
    }
    for keep in ["llama3.1", "llama3.2"] {
        let (fam, _, b) = licensed_pair(named("llama3.1"), named(keep));
        assert!(walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default()).passed());
    }
    // RAIL and Gemma likewise.
    let (fam, _, b) = licensed_pair(named("bigscience-openrail-m"), spdx("Apache-2.0"));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert!(only(&l, FindingKind::LicenceLaundering)
        .detail
        .contains("use-restrictions"));
    let (fam, _, b) = licensed_pair(named("openrail"), named("creativeml-openrail-m"));
    assert!(walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default()).passed());
    let (fam, _, b) = licensed_pair(named("gemma"), spdx("MIT"));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert!(only(&l, FindingKind::LicenceLaundering)
        .detail
        .contains("gemma-terms"));
}

#[test]
fn terms_accumulate_down_the_chain() {
    // A under CC-BY-NC-4.0 → B keeps it → C relicenses as Apache: C launders A's term (and B's).
    let mut fam = Family::default();
    let mut a = base();
    a.licence = spdx("CC-BY-NC-4.0");
    let a = fam.sign(&a, &key(1));
    let mut b = release(
        "org-b/ft",
        "1.0",
        vec![
            weight("model.safetensors", "b-weights", Some(1_000_000)),
            tok("tokenizer.json", "tok"),
        ],
    );
    b.licence = spdx("CC-BY-NC-SA-4.0");
    b.parents = vec![a.parent(Relation::Finetune)];
    let b = fam.sign(&b, &key(2));
    let mut c = release(
        "org-c/q",
        "1.0",
        vec![
            weight("q.gguf", "c-weights", Some(1_000_000)),
            tok("tokenizer.json", "tok"),
        ],
    );
    c.licence = spdx("CC-BY-SA-4.0");
    c.parents = vec![b.parent(Relation::Quantized)];
    let c = fam.sign(&c, &key(3));
    let l = walk_with(&fam, &c, &OrgTrust::abc(), &WalkOptions::default());
    let launder: Vec<(Option<Sha256Digest>, String)> = l
        .findings_of(FindingKind::LicenceLaundering)
        .map(|f| (f.related, f.detail.clone()))
        .collect();
    assert_eq!(launder.len(), 3, "{launder:#?}");
    // From the grandparent A: non-commercial. From B: non-commercial and share-alike.
    assert!(launder
        .iter()
        .any(|(r, d)| *r == Some(a.digest) && d.contains("non-commercial")));
    assert!(launder
        .iter()
        .any(|(r, d)| *r == Some(b.digest) && d.contains("share-alike")));
    assert!(l.findings.iter().all(|f| f.node == c.digest));
}

#[test]
fn a_parent_offering_a_permissive_choice_passes_nothing_down() {
    let (fam, _, b) = licensed_pair(spdx("MIT OR CC-BY-NC-4.0"), spdx("Apache-2.0"));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert!(l.findings.is_empty(), "{:#?}", l.findings);
    // AND: both sides' terms flow.
    let (fam, _, b) = licensed_pair(spdx("MIT AND CC-BY-NC-4.0"), spdx("Apache-2.0"));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert!(only(&l, FindingKind::LicenceLaundering).fatal);
}

#[test]
fn flowing_terms_follow_the_expression() {
    let t = |l: Option<Licence>| flowing_terms(&l.unwrap());
    assert_eq!(t(spdx("Apache-2.0")), vec![]);
    assert_eq!(t(spdx("CC-BY-NC-4.0")), vec![LicenceTerm::NonCommercial]);
    assert_eq!(
        t(spdx("CC-BY-NC-ND-4.0")),
        vec![LicenceTerm::NonCommercial, LicenceTerm::NoDerivatives]
    );
    assert_eq!(
        t(spdx("CC-BY-SA-4.0 OR GPL-3.0-only")),
        vec![LicenceTerm::ShareAlike]
    );
    assert_eq!(t(spdx("MIT OR CC-BY-NC-4.0")), vec![]);
    assert_eq!(
        t(spdx("CC-BY-SA-4.0 AND CC-BY-NC-4.0")),
        vec![LicenceTerm::NonCommercial, LicenceTerm::ShareAlike]
    );
    assert_eq!(t(named("llama3.3")), vec![LicenceTerm::LlamaLicence]);
    assert_eq!(t(named("gemma")), vec![LicenceTerm::GemmaTerms]);
    assert_eq!(
        t(named("bigcode-openrail-m")),
        vec![LicenceTerm::UseRestrictions]
    );
    assert_eq!(t(named("apple-amlr")), vec![LicenceTerm::NonCommercial]);
    assert_eq!(t(named("openmdw-1.0")), vec![]);
    assert_eq!(t(named("other")), vec![LicenceTerm::UnknownTerms]);
    assert_eq!(
        t(named("coqui-public-model-license")),
        vec![LicenceTerm::UnknownTerms]
    );
    assert_eq!(
        t(spdx("LicenseRef-llama3.1")),
        vec![LicenceTerm::LlamaLicence]
    );
    assert_eq!(t(spdx("LicenseRef-custom OR MIT")), vec![]);
}

#[test]
fn share_alike_no_derivatives_and_unknown_terms() {
    // Share-alike: same id (CC) or same family (GPL).
    let (fam, _, b) = licensed_pair(spdx("CC-BY-SA-4.0"), spdx("CC-BY-SA-4.0"));
    assert!(walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default()).passed());
    let (fam, _, b) = licensed_pair(spdx("CC-BY-SA-4.0"), spdx("CC-BY-4.0"));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert!(only(&l, FindingKind::LicenceLaundering)
        .detail
        .contains("cc-by-sa-4.0"));
    let (fam, _, b) = licensed_pair(spdx("GPL-2.0-or-later"), spdx("GPL-3.0-only"));
    assert!(walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default()).passed());
    // No derivatives: a finetune violates whatever its licence.
    let (fam, _, b) = licensed_pair(spdx("CC-BY-ND-4.0"), spdx("CC-BY-ND-4.0"));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert_eq!(kinds(&l), vec![(FindingKind::LicenceNoDerivatives, true)]);
    // Unknown terms: not checked, said so; the same licence kept is fine.
    let (fam, _, b) = licensed_pair(named("coqui-public-model-license"), spdx("MIT"));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    assert!(l.passed());
    assert_eq!(kinds(&l), vec![(FindingKind::LicenceUnknownTerms, false)]);
    let (fam, _, b) = licensed_pair(
        named("coqui-public-model-license"),
        named("coqui-public-model-license"),
    );
    assert!(
        walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default())
            .findings
            .is_empty()
    );
}

#[test]
fn a_grant_from_the_ancestor_exempts_the_release() {
    let (fam, a, b) = licensed_pair(spdx("CC-BY-NC-4.0"), spdx("Apache-2.0"));
    let grant = |licence: &str| VerifiedGrant {
        grant: LicenceGrant {
            ancestor: a.digest,
            ancestor_name: "org-a/base".into(),
            child_name: "org-b/ft".into(),
            licence: licence.into(),
        },
        signers: vec![Signer::new("org-a maintainer", key(1).public())],
    };
    let opts = WalkOptions {
        grants: vec![grant("Apache-2.0")],
        ..WalkOptions::default()
    };
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &opts);
    assert!(l.findings.is_empty(), "{:#?}", l.findings);
    assert_eq!(l.grants.len(), 1);
    assert_eq!(l.grants[0].term, LicenceTerm::NonCommercial);
    let mut report = Report::default();
    report_findings(&l, &mut report);
    assert!(report
        .checks
        .iter()
        .any(|c| c.id == CheckId::LicenceGrant && c.detail.contains("may use Apache-2.0")));
    // A grant for another licence does not apply.
    let opts = WalkOptions {
        grants: vec![grant("MIT")],
        ..WalkOptions::default()
    };
    assert!(!walk_with(&fam, &b, &OrgTrust::abc(), &opts).passed());
    // A grant naming another ancestor name (whose maintainers signed it) does not speak for
    // this ancestor, even with its digest.
    let mut other = grant("Apache-2.0");
    other.grant.ancestor_name = "org-c/base".into();
    let opts = WalkOptions {
        grants: vec![other],
        ..WalkOptions::default()
    };
    assert!(!walk_with(&fam, &b, &OrgTrust::abc(), &opts).passed());
    // A grant naming another ancestor name (whose maintainers signed it) does not speak for
    // this ancestor, even with its digest.
    let mut other = grant("Apache-2.0");
    other.grant.ancestor_name = "org-c/base".into();
    let opts = WalkOptions {
        grants: vec![other],
        ..WalkOptions::default()
    };
    assert!(!walk_with(&fam, &b, &OrgTrust::abc(), &opts).passed());
}

#[test]
fn datasets_flow_down_with_who_declared_them() {
    let mut fam = Family::default();
    let mut a = base();
    a.card = Some(CardMeta {
        datasets: vec!["HuggingFaceFW/fineweb".into()],
        ..CardMeta::default()
    });
    let a = fam.sign(&a, &key(1));
    let mut b = release(
        "org-b/ft",
        "1.0",
        vec![weight("model.safetensors", "b-weights", Some(1_000_000))],
    );
    b.card = Some(CardMeta {
        datasets: vec!["org-b/chat".into(), "HuggingFaceFW/fineweb".into()],
        ..CardMeta::default()
    });
    b.parents = vec![a.parent(Relation::Finetune)];
    let b = fam.sign(&b, &key(2));
    let l = walk_with(&fam, &b, &OrgTrust::abc(), &WalkOptions::default());
    let ds = l.declared_datasets();
    assert_eq!(ds["HuggingFaceFW/fineweb"], vec![b.digest, a.digest]);
    assert_eq!(ds["org-b/chat"], vec![b.digest]);
    assert_eq!(l.nodes[&a.digest].datasets, vec!["HuggingFaceFW/fineweb"]);
}
