//! `sceau openness RECORD`: the MOF class and OSAID items a signed record supports, and open
//! washing (spec/claims.md §3, §6).
use sceau_claims::openness::OpennessReport;

use crate::args::OpennessArgs;
use crate::claims_record::{self, ClaimsRecord};
use crate::error::{CliResult, EXIT_FAILED};
use crate::input::{cell, clean};
use crate::render;

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn print_text(rec: &ClaimsRecord, r: &OpennessReport) {
    let rel = &rec.release;
    outln!(
        "{} {} (record {})",
        clean(&rel.name),
        clean(&rel.version),
        rec.record_id
    );
    if rec.verified {
        outln!("verified: signed by {}", rec.signers.join(", "));
    }
    for n in &rec.notes {
        outln!("{n}");
    }
    outln!();
    match r.class {
        Some(k) => outln!("Model Openness Framework: {k} ({})", k.label()),
        None => outln!("Model Openness Framework: no class (Class III not reached)"),
    }
    outln!();
    outln!(
        "{:<26} {:<5} {:<8} {:<8} {:<24} {:<5} {:<8} {}",
        "component",
        "class",
        "required",
        "present",
        "licence",
        "open",
        "type-ok",
        "counts"
    );
    for c in &r.components {
        let licences: Vec<&str> = c.licences.iter().map(|v| v.licence.as_str()).collect();
        outln!(
            "{:<26} {:<5} {:<8} {:<8} {:<24} {:<5} {:<8} {}",
            c.component.as_str(),
            c.class.as_str(),
            yes(c.required),
            yes(c.present),
            cell(
                &if licences.is_empty() {
                    "—".to_owned()
                } else {
                    licences.join(" ; ")
                },
                24
            ),
            yes(c.open),
            yes(c.type_appropriate),
            if c.satisfied {
                "yes".to_owned()
            } else if c.required {
                format!("NO: {}", clean(&c.reason()))
            } else {
                format!("no (optional): {}", clean(&c.reason()))
            }
        );
    }
    outln!();
    match r.next_class {
        Some(k) => {
            outln!("Missing for {k} ({}):", k.label());
            for m in &r.missing_for_next {
                outln!("  - {}", clean(&m.to_string()));
            }
        }
        None => outln!("Class I is the most open class: nothing missing."),
    }
    outln!();
    outln!(
        "OSI Open Source AI Definition 1.0: {}",
        if r.open_source_ai { "met" } else { "not met" }
    );
    for i in &r.osaid {
        if i.met {
            outln!("  {:<17} met", i.item);
        } else {
            outln!("  {:<17} NOT met", i.item);
            for m in &i.missing {
                outln!("    - {}", clean(m));
            }
        }
    }
    if !r.inherited_datasets.is_empty() {
        outln!("  datasets inherited from verified ancestors:");
        for d in &r.inherited_datasets {
            outln!(
                "    - {} (from {})",
                clean(&d.name),
                clean(&d.declared_by.join(", "))
            );
        }
    }
    outln!();
    let claimed = match (r.claimed_class, r.claimed_open_source) {
        (None, None | Some(false)) => {
            "the record claims no openness class and not \"open source\"".to_owned()
        }
        (k, o) => {
            let mut parts = Vec::new();
            if let Some(k) = k {
                parts.push(format!("{k}"));
            }
            if o == Some(true) {
                parts.push("\"open source\"".into());
            }
            format!("the record claims {}", parts.join(" and "))
        }
    };
    if r.open_washing.is_empty() {
        outln!("Claims: {claimed}: supported.");
    } else {
        outln!("OPEN WASHING: {claimed}, which the record does not support:");
        for w in &r.open_washing {
            outln!("  {}: missing or wrongly licensed:", w.claim);
            for m in &w.missing {
                outln!("    - {}", clean(m));
            }
        }
    }
    for w in &r.warnings {
        outln!("warning: {}", clean(w));
    }
}

/// Runs `sceau openness`.
pub fn run(args: &OpennessArgs) -> CliResult {
    let rec = claims_record::load(&args.record, &args.trust, &args.ancestry, false)?;
    let report = &rec.openness;
    if args.json {
        render::print_json(&serde_json::json!({
            "verified": rec.verified,
            "status": if rec.verified { "verified" } else { "NOT VERIFIED" },
            "record": args.record.display().to_string(),
            "record_id": rec.record_id,
            "release": {"name": rec.release.name, "version": rec.release.version},
            "signers": rec.signers,
            "notes": rec.notes,
            "class": report.class,
            "class_label": report.class.map(|k| k.label()),
            "passed": report.passed(),
            "openness": report,
        }))?;
    } else {
        print_text(&rec, report);
    }
    Ok(if report.passed() { 0 } else { EXIT_FAILED })
}
