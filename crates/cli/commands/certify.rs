//! `sceau certify`: a certifier signs what it checked about one release record, and the
//! `--require` / `--attestation` part of `sceau verify` (spec/attestations.md).
use std::io::Read;
use std::path::Path;

use anyhow::anyhow;
use sceau_attest::document::{
    Certification, Evidence, Standard, MAX_ATTESTATION_BYTES, MAX_EVIDENCE, MAX_STANDARD_BYTES,
};
use sceau_core::dsse::PAYLOAD_TYPE_INTOTO;

use crate::args::CertifyArgs;
use crate::error::{CliError, CliResult};
use crate::keys::{load_secret, PassphraseSource};
use crate::output::{check_writable, write_atomic};
use crate::{render, settings};

fn input_err(e: impl Into<anyhow::Error>) -> CliError {
    CliError::input(e)
}

/// SHA-256 of a regular file, streamed.
fn sha256_of(path: &Path) -> Result<sceau_core::Sha256Digest, CliError> {
    let mut f = sceau_scan::hash::open_regular(path)
        .map_err(|e| input_err(anyhow!("cannot read evidence {}: {e}", path.display())))?;
    let mut h = sceau_scan::hash::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| input_err(anyhow!("cannot read evidence {}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finish())
}

fn evidence(items: &[String]) -> Result<Vec<Evidence>, CliError> {
    if items.len() > MAX_EVIDENCE {
        return Err(input_err(anyhow!(
            "{} --evidence items, over the limit of {MAX_EVIDENCE}",
            items.len()
        )));
    }
    items
        .iter()
        .map(|e| {
            if e.contains("://") {
                Evidence::url(e).map_err(input_err)
            } else {
                let p = Path::new(e);
                let name = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .ok_or_else(|| input_err(anyhow!("--evidence {e:?}: not a file name")))?
                    .to_owned();
                Ok(Evidence::File {
                    name,
                    sha256: sha256_of(p)?,
                })
            }
        })
        .collect()
}

/// Runs `sceau certify`.
pub fn run(args: &CertifyArgs) -> CliResult {
    check_writable(&args.output, args.force)?;
    let issued_at = settings::now()?;
    let expires_at = settings::parse_time("--expires", &args.expires)?;
    if expires_at <= issued_at {
        return Err(input_err(anyhow!(
            "--expires {} is not after the certification time {}",
            expires_at,
            issued_at
        )));
    }

    // The record: well formed, read without trusting it.
    let bytes = crate::input::read_record(&args.record)?;
    let rec = sceau_verify::record::read_unverified(&bytes).map_err(|e| {
        input_err(anyhow::Error::new(e).context(args.record.display().to_string()))
            .hint("RECORD must be a release record written by `sceau sign`")
    })?;
    if rec.envelope.signatures.is_empty() {
        return Err(input_err(anyhow!(
            "{}: the record carries no signature",
            args.record.display()
        )));
    }

    // The standard and what is attested.
    let std_bytes = crate::input::read_capped(&args.standard, MAX_STANDARD_BYTES, "standard")?;
    let standard = Standard::from_json(&std_bytes).map_err(|e| {
        input_err(anyhow::Error::new(e).context(args.standard.display().to_string()))
            .hint("see spec/attestations.md §1 and testdata/standards/ for the format")
    })?;
    let evidence = evidence(&args.evidence)?;
    let key = load_secret(
        &args.key,
        &PassphraseSource {
            file: args.pass.passphrase_file.clone(),
        },
    )?;
    let certifier = match &args.certifier_name {
        Some(n) => n.clone(),
        None => args
            .key
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("certifier")
            .to_owned(),
    };
    let cert = Certification {
        standard: &standard,
        standard_sha256: sceau_scan::hash::sha256(&std_bytes),
        requirements: args.requirements.clone(),
        level: args.level.clone(),
        evidence,
        release_name: rec.release.name.clone(),
        release_version: rec.release.version.clone(),
        record: rec.payload_sha256,
        certifier: certifier.clone(),
        key_id: key.key_id().to_string(),
        issued: issued_at.to_string(),
        expires: expires_at.to_string(),
    };
    let attested: Vec<String> = cert
        .attested_requirements()
        .map_err(|e| {
            input_err(e).hint(format!(
                "requirements of {}: {}{}",
                standard.id,
                standard
                    .requirements
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                if standard.levels.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; levels: {}",
                        standard
                            .levels
                            .iter()
                            .map(|l| l.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ))
        })?
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let statement = cert.to_statement().map_err(input_err)?;
    let env = sceau_sign::sign_envelope(PAYLOAD_TYPE_INTOTO, statement.to_payload(), &key)
        .map_err(|e| input_err(anyhow::Error::new(e)))?;
    let out = env.to_json();
    if out.len() > MAX_ATTESTATION_BYTES {
        return Err(input_err(anyhow!(
            "the attestation would be {} bytes, over the limit of {MAX_ATTESTATION_BYTES}",
            out.len()
        )));
    }
    write_atomic(&args.output, &out, args.force, None)?;

    let c = crate::input::clean;
    if args.json {
        render::print_json(&serde_json::json!({
            "attestation": args.output.display().to_string(),
            "certifier": certifier,
            "key_id": key.key_id().to_string(),
            "release": {"name": rec.release.name, "version": rec.release.version},
            "record_id": format!("sha256:{}", rec.payload_sha256),
            "standard": {"id": standard.id, "name": standard.name, "version": standard.version},
            "level": args.level,
            "requirements": attested,
            "issued": cert.issued,
            "expires": cert.expires,
        }))?;
    } else {
        outln!(
            "{} certifies {} {} against {} {} ({}): {}{}",
            c(&certifier),
            c(&rec.release.name),
            c(&rec.release.version),
            c(&standard.name),
            c(&standard.version),
            standard.id,
            attested.join(", "),
            args.level
                .as_ref()
                .map(|l| format!(" (level {l})"))
                .unwrap_or_default()
        );
        outln!(
            "  attests to the release record with payload sha256:{} only (not to the files, nor to any other record of this release)",
            rec.payload_sha256
        );
        outln!("  the record's signatures were NOT verified here; verifiers check them with `sceau verify`");
        outln!(
            "  valid until {}; signed by {} ({})",
            cert.expires,
            key.key_id(),
            args.key.display()
        );
        outln!("attestation written to {}", args.output.display());
    }
    Ok(0)
}
