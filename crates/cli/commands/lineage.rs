//! `sceau lineage`: a release's family tree from signed records.
use anyhow::anyhow;
use sceau_lineage::{walk, WalkOptions};
use sceau_verify::record;

use crate::args::{LineageArgs, LineageFormat};
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::lineage_render;
use crate::output::{check_writable, emit, OutTarget};
use crate::trust;

/// Runs `sceau lineage`.
pub fn run(args: &LineageArgs) -> CliResult {
    let now = crate::commands::verify::parse_at(args.at.as_deref())?;
    if let Some(o) = &args.output {
        check_writable(o, args.force)?;
    }
    let loaded = trust::load(
        &args.key,
        args.policy.as_deref(),
        &args.policy_update,
        None,
        now,
    )?;
    let (store, loose) = trust::sources(&args.ancestry)?;
    let bytes = crate::commands::verify::read_record_file(&args.record)?;
    // Refuse what is not a record at all as an input error, before verifying it.
    record::read_unverified(&bytes).map_err(|e| {
        CliError::input(anyhow::Error::new(e).context(args.record.display().to_string()))
    })?;
    let resolver = trust::resolver(&loaded, 0)?;
    let v = record::verify_record(&bytes, resolver.as_ref(), now, None);
    let Some(rec) = v.record else {
        let why: Vec<String> = v.report.failures().map(|c| c.detail.clone()).collect();
        return Err(CliError {
            code: EXIT_FAILED,
            error: anyhow!(
                "{} does not verify: {}",
                args.record.display(),
                why.join("; ")
            ),
            hint: Some(
                "check --key / --policy: the record itself must verify before its family is drawn"
                    .into(),
            ),
        });
    };
    let sources = trust::ancestors(store.as_ref(), &loose);
    let opts = WalkOptions {
        allow_unverified_ancestors: args.ancestry.allow_unverified_ancestors,
        ..WalkOptions::default()
    };
    let grants = trust::grants(&args.ancestry)?;
    let opts = WalkOptions {
        grants: trust::walk_grants(&grants, resolver.as_ref(), now),
        ..opts
    };
    let l = walk(&rec, &sources, resolver.as_ref(), now, &opts);
    let text = match args.format {
        LineageFormat::Tree => lineage_render::tree(&l),
        LineageFormat::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "verified": l.passed(),
                "lineage": &l,
                "inherited_datasets": l.declared_datasets(),
            }))
            .map_err(anyhow::Error::from)?;
            s.push('\n');
            s
        }
        LineageFormat::Dot => lineage_render::dot(&l),
        LineageFormat::Mermaid => lineage_render::mermaid(&l),
        LineageFormat::Html => lineage_render::html(&l),
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
