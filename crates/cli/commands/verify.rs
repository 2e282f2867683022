//! `sceau verify`: check a record (and a folder) against keys or a trust policy; the record may
//! be a sceau record (DSSE or Sigstore bundle) or an OpenSSF Model Signing bundle.
use anyhow::anyhow;
use sceau_pipeline::form::RecordForm;
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
use crate::trust::{Ancestry, LoadedOmsTrust, LoadedTrust, Requirements};

/// Runs `sceau verify`.
pub fn run(args: &VerifyArgs) -> CliResult {
    if args.threads == Some(0) {
        return Err(CliError::input(anyhow!("--threads must be at least 1")));
    }
    // The state file is rewritten after a passing verification: refuse a symlink, a folder,
    // a device… now, before any work (spec/output.md §1).
    if let Some(p) = &args.state {
        crate::output::check_writable(p, true)?;
    }
    let bytes = read_record(&args.record)?;
    let form = RecordForm::of(&bytes);
    if let Some(d) = &args.dir {
        // OMS signs single-file models too: then DIR is that file (spec/oms.md §5.1).
        let single_file = form == RecordForm::Oms && d.is_file();
        if !d.is_dir() && !single_file {
            return Err(
                CliError::input(anyhow!("{}: not a folder", d.display())).hint(
                    "give the release folder to check (or, for an OMS signature of one file, \
                     that file), or leave DIR out to check the record alone",
                ),
            );
        }
    }
    check_flags(args, form)?;
    let oms_trust = LoadedOmsTrust::load(&args.oms)?;
    let companion = args.oms.companion.as_deref().map(read_record).transpose()?;
    let trust =
        LoadedTrust::load_or_none(&args.trust, form == RecordForm::Oms && oms_trust.given())?;
    let ancestry = Ancestry::load(&args.ancestry)?;
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
    // Files of ours that may lie in the tree: the record, its manifest, the parts, an --oms
    // bundle; then --exclude.
    let mut extra_ignores: Vec<String> = match args.dir.as_deref() {
        None => Vec::new(),
        Some(d) => std::iter::once(args.record.as_path())
            .chain(manifest.as_deref())
            .chain(args.parts.iter().map(|p| p.as_path()))
            .chain(args.oms.companion.as_deref())
            .filter_map(|f| settings::relative_inside(d, f))
            .map(|rel| format!("={rel}"))
            .collect(),
    };
    for pat in &args.exclude {
        extra_ignores.push(settings::exclude_pattern(pat)?);
    }
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
        oms: oms_trust.trust(),
        oms_companion: companion.as_deref(),
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

/// Flags that cannot apply to this kind of record: an input error (exit 2) saying which.
fn check_flags(args: &VerifyArgs, form: RecordForm) -> Result<(), CliError> {
    let oms_trust = args.oms.cert_chain.is_some() || args.oms.trusted_root.is_some();
    let misuse = match form {
        RecordForm::Oms if args.trust.policy.is_some() => Some((
            "--policy",
            "an OMS signature is verified with --key (key method), --cert-chain (certificate \
             method) or --trusted-root --identity --issuer (keyless)",
        )),
        RecordForm::Oms if args.oms.companion.is_some() => Some((
            "--oms",
            "--oms gives the OMS signature beside a sceau record; here the record is one",
        )),
        RecordForm::Oms if !oms_trust && args.trust.key.is_empty() => Some((
            "no trust given",
            "pass --key EC_PUB.pem, --cert-chain CA.pem, or --trusted-root trusted_root.json \
             --identity ID --issuer URL, whichever the bundle's signing method is (`sceau \
             inspect` shows it)",
        )),
        RecordForm::Dsse | RecordForm::SigstoreBundle
            if oms_trust && args.oms.companion.is_none() =>
        {
            Some((
                "--cert-chain / --trusted-root",
                "they verify OpenSSF Model Signing bundles (the record, or --oms model.sig); \
                 a sceau record is verified with --key or --policy",
            ))
        }
        _ => None,
    };
    match misuse {
        Some((flag, why)) => Err(CliError::input(anyhow!(
            "{flag}: not for {}: {}",
            args.record.display(),
            form.describe()
        ))
        .hint(why)),
        None => Ok(()),
    }
}

fn finish(args: &VerifyArgs, outcome: &Verification) -> CliResult {
    let report = &outcome.report;
    let rec = outcome.record.as_ref();
    let ok = report.passed();
    if outcome.form == RecordForm::Oms {
        return finish_oms(args, outcome);
    }
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
            "form": form_name(outcome.form),
            "oms_root": rec.and_then(|r| r.release().oms_root).map(|d| format!("sha256:{}", d.to_hex())),
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

fn form_name(f: RecordForm) -> &'static str {
    match f {
        RecordForm::Dsse => "dsse",
        RecordForm::SigstoreBundle => "sigstore-bundle",
        RecordForm::Oms => "oms",
    }
}

/// The report of an OMS bundle: the same checks, and what the bundle signs instead of a
/// release (spec/verify.md §6.4).
fn finish_oms(args: &VerifyArgs, outcome: &Verification) -> CliResult {
    let report = &outcome.report;
    let ok = report.passed();
    let oms = outcome.oms.as_ref();
    if args.json {
        let verified = oms.and_then(|o| o.verified.as_ref());
        render::print_json(&serde_json::json!({
            "verified": ok,
            "record": args.record.display().to_string(),
            "folder": args.dir.as_ref().map(|d| d.display().to_string()),
            "form": form_name(outcome.form),
            "oms": verified.map(render::oms_verified_json),
            "release": null,
            "record_id": null,
            "tree": oms.and_then(|o| o.tree.as_ref()),
            "lineage": null,
            "checks": report.checks,
        }))?;
    } else {
        render::print_oms_report(report, oms, args.dir.as_deref());
    }
    Ok(if ok { 0 } else { EXIT_FAILED })
}
