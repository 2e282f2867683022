//! `sceau grant`: an ancestor's maintainers waive its licence terms for one derived release
//! (spec/lineage.md §5.5–§5.6).
use std::path::PathBuf;

use anyhow::anyhow;
use clap::Args;
use sceau_core::dsse::Envelope;
use sceau_core::grant::{Grant, PAYLOAD_TYPE_GRANT};
use sceau_core::Licence;

use crate::args::PassArgs;
use crate::error::{CliError, CliResult};
use crate::keys::{load_secret, PassphraseSource};
use crate::output::{check_writable, write_atomic};
use crate::{render, settings};

/// `sceau grant`.
#[derive(Args, Debug)]
pub struct GrantArgs {
    /// The ancestor's release record: the release whose licence terms are waived.
    ///
    /// The grant names it by the SHA-256 of its signed payload, with its name and version; it
    /// is read, not verified, here. Verifiers count the grant only when the ancestor record in
    /// the lineage they walk is that exact record, verified under the trust for that name.
    #[arg(value_name = "ANCESTOR_RECORD")]
    pub ancestor: PathBuf,

    /// The name of the derived release the grant is for, exactly as its record names it.
    #[arg(long, value_name = "NAME")]
    pub release: String,

    /// The licence the derived release may declare, as its record declares it: an SPDX
    /// expression (`Apache-2.0`, written in any case for a single id) or a named licence id
    /// (`llama3.1`). A release declaring another licence is not covered.
    #[arg(long, value_name = "LICENCE")]
    pub licence: String,

    /// Secret keys of the ancestor's maintainers (repeatable). Verifiers count the grant only
    /// when at least the threshold of keys trusted for the ancestor's name signed it (with
    /// `--key` trust, one of the given keys; with a policy, the ancestor's release scope).
    #[arg(long = "key", value_name = "KEY", required = true)]
    pub keys: Vec<PathBuf>,

    /// When the grant stops counting (RFC 3339, or YYYY-MM-DD meaning midnight UTC). Without
    /// it the grant does not expire; revoking it then means rotating the keys that signed it.
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,

    /// Where to write the grant (a DSSE envelope, JSON). Written atomically; never replaces
    /// an existing file without --force. Verifiers take it with `--grant FILE`.
    #[arg(short = 'o', long = "output", value_name = "GRANT")]
    pub output: PathBuf,

    /// Replace GRANT if it exists.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub pass: PassArgs,

    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `sceau grant`.
pub fn run(args: &GrantArgs) -> CliResult {
    check_writable(&args.output, args.force)?;
    let issued = settings::now()?;
    let expires = args
        .expires
        .as_deref()
        .map(|e| {
            settings::parse_time(e).map_err(|err| {
                CliError::input(anyhow!("--expires {e:?}: {err}"))
                    .hint("use RFC 3339, e.g. 2027-01-31T00:00:00Z, or a date 2027-01-31")
            })
        })
        .transpose()?;
    // The label the release's record would carry for this licence (spec/bom.md §4).
    let licence = Licence::from_hf(&args.licence, None, None)
        .map_err(|e| CliError::input(anyhow::Error::new(e).context("--licence")))?
        .label()
        .to_owned();
    let bytes = crate::commands::verify::read_record_file(&args.ancestor)?;
    let ancestor = sceau_verify::record::read_unverified(&bytes).map_err(|e| {
        CliError::input(anyhow::Error::new(e).context(args.ancestor.display().to_string()))
            .hint("ANCESTOR_RECORD must be a release record written by `sceau sign`")
    })?;
    let grant = Grant {
        ancestor: ancestor.payload_sha256,
        ancestor_name: ancestor.release.name.clone(),
        ancestor_version: ancestor.release.version.clone(),
        release: args.release.clone(),
        licence,
        issued,
        expires,
    };
    grant.check().map_err(|e| {
        CliError::input(anyhow::Error::new(e)).hint("check --release, --licence and --expires")
    })?;
    let pass = PassphraseSource {
        file: args.pass.passphrase_file.clone(),
    };
    let mut env = Envelope::new(PAYLOAD_TYPE_GRANT, grant.to_payload());
    let mut ids = Vec::new();
    for k in &args.keys {
        let key = load_secret(k, &pass)?;
        sceau_sign::countersign(&mut env, &key).map_err(|e| CliError::input(anyhow!(e)))?;
        ids.push(key.key_id().to_string());
    }
    write_atomic(&args.output, &env.to_json(), args.force, None)?;
    if args.json {
        render::print_json(&serde_json::json!({
            "grant": args.output.display().to_string(),
            "ancestor": {
                "record": format!("sha256:{}", grant.ancestor),
                "name": grant.ancestor_name,
                "version": grant.ancestor_version,
            },
            "release": grant.release,
            "licence": grant.licence,
            "signed_by": ids,
        }))?;
    } else {
        outln!(
            "grant written to {}: {} may use {} despite the terms of {} {} (sha256:{}), signed by {}",
            args.output.display(),
            crate::input::clean(&grant.release),
            crate::input::clean(&grant.licence),
            crate::input::clean(&grant.ancestor_name),
            crate::input::clean(&grant.ancestor_version),
            grant.ancestor,
            ids.join(", ")
        );
    }
    Ok(0)
}
