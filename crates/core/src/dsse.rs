//! DSSE envelopes and the pre-authentication encoding (spec/record.md §1).
//!
//! This module only parses and encodes; signature checks live in `sceau-sign`.
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::engine::GeneralPurpose;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// `payloadType` of an in-toto Statement (spec/record.md §1.1).
pub const PAYLOAD_TYPE_INTOTO: &str = "application/vnd.in-toto+json";

/// Largest envelope file accepted, checked before parsing (spec/record.md §1.4).
pub const MAX_ENVELOPE_BYTES: usize = 64 * 1024 * 1024;

/// Most signatures one envelope may carry (spec/record.md §1.4).
pub const MAX_SIGNATURES: usize = 256;

/// `PAE(type, body)` exactly as DSSE v1 defines it, lengths in bytes (spec/record.md §1.2):
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let t = payload_type.as_bytes();
    let mut out = Vec::with_capacity(32 + t.len() + payload.len());
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(t.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(t);
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// One signature of an envelope. `keyid` is an unauthenticated hint, never trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// Key id hint as written by the signer (may be empty or wrong).
    pub keyid: String,
    /// Raw signature bytes.
    pub sig: Vec<u8>,
}

/// A decoded DSSE envelope. The payload bytes are exactly those that were base64-decoded;
/// they are what signatures cover and what must be parsed after verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The payload type, compared byte for byte.
    pub payload_type: String,
    /// The serialized body.
    pub payload: Vec<u8>,
    /// Signatures, in file order.
    pub signatures: Vec<EnvelopeSignature>,
}

/// Why bytes are not a well-formed DSSE envelope.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// Larger than [`MAX_ENVELOPE_BYTES`]; not parsed.
    #[error("envelope is {0} bytes, over the limit of {MAX_ENVELOPE_BYTES}")]
    TooLarge(usize),
    /// Not JSON of the envelope's shape (includes duplicate or missing fields, trailing data).
    #[error("not a DSSE envelope: {0}")]
    Json(#[source] serde_json::Error),
    /// The file holds an object with the same key twice, or is not one JSON value.
    #[error("not a DSSE envelope: {0}")]
    Strict(String),
    /// `payload` or a `sig` is not base64.
    #[error("field {field} is not valid base64")]
    Base64 {
        /// Which field.
        field: &'static str,
    },
    /// More than [`MAX_SIGNATURES`] signatures.
    #[error("envelope has {0} signatures, over the limit of {MAX_SIGNATURES}")]
    TooManySignatures(usize),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnvelope {
    #[serde(rename = "payloadType")]
    payload_type: String,
    payload: String,
    signatures: Vec<RawSignature>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignature {
    #[serde(default)]
    keyid: String,
    sig: String,
}

/// Decodes standard or URL-safe base64, padded or not, as DSSE requires of verifiers.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    const STANDARD_NO_PAD_LENIENT: GeneralPurpose =
        base64::engine::general_purpose::STANDARD_NO_PAD;
    STANDARD
        .decode(s)
        .or_else(|_| STANDARD_NO_PAD_LENIENT.decode(s))
        .or_else(|_| URL_SAFE.decode(s))
        .or_else(|_| URL_SAFE_NO_PAD.decode(s))
        .ok()
}

impl Envelope {
    /// A new envelope with no signatures.
    pub fn new(payload_type: &str, payload: Vec<u8>) -> Self {
        Envelope {
            payload_type: payload_type.to_owned(),
            payload,
            signatures: Vec::new(),
        }
    }

    /// The bytes a signature covers: `PAE(payloadType, payload)`.
    pub fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }

    /// Parses an envelope file. Size is checked before parsing; unknown and duplicate
    /// fields and trailing data are refused (spec/record.md §1.4).
    pub fn from_json(bytes: &[u8]) -> Result<Self, EnvelopeError> {
        if bytes.len() > MAX_ENVELOPE_BYTES {
            return Err(EnvelopeError::TooLarge(bytes.len()));
        }
        crate::json::check_unique_keys(bytes).map_err(|e| EnvelopeError::Strict(e.0))?;
        let raw: RawEnvelope = serde_json::from_slice(bytes).map_err(EnvelopeError::Json)?;
        if raw.signatures.len() > MAX_SIGNATURES {
            return Err(EnvelopeError::TooManySignatures(raw.signatures.len()));
        }
        let payload =
            decode_base64(&raw.payload).ok_or(EnvelopeError::Base64 { field: "payload" })?;
        let signatures = raw
            .signatures
            .into_iter()
            .map(|s| {
                Ok(EnvelopeSignature {
                    keyid: s.keyid,
                    sig: decode_base64(&s.sig).ok_or(EnvelopeError::Base64 { field: "sig" })?,
                })
            })
            .collect::<Result<Vec<_>, EnvelopeError>>()?;
        Ok(Envelope {
            payload_type: raw.payload_type,
            payload,
            signatures,
        })
    }

    /// Writes the envelope as pretty JSON (standard padded base64), ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        let raw = RawEnvelope {
            payload_type: self.payload_type.clone(),
            payload: STANDARD.encode(&self.payload),
            signatures: self
                .signatures
                .iter()
                .map(|s| RawSignature {
                    keyid: s.keyid.clone(),
                    sig: STANDARD.encode(&s.sig),
                })
                .collect(),
        };
        let mut v = serde_json::to_vec_pretty(&raw).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_vector() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        // Lengths are bytes, not characters.
        assert_eq!(pae("é", b""), "DSSEv1 2 é 0 ".as_bytes().to_vec());
    }

    #[test]
    fn round_trips_and_accepts_url_safe_base64() {
        let mut e = Envelope::new(PAYLOAD_TYPE_INTOTO, vec![0xfb, 0xff, 0x01]);
        e.signatures.push(EnvelopeSignature {
            keyid: "k".into(),
            sig: vec![0xff; 64],
        });
        let back = Envelope::from_json(&e.to_json()).unwrap();
        assert_eq!(back, e);
        let url = r#"{"payloadType":"t","payload":"-_8B","signatures":[]}"#;
        assert_eq!(
            Envelope::from_json(url.as_bytes()).unwrap().payload,
            vec![0xfb, 0xff, 0x01]
        );
    }

    #[test]
    fn refuses_malformed_envelopes() {
        for bad in [
            r#"{"payloadType":"t","payload":"!!","signatures":[]}"#,
            r#"{"payloadType":"t","payload":"","signatures":[{"sig":"%%"}]}"#,
            r#"{"payloadType":"t","payloadType":"u","payload":"","signatures":[]}"#,
            r#"{"payloadType":"t","payload":"","signatures":[]} trailing"#,
            r#"{"payloadType":"t","payload":"","signatures":[],"extra":1}"#,
            r#"{"payload":"","signatures":[]}"#,
        ] {
            assert!(Envelope::from_json(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
