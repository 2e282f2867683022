//! Whose signatures count for a record, and for which names (spec/verify.md §2.2, spec/policy.md
//! §2.9 and §7.3, spec/lineage.md §3.2).
//!
//! Trust is bound to release names. A record is verified in a [`Role`]: the release the user
//! asked about, or an ancestor (a parent named by a verified record, a grant's ancestor). A
//! bare `--key` vouches for the release being verified only; an ancestor counts only under
//! keys bound to its name (`--key 'ORG/*=PUB'`, a policy's release scope). Signatures are first
//! checked against every key that could count in the role ([`TrustResolver::candidates`]),
//! before anything in the payload is read; once one of them signed, the payload gives the name
//! and signing time that choose the keys that count ([`TrustResolver::trust_for`]).
use sceau_core::Timestamp;
use sceau_sign::PublicKey;

use crate::policy::{KeyWindow, ReleasePattern, VerifiedPolicy, WindowCheck};

/// How a record comes to be verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The release the user asked about (`sceau verify --record R`).
    Release,
    /// A record another verified record names: a parent or further ancestor, or the ancestor a
    /// licence grant speaks for.
    Ancestor,
}

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
    /// Trust in `keys`, `threshold` of them (a signing self-check, a certifier's keys).
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

/// What a record says about itself that decides whose signatures count, read from the
/// payload once a candidate key has signed it.
#[derive(Clone, Copy, Debug)]
pub struct Claimed<'a> {
    /// The release name.
    pub name: &'a str,
    /// The signing time, when the record carries a valid one.
    pub signed_at: Option<Timestamp>,
    /// How the record comes to be verified.
    pub role: Role,
}

/// Who may sign a record (spec/verify.md §2.2, spec/lineage.md §3.2).
pub trait TrustResolver {
    /// Every key that could count for some record in `role`, whatever its name and signing
    /// time: the signatures are checked against these before the payload is read. Empty when
    /// nobody can be trusted in that role.
    fn candidates(&self, role: Role) -> Vec<(String, PublicKey)>;

    /// The keys and threshold for this record; `None` when nobody is trusted for its name in
    /// its role.
    fn trust_for(&self, claimed: &Claimed<'_>) -> Option<Trust>;

    /// Keys set aside whatever the record's name (a policy's revoked keys): their signatures
    /// are named when no candidate signed, never counted.
    fn set_aside(&self) -> Vec<ExcludedKey> {
        Vec::new()
    }
}

/// A `--key` file: a key, its name, and the release names it vouches for.
#[derive(Clone, Debug)]
pub struct TrustedKey {
    /// The key's name (its comment, or the file's path).
    pub name: String,
    /// The key.
    pub key: PublicKey,
    /// `None`: a bare `--key PUB`, which vouches for the release being verified, whatever its
    /// name, and for no ancestor. `Some(pattern)`: `--key 'PATTERN=PUB'`, which vouches for
    /// every release whose name the pattern matches, in either role.
    pub scope: Option<ReleasePattern>,
}

/// `--key` trust: each key bound to the names it vouches for (spec/verify.md §2.2).
#[derive(Clone, Debug)]
pub struct KeyTrust {
    /// The keys.
    pub keys: Vec<TrustedKey>,
    /// Distinct keys needed for the release being verified (`--threshold`, default 1). An
    /// ancestor needs one key bound to its name.
    pub threshold: usize,
}

impl KeyTrust {
    fn applies(k: &TrustedKey, claimed: &Claimed<'_>) -> bool {
        match &k.scope {
            None => claimed.role == Role::Release,
            Some(p) => p.matches(claimed.name),
        }
    }
}

impl TrustResolver for KeyTrust {
    fn candidates(&self, role: Role) -> Vec<(String, PublicKey)> {
        self.keys
            .iter()
            .filter(|k| role == Role::Release || k.scope.is_some())
            .map(|k| (k.name.clone(), k.key))
            .collect()
    }

    fn trust_for(&self, claimed: &Claimed<'_>) -> Option<Trust> {
        let keys: Vec<(String, PublicKey)> = self
            .keys
            .iter()
            .filter(|k| KeyTrust::applies(k, claimed))
            .map(|k| (k.name.clone(), k.key))
            .collect();
        if keys.is_empty() {
            return None;
        }
        let (threshold, source) = match claimed.role {
            Role::Release => (self.threshold, "--key".to_owned()),
            Role::Ancestor => (1, format!("--key bound to {:?}", claimed.name)),
        };
        Some(Trust::keys(keys, threshold, &source))
    }
}

/// The same keys for every record, in either role: a signing self-check (the key that just
/// signed), never a user's trust.
#[derive(Clone, Debug)]
pub struct FixedTrust(pub Trust);

impl TrustResolver for FixedTrust {
    fn candidates(&self, _role: Role) -> Vec<(String, PublicKey)> {
        self.0.keys.clone()
    }

    fn trust_for(&self, _claimed: &Claimed<'_>) -> Option<Trust> {
        (!self.0.keys.is_empty()).then(|| self.0.clone())
    }
}

/// Trust from a verified policy: each name gets the keys and threshold of its most specific
/// release scope (spec/policy.md §7.3), less the keys whose validity window does not contain
/// the record's signing time (§2.9). The release being verified falls back to every maintainer
/// and the global threshold when no scope matches its name; an ancestor needs a scope.
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
    fn candidates(&self, role: Role) -> Vec<(String, PublicKey)> {
        let scoped: Vec<&String> = self
            .policy
            .releases()
            .iter()
            .flat_map(|s| &s.maintainers)
            .collect();
        self.policy
            .maintainers()
            .into_iter()
            .filter(|(name, _)| role == Role::Release || scoped.contains(&name))
            .collect()
    }

    fn set_aside(&self) -> Vec<ExcludedKey> {
        self.policy
            .all_maintainers()
            .iter()
            .filter(|m| self.policy.is_revoked(&m.key))
            .map(|m| ExcludedKey {
                name: m.name.clone(),
                key: m.key,
                reason: Exclusion::Revoked,
            })
            .collect()
    }

    fn trust_for(&self, claimed: &Claimed<'_>) -> Option<Trust> {
        let (scope, threshold, scoped) = self.policy.scope_for(claimed.name);
        if claimed.role == Role::Ancestor && !scoped {
            return None;
        }
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
