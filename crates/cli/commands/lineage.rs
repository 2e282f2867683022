//! `sceau lineage`: a release's family tree from signed records.
use anyhow::anyhow;
use sceau_pipeline::verify::{self as pipeline, Request};
use sceau_verify::record::read_unverified;

use crate::args::{LineageArgs, LineageFormat};
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::lineage_render;
use crate::output::{check_writable, emit, OutTarget};
use crate::trust::{require_verified, warn_grants, Ancestry, LoadedTrust};

/// Runs `sceau lineage`.
pub fn run(args: &LineageArgs) -> CliResult {
    if let Some(o) = &args.output {
        check_writable(o, args.force)?;
    }
    let trust = LoadedTrust::load(&args.trust)?;
    let ancestry = Ancestry::load(&args.ancestry)?;
    let bytes = crate::input::read_sceau_record(&args.record)?;
    // Refuse what is not a record at all as an input error, before verifying it.
    read_unverified(&bytes).map_err(|e| {
        CliError::input(anyhow::Error::new(e).context(args.record.display().to_string()))
    })?;
    if let Some(e) = trust.policy_failure() {
        return Err(e);
    }
    let sources = ancestry.sources();
    let v = pipeline::verify(Request {
        ancestors: Some(&sources),
        walk: ancestry.walk_options(),
        grants: &ancestry.grants,
        ..Request::new(&bytes, trust.root(), trust.now)
    });
    require_verified(
        &v,
        &args.record,
        "check --key / --policy: the record itself must verify before its family is drawn",
    )?;
    warn_grants(&v);
    let l = v
        .lineage
        .as_ref()
        .ok_or_else(|| CliError::input(anyhow!("internal error: no lineage was walked")))?;
    let text = match args.format {
        LineageFormat::Tree => lineage_render::tree(l),
        LineageFormat::Json => {
            String::from_utf8_lossy(&crate::json::to_bytes(&serde_json::json!({
                "verified": l.passed(),
                "lineage": l,
                "inherited_datasets": l.declared_datasets(),
            }))?)
            .into_owned()
        }
        LineageFormat::Dot => lineage_render::dot(l),
        LineageFormat::Mermaid => lineage_render::mermaid(l),
        LineageFormat::Html => lineage_render::html(l),
    };
    match &args.output {
        Some(o) => {
            emit(&OutTarget::File(o.clone()), text.as_bytes(), args.force)?;
            outln!("lineage written to {}", o.display());
        }
        None => emit(&OutTarget::Stdout, text.as_bytes(), false)?,
    }
    Ok(if l.passed() { 0 } else { EXIT_FAILED })
}
