//! `sceau check CARD_OR_DIR --record R`: a published model card against the verified record,
//! field by field (spec/claims.md §5).
use anyhow::anyhow;
use sceau_claims::card_check::{compare, Verdict};

use crate::args::CheckArgs;
use crate::claims_record;
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::input::{cell, clean};
use crate::render;

/// Largest card read.
const MAX_CARD_BYTES: usize = 16 << 20;

/// Runs `sceau check`.
pub fn run(args: &CheckArgs) -> CliResult {
    let card_path = if args.card.is_dir() {
        args.card.join("README.md")
    } else {
        args.card.clone()
    };
    let rec = claims_record::load(&args.record, &args.trust, &args.ancestry, true)?;
    let bytes = crate::input::read_capped(&card_path, MAX_CARD_BYTES, "model card")?;
    let text = String::from_utf8_lossy(&bytes);
    let check = compare(&text, &rec.release, &rec.inherited).map_err(|e| {
        CliError::input(anyhow!("{}: {e}", card_path.display()))
            .hint("fix the card's YAML front matter (between the first two '---' lines)")
    })?;
    let ok = check.passed();
    if args.json {
        let openness = &rec.openness;
        render::print_json(&serde_json::json!({
            "passed": ok,
            "card": card_path.display().to_string(),
            "record": args.record.display().to_string(),
            "record_id": rec.record_id,
            "release": {"name": rec.release.name, "version": rec.release.version},
            "signers": rec.signers,
            "notes": rec.notes,
            "computed_class": openness.class,
            "contradictions": check.contradictions().map(|f| f.field).collect::<Vec<_>>(),
            "check": check,
        }))?;
    } else {
        outln!(
            "{} against {} {} (record {}), signed by {}",
            card_path.display(),
            clean(&rec.release.name),
            clean(&rec.release.version),
            rec.record_id,
            rec.signers.join(", ")
        );
        for n in &rec.notes {
            outln!("{n}");
        }
        if !check.has_front_matter {
            outln!(
                "the card has no YAML front matter: it says nothing the record could contradict"
            );
        }
        outln!();
        outln!(
            "{:<20} {:<32} {:<40} {}",
            "field",
            "card says",
            "record says",
            "verdict"
        );
        for f in &check.fields {
            outln!(
                "{:<20} {:<32} {:<40} {}",
                f.field,
                cell(&f.card, 32),
                cell(&f.record, 40),
                match f.verdict {
                    Verdict::Contradiction => "CONTRADICTION".to_owned(),
                    v => v.to_string(),
                }
            );
        }
        let bad: Vec<_> = check.contradictions().collect();
        outln!();
        if bad.is_empty() {
            outln!("no contradiction: the card agrees with the signed record");
        } else {
            outln!("{} contradiction(s):", bad.len());
            for f in &bad {
                outln!("  - {}: {}", f.field, clean(&f.detail));
            }
        }
        for f in check
            .fields
            .iter()
            .filter(|f| f.verdict != Verdict::Contradiction && !f.detail.is_empty())
        {
            outln!("note: {}: {}", f.field, clean(&f.detail));
        }
        for w in &check.warnings {
            outln!("warning: card: {}", clean(w));
        }
    }
    Ok(if ok { 0 } else { EXIT_FAILED })
}
