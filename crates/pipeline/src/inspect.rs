//! What `sceau inspect` reads: a record's claims, NOT VERIFIED, whichever form the file has
//! (spec/verify.md §6.1): a sceau record as a DSSE envelope or a Sigstore bundle, or an OMS
//! bundle (spec/oms.md §2.5).
use sceau_oms::{Bundle, BundleError, BundleSummary, SigstoreBundle};
use sceau_verify::record::{read_unverified, RecordError, UnverifiedRecord};

use crate::form::{sceau_record_bytes, FormError, RecordForm};

/// A record file read without checking any signature.
#[derive(Debug)]
#[non_exhaustive]
pub enum Inspected {
    /// A sceau record.
    Sceau {
        /// Its envelope, Statement and release as written.
        record: Box<UnverifiedRecord>,
        /// The Sigstore bundle it came in, if any (`sceau sign --bundle`).
        bundle: Option<Box<SigstoreBundle>>,
    },
    /// An OpenSSF Model Signing bundle: what it claims.
    Oms(Box<BundleSummary>),
}

/// Why a record file cannot be shown.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InspectError {
    /// A sceau record that does not read.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A Sigstore bundle that does not read.
    #[error(transparent)]
    Form(#[from] FormError),
    /// An OMS bundle that does not read.
    #[error("OMS bundle: {0}")]
    Oms(#[from] BundleError),
}

impl InspectError {
    /// What the file was taken for, for the hint.
    pub fn form(&self) -> RecordForm {
        match self {
            InspectError::Record(_) => RecordForm::Dsse,
            InspectError::Form(_) => RecordForm::SigstoreBundle,
            InspectError::Oms(_) => RecordForm::Oms,
        }
    }
}

/// Reads `bytes` as whichever record form it is, checking no signature.
pub fn inspect(bytes: &[u8]) -> Result<Inspected, InspectError> {
    if RecordForm::of(bytes) == RecordForm::Oms {
        return Ok(Inspected::Oms(Box::new(
            Bundle::from_json(bytes)?.describe(),
        )));
    }
    let unwrapped = sceau_record_bytes(bytes)?;
    Ok(Inspected::Sceau {
        record: Box::new(read_unverified(&unwrapped.envelope)?),
        bundle: unwrapped.bundle.map(Box::new),
    })
}
