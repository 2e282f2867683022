//! `sceau inspect`: what a record claims, clearly marked as not verified.

use std::collections::BTreeMap;

use crate::args::InspectArgs;
use crate::error::{CliError, CliResult};
use crate::render;

/// Runs `sceau inspect`.
pub fn run(args: &InspectArgs) -> CliResult {
    let bytes = crate::input::read_record(&args.record)?;
    let rec = sceau_verify::record::read_unverified(&bytes).map_err(|e| {
        CliError::input(anyhow::Error::new(e).context(args.record.display().to_string()))
            .hint("is this a record written by `sceau sign`?")
    })?;
    let r = &rec.release;
    let mut kinds: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for a in &r.artifacts {
        let e = kinds.entry(a.kind.to_string()).or_default();
        e.0 += 1;
        e.1 += a.size;
    }
    let keyids: Vec<&str> = rec
        .envelope
        .signatures
        .iter()
        .map(|s| s.keyid.as_str())
        .collect();
    let signed_at = rec
        .statement
        .predicate
        .pointer("/metadata/timestamp")
        .and_then(|v| v.as_str());
    if args.json {
        render::print_json(&serde_json::json!({
            "verified": false,
            "warning": "NOT VERIFIED: this shows what the record claims; use `sceau verify` to check it",
            "payload_sha256": rec.payload_sha256.to_hex(),
            "release": {"name": r.name, "version": r.version},
            "signed_at": signed_at,
            "signature_keyids": keyids,
            "licence": r.licence,
            "card": r.card,
            "ignore": r.ignore.0,
            "artifacts": r.artifacts,
        }))?;
        return Ok(0);
    }
    outln!("NOT VERIFIED — this is what the record claims. Use `sceau verify` to check it.");
    let c = crate::input::clean;
    outln!("release:   {} {}", c(&r.name), c(&r.version));
    outln!("record id: sha256:{}", rec.payload_sha256);
    if let Some(t) = signed_at {
        outln!("signed at: {}", c(t));
    }
    outln!(
        "signatures: {} (key ids as written, unverified: {})",
        keyids.len(),
        if keyids.is_empty() {
            "-".into()
        } else {
            c(&keyids.join(", "))
        }
    );
    if let Some(l) = &r.licence {
        outln!("licence:   {}", c(l.label()));
    }
    for (k, (n, b)) in &kinds {
        outln!("  {k:<11} {n:>5} files  {:>10}", render::bytes(*b));
    }
    if let Some(c) = &r.card {
        if !c.datasets.is_empty() {
            outln!("datasets:  {}", crate::input::clean(&c.datasets.join(", ")));
        }
        if !c.base_model.is_empty() {
            outln!(
                "base model: {} ({})",
                crate::input::clean(&c.base_model.join(", ")),
                crate::input::clean(
                    c.base_model_relation
                        .as_deref()
                        .unwrap_or("relation not stated")
                )
            );
        }
    }
    outln!("ignore rules: {}", c(&r.ignore.0.join(" ")));
    Ok(0)
}
