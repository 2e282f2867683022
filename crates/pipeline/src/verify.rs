//! `sceau verify` end to end: the trust, the record and its tree, the lineage, the claims and
//! freshness, in the order of spec/verify.md §2. The result lists every check of
//! spec/verify.md §1, each passed, failed or skipped with the reason: a check that did not run
//! because an earlier one failed is listed as skipped, never left out.
//!
//! The caller reads the files and the clock; nothing here does I/O besides hashing the tree.
use time::OffsetDateTime;

use sceau_attest::{check_required, AttestationInput, Required};
use sceau_claims::openness;
use sceau_lineage::grant::{report_unused, verify_grants, GrantFile};
use sceau_lineage::{report_findings, walk, Lineage, WalkOptions};
use sceau_verify::freshness::{self, State};
use sceau_verify::policy::VerifiedPolicy;
use sceau_verify::record::{
    fmt_time, not_checked, skip_rest, verify_record, TreeCheck, VerifiedRecord,
};
use sceau_verify::report::{Report, Stage};
use sceau_verify::store::RecordSource;
use sceau_verify::tree::TreeDiff;
use sceau_verify::trust::{FixedTrust, PolicyTrust, Trust, TrustResolver};

/// Whom the verifier trusts.
#[derive(Clone, Copy, Debug)]
pub enum TrustRoot<'a> {
    /// `--key` files: the same keys and threshold for every name, no expiry, no certifiers.
    Keys(&'a Trust),
    /// A verified policy chain.
    Policy {
        /// The last policy of the chain.
        policy: &'a VerifiedPolicy,
        /// How many updates were walked from the pinned policy.
        updates: usize,
        /// `--threshold` on top of the policy's thresholds; 0 for none.
        at_least: usize,
    },
    /// Policy files that were read but did not verify (spec/policy.md §5–§6): the run fails at
    /// its first check and every other check is skipped.
    PolicyFailed {
        /// The policy file that failed.
        file: &'a str,
        /// Why.
        error: &'a str,
    },
}

/// What to verify.
pub struct Request<'a> {
    /// The record file's bytes.
    pub record: &'a [u8],
    /// Whom to trust.
    pub trust: TrustRoot<'a>,
    /// The verification time (spec/verify.md §1: the clock is read once, by the caller).
    pub now: OffsetDateTime,
    /// The folder to compare, if any (spec/verify.md §4).
    pub tree: Option<TreeCheck<'a>>,
    /// Where parent records are found (spec/lineage.md §2).
    pub ancestors: &'a dyn RecordSource,
    /// How the lineage is walked.
    pub walk: WalkOptions,
    /// `--grant` files: licence grants, verified here under the trust for each ancestor's name
    /// before they are given to the walk (spec/lineage.md §5.6).
    pub grants: &'a [GrantFile],
    /// `--require`: standards or requirements some attestation must certify.
    pub required: &'a [Required],
    /// `--attestation` files.
    pub attestations: &'a [AttestationInput<'a>],
    /// `--state`: the state read from its file (a new one when the file does not exist yet);
    /// `None` without `--state`.
    pub state: Option<State>,
}

/// What the verification found.
#[derive(Debug)]
pub struct Outcome {
    /// Every check of spec/verify.md §1, in the order they ran, then those that did not run.
    pub report: Report,
    /// The record, when its signatures and payload verified.
    pub record: Option<VerifiedRecord>,
    /// The tree comparison, when one ran.
    pub tree: Option<TreeDiff>,
    /// The lineage, when the record names parents and verified.
    pub lineage: Option<Lineage>,
    /// The state to write back (spec/policy.md §8.2): set only when the whole verification
    /// passed and a state was given.
    pub state: Option<State>,
}

/// Runs the verification of spec/verify.md §2.
pub fn verify(req: Request<'_>) -> Outcome {
    let Request {
        record,
        trust,
        now,
        tree,
        ancestors,
        walk: mut walk_options,
        grants,
        required,
        attestations,
        state,
    } = req;
    let mut report = Report::default();
    let has_tree = tree.is_some();
    let has_state = state.is_some();
    let mut out = Outcome {
        report: Report::default(),
        record: None,
        tree: None,
        lineage: None,
        state: None,
    };

    // Step 1: the trust (spec/verify.md §2).
    let (resolver, policy): (Box<dyn TrustResolver + '_>, Option<&VerifiedPolicy>) = match trust {
        TrustRoot::PolicyFailed { file, error } => {
            report.fail(Stage::Policy, "policy", format!("{file}: {error}"));
            list_unrun(&mut report, required, has_tree, has_state);
            out.report = report;
            return out;
        }
        TrustRoot::Keys(t) => {
            report.skip(
                Stage::Policy,
                "policy",
                "no policy: trusting the --key files given (no expiry or revocation to check)",
            );
            (Box::new(FixedTrust(t.clone())), None)
        }
        TrustRoot::Policy {
            policy,
            updates,
            at_least,
        } => {
            report.pass(
                Stage::Policy,
                "policy",
                format!(
                    "policy v{} (pinned v{}, {updates} update(s)) signed by its threshold, \
                         expires {}; {} revoked key(s) excluded",
                    policy.version(),
                    policy.pinned_version(),
                    fmt_time(policy.expires()),
                    policy.revoked().len()
                ),
            );
            (Box::new(PolicyTrust { policy, at_least }), Some(policy))
        }
    };

    // Steps 2–7: scope, envelope, signatures, payload, signing time, tree.
    let v = verify_record(record, resolver.as_ref(), now, tree);
    report.checks.extend(v.report.checks);
    out.tree = v.tree;

    if let Some(rec) = &v.record {
        // Lineage (spec/lineage.md §3).
        if rec.release.parents.is_empty() {
            report.pass(
                Stage::Lineage,
                "ancestors",
                "no parents recorded: a root release",
            );
            for g in grants {
                report.skip(
                    Stage::Lineage,
                    "grant",
                    format!("{}: not used: the release names no parents", g.label),
                );
            }
        } else {
            let verified = verify_grants(grants, resolver.as_ref(), now, &mut report);
            walk_options
                .grants
                .extend(verified.iter().map(|(_, g)| g.clone()));
            let l = walk(rec, ancestors, resolver.as_ref(), now, &walk_options);
            report_findings(&l, &mut report);
            report_unused(&verified, &l, &mut report);
            out.lineage = Some(l);
        }
        // Required certifications (spec/attestations.md §3).
        check_requirements(required, attestations, now, rec, policy, &mut report);
        // Openness claims (spec/claims.md §3.7).
        check_openness(rec, out.lineage.as_ref(), &mut report);
        // Rollback and equivocation, only once everything else passed (spec/verify.md §3.2).
        if let Some(mut state) = state {
            if report.passed() {
                match freshness::record(
                    &mut state,
                    &rec.release.name,
                    &rec.release.version,
                    &rec.payload_sha256,
                    now,
                ) {
                    Ok(o) => {
                        report.pass(
                            Stage::Freshness,
                            "rollback",
                            o.describe(&rec.release.version),
                        );
                        out.state = Some(state);
                    }
                    Err(e) => report.fail(Stage::Freshness, "rollback", e.to_string()),
                }
            }
        }
    }
    list_unrun(&mut report, required, has_tree, has_state);
    if !report.passed() {
        out.state = None;
    }
    out.record = v.record;
    out.report = report;
    out
}

fn check_requirements(
    required: &[Required],
    attestations: &[AttestationInput<'_>],
    now: OffsetDateTime,
    rec: &VerifiedRecord,
    policy: Option<&VerifiedPolicy>,
    report: &mut Report,
) {
    if required.is_empty() {
        if !attestations.is_empty() {
            report.skip(
                Stage::Claims,
                "attestation",
                "attestations given but no --require: none was checked",
            );
        }
        return;
    }
    let certifiers: Option<Vec<sceau_verify::policy::Certifier>> =
        policy.map(|p| p.certifiers().into_iter().cloned().collect());
    check_required(
        &rec.payload_sha256,
        required,
        attestations,
        certifiers.as_deref(),
        now,
    )
    .report(report);
}

/// A record that claims an openness class or "open source" it does not reach fails as open
/// washing (spec/claims.md §3.7).
fn check_openness(rec: &VerifiedRecord, lineage: Option<&Lineage>, report: &mut Report) {
    let inherited = lineage.map(Lineage::inherited_datasets).unwrap_or_default();
    let o = openness::evaluate(&rec.release, &inherited);
    let reached = o
        .class
        .map_or("no MOF class".to_owned(), |c| format!("MOF class {c}"));
    if o.claimed_class.is_none() && o.claimed_open_source != Some(true) {
        report.skip(
            Stage::Claims,
            "openness",
            format!(
                "the record claims no openness class and not \"open source\" (it reaches \
                 {reached}; see `sceau openness`)"
            ),
        );
    } else if o.passed() {
        report.pass(
            Stage::Claims,
            "openness",
            format!("openness claims hold: reaches {reached}"),
        );
    } else {
        let why: Vec<String> = o
            .open_washing
            .iter()
            .map(|w| format!("claims {} but lacks {}", w.claim, w.missing.join(", ")))
            .collect();
        report.fail(
            Stage::Claims,
            "openness",
            format!("open washing: {}", why.join("; ")),
        );
    }
}

/// Lists, as skipped, every check of spec/verify.md §1 that did not run, with the reason.
fn list_unrun(report: &mut Report, required: &[Required], has_tree: bool, has_state: bool) {
    let why = not_checked(report);
    skip_rest(report, has_tree, &why);
    if !report.has_stage(Stage::Lineage) {
        report.skip(Stage::Lineage, "ancestors", &why);
    }
    report.skip_unlisted(Stage::Claims, "openness", &why);
    // A requirement not shown to be met is not met: it fails, never passes by default
    // (spec/attestations.md §3.4).
    for r in required {
        let name = format!("require:{r}");
        if !report.has(Stage::Claims, &name) {
            report.fail(Stage::Claims, &name, &why);
        }
    }
    if has_state {
        report.skip_unlisted(Stage::Freshness, "rollback", &why);
    } else {
        report.skip_unlisted(
            Stage::Freshness,
            "rollback",
            "no --state file: rollback and equivocation were not checked",
        );
    }
}

#[cfg(test)]
mod tests {
    use sceau_core::dsse::PAYLOAD_TYPE_INTOTO;
    use sceau_core::{Artifact, ArtifactKind, IgnoreRules, RelPath, Release};
    use sceau_sign::{sign_envelope, SecretKey};
    use time::macros::datetime;

    use super::*;
    use sceau_verify::policy::{sign_policy, verify_root, KeyWindow, Maintainer, PolicyDocument};
    use sceau_verify::report::Outcome as CheckOutcome;
    use sceau_verify::store::Loose;

    const NOW: OffsetDateTime = datetime!(2026-06-01 00:00 UTC);

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed(&[n; 32])
    }

    fn record(signed_at: &str, by: &SecretKey) -> Vec<u8> {
        let release = Release {
            name: "org/model".into(),
            version: "1.0".into(),
            artifacts: vec![Artifact {
                path: RelPath::new("model.safetensors").unwrap(),
                size: 1,
                sha256: sceau_scan::hash::sha256(b"x"),
                blake3: None,
                kind: ArtifactKind::Weights,
                licence: None,
                detected_licence: None,
                weights: None,
            }],
            licence: None,
            card: None,
            ignore: IgnoreRules::default(),
            parents: Vec::new(),
            tokenizer_changed: false,
            claims: None,
        };
        let payload = release.to_statement(signed_at).to_payload();
        sign_envelope(PAYLOAD_TYPE_INTOTO, payload, by)
            .unwrap()
            .to_json()
    }

    fn run(bytes: &[u8], trust: TrustRoot<'_>, required: &[Required], state: bool) -> Outcome {
        let loose = Loose::default();
        verify(Request {
            record: bytes,
            trust,
            now: NOW,
            tree: None,
            ancestors: &loose,
            walk: WalkOptions::default(),
            grants: &[],
            required,
            attestations: &[],
            state: state.then(State::new),
        })
    }

    /// The checks every report lists, by stage and name (any name for tree and lineage).
    fn assert_complete(o: &Outcome, required: &[Required]) {
        let r = &o.report;
        for (stage, name) in [
            (Stage::Policy, "policy"),
            (Stage::Parse, "envelope"),
            (Stage::Parse, "payload-type"),
            (Stage::Signature, "threshold"),
            (Stage::Parse, "statement"),
            (Stage::Freshness, "signing-time"),
            (Stage::Claims, "openness"),
            (Stage::Freshness, "rollback"),
        ] {
            assert!(r.has(stage, name), "{stage:?} {name} not listed: {r:#?}");
        }
        assert!(
            r.has_stage(Stage::Tree) && r.has_stage(Stage::Lineage),
            "{r:#?}"
        );
        for q in required {
            assert!(r.has(Stage::Claims, &format!("require:{q}")), "{r:#?}");
        }
        for c in &r.checks {
            assert!(!c.detail.is_empty(), "{c:?} has no detail");
        }
    }

    /// spec/verify.md §1: whatever stops the run, every check is listed, the ones that did not
    /// run as skipped naming the failure that stopped it; the state is never returned.
    #[test]
    fn every_check_is_listed_whatever_stops_the_run() {
        let alice = key(1);
        let good = record("2026-01-01T00:00:00Z", &alice);
        let trust = Trust::keys(vec![("alice".into(), alice.public())], 1, "--key");
        let required = [Required::parse("mof-openness").unwrap()];
        let mut not_json = good.clone();
        not_json.truncate(10);
        let other_type = String::from_utf8(good.clone())
            .unwrap()
            .replace("application/vnd.in-toto+json", "text/plain")
            .into_bytes();
        let unsigned = record("2026-01-01T00:00:00Z", &key(9));
        let future = record("2030-01-01T00:00:00Z", &alice);
        let cases: [(&[u8], TrustRoot<'_>, &str); 5] = [
            (
                &good,
                TrustRoot::PolicyFailed {
                    file: "p.json",
                    error: "expired",
                },
                "policy policy",
            ),
            (&not_json, TrustRoot::Keys(&trust), "parse envelope"),
            (&other_type, TrustRoot::Keys(&trust), "parse payload-type"),
            (&unsigned, TrustRoot::Keys(&trust), "signature threshold"),
            (&future, TrustRoot::Keys(&trust), "freshness signing-time"),
        ];
        for (bytes, root, first) in cases {
            let o = run(bytes, root, &required, true);
            assert!(!o.report.passed());
            assert_eq!(o.report.first_failure().as_deref(), Some(first));
            assert_complete(&o, &required);
            assert!(o.state.is_none(), "{first}: a failed run returned a state");
            let rollback = o
                .report
                .checks
                .iter()
                .find(|c| c.name == "rollback")
                .unwrap();
            assert_eq!(rollback.outcome, CheckOutcome::Skipped);
            assert!(rollback.detail.contains(first), "{rollback:?}");
        }
        // And a passing run lists the same checks, returning the state to write.
        let o = run(&good, TrustRoot::Keys(&trust), &[], true);
        assert!(o.report.passed(), "{:#?}", o.report);
        assert_complete(&o, &[]);
        assert!(o.state.is_some());
    }

    /// spec/policy.md §2.9: a maintainer whose window ended before the signing time does not
    /// count, and the report names the signature and the window.
    #[test]
    fn a_key_outside_its_window_is_named_and_not_counted() {
        let (alice, bob) = (key(1), key(2));
        let m = |name: &str, k: &SecretKey, window: KeyWindow| Maintainer {
            name: name.into(),
            key: k.public(),
            comment: None,
            window,
        };
        let doc = PolicyDocument::new(sceau_verify::policy::PolicyParts {
            version: 1,
            expires: datetime!(2030-01-01 00:00 UTC),
            threshold: 1,
            maintainers: vec![
                m(
                    "alice",
                    &alice,
                    KeyWindow {
                        from: None,
                        until: Some(datetime!(2026-01-01 00:00 UTC)),
                    },
                ),
                m("bob", &bob, KeyWindow::default()),
            ],
            revoked: Vec::new(),
            certifiers: Vec::new(),
            releases: Vec::new(),
        })
        .unwrap();
        let policy = verify_root(&sign_policy(&doc, &[&alice, &bob]).unwrap(), NOW).unwrap();
        let root = TrustRoot::Policy {
            policy: &policy,
            updates: 0,
            at_least: 0,
        };
        // Signed inside alice's window: counts.
        let o = run(&record("2025-06-01T00:00:00Z", &alice), root, &[], false);
        assert!(o.report.passed(), "{:#?}", o.report);
        // Signed after it: her signature is named and not counted.
        let o = run(&record("2026-03-01T00:00:00Z", &alice), root, &[], false);
        assert_eq!(
            o.report.first_failure().as_deref(),
            Some("signature threshold")
        );
        let w = o
            .report
            .checks
            .iter()
            .find(|c| c.name == "key-window")
            .expect("key-window listed");
        assert_eq!(w.outcome, CheckOutcome::Skipped);
        assert!(
            w.detail.contains("alice")
                && w.detail.contains("signed after its validity window")
                && w.detail.contains("until 2026-01-01T00:00:00Z"),
            "{}",
            w.detail
        );
        assert_complete(&o, &[]);
    }
}
