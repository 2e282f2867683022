//! `sceau verify`: check a record (and a folder) against keys or a trust policy.
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use sceau_core::dsse::MAX_ENVELOPE_BYTES;
use sceau_verify::freshness::{self, State};
use sceau_verify::record::{self, TreeCheck, Trust};
use sceau_verify::report::Stage;

use crate::args::VerifyArgs;
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::output::write_atomic;
use crate::progress::Bar;
use crate::render;
use crate::settings;
use crate::trust::{self, Loaded};
use sceau_verify::lineage::{report_findings, walk, FixedTrust, PolicyTrust, WalkOptions};
use sceau_verify::store::{RecordSource, Sources};

/// Reads a record file, refusing it unread when it is over the envelope size limit.
pub fn read_record_file(path: &Path) -> Result<Vec<u8>, CliError> {
    crate::input::read_capped(path, MAX_ENVELOPE_BYTES, "record")
}

fn read_small(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    let cap = if what == "state file" {
        freshness::MAX_STATE_BYTES
    } else {
        sceau_verify::policy::MAX_POLICY_ENVELOPE_BYTES
    };
    crate::input::read_capped(path, cap, what)
}

/// Parses `--at`.
pub fn parse_at(at: Option<&str>) -> Result<time::OffsetDateTime, CliError> {
    match at {
        None => Ok(time::OffsetDateTime::now_utc()),
        Some(s) => settings::parse_time(s).map_err(|e| {
            CliError::input(anyhow!("--at {s:?}: {e}"))
                .hint("use RFC 3339, e.g. 2026-01-31T12:00:00Z, or a date 2026-01-31")
        }),
    }
}

enum TrustSource {
    Keys(Trust),
    Policy(Box<sceau_verify::policy::VerifiedPolicy>),
}

/// Runs `sceau verify`.
pub fn run(args: &VerifyArgs) -> CliResult {
    // The clock is read once (spec/verify.md §1).
    let now = parse_at(args.at.as_deref())?;
    if args.threads == Some(0) {
        return Err(CliError::input(anyhow!("--threads must be at least 1")));
    }
    if let Some(d) = &args.dir {
        if !d.is_dir() {
            return Err(
                CliError::input(anyhow!("{}: not a folder", d.display())).hint(
                    "give the release folder to check, or leave DIR out to check the record alone",
                ),
            );
        }
    }
    let loaded = trust::load(
        &args.key,
        args.policy.as_deref(),
        &args.policy_update,
        args.threshold,
        now,
    )?;
    let (store, loose) = trust::sources(&args.ancestry)?;
    let bytes = read_record_file(&args.record)?;
    let requirements =
        crate::commands::certify::Requirements::load(&args.require, &args.attestation)?;
    let mut pre_report = sceau_verify::report::Report::default();

    let trust_source = match loaded {
        Loaded::Policy(vp, updates) => {
            pre_report.pass(
                Stage::Policy,
                "policy",
                format!(
                    "policy v{} (pinned v{}, {updates} update(s)) signed by its threshold, expires {}; {} revoked key(s) excluded",
                    vp.version(),
                    vp.pinned_version(),
                    record::fmt_time(vp.expires()),
                    vp.revoked().len()
                ),
            );
            TrustSource::Policy(vp)
        }
        Loaded::PolicyFailed(p, e) => {
            pre_report.fail(Stage::Policy, "policy", format!("{}: {e}", p.display()));
            for (stage, name) in [
                (Stage::Signature, "threshold"),
                (Stage::Parse, "statement"),
                (Stage::Tree, "files"),
                (Stage::Lineage, "ancestors"),
                (Stage::Freshness, "rollback"),
            ] {
                pre_report.skip(stage, name, "not checked: the trust policy did not verify");
            }
            return finish(args, pre_report, None, None, None);
        }
        Loaded::Keys(t) => {
            pre_report.skip(
                Stage::Policy,
                "policy",
                "no policy: trusting the --key files given (no expiry or revocation to check)",
            );
            TrustSource::Keys(t)
        }
    };

    let mut scope_name = None;
    let trust = match &trust_source {
        TrustSource::Keys(t) => t.clone(),
        TrustSource::Policy(vp) => {
            // The release name selects the policy scope; it is read here from the unverified
            // payload and checked again on the verified one below (spec/verify.md §2.2).
            let name = record::read_unverified(&bytes)
                .map(|r| r.release.name)
                .unwrap_or_default();
            let (keys, t) = vp.trusted_keys_for(&name);
            scope_name = Some(name.clone());
            let threshold = t.max(args.threshold.unwrap_or(0));
            Trust {
                keys,
                threshold,
                source: format!("policy v{} for release {name:?}", vp.version()),
            }
        }
    };

    let extra_ignores: Vec<String> = args
        .dir
        .as_deref()
        .and_then(|d| settings::relative_inside(d, &args.record))
        .map(|rel| format!("={rel}"))
        .into_iter()
        .collect();
    let bar = Bar::new(args.quiet || args.json);
    let cache = match &args.dir {
        Some(_) => settings::open_cache(&args.cache)?,
        None => None,
    };
    let tree = args.dir.as_deref().map(|root| TreeCheck {
        root,
        extra_ignores,
        allow_extra: args.allow_extra,
        threads: args.threads.unwrap_or_else(sceau_scan::default_threads),
        progress: &bar,
        full_sha256: args.full_sha256,
        cache: cache.as_deref(),
    });
    let mut v = record::verify_record(&bytes, &trust, now, tree);
    if let TrustSource::Policy(vp) = &trust_source {
        revoked_signers(vp, &bytes, &mut v.report);
    }
    bar.finish();
    settings::save_cache(cache.as_deref());
    pre_report.checks.append(&mut v.report.checks);
    let mut report = pre_report;

    if let (Some(rec), Some(expected)) = (&v.record, &scope_name) {
        if rec.release.name != *expected {
            report.fail(Stage::Policy, "scope", "release name changed between reads");
        }
    }

    // Lineage (spec/lineage.md §3), once the record itself verified.
    let mut lineage = None;
    match &v.record {
        Some(rec) if rec.release.parents.is_empty() => {
            report.pass(
                Stage::Lineage,
                "ancestors",
                "no parents recorded: a root release",
            );
        }
        Some(rec) => {
            let mut srcs: Vec<&dyn RecordSource> = Vec::new();
            if let Some(s) = &store {
                srcs.push(s);
            }
            srcs.push(&loose);
            let sources = Sources(srcs);
            let opts = WalkOptions {
                allow_unverified_ancestors: args.ancestry.allow_unverified_ancestors,
                ..WalkOptions::default()
            };
            let l = match &trust_source {
                TrustSource::Keys(t) => walk(rec, &sources, &FixedTrust(t.clone()), now, &opts),
                TrustSource::Policy(vp) => walk(rec, &sources, &PolicyTrust(vp), now, &opts),
            };
            report_findings(&l, &mut report);
            lineage = Some(l);
        }
        None => report.skip(
            Stage::Lineage,
            "ancestors",
            "not checked: the record did not verify",
        ),
    }

    // Required certifications (spec/attestations.md §3), once the record verified.
    let policy = match &trust_source {
        TrustSource::Policy(vp) => Some(&**vp),
        TrustSource::Keys(_) => None,
    };
    requirements.check(v.record.as_ref(), policy, now, &mut report);

    // Openness claims (spec/claims.md): a record that claims a class or "open source" it
    // does not reach fails as open washing.
    match &v.record {
        Some(rec) => {
            let inherited = lineage
                .as_ref()
                .map(sceau_verify::openness::inherited_datasets)
                .unwrap_or_default();
            let o = sceau_verify::openness::evaluate(&rec.release, &inherited);
            let reached = o
                .class
                .map_or("no MOF class".to_owned(), |c| format!("MOF class {c}"));
            if o.claimed_class.is_none() && o.claimed_open_source != Some(true) {
                report.skip(
                    Stage::Claims,
                    "openness",
                    format!("the record claims no openness class and not \"open source\" (it reaches {reached}; see `sceau openness`)"),
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
        None => report.skip(
            Stage::Claims,
            "openness",
            "not checked: the record did not verify",
        ),
    }

    // Freshness (spec/policy.md §8), only once everything else passed.
    let mut new_state = None;
    match (&args.state, &v.record) {
        (Some(path), Some(rec)) if report.passed() => {
            let mut state = if path.exists() {
                State::from_json(&read_small(path, "state file")?).map_err(|e| {
                    CliError::input(anyhow::Error::new(e).context(path.display().to_string()))
                })?
            } else {
                State::new()
            };
            match freshness::record(
                &mut state,
                &rec.release.name,
                &rec.release.version,
                &rec.payload_sha256,
                now,
            ) {
                Ok(outcome) => {
                    report.pass(
                        Stage::Freshness,
                        "rollback",
                        describe_outcome(&outcome, &rec.release.version),
                    );
                    new_state = Some((path.clone(), state));
                }
                Err(e) => report.fail(Stage::Freshness, "rollback", e.to_string()),
            }
        }
        (Some(_), _) => report.skip(
            Stage::Freshness,
            "rollback",
            "not checked: the record did not verify",
        ),
        (None, _) => report.skip(
            Stage::Freshness,
            "rollback",
            "no --state file: rollback and equivocation were not checked",
        ),
    }
    if let Some((path, state)) = new_state {
        if report.passed() {
            write_atomic(&path, &state.to_json(), true, None)?;
        }
    }
    finish(
        args,
        report,
        v.record.as_ref(),
        v.tree.as_ref(),
        lineage.as_ref(),
    )
}

fn describe_outcome(o: &freshness::FreshnessOutcome, version: &str) -> String {
    match o {
        freshness::FreshnessOutcome::FirstSeen => {
            format!("version {version} is the first accepted for this name")
        }
        freshness::FreshnessOutcome::AlreadyAccepted { version, .. } => {
            format!("version {version} was accepted before with the same payload")
        }
        freshness::FreshnessOutcome::Newer { previous } => {
            format!("version {version} is newer than {previous}")
        }
        _ => format!("version {version} accepted"),
    }
}

fn finish(
    args: &VerifyArgs,
    report: sceau_verify::report::Report,
    rec: Option<&record::VerifiedRecord>,
    tree: Option<&sceau_verify::tree::TreeDiff>,
    lineage: Option<&sceau_verify::lineage::Lineage>,
) -> CliResult {
    let ok = report.passed();
    if args.json {
        render::print_json(&serde_json::json!({
            "verified": ok,
            "record": args.record.display().to_string(),
            "folder": args.dir.as_ref().map(|d| d.display().to_string()),
            "release": rec.map(|r| serde_json::json!({"name": r.release.name, "version": r.release.version})),
            "record_id": rec.map(|r| format!("sha256:{}", r.payload_sha256)),
            "signers": rec.map(|r| r.signers.valid.iter().map(|(n, id)| serde_json::json!({"name": n, "key_id": id.to_string()})).collect::<Vec<_>>()),
            "tree": tree,
            "lineage": lineage,
            "checks": report.checks,
        }))?;
    } else {
        render::print_report(
            &report,
            rec,
            args.dir.as_deref().map(PathBuf::from).as_deref(),
        );
    }
    Ok(if ok { 0 } else { EXIT_FAILED })
}

/// Names signatures by revoked maintainer keys, which count nowhere (spec/policy.md §6.3).
fn revoked_signers(
    vp: &sceau_verify::policy::VerifiedPolicy,
    bytes: &[u8],
    report: &mut sceau_verify::report::Report,
) {
    let revoked: Vec<(String, sceau_sign::PublicKey)> = vp
        .document()
        .parts()
        .maintainers
        .iter()
        .filter(|m| vp.is_revoked(&m.key))
        .map(|m| (m.name.clone(), m.key))
        .collect();
    if revoked.is_empty() {
        return;
    }
    let Ok(env) = sceau_core::dsse::Envelope::from_json(bytes) else {
        return;
    };
    let found = sceau_verify::threshold::count_signers(&env, &revoked);
    if found.distinct() > 0 {
        let names: Vec<String> = found
            .valid
            .iter()
            .map(|(n, id)| format!("{n} ({id})"))
            .collect();
        report.push(
            Stage::Policy,
            "revoked",
            sceau_verify::report::Outcome::Skipped,
            format!(
                "signature(s) by revoked key(s) not counted: {}",
                names.join(", ")
            ),
        );
    }
}
