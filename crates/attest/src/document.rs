//! Certification attestations (spec/attestations.md): standards as files, the CycloneDX 1.6
//! `declarations` + `definitions.standards` BOM a certifier signs, and reading one back.
//!
//! A certifier signs an in-toto Statement v1 whose only subject is the release record, named
//! `<release name>@<version>` and identified by the SHA-256 of the record's signed payload,
//! and whose predicate (`https://cyclonedx.org/bom`) is a CycloneDX 1.6 BOM saying which
//! requirements of which standard the release meets. This module builds and reads that
//! Statement; it does no I/O and no cryptography. Signatures, trust and expiry are checked by
//! `sceau-verify`.
use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use sceau_core::cyclonedx::{NS, SCHEMA_URI};
use sceau_core::digest::Sha256Digest;
use sceau_core::statement::{Statement, StatementError, PREDICATE_CYCLONEDX, STATEMENT_TYPE};

/// Largest standard file accepted, checked before parsing (spec/attestations.md §1.3).
pub const MAX_STANDARD_BYTES: usize = 1024 * 1024;
/// Largest attestation file (DSSE envelope) accepted, checked before parsing
/// (spec/attestations.md §3.1).
pub const MAX_ATTESTATION_BYTES: usize = 4 * 1024 * 1024;
/// Most requirements one standard may list.
pub const MAX_REQUIREMENTS: usize = 1024;
/// Most levels one standard may list.
pub const MAX_LEVELS: usize = 64;
/// Most evidence items one attestation may carry.
pub const MAX_EVIDENCE: usize = 64;
/// Longest standard, requirement or level id, in bytes.
pub const MAX_ID_BYTES: usize = 128;
/// Longest name, version, title or owner, in bytes.
pub const MAX_NAME_BYTES: usize = 1024;
/// Longest description or requirement text, in bytes.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;
/// Longest evidence URL or file name, in bytes.
pub const MAX_EVIDENCE_REF_BYTES: usize = 2048;

/// `sceau:attestation.standard`: the id of the standard attested.
pub const PROP_STANDARD: &str = "sceau:attestation.standard";
/// `sceau:attestation.standard.version`.
pub const PROP_STANDARD_VERSION: &str = "sceau:attestation.standard.version";
/// `sceau:attestation.standard.sha256`: SHA-256 of the standard file the certifier used.
pub const PROP_STANDARD_SHA256: &str = "sceau:attestation.standard.sha256";
/// `sceau:attestation.record`: `sha256:<hex>` of the release record's payload.
pub const PROP_RECORD: &str = "sceau:attestation.record";
/// `sceau:attestation.expires`: RFC 3339 time after which the attestation no longer counts.
pub const PROP_EXPIRES: &str = "sceau:attestation.expires";
/// `sceau:attestation.level`: the level of the standard attested, if any.
pub const PROP_LEVEL: &str = "sceau:attestation.level";
/// `sceau:attestation.certifier.keyid`: the key id of the certifier's key (a hint).
pub const PROP_KEYID: &str = "sceau:attestation.certifier.keyid";
/// `sceau:attestation.override-computed`: `REQUIREMENT: REASON`, once per requirement the
/// certifier attests although sceau computes that the record fails it (spec/attestations.md
/// §2.5).
pub const PROP_OVERRIDE: &str = "sceau:attestation.override-computed";

/// `bom-ref` of the certified release (`metadata.component`), the target of every claim.
pub const RELEASE_REF: &str = "release";
/// `bom-ref` of the assessor.
pub const ASSESSOR_REF: &str = "assessor";

/// Why a standard file, a certification request or an attestation payload is refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AttestationError {
    /// Over a size limit.
    #[error("{what} is {len} bytes, over the limit of {limit}")]
    TooLarge {
        /// What.
        what: &'static str,
        /// Its size.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Too many entries in a list.
    #[error("{what}: {count} entries, over the limit of {limit}")]
    TooMany {
        /// Which list.
        what: &'static str,
        /// How many.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON of the expected shape (unknown fields, duplicate keys, wrong types).
    #[error("{what} is not valid: {reason}")]
    Malformed {
        /// What was being read.
        what: &'static str,
        /// The parser's reason.
        reason: String,
    },
    /// An id breaks the id rules (spec/attestations.md §1.2).
    #[error("{what} {value:?} is not a valid id: {reason}")]
    InvalidId {
        /// Which id.
        what: &'static str,
        /// As written (truncated).
        value: String,
        /// Rule broken.
        reason: &'static str,
    },
    /// A text field breaks the text rules.
    #[error("{what}: {reason}")]
    InvalidText {
        /// Which field.
        what: String,
        /// Rule broken.
        reason: &'static str,
    },
    /// The same id twice.
    #[error("{what} {value:?} appears twice")]
    Duplicate {
        /// Which kind of id.
        what: &'static str,
        /// The id.
        value: String,
    },
    /// A requirement names a level the standard does not list.
    #[error("requirement {requirement:?} names level {level:?}, which the standard does not list")]
    UnknownLevel {
        /// Requirement id.
        requirement: String,
        /// The level named.
        level: String,
    },
    /// A requested requirement is not in the standard.
    #[error("standard {standard:?} has no requirement {requirement:?}")]
    UnknownRequirement {
        /// Standard id.
        standard: String,
        /// Requested id.
        requirement: String,
    },
    /// A requested level is not in the standard.
    #[error("standard {standard:?} has no level {level:?}")]
    NoSuchLevel {
        /// Standard id.
        standard: String,
        /// Requested level.
        level: String,
    },
    /// Nothing to attest.
    #[error("no requirement to attest: give --requirement ID or --level LEVEL")]
    NothingAttested,
    /// An evidence URL is not acceptable.
    #[error("evidence {0:?} is not an http(s) URL without spaces or control characters")]
    BadEvidenceUrl(String),
    /// The payload is not an in-toto Statement.
    #[error(transparent)]
    Statement(StatementError),
    /// The Statement is not an attestation sceau can read.
    #[error("not a sceau attestation: {0}")]
    NotAttestation(String),
}

fn truncated(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Checks an id of a standard, requirement or level (spec/attestations.md §1.2): 1 to
/// [`MAX_ID_BYTES`] bytes of ASCII letters, digits, `.`, `_`, `-` and `/`, starting with a
/// letter or digit. `:` is excluded because `--require STD:REQ` splits on it.
pub fn check_id(what: &'static str, s: &str) -> Result<(), AttestationError> {
    let err = |reason| AttestationError::InvalidId {
        what,
        value: truncated(s, 64),
        reason,
    };
    if s.is_empty() {
        return Err(err("empty"));
    }
    if s.len() > MAX_ID_BYTES {
        return Err(err("longer than 128 bytes"));
    }
    if !s.as_bytes()[0].is_ascii_alphanumeric() {
        return Err(err("does not start with a letter or digit"));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
    {
        return Err(err(
            "only ASCII letters, digits, '.', '_', '-' and '/' are allowed",
        ));
    }
    Ok(())
}

fn check_text(what: &str, s: &str, max: usize, multiline: bool) -> Result<(), AttestationError> {
    let err = |reason| AttestationError::InvalidText {
        what: what.to_owned(),
        reason,
    };
    if s.trim().is_empty() {
        return Err(err("empty"));
    }
    if s.len() > max {
        return Err(err("too long"));
    }
    if s.chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t')))
    {
        return Err(err("contains control characters"));
    }
    Ok(())
}

// ----- Standards ------------------------------------------------------------------------------

/// One level of a standard (e.g. a Model Openness Framework class).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    /// Identifier, unique in the standard.
    pub id: String,
    /// Short title.
    pub title: Option<String>,
    /// What the level means.
    pub description: Option<String>,
}

/// One requirement of a standard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// Identifier, unique in the standard.
    pub id: String,
    /// Short title.
    pub title: String,
    /// The requirement's text.
    pub text: String,
    /// The lowest level that needs it; `None`: every level needs it.
    pub level: Option<String>,
}

/// A standard read from a standard file (spec/attestations.md §1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standard {
    /// Identifier, as certifiers are scoped by it in the trust policy.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// What the standard is about.
    pub description: String,
    /// Who publishes it.
    pub owner: Option<String>,
    /// Levels, lowest first; cumulative.
    pub levels: Vec<Level>,
    /// Requirements, in file order.
    pub requirements: Vec<Requirement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStandard {
    id: String,
    name: String,
    version: String,
    description: String,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    levels: Vec<RawLevel>,
    requirements: Vec<RawRequirement>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawLevel {
    Id(String),
    Full(RawLevelFull),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevelFull {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    id: String,
    title: String,
    text: String,
    #[serde(default)]
    level: Option<String>,
}

impl Standard {
    /// Parses and checks a standard file (spec/attestations.md §1). The size is checked
    /// before parsing; unknown fields, duplicate keys and trailing data are refused.
    pub fn from_json(bytes: &[u8]) -> Result<Standard, AttestationError> {
        if bytes.len() > MAX_STANDARD_BYTES {
            return Err(AttestationError::TooLarge {
                what: "standard file",
                len: bytes.len(),
                limit: MAX_STANDARD_BYTES,
            });
        }
        let malformed = |reason: String| AttestationError::Malformed {
            what: "standard file",
            reason,
        };
        sceau_core::json::check_unique_keys(bytes).map_err(|e| malformed(e.0))?;
        let raw: RawStandard =
            serde_json::from_slice(bytes).map_err(|e| malformed(e.to_string()))?;
        let levels = raw
            .levels
            .into_iter()
            .map(|l| match l {
                RawLevel::Id(id) => Level {
                    id,
                    title: None,
                    description: None,
                },
                RawLevel::Full(f) => Level {
                    id: f.id,
                    title: f.title,
                    description: f.description,
                },
            })
            .collect();
        let requirements = raw
            .requirements
            .into_iter()
            .map(|r| Requirement {
                id: r.id,
                title: r.title,
                text: r.text,
                level: r.level,
            })
            .collect();
        let s = Standard {
            id: raw.id,
            name: raw.name,
            version: raw.version,
            description: raw.description,
            owner: raw.owner,
            levels,
            requirements,
        };
        s.check()?;
        Ok(s)
    }

    /// The checks of spec/attestations.md §1.2–§1.3.
    pub fn check(&self) -> Result<(), AttestationError> {
        check_id("standard id", &self.id)?;
        check_text("standard name", &self.name, MAX_NAME_BYTES, false)?;
        check_text("standard version", &self.version, MAX_NAME_BYTES, false)?;
        check_text(
            "standard description",
            &self.description,
            MAX_TEXT_BYTES,
            true,
        )?;
        if let Some(o) = &self.owner {
            check_text("standard owner", o, MAX_NAME_BYTES, false)?;
        }
        if self.levels.len() > MAX_LEVELS {
            return Err(AttestationError::TooMany {
                what: "levels",
                count: self.levels.len(),
                limit: MAX_LEVELS,
            });
        }
        if self.requirements.is_empty() {
            return Err(AttestationError::Malformed {
                what: "standard file",
                reason: "no requirements".into(),
            });
        }
        if self.requirements.len() > MAX_REQUIREMENTS {
            return Err(AttestationError::TooMany {
                what: "requirements",
                count: self.requirements.len(),
                limit: MAX_REQUIREMENTS,
            });
        }
        let mut seen = BTreeSet::new();
        for l in &self.levels {
            check_id("level id", &l.id)?;
            if let Some(t) = &l.title {
                check_text(&format!("level {} title", l.id), t, MAX_NAME_BYTES, false)?;
            }
            if let Some(d) = &l.description {
                check_text(
                    &format!("level {} description", l.id),
                    d,
                    MAX_TEXT_BYTES,
                    true,
                )?;
            }
            if !seen.insert(l.id.as_str()) {
                return Err(AttestationError::Duplicate {
                    what: "level",
                    value: l.id.clone(),
                });
            }
        }
        let mut seen = BTreeSet::new();
        for r in &self.requirements {
            check_id("requirement id", &r.id)?;
            check_text(
                &format!("requirement {} title", r.id),
                &r.title,
                MAX_NAME_BYTES,
                false,
            )?;
            check_text(
                &format!("requirement {} text", r.id),
                &r.text,
                MAX_TEXT_BYTES,
                true,
            )?;
            if !seen.insert(r.id.as_str()) {
                return Err(AttestationError::Duplicate {
                    what: "requirement",
                    value: r.id.clone(),
                });
            }
            if let Some(l) = &r.level {
                if !self.levels.iter().any(|x| x.id == *l) {
                    return Err(AttestationError::UnknownLevel {
                        requirement: r.id.clone(),
                        level: l.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The requirement called `id`.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    /// Every requirement a level needs, cumulatively: those of the level itself, of every
    /// lower level (listed before it), and those with no level (spec/attestations.md §1.1).
    /// `None` when the standard has no such level.
    pub fn level_requirements(&self, level: &str) -> Option<Vec<&Requirement>> {
        let pos = self.levels.iter().position(|l| l.id == level)?;
        Some(
            self.requirements
                .iter()
                .filter(|r| match &r.level {
                    None => true,
                    Some(l) => self.levels[..=pos].iter().any(|x| x.id == *l),
                })
                .collect(),
        )
    }

    /// `bom-ref` of this standard in an attestation.
    pub fn bom_ref(&self) -> String {
        standard_ref(&self.id)
    }

    /// This standard as a CycloneDX 1.6 `definitions.standards` entry.
    pub fn to_cyclonedx(&self) -> Value {
        let requirements: Vec<Value> = self
            .requirements
            .iter()
            .map(|r| {
                let mut o = Map::new();
                o.insert("bom-ref".into(), requirement_ref(&r.id).into());
                o.insert("identifier".into(), r.id.clone().into());
                o.insert("title".into(), r.title.clone().into());
                o.insert("text".into(), r.text.clone().into());
                if let Some(l) = &r.level {
                    o.insert(
                        "properties".into(),
                        json!([{"name": format!("{NS}requirement.level"), "value": l}]),
                    );
                }
                Value::Object(o)
            })
            .collect();
        let levels: Vec<Value> = self
            .levels
            .iter()
            .map(|l| {
                let mut o = Map::new();
                o.insert("bom-ref".into(), level_ref(&l.id).into());
                o.insert("identifier".into(), l.id.clone().into());
                if let Some(t) = &l.title {
                    o.insert("title".into(), t.clone().into());
                }
                if let Some(d) = &l.description {
                    o.insert("description".into(), d.clone().into());
                }
                let reqs: Vec<Value> = self
                    .level_requirements(&l.id)
                    .unwrap_or_default()
                    .iter()
                    .map(|r| requirement_ref(&r.id).into())
                    .collect();
                o.insert("requirements".into(), Value::Array(reqs));
                Value::Object(o)
            })
            .collect();
        let mut o = Map::new();
        o.insert("bom-ref".into(), self.bom_ref().into());
        o.insert("name".into(), self.name.clone().into());
        o.insert("version".into(), self.version.clone().into());
        o.insert("description".into(), self.description.clone().into());
        if let Some(owner) = &self.owner {
            o.insert("owner".into(), owner.clone().into());
        }
        o.insert("requirements".into(), Value::Array(requirements));
        if !levels.is_empty() {
            o.insert("levels".into(), Value::Array(levels));
        }
        Value::Object(o)
    }
}

/// `bom-ref` of a standard: `standard:<id>`.
pub fn standard_ref(id: &str) -> String {
    format!("standard:{id}")
}

/// `bom-ref` of a requirement: `requirement:<id>`.
pub fn requirement_ref(id: &str) -> String {
    format!("requirement:{id}")
}

/// `bom-ref` of a level: `level:<id>`.
pub fn level_ref(id: &str) -> String {
    format!("level:{id}")
}

fn claim_ref(id: &str) -> String {
    format!("claim:{id}")
}

// ----- Building an attestation -----------------------------------------------------------------

/// Something the certifier looked at, named in the attestation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// A local file, identified by its name and SHA-256 (its content is not embedded).
    File {
        /// File name (no folders).
        name: String,
        /// Its SHA-256.
        sha256: Sha256Digest,
    },
    /// A web resource.
    Url(String),
}

impl Evidence {
    /// An URL evidence, checked: `http(s)://`, no whitespace, control characters or
    /// characters an IRI may not hold.
    pub fn url(s: &str) -> Result<Evidence, AttestationError> {
        let ok = (s.starts_with("https://") || s.starts_with("http://"))
            && s.len() > "https://".len()
            && s.len() <= MAX_EVIDENCE_REF_BYTES
            && !s
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || "<>\"{}|\\^`".contains(c));
        if ok {
            Ok(Evidence::Url(s.to_owned()))
        } else {
            Err(AttestationError::BadEvidenceUrl(truncated(s, 200)))
        }
    }
}

/// Percent-encodes a file name into an IRI reference (RFC 3987): unreserved ASCII kept,
/// everything else `%XX`.
fn iri_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a certifier attests, before signing (spec/attestations.md §2).
#[derive(Clone, Debug)]
pub struct Certification<'a> {
    /// The standard, as read from its file.
    pub standard: &'a Standard,
    /// SHA-256 of the standard file.
    pub standard_sha256: Sha256Digest,
    /// Requirement ids given one by one (checked against the standard).
    pub requirements: Vec<String>,
    /// A level: all its requirements are attested too.
    pub level: Option<String>,
    /// What the certifier looked at.
    pub evidence: Vec<Evidence>,
    /// The certified release's name.
    pub release_name: String,
    /// The certified release's version.
    pub release_version: String,
    /// SHA-256 of the release record's payload: what is certified.
    pub record: Sha256Digest,
    /// The certifier's name (organisation).
    pub certifier: String,
    /// The certifier's key id (a hint, written in the BOM).
    pub key_id: String,
    /// When the attestation is made (RFC 3339, UTC).
    pub issued: String,
    /// When it stops counting (RFC 3339, UTC).
    pub expires: String,
    /// Requirements attested against sceau's computation, each with the certifier's reason
    /// (`--override-computed`).
    pub overrides: Vec<(String, String)>,
}

impl Certification<'_> {
    /// The requirement ids attested: those given, then those of the level, each once, in
    /// the standard's order. Every id is checked against the standard.
    pub fn attested_requirements(&self) -> Result<Vec<&Requirement>, AttestationError> {
        let mut wanted: BTreeSet<&str> = BTreeSet::new();
        for id in &self.requirements {
            if self.standard.requirement(id).is_none() {
                return Err(AttestationError::UnknownRequirement {
                    standard: self.standard.id.clone(),
                    requirement: id.clone(),
                });
            }
            wanted.insert(id);
        }
        if let Some(l) = &self.level {
            let reqs = self.standard.level_requirements(l).ok_or_else(|| {
                AttestationError::NoSuchLevel {
                    standard: self.standard.id.clone(),
                    level: l.clone(),
                }
            })?;
            wanted.extend(reqs.iter().map(|r| r.id.as_str()));
        }
        if wanted.is_empty() {
            return Err(AttestationError::NothingAttested);
        }
        Ok(self
            .standard
            .requirements
            .iter()
            .filter(|r| wanted.contains(r.id.as_str()))
            .collect())
    }

    /// The in-toto Statement the certifier signs (spec/attestations.md §2): one subject, the
    /// release record by the SHA-256 of its payload; the predicate a CycloneDX 1.6 BOM with
    /// `declarations` and `definitions.standards`.
    pub fn to_statement(&self) -> Result<Statement, AttestationError> {
        self.standard.check()?;
        check_text("certifier name", &self.certifier, MAX_NAME_BYTES, false)?;
        if self.evidence.len() > MAX_EVIDENCE {
            return Err(AttestationError::TooMany {
                what: "evidence",
                count: self.evidence.len(),
                limit: MAX_EVIDENCE,
            });
        }
        let reqs = self.attested_requirements()?;
        let std = self.standard;
        let record = format!("sha256:{}", self.record);
        let release = format!("{} {}", self.release_name, self.release_version);

        // Evidence: one declarations.evidence entry per item; files also as hashed external
        // references of every claim.
        let mut evidence = Vec::new();
        let mut ext_refs = Vec::new();
        for (i, e) in self.evidence.iter().enumerate() {
            let r = format!("evidence:{}", i + 1);
            match e {
                Evidence::File { name, sha256 } => {
                    check_text("evidence file name", name, MAX_EVIDENCE_REF_BYTES, false)?;
                    evidence.push(json!({
                        "bom-ref": r,
                        "propertyName": format!("{NS}evidence.file"),
                        "description": format!("file {name}, SHA-256 {sha256} (not embedded)"),
                        "data": [{"name": name}],
                        "created": self.issued,
                    }));
                    ext_refs.push(json!({
                        "type": "evidence",
                        "url": iri_path(name),
                        "comment": format!("evidence file {name}, identified by its SHA-256"),
                        "hashes": [{"alg": "SHA-256", "content": sha256.to_hex()}],
                    }));
                }
                Evidence::Url(u) => {
                    evidence.push(json!({
                        "bom-ref": r,
                        "propertyName": format!("{NS}evidence.url"),
                        "description": format!("resource at {u}"),
                        "data": [{"name": u, "contents": {"url": u}}],
                        "created": self.issued,
                    }));
                    ext_refs.push(json!({"type": "evidence", "url": u}));
                }
            }
        }
        let evidence_refs: Vec<Value> = evidence
            .iter()
            .map(|e| e["bom-ref"].clone())
            .collect::<Vec<_>>();

        let mut claims = Vec::new();
        let mut map = Vec::new();
        for r in &reqs {
            let mut claim = Map::new();
            claim.insert("bom-ref".into(), claim_ref(&r.id).into());
            claim.insert("target".into(), RELEASE_REF.into());
            claim.insert(
                "predicate".into(),
                format!(
                    "{release} meets requirement {} ({}) of {} {}",
                    r.id, r.title, std.name, std.version
                )
                .into(),
            );
            claim.insert(
                "reasoning".into(),
                format!(
                    "Assessed by {} on the release record {record}",
                    self.certifier
                )
                .into(),
            );
            if !evidence_refs.is_empty() {
                claim.insert("evidence".into(), Value::Array(evidence_refs.clone()));
                claim.insert("externalReferences".into(), Value::Array(ext_refs.clone()));
            }
            claims.push(Value::Object(claim));
            map.push(json!({
                "requirement": requirement_ref(&r.id),
                "claims": [claim_ref(&r.id)],
                "counterClaims": [],
                "conformance": {
                    "score": 1,
                    "rationale": format!(
                        "{} found that {release} (record {record}) meets {} {}",
                        self.certifier, std.id, r.id
                    ),
                    "mitigationStrategies": [],
                },
                "confidence": {
                    "score": 1,
                    "rationale": format!("assessed by {}", self.certifier),
                },
            }));
        }

        let summary = match &self.level {
            Some(l) => format!(
                "{} attests that {release} reaches level {l} of {} {} ({} requirement(s))",
                self.certifier,
                std.name,
                std.version,
                reqs.len()
            ),
            None => format!(
                "{} attests that {release} meets {} requirement(s) of {} {}",
                self.certifier,
                reqs.len(),
                std.name,
                std.version
            ),
        };

        let mut props = vec![
            prop(PROP_STANDARD, &std.id),
            prop(PROP_STANDARD_VERSION, &std.version),
            prop(PROP_STANDARD_SHA256, self.standard_sha256.to_hex()),
            prop(PROP_RECORD, &record),
            prop(PROP_EXPIRES, &self.expires),
        ];
        if let Some(l) = &self.level {
            props.push(prop(PROP_LEVEL, l));
        }
        props.push(prop(PROP_KEYID, &self.key_id));
        for (req, reason) in &self.overrides {
            check_text("override reason", reason, MAX_NAME_BYTES, false)?;
            props.push(prop(PROP_OVERRIDE, format!("{req}: {reason}")));
        }

        let mut declarations = Map::new();
        declarations.insert(
            "assessors".into(),
            json!([{
                "bom-ref": ASSESSOR_REF,
                "thirdParty": true,
                "organization": {"name": self.certifier},
            }]),
        );
        declarations.insert(
            "attestations".into(),
            json!([{"summary": summary, "assessor": ASSESSOR_REF, "map": map}]),
        );
        declarations.insert("claims".into(), Value::Array(claims));
        if !evidence.is_empty() {
            declarations.insert("evidence".into(), Value::Array(evidence));
        }
        declarations.insert(
            "affirmation".into(),
            json!({
                "statement": format!(
                    "{} affirms the attestations above for the release record {record} of {release}, valid until {}",
                    self.certifier, self.expires
                ),
                "signatories": [{
                    "name": self.certifier,
                    "role": "certifier",
                    "organization": {"name": self.certifier},
                    "externalReference": {
                        "type": "digital-signature",
                        "url": format!("urn:sceau:keyid:{}", iri_path(&self.key_id)),
                        "comment": "ed25519 signature on the DSSE envelope that carries this BOM",
                    },
                }],
            }),
        );

        let bom = json!({
            "$schema": SCHEMA_URI,
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "version": 1,
            "metadata": {
                "timestamp": self.issued,
                "tools": {"components": [{
                    "type": "application",
                    "name": "sceau",
                    "version": sceau_core::TOOL_VERSION,
                }]},
                "component": {
                    "type": "machine-learning-model",
                    "bom-ref": RELEASE_REF,
                    "name": self.release_name,
                    "version": self.release_version,
                    "properties": [prop("sceau:release.record", &record)],
                },
                "properties": props,
            },
            "declarations": declarations,
            "definitions": {"standards": [std.to_cyclonedx()]},
        });
        Ok(Statement {
            type_: STATEMENT_TYPE.into(),
            subject: vec![sceau_core::statement::Subject {
                name: format!("{}@{}", self.release_name, self.release_version),
                digest: [("sha256".to_owned(), self.record.to_hex())].into(),
            }],
            predicate_type: PREDICATE_CYCLONEDX.into(),
            predicate: bom,
        })
    }
}

fn prop(name: &str, value: impl ToString) -> Value {
    json!({"name": name, "value": value.to_string()})
}

// ----- Reading an attestation -----------------------------------------------------------------

/// A requirement an attestation maps to claims.
#[derive(Clone, Debug, PartialEq)]
pub struct AttestedRequirement {
    /// Requirement id (`identifier` in the standard).
    pub id: String,
    /// `conformance.score`, if present.
    pub conformance: Option<f64>,
}

/// What a (verified) attestation payload says (spec/attestations.md §3.2).
#[derive(Clone, Debug, PartialEq)]
pub struct AttestationContent {
    /// SHA-256 of the release record's payload: the only subject's digest.
    pub record: Sha256Digest,
    /// The subject's name (`<name>@<version>`).
    pub subject_name: String,
    /// Release name (`metadata.component.name`).
    pub release_name: String,
    /// Release version.
    pub release_version: String,
    /// Standard id.
    pub standard: String,
    /// Standard name.
    pub standard_name: String,
    /// Standard version.
    pub standard_version: String,
    /// Level attested, if any.
    pub level: Option<String>,
    /// Requirements of the standard that the attestation maps, in order.
    pub requirements: Vec<AttestedRequirement>,
    /// `sceau:attestation.expires` as written (RFC 3339; checked by the verifier).
    pub expires: String,
    /// `metadata.timestamp` as written.
    pub issued: Option<String>,
    /// The assessor's organisation name, as written.
    pub assessor: Option<String>,
    /// Requirements the certifier attests against sceau's computation, with the reason
    /// (`sceau:attestation.override-computed`).
    pub overrides: Vec<(String, String)>,
}

fn not(msg: impl Into<String>) -> AttestationError {
    AttestationError::NotAttestation(msg.into())
}

fn one_prop(props: &[Value], name: &str) -> Result<Option<String>, AttestationError> {
    let vals: Vec<&str> = props
        .iter()
        .filter(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .map(|p| p.get("value").and_then(Value::as_str).unwrap_or_default())
        .collect();
    match vals.as_slice() {
        [] => Ok(None),
        [v] => Ok(Some((*v).to_owned())),
        _ => Err(not(format!("property {name} appears {} times", vals.len()))),
    }
}

impl AttestationContent {
    /// Reads an attestation from a payload's bytes: a strict in-toto Statement v1 with the
    /// CycloneDX predicate type, exactly one subject with a SHA-256, and a CycloneDX 1.6 BOM
    /// whose `sceau:attestation.*` properties, `definitions.standards` entry and
    /// `declarations.attestations` agree (spec/attestations.md §3.2). Call it on verified
    /// bytes only.
    pub fn from_payload(payload: &[u8]) -> Result<AttestationContent, AttestationError> {
        if payload.len() > MAX_ATTESTATION_BYTES {
            return Err(AttestationError::TooLarge {
                what: "attestation payload",
                len: payload.len(),
                limit: MAX_ATTESTATION_BYTES,
            });
        }
        let st = Statement::from_slice(payload).map_err(AttestationError::Statement)?;
        st.expect_predicate(PREDICATE_CYCLONEDX)
            .map_err(AttestationError::Statement)?;
        let [subject] = st.subject.as_slice() else {
            return Err(not(format!(
                "{} subjects, an attestation has exactly one",
                st.subject.len()
            )));
        };
        let record: Sha256Digest = subject
            .digest
            .get("sha256")
            .and_then(|h| h.parse().ok())
            .ok_or_else(|| not("the subject has no valid sha256 digest"))?;
        let bom = &st.predicate;
        if bom.get("bomFormat").and_then(Value::as_str) != Some("CycloneDX")
            || bom.get("specVersion").and_then(Value::as_str) != Some("1.6")
        {
            return Err(not("predicate is not a CycloneDX 1.6 BOM"));
        }
        let meta = bom
            .get("metadata")
            .ok_or_else(|| not("BOM has no metadata"))?;
        let props = meta
            .get("properties")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let standard = one_prop(props, PROP_STANDARD)?
            .ok_or_else(|| not(format!("BOM has no {PROP_STANDARD} property")))?;
        check_id("standard id", &standard)?;
        let expires = one_prop(props, PROP_EXPIRES)?
            .ok_or_else(|| not(format!("BOM has no {PROP_EXPIRES} property")))?;
        let prop_record = one_prop(props, PROP_RECORD)?
            .ok_or_else(|| not(format!("BOM has no {PROP_RECORD} property")))?;
        if prop_record != format!("sha256:{record}") {
            return Err(not(format!(
                "{PROP_RECORD} {prop_record:?} differs from the subject digest sha256:{record}"
            )));
        }
        let level = one_prop(props, PROP_LEVEL)?;
        let mut overrides: Vec<(String, String)> = Vec::new();
        for p in props
            .iter()
            .filter(|p| p.get("name").and_then(Value::as_str) == Some(PROP_OVERRIDE))
        {
            let v = p.get("value").and_then(Value::as_str).unwrap_or_default();
            let Some((req, reason)) = v.split_once(": ") else {
                return Err(not(format!(
                    "{PROP_OVERRIDE} {:?} is not REQUIREMENT: REASON",
                    truncated(v, 60)
                )));
            };
            check_id("requirement id", req)?;
            if overrides.iter().any(|(r, _)| r == req) {
                return Err(not(format!("{PROP_OVERRIDE} for {req} appears twice")));
            }
            overrides.push((req.to_owned(), reason.to_owned()));
        }
        let component = meta
            .get("component")
            .ok_or_else(|| not("BOM has no metadata.component (the certified release)"))?;
        let release_name = component
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| not("metadata.component has no name"))?
            .to_owned();
        let release_version = component
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();

        // The standard's definition: exactly one entry with the standard's bom-ref.
        let sref = standard_ref(&standard);
        let defs: Vec<&Value> = bom
            .pointer("/definitions/standards")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter(|s| s.get("bom-ref").and_then(Value::as_str) == Some(&sref))
                    .collect()
            })
            .unwrap_or_default();
        let [def] = defs.as_slice() else {
            return Err(not(format!(
                "definitions.standards has {} entries with bom-ref {sref:?}, expected one",
                defs.len()
            )));
        };
        let std_reqs: Vec<(&str, &str)> = def
            .get("requirements")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|r| {
                        Some((
                            r.get("bom-ref").and_then(Value::as_str)?,
                            r.get("identifier").and_then(Value::as_str)?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if std_reqs.len() > MAX_REQUIREMENTS {
            return Err(AttestationError::TooMany {
                what: "requirements",
                count: std_reqs.len(),
                limit: MAX_REQUIREMENTS,
            });
        }

        // Requirements mapped by the attestations; refs outside this standard are ignored
        // (ignoring can only remove what is attested, never add).
        let mut requirements: Vec<AttestedRequirement> = Vec::new();
        let decl_attestations = bom
            .pointer("/declarations/attestations")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for a in decl_attestations {
            for m in a
                .get("map")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let Some(rref) = m.get("requirement").and_then(Value::as_str) else {
                    continue;
                };
                let Some((_, id)) = std_reqs.iter().find(|(r, _)| *r == rref) else {
                    continue;
                };
                // A score is a number from 0 to 1 (CycloneDX `conformance.score`); anything
                // else, or a second entry for the same requirement, is ambiguous: refused
                // (spec/attestations.md §2.4).
                let conformance = match m.pointer("/conformance/score") {
                    None => None,
                    Some(v) => match v.as_f64() {
                        Some(x) if (0.0..=1.0).contains(&x) => Some(x),
                        _ => {
                            return Err(AttestationError::Malformed {
                                what: "conformance.score",
                                reason: format!(
                                    "{} for requirement {id} is not a number from 0 to 1",
                                    truncated(&v.to_string(), 40)
                                ),
                            })
                        }
                    },
                };
                if requirements.iter().any(|r| r.id == *id) {
                    return Err(AttestationError::Malformed {
                        what: "declarations.attestations",
                        reason: format!("requirement {id} is mapped twice: ambiguous"),
                    });
                }
                requirements.push(AttestedRequirement {
                    id: (*id).to_owned(),
                    conformance,
                });
            }
        }
        let assessor = bom
            .pointer("/declarations/assessors")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|a| a.pointer("/organization/name"))
            .and_then(Value::as_str)
            .map(|s| truncated(s, 128));
        Ok(AttestationContent {
            record,
            subject_name: subject.name.clone(),
            release_name,
            release_version,
            standard,
            standard_name: def
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            standard_version: def
                .get("version")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            level,
            requirements,
            overrides,
            expires,
            issued: meta
                .get("timestamp")
                .and_then(Value::as_str)
                .map(str::to_owned),
            assessor,
        })
    }

    /// Whether requirement `id` is attested with full conformance (score 1).
    pub fn attests(&self, id: &str) -> Option<&AttestedRequirement> {
        self.requirements.iter().find(|r| r.id == id)
    }
}

/// Reads the assessor's name from a payload that has NOT been verified, for messages about
/// an untrusted signer only. Never used for a decision.
pub fn claimed_assessor(payload: &[u8]) -> Option<String> {
    if payload.len() > MAX_ATTESTATION_BYTES {
        return None;
    }
    let v: Value = serde_json::from_slice(payload).ok()?;
    v.pointer("/predicate/declarations/assessors/0/organization/name")
        .and_then(Value::as_str)
        .map(|s| {
            truncated(s, 128)
                .chars()
                .filter(|c| !c.is_control())
                .collect()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STD: &str = r#"{
        "id": "mof-openness",
        "name": "Model Openness Framework",
        "version": "1.0",
        "description": "Openness classes",
        "levels": ["III", {"id": "II", "title": "Open Tooling"}, "I"],
        "requirements": [
            {"id": "class-iii", "title": "Open model", "text": "weights, architecture", "level": "III"},
            {"id": "class-ii", "title": "Open tooling", "text": "training code", "level": "II"},
            {"id": "class-i", "title": "Open science", "text": "datasets", "level": "I"}
        ]
    }"#;

    fn digest(n: u8) -> Sha256Digest {
        Sha256Digest([n; 32])
    }

    fn cert(std: &Standard) -> Certification<'_> {
        Certification {
            standard: std,
            standard_sha256: digest(9),
            requirements: vec!["class-iii".into()],
            level: None,
            evidence: vec![
                Evidence::File {
                    name: "audit report.pdf".into(),
                    sha256: digest(3),
                },
                Evidence::url("https://example.org/audit").unwrap(),
            ],
            release_name: "org/m".into(),
            release_version: "1.0".into(),
            record: digest(1),
            certifier: "Example Audit".into(),
            key_id: "0123456789abcdef".into(),
            issued: "2026-01-01T00:00:00Z".into(),
            expires: "2027-01-01T00:00:00Z".into(),
            overrides: Vec::new(),
        }
    }

    #[test]
    fn parses_a_standard_and_its_cumulative_levels() {
        let s = Standard::from_json(STD.as_bytes()).unwrap();
        assert_eq!(s.levels[1].title.as_deref(), Some("Open Tooling"));
        let ids = |l| -> Vec<String> {
            s.level_requirements(l)
                .unwrap()
                .iter()
                .map(|r| r.id.clone())
                .collect()
        };
        assert_eq!(ids("III"), ["class-iii"]);
        assert_eq!(ids("II"), ["class-iii", "class-ii"]);
        assert_eq!(ids("I"), ["class-iii", "class-ii", "class-i"]);
        assert!(s.level_requirements("IV").is_none());
    }

    #[test]
    fn refuses_bad_standards() {
        let base: Value = serde_json::from_str(STD).unwrap();
        let mut cases: Vec<Value> = Vec::new();
        let mut v = base.clone();
        v["extra"] = 1.into();
        cases.push(v);
        let mut v = base.clone();
        v["id"] = "has space".into();
        cases.push(v);
        let mut v = base.clone();
        v["id"] = "std:x".into();
        cases.push(v);
        let mut v = base.clone();
        v["requirements"][1]["id"] = "class-iii".into();
        cases.push(v);
        let mut v = base.clone();
        v["requirements"][0]["level"] = "IV".into();
        cases.push(v);
        let mut v = base.clone();
        v["requirements"] = json!([]);
        cases.push(v);
        let mut v = base.clone();
        v["name"] = "a\u{1b}[31m".into();
        cases.push(v);
        let mut v = base.clone();
        v["requirements"][0]["surprise"] = true.into();
        cases.push(v);
        for c in cases {
            assert!(
                Standard::from_json(c.to_string().as_bytes()).is_err(),
                "{c}"
            );
        }
        let dup = STD.replacen(
            "\"version\": \"1.0\",",
            "\"version\": \"1.0\", \"version\": \"2\",",
            1,
        );
        assert!(Standard::from_json(dup.as_bytes()).is_err());
        let big = vec![b' '; MAX_STANDARD_BYTES + 1];
        assert!(matches!(
            Standard::from_json(&big),
            Err(AttestationError::TooLarge { .. })
        ));
    }

    #[test]
    fn builds_and_reads_back_an_attestation() {
        let s = Standard::from_json(STD.as_bytes()).unwrap();
        let st = cert(&s).to_statement().unwrap();
        assert_eq!(st.subject[0].name, "org/m@1.0");
        let back = AttestationContent::from_payload(&st.to_payload()).unwrap();
        assert_eq!(back.record, digest(1));
        assert_eq!(back.standard, "mof-openness");
        assert_eq!(back.expires, "2027-01-01T00:00:00Z");
        assert_eq!(back.assessor.as_deref(), Some("Example Audit"));
        assert_eq!(
            back.requirements,
            vec![AttestedRequirement {
                id: "class-iii".into(),
                conformance: Some(1.0)
            }]
        );
        assert_eq!(
            st.predicate["declarations"]["claims"][0]["externalReferences"][0]["url"],
            "audit%20report.pdf"
        );
    }

    #[test]
    fn a_level_attests_every_requirement_up_to_it() {
        let s = Standard::from_json(STD.as_bytes()).unwrap();
        let mut c = cert(&s);
        c.requirements.clear();
        c.level = Some("II".into());
        let back =
            AttestationContent::from_payload(&c.to_statement().unwrap().to_payload()).unwrap();
        let ids: Vec<&str> = back.requirements.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["class-iii", "class-ii"]);
        assert_eq!(back.level.as_deref(), Some("II"));
    }

    #[test]
    fn refuses_unknown_requirements_and_levels() {
        let s = Standard::from_json(STD.as_bytes()).unwrap();
        let mut c = cert(&s);
        c.requirements = vec!["class-zero".into()];
        assert!(matches!(
            c.to_statement(),
            Err(AttestationError::UnknownRequirement { .. })
        ));
        c.requirements.clear();
        assert!(matches!(
            c.to_statement(),
            Err(AttestationError::NothingAttested)
        ));
        c.level = Some("IV".into());
        assert!(matches!(
            c.to_statement(),
            Err(AttestationError::NoSuchLevel { .. })
        ));
        assert!(Evidence::url("file:///etc/passwd").is_err());
        assert!(Evidence::url("https://a b").is_err());
    }

    #[test]
    fn reading_refuses_inconsistent_attestations() {
        let s = Standard::from_json(STD.as_bytes()).unwrap();
        let st = cert(&s).to_statement().unwrap();
        let mut two = st.clone();
        two.subject.push(two.subject[0].clone());
        assert!(AttestationContent::from_payload(&two.to_payload()).is_err());
        let mut other = st.clone();
        other.subject[0]
            .digest
            .insert("sha256".into(), digest(2).to_hex());
        assert!(AttestationContent::from_payload(&other.to_payload()).is_err());
        let mut noexp = st.clone();
        let props = noexp.predicate["metadata"]["properties"]
            .as_array_mut()
            .unwrap();
        props.retain(|p| p["name"] != PROP_EXPIRES);
        assert!(AttestationContent::from_payload(&noexp.to_payload()).is_err());
        let mut record = st.clone();
        record.predicate_type = "https://slsa.dev/provenance/v1".into();
        assert!(AttestationContent::from_payload(&record.to_payload()).is_err());
    }

    #[test]
    fn a_partial_conformance_is_read_as_written() {
        let s = Standard::from_json(STD.as_bytes()).unwrap();
        let mut st = cert(&s).to_statement().unwrap();
        st.predicate["declarations"]["attestations"][0]["map"][0]["conformance"]["score"] =
            json!(0.5);
        let back = AttestationContent::from_payload(&st.to_payload()).unwrap();
        assert_eq!(back.attests("class-iii").unwrap().conformance, Some(0.5));
    }
}
