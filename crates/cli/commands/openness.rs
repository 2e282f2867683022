//! `sceau openness RECORD`: the MOF class and OSAID items a signed record supports, and open
//! washing (spec/claims.md §3, §6).
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::Args;
use sceau_claims::openness::{evaluate, OpennessReport};
use sceau_core::claims::InheritedDataset;
use sceau_core::{Release, Sha256Digest};
use sceau_lineage::{walk, WalkOptions};
use sceau_verify::record;

use crate::args::AncestryArgs;
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::input::clean;
use crate::render;
use crate::trust;

/// Who to trust for the record, as for `sceau lineage`.
#[derive(Args, Debug, Clone, Default)]
pub struct ClaimsTrustArgs {
    /// Trust these public keys for every release name (repeatable).
    ///
    /// The record is verified first. Without --key or --policy, `sceau openness` computes
    /// from the record as it describes itself and marks the result NOT VERIFIED; `sceau
    /// check` refuses to run (exit 2).
    #[arg(long, value_name = "PUB", conflicts_with = "policy")]
    pub key: Vec<PathBuf>,

    /// Trust what a signed policy says; its release scopes decide who may sign the record
    /// and each ancestor.
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<PathBuf>,

    /// Newer policy versions (repeatable), as for `sceau verify`.
    #[arg(long = "policy-update", value_name = "POLICY", requires = "policy")]
    pub policy_update: Vec<PathBuf>,

    /// Verify as of TIME (RFC 3339 or YYYY-MM-DD) instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

impl ClaimsTrustArgs {
    fn given(&self) -> bool {
        !self.key.is_empty() || self.policy.is_some()
    }
}

/// `sceau openness`.
#[derive(Args, Debug)]
pub struct OpennessArgs {
    /// The release record (a DSSE envelope written by `sceau sign`).
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,

    #[command(flatten)]
    pub trust: ClaimsTrustArgs,

    // Where the record's parents are found: datasets that verified ancestors declare count
    // toward the OSAID data information.
    #[command(flatten)]
    pub ancestry: AncestryArgs,

    /// Print JSON (spec/claims.md §6.1).
    #[arg(long)]
    pub json: bool,
}

/// A record read for claims commands: verified under the trust given, or (when no trust is
/// given and the caller allows it) read as it claims itself, NOT VERIFIED.
pub struct ClaimsRecord {
    /// The release.
    pub release: Release,
    /// SHA-256 of the signed payload.
    pub record_id: Sha256Digest,
    /// Whether the signatures were checked and met the threshold.
    pub verified: bool,
    /// Who signed, as "name (keyid)", when verified.
    pub signers: Vec<String>,
    /// Datasets declared by verified ancestors.
    pub inherited: Vec<InheritedDataset>,
    /// Things the reader should know (lineage not walked, ancestors that failed).
    pub notes: Vec<String>,
}

/// Reads and verifies `path` (spec/claims.md §6). Without `--key` / `--policy`: an input
/// error when `require_trust`, else the record is read NOT VERIFIED.
pub fn load_record(
    path: &Path,
    trust_args: &ClaimsTrustArgs,
    ancestry: &AncestryArgs,
    require_trust: bool,
) -> Result<ClaimsRecord, CliError> {
    let now = crate::commands::verify::parse_at(trust_args.at.as_deref())?;
    let bytes = crate::commands::verify::read_record_file(path)?;
    let unverified = record::read_unverified(&bytes).map_err(|e| {
        CliError::input(anyhow::Error::new(e).context(path.display().to_string()))
            .hint("RECORD must be a record written by `sceau sign`")
    })?;
    if !trust_args.given() && !require_trust {
        let mut notes = vec![
            "NOT VERIFIED: computed from the record as it describes itself; pass --key or \
             --policy to check its signatures"
                .to_owned(),
        ];
        if ancestry.store.is_some() || !ancestry.with.is_empty() {
            notes.push(
                "ancestors not walked: they can only be verified under --key or --policy".into(),
            );
        }
        return Ok(ClaimsRecord {
            release: unverified.release,
            record_id: unverified.payload_sha256,
            verified: false,
            signers: Vec::new(),
            inherited: Vec::new(),
            notes,
        });
    }
    let loaded = trust::load(
        &trust_args.key,
        trust_args.policy.as_deref(),
        &trust_args.policy_update,
        None,
        now,
    )
    .map_err(|e| {
        if trust_args.given() {
            e
        } else {
            e.hint("the card is compared with the record only once the record verifies: pass --key MAINTAINER.pub or --policy POLICY")
        }
    })?;
    let (store, loose) = trust::sources(ancestry)?;
    let resolver = crate::trust::resolver(&loaded, 0)?;
    let v = record::verify_record(&bytes, resolver.as_ref(), now, None);
    let Some(rec) = v.record else {
        let why: Vec<String> = v.report.failures().map(|c| c.detail.clone()).collect();
        return Err(CliError {
            code: EXIT_FAILED,
            error: anyhow!("{} does not verify: {}", path.display(), why.join("; ")),
            hint: Some(
                "check --key / --policy: claims are only read from a record that verifies".into(),
            ),
        });
    };
    let mut notes = Vec::new();
    let mut inherited = Vec::new();
    if !rec.release.parents.is_empty() {
        if store.is_none() && ancestry.with.is_empty() {
            notes.push(
                "the release has parents but no --store or --with was given: datasets of \
                 ancestors are not counted"
                    .into(),
            );
        } else {
            let sources = crate::trust::ancestors(store.as_ref(), &loose);
            let opts = WalkOptions {
                allow_unverified_ancestors: ancestry.allow_unverified_ancestors,
                ..WalkOptions::default()
            };
            let grants = crate::trust::grants(ancestry)?;
            let opts = WalkOptions {
                grants: crate::trust::walk_grants(&grants, resolver.as_ref(), now),
                ..opts
            };
            let l = walk(&rec, &sources, resolver.as_ref(), now, &opts);
            if !l.passed() {
                let n = l.fatal().count();
                notes.push(format!(
                    "lineage: {n} check(s) failed (see `sceau verify --store`); only datasets \
                     of verified ancestors are counted"
                ));
            }
            inherited = l.inherited_datasets();
        }
    }
    Ok(ClaimsRecord {
        signers: rec
            .signers
            .valid
            .iter()
            .map(|(n, id)| format!("{} ({id})", clean(n)))
            .collect(),
        release: rec.release,
        record_id: rec.payload_sha256,
        verified: true,
        inherited,
        notes,
    })
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Shortens `s` to `n` characters for a table cell.
pub fn cell(s: &str, n: usize) -> String {
    let s = clean(s);
    if s.chars().count() <= n {
        s
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn print_text(rec: &ClaimsRecord, r: &OpennessReport) {
    let rel = &rec.release;
    outln!(
        "{} {} (record sha256:{})",
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
    let rec = load_record(&args.record, &args.trust, &args.ancestry, false)?;
    let report = evaluate(&rec.release, &rec.inherited);
    if args.json {
        render::print_json(&serde_json::json!({
            "verified": rec.verified,
            "status": if rec.verified { "verified" } else { "NOT VERIFIED" },
            "record": args.record.display().to_string(),
            "record_id": format!("sha256:{}", rec.record_id),
            "release": {"name": rec.release.name, "version": rec.release.version},
            "signers": rec.signers,
            "notes": rec.notes,
            "class": report.class,
            "class_label": report.class.map(|k| k.label()),
            "passed": report.passed(),
            "openness": report,
        }))?;
    } else {
        print_text(&rec, &report);
    }
    Ok(if report.passed() { 0 } else { EXIT_FAILED })
}
