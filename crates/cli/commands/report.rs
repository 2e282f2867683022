//! `sceau report RECORD --ai-act`: what a record covers of the EU AI Act documentation duties
//! for general-purpose AI models (spec/ai-act.md).
use anyhow::anyhow;
use sceau_claims::ai_act::{ai_act_report, Input, RecordStatus, SystemicRisk};
use sceau_pipeline::verify::{self as pipeline, Request};
use sceau_verify::record::{read_unverified, signing_time};

use crate::args::{ReportArgs, ReportFormat};
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::input::clean;
use crate::output::{check_writable, emit, OutTarget};
use crate::trust::LoadedTrust;

/// Runs `sceau report`.
pub fn run(args: &ReportArgs) -> CliResult {
    if !args.ai_act {
        return Err(CliError::input(anyhow!("no report asked")).hint("pass --ai-act"));
    }
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
    let bytes = crate::input::read_sceau_record(&args.record)?;
    let unverified = read_unverified(&bytes).map_err(|e| {
        CliError::input(anyhow::Error::new(e).context(args.record.display().to_string()))
            .hint("RECORD must be a release record written by `sceau sign`")
    })?;

    let (release, record_id, signed, status) = if !LoadedTrust::given(&args.trust) {
        (
            unverified.release.clone(),
            unverified.payload_sha256,
            signing_time(&unverified.statement).and_then(Result::ok),
            RecordStatus::NotVerified,
        )
    } else {
        let trust = LoadedTrust::load(&args.trust)?;
        if let Some(e) = trust.policy_failure() {
            return Err(e.hint("no report written: the record cannot be verified"));
        }
        let v = pipeline::verify(Request::new(&bytes, trust.root(), trust.now));
        let Some(rec) = v.verified_record() else {
            let why: Vec<String> = v
                .record_failures()
                .map(|c| format!("{}: {}", c.name(), clean(&c.detail)))
                .collect();
            return Err(CliError {
                code: EXIT_FAILED,
                error: anyhow!(
                    "{} does not verify: {}",
                    args.record.display(),
                    why.join("; ")
                ),
                hint: Some("no report written: run `sceau verify` for the full report".to_owned()),
            });
        };
        (
            rec.release().clone(),
            *rec.digest(),
            rec.signed_at(),
            RecordStatus::Verified {
                trust: rec.trust_source().to_owned(),
                signers: rec
                    .signers()
                    .iter()
                    .map(|s| clean(&s.to_string()))
                    .collect(),
            },
        )
    };

    let report = ai_act_report(&Input {
        release: &release,
        record: record_id,
        signed_at: signed.map(|t| t.to_string()),
        verification: status,
        systemic_risk: if args.systemic_risk {
            SystemicRisk::Declared
        } else {
            SystemicRisk::NotDeclared
        },
    });
    let mut out = match args.format {
        ReportFormat::Json => crate::json::to_bytes(&report)?,
        ReportFormat::Md => report.to_markdown().into_bytes(),
        ReportFormat::Html => report.to_html().into_bytes(),
    };
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    emit(&target, &out, args.force)?;
    if let OutTarget::File(p) = &target {
        errln!(
            "AI Act report ({} covered, {} partial, {} missing, {} waived) written to {}{}",
            report.summary.covered,
            report.summary.partial,
            report.summary.missing,
            report.summary.waived,
            p.display(),
            if report.verified {
                ""
            } else {
                " (record NOT VERIFIED)"
            }
        );
    }
    Ok(0)
}
