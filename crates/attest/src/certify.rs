//! `sceau certify` as one library call: a certifier attests requirements of a standard for one
//! exact release record, and may not attest what sceau computes the record fails
//! (spec/attestations.md §2, §2.5).
use sceau_claims::computed::computed;
use sceau_claims::openness::evaluate;
use sceau_core::claims::Inherited;
use sceau_core::dsse::PAYLOAD_TYPE_INTOTO;
use sceau_core::{RecordId, Timestamp};
use sceau_sign::{SecretKey, SignError};
use sceau_verify::record::{read_unverified, RecordError};

use crate::document::{AttestationError, Certification, Evidence, Standard, MAX_ATTESTATION_BYTES};

/// What to certify.
pub struct CertifyRequest<'a> {
    /// The release record's bytes (read, not verified: the attestation names this exact
    /// record; verifiers check its signatures).
    pub record: &'a [u8],
    /// The standard file's bytes.
    pub standard: &'a [u8],
    /// Requirement ids attested one by one.
    pub requirements: Vec<String>,
    /// A level: all its requirements are attested.
    pub level: Option<String>,
    /// What the assessment relied on.
    pub evidence: Vec<Evidence>,
    /// The certifier's name as written in the attestation.
    pub certifier: String,
    /// The certifier's key.
    pub key: &'a SecretKey,
    /// When the attestation is made.
    pub issued: Timestamp,
    /// When it stops counting.
    pub expires: Timestamp,
    /// `--override-computed REASON`: attest requirements the computation says the record
    /// fails, recording the reason for each.
    pub override_computed: Option<String>,
}

/// A signed attestation and what it says.
pub struct Certified {
    /// The DSSE envelope to write.
    pub attestation: Vec<u8>,
    /// The certified release.
    pub release_name: String,
    /// Its version.
    pub release_version: String,
    /// The certified record.
    pub record: RecordId,
    /// The standard.
    pub standard: Standard,
    /// The requirement ids attested.
    pub attested: Vec<String>,
    /// Requirements attested against the computation, with what sceau computed.
    pub overridden: Vec<(String, String)>,
}

/// Why nothing was certified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertifyError {
    /// The record is not a release record.
    #[error("the record is not a release record")]
    Record(#[source] RecordError),
    /// The record carries no signature.
    #[error("the record carries no signature")]
    Unsigned,
    /// The standard file is not a standard.
    #[error("the standard is not valid")]
    Standard(#[source] AttestationError),
    /// `expires` is not after `issued`.
    #[error("--expires {expires} is not after the certification time {issued}")]
    Expiry {
        /// When it was made.
        issued: Timestamp,
        /// When it would expire.
        expires: Timestamp,
    },
    /// The requirements or level given are not in the standard, or nothing is attested.
    #[error(transparent)]
    Requirements(AttestationError),
    /// sceau computes that the record fails a requirement the certifier attests.
    #[error(
        "{standard} requirement {requirement}: {detail}, so it cannot be attested for this record"
    )]
    Computed {
        /// The standard.
        standard: String,
        /// The requirement.
        requirement: String,
        /// What was computed.
        detail: String,
    },
    /// The attestation could not be written (a text too long, too much evidence).
    #[error(transparent)]
    Attestation(AttestationError),
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// Over the attestation size limit.
    #[error("the attestation would be {0} bytes, over the limit of {MAX_ATTESTATION_BYTES}")]
    TooLarge(usize),
}

/// Makes and signs the attestation (spec/attestations.md §2). Every requirement attested that
/// sceau computes (the MOF classes from the record's openness, without its lineage: verifiers
/// recompute with it) must be met, unless `override_computed` records why the certifier
/// disagrees.
pub fn certify(req: CertifyRequest<'_>) -> Result<Certified, CertifyError> {
    if req.expires <= req.issued {
        return Err(CertifyError::Expiry {
            issued: req.issued,
            expires: req.expires,
        });
    }
    let rec = read_unverified(req.record).map_err(CertifyError::Record)?;
    if rec.envelope.signatures.is_empty() {
        return Err(CertifyError::Unsigned);
    }
    let standard = Standard::from_json(req.standard).map_err(CertifyError::Standard)?;
    let mut cert = Certification {
        standard: &standard,
        standard_sha256: sceau_scan::hash::sha256(req.standard),
        requirements: req.requirements,
        level: req.level,
        evidence: req.evidence,
        release_name: rec.release.name.clone(),
        release_version: rec.release.version.clone(),
        record: rec.payload_sha256,
        certifier: req.certifier,
        key_id: req.key.key_id().to_string(),
        issued: req.issued.to_string(),
        expires: req.expires.to_string(),
        overrides: Vec::new(),
    };
    let attested: Vec<String> = cert
        .attested_requirements()
        .map_err(CertifyError::Requirements)?
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let openness = evaluate(&rec.release, &Inherited::default());
    let mut overridden = Vec::new();
    for r in &attested {
        let Some(c) = computed(&standard.id, r, &openness).filter(|c| !c.met) else {
            continue;
        };
        match &req.override_computed {
            None => {
                return Err(CertifyError::Computed {
                    standard: standard.id.clone(),
                    requirement: r.clone(),
                    detail: c.detail,
                })
            }
            Some(why) => {
                cert.overrides.push((r.clone(), why.clone()));
                overridden.push((r.clone(), c.detail));
            }
        }
    }
    let statement = cert.to_statement().map_err(CertifyError::Attestation)?;
    let env = sceau_sign::sign_envelope(PAYLOAD_TYPE_INTOTO, statement.to_payload(), req.key)?;
    let attestation = env.to_json();
    if attestation.len() > MAX_ATTESTATION_BYTES {
        return Err(CertifyError::TooLarge(attestation.len()));
    }
    Ok(Certified {
        attestation,
        release_name: rec.release.name,
        release_version: rec.release.version,
        record: RecordId(rec.payload_sha256),
        standard,
        attested,
        overridden,
    })
}
