//! Lineage and claims: cycles, self-parents, forged and rolled-back parents, licence
//! laundering, open-data claims without data, and attestations that must not count (for
//! another record, by an untrusted certifier, or one outside its scope or validity window).
//!
//! The lineage cases use the organisations of a [`Family`] (one key and one release scope per
//! organisation); the claims and attestation cases the [`Lab`].
use sceau_fixtures::lineage as fx;

use super::*;

// ---------------------------------------------------------------------------------------------
// Lineage, on the organisations of a [`Family`].

/// [`Family::verify`] under the family's policy.
fn verify_family(lab: &Family, dir: &Path, record: &Path, store: &Path) -> (Output, Value) {
    lab.verify(dir, record, store, &lab.policy, &[])
}

/// org-a/base 1.0 re-signed naming its own fine-tune as its parent: base → finetune → base.
#[test]
fn cycle_fails() {
    let lab = Family::new();
    let (base, ft) = lab.base_and_finetune(
        (fx::base_a, fx::BASE_A_NAME),
        (fx::finetune_b, fx::FINETUNE_B_NAME),
    );
    let looped = lab.sign(
        &base.0,
        "a",
        fx::BASE_A_NAME,
        "looped.json",
        &[(&ft.1, "finetune")],
    );
    let store = lab.store("store", &[&base.1, &ft.1]);
    let (o, r) = verify_family(&lab, &base.0, &looped, &store);
    assert_lineage_failure(
        &o,
        &r,
        "cycle",
        &["org-a/base 1.0 → org-b/finetune 1.0 → org-a/base 1.0"],
    );
}

/// A fine-tune released under its parent's own name and version.
#[test]
fn self_parent_fails() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let dir = lab.folder("ft", fx::finetune_b);
    let rec = lab.sign(
        &dir,
        "a",
        fx::BASE_A_NAME,
        "self.json",
        &[(&base.1, "finetune")],
    );
    let store = lab.store("store", &[&base.1]);
    let (o, r) = verify_family(&lab, &dir, &rec, &store);
    assert_lineage_failure(&o, &r, "self-parent", &["names itself", "org-a/base 1.0"]);
}

/// B signs org A's base itself. With the same signing time the payload is A's, byte for
/// byte: the record has A's digest but only B's signature. With another time it is a record
/// of its own, which B's fine-tune then names as its parent. Either way the forged parent is an
/// unverified ancestor, named.
#[test]
fn parent_record_resigned_by_the_forker_is_an_unverified_ancestor() {
    let lab = Family::new();
    let (base, ft) = lab.base_and_finetune(
        (fx::base_a, fx::BASE_A_NAME),
        (fx::finetune_b, fx::FINETUNE_B_NAME),
    );

    // 1. Same payload, B's signature only.
    let resigned = lab.sign(&base.0, "b", fx::BASE_A_NAME, "resigned.json", &[]);
    assert_eq!(
        record_digest(&resigned),
        record_digest(&base.1),
        "same payload"
    );
    assert_ne!(
        read_json(&resigned)["signatures"],
        read_json(&base.1)["signatures"]
    );
    let store = lab.store("store", &[&resigned, &ft.1]);
    let (o, r) = verify_family(&lab, &ft.0, &ft.1, &store);
    assert_lineage_failure(
        &o,
        &r,
        "unverified-ancestor",
        &[fx::BASE_A_NAME, "untrusted"],
    );
    // A's own signature, added to the store later, is merged in: the parent verifies.
    let o = sceau(&["store", "add", "--store", s(&store), s(&base.1)]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("1 new signature(s) merged"),
        "{}",
        stdout(&o)
    );
    let (o, _) = verify_family(&lab, &ft.0, &ft.1, &store);
    assert_exit(&o, 0);

    // 2. A re-signed record of its own (another time), named by B's fork, next to A's genuine
    //    record in the store.
    let forged_base = lab.path("forged-base.json");
    let o = sceau_env(
        &[
            "sign",
            s(&base.0),
            "--key",
            s(&lab.key("b")),
            "--name",
            fx::BASE_A_NAME,
            "--version",
            V,
            "-o",
            s(&forged_base),
            "-q",
        ],
        &[("SOURCE_DATE_EPOCH", "1767312000")],
    );
    assert_exit(&o, 0);
    assert_ne!(record_digest(&forged_base), record_digest(&base.1));
    let fork = lab.sign(
        &ft.0,
        "b",
        fx::FINETUNE_B_NAME,
        "fork.json",
        &[(&forged_base, "finetune")],
    );
    let store2 = lab.store("store2", &[&base.1, &forged_base]);
    let (o, r) = verify_family(&lab, &ft.0, &fork, &store2);
    // The genuine base, in the store, is what the weights derive from, and the fork declares
    // only the forker's copy of it: an undeclared ancestor too (spec/lineage.md §8.3).
    let d = assert_lineage_failure_with(
        &o,
        &r,
        "unverified-ancestor",
        &["undeclared-ancestor"],
        &[fx::BASE_A_NAME, &record_digest(&forged_base)[..12]],
    );
    // Untrusted under policy v1's scope for release "org-a/base".
    assert!(d.contains("v1") && d.contains("\"org-a/base\""), "{d}");
    let n = node(&r["lineage"], &record_digest(&forged_base));
    assert_eq!(n["status"]["state"], "unverified");
}

/// A child record whose claim about its parent (name or version) is not what the parent
/// record says. `sceau sign` copies both from the parent record, so the payload is edited and
/// signed again with `sceau countersign` by the forker.
#[test]
fn parent_name_or_version_differing_from_the_claim_fails() {
    let lab = Family::new();
    let (base, ft) = lab.base_and_finetune(
        (fx::base_a, fx::BASE_A_NAME),
        (fx::finetune_b, fx::FINETUNE_B_NAME),
    );
    let store = lab.store("store", &[&base.1]);
    let payload = String::from_utf8(payload_of(&ft.1)).expect("utf-8");
    let claim = format!("\"name\":\"{}\",\"version\":\"{}\"", fx::BASE_A_NAME, V);
    assert_eq!(payload.matches(&claim).count(), 1, "{payload}");
    for (file, replacement, kind, phrase) in [
        (
            "renamed.json",
            "\"name\":\"org-a/basis\",\"version\":\"1.0\"",
            "name-mismatch",
            "\"org-a/basis\", but that record is release \"org-a/base\"",
        ),
        (
            "reversioned.json",
            "\"name\":\"org-a/base\",\"version\":\"0.9\"",
            "version-mismatch",
            "version \"0.9\", but that record is version \"1.0\"",
        ),
    ] {
        let forged = lab.path(file);
        let edited = payload.replace(&claim, replacement);
        write_json(
            &forged,
            &json!({
                "payloadType": PAYLOAD_TYPE_INTOTO,
                "payload": b64_encode(edited.as_bytes()),
                "signatures": [],
            }),
        );
        assert_exit(
            &sceau(&["countersign", s(&forged), "--key", s(&lab.key("b"))]),
            0,
        );
        let (o, r) = verify_family(&lab, &ft.0, &forged, &store);
        assert_lineage_failure(&o, &r, kind, &[fx::FINETUNE_B_NAME, phrase]);
    }
}

/// Another validly signed record put in the store under the parent's digest is a rejected
/// node: the file name is checked against what the file holds.
#[test]
fn store_file_holding_another_record_is_an_invalid_record() {
    let lab = Family::new();
    let (base, ft) = lab.base_and_finetune(
        (fx::base_a, fx::BASE_A_NAME),
        (fx::finetune_b, fx::FINETUNE_B_NAME),
    );
    let other = lab.release(fx::nc_base, "a", fx::NC_BASE_NAME, &[]);
    let store = lab.store("store", &[&ft.1]);
    let base_digest = record_digest(&base.1);
    std::fs::copy(&other.1, store.join(format!("{base_digest}.json"))).unwrap();
    let (o, r) = verify_family(&lab, &ft.0, &ft.1, &store);
    assert_lineage_failure(
        &o,
        &r,
        "invalid-record",
        &[&base_digest[..12], "does not match the file name"],
    );
    assert_eq!(
        node(&r["lineage"], &base_digest)["status"]["state"],
        "rejected"
    );
}

/// Decision: a child naming version 1.0 of its parent, when the state has accepted 2.0 of
/// that parent, verifies. A parent is named by the digest of its payload: the child derives
/// from that exact record, which a newer version of the parent does not change. The state
/// guards the release being verified, never its ancestors, and is not changed for them.
#[test]
fn rolled_back_parent_is_history_not_a_rollback() {
    let (t, base_dir) = fixture(sceau_fixtures::lineage::base_a);
    let (key, public) = keygen(t.path(), "alice");
    let sign = |dir: &Path, name: &str, version: &str, out: &str, parent: Option<&Path>| {
        let out = t.path().join(out);
        let spec = parent.map(|p| format!("{}:finetune", s(p)));
        let mut a = vec![
            "sign",
            s(dir),
            "--key",
            s(&key),
            "-o",
            s(&out),
            "--name",
            name,
            "--version",
            version,
            "-q",
        ];
        if let Some(sp) = &spec {
            a.extend(["--parent", sp.as_str()]);
        }
        assert_exit(&sceau(&a), 0);
        out
    };
    let base = sceau_fixtures::lineage::BASE_A_NAME;
    let base_v1 = sign(&base_dir, base, "1.0", "base-1.sceau.json", None);
    let base_v2 = sign(&base_dir, base, "2.0", "base-2.sceau.json", None);
    let ft_dir = t.path().join("ft");
    std::fs::create_dir(&ft_dir).unwrap();
    sceau_fixtures::lineage::finetune_b(&ft_dir).unwrap();
    let child = sign(
        &ft_dir,
        sceau_fixtures::lineage::FINETUNE_B_NAME,
        "1.0",
        "ft.sceau.json",
        Some(&base_v1),
    );
    let store = t.path().join("store");
    assert_exit(
        &sceau(&[
            "store",
            "add",
            "--store",
            s(&store),
            s(&base_v1),
            s(&base_v2),
        ]),
        0,
    );
    let state = t.path().join("state.json");
    // alice's key vouches for the release verified and, bound to its name, for the base.
    let bound = format!("{base}={}", s(&public));
    let verify = |rec: &Path, dir: &Path| {
        let o = sceau(&[
            "verify",
            s(dir),
            "--record",
            s(rec),
            "--key",
            s(&public),
            "--key",
            &bound,
            "--store",
            s(&store),
            "--state",
            s(&state),
            "--at",
            AT,
            "--json",
        ]);
        let r = report_of(&o);
        (o, r)
    };
    let (o, _) = verify(&base_v2, &base_dir);
    assert_exit(&o, 0);
    let (o, r) = verify(&child, &ft_dir);
    assert_exit(&o, 0);
    let parent = &r["lineage"]["nodes"][record_digest(&base_v1)];
    assert_eq!(parent["status"]["state"], "verified", "{r:#}");
    let st = read_json(&state);
    assert_eq!(st["releases"][base]["version"], "2.0");
    assert_eq!(
        st["releases"][sceau_fixtures::lineage::FINETUNE_B_NAME]["version"],
        "1.0"
    );
    // The parent's old record verified by itself is a rollback, as it should be.
    let (o, r) = verify(&base_v1, &base_dir);
    assert_wording(
        &assert_only_failure(&o, &r, "freshness", "rollback", &["1.0", "2.0"]),
        &["rollback refused"],
    );
}

#[test]
fn licence_laundering_nc_to_apache_fails() {
    let (o, r) = Granted::new().verify(&[]);
    assert_lineage_failure(
        &o,
        &r,
        "licence-laundering",
        &[
            fx::LAUNDERING_NC_NAME,
            "Apache-2.0",
            "non-commercial",
            fx::NC_BASE_NAME,
            "CC-BY-NC-4.0",
        ],
    );
}

/// A non-commercial base by org-a, fine-tuned by org-b and relicensed Apache-2.0, in a store;
/// grants made by `sceau grant BASE --release CHILD --licence LICENCE --key ORG.key [extra]`.
struct Granted {
    lab: Family,
    child: Signed,
    base: PathBuf,
    store: PathBuf,
}

impl Granted {
    fn new() -> Granted {
        let lab = Family::new();
        let (base, child) = lab.base_and_finetune(
            (fx::nc_base, fx::NC_BASE_NAME),
            (fx::laundering_nc, fx::LAUNDERING_NC_NAME),
        );
        let store = lab.store("store", &[&base.1]);
        Granted {
            lab,
            child,
            base: base.1,
            store,
        }
    }

    fn grant(
        &self,
        name: &str,
        org: &str,
        release: &str,
        licence: &str,
        extra: &[&str],
    ) -> PathBuf {
        let out = self.lab.path(name);
        let key = self.lab.key(org);
        let mut a = vec![
            "grant",
            s(&self.base),
            "--release",
            release,
            "--licence",
            licence,
            "--key",
            s(&key),
            "-o",
            s(&out),
        ];
        a.extend_from_slice(extra);
        let o = sceau(&a);
        assert_exit(&o, 0);
        out
    }

    fn verify(&self, grants: &[&Path]) -> (Output, Value) {
        let mut extra = Vec::new();
        for g in grants {
            extra.extend(["--grant", s(g)]);
        }
        let before = snapshot(self.lab.t.path());
        let (o, r) = self.lab.verify(
            &self.child.0,
            &self.child.1,
            &self.store,
            &self.lab.policy,
            &extra,
        );
        assert_unchanged(self.lab.t.path(), &before);
        (o, r)
    }

    /// The laundering failure stands, and the one `lineage grant` check says why the grant
    /// was not counted or not used.
    #[track_caller]
    fn assert_not_counted(&self, grant: &Path, ids: &[&str]) -> String {
        let (o, r) = self.verify(&[grant]);
        assert_lineage_failure(&o, &r, "licence-laundering", &["non-commercial"]);
        assert_check(&r, "lineage", "grant", SKIPPED, ids);
        let d = detail(&r, "lineage", "grant");
        assert!(d.starts_with(s(grant)), "{d}");
        d.to_owned()
    }
}

/// A grant signed by the ancestor's own maintainers (org-a's scope) for that release and that
/// licence lets it verify; the report names the grant and who signed it.
#[test]
fn licence_grant_by_the_ancestors_maintainers_counts() {
    let g = Granted::new();
    let grant = g.grant("grant.json", "a", fx::LAUNDERING_NC_NAME, "apache-2.0", &[]);
    let (o, r) = g.verify(&[&grant]);
    assert_exit(&o, 0);
    let d = detail(&r, "lineage", "licence-grant");
    assert!(
        d.contains(fx::LAUNDERING_NC_NAME)
            && d.contains("Apache-2.0")
            && d.contains("non-commercial")
            && d.contains(&key_id(&g.lab.path("a.pub"))),
        "{d}"
    ); // `sceau lineage` takes grants too: the family is drawn as verified with it, not without;
       // a grant that does not count is a warning there.
    let forged = g.grant(
        "forged.json",
        "b",
        fx::LAUNDERING_NC_NAME,
        "apache-2.0",
        &[],
    );
    for (grants, verified) in [
        (vec![&grant], true),
        (vec![], false),
        (vec![&forged], false),
    ] {
        let mut a = vec![
            "lineage",
            s(&g.child.1),
            "--store",
            s(&g.store),
            "--policy",
            s(&g.lab.policy),
            "--at",
            AT,
            "--format",
            "json",
        ];
        for x in &grants {
            a.extend(["--grant", s(x)]);
        }
        let o = sceau(&a);
        let v: Value = serde_json::from_str(&stdout(&o)).expect("lineage json");
        assert_eq!(v["verified"], verified, "{grants:?}: {v:#}");
        if grants.contains(&&forged) {
            assert!(stderr(&o).contains("warning: ") && stderr(&o).contains("not counted"));
        }
    }
}

/// The forker signing a grant for itself borrows nothing: under the policy, only org-a's scope
/// speaks for org-a's release.
#[test]
fn licence_grant_signed_by_the_forker_does_not_count() {
    let g = Granted::new();
    let grant = g.grant("grant.json", "b", fx::LAUNDERING_NC_NAME, "apache-2.0", &[]);
    // Signed by 0 of the 1 keys org-a's base requires.
    let d = g.assert_not_counted(&grant, &[fx::NC_BASE_NAME]);
    assert!(numbers(&d).windows(2).any(|w| w == [0, 1]), "{d}");
}

/// A grant for another release, or another licence, verifies but is not used.
#[test]
fn licence_grant_for_another_release_or_licence_is_not_used() {
    let g = Granted::new();
    for (name, release, licence) in [
        ("other-release.json", "org-b/someone-else", "apache-2.0"),
        ("other-licence.json", fx::LAUNDERING_NC_NAME, "MIT"),
    ] {
        let grant = g.grant(name, "a", release, licence, &[]);
        let d = g.assert_not_counted(&grant, &[release]);
        assert_wording(&d, &["not used"]);
    }
}

/// Grants expire like attestations: at the instant of expiry it no longer counts.
#[test]
fn expired_licence_grant_does_not_count() {
    let g = Granted::new();
    // AT is 2026-06-01T00:00:00Z.
    let grant = g.grant(
        "grant.json",
        "a",
        fx::LAUNDERING_NC_NAME,
        "apache-2.0",
        &["--expires", "2026-06-01"],
    );
    let d = g.assert_not_counted(&grant, &["2026-06-01T00:00:00Z"]);
    assert_wording(&d, &["expired"]);
}

/// A grant whose payload was altered no longer verifies: it is not counted, and the laundering
/// stands.
#[test]
fn altered_licence_grant_does_not_count() {
    let g = Granted::new();
    let grant = g.grant("grant.json", "a", fx::LAUNDERING_NC_NAME, "apache-2.0", &[]);
    let mut env = read_json(&grant);
    let payload = String::from_utf8(b64_decode(env["payload"].as_str().unwrap())).unwrap();
    let altered = payload.replace(
        "\"issued\"",
        "\"expires\": \"2099-01-01T00:00:00Z\", \"issued\"",
    );
    assert_ne!(altered, payload);
    env["payload"] = b64_encode(altered.as_bytes()).into();
    write_json(&grant, &env);
    // Signed by 0 of the 1 keys required: its one signature is invalid.
    let d = g.assert_not_counted(&grant, &[]);
    assert!(numbers(&d).windows(3).any(|w| w == [0, 1, 1]), "{d}");
    assert_wording(&d, &["invalid"]);
}

/// A file that is not a grant (a record given as `--grant`, a grant given as `--record`, a
/// grant file over its size limit) is refused before anything is verified, naming it.
#[test]
fn what_is_not_a_grant_is_refused_as_input() {
    let g = Granted::new();
    let grant = g.grant("grant.json", "a", fx::LAUNDERING_NC_NAME, "apache-2.0", &[]);
    let big = g.lab.path("big-grant.json");
    super::json::oversized(&big, sceau_core::grant::MAX_GRANT_FILE_BYTES);
    let before = snapshot(g.lab.t.path());
    let verify = |record: &Path, grant: &Path| {
        sceau(&[
            "verify",
            s(&g.child.0),
            "--record",
            s(record),
            "--store",
            s(&g.store),
            "--policy",
            s(&g.lab.policy),
            "--grant",
            s(grant),
        ])
    };
    assert_input_error(
        &verify(&g.child.1, &g.base),
        &[s(&g.base), "not a licence grant"],
    );
    assert_input_error(
        &verify(&g.child.1, &big),
        &[s(&big), "over the size limit of 262144 bytes"],
    );
    let o = verify(&grant, &grant);
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains("application/vnd.sceau.grant+json"),
        "{}",
        stdout(&o)
    );
    assert_unchanged(g.lab.t.path(), &before);
}

#[test]
fn licence_laundering_llama_to_mit_fails() {
    let lab = Family::new();
    let (base, child) = lab.base_and_finetune(
        (fx::llama_base, fx::LLAMA_BASE_NAME),
        (fx::laundering_llama, fx::LAUNDERING_LLAMA_NAME),
    );
    let store = lab.store("store", &[&base.1]);
    let (o, r) = verify_family(&lab, &child.0, &child.1, &store);
    assert_lineage_failure(
        &o,
        &r,
        "licence-laundering",
        &[
            fx::LAUNDERING_LLAMA_NAME,
            "MIT",
            "llama-licence",
            fx::LLAMA_BASE_NAME,
            "llama3.1",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Claims and attestations that must not count (spec/claims.md, spec/attestations.md §3).

/// Claiming open data (MOF Class I, OSI open source) with no dataset anywhere — none in the
/// claims, none in the card, no data file — fails as open washing naming the datasets.
#[test]
fn claims_open_data_without_datasets() {
    let claims = sceau_fixtures::OPEN_SCIENCE_CLAIMS;
    let (a, b) = (
        claims.find("[[datasets]]").unwrap(),
        claims.find("[[evaluation]]").unwrap(),
    );
    let (t, d) = fixture(
        ReleaseBuilder::new(sceau_fixtures::open_science)
            .remove("data")
            .edit_card(
                "datasets:\n- example-org/open-corpus\n- example-org/open-eval\n",
                "",
            )
            .remove("claims.toml"),
    );
    let no_data = t.path().join("claims.toml");
    std::fs::write(&no_data, format!("{}{}", &claims[..a], &claims[b..])).unwrap();
    let (key, public) = keygen(t.path(), "alice");
    let rec = t.path().join("r.sceau.json");
    let o = sceau(&[
        "sign",
        s(&d),
        "--key",
        s(&key),
        "-o",
        s(&rec),
        "--name",
        "example-org/open",
        "--version",
        "1.0",
        "--claims",
        s(&no_data),
        "-q",
    ]);
    assert_exit(&o, 0);
    let before = snapshot(t.path());
    let o = sceau(&[
        "verify",
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&public),
        "--json",
    ]);
    let r = report_of(&o);
    // Open washing (the only way `claims openness` fails), naming the missing component.
    let d = assert_only_failure(&o, &r, "claims", "openness", &["datasets"]);
    assert_wording(&d, &["no training data"]);
    assert_unchanged(t.path(), &before);
}

/// The lab's record, an auditor trusted for mof-openness and the auditor's attestation of the
/// record: (auditor key, policy, attestation). Each case then changes one thing.
fn attested(lab: &Lab) -> (PathBuf, PathBuf, PathBuf) {
    let (key, public) = lab.keys("auditor");
    let policy = lab.certifier_policy("p.json", &public, "mof-openness", &[]);
    let att = lab.certify(&lab.record, &key, "att.json");
    let (o, _) = lab.verify_required(&policy, &[&att], &[]);
    assert_exit(&o, 0);
    (key, policy, att)
}

/// The name of the requirement's check.
fn require_check() -> String {
    format!("require:{REQUIRE}")
}

#[test]
fn attestation_for_another_record_is_refused() {
    let lab = Lab::certifiable();
    let (key, policy, _) = attested(&lab);
    let other = lab.path("v2.sceau.json");
    sign_as(&lab.dir, &lab.key, &other, "2.0.0");
    let att = lab.certify(&other, &key, "other.json");
    let (o, r) = lab.verify_required(&policy, &[&att], &[]);
    assert_only_failure(
        &o,
        &r,
        "claims",
        &require_check(),
        &[&format!(
            "attestation is for another record (sha256:{})",
            record_digest(&other)
        )],
    );
}

#[test]
fn untrusted_certifier_is_refused() {
    let lab = Lab::certifiable();
    let (_, policy, _) = attested(&lab);
    let (stranger, _) = lab.keys("stranger");
    let att = lab.certify(&lab.record, &stranger, "stranger.json");
    let (o, r) = lab.verify_required(&policy, &[&att], &[]);
    assert_wording(
        &assert_only_failure(&o, &r, "claims", &require_check(), &["\"stranger\""]),
        &["not trusted"],
    );
    // Listed, and not counted.
    assert_check(&r, "claims", "attestation", SKIPPED, &["stranger.json"]);
}

/// `--key` trust names maintainers only: no attestation counts under it.
#[test]
fn key_trust_has_no_certifiers() {
    let lab = Lab::certifiable();
    let (_, _, att) = attested(&lab);
    let (o, r) = lab.verify(
        None,
        &lab.record,
        &["--require", REQUIRE, "--attestation", s(&att)],
    );
    assert_wording(
        &assert_only_failure(&o, &r, "claims", &require_check(), &["--key"]),
        &["not trusted"],
    );
}

#[test]
fn standard_outside_the_certifiers_scope_is_refused() {
    let lab = Lab::certifiable();
    let (_, _, att) = attested(&lab);
    let public = lab.path("auditor.pub");
    let scoped = lab.certifier_policy("p-eu.json", &public, "eu-ai-act-gpai", &[]);
    let (o, r) = lab.verify_required(&scoped, &[&att], &[]);
    {
        // The certifier `auditor` is trusted, but not for standard mof-openness.
        assert_only_failure(
            &o,
            &r,
            "claims",
            &require_check(),
            &["auditor", "mof-openness"],
        );
    }
}

/// spec/policy.md §2.9 for certifiers: an attestation made (2026-01-01) outside its
/// certifier's window does not count, naming the certifier and the window.
#[test]
fn certifier_outside_its_validity_window_is_not_counted() {
    let lab = Lab::certifiable();
    let (key, public) = lab.keys("auditor");
    let att = lab.certify(&lab.record, &key, "att.json");
    let retired = lab.certifier_policy(
        "retired.json",
        &public,
        "mof-openness",
        &["--validity", "auditor=..2025-01-01"],
    );
    let (o, r) = lab.verify_required(&retired, &[&att], &[]);
    {
        let d = assert_only_failure(
            &o,
            &r,
            "claims",
            &require_check(),
            &["auditor", &key_id(&public)],
        );
        assert!(d.contains("2025-01-01T00:00:00Z"), "{d}");
        assert_wording(&d, &["after"]);
    }
    // Listed, not counted, for its certifier's window.
    assert_check(&r, "claims", "attestation", SKIPPED, &["att.json"]);
    assert_wording(detail(&r, "claims", "attestation"), &["validity window"]);
    // Inside its window the same attestation counts.
    let current = lab.certifier_policy(
        "current.json",
        &public,
        "mof-openness",
        &["--validity", "auditor=2025-01-01..2027-01-01"],
    );
    let (o, _) = lab.verify_required(&current, &[&att], &[]);
    assert_exit(&o, 0);
}
