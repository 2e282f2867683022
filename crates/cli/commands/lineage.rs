//! `sceau lineage`: a release's family tree from signed records.
use anyhow::anyhow;
use sceau_verify::lineage::{walk, FixedTrust, PolicyTrust, WalkOptions};
use sceau_verify::record;
use sceau_verify::store::{RecordSource, Sources};

use crate::args::{LineageArgs, LineageFormat};
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::lineage_render;
use crate::output::{check_writable, emit, OutTarget};
use crate::trust::{self, Loaded};

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
    let name = record::read_unverified(&bytes)
        .map_err(|e| {
            CliError::input(anyhow::Error::new(e).context(args.record.display().to_string()))
        })?
        .release
        .name;

    let (root_trust, policy) = match &loaded {
        Loaded::Keys(t) => (Some(t.clone()), None),
        Loaded::Policy(vp, _) => {
            let r: &dyn sceau_verify::lineage::TrustResolver = &PolicyTrust(vp);
            (r.trust_for(&name), Some(vp))
        }
        Loaded::PolicyFailed(p, e) => {
            return Err(CliError {
                code: EXIT_FAILED,
                error: anyhow!("policy {} does not verify: {e}", p.display()),
                hint: None,
            })
        }
    };
    let root_trust = root_trust.ok_or_else(|| CliError {
        code: EXIT_FAILED,
        error: anyhow!("nobody is trusted for release {name:?} under this policy"),
        hint: None,
    })?;
    let v = record::verify_record(&bytes, &root_trust, now, None);
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
    let mut srcs: Vec<&dyn RecordSource> = Vec::new();
    if let Some(s) = &store {
        srcs.push(s);
    }
    srcs.push(&loose);
    let sources = Sources(srcs);
    let opts = WalkOptions {
        allow_unverified_ancestors: args.ancestry.allow_unverified_ancestors,
        ..WalkOptions::default()
    };
    let l = match (&loaded, policy) {
        (_, Some(vp)) => walk(&rec, &sources, &PolicyTrust(vp), now, &opts),
        (Loaded::Keys(t), None) => walk(&rec, &sources, &FixedTrust(t.clone()), now, &opts),
        _ => return Err(CliError::input(anyhow!("internal error: no trust"))),
    };
    let text = match args.format {
        LineageFormat::Tree => lineage_render::tree(&l),
        LineageFormat::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "verified": l.passed(),
                "lineage": &l,
                "inherited_datasets": l.inherited_datasets(),
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
