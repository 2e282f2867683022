//! Required certifications: `sceau verify --require STD[:REQ] --attestation FILE`
//! (spec/attestations.md §3).
//!
//! Pure: attestation bytes, the policy's certifiers and the verification time in, one outcome
//! per attestation file and per requirement out. An attestation counts for a requirement only
//! if, in this order:
//!
//! 1. a certifier of the trust policy signed it (`verify_strict` over the DSSE PAE, threshold
//!    1, keyids only hints); with `--key` trust there are no certifiers;
//! 2. the verified payload is a sceau attestation ([`AttestationContent`]) of the required
//!    standard;
//! 3. that certifier's policy entry lists the standard;
//! 4. its only subject is this record (the SHA-256 of its payload);
//! 5. it was made no later than the verification time (plus clock skew) and has not expired;
//! 6. it attests the requirement (if one is named) with full conformance (score 1), or, with
//!    no requirement named, at least one requirement of the standard.
//!
//! Nothing here can turn a failed check into a passed one: a requirement passes only when
//! some attestation passes every step; everything else is a failed check with its reason.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod certify;
pub mod document;

use sceau_claims::computed::computed;
use sceau_claims::openness::OpennessReport;
use sceau_core::Timestamp;
use std::fmt;

use crate::document::{
    check_id, claimed_assessor, AttestationContent, AttestationError, MAX_ATTESTATION_BYTES,
};
use sceau_core::dsse::{Envelope, PAYLOAD_TYPE_INTOTO};
use sceau_core::Sha256Digest;
use serde::Serialize;

use sceau_verify::policy::{Certifier, WindowCheck};
use sceau_verify::record::MAX_FUTURE_SKEW;
use sceau_verify::report::{CheckId, Outcome, Report};
use sceau_verify::threshold::count_signers;
use sceau_verify::trust::Exclusion;

/// Most `--attestation` files one verification reads.
pub const MAX_ATTESTATION_FILES: usize = 256;
/// Most `--require` entries one verification checks.
pub const MAX_REQUIRED: usize = 256;
/// Most signatures one attestation may carry: each is tried against every certifier key, so
/// this bounds the work an attestation file can cause (spec/attestations.md §3.2).
pub const MAX_ATTESTATION_SIGNATURES: usize = 16;

/// A `--require STD[:REQ]`: a standard, and optionally one of its requirements.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Required {
    /// Standard id.
    pub standard: String,
    /// Requirement id; `None`: any requirement of the standard.
    pub requirement: Option<String>,
}

impl Required {
    /// Parses `STD` or `STD:REQ`; both are ids as spec/attestations.md §1.2 defines them.
    pub fn parse(s: &str) -> Result<Required, AttestationError> {
        let (std, req) = match s.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        check_id("standard id", std)?;
        if let Some(r) = req {
            check_id("requirement id", r)?;
        }
        Ok(Required {
            standard: std.to_owned(),
            requirement: req.map(str::to_owned),
        })
    }
}

impl fmt::Display for Required {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.requirement {
            Some(r) => write!(f, "{}:{r}", self.standard),
            None => f.write_str(&self.standard),
        }
    }
}

/// One `--attestation` file's bytes and how to name it in messages.
#[derive(Clone, Copy, Debug)]
pub struct AttestationInput<'a> {
    /// The file name as given.
    pub label: &'a str,
    /// Its content.
    pub bytes: &'a [u8],
}

/// What one attestation file turned out to be, before any requirement is looked at.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum FileStatus {
    /// Not a DSSE envelope of an in-toto Statement, or a verified payload that is not an
    /// attestation sceau can read.
    Malformed {
        /// Why.
        reason: String,
    },
    /// No certifier is trusted at all (`--key` trust).
    NoCertifiers {
        /// The assessor named by the unverified payload.
        claimed: Option<String>,
    },
    /// No policy certifier signed it.
    Untrusted {
        /// The assessor named by the unverified payload (for the message only).
        claimed: Option<String>,
        /// The key ids its signatures claim (hints, unverified).
        keyids: Vec<String>,
    },
    /// A signature names a certifier's key id but does not verify: altered or corrupted.
    BadSignature {
        /// How many signatures failed.
        invalid: usize,
    },
    /// Signed only by policy certifiers whose validity window does not contain the
    /// attestation's time, or signed by windowed certifiers and carrying no valid time
    /// (spec/policy.md §2.9).
    OutsideWindow {
        /// Each such certifier, `name (key id): why`.
        certifiers: Vec<String>,
    },
    /// Signed by at least one policy certifier; payload read.
    Verified {
        /// The certifiers that signed, by their policy names.
        certifiers: Vec<String>,
        /// The standards those certifiers may certify, together.
        #[serde(skip)]
        scope: Vec<(String, Vec<String>)>,
        /// What the attestation says.
        #[serde(skip)]
        content: Box<AttestationContent>,
        /// Standard id (for JSON).
        standard: String,
        /// Record digest (for JSON).
        record: String,
        /// Expiry as written (for JSON).
        expires: String,
    },
}

/// The outcome for one attestation file.
#[derive(Clone, Debug, Serialize)]
pub struct FileOutcome {
    /// The file as given.
    pub file: String,
    /// What it is.
    #[serde(flatten)]
    pub status: FileStatus,
    /// The standard the unverified payload names (used to pick messages only).
    #[serde(skip)]
    claimed_standard: Option<String>,
}

/// The outcome for one `--require`.
#[derive(Clone, Debug, Serialize)]
pub struct RequirementOutcome {
    /// What was required.
    pub required: Required,
    /// Whether some attestation satisfies it.
    pub passed: bool,
    /// Why (the attestation that counted, or every reason none did).
    pub detail: String,
}

/// Every file and requirement outcome of one verification.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ClaimsOutcome {
    /// One per `--attestation` file, in order.
    pub files: Vec<FileOutcome>,
    /// One per `--require`, in order.
    pub requirements: Vec<RequirementOutcome>,
}

/// How far an attestation got for a requirement; the highest rank's reasons are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    OtherStandard,
    Unverified,
    Scope,
    OtherRecord,
    Time,
    Requirement,
    Computed,
}

fn claimed_standard(payload: &[u8]) -> Option<String> {
    if payload.len() > MAX_ATTESTATION_BYTES {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(payload).ok()?;
    v.pointer("/predicate/metadata/properties")?
        .as_array()?
        .iter()
        .find(|p| p.get("name").and_then(|n| n.as_str()) == Some(crate::document::PROP_STANDARD))
        .and_then(|p| p.get("value")?.as_str())
        .map(str::to_owned)
}

fn who(claimed: &Option<String>) -> String {
    match claimed {
        Some(n) => format!("{n:?}"),
        None => "(unnamed)".into(),
    }
}

/// Reads and authenticates one attestation file against the certifiers (steps 1–2).
pub fn open_attestation(
    input: &AttestationInput<'_>,
    certifiers: Option<&[Certifier]>,
) -> FileOutcome {
    let out = |status, claimed_standard| FileOutcome {
        file: input.label.to_owned(),
        status,
        claimed_standard,
    };
    if input.bytes.len() > MAX_ATTESTATION_BYTES {
        return out(
            FileStatus::Malformed {
                reason: format!(
                    "{} bytes, over the limit of {MAX_ATTESTATION_BYTES}",
                    input.bytes.len()
                ),
            },
            None,
        );
    }
    let env = match Envelope::from_json(input.bytes) {
        Ok(e) => e,
        Err(e) => {
            return out(
                FileStatus::Malformed {
                    reason: e.to_string(),
                },
                None,
            )
        }
    };
    if env.payload_type != PAYLOAD_TYPE_INTOTO {
        return out(
            FileStatus::Malformed {
                reason: format!(
                    "payloadType is {:?}, expected {PAYLOAD_TYPE_INTOTO:?}",
                    env.payload_type.chars().take(100).collect::<String>()
                ),
            },
            None,
        );
    }
    if env.signatures.len() > MAX_ATTESTATION_SIGNATURES {
        return out(
            FileStatus::Malformed {
                reason: format!(
                    "{} signatures, over the limit of {MAX_ATTESTATION_SIGNATURES}",
                    env.signatures.len()
                ),
            },
            None,
        );
    }
    let claimed_std = claimed_standard(&env.payload);
    let Some(certifiers) = certifiers else {
        return out(
            FileStatus::NoCertifiers {
                claimed: claimed_assessor(&env.payload),
            },
            claimed_std,
        );
    };
    let keys: Vec<(String, sceau_sign::PublicKey)> =
        certifiers.iter().map(|c| (c.name.clone(), c.key)).collect();
    let count = count_signers(&env, &keys);
    if count.distinct() == 0 {
        if count.invalid_signatures > 0 {
            return out(
                FileStatus::BadSignature {
                    invalid: count.invalid_signatures,
                },
                claimed_std,
            );
        }
        return out(
            FileStatus::Untrusted {
                claimed: claimed_assessor(&env.payload),
                keyids: env
                    .signatures
                    .iter()
                    .map(|s| s.keyid.chars().take(64).collect())
                    .collect(),
            },
            claimed_std,
        );
    }
    // Only the verified bytes are parsed from here on.
    let content = match AttestationContent::from_payload(&env.payload) {
        Ok(c) => c,
        Err(e) => {
            return out(
                FileStatus::Malformed {
                    reason: format!("signed by a certifier, but {e}"),
                },
                None,
            )
        }
    };
    // A certifier counts only for attestations made inside its window (spec/policy.md §2.9).
    let issued = content
        .issued
        .as_deref()
        .and_then(|t| Timestamp::parse_rfc3339(t).ok());
    let mut outside = Vec::new();
    let mut counted = Vec::new();
    for s in &count.valid {
        let window = certifiers
            .iter()
            .find(|c| c.name == s.name)
            .map(|c| c.window)
            .unwrap_or_default();
        match window.check(issued) {
            WindowCheck::Inside => counted.push((s.name.clone(), s.key_id)),
            check => outside.push(format!("{s}: {}", Exclusion::Window { window, check })),
        }
    }
    if counted.is_empty() {
        return out(
            FileStatus::OutsideWindow {
                certifiers: outside,
            },
            claimed_std,
        );
    }
    let names: Vec<String> = counted.iter().map(|(n, _)| n.clone()).collect();
    let scope = certifiers
        .iter()
        .filter(|c| names.contains(&c.name))
        .map(|c| (c.name.clone(), c.standards.clone()))
        .collect();
    let described = counted
        .iter()
        .map(|(n, id)| format!("{n} ({id})"))
        .collect();
    out(
        FileStatus::Verified {
            certifiers: described,
            scope,
            standard: content.standard.clone(),
            record: format!("sha256:{}", content.record),
            expires: content.expires.clone(),
            content: Box::new(content),
        },
        None,
    )
}

/// Decides one requirement against one file (steps 2–6). `Ok` carries the pass detail.
fn decide(
    file: &FileOutcome,
    req: &Required,
    record: &Sha256Digest,
    now: Timestamp,
    openness: Option<&OpennessReport>,
) -> Result<String, (Rank, String)> {
    let other_std = |claimed: &Option<String>| claimed.as_ref().is_some_and(|s| *s != req.standard);
    match &file.status {
        FileStatus::Malformed { .. } => Err((Rank::OtherStandard, String::new())),
        FileStatus::NoCertifiers { claimed } => {
            let rank = if other_std(&file.claimed_standard) {
                Rank::OtherStandard
            } else {
                Rank::Unverified
            };
            Err((
                rank,
                format!(
                    "certifier {} is not trusted: no trust policy was given, and --key trusts no certifier",
                    who(claimed)
                ),
            ))
        }
        FileStatus::Untrusted { claimed, keyids } => {
            let rank = if other_std(&file.claimed_standard) {
                Rank::OtherStandard
            } else {
                Rank::Unverified
            };
            Err((
                rank,
                format!(
                    "certifier {} (key id {}) is not trusted: no certifier of the policy signed it",
                    who(claimed),
                    if keyids.is_empty() {
                        "none".to_owned()
                    } else {
                        keyids.join(", ")
                    }
                ),
            ))
        }
        FileStatus::OutsideWindow { certifiers } => Err((
            if other_std(&file.claimed_standard) {
                Rank::OtherStandard
            } else {
                Rank::Unverified
            },
            format!(
                "signed by certifier(s) whose key does not count for it: {}",
                certifiers.join("; ")
            ),
        )),
        FileStatus::BadSignature { invalid } => Err((
            Rank::Unverified,
            format!(
                "{invalid} signature(s) by a certifier's key id do not verify: the attestation was altered or corrupted"
            ),
        )),
        FileStatus::Verified {
            certifiers,
            scope,
            content,
            ..
        } => {
            if content.standard != req.standard {
                return Err((
                    Rank::OtherStandard,
                    format!("attests {}, not {}", content.standard, req.standard),
                ));
            }
            let in_scope: Vec<&str> = scope
                .iter()
                .filter(|(_, stds)| stds.contains(&req.standard))
                .map(|(n, _)| n.as_str())
                .collect();
            if in_scope.is_empty() {
                let names: Vec<&str> = scope.iter().map(|(n, _)| n.as_str()).collect();
                return Err((
                    Rank::Scope,
                    format!(
                        "certifier {} is not trusted for standard {} (the policy lets it certify: {})",
                        names.join(", "),
                        req.standard,
                        scope
                            .iter()
                            .flat_map(|(_, s)| s.iter().map(String::as_str))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            if content.record != *record {
                return Err((
                    Rank::OtherRecord,
                    format!(
                        "attestation is for another record (sha256:{}), not this one (sha256:{record})",
                        content.record
                    ),
                ));
            }
            if let Some(issued) = &content.issued {
                match Timestamp::parse_rfc3339(issued) {
                    Ok(t) if t > now.saturating_add(MAX_FUTURE_SKEW) => {
                        return Err((
                            Rank::Time,
                            format!(
                                "attestation was made at {issued}, after the verification time {}",
                                now
                            ),
                        ))
                    }
                    Ok(_) => {}
                    Err(_) => {
                        return Err((
                            Rank::Time,
                            format!("attestation time {issued:?} is not RFC 3339"),
                        ))
                    }
                }
            }
            let expires = match Timestamp::parse_rfc3339(&content.expires) {
                Ok(t) => t,
                Err(_) => {
                    return Err((
                        Rank::Time,
                        format!(
                            "attestation expiry {:?} is not RFC 3339",
                            content.expires
                        ),
                    ))
                }
            };
            if now >= expires {
                return Err((
                    Rank::Time,
                    format!(
                        "attestation expired at {} (verification time {})",
                        expires,
                        now
                    ),
                ));
            }
            let what = match &req.requirement {
                Some(r) => match content.attests(r) {
                    None => {
                        return Err((
                            Rank::Requirement,
                            format!(
                                "requirement {r} not attested (it attests: {})",
                                list_attested(content)
                            ),
                        ))
                    }
                    Some(a) => match a.conformance {
                        None => {
                            return Err((
                                Rank::Requirement,
                                format!("requirement {r} not attested: no conformance given"),
                            ))
                        }
                        Some(s) if s < 1.0 => {
                            return Err((
                                Rank::Requirement,
                                format!(
                                    "requirement {r} not attested: conformance {s}, full conformance (1) needed"
                                ),
                            ))
                        }
                        Some(_) => {
                            disagreement(content, &req.standard, r, openness, certifiers)?;
                            format!("requirement {r}")
                        }
                    },
                },
                None => {
                    let attested: Vec<&str> = content
                        .requirements
                        .iter()
                        .filter(|a| a.conformance.is_some_and(|s| s >= 1.0))
                        .map(|a| a.id.as_str())
                        .collect();
                    // Only those the computation does not contradict count.
                    let mut contradicted = None;
                    let full: Vec<&str> = attested
                        .iter()
                        .copied()
                        .filter(|r| {
                            match disagreement(content, &req.standard, r, openness, certifiers) {
                                Ok(()) => true,
                                Err(e) => {
                                    contradicted.get_or_insert(e);
                                    false
                                }
                            }
                        })
                        .collect();
                    if let (true, Some(e)) = (full.is_empty(), contradicted) {
                        return Err(e);
                    }
                    if full.is_empty() {
                        return Err((
                            Rank::Requirement,
                            format!(
                                "no requirement of {} attested with full conformance",
                                req.standard
                            ),
                        ));
                    }
                    format!("requirement(s) {}", full.join(", "))
                }
            };
            Ok(format!(
                "{what} of {} {} attested by certifier {} in {}{}, for this record, expires {}",
                content.standard_name,
                content.standard_version,
                certifiers.join(", "),
                file.file,
                content
                    .level
                    .as_ref()
                    .map(|l| format!(" (level {l})"))
                    .unwrap_or_default(),
                expires
            ))
        }
    }
}

/// When sceau computes `requirement` of `standard` and the record fails it, the attestation
/// and the computation disagree: the requirement is not met, naming both and the certifier's
/// override reason, if any (spec/attestations.md §3.5).
fn disagreement(
    content: &AttestationContent,
    standard: &str,
    requirement: &str,
    openness: Option<&OpennessReport>,
    certifiers: &[String],
) -> Result<(), (Rank, String)> {
    let Some(c) = openness.and_then(|o| computed(standard, requirement, o)) else {
        return Ok(());
    };
    if c.met {
        return Ok(());
    }
    let overridden = content
        .overrides
        .iter()
        .find(|(r, _)| r == requirement)
        .map(|(_, why)| format!(" (the certifier overrode the computation: {why:?})"))
        .unwrap_or_default();
    Err((
        Rank::Computed,
        format!(
            "requirement {requirement} is attested by certifier {}, but {}: the attestation \
             and the computation disagree{overridden}",
            certifiers.join(", "),
            c.detail
        ),
    ))
}

fn list_attested(c: &AttestationContent) -> String {
    if c.requirements.is_empty() {
        "nothing".into()
    } else {
        c.requirements
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Checks every required standard or requirement against the attestation files
/// (spec/attestations.md §3). `certifiers` is `None` without a trust policy. `record` is the
/// SHA-256 of the verified record's payload.
pub fn check_required(
    record: &Sha256Digest,
    required: &[Required],
    files: &[AttestationInput<'_>],
    certifiers: Option<&[Certifier]>,
    now: Timestamp,
    openness: Option<&OpennessReport>,
) -> ClaimsOutcome {
    let files: Vec<FileOutcome> = files
        .iter()
        .map(|f| open_attestation(f, certifiers))
        .collect();
    let requirements = required
        .iter()
        .map(|req| {
            let mut best: Option<Rank> = None;
            let mut reasons: Vec<String> = Vec::new();
            for f in &files {
                match decide(f, req, record, now, openness) {
                    Ok(detail) => {
                        return RequirementOutcome {
                            required: req.clone(),
                            passed: true,
                            detail,
                        }
                    }
                    Err((rank, reason)) => {
                        if reason.is_empty() {
                            continue;
                        }
                        let reason = format!("{}: {reason}", f.file);
                        match best {
                            Some(b) if rank < b => {}
                            Some(b) if rank == b => reasons.push(reason),
                            _ => {
                                best = Some(rank);
                                reasons = vec![reason];
                            }
                        }
                    }
                }
            }
            let detail = match best {
                None if files.is_empty() => {
                    "no attestation given (pass --attestation FILE)".to_owned()
                }
                None => format!("no attestation for standard {}", req.standard),
                Some(Rank::OtherStandard) => format!(
                    "no attestation for standard {} ({})",
                    req.standard,
                    reasons.join("; ")
                ),
                Some(_) => reasons.join("; "),
            };
            RequirementOutcome {
                required: req.clone(),
                passed: false,
                detail,
            }
        })
        .collect();
    ClaimsOutcome {
        files,
        requirements,
    }
}

impl ClaimsOutcome {
    /// Adds the checks to a report, stage `claims`: one `attestation` check per file (failed
    /// when it is malformed or altered, skipped when no certifier of the policy signed it),
    /// then one `require:STD[:REQ]` check per requirement.
    pub fn report(&self, report: &mut Report) {
        for f in &self.files {
            match &f.status {
                FileStatus::Malformed { reason } => report.fail(
                    CheckId::Attestation,
                    format!("{}: not a valid attestation: {reason}", f.file),
                ),
                FileStatus::BadSignature { invalid } => report.fail(
                    CheckId::Attestation,
                    format!(
                        "{}: {invalid} signature(s) do not verify: altered or corrupted",
                        f.file
                    ),
                ),
                FileStatus::NoCertifiers { claimed } => report.skip(
                    CheckId::Attestation,
                    format!(
                        "{}: not counted: certifier {} is not trusted (no trust policy)",
                        f.file,
                        who(claimed)
                    ),
                ),
                FileStatus::OutsideWindow { certifiers } => report.skip(
                    CheckId::Attestation,
                    format!(
                        "{}: not counted: signed outside the certifier's validity window: {}",
                        f.file,
                        certifiers.join("; ")
                    ),
                ),
                FileStatus::Untrusted { claimed, .. } => report.skip(
                    CheckId::Attestation,
                    format!(
                        "{}: not counted: certifier {} is not trusted by the policy",
                        f.file,
                        who(claimed)
                    ),
                ),
                FileStatus::Verified {
                    certifiers,
                    content,
                    ..
                } => report.pass(
                    CheckId::Attestation,
                    format!(
                        "{}: signed by certifier {}; {} {} for record sha256:{}, expires {}",
                        f.file,
                        certifiers.join(", "),
                        content.standard,
                        content.standard_version,
                        content.record,
                        content.expires
                    ),
                ),
            }
        }
        for r in &self.requirements {
            let outcome = if r.passed {
                Outcome::Pass
            } else {
                Outcome::Fail
            };
            report.push_about(
                CheckId::Require,
                r.required.to_string(),
                outcome,
                r.detail.clone(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Certification, Standard};
    use sceau_sign::{sign_envelope, SecretKey};

    const STD: &str = r#"{"id": "mof-openness", "name": "MOF", "version": "1.0",
        "description": "d", "levels": ["III", "II"],
        "requirements": [
            {"id": "class-iii", "title": "t", "text": "x", "level": "III"},
            {"id": "class-ii", "title": "t", "text": "x", "level": "II"}]}"#;

    fn key(n: u8) -> SecretKey {
        SecretKey::from_seed(&[n; 32])
    }

    fn at(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    fn record() -> Sha256Digest {
        Sha256Digest([1; 32])
    }

    fn attestation(signer: &SecretKey, record: Sha256Digest, expires: &str) -> Vec<u8> {
        let std = Standard::from_json(STD.as_bytes()).unwrap();
        let st = Certification {
            standard: &std,
            standard_sha256: Sha256Digest([0; 32]),
            requirements: vec!["class-iii".into()],
            level: None,
            evidence: vec![],
            release_name: "org/m".into(),
            release_version: "1".into(),
            record,
            certifier: "Audit".into(),
            key_id: signer.key_id().to_string(),
            issued: "2026-01-01T00:00:00Z".into(),
            expires: expires.into(),
            overrides: Vec::new(),
        }
        .to_statement()
        .unwrap();
        sign_envelope(PAYLOAD_TYPE_INTOTO, st.to_payload(), signer)
            .unwrap()
            .to_json()
    }

    fn certifier(k: &SecretKey, stds: &[&str]) -> Certifier {
        Certifier {
            name: "auditor".into(),
            key: k.public(),
            comment: None,
            standards: stds.iter().map(|s| (*s).to_owned()).collect(),
            window: Default::default(),
        }
    }

    fn one(bytes: &[u8], certs: Option<&[Certifier]>, req: &str, now: &str) -> RequirementOutcome {
        let out = check_required(
            &record(),
            &[Required::parse(req).unwrap()],
            &[AttestationInput {
                label: "a.json",
                bytes,
            }],
            certs,
            at(now),
            None,
        );
        out.requirements.into_iter().next().unwrap()
    }

    const NOW: &str = "2026-06-01T00:00:00Z";
    const EXP: &str = "2027-01-01T00:00:00Z";

    #[test]
    fn a_valid_attestation_passes() {
        let k = key(1);
        let c = [certifier(&k, &["mof-openness"])];
        let a = attestation(&k, record(), EXP);
        let r = one(&a, Some(&c), "mof-openness:class-iii", NOW);
        assert!(r.passed, "{}", r.detail);
        assert!(
            r.detail.contains("attested by certifier auditor"),
            "{}",
            r.detail
        );
        assert!(one(&a, Some(&c), "mof-openness", NOW).passed);
    }

    /// (attestation, certifiers, --require, verification time, expected phrase).
    type Case<'a> = (Vec<u8>, Option<&'a [Certifier]>, &'a str, &'a str, &'a str);

    #[test]
    fn each_bad_attestation_is_refused_with_its_reason() {
        let k = key(1);
        let c = [certifier(&k, &["mof-openness"])];
        let good = attestation(&k, record(), EXP);
        let cases: Vec<Case<'_>> = vec![
            (
                attestation(&key(2), record(), EXP),
                Some(&c),
                "mof-openness:class-iii",
                NOW,
                "is not trusted",
            ),
            (
                good.clone(),
                None,
                "mof-openness:class-iii",
                NOW,
                "--key trusts no certifier",
            ),
            (
                attestation(&k, Sha256Digest([2; 32]), EXP),
                Some(&c),
                "mof-openness:class-iii",
                NOW,
                "attestation is for another record (sha256:0202",
            ),
            (
                good.clone(),
                Some(&c),
                "mof-openness:class-iii",
                "2027-02-01T00:00:00Z",
                "attestation expired at 2027-01-01T00:00:00Z",
            ),
            (
                good.clone(),
                Some(&c),
                "mof-openness:class-ii",
                NOW,
                "requirement class-ii not attested",
            ),
            (
                good.clone(),
                Some(&c),
                "eu-ai-act-gpai",
                NOW,
                "no attestation for standard eu-ai-act-gpai",
            ),
            (
                good.clone(),
                Some(&c),
                "mof-openness:class-iii",
                "2025-06-01T00:00:00Z",
                "after the verification time",
            ),
            (
                b"not json".to_vec(),
                Some(&c),
                "mof-openness",
                NOW,
                "no attestation",
            ),
        ];
        for (bytes, certs, req, now, phrase) in cases {
            let r = one(&bytes, certs, req, now);
            assert!(!r.passed, "{phrase}");
            assert!(r.detail.contains(phrase), "{:?} lacks {phrase:?}", r.detail);
        }
        let scoped = [certifier(&k, &["eu-ai-act-gpai"])];
        let r = one(&good, Some(&scoped), "mof-openness:class-iii", NOW);
        assert!(!r.passed);
        assert!(
            r.detail
                .contains("certifier auditor is not trusted for standard mof-openness"),
            "{}",
            r.detail
        );
    }

    #[test]
    fn an_altered_attestation_is_refused() {
        let k = key(1);
        let c = [certifier(&k, &["mof-openness"])];
        let mut env = Envelope::from_json(&attestation(&k, record(), EXP)).unwrap();
        let i = env.payload.len() / 2;
        env.payload[i] ^= 1;
        let out = check_required(
            &record(),
            &[Required::parse("mof-openness:class-iii").unwrap()],
            &[AttestationInput {
                label: "a.json",
                bytes: &env.to_json(),
            }],
            Some(&c),
            at(NOW),
            None,
        );
        assert!(!out.requirements[0].passed);
        assert!(out.requirements[0].detail.contains("do not verify"));
        let mut rep = Report::default();
        out.report(&mut rep);
        assert!(!rep.passed());
    }

    #[test]
    fn no_attestation_and_one_good_among_bad() {
        let k = key(1);
        let c = [certifier(&k, &["mof-openness"])];
        let req = [Required::parse("mof-openness:class-iii").unwrap()];
        let none = check_required(&record(), &req, &[], Some(&c), at(NOW), None);
        assert!(!none.requirements[0].passed);
        assert!(none.requirements[0].detail.contains("no attestation"));
        let bad = attestation(&key(2), record(), EXP);
        let good = attestation(&k, record(), EXP);
        let both = check_required(
            &record(),
            &req,
            &[
                AttestationInput {
                    label: "bad",
                    bytes: &bad,
                },
                AttestationInput {
                    label: "good",
                    bytes: &good,
                },
            ],
            Some(&c),
            at(NOW),
            None,
        );
        assert!(both.requirements[0].passed);
        let mut rep = Report::default();
        both.report(&mut rep);
        assert!(
            rep.passed(),
            "an untrusted extra attestation is skipped, not failed"
        );
    }

    #[test]
    fn parses_required() {
        assert_eq!(
            Required::parse("mof-openness:class-iii")
                .unwrap()
                .requirement
                .as_deref(),
            Some("class-iii")
        );
        assert!(Required::parse("mof-openness")
            .unwrap()
            .requirement
            .is_none());
        for bad in ["", ":x", "a:", "a b", "a:b:c"] {
            assert!(Required::parse(bad).is_err(), "{bad}");
        }
    }
}
