//! `sceau export RECORD`: verify a record, then write its release as SPDX 3.0.1 (with the
//! verified ancestors) or CycloneDX (spec/spdx.md §7).
use anyhow::anyhow;
use sceau_lineage::{Lineage, NodeStatus};
use sceau_pipeline::verify::{self as pipeline, Request};
use sceau_spdx::verified::{Ancestor, AncestorStatus, Link, VerifiedRecord};
use sceau_verify::record::read_unverified;

use crate::args::{BomFormat, ExportArgs};
use crate::error::{CliError, CliResult};
use crate::input::{clean, read_record};
use crate::output::{check_writable, emit, OutTarget};
use crate::render;
use crate::trust::{require_verified, warn_grants, Ancestry, LoadedTrust};

/// Runs `sceau export`.
pub fn run(args: &ExportArgs) -> CliResult {
    let target = args
        .output
        .as_deref()
        .map(OutTarget::parse)
        .unwrap_or(OutTarget::Stdout);
    if args.json && target == OutTarget::Stdout {
        return Err(CliError::input(anyhow!(
            "--json and the document both write to standard output"
        ))
        .hint("write the document to a file with -o FILE, or drop --json"));
    }
    let spec = match (&args.spec_version, args.format) {
        (None, _) => sceau_core::cyclonedx::SpecVersion::default(),
        (Some(v), BomFormat::Cyclonedx) => v
            .parse()
            .map_err(|e| CliError::input(anyhow::Error::new(e)))?,
        (Some(_), BomFormat::Spdx3) => {
            return Err(CliError::input(anyhow!(
                "--spec-version is a CycloneDX version; --format spdx3 writes SPDX 3.0.1"
            ))
            .hint("drop --spec-version, or add --format cyclonedx"))
        }
    };
    if let OutTarget::File(p) = &target {
        check_writable(p, args.force)?;
    }
    let created = crate::settings::now()?.to_string();
    let trust = LoadedTrust::load(&args.trust)?;
    let ancestry = Ancestry::load(&args.ancestry)?;
    let bytes = read_record(&args.record)?;
    read_unverified(&bytes).map_err(|e| {
        CliError::input(anyhow::Error::new(e).context(args.record.display().to_string()))
            .hint("RECORD must be a release record written by `sceau sign`")
    })?;
    if let Some(e) = trust.policy_failure() {
        return Err(e.hint("nothing exported: the record cannot be verified"));
    }
    let sources = ancestry.sources();
    let v = pipeline::verify(Request {
        ancestors: Some(&sources),
        walk: ancestry.walk_options(),
        grants: &ancestry.grants,
        ..Request::new(&bytes, trust.root(), trust.now)
    });
    let hint = "nothing exported: `sceau verify --record RECORD` shows every check";
    let rec = require_verified(&v, &args.record, hint)?;
    // Everything `sceau verify --record RECORD` checks must pass, the lineage included (an
    // ancestor that does not verify fails unless --allow-unverified-ancestors).
    if !v.passed() {
        let why: Vec<String> = v
            .report
            .failures()
            .map(|c| format!("{}: {}", c.name(), clean(&c.detail)))
            .collect();
        return Err(CliError {
            code: crate::error::EXIT_FAILED,
            error: anyhow!(
                "{} does not verify: {}",
                args.record.display(),
                why.join("; ")
            ),
            hint: Some(hint.to_owned()),
        });
    }
    warn_grants(&v);

    let release = rec.release();
    let doc = match args.format {
        BomFormat::Spdx3 => {
            let facts = VerifiedRecord {
                record: *rec.digest(),
                signed_at: rec.signed_at().map(|t| t.to_string()),
                signers: rec
                    .signers()
                    .iter()
                    .map(|s| clean(&s.to_string()))
                    .collect(),
                ancestors: v.lineage.as_ref().map(ancestors).unwrap_or_default(),
                links: v.lineage.as_ref().map(links).unwrap_or_default(),
            };
            sceau_spdx::record_to_spdx3_json(release, &facts, &created)
                .map_err(|e| CliError::input(anyhow::Error::new(e)))?
        }
        BomFormat::Cyclonedx => {
            let predicate = &rec.statement().predicate;
            let value = if spec == sceau_core::cyclonedx::SpecVersion::default() {
                // The signed BOM itself.
                predicate.clone()
            } else {
                let signed_time = predicate["metadata"]["timestamp"]
                    .as_str()
                    .unwrap_or(&created);
                serde_json::to_value(release.to_bom_versioned(signed_time, spec))
                    .map_err(anyhow::Error::from)?
            };
            let mut out = serde_json::to_vec_pretty(&value).map_err(anyhow::Error::from)?;
            out.push(b'\n');
            out
        }
    };
    emit(&target, &doc, args.force)?;
    let format = match args.format {
        BomFormat::Cyclonedx => format!("CycloneDX {spec}"),
        BomFormat::Spdx3 => format!("SPDX {}", sceau_spdx::SPEC_VERSION),
    };
    if args.json {
        render::print_json(&serde_json::json!({
            "exported": true,
            "format": format,
            "output": args.output.as_ref().map(|p| p.display().to_string()),
            "record": args.record.display().to_string(),
            "record_id": rec.id(),
            "release": {"name": release.name, "version": release.version},
            "signers": rec.signers(),
            "ancestors": v.lineage.as_ref().map_or(0, |l| l.nodes.len().saturating_sub(1)),
        }))?;
    } else if let OutTarget::File(p) = &target {
        errln!(
            "{format} of {} {} (record {}, verified) written to {}",
            clean(&release.name),
            clean(&release.version),
            rec.id(),
            p.display()
        );
    }
    Ok(0)
}

/// Every ancestor the walk reached (the root left out), with whether it verified.
fn ancestors(l: &Lineage) -> Vec<Ancestor> {
    l.nodes
        .values()
        .filter(|n| n.digest != l.root)
        .map(|n| Ancestor {
            record: n.digest,
            name: n.name.clone(),
            version: n.version.clone(),
            status: match &n.status {
                NodeStatus::Verified => AncestorStatus::Verified {
                    signers: n.signers.iter().map(|s| clean(&s.to_string())).collect(),
                },
                NodeStatus::Unverified { reason } | NodeStatus::Rejected { reason } => {
                    AncestorStatus::NotVerified {
                        reason: clean(reason),
                    }
                }
                NodeStatus::Missing => AncestorStatus::NotVerified {
                    reason: "no record with this digest was found".to_owned(),
                },
            },
        })
        .collect()
}

/// Every link walked.
fn links(l: &Lineage) -> Vec<Link> {
    l.edges
        .iter()
        .map(|e| Link {
            child: e.child,
            parent: e.parent,
            relation: e.relation,
        })
        .collect()
}
