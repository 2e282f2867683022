//! Errors of reading, signing and verifying a trust policy (spec/policy.md §9).

use sceau_core::dsse::EnvelopeError;
use sceau_core::Timestamp;
use sceau_sign::{KeyError, KeyId, SignError};

use super::{PAYLOAD_TYPE_POLICY, POLICY_TYPE};

/// Why a trust policy could not be read, signed or verified.
///
/// Variants are grouped by stage (spec/policy.md §9): reading the document (parse stage),
/// checking its content, counting its signatures, walking a chain of updates, and expiry.
/// Each names the policy version, key ids and counts involved where they are known.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    // ----- parse stage -------------------------------------------------------------------
    /// The policy envelope file is not a well-formed DSSE envelope.
    #[error("the policy is not a readable DSSE envelope")]
    Envelope(#[source] EnvelopeError),
    /// The envelope file or the payload is larger than its limit; it was not parsed
    /// (spec/policy.md §1.2).
    #[error("the policy {what} is {len} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// What is too large: "envelope" or "payload".
        what: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The envelope's `payloadType` is not the policy type (spec/policy.md §1.1): this is
    /// some other signed document, perhaps a release record given as a policy.
    #[error("the envelope's payloadType is {found:?}, not {PAYLOAD_TYPE_POLICY:?}: not a policy")]
    WrongPayloadType {
        /// The payload type found.
        found: String,
    },
    /// The payload is not JSON of the policy's shape: unknown, missing or duplicate field,
    /// wrong type, trailing data (spec/policy.md §2).
    #[error("the policy payload is malformed")]
    Malformed(#[source] serde_json::Error),
    /// The `_type` field is not the policy type this version of sceau reads
    /// (spec/policy.md §2.1).
    #[error("the policy has _type {found:?}, expected {POLICY_TYPE:?}")]
    WrongType {
        /// The `_type` found.
        found: String,
    },

    // ----- content checks (spec/policy.md §3) --------------------------------------------
    /// `version` is 0; versions start at 1 (spec/policy.md §2.2).
    #[error("policy version 0 is not allowed: versions start at 1")]
    VersionZero,
    /// `expires` is not an RFC 3339 date-time, or one that cannot be written back as one
    /// (spec/policy.md §2.3).
    #[error("policy expiry {value:?} is not an RFC 3339 date-time (e.g. 2026-01-31T00:00:00Z)")]
    InvalidExpires {
        /// The value as written.
        value: String,
        /// The parser's complaint, when there is one.
        #[source]
        source: Option<sceau_core::TimestampError>,
    },
    /// A list holds more entries than the limit (spec/policy.md §3.1).
    #[error("the policy lists {count} {what}, over the limit of {limit}")]
    TooMany {
        /// Which list: "maintainers", "certifiers", …
        what: &'static str,
        /// Entries found.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A name or identifier is empty, too long, or contains control characters or
    /// surrounding spaces (spec/policy.md §3.2).
    #[error("{role} name {name:?} is not acceptable: {reason}")]
    InvalidName {
        /// "maintainer", "certifier" or "standard".
        role: &'static str,
        /// The name as written (truncated to 80 characters).
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two entries of the same list share a name (spec/policy.md §3.2).
    #[error("{role} name {name:?} appears twice")]
    DuplicateName {
        /// "maintainer", "certifier", "standard of certifier …" or "maintainer of scope …".
        role: String,
        /// The repeated name.
        name: String,
    },
    /// A key could not be read or was refused by the load checks (weak, non-canonical, wrong
    /// algorithm, key id not matching the key) (spec/policy.md §3.3).
    #[error("the key of {role} {name:?} is refused")]
    InvalidKey {
        /// "maintainer", "certifier" or "revoked".
        role: &'static str,
        /// The entry's name, or the revoked entry as written (truncated).
        name: String,
        /// Why the key was refused.
        #[source]
        source: KeyError,
    },
    /// The same key is listed twice, under two names (spec/policy.md §3.3). A key counts once
    /// toward a threshold, so listing it twice would only overstate the number of maintainers.
    #[error("key {key_id} is listed for both {role} {first:?} and {second:?}")]
    DuplicateKey {
        /// "maintainer" or "certifier".
        role: &'static str,
        /// Key id of the repeated key.
        key_id: KeyId,
        /// Name of the first entry holding it.
        first: String,
        /// Name of the second entry holding it.
        second: String,
    },
    /// The same key id appears twice in `revoked` (spec/policy.md §2.6).
    #[error("key {key_id} is listed twice in revoked")]
    DuplicateRevoked {
        /// The repeated key id.
        key_id: KeyId,
    },
    /// A maintainer's or certifier's validity window is not two RFC 3339 date-times, or is
    /// empty (spec/policy.md §2.9).
    #[error("the validity window of {who:?} is refused: {reason}")]
    InvalidWindow {
        /// The maintainer or certifier name (truncated).
        who: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A threshold is 0 or larger than the number of non-revoked maintainers it counts
    /// (spec/policy.md §3.4).
    #[error(
        "threshold {threshold}{} must be between 1 and the {maintainers} non-revoked \
         maintainer(s) it counts",
        scope_suffix(.scope)
    )]
    InvalidThreshold {
        /// The threshold as written.
        threshold: u64,
        /// Non-revoked maintainers it counts.
        maintainers: usize,
        /// The release pattern of the scope, for a scope's threshold; `None` for the global one.
        scope: Option<String>,
    },
    /// A release pattern is not `org/name` nor `prefix/*` (spec/policy.md §7.1).
    #[error("release pattern {pattern:?} is not acceptable: {reason}")]
    InvalidPattern {
        /// The pattern as written (truncated to 80 characters).
        pattern: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two release scopes have the same pattern, compared ignoring ASCII case
    /// (spec/policy.md §7.1).
    #[error("release pattern {pattern:?} appears twice")]
    DuplicatePattern {
        /// The repeated pattern.
        pattern: String,
    },
    /// A release scope names a maintainer the policy does not list (spec/policy.md §7.2).
    #[error("release scope {pattern:?} names maintainer {name:?}, who is not in the policy")]
    UnknownScopeMaintainer {
        /// The scope's pattern.
        pattern: String,
        /// The unknown name.
        name: String,
    },
    /// A certifier lists no standard, or a release scope no maintainer (spec/policy.md §3.5).
    #[error("{what} is empty")]
    EmptyList {
        /// Which list, described ("standards of certifier \"x\"", …).
        what: String,
    },

    // ----- signatures (spec/policy.md §4, §5) ---------------------------------------------
    /// Fewer distinct non-revoked maintainers of the policy signed it than its threshold
    /// requires (spec/policy.md §5).
    #[error(
        "policy version {version} is signed by {found} of its maintainers, {needed} needed \
         ({invalid} invalid signature(s), {untrusted} by keys it does not list)"
    )]
    BelowThreshold {
        /// The policy version.
        version: u64,
        /// The threshold.
        needed: usize,
        /// Distinct non-revoked maintainer keys with a valid signature.
        found: usize,
        /// Signatures that claim a maintainer's key id, or are not 64 bytes, but verify
        /// under no maintainer key.
        invalid: usize,
        /// Signatures by keys the policy does not list (or revoked).
        untrusted: usize,
    },
    /// No key was given to sign a policy with.
    #[error("no key given to sign the policy with")]
    NoSigningKey,
    /// Signing failed (the same key given twice, a failed self-check, too many signatures).
    #[error("could not sign the policy")]
    Sign(#[source] SignError),

    // ----- chain of updates (spec/policy.md §6) ---------------------------------------------
    /// An update could not be read or fails the content checks; `position` is 1-based in the
    /// list of updates.
    #[error("policy update {position} is refused")]
    Update {
        /// 1-based position of the update in the list given.
        position: usize,
        /// What is wrong with it.
        #[source]
        source: Box<PolicyError>,
    },
    /// An update's version is not larger than the one before it (spec/policy.md §6.1): an
    /// older or repeated policy was offered as an update.
    #[error(
        "policy version {found} cannot follow version {previous}: versions only go up \
         (rollback refused)"
    )]
    Rollback {
        /// The version it should follow.
        previous: u64,
        /// The update's version.
        found: u64,
    },
    /// An update skips versions (spec/policy.md §6.1): every version must be given, in order.
    #[error(
        "policy version {found} cannot follow version {previous}: versions go up by exactly 1, \
         give version {expected} first",
        expected = .previous.saturating_add(1)
    )]
    VersionGap {
        /// The version it should follow.
        previous: u64,
        /// The update's version.
        found: u64,
    },
    /// An update is not signed by a threshold of the previous version's non-revoked
    /// maintainers (spec/policy.md §6.2): a rotation signed only by new keys.
    #[error(
        "policy version {version} is signed by {found} of version {previous_version}'s \
         maintainers, {needed} needed: a new version must be approved by the previous \
         version's maintainers"
    )]
    RotationNotSignedByPrevious {
        /// The update's version.
        version: u64,
        /// The version it follows.
        previous_version: u64,
        /// The previous version's threshold.
        needed: usize,
        /// Distinct previous maintainers with a valid signature on the update.
        found: usize,
    },
    /// An update no longer lists a key that the previous version revoked
    /// (spec/policy.md §6.3): revocation is permanent.
    #[error(
        "policy version {version} drops key {key_id} from revoked; a revoked key stays revoked"
    )]
    RevocationDropped {
        /// The update's version.
        version: u64,
        /// The key id no longer revoked.
        key_id: KeyId,
    },

    // ----- expiry (spec/policy.md §5, §6.4) ------------------------------------------------
    /// The policy (the last of a chain) has expired at the verification time.
    #[error(
        "policy version {version} expired at {}, verification time is {}",
        show_time(.expires),
        show_time(.now)
    )]
    Expired {
        /// The policy version.
        version: u64,
        /// Its expiry.
        expires: Timestamp,
        /// The verification time given.
        now: Timestamp,
    },
}

fn scope_suffix(scope: &Option<String>) -> String {
    match scope {
        Some(p) => format!(" of release scope {p:?}"),
        None => String::new(),
    }
}

/// RFC 3339 if it can be written so, else the debug form.
pub(crate) fn show_time(t: &Timestamp) -> String {
    t.to_string()
}

/// At most `n` characters of untrusted text, for error messages.
pub(crate) fn truncated(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
