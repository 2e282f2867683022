//! Sigstore bundles holding a DSSE envelope: read any version, write v0.3 (spec/oms.md §2, §10).
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use crate::error::{BundleError, PackageError};
use crate::json::{normalise_keys, Fields};

/// Largest bundle file parsed, checked before parsing.
pub const MAX_BUNDLE_BYTES: usize = 128 * 1024 * 1024;

/// Most transparency-log entries, certificates or timestamps one bundle may list.
pub const MAX_BUNDLE_ENTRIES: usize = 64;

/// The media type sceau writes (Sigstore bundle v0.3).
pub const MEDIA_TYPE_V0_3: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// A Sigstore bundle media type (spec/oms.md §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    /// `application/vnd.dev.sigstore.bundle+json;version=0.1`.
    V0_1,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.2`.
    V0_2,
    /// `application/vnd.dev.sigstore.bundle.v0.3+json` (what `model_signing` writes).
    V0_3,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.3`, the older spelling of v0.3.
    V0_3Alt,
}

impl MediaType {
    /// The media type string.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::V0_1 => "application/vnd.dev.sigstore.bundle+json;version=0.1",
            MediaType::V0_2 => "application/vnd.dev.sigstore.bundle+json;version=0.2",
            MediaType::V0_3 => MEDIA_TYPE_V0_3,
            MediaType::V0_3Alt => "application/vnd.dev.sigstore.bundle+json;version=0.3",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            MediaType::V0_1,
            MediaType::V0_2,
            MediaType::V0_3,
            MediaType::V0_3Alt,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }

    /// True for v0.1 and v0.2, where a Fulcio certificate travels as a one-element
    /// `x509CertificateChain` rather than as `certificate`.
    pub fn before_v0_3(self) -> bool {
        matches!(self, MediaType::V0_1 | MediaType::V0_2)
    }
}

/// `verificationMaterial.publicKey`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKeyMaterial {
    /// `hint`: for OMS, hex SHA-256 of the signer's SPKI PEM text (`model_signing` ≥ 1.1).
    pub hint: Option<String>,
    /// `rawBytes` (`model_signing` 0.3–1.0): the signer's public key, as PEM text.
    pub raw_bytes: Option<Vec<u8>>,
    /// `keyDetails` (`model_signing` 0.3–1.0), e.g. `PKIX_ECDSA_P384_SHA_384`.
    pub key_details: Option<String>,
}

/// What identifies the signer (the `verificationMaterial.content` oneof).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Material {
    /// A public key the verifier must already hold.
    PublicKey(PublicKeyMaterial),
    /// DER certificates, the signing certificate first.
    CertificateChain(Vec<Vec<u8>>),
    /// One DER certificate (a Fulcio certificate in v0.3 bundles).
    Certificate(Vec<u8>),
}

/// The OMS signing method a bundle's material implies (spec/oms.md §2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningMethod {
    /// `publicKey`: a long-lived key.
    Key,
    /// `x509CertificateChain` in a v0.3 bundle (or without log entries): a certificate under
    /// a CA the verifier names.
    Certificate,
    /// `certificate` (v0.3), or a chain with log entries in a v0.1/v0.2 bundle: Sigstore
    /// keyless signing with Fulcio and Rekor.
    Sigstore,
}

impl SigningMethod {
    /// `key`, `certificate` or `sigstore`, as `model_signing verify` names them.
    pub fn name(self) -> &'static str {
        match self {
            SigningMethod::Key => "key",
            SigningMethod::Certificate => "certificate",
            SigningMethod::Sigstore => "sigstore",
        }
    }
}

/// What one transparency-log entry says about itself (unverified; for display).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlogEntry {
    /// `logIndex`.
    pub log_index: Option<i64>,
    /// `integratedTime`, seconds since the epoch.
    pub integrated_time: Option<i64>,
    /// `kindVersion.kind` (`dsse`, `hashedrekord`, …).
    pub kind: Option<String>,
    /// `kindVersion.version`.
    pub version: Option<String>,
    /// Whether an inclusion proof is attached.
    pub inclusion_proof: bool,
    /// Whether a signed entry timestamp (inclusion promise) is attached.
    pub inclusion_promise: bool,
}

/// The DSSE signature's `keyid`, kept as written (OMS verifiers accept all three forms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyId {
    /// No `keyid` field.
    Absent,
    /// `"keyid": null` (`model_signing` before 1.1).
    Null,
    /// A string, often empty.
    Text(String),
}

/// The bundle's DSSE envelope, with its one signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DsseEnvelope {
    /// `payloadType`.
    pub payload_type: String,
    /// The decoded payload: the bytes the signature covers (through the PAE).
    pub payload: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
    /// `keyid` as written; never used to pick a key.
    pub keyid: KeyId,
}

impl DsseEnvelope {
    /// `PAE(payloadType, payload)`, the bytes the signature covers.
    pub fn pae(&self) -> Vec<u8> {
        sceau_core::dsse::pae(&self.payload_type, &self.payload)
    }

    /// The same envelope as sceau's type (one signature, `keyid` empty when not a string).
    pub fn to_sceau(&self) -> sceau_core::dsse::Envelope {
        let mut e = sceau_core::dsse::Envelope::new(&self.payload_type, self.payload.clone());
        e.signatures.push(sceau_core::dsse::EnvelopeSignature {
            keyid: match &self.keyid {
                KeyId::Text(k) => k.clone(),
                KeyId::Absent | KeyId::Null => String::new(),
            },
            sig: self.signature.clone(),
        });
        e
    }
}

/// How a bundle differs from the current writer's output (spec/oms.md §2.4); informative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatNote {
    /// Some fields used protobuf (snake_case) names.
    SnakeCaseFields,
    /// `publicKey` carries `rawBytes` (pre-1.1 `model_signing`) rather than `hint`.
    PublicKeyRawBytes,
    /// The DSSE signature's `keyid` is `null` (pre-1.1 `model_signing`).
    KeyIdNull,
    /// `verificationMaterial` has no `tlogEntries` (pre-1.1 key and certificate bundles).
    NoTlogEntries,
}

/// A Sigstore bundle whose content is a DSSE envelope, checked (spec/oms.md §2).
#[derive(Clone, Debug)]
pub struct SigstoreBundle {
    /// The media type.
    pub media_type: MediaType,
    /// The signer's material.
    pub material: Material,
    /// Transparency-log entries as they describe themselves (unverified).
    pub tlog_entries: Vec<TlogEntry>,
    /// How many RFC 3161 timestamps are attached.
    pub rfc3161_timestamps: usize,
    /// The envelope.
    pub envelope: DsseEnvelope,
    /// Differences from current output.
    pub notes: Vec<FormatNote>,
    /// The document with every key in its JSON name, for the Sigstore verifier.
    normalised: Value,
}

fn b64(value: &str, path: &str) -> Result<Vec<u8>, BundleError> {
    sceau_core::dsse::decode_base64(value).ok_or_else(|| BundleError::Base64 {
        path: path.to_owned(),
    })
}

/// A protobuf int64 in JSON: a decimal string or a number.
fn int64(v: &Value, path: &str) -> Result<i64, BundleError> {
    let n = match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    };
    n.ok_or_else(|| BundleError::Invalid {
        path: path.to_owned(),
        reason: "not a 64-bit integer".into(),
    })
}

fn capped<'a>(list: &'a [Value], path: &str) -> Result<&'a [Value], BundleError> {
    if list.len() > MAX_BUNDLE_ENTRIES {
        return Err(BundleError::TooMany {
            path: path.to_owned(),
            len: list.len(),
            max: MAX_BUNDLE_ENTRIES,
        });
    }
    Ok(list)
}

fn certificate(v: &Value, path: &str) -> Result<Vec<u8>, BundleError> {
    let mut f = Fields::new(v, path)?;
    let der = b64(f.req_str("rawBytes")?, &f.child("rawBytes"))?;
    f.deny_unknown()?;
    if der.is_empty() {
        return Err(BundleError::Invalid {
            path: path.to_owned(),
            reason: "empty certificate".into(),
        });
    }
    Ok(der)
}

fn public_key(v: &Value, path: &str, notes: &mut Vec<FormatNote>) -> Result<Material, BundleError> {
    let mut f = Fields::new(v, path)?;
    let hint = f.opt_str("hint")?.map(str::to_owned);
    let raw_bytes = match f.opt_str("rawBytes")? {
        Some(s) => Some(b64(s, &f.child("rawBytes"))?),
        None => None,
    };
    let key_details = f.opt_str("keyDetails")?.map(str::to_owned);
    f.deny_unknown()?;
    if hint.is_none() && raw_bytes.is_none() {
        return Err(BundleError::MissingField {
            path: path.to_owned(),
            field: "hint",
        });
    }
    if hint.is_none() {
        notes.push(FormatNote::PublicKeyRawBytes);
    }
    Ok(Material::PublicKey(PublicKeyMaterial {
        hint,
        raw_bytes,
        key_details,
    }))
}

fn tlog_entry(v: &Value, path: &str) -> Result<TlogEntry, BundleError> {
    // Entries are Sigstore's to define; fields beyond these are left to the verifier.
    let mut f = Fields::new(v, path)?;
    let log_index = match f.opt("logIndex") {
        Some(v) => Some(int64(v, &f.child("logIndex"))?),
        None => None,
    };
    let integrated_time = match f.opt("integratedTime") {
        Some(v) => Some(int64(v, &f.child("integratedTime"))?),
        None => None,
    };
    let (kind, version) = match f.opt("kindVersion") {
        Some(kv) => {
            let mut k = Fields::new(kv, &f.child("kindVersion"))?;
            (
                k.opt_str("kind")?.map(str::to_owned),
                k.opt_str("version")?.map(str::to_owned),
            )
        }
        None => (None, None),
    };
    Ok(TlogEntry {
        log_index,
        integrated_time,
        kind,
        version,
        inclusion_proof: f.opt("inclusionProof").is_some(),
        inclusion_promise: f.opt("inclusionPromise").is_some(),
    })
}

fn material(
    v: &Value,
    notes: &mut Vec<FormatNote>,
) -> Result<(Material, Vec<TlogEntry>, usize), BundleError> {
    let mut f = Fields::new(v, "$.verificationMaterial")?;
    let key = f.opt("publicKey");
    let chain = f.opt("x509CertificateChain");
    let cert = f.opt("certificate");
    let found: Vec<&'static str> = [
        ("publicKey", key.is_some()),
        ("x509CertificateChain", chain.is_some()),
        ("certificate", cert.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, present)| present.then_some(n))
    .collect();
    let material = match (key, chain, cert) {
        (Some(k), None, None) => public_key(k, &f.child("publicKey"), notes)?,
        (None, Some(c), None) => {
            let path = f.child("x509CertificateChain");
            let mut cf = Fields::new(c, &path)?;
            let list_path = cf.child("certificates");
            let list = cf
                .req("certificates")?
                .as_array()
                .ok_or(BundleError::WrongType {
                    path: list_path.clone(),
                    expected: "an array",
                })?;
            let list = capped(list, &list_path)?;
            if list.is_empty() {
                return Err(BundleError::Invalid {
                    path: list_path,
                    reason: "no certificate".into(),
                });
            }
            let certs = list
                .iter()
                .enumerate()
                .map(|(i, c)| certificate(c, &format!("{list_path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            cf.deny_unknown()?;
            Material::CertificateChain(certs)
        }
        (None, None, Some(c)) => Material::Certificate(certificate(c, &f.child("certificate"))?),
        _ => return Err(BundleError::Material { found }),
    };
    let tlog_entries = match f.opt_array("tlogEntries")? {
        None => {
            notes.push(FormatNote::NoTlogEntries);
            Vec::new()
        }
        Some(list) => {
            let path = f.child("tlogEntries");
            capped(list, &path)?
                .iter()
                .enumerate()
                .map(|(i, e)| tlog_entry(e, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    let timestamps = match f.opt("timestampVerificationData") {
        None => 0,
        Some(t) => {
            let path = f.child("timestampVerificationData");
            let mut tf = Fields::new(t, &path)?;
            let n = match tf.opt_array("rfc3161Timestamps")? {
                None => 0,
                Some(list) => capped(list, &tf.child("rfc3161Timestamps"))?.len(),
            };
            tf.deny_unknown()?;
            n
        }
    };
    f.deny_unknown()?;
    if matches!(material, Material::Certificate(_)) && tlog_entries.is_empty() {
        // A Fulcio certificate is short-lived: without a log entry nothing dates the
        // signature (OMS §4.1: tlogEntries MUST hold at least one entry).
        return Err(BundleError::Invalid {
            path: "$.verificationMaterial.tlogEntries".into(),
            reason: "a Sigstore (certificate) bundle needs at least one transparency log entry"
                .into(),
        });
    }
    Ok((material, tlog_entries, timestamps))
}

fn envelope(v: &Value, notes: &mut Vec<FormatNote>) -> Result<DsseEnvelope, BundleError> {
    let mut f = Fields::new(v, "$.dsseEnvelope")?;
    let payload = b64(f.req_str("payload")?, &f.child("payload"))?;
    let payload_type = f.req_str("payloadType")?.to_owned();
    let sigs_path = f.child("signatures");
    let sigs = f
        .req("signatures")?
        .as_array()
        .ok_or(BundleError::WrongType {
            path: sigs_path.clone(),
            expected: "an array",
        })?;
    f.deny_unknown()?;
    if sigs.len() != 1 {
        return Err(BundleError::SignatureCount(sigs.len()));
    }
    let at = format!("{sigs_path}[0]");
    let mut s = Fields::new(&sigs[0], &at)?;
    let signature = b64(s.req_str("sig")?, &s.child("sig"))?;
    let keyid = match s.opt("keyid") {
        None => KeyId::Absent,
        Some(Value::Null) => {
            notes.push(FormatNote::KeyIdNull);
            KeyId::Null
        }
        Some(Value::String(k)) => KeyId::Text(k.clone()),
        Some(_) => {
            return Err(BundleError::WrongType {
                path: s.child("keyid"),
                expected: "a string or null",
            })
        }
    };
    s.deny_unknown()?;
    if signature.is_empty() {
        return Err(BundleError::Invalid {
            path: format!("{at}.sig"),
            reason: "empty signature".into(),
        });
    }
    Ok(DsseEnvelope {
        payload_type,
        payload,
        signature,
        keyid,
    })
}

impl SigstoreBundle {
    /// Parses a Sigstore bundle (any media type of spec/oms.md §2.1) whose content is a DSSE
    /// envelope with one signature. JSON names and protobuf names are both read; unknown
    /// fields are refused except inside log entries; size, nesting and list lengths are
    /// bounded. Nothing is verified.
    pub fn from_json(bytes: &[u8]) -> Result<Self, BundleError> {
        if bytes.len() > MAX_BUNDLE_BYTES {
            return Err(BundleError::TooLarge {
                len: bytes.len(),
                max: MAX_BUNDLE_BYTES,
            });
        }
        sceau_core::json::check_unique_keys(bytes).map_err(|e| BundleError::Json(e.0))?;
        let mut doc: Value =
            serde_json::from_slice(bytes).map_err(|e| BundleError::Json(e.to_string()))?;
        let mut notes = Vec::new();
        if normalise_keys(&mut doc, "$")? {
            notes.push(FormatNote::SnakeCaseFields);
        }
        let mut f = Fields::new(&doc, "$")?;
        let media = f.req_str("mediaType")?;
        let media_type = MediaType::parse(media)
            .ok_or_else(|| BundleError::MediaType(crate::predicate::cut(media)))?;
        if f.opt("messageSignature").is_some() {
            return Err(BundleError::NotDsse);
        }
        let (material, tlog_entries, rfc3161_timestamps) =
            material(f.req("verificationMaterial")?, &mut notes)?;
        let envelope = envelope(f.req("dsseEnvelope")?, &mut notes)?;
        f.deny_unknown()?;
        Ok(SigstoreBundle {
            media_type,
            material,
            tlog_entries,
            rfc3161_timestamps,
            envelope,
            notes,
            normalised: doc,
        })
    }

    /// The OMS signing method the material implies (spec/oms.md §2.3).
    pub fn method(&self) -> SigningMethod {
        match &self.material {
            Material::PublicKey(_) => SigningMethod::Key,
            Material::Certificate(_) => SigningMethod::Sigstore,
            Material::CertificateChain(_)
                if self.media_type.before_v0_3() && !self.tlog_entries.is_empty() =>
            {
                SigningMethod::Sigstore
            }
            Material::CertificateChain(_) => SigningMethod::Certificate,
        }
    }

    /// The bundle re-serialised with JSON names only (what Sigstore verifiers read).
    pub(crate) fn normalised_json(&self) -> String {
        self.normalised.to_string()
    }
}

/// Packages a DSSE envelope with exactly one signature as a Sigstore bundle v0.3 whose
/// material is `publicKey.hint` (spec/oms.md §10). sceau's records stay DSSE + in-toto
/// inside; a countersigned record is packaged once per signature (see
/// [`single_signature_envelopes`]).
pub fn to_sigstore_bundle(
    envelope: &sceau_core::dsse::Envelope,
    hint: &str,
) -> Result<Vec<u8>, PackageError> {
    if envelope.signatures.len() != 1 {
        return Err(PackageError::SignatureCount(envelope.signatures.len()));
    }
    if hint.is_empty() {
        return Err(PackageError::EmptyHint);
    }
    let sig = &envelope.signatures[0];
    let doc = json!({
        "mediaType": MEDIA_TYPE_V0_3,
        "verificationMaterial": {
            "publicKey": {"hint": hint},
            "tlogEntries": [],
        },
        "dsseEnvelope": {
            "payload": STANDARD.encode(&envelope.payload),
            "payloadType": envelope.payload_type,
            "signatures": [{"sig": STANDARD.encode(&sig.sig), "keyid": sig.keyid}],
        },
    });
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    Ok(out)
}

/// One envelope per signature of `envelope`, each with that signature alone.
pub fn single_signature_envelopes(
    envelope: &sceau_core::dsse::Envelope,
) -> Vec<sceau_core::dsse::Envelope> {
    envelope
        .signatures
        .iter()
        .map(|s| {
            let mut e =
                sceau_core::dsse::Envelope::new(&envelope.payload_type, envelope.payload.clone());
            e.signatures.push(s.clone());
            e
        })
        .collect()
}

/// Reads back a Sigstore bundle holding a DSSE envelope (of any payload type), as sceau's
/// envelope type plus the key hint when the material is a public key.
pub fn from_sigstore_bundle(
    bytes: &[u8],
) -> Result<(sceau_core::dsse::Envelope, SigstoreBundle), BundleError> {
    let b = SigstoreBundle::from_json(bytes)?;
    Ok((b.envelope.to_sceau(), b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sceau_envelope() -> sceau_core::dsse::Envelope {
        let mut e = sceau_core::dsse::Envelope::new(
            sceau_core::dsse::PAYLOAD_TYPE_INTOTO,
            br#"{"_type":"https://in-toto.io/Statement/v1"}"#.to_vec(),
        );
        e.signatures.push(sceau_core::dsse::EnvelopeSignature {
            keyid: "sceau:abc".into(),
            sig: vec![7; 64],
        });
        e
    }

    #[test]
    fn a_packaged_envelope_reads_back_unchanged() {
        let e = sceau_envelope();
        let bytes = to_sigstore_bundle(&e, "abc").unwrap();
        let (back, b) = from_sigstore_bundle(&bytes).unwrap();
        assert_eq!(back, e);
        assert_eq!(b.media_type, MediaType::V0_3);
        assert_eq!(b.method(), SigningMethod::Key);
        assert!(
            matches!(b.material, Material::PublicKey(PublicKeyMaterial { hint: Some(ref h), .. }) if h == "abc")
        );
        assert!(b.notes.is_empty());
    }

    #[test]
    fn countersigned_envelopes_are_packaged_one_signature_at_a_time() {
        let mut e = sceau_envelope();
        e.signatures.push(e.signatures[0].clone());
        assert!(matches!(
            to_sigstore_bundle(&e, "abc"),
            Err(PackageError::SignatureCount(2))
        ));
        let parts = single_signature_envelopes(&e);
        assert_eq!(parts.len(), 2);
        assert!(to_sigstore_bundle(&parts[1], "abc").is_ok());
    }

    #[test]
    fn protobuf_field_names_are_read_and_noted() {
        let e = sceau_envelope();
        let text = String::from_utf8(to_sigstore_bundle(&e, "abc").unwrap())
            .unwrap()
            .replace("mediaType", "media_type")
            .replace("verificationMaterial", "verification_material")
            .replace("payloadType", "payload_type");
        let b = SigstoreBundle::from_json(text.as_bytes()).unwrap();
        assert_eq!(b.notes, [FormatNote::SnakeCaseFields]);
        assert_eq!(b.envelope.to_sceau(), e);
    }

    #[test]
    fn deep_nesting_and_huge_inputs_are_refused_without_recursing() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(
            SigstoreBundle::from_json(deep.as_bytes()),
            Err(BundleError::Json(_))
        ));
        let big = vec![b' '; MAX_BUNDLE_BYTES + 1];
        assert!(matches!(
            SigstoreBundle::from_json(&big),
            Err(BundleError::TooLarge { .. })
        ));
    }

    #[test]
    fn hostile_shapes_are_refused_with_their_path() {
        let ok = String::from_utf8(to_sigstore_bundle(&sceau_envelope(), "abc").unwrap()).unwrap();
        let cases = [
            (ok.replace("v0.3+json", "v9+json"), "media type"),
            (
                ok.replace(r#""tlogEntries""#, r#""extra": 1, "tlogEntries""#),
                "unknown field",
            ),
            (
                ok.replace(
                    r#""publicKey""#,
                    r#""certificate": {"rawBytes": "AA=="}, "publicKey""#,
                ),
                "exactly one",
            ),
            (
                ok.replace(r#""keyid": "sceau:abc""#, r#""keyid": 5"#),
                "string or null",
            ),
            (ok.replace("\"payload\": \"", "\"payload\": \"!"), "base64"),
        ];
        for (text, want) in cases {
            let e = SigstoreBundle::from_json(text.as_bytes()).unwrap_err();
            assert!(e.to_string().contains(want), "{want}: {e}");
        }
    }
}
