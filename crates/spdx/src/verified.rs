//! What a verification established about a record, for its SPDX export (spec/spdx.md §7): the
//! record's digest, when and by whom it was signed, and the ancestors its lineage walk reached
//! with the links between them.
//!
//! This crate does not verify anything: the caller (`sceau export`) fills these values from the
//! verification it ran, and the document says what they say.
use sceau_core::{Relation, Sha256Digest};

/// What verifying a record found, given to [`crate::record_to_spdx3`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedRecord {
    /// The record's id: the SHA-256 of its signed payload.
    pub record: Sha256Digest,
    /// When it was signed, as the signed Statement says (`YYYY-MM-DDThh:mm:ssZ`): the model's
    /// `releaseTime`. Without it, or in another form, the document's creation time is used.
    pub signed_at: Option<String>,
    /// Who signed it, as the verification names them (`alice (3f0c…)`).
    pub signers: Vec<String>,
    /// Every ancestor the lineage walk reached, in any order.
    pub ancestors: Vec<Ancestor>,
    /// Every "child derives from parent" link the walk followed, in walk order. Links whose
    /// child is neither the record nor a verified ancestor are not written: only a verified
    /// record's word about its parents is exported.
    pub links: Vec<Link>,
}

/// One ancestor record, as the lineage walk found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ancestor {
    /// The SHA-256 of its signed payload.
    pub record: Sha256Digest,
    /// Its release name (from its record when read, else as its child names it).
    pub name: String,
    /// Its release version, likewise.
    pub version: String,
    /// Whether it verified under the trust for its name.
    pub status: AncestorStatus,
}

/// Whether an ancestor verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AncestorStatus {
    /// Signed by enough keys trusted for its release name.
    Verified {
        /// Who signed it.
        signers: Vec<String>,
    },
    /// Not verified (unverified, missing or refused), allowed by the caller's options.
    NotVerified {
        /// Why, for people.
        reason: String,
    },
}

impl AncestorStatus {
    /// True for [`AncestorStatus::Verified`].
    pub fn is_verified(&self) -> bool {
        matches!(self, AncestorStatus::Verified { .. })
    }

    /// The package comment: `verified by sceau, signed by …` or `NOT verified by sceau: …`.
    pub fn comment(&self) -> String {
        match self {
            AncestorStatus::Verified { signers } if signers.is_empty() => {
                "record verified by sceau".to_owned()
            }
            AncestorStatus::Verified { signers } => {
                format!("record verified by sceau, signed by {}", signers.join(", "))
            }
            AncestorStatus::NotVerified { reason } => {
                format!("record NOT verified by sceau: {reason}")
            }
        }
    }
}

/// A link of the lineage: `child` names `parent` as a parent, with `relation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The deriving record.
    pub child: Sha256Digest,
    /// The record it names.
    pub parent: Sha256Digest,
    /// How it derives.
    pub relation: Relation,
}
