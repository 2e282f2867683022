//! `sceau inspect`: what a record claims, clearly marked as not verified.

use std::collections::BTreeMap;

use sceau_oms::{BundleSummary, SignerClaim};
use sceau_pipeline::form::RecordForm;
use sceau_pipeline::inspect::{inspect, Inspected};

use crate::args::InspectArgs;
use crate::error::{CliError, CliResult};
use crate::render;

/// Runs `sceau inspect`.
pub fn run(args: &InspectArgs) -> CliResult {
    let bytes = crate::input::read_record(&args.record)?;
    let read = inspect(&bytes).map_err(|e| {
        let hint = match e.form() {
            RecordForm::Oms => "is this an OpenSSF Model Signing bundle (model.sig)?",
            _ => "is this a record written by `sceau sign`?",
        };
        CliError::input(anyhow::Error::new(e).context(args.record.display().to_string())).hint(hint)
    })?;
    let (rec, bundle) = match read {
        Inspected::Sceau { record, bundle } => (record, bundle),
        Inspected::Oms(summary) => return oms(args, &summary),
        _ => return Err(CliError::input(anyhow::anyhow!("unknown record form"))),
    };
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
    let form = bundle.as_ref().map(|b| {
        format!(
            "Sigstore bundle ({}) holding the DSSE envelope",
            b.media_type.as_str()
        )
    });
    let oms_root = r.oms_root.map(|d| format!("sha256:{}", d.to_hex()));
    if args.json {
        render::print_json(&serde_json::json!({
            "verified": false,
            "warning": "NOT VERIFIED: this shows what the record claims; use `sceau verify` to check it",
            "form": if bundle.is_some() { "sigstore-bundle" } else { "dsse" },
            "oms_root": oms_root,
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
    if let Some(f) = &form {
        outln!("form:      {f}");
    }
    if let Some(root) = &oms_root {
        outln!("OMS root:  {root} (the model's OpenSSF Model Signing identity; check with `verify --oms`)");
    }
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

/// What an OMS bundle claims (spec/oms.md §2.5), NOT VERIFIED.
fn oms(args: &InspectArgs, b: &BundleSummary) -> CliResult {
    let c = crate::input::clean;
    let signer = match &b.signer {
        SignerClaim::Key {
            hint,
            embedded_key_hint,
            key_details,
        } => serde_json::json!({
            "key_hint": hint,
            "embedded_key_hint": embedded_key_hint,
            "key_details": key_details,
        }),
        SignerClaim::Certificate {
            subject,
            issuer,
            chain_len,
        } => serde_json::json!({
            "certificate_subject": subject,
            "certificate_issuer": issuer,
            "chain_length": chain_len,
        }),
        SignerClaim::Sigstore {
            identity,
            oidc_issuer,
            tlog_entries,
            integrated_time,
        } => serde_json::json!({
            "identity": identity,
            "oidc_issuer": oidc_issuer,
            "tlog_entries": tlog_entries,
            "integrated_time": integrated_time,
        }),
    };
    let ser = &b.serialization;
    let shard_size = match ser.method {
        sceau_oms::Method::Shards { shard_size } => Some(shard_size),
        sceau_oms::Method::Files => None,
    };
    if args.json {
        render::print_json(&serde_json::json!({
            "verified": false,
            "warning": "NOT VERIFIED: this shows what the OMS bundle claims; use `sceau verify` to check it",
            "form": "oms",
            "media_type": b.media_type,
            "method": b.method.name(),
            "signer": signer,
            "model": b.model_name,
            "root": b.root.to_prefixed(),
            "serialization": {
                "method": ser.method.name(),
                "shard_size": shard_size,
                "hash_type": ser.hash_type.name(),
                "allow_symlinks": ser.allow_symlinks,
                "ignore_paths": ser.ignore_paths,
            },
            "resources": b.resources,
            "order": format!("{:?}", b.order),
            "notes": b.notes.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>(),
        }))?;
        return Ok(0);
    }
    outln!(
        "NOT VERIFIED — this is what the OMS bundle claims. Use `sceau verify DIR --record {}` \
         to check it.",
        c(&args.record.display().to_string())
    );
    outln!("form:      OpenSSF Model Signing bundle ({})", b.media_type);
    outln!("method:    {}", b.method.name());
    match &b.signer {
        SignerClaim::Key {
            hint,
            embedded_key_hint,
            key_details,
        } => {
            let shown = hint
                .as_deref()
                .or(embedded_key_hint.as_deref())
                .unwrap_or("-");
            outln!("signer:    key, OMS key hint {}", c(shown));
            if let Some(d) = key_details {
                outln!("           key details {}", c(d));
            }
        }
        SignerClaim::Certificate {
            subject,
            issuer,
            chain_len,
        } => outln!(
            "signer:    certificate {} issued by {} ({chain_len} in the chain)",
            c(subject),
            c(issuer)
        ),
        SignerClaim::Sigstore {
            identity,
            oidc_issuer,
            tlog_entries,
            integrated_time,
        } => {
            outln!(
                "signer:    {} (OIDC issuer {}), keyless through Sigstore",
                c(identity.as_deref().unwrap_or("-")),
                c(oidc_issuer.as_deref().unwrap_or("-"))
            );
            let when = integrated_time
                .and_then(|t| sceau_core::Timestamp::from_unix(t).ok())
                .map_or("-".to_owned(), |t| t.to_string());
            outln!("           {tlog_entries} Rekor entr(y/ies), first logged at {when}");
        }
    }
    outln!(
        "model:     {}",
        c(b.model_name.as_deref().unwrap_or("(unnamed)"))
    );
    outln!("root:      {}", b.root.to_prefixed());
    outln!(
        "hashing:   {}{}, {}; symlinks {}",
        ser.method.name(),
        shard_size.map_or(String::new(), |s| format!(" of {s} bytes")),
        ser.hash_type.name(),
        if ser.allow_symlinks {
            "followed"
        } else {
            "refused"
        }
    );
    match &ser.ignore_paths {
        Some(p) if !p.is_empty() => outln!("ignored:   {}", c(&p.join(", "))),
        Some(_) => outln!("ignored:   none recorded"),
        None => outln!("ignored:   not recorded (model_signing before 1.1)"),
    }
    outln!("files:     {} resources", b.resources.len());
    for name in &b.resources {
        outln!("  {}", c(name));
    }
    Ok(0)
}
