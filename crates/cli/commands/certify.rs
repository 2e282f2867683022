//! `sceau certify`: a certifier signs what it checked about one release record, and the
//! `--require` / `--attestation` part of `sceau verify` (spec/attestations.md).
use std::io::Read;
use std::path::Path;

use anyhow::anyhow;
use sceau_attest::certify::{certify, CertifyError, CertifyRequest};
use sceau_attest::document::{Evidence, MAX_EVIDENCE, MAX_STANDARD_BYTES};

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
    let issued = settings::now()?;
    let expires = settings::parse_time("--expires", &args.expires)?;
    let record = crate::input::read_record(&args.record)?;
    let standard = crate::input::read_capped(&args.standard, MAX_STANDARD_BYTES, "standard")?;
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
    let done = certify(CertifyRequest {
        record: &record,
        standard: &standard,
        requirements: args.requirements.clone(),
        level: args.level.clone(),
        evidence,
        certifier: certifier.clone(),
        key: &key,
        issued,
        expires,
        override_computed: args.override_computed.clone(),
    })
    .map_err(|e| certify_error(args, e))?;
    write_atomic(&args.output, &done.attestation, args.force, None)?;

    let c = crate::input::clean;
    if args.json {
        render::print_json(&serde_json::json!({
            "attestation": args.output.display().to_string(),
            "certifier": certifier,
            "key_id": key.key_id().to_string(),
            "release": {"name": done.release_name, "version": done.release_version},
            "record_id": done.record,
            "standard": {"id": done.standard.id, "name": done.standard.name, "version": done.standard.version},
            "level": args.level,
            "requirements": done.attested,
            "overridden": done.overridden.iter().map(|(r, d)| serde_json::json!({"requirement": r, "computed": d})).collect::<Vec<_>>(),
            "issued": issued,
            "expires": expires,
        }))?;
    } else {
        let s = &done.standard;
        outln!(
            "{} certifies {} {} against {} {} ({}): {}{}",
            c(&certifier),
            c(&done.release_name),
            c(&done.release_version),
            c(&s.name),
            c(&s.version),
            s.id,
            done.attested.join(", "),
            args.level
                .as_ref()
                .map(|l| format!(" (level {l})"))
                .unwrap_or_default()
        );
        outln!(
            "  attests to the release record with payload {} only (not to the files, nor to any other record of this release)",
            done.record
        );
        outln!("  the record's signatures were NOT verified here; verifiers check them with `sceau verify`");
        for (r, d) in &done.overridden {
            outln!("  OVERRIDES the computation for {r}: {d} (reason recorded in the attestation)");
        }
        outln!(
            "  valid until {}; signed by {} ({})",
            expires,
            key.key_id(),
            args.key.display()
        );
        outln!("attestation written to {}", args.output.display());
    }
    Ok(0)
}

/// Each way certifying fails, with the flag or file to fix.
fn certify_error(args: &CertifyArgs, e: CertifyError) -> CliError {
    let hint = match &e {
        CertifyError::Record(_) | CertifyError::Unsigned => {
            Some("RECORD must be a release record written by `sceau sign`".to_owned())
        }
        CertifyError::Standard(_) => {
            Some("see spec/attestations.md §1 and testdata/standards/ for the format".to_owned())
        }
        CertifyError::Requirements(_) => Some(
            "give requirement ids or a level of the standard file (see its \"requirements\" and \"levels\")"
                .to_owned(),
        ),
        CertifyError::Computed { .. } => Some(
            "check the record with `sceau openness`; to attest anyway, give --override-computed \"REASON\" (the reason is recorded, and verifiers still see the disagreement)"
                .to_owned(),
        ),
        _ => None,
    };
    let context = match &e {
        CertifyError::Record(_) | CertifyError::Unsigned => args.record.display().to_string(),
        CertifyError::Standard(_) => args.standard.display().to_string(),
        _ => String::new(),
    };
    let err = if context.is_empty() {
        anyhow::Error::new(e)
    } else {
        anyhow::Error::new(e).context(context)
    };
    CliError::input(err).maybe_hint(hint)
}
