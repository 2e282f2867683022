//! The trust policy: a signed, versioned document naming the maintainers, their threshold,
//! revoked keys, certifiers and release scopes (spec/policy.md), after TUF's root role.
//!
//! - [`PolicyDocument`] is a policy that passed the content checks of spec/policy.md §3,
//!   built from [`PolicyParts`] or parsed from a payload; it is not yet trusted.
//! - [`sign_policy`] and [`add_policy_signature`] make and countersign policy envelopes.
//! - [`verify_root`] verifies a pinned policy, [`verify_chain`] walks updates from it; both
//!   take the verification time and return a [`VerifiedPolicy`].
//!
//! Nothing here reads files or the clock.

mod document;
mod error;
mod scope;
mod sign;
mod verify;
mod window;

pub use document::{
    Certifier, Maintainer, PolicyDocument, PolicyParts, ReleaseScope, MAX_CERTIFIERS,
    MAX_MAINTAINERS, MAX_NAME_BYTES, MAX_RELEASE_SCOPES, MAX_REVOKED, MAX_STANDARDS,
};
pub use error::PolicyError;
pub use scope::{ReleasePattern, MAX_PATTERN_BYTES};
pub use sign::{add_policy_signature, sign_policy};
pub use verify::{verify_chain, verify_root, VerifiedPolicy};
pub use window::{KeyWindow, WindowCheck};

use sceau_core::dsse::Envelope;

/// `payloadType` of a policy envelope (spec/policy.md §1.1).
pub const PAYLOAD_TYPE_POLICY: &str = "application/vnd.sceau.policy+json";

/// `_type` of a policy document (spec/policy.md §2.1).
pub const POLICY_TYPE: &str = "https://sceau.dev/policy/v1";

/// Largest policy payload accepted, checked before parsing (spec/policy.md §1.2).
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;

/// Largest policy envelope file accepted by [`read_policy_envelope`], checked before parsing
/// (spec/policy.md §1.2): the payload limit in base64, plus room for the signatures.
pub const MAX_POLICY_ENVELOPE_BYTES: usize = 2 * MAX_POLICY_BYTES;

/// Parses a policy envelope file, refusing it unread if it is over
/// [`MAX_POLICY_ENVELOPE_BYTES`] (spec/policy.md §1.2). Nothing is verified.
pub fn read_policy_envelope(bytes: &[u8]) -> Result<Envelope, PolicyError> {
    if bytes.len() > MAX_POLICY_ENVELOPE_BYTES {
        return Err(PolicyError::TooLarge {
            what: "envelope",
            len: bytes.len(),
            limit: MAX_POLICY_ENVELOPE_BYTES,
        });
    }
    Envelope::from_json(bytes).map_err(PolicyError::Envelope)
}

#[cfg(test)]
mod tests;
