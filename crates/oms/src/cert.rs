//! What sceau reads from an X.509 certificate: names, validity, usages, key (spec/oms.md §7).
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage};
use x509_cert::Certificate;

use crate::error::KeyError;

/// `id-kp-codeSigning`.
const CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
/// `id-ce-keyUsage`.
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
/// `id-ce-extKeyUsage`.
const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");

/// Largest certificate accepted.
pub(crate) const MAX_CERT_BYTES: usize = 64 * 1024;

/// Fields of one certificate, read without checking any signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// Subject distinguished name (RFC 4514 text).
    pub subject: String,
    /// Issuer distinguished name (RFC 4514 text).
    pub issuer: String,
    /// `notBefore`, seconds since the epoch.
    pub not_before: i64,
    /// `notAfter`, seconds since the epoch.
    pub not_after: i64,
    /// Whether the key usage extension allows `digitalSignature` (`None`: no extension).
    pub digital_signature: Option<bool>,
    /// Whether the extended key usage extension lists `codeSigning` (`None`: no extension).
    pub code_signing: Option<bool>,
    /// The DER SubjectPublicKeyInfo.
    pub spki_der: Vec<u8>,
}

impl CertificateInfo {
    /// Reads a DER certificate (`index`: its place in a list, named in errors), without
    /// checking any signature; at most 64 KiB.
    pub fn from_der(der: &[u8], index: usize) -> Result<Self, KeyError> {
        let bad = |reason: String| KeyError::Certificate { index, reason };
        if der.len() > MAX_CERT_BYTES {
            return Err(bad(format!(
                "{} bytes, over the limit of {MAX_CERT_BYTES}",
                der.len()
            )));
        }
        let cert = Certificate::from_der(der).map_err(|e| bad(e.to_string()))?;
        let tbs = &cert.tbs_certificate;
        let secs = |t: &x509_cert::time::Time| {
            i64::try_from(t.to_unix_duration().as_secs())
                .map_err(|_| bad("time out of range".into()))
        };
        let mut digital_signature = None;
        let mut code_signing = None;
        for ext in tbs.extensions.iter().flatten() {
            if ext.extn_id == KEY_USAGE {
                let ku = KeyUsage::from_der(ext.extn_value.as_bytes())
                    .map_err(|e| bad(format!("key usage: {e}")))?;
                digital_signature = Some(ku.digital_signature());
            } else if ext.extn_id == EXT_KEY_USAGE {
                let eku = ExtendedKeyUsage::from_der(ext.extn_value.as_bytes())
                    .map_err(|e| bad(format!("extended key usage: {e}")))?;
                code_signing = Some(eku.0.contains(&CODE_SIGNING));
            }
        }
        Ok(CertificateInfo {
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            not_before: secs(&tbs.validity.not_before)?,
            not_after: secs(&tbs.validity.not_after)?,
            digital_signature,
            code_signing,
            spki_der: tbs
                .subject_public_key_info
                .to_der()
                .map_err(|e| bad(e.to_string()))?,
        })
    }

    /// `model_signing`'s usage rule: `digitalSignature` in the key usage, or `codeSigning` in
    /// the extended key usage.
    pub fn may_sign(&self) -> bool {
        self.digital_signature == Some(true) || self.code_signing == Some(true)
    }
}
