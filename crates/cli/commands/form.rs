//! `sceau report RECORD --form training-summary|model-documentation`: a regulator's form
//! filled from the record, each answer with its source (spec/forms.md).
use anyhow::anyhow;
use sceau_forms::config::MAX_CONFIG_BYTES;
use sceau_forms::{fill, FillRequest, Filled, FormError, FormKind, Recipient, Verify};

use crate::args::{FormArg, RecipientArg, ReportArgs, ReportFormat};
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::input::{clean, read_capped, read_record};
use crate::output::{check_writable, emit, OutTarget};
use crate::trust::{warn_grants, Ancestry, LoadedTrust};

/// Runs `sceau report --form`.
pub fn run(args: &ReportArgs) -> CliResult {
    let Some(form) = args.form else {
        return Err(CliError::input(anyhow!("no form asked")).hint("pass --form"));
    };
    let target = args
        .output
        .as_deref()
        .map(OutTarget::parse)
        .unwrap_or(OutTarget::Stdout);
    if let OutTarget::File(p) = &target {
        check_writable(p, args.force)?;
    }
    // A bad --at is refused before anything is read.
    crate::settings::parse_at(args.trust.at.as_deref())?;
    let config = match &args.dir {
        None => None,
        Some(d) if !d.is_dir() => {
            return Err(CliError::input(anyhow!("{}: not a folder", d.display()))
                .hint("--dir takes the release folder the record was signed from"));
        }
        Some(d) => {
            let p = d.join(sceau_forms::CONFIG_PATH);
            if p.is_file() {
                Some(read_capped(&p, MAX_CONFIG_BYTES, "configuration")?)
            } else {
                errln!(
                    "note: {} has no {}: the modalities and context size come from the claims",
                    d.display(),
                    sceau_forms::CONFIG_PATH
                );
                None
            }
        }
    };
    let bytes = read_record(&args.record)?;
    let given = LoadedTrust::given(&args.trust);
    let trust = if given {
        Some(LoadedTrust::load(&args.trust)?)
    } else {
        None
    };
    let ancestry = Ancestry::load(&args.ancestry)?;
    if !given && ancestry.given() {
        errln!("note: without --key or --policy the lineage is not walked: --store and --with are not used");
    }
    if let Some(e) = trust.as_ref().and_then(LoadedTrust::policy_failure) {
        errln!("error: {}", clean(&e.error.to_string()));
        errln!("no form written: the record cannot be verified");
        return Ok(EXIT_FAILED);
    }
    let sources = ancestry.sources();
    let verify = trust.as_ref().map(|t| Verify {
        trust: t.root(),
        now: t.now,
        ancestors: if ancestry.given() {
            Some(&sources)
        } else {
            None
        },
        walk: ancestry.walk_options(),
        grants: &ancestry.grants,
    });
    let filled = fill(FillRequest {
        form: match form {
            FormArg::TrainingSummary => FormKind::TrainingSummary,
            FormArg::ModelDocumentation => FormKind::ModelDocumentation,
        },
        recipient: args.recipient.map(|r| match r {
            RecipientArg::AiOffice => Recipient::AiOffice,
            RecipientArg::Authority => Recipient::Authority,
            RecipientArg::Downstream => Recipient::Downstream,
        }),
        record: &bytes,
        verify,
        config: config.as_deref(),
    })
    .map_err(|e| match e {
        FormError::Record(_) => {
            CliError::input(anyhow::Error::new(e).context(args.record.display().to_string()))
                .hint("RECORD must be a release record written by `sceau sign`")
        }
        e => CliError::input(anyhow::Error::new(e)),
    })?;
    let (form, verification) = match filled {
        Filled::RecordFailed(v) => {
            errln!("error: {} does not verify:", args.record.display());
            for c in v.record_failures() {
                errln!("  {}: {}", c.name(), clean(&c.detail));
            }
            errln!("no form written: run `sceau verify` for the full report");
            return Ok(EXIT_FAILED);
        }
        Filled::Form { form, verification } => (form, verification),
    };
    if let Some(v) = &verification {
        warn_grants(v);
    }
    let mut out = match args.format {
        ReportFormat::Json => {
            serde_json::to_vec_pretty(&form).map_err(|e| CliError::input(anyhow!(e)))?
        }
        ReportFormat::Md => form.to_markdown().into_bytes(),
        ReportFormat::Html => form.to_html().into_bytes(),
    };
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    emit(&target, &out, args.force)?;
    for p in &form.problems {
        errln!("warning: {}", clean(p));
    }
    if let OutTarget::File(p) = &target {
        errln!(
            "{} ({} verified, {} declared, {} missing{}) written to {}{}",
            form.title,
            form.counts.verified,
            form.counts.declared,
            form.counts.missing,
            if form.counts.missing_optional > 0 {
                format!(", {} of them optional", form.counts.missing_optional)
            } else {
                String::new()
            },
            p.display(),
            if form.verified {
                ""
            } else {
                " (record NOT VERIFIED)"
            }
        );
    }
    Ok(if form.passed { 0 } else { EXIT_FAILED })
}
