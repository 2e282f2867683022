//! `sceau report RECORD --ai-act`: what a record covers of the EU AI Act documentation duties
//! for general-purpose AI models (spec/ai-act.md).
use std::path::PathBuf;

use anyhow::anyhow;
use clap::Args;
use sceau_claims::ai_act::{ai_act_report, Input, SystemicRisk, Verification};
use sceau_verify::record;

use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::output::{check_writable, emit, OutTarget};
use crate::trust;

/// `sceau report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The release record (a DSSE envelope written by `sceau sign`).
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,

    /// Report on the EU AI Act documentation duties of providers of general-purpose AI
    /// models: Art. 53(1)(a)-(d), Annex XI and XII items and the public summary of training
    /// content, with the open-source exemption of Art. 53(2). The only report for now.
    #[arg(long, required = true)]
    pub ai_act: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,

    /// The model is a general-purpose AI model with systemic risk (Art. 51; presumed above
    /// 10^25 training FLOPs): no exemption applies and the Annex XI Section 2 items are added.
    #[arg(long)]
    pub systemic_risk: bool,

    /// Verify the record first under these public keys (repeatable). Without --key or
    /// --policy the report is marked "record NOT VERIFIED".
    #[arg(long, value_name = "PUB", conflicts_with = "policy")]
    pub key: Vec<PathBuf>,

    /// Verify the record first under this trust policy.
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<PathBuf>,

    /// Newer policy versions (repeatable), as for `sceau verify`.
    #[arg(long = "policy-update", value_name = "POLICY", requires = "policy")]
    pub policy_update: Vec<PathBuf>,

    /// Distinct trusted keys required (as for `sceau verify`).
    #[arg(long, value_name = "K")]
    pub threshold: Option<usize>,

    /// Verify as of TIME (RFC 3339 or YYYY-MM-DD) instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,

    /// Write to FILE instead of standard output (atomically; --force to replace).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `sceau report --format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// Machine-readable JSON (spec/ai-act.md §4).
    Json,
    /// One self-contained HTML page.
    Html,
}

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
    let now = crate::commands::verify::parse_at(args.at.as_deref())?;
    let bytes = crate::commands::verify::read_record_file(&args.record)?;
    let unverified = record::read_unverified(&bytes).map_err(|e| {
        CliError::input(anyhow::Error::new(e).context(args.record.display().to_string()))
            .hint("RECORD must be a release record written by `sceau sign`")
    })?;

    let signed_at = |st: &sceau_core::statement::Statement| {
        st.predicate
            .pointer("/metadata/timestamp")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };

    let (release, record_id, signed, verification) = if args.key.is_empty() && args.policy.is_none()
    {
        (
            unverified.release.clone(),
            unverified.payload_sha256,
            signed_at(&unverified.statement),
            Verification::NotVerified,
        )
    } else {
        let loaded = trust::load(
            &args.key,
            args.policy.as_deref(),
            &args.policy_update,
            args.threshold,
            now,
        )?;
        let resolver = match trust::resolver(&loaded, args.threshold.unwrap_or(0)) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {}", crate::input::clean(&e.error.to_string()));
                eprintln!("no report written: the record cannot be verified");
                return Ok(EXIT_FAILED);
            }
        };
        let v = record::verify_record(&bytes, resolver.as_ref(), now, None);
        let rec = match (&v.record, v.report.passed()) {
            (Some(r), true) => r,
            _ => {
                eprintln!("error: {} does not verify:", args.record.display());
                for c in v.report.failures() {
                    eprintln!("  {}: {}", c.name, crate::input::clean(&c.detail));
                }
                eprintln!("no report written: run `sceau verify` for the full report");
                return Ok(EXIT_FAILED);
            }
        };
        (
            rec.release.clone(),
            rec.payload_sha256,
            signed_at(&rec.statement),
            Verification::Verified {
                trust: rec.trust_source.clone(),
                signers: rec
                    .signers
                    .valid
                    .iter()
                    .map(|(n, id)| format!("{} ({id})", crate::input::clean(n)))
                    .collect(),
            },
        )
    };

    let report = ai_act_report(&Input {
        release: &release,
        record: record_id,
        signed_at: signed,
        verification,
        systemic_risk: if args.systemic_risk {
            SystemicRisk::Declared
        } else {
            SystemicRisk::NotDeclared
        },
    });
    let mut out = match args.format {
        ReportFormat::Json => {
            serde_json::to_vec_pretty(&report).map_err(|e| CliError::input(anyhow!(e)))?
        }
        ReportFormat::Md => report.to_markdown().into_bytes(),
        ReportFormat::Html => report.to_html().into_bytes(),
    };
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    emit(&target, &out, args.force)?;
    if let OutTarget::File(p) = &target {
        eprintln!(
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
