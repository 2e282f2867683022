//! `sceau verify` end to end: the trust, the record and its tree, the lineage, the claims and
//! freshness, in the order of spec/verify.md §2. The result lists every check of
//! spec/verify.md §1, each passed, failed or skipped with the reason: a check that did not run
//! because an earlier one failed is listed as skipped, never left out.
//!
//! The caller reads the files and the clock; nothing here does I/O besides hashing the tree.

use sceau_attest::{check_required, AttestationInput, Required};
use sceau_claims::openness::{self, OpennessReport};
use sceau_core::claims::Inherited;
use std::collections::BTreeSet;

use sceau_core::{Sha256Digest, Timestamp};
use sceau_lineage::grant::{report_unused, verify_grants, GrantFile};
use sceau_lineage::weights::WeightMatch;
use sceau_lineage::{report_findings, walk, Lineage, NodeStatus, WalkOptions};
use sceau_sign::PublicKey;
use sceau_verify::freshness::{self, State};
use sceau_verify::policy::VerifiedPolicy;
use sceau_verify::record::{skip_rest, verify_record, TreeCheck, VerifiedRecord};
use sceau_verify::report::{Check, CheckId, Outcome, Report, Stage};
use sceau_verify::store::{RecordSource, Store};
use sceau_verify::tree::TreeDiff;
#[cfg(test)]
use sceau_verify::trust::TrustedKey;
use sceau_verify::trust::{KeyTrust, PolicyTrust, Role, TrustResolver};

use crate::form::{sceau_record_bytes, RecordForm};
use crate::oms::{self, OmsTrust, OmsVerification};

/// Whom the verifier trusts.
#[derive(Clone, Copy, Debug)]
pub enum TrustRoot<'a> {
    /// `--key` files, each bound to the release being verified or to the names its pattern
    /// matches; no expiry, no certifiers.
    Keys(&'a KeyTrust),
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
    /// The record file's bytes: a sceau record (a DSSE envelope, or the same packaged as a
    /// Sigstore bundle) or an OpenSSF Model Signing bundle (spec/verify.md §6).
    pub record: &'a [u8],
    /// Whom to trust. With `Keys`, the ECDSA keys also verify `key`-method OMS bundles.
    pub trust: TrustRoot<'a>,
    /// Trust for OMS bundles besides `--key`: `--cert-chain`, and `--trusted-root` with the
    /// identity and issuer to require (spec/verify.md §6.3).
    pub oms: OmsTrust<'a>,
    /// `--oms`: the OMS signature published beside a sceau record, whose root the record must
    /// name (spec/oms.md §11); checked with the same trust as an OMS record.
    pub oms_companion: Option<&'a [u8]>,
    /// The verification time (spec/verify.md §1: the clock is read once, by the caller).
    pub now: Timestamp,
    /// The folder to compare, if any (spec/verify.md §4).
    pub tree: Option<TreeCheck<'a>>,
    /// Where parent records are found (spec/lineage.md §2). `None`: the lineage is not
    /// walked (a release with parents then lists `lineage ancestors` as skipped, and only its
    /// own datasets count for openness); `Some` of an empty source walks and finds the
    /// parents missing.
    pub ancestors: Option<&'a dyn RecordSource>,
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
    /// `--store`: the store whose trusted records the release's weights are compared with,
    /// to find ancestors it does not declare (`lineage undeclared-ancestor`,
    /// spec/lineage.md §8.3). `None`: the check is listed as skipped.
    pub weights_store: Option<&'a Store>,
}

impl<'a> Request<'a> {
    /// A request to verify `record` under `trust` at `now`, nothing else: no folder, no
    /// lineage walk, no grants, requirements or state. Set the other fields to add them.
    pub fn new(record: &'a [u8], trust: TrustRoot<'a>, now: Timestamp) -> Request<'a> {
        Request {
            record,
            trust,
            oms: OmsTrust::default(),
            oms_companion: None,
            now,
            tree: None,
            ancestors: None,
            walk: WalkOptions::default(),
            grants: &[],
            required: &[],
            attestations: &[],
            state: None,
            weights_store: None,
        }
    }
}

/// What the verification of a release found.
#[derive(Debug)]
pub struct Verification {
    /// Every check of spec/verify.md §1, in the order they ran, then those that did not run.
    pub report: Report,
    /// What the record file was (spec/verify.md §6.1).
    pub form: RecordForm,
    /// The OMS bundle: the record itself when `form` is [`RecordForm::Oms`], else the `--oms`
    /// bundle given beside a sceau record.
    pub oms: Option<OmsVerification>,
    /// The record, when its signatures and payload verified.
    pub record: Option<VerifiedRecord>,
    /// The tree comparison, when one ran.
    pub tree: Option<TreeDiff>,
    /// The lineage, when the record verified and its ancestors were walked (a root release's
    /// lineage is the root alone).
    pub lineage: Option<Lineage>,
    /// The openness computed from the verified record and the datasets of its verified
    /// ancestors (spec/claims.md §3), when the record verified.
    pub openness: Option<OpennessReport>,
    /// The state to write back (spec/policy.md §8.2): set only when the whole verification
    /// passed and a state was given.
    pub state: Option<State>,
    /// The trusted store records whose weights share values with the release's, when
    /// `weights_store` was given (spec/lineage.md §8.3).
    pub weight_matches: Vec<WeightMatch>,
}

impl Verification {
    /// True when no check failed.
    pub fn passed(&self) -> bool {
        self.report.passed()
    }

    /// The record, when its own checks passed: the policy, the envelope, the signatures, the
    /// payload and the signing time (spec/verify.md §2 steps 1–6). What the commands that
    /// read a verified record (lineage, openness, check, report) stand on, whatever the
    /// tree, lineage or claims found.
    pub fn verified_record(&self) -> Option<&VerifiedRecord> {
        let own = |c: &&Check| c.id == CheckId::Policy || c.id.is_record_check();
        let failed = self.report.failures().any(|c| own(&c));
        self.record.as_ref().filter(|_| !failed)
    }

    /// The checks of the record itself that failed (see [`Verification::verified_record`]).
    pub fn record_failures(&self) -> impl Iterator<Item = &Check> {
        self.report
            .failures()
            .filter(|c| c.id == CheckId::Policy || c.id.is_record_check())
    }

    /// What the release inherits from its lineage: the datasets of verified ancestors
    /// (spec/lineage.md §6) and the licences of its ancestors' weights (§5.7).
    pub fn inherited(&self) -> Inherited {
        self.lineage
            .as_ref()
            .map(|l| Inherited {
                datasets: l.inherited_datasets(),
                licences: l.inherited_licences.clone(),
            })
            .unwrap_or_default()
    }
}

/// Runs the verification of spec/verify.md §2.
pub fn verify(req: Request<'_>) -> Verification {
    let Request {
        record,
        trust,
        oms: oms_trust,
        oms_companion,
        now,
        tree,
        ancestors,
        walk: mut walk_options,
        grants,
        required,
        attestations,
        state,
        weights_store,
    } = req;
    let mut report = Report::default();
    let has_tree = tree.is_some();
    let has_state = state.is_some();
    let form = RecordForm::of(record);
    let mut out = Verification {
        report: Report::default(),
        form,
        oms: None,
        record: None,
        tree: None,
        lineage: None,
        openness: None,
        state: None,
        weight_matches: Vec::new(),
    };

    // Step 1: the trust (spec/verify.md §2).
    let (resolver, policy): (Box<dyn TrustResolver + '_>, Option<&VerifiedPolicy>) = match trust {
        TrustRoot::PolicyFailed { file, error } => {
            report.fail(CheckId::Policy, format!("{file}: {error}"));
            list_unrun(&mut report, required, has_tree, has_state);
            out.report = report;
            return out;
        }
        TrustRoot::Keys(t) => {
            report.skip(
                CheckId::Policy,
                format!(
                    "no policy: trusting {} (no expiry or revocation to check)",
                    trusted(t, &oms_trust)
                ),
            );
            (Box::new(t.clone()), None)
        }
        TrustRoot::Policy {
            policy,
            updates,
            at_least,
        } => {
            report.pass(
                CheckId::Policy,
                format!(
                    "policy v{} (pinned v{}, {updates} update(s)) signed by its threshold, \
                         expires {}; {} revoked key(s) excluded",
                    policy.version(),
                    policy.pinned_version(),
                    policy.expires(),
                    policy.revoked().len()
                ),
            );
            (Box::new(PolicyTrust { policy, at_least }), Some(policy))
        }
    };

    let keys = match trust {
        TrustRoot::Keys(t) => Some(t),
        _ => None,
    };
    if form == RecordForm::Oms {
        // An OMS bundle: the same stages, its own signature rules (spec/verify.md §6.2).
        if policy.is_some() {
            report.fail(
                CheckId::Threshold,
                "an OMS signature is verified with --key (key method), --cert-chain \
                 (certificate method) or --trusted-root --identity --issuer (keyless), not a \
                 trust policy",
            );
        } else {
            out.oms = Some(oms::verify_record(
                record,
                keys,
                &oms_trust,
                now,
                tree,
                &mut report,
            ));
        }
        list_not_applicable(&mut report, required, has_tree, has_state);
        out.report = report;
        return out;
    }
    // A sceau record packaged as a Sigstore bundle: the envelope inside (spec/oms.md §10).
    let unwrapped = match sceau_record_bytes(record) {
        Ok(u) => u,
        Err(e) => {
            report.fail(CheckId::Envelope, e.to_string());
            list_companion(&mut report, oms_companion);
            list_unrun(&mut report, required, has_tree, has_state);
            out.report = report;
            return out;
        }
    };

    // Steps 2–7: scope, envelope, signatures, payload, signing time, tree.
    let v = verify_record(
        &unwrapped.envelope,
        resolver.as_ref(),
        Role::Release,
        now,
        tree,
    );
    report.extend(v.report);
    if let Some(b) = &unwrapped.bundle {
        for c in report
            .checks
            .iter_mut()
            .filter(|c| c.id == CheckId::Envelope)
        {
            c.detail = format!(
                "Sigstore bundle ({}) holding the DSSE envelope: {}",
                b.media_type.as_str(),
                c.detail
            );
        }
    }
    out.tree = v.tree;

    if let Some(rec) = &v.record {
        // The model's OMS identity (spec/oms.md §11).
        out.oms = oms::check_companion(
            oms_companion,
            rec.release(),
            keys,
            &oms_trust,
            now,
            &mut report,
        );
        // Lineage (spec/lineage.md §3).
        let parents = rec.release().parents.len();
        let verified = if parents == 0 {
            report.pass(CheckId::Ancestors, "no parents recorded: a root release");
            for g in grants {
                report.skip(
                    CheckId::Grant,
                    format!("{}: not used: the release names no parents", g.label),
                );
            }
            Vec::new()
        } else if ancestors.is_none() {
            report.skip(
                CheckId::Ancestors,
                format!(
                    "the release names {parents} parent(s) but no --store or --with was given: \
                     its lineage was not walked"
                ),
            );
            Vec::new()
        } else {
            verify_grants(grants, resolver.as_ref(), now, &mut report)
        };
        if let Some(sources) = ancestors {
            walk_options
                .grants
                .extend(verified.iter().map(|(_, g)| g.clone()));
            let l = walk(rec, sources, resolver.as_ref(), now, &walk_options);
            if parents > 0 {
                report_findings(&l, &mut report);
                report_unused(&verified, &l, &mut report);
            }
            out.lineage = Some(l);
        }
        // Undeclared ancestors by weights (spec/lineage.md §8.3).
        match weights_store {
            Some(store) => {
                let walked: BTreeSet<Sha256Digest> = out
                    .lineage
                    .as_ref()
                    .map(|l| l.nodes.keys().copied().collect())
                    .unwrap_or_default();
                out.weight_matches =
                    crate::matching::check_store(rec, &walked, store, trust, now, &mut report);
            }
            None => report.skip(
                CheckId::UndeclaredAncestor,
                "no --store given: the weights were not compared with other signed releases",
            ),
        }
        // Openness, computed once: for required certifications, which are held to it
        // (spec/attestations.md §3.5), then for the openness claims (spec/claims.md §3.7).
        let openness = openness::evaluate(rec.release(), &out.inherited());
        check_requirements(
            required,
            attestations,
            now,
            rec,
            policy,
            &openness,
            &mut report,
        );
        check_openness(&openness, &mut report);
        out.openness = Some(openness);
        // Names pinned to keys (spec/policy.md §8.4), then rollback and equivocation, only
        // once everything else passed (spec/verify.md §3.2).
        if let Some(mut state) = state {
            let signed = signed_names(rec, out.lineage.as_ref());
            check_pins(&state, &signed, &mut report);
            if report.passed() {
                for (name, keys) in &signed {
                    state.pin_keys(name, keys, now);
                }
                let release = rec.release();
                match freshness::record(
                    &mut state,
                    &release.name,
                    &release.version,
                    rec.digest(),
                    now,
                ) {
                    Ok(o) => {
                        report.pass(CheckId::Rollback, o.describe(&release.version));
                        out.state = Some(state);
                    }
                    Err(e) => report.fail(CheckId::Rollback, e.to_string()),
                }
            }
        }
    }
    list_companion(&mut report, oms_companion);
    list_unrun(&mut report, required, has_tree, has_state);
    if !report.passed() {
        out.state = None;
    }
    out.record = v.record;
    out.report = report;
    out
}

/// `signature oms-root` when `--oms` was given but the record did not verify.
fn list_companion(report: &mut Report, companion: Option<&[u8]>) {
    if companion.is_some() && !report.has(CheckId::OmsRoot) {
        let why = report.not_checked();
        report.skip(CheckId::OmsRoot, why);
    }
}

/// What the verifier trusts without a policy, for `policy policy`.
fn trusted(keys: &KeyTrust, oms: &OmsTrust<'_>) -> String {
    let mut what = Vec::new();
    if !keys.keys.is_empty() {
        what.push("the --key files given".to_owned());
    }
    if let Some(c) = &oms.cert_chain {
        what.push(format!("the CA certificates of {}", c.label));
    }
    if let Some(k) = &oms.keyless {
        what.push(format!(
            "the Sigstore trusted root {} for {} ({})",
            k.label, k.identity.san, k.identity.issuer
        ));
    }
    if what.is_empty() {
        "no key".to_owned()
    } else {
        what.join(", ")
    }
}

/// Lists what does not apply to an OMS bundle, and every check that did not run
/// (spec/verify.md §6.2): lineage and claims have no bill of materials to read; rollback and
/// key pinning have no release name or version; a `--require` is not met.
fn list_not_applicable(
    report: &mut Report,
    required: &[Required],
    has_tree: bool,
    has_state: bool,
) {
    let why = report.not_checked();
    skip_rest(report, has_tree, &why);
    report.skip_unlisted(CheckId::Ancestors, oms::NO_BOM);
    report.skip_unlisted(CheckId::Openness, oms::NO_BOM);
    for r in required {
        let subject = r.to_string();
        if !report.has_about(CheckId::Require, &subject) {
            report.push_about(CheckId::Require, subject, Outcome::Fail, oms::NO_BOM);
        }
    }
    for id in [CheckId::PinnedKeys, CheckId::Rollback] {
        if has_state {
            report.skip_unlisted(id, oms::NO_VERSION);
        } else {
            report.skip_unlisted(
                id,
                "no --state file (and an OMS signature names no release version)",
            );
        }
    }
}

/// The names the verification stands on, each with the trusted keys that signed it: the
/// release, then every verified ancestor (spec/policy.md §8.4).
fn signed_names(rec: &VerifiedRecord, lineage: Option<&Lineage>) -> Vec<(String, Vec<PublicKey>)> {
    let mut out = vec![(
        rec.release().name.clone(),
        rec.signers().iter().map(|s| s.key).collect::<Vec<_>>(),
    )];
    if let Some(l) = lineage {
        for n in l.nodes.values() {
            if n.digest != l.root && n.status == NodeStatus::Verified {
                out.push((n.name.clone(), n.signers.iter().map(|s| s.key).collect()));
            }
        }
    }
    out
}

/// `freshness pinned-keys`: every signed name under at least one key it is pinned to.
fn check_pins(state: &State, signed: &[(String, Vec<PublicKey>)], report: &mut Report) {
    let mut first = 0;
    let mut kept = 0;
    let mut mismatches = Vec::new();
    for (name, keys) in signed {
        match state.pin(name).map(|p| p.check(name, keys)) {
            None => first += 1,
            Some(Ok(_)) => kept += 1,
            Some(Err(e)) => mismatches.push(e.to_string()),
        }
    }
    if mismatches.is_empty() {
        report.pass(
            CheckId::PinnedKeys,
            format!(
                "{kept} release name(s) signed by keys they are pinned to; {first} seen for the \
                 first time, pinned to their signers if the verification passes"
            ),
        );
    } else {
        report.fail(CheckId::PinnedKeys, mismatches.join("; "));
    }
}

fn check_requirements(
    required: &[Required],
    attestations: &[AttestationInput<'_>],
    now: Timestamp,
    rec: &VerifiedRecord,
    policy: Option<&VerifiedPolicy>,
    openness: &OpennessReport,
    report: &mut Report,
) {
    if required.is_empty() {
        if !attestations.is_empty() {
            report.skip(
                CheckId::Attestation,
                "attestations given but no --require: none was checked",
            );
        }
        return;
    }
    let certifiers: Option<Vec<sceau_verify::policy::Certifier>> =
        policy.map(|p| p.certifiers().into_iter().cloned().collect());
    check_required(
        rec.digest(),
        required,
        attestations,
        certifiers.as_deref(),
        now,
        Some(openness),
    )
    .report(report);
}

/// A record that claims an openness class or "open source" it does not reach fails as open
/// washing (spec/claims.md §3.7).
fn check_openness(o: &OpennessReport, report: &mut Report) {
    let reached = o
        .class
        .map_or("no MOF class".to_owned(), |c| format!("MOF class {c}"));
    if o.claimed_class.is_none() && o.claimed_open_source != Some(true) {
        report.skip(
            CheckId::Openness,
            format!(
                "the record claims no openness class and not \"open source\" (it reaches \
                 {reached}; see `sceau openness`)"
            ),
        );
    } else if o.passed() {
        report.pass(
            CheckId::Openness,
            format!("openness claims hold: reaches {reached}"),
        );
    } else {
        let why: Vec<String> = o
            .open_washing
            .iter()
            .map(|w| format!("claims {} but lacks {}", w.claim, w.missing.join(", ")))
            .collect();
        report.fail(
            CheckId::Openness,
            format!("open washing: {}", why.join("; ")),
        );
    }
}

/// Lists every check of spec/verify.md §1 that did not run, from the canonical list
/// ([`CheckId::ALWAYS_LISTED`]): skipped with the reason, or (a requirement) failed.
fn list_unrun(report: &mut Report, required: &[Required], has_tree: bool, has_state: bool) {
    let why = report.not_checked();
    skip_rest(report, has_tree, &why);
    for stage in [Stage::Lineage] {
        if let Some(id) = CheckId::stage_placeholder(stage).filter(|_| !report.has_stage(stage)) {
            report.skip(id, &why);
        }
    }
    for id in CheckId::ALWAYS_LISTED {
        if id == CheckId::Rollback {
            // A requirement not shown to be met is not met: it fails, never passes by
            // default (spec/attestations.md §3.4). Requirements are checked before rollback.
            for r in required {
                let subject = r.to_string();
                if !report.has_about(CheckId::Require, &subject) {
                    report.push_about(CheckId::Require, subject, Outcome::Fail, &why);
                }
            }
            if !has_state {
                report.skip_unlisted(
                    id,
                    "no --state file: rollback and equivocation were not checked",
                );
                continue;
            }
        }
        if id == CheckId::PinnedKeys && !has_state {
            report.skip_unlisted(
                id,
                "no --state file: release names were not pinned to their keys",
            );
            continue;
        }
        report.skip_unlisted(id, &why);
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

    const NOW: Timestamp = Timestamp::from_const(datetime!(2026-06-01 00:00 UTC));

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
                folder: None,
                fingerprint: None,
            }],
            licence: None,
            card: None,
            ignore: IgnoreRules::default(),
            parents: Vec::new(),
            tokenizer_changed: false,
            oms_root: None,
            claims: None,
            manifest: None,
        };
        let payload = release.to_statement(signed_at).to_payload();
        sign_envelope(PAYLOAD_TYPE_INTOTO, payload, by)
            .unwrap()
            .to_json()
    }

    fn run(bytes: &[u8], trust: TrustRoot<'_>, required: &[Required], state: bool) -> Verification {
        let loose = Loose::default();
        verify(Request {
            ancestors: Some(&loose),
            required,
            state: state.then(State::new),
            ..Request::new(bytes, trust, NOW)
        })
    }

    /// The checks every report lists, by stage and name (any name for tree and lineage).
    fn assert_complete(o: &Verification, required: &[Required]) {
        let r = &o.report;
        for id in CheckId::ALWAYS_LISTED {
            assert!(r.has(id), "{id} not listed: {r:#?}");
        }
        assert!(
            r.has_stage(Stage::Tree) && r.has_stage(Stage::Lineage),
            "{r:#?}"
        );
        for q in required {
            assert!(r.has_about(CheckId::Require, &q.to_string()), "{r:#?}");
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
        let trust = KeyTrust {
            keys: vec![TrustedKey {
                name: "alice".into(),
                key: alice.public(),
                scope: None,
            }],
            threshold: 1,
        };
        let required = [Required::parse("mof-openness").unwrap()];
        let mut not_json = good.clone();
        not_json.truncate(10);
        let other_type = String::from_utf8(good.clone())
            .unwrap()
            .replace("application/vnd.in-toto+json", "text/plain")
            .into_bytes();
        let unsigned = record("2026-01-01T00:00:00Z", &key(9));
        let future = record("2030-01-01T00:00:00Z", &alice);
        let cases: [(&[u8], TrustRoot<'_>, CheckId); 5] = [
            (
                &good,
                TrustRoot::PolicyFailed {
                    file: "p.json",
                    error: "expired",
                },
                CheckId::Policy,
            ),
            (&not_json, TrustRoot::Keys(&trust), CheckId::Envelope),
            (&other_type, TrustRoot::Keys(&trust), CheckId::PayloadType),
            (&unsigned, TrustRoot::Keys(&trust), CheckId::Threshold),
            (&future, TrustRoot::Keys(&trust), CheckId::SigningTime),
        ];
        for (bytes, root, first) in cases {
            let o = run(bytes, root, &required, true);
            assert!(!o.report.passed());
            assert_eq!(o.report.first_failure().map(|c| c.id), Some(first));
            assert_complete(&o, &required);
            assert!(o.state.is_none(), "{first}: a failed run returned a state");
            let rollback = o.report.get(CheckId::Rollback).unwrap();
            assert_eq!(rollback.outcome, CheckOutcome::Skipped);
            let label = format!("{} {}", first.stage(), first);
            assert!(rollback.detail.contains(&label), "{rollback:?}");
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
            expires: Timestamp::from_const(datetime!(2030-01-01 00:00 UTC)),
            threshold: 1,
            maintainers: vec![
                m(
                    "alice",
                    &alice,
                    KeyWindow {
                        from: None,
                        until: Some(Timestamp::from_const(datetime!(2026-01-01 00:00 UTC))),
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
            o.report.first_failure().map(|c| c.id),
            Some(CheckId::Threshold)
        );
        let w = o.report.get(CheckId::KeyWindow).expect("key-window listed");
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
