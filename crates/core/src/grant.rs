//! Licence grants: an ancestor's maintainers waive its licence terms for one derived release
//! (spec/lineage.md §5.5–§5.6). This is the document and its checks; who must sign it is
//! decided by `sceau-verify`.
use crate::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

use crate::dsse::{Envelope, EnvelopeError};
use crate::Sha256Digest;

/// `payloadType` of a grant envelope: its own, so that a grant is never taken for a record, a
/// policy or an attestation, nor the reverse.
pub const PAYLOAD_TYPE_GRANT: &str = "application/vnd.sceau.grant+json";
/// `_type` of a grant document.
pub const GRANT_TYPE: &str = "https://sceau.dev/licence-grant/v1";
/// Largest grant file (envelope) read, checked before parsing.
pub const MAX_GRANT_FILE_BYTES: usize = 256 * 1024;
/// Largest grant payload.
pub const MAX_GRANT_BYTES: usize = 64 * 1024;
/// Most signatures on one grant.
pub const MAX_GRANT_SIGNATURES: usize = 64;
/// Longest name, version or licence in a grant, in bytes.
pub const MAX_GRANT_TEXT: usize = 256;

/// A licence grant (spec/lineage.md §5.6): the holders of the ancestor's keys allow releases
/// called `release` to be published under `licence`, whatever the ancestor's terms say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The ancestor record whose terms are waived: the SHA-256 of its payload.
    pub ancestor: Sha256Digest,
    /// The ancestor's release name: whose maintainers must sign the grant.
    pub ancestor_name: String,
    /// The ancestor's release version, for people.
    pub ancestor_version: String,
    /// The release name the grant is for, compared exactly.
    pub release: String,
    /// The licence that release may use: its declared licence as written in its record (an
    /// SPDX expression or a named id), compared exactly.
    pub licence: String,
    /// When the grant was made.
    pub issued: Timestamp,
    /// When it stops counting, if ever.
    pub expires: Option<Timestamp>,
}

/// Why a grant file cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GrantError {
    /// Over the size limit; not parsed.
    #[error("{what} is {len} bytes, over the limit of {limit}")]
    TooLarge {
        /// "grant file" or "grant payload".
        what: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Not a DSSE envelope.
    #[error("not a DSSE envelope")]
    Envelope(#[source] EnvelopeError),
    /// Another kind of signed document.
    #[error("payloadType is {0:?}, not {PAYLOAD_TYPE_GRANT:?}: not a licence grant")]
    PayloadType(String),
    /// Too many signatures.
    #[error("{0} signatures, over the limit of {MAX_GRANT_SIGNATURES}")]
    TooManySignatures(usize),
    /// The payload is not strict JSON of the grant's shape.
    #[error("the grant is malformed: {0}")]
    Malformed(String),
    /// A field has a value the format does not allow.
    #[error("the grant's {field} is refused: {reason}")]
    Field {
        /// The field.
        field: &'static str,
        /// Why.
        reason: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrant {
    #[serde(rename = "_type")]
    type_: String,
    ancestor: RawAncestor,
    release: String,
    licence: String,
    issued: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAncestor {
    record: String,
    name: String,
    version: String,
}

fn field(field: &'static str, reason: impl Into<String>) -> GrantError {
    GrantError::Field {
        field,
        reason: reason.into(),
    }
}

/// Names, versions and licences: non-empty, at most `MAX_GRANT_TEXT` bytes, no control
/// characters, no surrounding whitespace.
fn text(name: &'static str, v: &str) -> Result<(), GrantError> {
    if v.is_empty() {
        return Err(field(name, "it is empty"));
    }
    if v.len() > MAX_GRANT_TEXT {
        return Err(field(name, format!("longer than {MAX_GRANT_TEXT} bytes")));
    }
    crate::name::check_name(v).map_err(|e| field(name, e.to_string()))
}

fn when(name: &'static str, v: &str) -> Result<Timestamp, GrantError> {
    Timestamp::parse_rfc3339(v).map_err(|_| {
        field(
            name,
            format!(
                "{:?} is not an RFC 3339 date-time with an offset",
                v.chars().take(80).collect::<String>()
            ),
        )
    })
}

fn fmt(t: Timestamp) -> String {
    t.to_string()
}

impl Grant {
    /// Checks a grant built by a caller (the rules of [`Grant::from_payload`]).
    pub fn check(&self) -> Result<(), GrantError> {
        text("ancestor.name", &self.ancestor_name)?;
        text("ancestor.version", &self.ancestor_version)?;
        text("release", &self.release)?;
        text("licence", &self.licence)?;
        if self.release == self.ancestor_name {
            return Err(field(
                "release",
                "it is the ancestor's own name: a grant is for a derived release",
            ));
        }
        if self.expires.is_some_and(|e| e <= self.issued) {
            return Err(field("expires", "it is not after issued"));
        }
        Ok(())
    }

    /// Parses and checks a grant payload: strict JSON (no repeated key, no trailing data),
    /// exactly the fields of spec/lineage.md §5.6. No signature is checked.
    pub fn from_payload(payload: &[u8]) -> Result<Grant, GrantError> {
        if payload.len() > MAX_GRANT_BYTES {
            return Err(GrantError::TooLarge {
                what: "grant payload",
                len: payload.len(),
                limit: MAX_GRANT_BYTES,
            });
        }
        crate::json::check_unique_keys(payload).map_err(|e| GrantError::Malformed(e.0))?;
        let raw: RawGrant =
            serde_json::from_slice(payload).map_err(|e| GrantError::Malformed(e.to_string()))?;
        if raw.type_ != GRANT_TYPE {
            return Err(field(
                "_type",
                format!(
                    "{:?} is not {GRANT_TYPE:?}",
                    raw.type_.chars().take(80).collect::<String>()
                ),
            ));
        }
        let hex = raw
            .ancestor
            .record
            .strip_prefix("sha256:")
            .ok_or_else(|| field("ancestor.record", "expected sha256:<64 hex digits>"))?;
        if hex.len() != 64 || hex.bytes().any(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(field(
                "ancestor.record",
                "expected sha256:<64 lower-case hex digits>",
            ));
        }
        let ancestor: Sha256Digest = hex
            .parse()
            .map_err(|_| field("ancestor.record", "not a SHA-256 digest"))?;
        let g = Grant {
            ancestor,
            ancestor_name: raw.ancestor.name,
            ancestor_version: raw.ancestor.version,
            release: raw.release,
            licence: raw.licence,
            issued: when("issued", &raw.issued)?,
            expires: raw
                .expires
                .as_deref()
                .map(|e| when("expires", e))
                .transpose()?,
        };
        g.check()?;
        Ok(g)
    }

    /// The payload to sign: pretty JSON in the field order of spec/lineage.md §5.6, ending in
    /// a newline.
    pub fn to_payload(&self) -> Vec<u8> {
        let raw = RawGrant {
            type_: GRANT_TYPE.to_owned(),
            ancestor: RawAncestor {
                record: format!("sha256:{}", self.ancestor),
                name: self.ancestor_name.clone(),
                version: self.ancestor_version.clone(),
            },
            release: self.release.clone(),
            licence: self.licence.clone(),
            issued: fmt(self.issued),
            expires: self.expires.map(fmt),
        };
        // Strings into memory: serializing cannot fail.
        let mut out = serde_json::to_vec_pretty(&raw).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Reads a grant file: its size first, then the envelope (strict DSSE), its payload type
    /// and signature count, then the payload. Nothing is verified.
    pub fn read_file(bytes: &[u8]) -> Result<(Envelope, Grant), GrantError> {
        if bytes.len() > MAX_GRANT_FILE_BYTES {
            return Err(GrantError::TooLarge {
                what: "grant file",
                len: bytes.len(),
                limit: MAX_GRANT_FILE_BYTES,
            });
        }
        let env = Envelope::from_json(bytes).map_err(GrantError::Envelope)?;
        if env.payload_type != PAYLOAD_TYPE_GRANT {
            return Err(GrantError::PayloadType(
                env.payload_type.chars().take(100).collect(),
            ));
        }
        if env.signatures.len() > MAX_GRANT_SIGNATURES {
            return Err(GrantError::TooManySignatures(env.signatures.len()));
        }
        let grant = Grant::from_payload(&env.payload)?;
        Ok((env, grant))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn grant() -> Grant {
        Grant {
            ancestor: Sha256Digest([7; 32]),
            ancestor_name: "org-a/base".into(),
            ancestor_version: "1.0".into(),
            release: "org-b/chat".into(),
            licence: "Apache-2.0".into(),
            issued: Timestamp::from_const(datetime!(2026-01-01 00:00 UTC)),
            expires: Some(Timestamp::from_const(datetime!(2027-01-01 00:00 UTC))),
        }
    }

    #[test]
    fn round_trips_in_the_documented_shape() {
        let g = grant();
        let p = g.to_payload();
        let v: serde_json::Value = serde_json::from_slice(&p).unwrap();
        assert_eq!(v["_type"], GRANT_TYPE);
        assert_eq!(
            v["ancestor"]["record"],
            format!("sha256:{}", "07".repeat(32))
        );
        assert_eq!(v["ancestor"]["name"], "org-a/base");
        assert_eq!(v["release"], "org-b/chat");
        assert_eq!(v["expires"], "2027-01-01T00:00:00Z");
        assert_eq!(Grant::from_payload(&p).unwrap(), g);
        let mut open = g.clone();
        open.expires = None;
        assert!(!String::from_utf8(open.to_payload())
            .unwrap()
            .contains("expires"));
    }

    #[test]
    fn refuses_what_the_format_does_not_allow() {
        let good = String::from_utf8(grant().to_payload()).unwrap();
        for (from, to, phrase) in [
            (
                "\"release\"",
                "\"release\": \"x\", \"release\"",
                "duplicate key",
            ),
            (
                "\"_type\"",
                "\"note\": \"x\", \"_type\"",
                "unknown field `note`",
            ),
            ("licence-grant/v1", "licence-grant/v2", "_type"),
            ("sha256:07", "sha256:0G", "ancestor.record"),
            ("sha256:07", "sha512:07", "ancestor.record"),
            ("\"org-b/chat\"", "\"org-a/base\"", "ancestor's own name"),
            ("\"Apache-2.0\"", "\"\"", "licence"),
            (
                "\"Apache-2.0\"",
                "\"Apache-2.0\\u0007\"",
                "control character",
            ),
            (
                "\"org-b/chat\"",
                "\"org-b/chat\\u200b\"",
                "invisible character U+200B",
            ),
            ("2026-01-01T00:00:00Z", "2026-01-01", "issued"),
            (
                "2027-01-01T00:00:00Z",
                "2025-01-01T00:00:00Z",
                "not after issued",
            ),
        ] {
            assert_eq!(good.matches(from).count(), 1, "{from}");
            let bad = good.replacen(from, to, 1);
            let e = Grant::from_payload(bad.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(phrase), "{to}: {e}");
        }
        let long = good.replacen("org-b/chat", &"x".repeat(MAX_GRANT_TEXT + 1), 1);
        assert!(Grant::from_payload(long.as_bytes()).is_err());
    }

    #[test]
    fn a_grant_file_is_its_own_kind_of_envelope() {
        let g = grant();
        let env = Envelope::new(PAYLOAD_TYPE_GRANT, g.to_payload());
        let (_, back) = Grant::read_file(&env.to_json()).unwrap();
        assert_eq!(back, g);
        let other = Envelope::new("application/vnd.in-toto+json", g.to_payload());
        assert!(matches!(
            Grant::read_file(&other.to_json()),
            Err(GrantError::PayloadType(_))
        ));
        let big = vec![b' '; MAX_GRANT_FILE_BYTES + 1];
        assert!(matches!(
            Grant::read_file(&big),
            Err(GrantError::TooLarge { .. })
        ));
    }
}
