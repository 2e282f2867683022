//! `sceau verify`: check a record (and a folder) against keys or a trust policy.
use std::path::Path;

use anyhow::anyhow;
use sceau_core::dsse::MAX_ENVELOPE_BYTES;
use sceau_lineage::WalkOptions;
use sceau_pipeline::verify::{self as pipeline, Outcome, Request, TrustRoot};
use sceau_verify::freshness::{self, State};
use sceau_verify::record::TreeCheck;

use crate::args::VerifyArgs;
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::output::write_atomic;
use crate::progress::Bar;
use crate::render;
use crate::settings;
use crate::trust::{self, Loaded};

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
    let grants = trust::grants(&args.ancestry)?;
    let bytes = read_record_file(&args.record)?;
    let requirements =
        crate::commands::certify::Requirements::load(&args.require, &args.attestation)?;
    let state = match &args.state {
        None => None,
        Some(p) if p.exists() || p.is_symlink() => Some(
            State::from_json(&read_small(p, "state file")?).map_err(|e| {
                CliError::input(anyhow::Error::new(e).context(p.display().to_string()))
            })?,
        ),
        Some(_) => Some(State::new()),
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
    let failed_label;
    let failed_error;
    let trust_root = match &loaded {
        Loaded::Keys(t) => TrustRoot::Keys(t),
        Loaded::Policy(policy, updates) => TrustRoot::Policy {
            policy,
            updates: *updates,
            at_least: args.threshold.unwrap_or(0),
        },
        Loaded::PolicyFailed(p, e) => {
            failed_label = p.display().to_string();
            failed_error = e.to_string();
            TrustRoot::PolicyFailed {
                file: &failed_label,
                error: &failed_error,
            }
        }
    };
    let ancestors = trust::ancestors(store.as_ref(), &loose);
    let attestations = requirements.inputs();
    let outcome = pipeline::verify(Request {
        record: &bytes,
        trust: trust_root,
        now,
        tree,
        ancestors: &ancestors,
        walk: WalkOptions {
            allow_unverified_ancestors: args.ancestry.allow_unverified_ancestors,
            ..WalkOptions::default()
        },
        grants: &grants,
        required: &requirements.required,
        attestations: &attestations,
        state,
    });
    bar.finish();
    settings::save_cache(cache.as_deref());
    // The state changes only after a passing verification (spec/verify.md §3.2).
    if let (Some(path), Some(state)) = (&args.state, &outcome.state) {
        write_atomic(path, &state.to_json(), true, None)?;
    }
    finish(args, &outcome)
}

fn finish(args: &VerifyArgs, outcome: &Outcome) -> CliResult {
    let report = &outcome.report;
    let rec = outcome.record.as_ref();
    let ok = report.passed();
    if args.json {
        render::print_json(&serde_json::json!({
            "verified": ok,
            "record": args.record.display().to_string(),
            "folder": args.dir.as_ref().map(|d| d.display().to_string()),
            "release": rec.map(|r| serde_json::json!({"name": r.release.name, "version": r.release.version})),
            "record_id": rec.map(|r| format!("sha256:{}", r.payload_sha256)),
            "signers": rec.map(|r| r.signers.valid.iter().map(|(n, id)| serde_json::json!({"name": n, "key_id": id.to_string()})).collect::<Vec<_>>()),
            "tree": outcome.tree,
            "lineage": outcome.lineage,
            "checks": report.checks,
        }))?;
    } else {
        render::print_report(report, rec, args.dir.as_deref());
    }
    Ok(if ok { 0 } else { EXIT_FAILED })
}
