//! The `certificate` method: a chain to a CA the caller names (spec/oms.md §7).
//!
//! The path is built and checked by OpenSSL's `X509_verify_cert`, the engine `model_signing`
//! itself uses (through pyOpenSSL), so that both accept the same chains; the usage rule and
//! the DSSE signature are checked here.
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::{X509StoreContext, X509};

use crate::bundle::Bundle;
use crate::cert::CertificateInfo;
use crate::error::{KeyError, VerifyError};
use crate::key::OmsPublicKey;
use crate::sigstore_bundle::{Material, SigningMethod};
use crate::verified::{Check, VerifiedOmsStatement, VerifiedSigner};
use crate::verify_key::check_signature;

/// Most CA certificates one trust file may hold.
pub const MAX_CA_CERTIFICATES: usize = 1000;

/// CA certificates the caller trusts (trust anchors), e.g. `--certificate_chain ca.pem`.
pub struct CaCertificates {
    certs: Vec<X509>,
}

impl std::fmt::Debug for CaCertificates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaCertificates")
            .field("count", &self.certs.len())
            .finish()
    }
}

impl CaCertificates {
    /// Reads every `CERTIFICATE` PEM block of `pem` (one or more).
    pub fn from_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let blocks = crate::pem::blocks(pem, "CERTIFICATE")?;
        if blocks.is_empty() {
            return Err(KeyError::NoPem("CERTIFICATE"));
        }
        if blocks.len() > MAX_CA_CERTIFICATES {
            return Err(KeyError::TooLarge {
                what: "CA certificate list",
                len: blocks.len(),
                max: MAX_CA_CERTIFICATES,
            });
        }
        let certs = blocks
            .iter()
            .enumerate()
            .map(|(index, der)| {
                CertificateInfo::from_der(der, index)?;
                X509::from_der(der).map_err(|e| KeyError::Certificate {
                    index,
                    reason: e.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CaCertificates { certs })
    }

    /// How many certificates.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// True when empty (never, once read).
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

/// When the certificates must be valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateTime {
    /// At this instant (e.g. now), seconds since the epoch.
    At(i64),
    /// At the signing certificate's `notBefore`: what `model_signing` 1.1.1 does, so that a
    /// signature stays valid after the certificate expires (there is no trusted signing time).
    SigningCertificateNotBefore,
}

fn openssl_error(e: openssl::error::ErrorStack) -> VerifyError {
    VerifyError::OpenSsl(e.to_string())
}

/// Verifies a `certificate`-method bundle against `cas` (spec/oms.md §7): the bundle's chain
/// (signing certificate first, then intermediates, all untrusted) must lead to one of `cas`
/// with every certificate valid at `at`; the signing certificate must allow
/// `digitalSignature` or `codeSigning`; its ECDSA key must verify the DSSE signature.
pub fn verify_certificate(
    bundle: &Bundle,
    cas: &CaCertificates,
    at: CertificateTime,
) -> Result<VerifiedOmsStatement, VerifyError> {
    let chain = match bundle.material() {
        Material::CertificateChain(chain) if bundle.method() == SigningMethod::Certificate => chain,
        _ => {
            return Err(VerifyError::Method {
                expected: SigningMethod::Certificate.name(),
                actual: bundle.method().name(),
            })
        }
    };
    let infos = chain
        .iter()
        .enumerate()
        .map(|(i, der)| CertificateInfo::from_der(der, i))
        .collect::<Result<Vec<_>, _>>()?;
    let (Some(leaf_info), Some(leaf_der)) = (infos.first(), chain.first()) else {
        // The parser refuses an empty chain; fail closed all the same.
        return Err(VerifyError::Key(KeyError::Certificate {
            index: 0,
            reason: "empty certificate chain".into(),
        }));
    };
    let checked_at = match at {
        CertificateTime::At(t) => t,
        CertificateTime::SigningCertificateNotBefore => leaf_info.not_before,
    };

    let mut store = X509StoreBuilder::new().map_err(openssl_error)?;
    for ca in &cas.certs {
        store.add_cert(ca.clone()).map_err(openssl_error)?;
    }
    let mut param = X509VerifyParam::new().map_err(openssl_error)?;
    param.set_time(checked_at);
    store.set_param(&param).map_err(openssl_error)?;
    let store = store.build();

    let to_x509 = |(i, der): (usize, &Vec<u8>)| {
        X509::from_der(der).map_err(|e| {
            VerifyError::Key(KeyError::Certificate {
                index: i,
                reason: e.to_string(),
            })
        })
    };
    let leaf = to_x509((0, leaf_der))?;
    let mut untrusted = Stack::new().map_err(openssl_error)?;
    for (i, der) in chain.iter().enumerate().skip(1) {
        untrusted.push(to_x509((i, der))?).map_err(openssl_error)?;
    }
    let mut ctx = X509StoreContext::new().map_err(openssl_error)?;
    let path = ctx
        .init(&store, &leaf, &untrusted, |c| {
            if c.verify_cert()? {
                let ders = match c.chain() {
                    Some(s) => s
                        .iter()
                        .map(|x| x.to_der())
                        .collect::<Result<Vec<_>, _>>()?,
                    None => Vec::new(),
                };
                Ok(Ok(ders))
            } else {
                Ok(Err((c.error().error_string().to_owned(), c.error_depth())))
            }
        })
        .map_err(openssl_error)?
        .map_err(|(reason, depth)| VerifyError::Chain { reason, depth })?;

    let mut checks = vec![
        Check::MediaType(bundle.sigstore().media_type.as_str()),
        Check::Statement,
        Check::ChainToCa { depth: path.len() },
    ];
    if !leaf_info.may_sign() {
        return Err(VerifyError::KeyUsage);
    }
    checks.push(Check::KeyUsage);
    let key = OmsPublicKey::from_spki_der(&leaf_info.spki_der)?;
    let pae = check_signature(bundle, &key, "signing certificate")?;
    checks.push(Check::Signature(pae));
    Ok(VerifiedOmsStatement {
        statement: bundle.clone().into_statement(),
        signer: VerifiedSigner::Certificate {
            subject: leaf_info.subject.clone(),
            chain: subjects(&infos, &path),
            checked_at,
            curve: key.curve(),
        },
        checks,
    })
}

/// The subjects of the path OpenSSL verified (DER certificates, signing certificate first),
/// falling back to the bundle's own chain.
fn subjects(infos: &[CertificateInfo], path: &[Vec<u8>]) -> Vec<String> {
    let verified: Vec<String> = path
        .iter()
        .enumerate()
        .filter_map(|(i, der)| CertificateInfo::from_der(der, i).ok().map(|c| c.subject))
        .collect();
    if verified.len() == path.len() && !verified.is_empty() {
        verified
    } else {
        infos.iter().map(|i| i.subject.clone()).collect()
    }
}
