//! `sceau countersign`: add a signature over the same payload.

use anyhow::anyhow;
use sceau_core::dsse::Envelope;

use crate::args::CountersignArgs;
use crate::error::{CliError, CliResult};
use crate::keys::{load_secret, PassphraseSource};
use crate::output::{check_writable, write_atomic};

/// Runs `sceau countersign`.
pub fn run(args: &CountersignArgs) -> CliResult {
    if let Some(o) = &args.output {
        check_writable(o, args.force)?;
    } else {
        // Rewritten in place: refuse what is not a regular file now, before asking for the key.
        check_writable(&args.record, true)?;
    }
    let bytes = crate::input::read_record(&args.record)?;
    let mut env = Envelope::from_json(&bytes).map_err(|e| {
        CliError::input(anyhow::Error::new(e))
            .hint("RECORD must be a record written by `sceau sign`")
    })?;
    // The payload must be a record sceau can read, or co-signing would vouch for garbage.
    sceau_verify::record::parse_payload(&env.payload)
        .map_err(|e| CliError::input(anyhow!("{}: {e}", args.record.display())))?;
    let before = env.payload.clone();
    let key = load_secret(
        &args.key,
        &PassphraseSource {
            file: args.pass.passphrase_file.clone(),
        },
    )?;
    sceau_sign::countersign(&mut env, &key).map_err(|e| {
        let already = matches!(e, sceau_sign::SignError::AlreadySigned { .. });
        let err = CliError::input(anyhow::Error::new(e));
        if already {
            err.hint(
                "each maintainer signs once; a second signature by the same key would not count",
            )
        } else {
            err
        }
    })?;
    if env.payload != before {
        return Err(CliError::input(anyhow!(
            "internal error: payload changed while countersigning"
        )));
    }
    let out = env.to_json();
    match &args.output {
        Some(o) => write_atomic(o, &out, args.force, None)?,
        None => write_atomic(&args.record, &out, true, None)?,
    }
    outln!(
        "added signature by {} ({} signatures now) to {}",
        key.key_id(),
        env.signatures.len(),
        args.output.as_ref().unwrap_or(&args.record).display()
    );
    Ok(0)
}
