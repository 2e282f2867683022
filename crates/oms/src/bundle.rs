//! An OMS bundle: a Sigstore bundle whose DSSE payload is an OMS statement (spec/oms.md §2–§4).
use crate::error::BundleError;
use crate::sigstore_bundle::{Material, SigningMethod, SigstoreBundle};
use crate::statement::OmsStatement;
use crate::summary::BundleSummary;

/// A parsed, unverified OMS bundle (`model.sig`). Everything in it is a claim until one of
/// [`crate::verify_key`], [`crate::verify_certificate`] or [`crate::verify_keyless`] returns.
#[derive(Clone, Debug)]
pub struct Bundle {
    sigstore: SigstoreBundle,
    statement: OmsStatement,
}

impl Bundle {
    /// Parses an OMS bundle written by any `model_signing` version or OMS v1.0 producer
    /// (spec/oms.md §2.4): the Sigstore bundle, its DSSE envelope (payload type in-toto),
    /// and the statement inside, whose root digest is recomputed and compared.
    pub fn from_json(bytes: &[u8]) -> Result<Self, BundleError> {
        let sigstore = SigstoreBundle::from_json(bytes)?;
        if sigstore.envelope.payload_type != sceau_core::dsse::PAYLOAD_TYPE_INTOTO {
            return Err(BundleError::PayloadType(crate::predicate::cut(
                &sigstore.envelope.payload_type,
            )));
        }
        let statement = OmsStatement::from_payload(&sigstore.envelope.payload)?;
        Ok(Bundle {
            sigstore,
            statement,
        })
    }

    /// The Sigstore layer: media type, material, log entries, envelope.
    pub fn sigstore(&self) -> &SigstoreBundle {
        &self.sigstore
    }

    /// The statement, unverified.
    pub fn unverified_statement(&self) -> &OmsStatement {
        &self.statement
    }

    /// The signing method.
    pub fn method(&self) -> SigningMethod {
        self.sigstore.method()
    }

    /// What the bundle claims, for `sceau inspect` (spec/oms.md §2.5). Nothing is verified;
    /// certificate fields are read without checking any signature.
    pub fn describe(&self) -> BundleSummary {
        BundleSummary::of(self)
    }

    pub(crate) fn material(&self) -> &Material {
        &self.sigstore.material
    }

    pub(crate) fn into_statement(self) -> OmsStatement {
        self.statement
    }
}
