//! `sceau store add`: put records into a content-addressed store.
use anyhow::anyhow;
use sceau_verify::store::{Added, Store};

use crate::args::StoreAddArgs;
use crate::error::{CliError, CliResult};

/// Runs `sceau store add`.
pub fn add(args: &StoreAddArgs) -> CliResult {
    let store = Store::create(&args.store).map_err(|e| CliError::input(anyhow::Error::new(e)))?;
    // Check every record before writing any, so a bad one leaves the store untouched.
    let mut all = Vec::new();
    for r in &args.records {
        let bytes = crate::input::read_record(r)?;
        // A record packaged as a Sigstore bundle is stored as its envelope.
        let bytes = sceau_pipeline::form::sceau_record_bytes(&bytes)
            .map_err(|e| {
                CliError::input(anyhow!("{}: {e}", r.display()))
                    .hint("only records written by `sceau sign` can be stored")
            })?
            .envelope
            .into_owned();
        sceau_verify::record::read_unverified(&bytes).map_err(|e| {
            CliError::input(anyhow!(
                "{}: not a well-formed sceau record: {e}",
                r.display()
            ))
            .hint("only records written by `sceau sign` can be stored")
        })?;
        all.push((r, bytes));
    }
    for (r, bytes) in all {
        let (digest, added) = store
            .add(&bytes)
            .map_err(|e| CliError::input(anyhow::Error::new(e).context(r.display().to_string())))?;
        let what = match added {
            Added::New => "added".to_owned(),
            Added::Present => "already present".to_owned(),
            Added::MergedSignatures(n) => format!("already present; {n} new signature(s) merged"),
        };
        outln!("{}: sha256:{digest} {what}", r.display());
    }
    Ok(0)
}
