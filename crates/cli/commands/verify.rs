//! `sceau verify`: check a record (and a folder) against keys or a trust policy.
use anyhow::anyhow;
use sceau_pipeline::verify::{self as pipeline, Request, Verification};
use sceau_verify::freshness::{State, MAX_STATE_BYTES};
use sceau_verify::record::TreeCheck;

use crate::args::VerifyArgs;
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::input::{read_capped, read_record};
use crate::output::write_atomic;
use crate::progress::Bar;
use crate::render;
use crate::settings;
use crate::trust::{Ancestry, LoadedTrust, Requirements};

/// Runs `sceau verify`.
pub fn run(args: &VerifyArgs) -> CliResult {
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
    // The state file is rewritten after a passing verification: refuse a symlink, a folder,
    // a device… now, before any work (spec/output.md §1).
    if let Some(p) = &args.state {
        crate::output::check_writable(p, true)?;
    }
    let trust = LoadedTrust::load(&args.trust)?;
    let ancestry = Ancestry::load(&args.ancestry)?;
    let bytes = read_record(&args.record)?;
    let requirements = Requirements::load(&args.require, &args.attestation)?;
    let state = match &args.state {
        None => None,
        Some(p) if p.exists() || p.is_symlink() => Some(
            State::from_json(&read_capped(p, MAX_STATE_BYTES, "state file")?).map_err(|e| {
                CliError::input(anyhow::Error::new(e).context(p.display().to_string()))
            })?,
        ),
        Some(_) => Some(State::new()),
    };

    // The manifest of a record in the manifest form: the one given (it must exist), else the
    // one beside the record if there is one (spec/manifest.md §7).
    let manifest = match &args.manifest {
        Some(m) if !m.exists() => {
            return Err(CliError::input(anyhow!(
                "--manifest {}: no such file",
                m.display()
            )))
        }
        Some(m) => Some(m.clone()),
        None => Some(settings::manifest_path(None, &args.record)).filter(|m| m.is_file()),
    };
    let only = args
        .only
        .as_deref()
        .map(|o| {
            sceau_core::RelPath::new(o.trim_end_matches('/')).map_err(|e| {
                CliError::input(anyhow!("--only {o:?}: {e}"))
                    .hint("a folder of DIR as a relative path, e.g. data/images")
            })
        })
        .transpose()?;
    if (only.is_some() || !args.parts.is_empty()) && args.dir.is_none() {
        return Err(CliError::input(anyhow!(
            "--only and --parts are about the files of DIR: give the folder"
        )));
    }
    // Files of ours that may lie in the tree: the record, its manifest, the parts.
    let extra_ignores: Vec<String> = match args.dir.as_deref() {
        None => Vec::new(),
        Some(d) => std::iter::once(args.record.as_path())
            .chain(manifest.as_deref())
            .chain(args.parts.iter().map(|p| p.as_path()))
            .filter_map(|f| settings::relative_inside(d, f))
            .map(|rel| format!("={rel}"))
            .collect(),
    };
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
        manifest: manifest.as_deref(),
        parts: &args.parts,
        only: only.as_ref(),
    });
    let sources = ancestry.sources();
    let attestations = requirements.inputs();
    let outcome = pipeline::verify(Request {
        tree,
        // A release with parents always has its lineage walked: without --store or --with
        // its parents are missing.
        ancestors: Some(&sources),
        walk: ancestry.walk_options(),
        grants: &ancestry.grants,
        required: &requirements.required,
        attestations: &attestations,
        state,
        weights_store: ancestry.store(),
        ..Request::new(&bytes, trust.root(), trust.now)
    });
    bar.finish();
    settings::save_cache(cache.as_deref());
    // The state changes only after a passing verification (spec/verify.md §3.2).
    if let (Some(path), Some(state)) = (&args.state, &outcome.state) {
        write_atomic(path, &state.to_json(), true, None)?;
    }
    finish(args, &outcome)
}

fn finish(args: &VerifyArgs, outcome: &Verification) -> CliResult {
    let report = &outcome.report;
    let rec = outcome.record.as_ref();
    let ok = report.passed();
    if args.json {
        // A root release has no lineage to show (its walk is the root alone).
        let lineage = outcome
            .lineage
            .as_ref()
            .filter(|_| rec.is_some_and(|r| !r.release().parents.is_empty()));
        render::print_json(&serde_json::json!({
            "verified": ok,
            "record": args.record.display().to_string(),
            "folder": args.dir.as_ref().map(|d| d.display().to_string()),
            "release": rec.map(|r| serde_json::json!({"name": r.release().name, "version": r.release().version})),
            "record_id": rec.map(|r| r.id()),
            "signers": rec.map(|r| r.signers()),
            "tree": outcome.tree,
            "lineage": lineage,
            "weight_matches": outcome.weight_matches,
            "checks": report.checks,
        }))?;
    } else {
        render::print_report(report, rec, args.dir.as_deref());
    }
    Ok(if ok { 0 } else { EXIT_FAILED })
}
