//! `sceau certify`: a certifier signs what it checked about one release record, and the
//! `--require` / `--attestation` part of `sceau verify` (spec/attestations.md).
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::Args;
use sceau_attest::{AttestationInput, Required, MAX_ATTESTATION_FILES, MAX_REQUIRED};
use sceau_core::attestation::{
    Certification, Evidence, Standard, MAX_ATTESTATION_BYTES, MAX_EVIDENCE, MAX_STANDARD_BYTES,
};
use sceau_core::dsse::PAYLOAD_TYPE_INTOTO;

use crate::args::PassArgs;
use crate::error::{CliError, CliResult};
use crate::keys::{load_secret, PassphraseSource};
use crate::output::{check_writable, write_atomic};
use crate::{render, settings};

/// `sceau certify`.
#[derive(Args, Debug)]
pub struct CertifyArgs {
    /// The release record to certify (a DSSE envelope written by `sceau sign`).
    ///
    /// It must be well formed; it is not verified under any trust here. The attestation names
    /// it by the SHA-256 of its signed payload, so it counts for this exact record only.
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,

    /// The certifier's secret key (same encodings as `sceau sign --key`). Verifiers count the
    /// attestation only if their trust policy lists this key as a certifier for the standard
    /// (`sceau policy init --certifier NAME=PUB:STD`).
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,

    /// The standard, as a JSON file (spec/attestations.md §1), e.g.
    /// testdata/standards/mof-openness.json. It is copied into the attestation.
    #[arg(long, value_name = "STD_FILE")]
    pub standard: PathBuf,

    /// Requirement ids of the standard that the release meets (one or more values, and
    /// repeatable). Each must exist in the standard file. Put RECORD before this option.
    #[arg(long = "requirement", value_name = "ID", num_args = 1..)]
    pub requirements: Vec<String>,

    /// A level of the standard (e.g. a MOF class) that the release reaches: every
    /// requirement of that level and the levels below it is attested.
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,

    /// What the assessment relied on: an http(s) URL, or a local file named in the
    /// attestation with its SHA-256 (its content is not embedded). One or more values,
    /// repeatable.
    #[arg(long = "evidence", value_name = "FILE_OR_URL", num_args = 1..)]
    pub evidence: Vec<String>,

    /// When the attestation stops counting (RFC 3339 or YYYY-MM-DD, midnight UTC). Required:
    /// certifications do not last forever.
    #[arg(long, value_name = "DATE")]
    pub expires: String,

    /// The certifier's name as written in the attestation (default: the key file's name).
    /// Verifiers name certifiers by the trust policy, not by this.
    #[arg(long = "certifier-name", value_name = "NAME")]
    pub certifier_name: Option<String>,

    /// Where to write the attestation (a DSSE envelope, JSON). Written atomically; never
    /// replaces an existing file without --force.
    #[arg(short = 'o', long = "output", value_name = "ATTESTATION")]
    pub output: PathBuf,

    /// Replace ATTESTATION if it exists.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub pass: PassArgs,

    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

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
    let expires_at = settings::parse_time(&args.expires).map_err(|e| {
        input_err(anyhow!("--expires {:?}: {e}", args.expires))
            .hint("use RFC 3339, e.g. 2027-01-31T00:00:00Z, or a date 2027-01-31")
    })?;
    if expires_at <= issued_at {
        return Err(input_err(anyhow!(
            "--expires {} is not after the certification time {}",
            settings::rfc3339(expires_at),
            settings::rfc3339(issued_at)
        )));
    }

    // The record: well formed, read without trusting it.
    let bytes = crate::commands::verify::read_record_file(&args.record)?;
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
        issued: settings::rfc3339(issued_at),
        expires: settings::rfc3339(expires_at),
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

// ----- verify --require / --attestation --------------------------------------------------------

/// The `--require` and `--attestation` of `sceau verify`, read before anything is verified.
pub struct Requirements {
    /// `--require`, parsed.
    pub required: Vec<Required>,
    files: Vec<(String, Vec<u8>)>,
}

impl Requirements {
    /// Parses `--require` and reads every `--attestation` file (exit 2 when one is
    /// unreadable or a `--require` is malformed).
    pub fn load(require: &[String], attestations: &[PathBuf]) -> Result<Requirements, CliError> {
        if require.len() > MAX_REQUIRED {
            return Err(input_err(anyhow!(
                "{} --require, over the limit of {MAX_REQUIRED}",
                require.len()
            )));
        }
        if attestations.len() > MAX_ATTESTATION_FILES {
            return Err(input_err(anyhow!(
                "{} --attestation files, over the limit of {MAX_ATTESTATION_FILES}",
                attestations.len()
            )));
        }
        let required = require
            .iter()
            .map(|r| {
                Required::parse(r).map_err(|e| {
                    input_err(anyhow::Error::new(e).context(format!("--require {r:?}")))
                        .hint("use STD or STD:REQUIREMENT, e.g. mof-openness:class-iii")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let files = attestations
            .iter()
            .map(|p| {
                Ok((
                    p.display().to_string(),
                    crate::input::read_capped(p, MAX_ATTESTATION_BYTES, "attestation")?,
                ))
            })
            .collect::<Result<Vec<_>, CliError>>()?;
        Ok(Requirements { required, files })
    }

    /// The attestation files, for the verifier.
    pub fn inputs(&self) -> Vec<AttestationInput<'_>> {
        self.files
            .iter()
            .map(|(label, bytes)| AttestationInput { label, bytes })
            .collect()
    }
}
