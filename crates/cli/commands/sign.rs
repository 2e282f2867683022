//! `sceau sign`: scan a folder, sign its record.
use std::time::Instant;

use anyhow::anyhow;
use sceau_core::dsse::PAYLOAD_TYPE_INTOTO;

use crate::args::SignArgs;
use crate::error::{CliError, CliResult};
use crate::keys::{load_secret, PassphraseSource};
use crate::output::{check_writable, write_atomic};
use crate::progress::Bar;
use crate::render::{self, ScanSummary};
use crate::settings;

/// Runs `sceau sign`.
pub fn run(args: &SignArgs) -> CliResult {
    let opts = settings::scan_options(&args.dir, &args.tree, Some(&args.output))?;
    check_writable(&args.output, args.force)?;
    let parents = read_parents(&args.parents)?;
    let file_claims = args
        .claims
        .as_deref()
        .map(crate::commands::claims_file::read)
        .transpose()?;
    // Unlock the key before the (possibly long) scan: a wrong passphrase fails at once.
    let key = load_secret(
        &args.key,
        &PassphraseSource {
            file: args.pass.passphrase_file.clone(),
        },
    )?;
    let now = settings::now()?;
    let started = Instant::now();
    let bar = Bar::new(args.quiet);
    let scan = sceau_scan::scan(&args.dir, &opts, &bar);
    bar.finish();
    settings::save_cache(opts.cache.as_deref());
    let mut scan = scan?;
    let elapsed = started.elapsed();
    scan.release.parents = parents;
    scan.release.tokenizer_changed = args.tokenizer_changed;
    let (claims, claim_warnings) =
        crate::commands::claims_file::merge(file_claims, &scan.root, &scan.release)?;
    scan.release.claims = claims;
    sceau_core::lineage::check_card_lineage(scan.release.card.as_ref(), &scan.release.parents).map_err(|e| {
        CliError::input(anyhow::Error::new(e)).hint(
            "make the card's base_model / base_model_relation and --parent agree; nothing was written",
        )
    })?;

    let statement = scan.release.to_statement(&settings::rfc3339(now));
    let payload = statement.to_payload();
    let env = sceau_sign::sign_envelope(PAYLOAD_TYPE_INTOTO, payload, &key)
        .map_err(|e| CliError::input(anyhow::Error::new(e)))?;
    let bytes = env.to_json();

    // Self-check, as minisign does: the bytes about to be written verify under the key and
    // parse back into the same release.
    let trust = sceau_verify::trust::FixedTrust(sceau_verify::trust::Trust::keys(
        vec![("signer".into(), key.public())],
        1,
        "the signing key",
    ));
    let check = sceau_verify::record::verify_record(&bytes, &trust, now, None);
    match &check.record {
        Some(r) if check.report.passed() && r.release == scan.release => {}
        _ => {
            return Err(CliError::input(anyhow!(
                "internal error: the record does not verify before writing; nothing written"
            )))
        }
    }
    write_atomic(&args.output, &bytes, args.force, None)?;

    let summary = ScanSummary::new(&scan, elapsed, Some(args.output.display().to_string()));
    if args.json {
        let mut v = serde_json::to_value(&summary).map_err(anyhow::Error::from)?;
        v["record"] = args.output.display().to_string().into();
        v["signed_by"] = key.key_id().to_string().into();
        v["record_id"] = format!("sha256:{}", sceau_scan::hash::sha256(&env.payload)).into();
        render::print_json(&v)?;
    } else {
        render::print_scan_short(&summary);
        render::print_signed(
            &args.output,
            &key.key_id().to_string(),
            &sceau_scan::hash::sha256(&env.payload).to_hex(),
        );
    }
    render::print_warnings(&scan.warnings);
    for w in &claim_warnings {
        eprintln!("warning: {}", crate::input::clean(w));
    }
    Ok(0)
}

/// Reads `--parent RECORD:RELATION` arguments: each record must be a well-formed sceau
/// record; it is named by the digest of its payload (spec/lineage.md §1.1). Parents are not
/// verified here: verifiers check them against their own trust.
fn read_parents(specs: &[String]) -> Result<Vec<sceau_core::Parent>, CliError> {
    let mut out: Vec<sceau_core::Parent> = Vec::new();
    if specs.len() > sceau_core::lineage::MAX_PARENTS {
        return Err(CliError::input(anyhow!(
            "{} --parent given, over the limit of {}",
            specs.len(),
            sceau_core::lineage::MAX_PARENTS
        )));
    }
    for spec in specs {
        let (path, rel) = spec.rsplit_once(':').ok_or_else(|| {
            CliError::input(anyhow!(
                "--parent {spec:?}: expected PARENT_RECORD:RELATION"
            ))
            .hint("e.g. --parent base.sceau.json:finetune")
        })?;
        let relation: sceau_core::Relation = rel
            .parse()
            .map_err(|e: String| CliError::input(anyhow!("--parent {spec:?}: {e}")))?;
        let path = std::path::Path::new(path);
        let bytes = crate::commands::verify::read_record_file(path)?;
        let rec = sceau_verify::record::read_unverified(&bytes).map_err(|e| {
            CliError::input(anyhow::Error::new(e).context(format!("--parent {}", path.display())))
                .hint("a parent must be a record written by `sceau sign`")
        })?;
        if out.iter().any(|p| p.record == rec.payload_sha256) {
            return Err(CliError::input(anyhow!(
                "--parent {}: the same parent twice",
                path.display()
            )));
        }
        out.push(sceau_core::Parent {
            record: rec.payload_sha256,
            name: rec.release.name,
            version: rec.release.version,
            relation,
        });
    }
    Ok(out)
}
