//! Whose signatures count for a record: `--key` files for every name, or a verified policy
//! whose release scopes and key validity windows depend on what the record says about itself
//! (spec/verify.md §2.2, spec/policy.md §2.9 and §7.3).
use sceau_core::Timestamp;
use sceau_sign::PublicKey;

use crate::policy::{KeyWindow, VerifiedPolicy, WindowCheck};

/// The keys a record must be signed by.
#[derive(Clone, Debug)]
pub struct Trust {
    /// Trusted keys with a name for each (revoked and out-of-window keys already removed).
    pub keys: Vec<(String, PublicKey)>,
    /// Distinct keys needed.
    pub threshold: usize,
    /// Where the trust comes from, for the report (`--key`, `policy v2 for release "x"`).
    pub source: String,
    /// Keys that would have been trusted for this record but do not count, and why. Their
    /// signatures are named in the report, never counted.
    pub excluded: Vec<ExcludedKey>,
}

impl Trust {
    /// Trust in `keys` for every record, `threshold` of them (`--key`, a signing self-check).
    pub fn keys(keys: Vec<(String, PublicKey)>, threshold: usize, source: &str) -> Trust {
        Trust {
            keys,
            threshold,
            source: source.to_owned(),
            excluded: Vec::new(),
        }
    }
}

/// A key left out of a record's trust.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExcludedKey {
    /// The maintainer's name.
    pub name: String,
    /// The key.
    pub key: PublicKey,
    /// Why it does not count.
    pub reason: Exclusion,
}

/// Why a key does not count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Exclusion {
    /// The policy revokes it (spec/policy.md §2.6).
    Revoked,
    /// The record's signing time is outside the key's validity window, or the record has no
    /// signing time to check it against (spec/policy.md §2.9).
    Window {
        /// The key's window.
        window: KeyWindow,
        /// Where the signing time fell.
        check: WindowCheck,
    },
}

impl std::fmt::Display for Exclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exclusion::Revoked => f.write_str("revoked"),
            Exclusion::Window { window, check } => {
                let why = match check {
                    WindowCheck::TooEarly => "signed before its validity window",
                    WindowCheck::TooLate => "signed after its validity window",
                    WindowCheck::NoTime => {
                        "the record has no signing time to place in its validity window"
                    }
                    WindowCheck::Inside => "inside its validity window",
                };
                write!(f, "{why} (valid {window})")
            }
        }
    }
}

/// What a record says about itself that decides whose signatures count. Read from the payload
/// before its signatures are checked, and only when [`TrustResolver::reads_payload`] says so;
/// the verified payload is the same bytes, so what was read is what was signed.
#[derive(Clone, Copy, Debug)]
pub struct Claimed<'a> {
    /// The release name (`""` when the payload could not be read).
    pub name: &'a str,
    /// The signing time, when the record carries a valid one.
    pub signed_at: Option<Timestamp>,
}

/// Who may sign a record (spec/verify.md §2.2, spec/lineage.md §3.2).
pub trait TrustResolver {
    /// Whether the trust depends on the record's name or signing time, so that the payload
    /// must be read before its signatures are checked. With `false` nothing in the payload is
    /// read before the signatures verify.
    fn reads_payload(&self) -> bool;

    /// The keys and threshold for this record; `None` when nobody is trusted for its name.
    fn trust_for(&self, claimed: &Claimed<'_>) -> Option<Trust>;
}

/// The same trust for every record (`--key` mode).
#[derive(Clone, Debug)]
pub struct FixedTrust(pub Trust);

impl TrustResolver for FixedTrust {
    fn reads_payload(&self) -> bool {
        false
    }

    fn trust_for(&self, _claimed: &Claimed<'_>) -> Option<Trust> {
        (!self.0.keys.is_empty()).then(|| self.0.clone())
    }
}

/// Trust from a verified policy: each name gets the keys and threshold of its most specific
/// release scope (spec/policy.md §7.3), less the keys whose validity window does not contain
/// the record's signing time (§2.9).
#[derive(Clone, Copy, Debug)]
pub struct PolicyTrust<'a> {
    /// The verified policy.
    pub policy: &'a VerifiedPolicy,
    /// A threshold the user asks for on top of the policy's (`--threshold`); 0 for none.
    pub at_least: usize,
}

impl<'a> PolicyTrust<'a> {
    /// The policy's own thresholds.
    pub fn new(policy: &'a VerifiedPolicy) -> PolicyTrust<'a> {
        PolicyTrust {
            policy,
            at_least: 0,
        }
    }
}

impl TrustResolver for PolicyTrust<'_> {
    fn reads_payload(&self) -> bool {
        true
    }

    fn trust_for(&self, claimed: &Claimed<'_>) -> Option<Trust> {
        let (scope, threshold) = self.policy.scope_for(claimed.name);
        let mut keys = Vec::new();
        let mut excluded = Vec::new();
        for m in scope {
            let reason = if self.policy.is_revoked(&m.key) {
                Some(Exclusion::Revoked)
            } else {
                match m.window.check(claimed.signed_at) {
                    WindowCheck::Inside => None,
                    check => Some(Exclusion::Window {
                        window: m.window,
                        check,
                    }),
                }
            };
            match reason {
                None => keys.push((m.name.clone(), m.key)),
                Some(reason) => excluded.push(ExcludedKey {
                    name: m.name.clone(),
                    key: m.key,
                    reason,
                }),
            }
        }
        if keys.is_empty() && excluded.is_empty() {
            return None;
        }
        Some(Trust {
            keys,
            threshold: threshold.max(self.at_least),
            source: format!(
                "policy v{} for release {:?}",
                self.policy.version(),
                claimed.name
            ),
            excluded,
        })
    }
}
