//! Which kind of record a file holds, told from its bytes (spec/verify.md §6.1): a sceau record
//! as a DSSE envelope (spec/record.md), the same record packaged as a Sigstore bundle
//! (spec/oms.md §10), or an OpenSSF Model Signing bundle (`model.sig`, spec/oms.md §2).
//!
//! Telling them apart reads no signature and decides nothing about trust: each form is then
//! parsed strictly, and verified, by its own rules.
use std::borrow::Cow;

use sceau_core::dsse::{decode_base64, Envelope};
use sceau_core::statement::PREDICATE_CYCLONEDX;
use sceau_oms::{from_sigstore_bundle, BundleError, SigstoreBundle};
use serde::de::IgnoredAny;
use serde::Deserialize;

/// The kinds of record `sceau verify --record` and `sceau inspect` read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordForm {
    /// A sceau record: a DSSE envelope (spec/record.md §1).
    Dsse,
    /// A sceau record packaged as a Sigstore bundle v0.3 (`sceau sign --bundle`, spec/oms.md
    /// §10): the same envelope inside.
    SigstoreBundle,
    /// An OpenSSF Model Signing bundle (`model.sig`): a Sigstore bundle whose DSSE payload is
    /// an OMS statement (spec/oms.md §2–§4).
    Oms,
}

#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "mediaType", alias = "media_type")]
    media_type: Option<IgnoredAny>,
    #[serde(rename = "dsseEnvelope", alias = "dsse_envelope")]
    dsse: Option<ProbeEnvelope>,
}

#[derive(Deserialize)]
struct ProbeEnvelope {
    payload: Option<String>,
}

#[derive(Deserialize)]
struct ProbeStatement {
    #[serde(rename = "predicateType")]
    predicate_type: Option<String>,
}

impl RecordForm {
    /// The form of `bytes`: a JSON object with a `mediaType` (or `media_type`) is a Sigstore
    /// bundle; it is a packaged sceau record when its DSSE payload's `predicateType` is
    /// sceau's (`https://cyclonedx.org/bom`), and is read as an OMS bundle otherwise, the
    /// payload unreadable or of another predicate included (the OMS reader then says what is
    /// wrong: an OMS specification vector has a foreign predicate type). Everything else is
    /// read as a DSSE envelope, whose parser says what is wrong with it.
    pub fn of(bytes: &[u8]) -> RecordForm {
        let Ok(probe) = serde_json::from_slice::<Probe>(bytes) else {
            return RecordForm::Dsse;
        };
        if probe.media_type.is_none() {
            return RecordForm::Dsse;
        }
        let predicate = probe
            .dsse
            .and_then(|e| e.payload)
            .and_then(|p| decode_base64(&p))
            .and_then(|p| serde_json::from_slice::<ProbeStatement>(&p).ok())
            .and_then(|s| s.predicate_type);
        match predicate {
            Some(t) if t == PREDICATE_CYCLONEDX => RecordForm::SigstoreBundle,
            _ => RecordForm::Oms,
        }
    }

    /// How the report and `inspect` name the form.
    pub fn describe(self) -> &'static str {
        match self {
            RecordForm::Dsse => "sceau record (DSSE envelope)",
            RecordForm::SigstoreBundle => "sceau record packaged as a Sigstore bundle",
            RecordForm::Oms => "OpenSSF Model Signing bundle",
        }
    }
}

/// A sceau record's DSSE envelope bytes, whichever form it came in.
#[derive(Debug)]
pub struct SceauRecordBytes<'a> {
    /// The envelope as sceau's record parser reads it: the input itself for a DSSE record,
    /// the envelope taken out of the bundle otherwise (same payload, type, signatures).
    pub envelope: Cow<'a, [u8]>,
    /// The Sigstore bundle it came in, if any.
    pub bundle: Option<SigstoreBundle>,
}

/// Why a record file is not a sceau record in either form.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// The file is an OMS signature: it signs a model's files but carries no bill of
    /// materials, so it cannot stand where a sceau record is needed (a parent, a store entry).
    #[error(
        "this is an OpenSSF Model Signing bundle, not a sceau record: it carries no bill of \
         materials"
    )]
    OmsBundle,
    /// A Sigstore bundle that does not read.
    #[error("Sigstore bundle: {0}")]
    Bundle(#[from] BundleError),
}

/// The envelope of a sceau record given as a DSSE envelope or as a Sigstore bundle
/// (spec/oms.md §10). A DSSE record is handed back unchanged, unparsed; a bundle is read
/// strictly and its envelope re-serialised (the payload bytes, and so the record id, are the
/// same). An OMS bundle is refused.
pub fn sceau_record_bytes(bytes: &[u8]) -> Result<SceauRecordBytes<'_>, FormError> {
    match RecordForm::of(bytes) {
        RecordForm::Dsse => Ok(SceauRecordBytes {
            envelope: Cow::Borrowed(bytes),
            bundle: None,
        }),
        RecordForm::Oms => Err(FormError::OmsBundle),
        RecordForm::SigstoreBundle => {
            let (env, bundle): (Envelope, SigstoreBundle) = from_sigstore_bundle(bytes)?;
            Ok(SceauRecordBytes {
                envelope: Cow::Owned(env.to_json()),
                bundle: Some(bundle),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Envelope {
        let mut e = Envelope::new(
            sceau_core::dsse::PAYLOAD_TYPE_INTOTO,
            br#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://cyclonedx.org/bom"}"#.to_vec(),
        );
        e.signatures.push(sceau_core::dsse::EnvelopeSignature {
            keyid: "k".into(),
            sig: vec![1; 64],
        });
        e
    }

    #[test]
    fn each_form_is_told_from_its_bytes() {
        let dsse = env().to_json();
        assert_eq!(RecordForm::of(&dsse), RecordForm::Dsse);
        let bundle = sceau_oms::to_sigstore_bundle(&env(), "k").unwrap();
        assert_eq!(RecordForm::of(&bundle), RecordForm::SigstoreBundle);
        let oms = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../testdata/oms/spec-vectors/v1.0/valid/key.bundle.json"),
        )
        .unwrap();
        assert_eq!(RecordForm::of(&oms), RecordForm::Oms);
        // Not JSON, or JSON of another shape: read as DSSE, whose parser says what is wrong.
        for junk in [&b"not json"[..], b"[]", b"{}", b"{\"payload\": 5}"] {
            assert_eq!(RecordForm::of(junk), RecordForm::Dsse);
        }
        // A bundle of another predicate, or whose payload cannot be read, goes to the OMS
        // reader, which names what is wrong.
        let mut other = env();
        other.payload =
            br#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://example.com/x"}"#
                .to_vec();
        let other = sceau_oms::to_sigstore_bundle(&other, "k").unwrap();
        assert_eq!(RecordForm::of(&other), RecordForm::Oms);
        assert_eq!(
            RecordForm::of(br#"{"mediaType": "x", "dsseEnvelope": {"payload": "!"}}"#),
            RecordForm::Oms
        );
    }

    #[test]
    fn a_packaged_record_gives_back_the_same_envelope() {
        let bundle = sceau_oms::to_sigstore_bundle(&env(), "k").unwrap();
        let got = sceau_record_bytes(&bundle).unwrap();
        assert_eq!(Envelope::from_json(&got.envelope).unwrap(), env());
        assert!(got.bundle.is_some());
        let dsse = env().to_json();
        let got = sceau_record_bytes(&dsse).unwrap();
        assert!(matches!(got.envelope, Cow::Borrowed(_)) && got.bundle.is_none());
        let oms = br#"{"mediaType": "x", "dsseEnvelope": {"payload": "!"}}"#;
        assert!(matches!(sceau_record_bytes(oms), Err(FormError::OmsBundle)));
    }
}
