//! `sceau grant`: an ancestor's maintainers waive its licence terms for one derived release
//! (spec/lineage.md §5.5–§5.6).
use anyhow::anyhow;
use sceau_core::dsse::Envelope;
use sceau_core::grant::{Grant, PAYLOAD_TYPE_GRANT};
use sceau_core::Licence;

use crate::args::GrantArgs;
use crate::error::{CliError, CliResult};
use crate::keys::{load_secret, PassphraseSource};
use crate::output::{check_writable, write_atomic};
use crate::{render, settings};

/// Runs `sceau grant`.
pub fn run(args: &GrantArgs) -> CliResult {
    check_writable(&args.output, args.force)?;
    let issued = settings::now()?;
    let expires = args
        .expires
        .as_deref()
        .map(|e| settings::parse_time("--expires", e))
        .transpose()?;
    // The label the release's record would carry for this licence (spec/bom.md §4).
    let licence = Licence::from_hf(&args.licence, None, None)
        .map_err(|e| CliError::input(anyhow::Error::new(e).context("--licence")))?
        .label()
        .to_owned();
    let bytes = crate::input::read_sceau_record(&args.ancestor)?;
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
