//! `sceau verify`: check a record (and a folder) against keys or a trust policy.
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use sceau_core::dsse::MAX_ENVELOPE_BYTES;
use sceau_verify::freshness::{self, State};
use sceau_verify::record::{self, TreeCheck, Trust};
use sceau_verify::report::Stage;

use crate::args::VerifyArgs;
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::keys::load_public;
use crate::output::write_atomic;
use crate::progress::Bar;
use crate::render;
use crate::settings;

/// Reads a record file, refusing it unread when it is over the envelope size limit.
pub fn read_record_file(path: &Path) -> Result<Vec<u8>, CliError> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read record {}", path.display()))?;
    if !meta.is_file() {
        return Err(CliError::input(anyhow!(
            "{}: not a regular file",
            path.display()
        )));
    }
    if meta.len() > MAX_ENVELOPE_BYTES as u64 {
        return Err(CliError::input(anyhow!(
            "{}: {} bytes is over the record size limit of {MAX_ENVELOPE_BYTES}",
            path.display(),
            meta.len()
        )));
    }
    Ok(std::fs::read(path).with_context(|| format!("cannot read record {}", path.display()))?)
}

fn read_small(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if meta.len() > sceau_verify::policy::MAX_POLICY_ENVELOPE_BYTES as u64 {
        return Err(CliError::input(anyhow!(
            "{}: too large for a {what}",
            path.display()
        )));
    }
    Ok(std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))?)
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
    Policy(sceau_verify::policy::VerifiedPolicy),
}

/// Runs `sceau verify`.
pub fn run(args: &VerifyArgs) -> CliResult {
    // The clock is read once (spec/verify.md §1).
    let now = parse_at(args.at.as_deref())?;
    if args.key.is_empty() && args.policy.is_none() {
        return Err(CliError::input(anyhow!("no trust given"))
            .hint("pass --key MAINTAINER.pub (repeatable) or --policy POLICY"));
    }
    if args.threshold == Some(0) {
        return Err(CliError::input(anyhow!(
            "--threshold 0 would accept an unsigned record"
        )));
    }
    if args.threads == Some(0) {
        return Err(CliError::input(anyhow!("--threads must be at least 1")));
    }
    let bytes = read_record_file(&args.record)?;
    let mut pre_report = sceau_verify::report::Report::default();

    let trust_source = if let Some(p) = &args.policy {
        let pinned = sceau_verify::policy::read_policy_envelope(&read_small(p, "policy")?)
            .map_err(|e| CliError::input(anyhow::Error::new(e).context(p.display().to_string())))?;
        let mut updates = Vec::new();
        for u in &args.policy_update {
            updates.push(
                sceau_verify::policy::read_policy_envelope(&read_small(u, "policy")?).map_err(
                    |e| CliError::input(anyhow::Error::new(e).context(u.display().to_string())),
                )?,
            );
        }
        match sceau_verify::policy::verify_chain(&pinned, &updates, now) {
            Ok(vp) => {
                pre_report.pass(
                    Stage::Policy,
                    "policy",
                    format!(
                        "policy v{} (pinned v{}, {} update(s)) signed by its threshold, expires {}; {} revoked key(s) excluded",
                        vp.version(),
                        vp.pinned_version(),
                        updates.len(),
                        record::fmt_time(vp.expires()),
                        vp.revoked().len()
                    ),
                );
                TrustSource::Policy(vp)
            }
            Err(e) => {
                pre_report.fail(Stage::Policy, "policy", format!("{}: {e}", p.display()));
                return finish(args, pre_report, None, None);
            }
        }
    } else {
        let mut keys = Vec::new();
        for k in &args.key {
            let (pk, comment) = load_public(k)?;
            let name = comment.unwrap_or_else(|| k.display().to_string());
            keys.push((name, pk));
        }
        let threshold = args.threshold.unwrap_or(1);
        if threshold > keys.len() {
            return Err(CliError::input(anyhow!(
                "--threshold {threshold} is more than the {} key(s) given",
                keys.len()
            )));
        }
        pre_report.skip(
            Stage::Policy,
            "policy",
            "no policy: trusting the --key files given (no expiry or revocation to check)",
        );
        TrustSource::Keys(Trust {
            keys,
            threshold,
            source: "--key".into(),
        })
    };

    let trust = match trust_source {
        TrustSource::Keys(t) => t,
        TrustSource::Policy(vp) => {
            // The release name selects the policy scope; it is read here from the unverified
            // payload and checked again on the verified one below (spec/verify.md §2.2).
            let name = record::read_unverified(&bytes)
                .map(|r| r.release.name)
                .unwrap_or_default();
            let (keys, t) = vp.trusted_keys_for(&name);
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
        .into_iter()
        .collect();
    let bar = Bar::new(args.quiet || args.json);
    let tree = args.dir.as_deref().map(|root| TreeCheck {
        root,
        extra_ignores,
        allow_extra: args.allow_extra,
        threads: args.threads.unwrap_or_else(sceau_scan::default_threads),
        progress: &bar,
    });
    let mut v = record::verify_record(&bytes, &trust, now, tree);
    bar.finish();
    pre_report.checks.append(&mut v.report.checks);
    let mut report = pre_report;

    if let (Some(rec), true) = (&v.record, trust.source.starts_with("policy")) {
        let expected = trust.source.split('"').nth(1).unwrap_or_default();
        if rec.release.name != expected {
            report.fail(Stage::Policy, "scope", "release name changed between reads");
        }
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
    finish(args, report, v.record.as_ref(), v.tree.as_ref())
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
