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
    let scan = scan?;
    let elapsed = started.elapsed();

    let statement = scan.release.to_statement(&settings::rfc3339(now));
    let payload = statement.to_payload();
    let env = sceau_sign::sign_envelope(PAYLOAD_TYPE_INTOTO, payload, &key)
        .map_err(|e| CliError::input(anyhow::Error::new(e)))?;
    let bytes = env.to_json();

    // Self-check, as minisign does: the bytes about to be written verify under the key and
    // parse back into the same release.
    let trust = sceau_verify::record::Trust {
        keys: vec![("signer".into(), key.public())],
        threshold: 1,
        source: "the signing key".into(),
    };
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
    Ok(0)
}
