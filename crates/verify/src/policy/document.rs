//! The policy document: its JSON form, the checks every policy passes, and writing it back
//! (spec/policy.md §2–§3).

use sceau_core::Timestamp;
use std::collections::HashMap;

use sceau_sign::{KeyId, PublicKey};
use serde::{Deserialize, Serialize};

use super::error::truncated;
use super::{KeyWindow, PolicyError, ReleasePattern, MAX_POLICY_BYTES, POLICY_TYPE};

/// Most maintainers a policy may list (spec/policy.md §3.1).
pub const MAX_MAINTAINERS: usize = 64;
/// Most certifiers a policy may list (spec/policy.md §3.1).
pub const MAX_CERTIFIERS: usize = 64;
/// Most standards one certifier may certify (spec/policy.md §3.1).
pub const MAX_STANDARDS: usize = 64;
/// Most entries of `revoked` (spec/policy.md §3.1).
pub const MAX_REVOKED: usize = 1024;
/// Most release scopes (spec/policy.md §3.1).
pub const MAX_RELEASE_SCOPES: usize = 256;
/// Longest name or standard id, in bytes (spec/policy.md §3.2).
pub const MAX_NAME_BYTES: usize = 128;

/// A maintainer: a person or role, and the key they sign with (spec/policy.md §2.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Maintainer {
    /// Name, unique among maintainers; release scopes refer to it.
    pub name: String,
    /// The maintainer's key, which passed the load checks of spec/keys.md §1.2.
    pub key: PublicKey,
    /// The comment of the key line, kept so that the line is written back as it was.
    pub comment: Option<String>,
    /// The signing times for which the key counts (spec/policy.md §2.9); unbounded by default.
    pub window: KeyWindow,
}

/// A certifier: a key trusted to certify that a release meets the listed standards
/// (spec/policy.md §2.7). Used by claims verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certifier {
    /// Name, unique among certifiers.
    pub name: String,
    /// The certifier's key, which passed the load checks of spec/keys.md §1.2.
    pub key: PublicKey,
    /// The comment of the key line.
    pub comment: Option<String>,
    /// Identifiers of the standards this certifier may certify, at least one.
    pub standards: Vec<String>,
    /// The attestation times for which the key counts (spec/policy.md §2.9).
    pub window: KeyWindow,
}

/// Which maintainers may sign releases whose name matches a pattern, and how many of them
/// must (spec/policy.md §7.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseScope {
    /// The release names the scope covers.
    pub pattern: ReleasePattern,
    /// Names of maintainers (from the policy's `maintainers`) trusted for these releases.
    pub maintainers: Vec<String>,
    /// How many distinct non-revoked ones of them must sign.
    pub threshold: usize,
}

/// The content of a policy before its checks: build one, then make it a
/// [`PolicyDocument`] with [`PolicyDocument::new`] (spec/policy.md §2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyParts {
    /// Version, from 1; each update is the previous version plus 1.
    pub version: u64,
    /// When the policy stops being valid.
    pub expires: Timestamp,
    /// How many distinct non-revoked maintainers must sign (releases and the next policy).
    pub threshold: usize,
    /// Maintainers, in the order written.
    pub maintainers: Vec<Maintainer>,
    /// Key ids of revoked keys; a revoked key counts nowhere.
    pub revoked: Vec<KeyId>,
    /// Certifiers and the standards each may certify.
    pub certifiers: Vec<Certifier>,
    /// Release scopes; empty means every maintainer may sign every release.
    pub releases: Vec<ReleaseScope>,
}

/// A policy document that passed every check of spec/policy.md §3. It is not yet trusted:
/// trust comes from [`super::verify_root`] or [`super::verify_chain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDocument {
    parts: PolicyParts,
    /// `expires` as written in RFC 3339.
    expires_text: String,
}

// ----- JSON form (spec/policy.md §2) --------------------------------------------------------

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(rename = "_type")]
    type_: String,
    version: u64,
    expires: String,
    threshold: u64,
    maintainers: Vec<RawMaintainer>,
    revoked: Vec<String>,
    certifiers: Vec<RawCertifier>,
    releases: Vec<RawScope>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMaintainer {
    name: String,
    key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    valid_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    valid_until: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCertifier {
    name: String,
    key: String,
    standards: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    valid_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    valid_until: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    pattern: String,
    maintainers: Vec<String>,
    threshold: u64,
}

impl PolicyDocument {
    /// Checks `parts` (spec/policy.md §3) and makes them a document.
    pub fn new(parts: PolicyParts) -> Result<PolicyDocument, PolicyError> {
        let expires_text = parts.expires.to_string();
        check(&parts)?;
        Ok(PolicyDocument {
            parts,
            expires_text,
        })
    }

    /// Parses and checks a policy payload (spec/policy.md §2–§3). The size is checked before
    /// parsing. No signature is checked: the result is not trusted.
    pub fn from_payload(payload: &[u8]) -> Result<PolicyDocument, PolicyError> {
        if payload.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::TooLarge {
                what: "payload",
                len: payload.len(),
                limit: MAX_POLICY_BYTES,
            });
        }
        let raw: RawPolicy = serde_json::from_slice(payload)
            .map_err(|e| PolicyError::Malformed(sceau_core::json::locate(e, payload)))?;
        if raw.type_ != POLICY_TYPE {
            return Err(PolicyError::WrongType {
                found: truncated(&raw.type_, 200),
            });
        }
        if raw.version == 0 {
            return Err(PolicyError::VersionZero);
        }
        let expires =
            Timestamp::parse_rfc3339(&raw.expires).map_err(|e| PolicyError::InvalidExpires {
                value: truncated(&raw.expires, 80),
                source: Some(e),
            })?;
        limit("maintainers", raw.maintainers.len(), MAX_MAINTAINERS)?;
        limit("certifiers", raw.certifiers.len(), MAX_CERTIFIERS)?;
        limit("revoked keys", raw.revoked.len(), MAX_REVOKED)?;
        limit("release scopes", raw.releases.len(), MAX_RELEASE_SCOPES)?;

        let maintainers = raw
            .maintainers
            .into_iter()
            .map(|m| {
                let (key, comment) = parse_key("maintainer", &m.name, &m.key)?;
                let window = KeyWindow::from_fields(
                    &m.name,
                    m.valid_from.as_deref(),
                    m.valid_until.as_deref(),
                )?;
                Ok(Maintainer {
                    name: m.name,
                    key,
                    comment,
                    window,
                })
            })
            .collect::<Result<Vec<_>, PolicyError>>()?;
        let revoked = raw
            .revoked
            .iter()
            .map(|entry| parse_revoked(entry))
            .collect::<Result<Vec<_>, PolicyError>>()?;
        let certifiers = raw
            .certifiers
            .into_iter()
            .map(|c| {
                let (key, comment) = parse_key("certifier", &c.name, &c.key)?;
                let window = KeyWindow::from_fields(
                    &c.name,
                    c.valid_from.as_deref(),
                    c.valid_until.as_deref(),
                )?;
                Ok(Certifier {
                    name: c.name,
                    key,
                    comment,
                    standards: c.standards,
                    window,
                })
            })
            .collect::<Result<Vec<_>, PolicyError>>()?;
        let releases = raw
            .releases
            .into_iter()
            .map(|s| {
                let pattern = ReleasePattern::parse(&s.pattern)?;
                Ok(ReleaseScope {
                    threshold: to_usize(s.threshold),
                    pattern,
                    maintainers: s.maintainers,
                })
            })
            .collect::<Result<Vec<_>, PolicyError>>()?;
        let parts = PolicyParts {
            version: raw.version,
            expires,
            threshold: to_usize(raw.threshold),
            maintainers,
            revoked,
            certifiers,
            releases,
        };
        check(&parts)?;
        Ok(PolicyDocument {
            parts,
            expires_text: raw.expires,
        })
    }

    /// The payload to sign: pretty JSON in the field order of spec/policy.md §2, keys as
    /// sceau one-line keys, ending in a newline.
    pub fn to_payload(&self) -> Vec<u8> {
        let p = &self.parts;
        let raw = RawPolicy {
            type_: POLICY_TYPE.to_owned(),
            version: p.version,
            expires: self.expires_text.clone(),
            threshold: p.threshold as u64,
            maintainers: p
                .maintainers
                .iter()
                .map(|m| {
                    let (valid_from, valid_until) = m.window.to_fields();
                    RawMaintainer {
                        name: m.name.clone(),
                        key: m.key.to_sceau_line(m.comment.as_deref()),
                        valid_from,
                        valid_until,
                    }
                })
                .collect(),
            revoked: p.revoked.iter().map(KeyId::to_string).collect(),
            certifiers: p
                .certifiers
                .iter()
                .map(|c| {
                    let (valid_from, valid_until) = c.window.to_fields();
                    RawCertifier {
                        name: c.name.clone(),
                        key: c.key.to_sceau_line(c.comment.as_deref()),
                        standards: c.standards.clone(),
                        valid_from,
                        valid_until,
                    }
                })
                .collect(),
            releases: p
                .releases
                .iter()
                .map(|s| RawScope {
                    pattern: s.pattern.as_str().to_owned(),
                    maintainers: s.maintainers.clone(),
                    threshold: s.threshold as u64,
                })
                .collect(),
        };
        // Serializing strings and integers into memory cannot fail.
        let mut out = serde_json::to_vec_pretty(&raw).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// The checked content.
    pub fn parts(&self) -> &PolicyParts {
        &self.parts
    }

    /// The content, to edit into the next version (then check it again with
    /// [`PolicyDocument::new`]).
    pub fn into_parts(self) -> PolicyParts {
        self.parts
    }

    /// The version.
    pub fn version(&self) -> u64 {
        self.parts.version
    }

    /// The expiry.
    pub fn expires(&self) -> Timestamp {
        self.parts.expires
    }

    /// The global threshold.
    pub fn threshold(&self) -> usize {
        self.parts.threshold
    }

    /// Whether `key` is revoked by this policy (its key id is listed in `revoked`).
    pub fn is_revoked(&self, key: &PublicKey) -> bool {
        self.parts.revoked.contains(&key.key_id())
    }

    /// Non-revoked maintainers as (name, key), in the order written (spec/policy.md §2.6).
    pub fn active_maintainers(&self) -> Vec<(String, PublicKey)> {
        self.parts
            .maintainers
            .iter()
            .filter(|m| !self.is_revoked(&m.key))
            .map(|m| (m.name.clone(), m.key))
            .collect()
    }

    /// Non-revoked certifiers, in the order written (spec/policy.md §2.6).
    pub fn active_certifiers(&self) -> Vec<&Certifier> {
        self.parts
            .certifiers
            .iter()
            .filter(|c| !self.is_revoked(&c.key))
            .collect()
    }
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn limit(what: &'static str, count: usize, limit: usize) -> Result<(), PolicyError> {
    if count > limit {
        return Err(PolicyError::TooMany { what, count, limit });
    }
    Ok(())
}

/// spec/policy.md §3.3: every key goes through `PublicKey::parse` and its load checks.
fn parse_key(
    role: &'static str,
    name: &str,
    text: &str,
) -> Result<(PublicKey, Option<String>), PolicyError> {
    PublicKey::parse(text).map_err(|source| PolicyError::InvalidKey {
        role,
        name: truncated(name, 80),
        source,
    })
}

/// spec/policy.md §2.6: a key id, or any public key text (whose key id is taken).
fn parse_revoked(entry: &str) -> Result<KeyId, PolicyError> {
    if let Ok(id) = entry.parse::<KeyId>() {
        return Ok(id);
    }
    PublicKey::parse(entry)
        .map(|(key, _)| key.key_id())
        .map_err(|source| PolicyError::InvalidKey {
            role: "revoked",
            name: truncated(entry, 80),
            source,
        })
}

/// spec/policy.md §3.2.
fn check_name(role: &'static str, name: &str) -> Result<(), PolicyError> {
    let reason = if name.is_empty() {
        "it is empty"
    } else if name.len() > MAX_NAME_BYTES {
        "it is longer than 128 bytes"
    } else if name.chars().any(char::is_control) {
        "it contains control characters"
    } else if name.trim() != name {
        "it starts or ends with whitespace"
    } else if name.chars().any(sceau_core::name::is_invisible) {
        "it contains invisible characters (zero-width, bidirectional controls)"
    } else if !unicode_normalization::is_nfc(name) {
        "it is not in Unicode NFC"
    } else {
        return Ok(());
    };
    Err(PolicyError::InvalidName {
        role,
        name: truncated(name, 80),
        reason,
    })
}

/// Refuses repeated names in `names` (spec/policy.md §3.2).
fn unique<'a>(
    role: impl Fn() -> String,
    names: impl Iterator<Item = &'a str>,
) -> Result<(), PolicyError> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(PolicyError::DuplicateName {
                role: role(),
                name: name.to_owned(),
            });
        }
    }
    Ok(())
}

/// Refuses a key listed under two names (spec/policy.md §3.3).
fn unique_keys<'a>(
    role: &'static str,
    entries: impl Iterator<Item = (&'a str, &'a PublicKey)>,
) -> Result<(), PolicyError> {
    let mut seen: HashMap<PublicKey, &str> = HashMap::new();
    for (name, key) in entries {
        if let Some(first) = seen.insert(*key, name) {
            return Err(PolicyError::DuplicateKey {
                role,
                key_id: key.key_id(),
                first: first.to_owned(),
                second: name.to_owned(),
            });
        }
    }
    Ok(())
}

/// Every check of spec/policy.md §3, on content from JSON or from a caller.
fn check(p: &PolicyParts) -> Result<(), PolicyError> {
    if p.version == 0 {
        return Err(PolicyError::VersionZero);
    }
    limit("maintainers", p.maintainers.len(), MAX_MAINTAINERS)?;
    limit("certifiers", p.certifiers.len(), MAX_CERTIFIERS)?;
    limit("revoked keys", p.revoked.len(), MAX_REVOKED)?;
    limit("release scopes", p.releases.len(), MAX_RELEASE_SCOPES)?;

    // §3.2–§3.3: maintainers.
    for m in &p.maintainers {
        check_name("maintainer", &m.name)?;
        m.window.validate(&m.name)?;
    }
    unique(
        || "maintainer".into(),
        p.maintainers.iter().map(|m| m.name.as_str()),
    )?;
    unique_keys(
        "maintainer",
        p.maintainers.iter().map(|m| (m.name.as_str(), &m.key)),
    )?;

    // §2.6: revoked.
    let mut revoked = std::collections::HashSet::new();
    for id in &p.revoked {
        if !revoked.insert(*id) {
            return Err(PolicyError::DuplicateRevoked { key_id: *id });
        }
    }
    let active = |name: &str| {
        p.maintainers
            .iter()
            .any(|m| m.name == name && !revoked.contains(&m.key.key_id()))
    };

    // §3.4: the global threshold.
    let n = p.maintainers.iter().filter(|m| active(&m.name)).count();
    if p.threshold == 0 || p.threshold > n {
        return Err(PolicyError::InvalidThreshold {
            threshold: p.threshold as u64,
            maintainers: n,
            scope: None,
        });
    }

    // §3.5: certifiers.
    for c in &p.certifiers {
        check_name("certifier", &c.name)?;
        c.window.validate(&c.name)?;
        limit(
            "standards of one certifier",
            c.standards.len(),
            MAX_STANDARDS,
        )?;
        if c.standards.is_empty() {
            return Err(PolicyError::EmptyList {
                what: format!("the standards of certifier {:?}", c.name),
            });
        }
        for s in &c.standards {
            check_standard(s)?;
        }
        unique(
            || format!("standard of certifier {:?}", c.name),
            c.standards.iter().map(String::as_str),
        )?;
    }
    unique(
        || "certifier".into(),
        p.certifiers.iter().map(|c| c.name.as_str()),
    )?;
    unique_keys(
        "certifier",
        p.certifiers.iter().map(|c| (c.name.as_str(), &c.key)),
    )?;

    // §7.1–§7.2: release scopes.
    let mut patterns = std::collections::HashSet::new();
    for s in &p.releases {
        if !patterns.insert(s.pattern.folded()) {
            return Err(PolicyError::DuplicatePattern {
                pattern: s.pattern.as_str().to_owned(),
            });
        }
        if s.maintainers.is_empty() {
            return Err(PolicyError::EmptyList {
                what: format!("the maintainers of release scope {:?}", s.pattern.as_str()),
            });
        }
        for name in &s.maintainers {
            if !p.maintainers.iter().any(|m| &m.name == name) {
                return Err(PolicyError::UnknownScopeMaintainer {
                    pattern: s.pattern.as_str().to_owned(),
                    name: truncated(name, 80),
                });
            }
        }
        unique(
            || format!("maintainer of release scope {:?}", s.pattern.as_str()),
            s.maintainers.iter().map(String::as_str),
        )?;
        let n = s.maintainers.iter().filter(|m| active(m)).count();
        if s.threshold == 0 || s.threshold > n {
            return Err(PolicyError::InvalidThreshold {
                threshold: s.threshold as u64,
                maintainers: n,
                scope: Some(s.pattern.as_str().to_owned()),
            });
        }
    }
    Ok(())
}

/// spec/policy.md §3.5: a standard id is a name without whitespace.
fn check_standard(s: &str) -> Result<(), PolicyError> {
    check_name("standard", s)?;
    if s.chars().any(char::is_whitespace) {
        return Err(PolicyError::InvalidName {
            role: "standard",
            name: truncated(s, 80),
            reason: "it contains whitespace",
        });
    }
    Ok(())
}
