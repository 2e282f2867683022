//! What `sceau inspect` shows of an OMS bundle, unverified (spec/oms.md §2.5).
use crate::bundle::Bundle;
use crate::cert::CertificateInfo;
use crate::predicate::Serialization;
use crate::root::{ResourceOrder, RootDigest};
use crate::sigstore_bundle::{FormatNote, Material, SigningMethod};
use crate::statement::Layout;

/// Who the bundle says signed it. Unverified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignerClaim {
    /// A key, named by its hint (or, before `model_signing` 1.1, embedded).
    Key {
        /// `publicKey.hint`.
        hint: Option<String>,
        /// The embedded key's hint (hex SHA-256 of its PEM text) when `rawBytes` is present
        /// and holds an OMS key.
        embedded_key_hint: Option<String>,
        /// `keyDetails`, when present.
        key_details: Option<String>,
    },
    /// A certificate chain; the signing certificate's names.
    Certificate {
        /// Subject of the signing certificate (or why it could not be read).
        subject: String,
        /// Its issuer.
        issuer: String,
        /// Certificates in the chain.
        chain_len: usize,
    },
    /// A Fulcio certificate and Rekor entries.
    Sigstore {
        /// The certificate's SAN (email or URI).
        identity: Option<String>,
        /// The certificate's OIDC issuer extension.
        oidc_issuer: Option<String>,
        /// Log entries attached.
        tlog_entries: usize,
        /// The first entry's integrated time, seconds since the epoch.
        integrated_time: Option<i64>,
    },
}

/// A bundle's claims in one value (spec/oms.md §2.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleSummary {
    /// The Sigstore media type.
    pub media_type: &'static str,
    /// The signing method.
    pub method: SigningMethod,
    /// The signer as claimed.
    pub signer: SignerClaim,
    /// The statement layout.
    pub layout: Layout,
    /// `subject[0].name`.
    pub model_name: Option<String>,
    /// The model's root digest.
    pub root: RootDigest,
    /// Serialization parameters.
    pub serialization: Serialization,
    /// Resource names, in listed order.
    pub resources: Vec<String>,
    /// The order they are listed in.
    pub order: ResourceOrder,
    /// Differences from current output.
    pub notes: Vec<FormatNote>,
}

impl BundleSummary {
    pub(crate) fn of(b: &Bundle) -> Self {
        let s = b.unverified_statement();
        let sig = b.sigstore();
        let signer = match b.material() {
            Material::PublicKey(k) => SignerClaim::Key {
                hint: k.hint.clone(),
                embedded_key_hint: k.raw_bytes.as_ref().and_then(|raw| {
                    crate::key::OmsPublicKey::from_pem(raw)
                        .ok()
                        .map(|k| k.hint())
                }),
                key_details: k.key_details.clone(),
            },
            Material::CertificateChain(chain) if b.method() == SigningMethod::Certificate => {
                let (subject, issuer) = match chain.first().map(|c| CertificateInfo::from_der(c, 0))
                {
                    Some(Ok(c)) => (c.subject, c.issuer),
                    Some(Err(e)) => (format!("unreadable: {e}"), String::new()),
                    None => (String::new(), String::new()),
                };
                SignerClaim::Certificate {
                    subject,
                    issuer,
                    chain_len: chain.len(),
                }
            }
            Material::CertificateChain(chain) => keyless_claim(chain.first(), sig),
            Material::Certificate(c) => keyless_claim(Some(c), sig),
        };
        BundleSummary {
            media_type: sig.media_type.as_str(),
            method: b.method(),
            signer,
            layout: s.layout,
            model_name: s.model_name.clone(),
            root: s.root,
            serialization: s.predicate.serialization.clone(),
            resources: s.resources().iter().map(|r| r.name.to_string()).collect(),
            order: s.order,
            notes: sig.notes.clone(),
        }
    }
}

fn keyless_claim(
    cert: Option<&Vec<u8>>,
    sig: &crate::sigstore_bundle::SigstoreBundle,
) -> SignerClaim {
    let info = cert.and_then(|c| {
        let der = sigstore_verify::types::DerCertificate::from(c.clone());
        sigstore_verify::crypto::parse_certificate_info(&der).ok()
    });
    SignerClaim::Sigstore {
        identity: info
            .as_ref()
            .and_then(|i| i.identity.as_ref().map(|s| s.as_str().to_owned())),
        oidc_issuer: info.and_then(|i| i.issuer),
        tlog_entries: sig.tlog_entries.len(),
        integrated_time: sig.tlog_entries.first().and_then(|e| e.integrated_time),
    }
}
