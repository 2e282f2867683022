//! Rollback and equivocation protection: a state of the highest release version accepted
//! under each release name (spec/policy.md §8).
//!
//! [`check`] compares a record about to be accepted with the state; [`record`] updates the
//! state after acceptance. The state is read and written with [`State::from_json`] and
//! [`State::to_json`]; the caller does the file I/O (atomically) and supplies the time.

use sceau_core::Timestamp;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use sceau_core::dsse::Envelope;
use sceau_core::Sha256Digest;
use sceau_sign::PublicKey;

use crate::pin::{Pin, MAX_PINNED_KEYS};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

/// `_type` of a state file (spec/policy.md §8.1).
pub const STATE_TYPE: &str = "https://sceau.dev/state/v1";

/// Largest state file accepted, checked before parsing (spec/policy.md §8.1).
pub const MAX_STATE_BYTES: usize = 16 * 1024 * 1024;

/// Longest release version accepted, in bytes (spec/policy.md §8.3).
pub const MAX_VERSION_BYTES: usize = 256;

/// Longest release name accepted, in bytes (spec/policy.md §8.1).
pub const MAX_NAME_BYTES: usize = 1024;

/// What the state remembers of the release accepted under one name (spec/policy.md §8.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcceptedRelease {
    /// The highest version accepted, as written in its record.
    pub version: String,
    /// SHA-256 of the accepted record's payload (the signed statement bytes).
    pub payload_sha256: Sha256Digest,
    /// When that version was first accepted.
    pub accepted_at: Timestamp,
}

/// The freshness state: for each release name, the highest version accepted
/// (spec/policy.md §8.1). Entries are only added through [`record`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    releases: BTreeMap<String, AcceptedRelease>,
    pins: BTreeMap<String, Pin>,
}

/// How a record compares with the state, when it may be accepted (spec/policy.md §8.2).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FreshnessOutcome {
    /// No version was accepted under this name before.
    FirstSeen,
    /// The same version, with the same payload, was accepted before: a re-verification.
    AlreadyAccepted {
        /// The version as recorded in the state (it may be written differently, `v2`/`2`).
        version: String,
        /// When it was first accepted.
        accepted_at: Timestamp,
    },
    /// A higher version than the one accepted before.
    Newer {
        /// The version accepted before.
        previous: String,
    },
}

impl FreshnessOutcome {
    /// For people: how the accepted `version` compares with the state.
    pub fn describe(&self, version: &str) -> String {
        match self {
            FreshnessOutcome::FirstSeen => {
                format!("version {version} is the first accepted for this name")
            }
            FreshnessOutcome::AlreadyAccepted { version, .. } => {
                format!("version {version} was accepted before with the same payload")
            }
            FreshnessOutcome::Newer { previous } => {
                format!("version {version} is newer than {previous}")
            }
        }
    }
}

/// Why a record is refused by the freshness check, or a state cannot be read or updated
/// (spec/policy.md §8).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FreshnessError {
    /// The record's version is lower than one already accepted under the same name: a
    /// rollback to an older release (spec/policy.md §8.2).
    #[error(
        "release {name:?} version {offered} is older than version {recorded}, which was already \
         accepted: rollback refused"
    )]
    Rollback {
        /// The release name.
        name: String,
        /// The version accepted before.
        recorded: String,
        /// The version of the record offered.
        offered: String,
    },
    /// The record has the same version as one already accepted but another payload: two
    /// different releases signed under one version (spec/policy.md §8.2).
    #[error(
        "release {name:?} version {version} has payload sha256 {offered_sha256}, but this \
         version was already accepted with payload sha256 {recorded_sha256}: two different \
         records claim the same version (equivocation)"
    )]
    Equivocation {
        /// The release name.
        name: String,
        /// The version of the record offered, as written (equal in value to the one
        /// recorded, which may be written differently: `v2` and `2`).
        version: String,
        /// Payload digest accepted before.
        recorded_sha256: Sha256Digest,
        /// Payload digest of the record offered.
        offered_sha256: Sha256Digest,
    },
    /// The versions differ and at least one is not of the comparable form of
    /// spec/policy.md §8.3, so whether this is a rollback cannot be told.
    #[error(
        "release {name:?} version {offered:?} cannot be compared with version {recorded:?}, \
         which was already accepted; versions compare only when both are dotted numbers such as \
         1.2.3 (an optional leading v, an optional -pre-release); if this change is intended, \
         remove the entry {name:?} from the state file"
    )]
    IncomparableVersion {
        /// The release name.
        name: String,
        /// The version accepted before.
        recorded: String,
        /// The version of the record offered.
        offered: String,
    },
    /// A version is too long, or a numeric part of it is above 2^64 − 1
    /// (spec/policy.md §8.3).
    #[error("release version {version:?} is refused: {reason}")]
    InvalidVersion {
        /// The version (truncated to 80 characters).
        version: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A release name is empty or longer than [`MAX_NAME_BYTES`] (spec/policy.md §8.1).
    #[error("release name {name:?} is refused: {reason}")]
    InvalidName {
        /// The name (truncated to 80 characters).
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The state file is over [`MAX_STATE_BYTES`]; it was not parsed.
    #[error("the state file is {len} bytes, over the limit of {limit} bytes")]
    StateTooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The state file is not JSON of the state's shape (unknown, missing or repeated field or
    /// release name, bad digest or date, trailing data).
    #[error("the state file is malformed")]
    StateMalformed(#[source] serde_json::Error),
    /// The state file's `_type` is not [`STATE_TYPE`].
    #[error("the state file has _type {found:?}, expected {STATE_TYPE:?}")]
    WrongStateType {
        /// The `_type` found.
        found: String,
    },
}

// ----- JSON form (spec/policy.md §8.1) ------------------------------------------------------

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    #[serde(rename = "_type")]
    type_: String,
    #[serde(deserialize_with = "unique_map")]
    releases: BTreeMap<String, RawEntry>,
    /// Names pinned to keys (spec/policy.md §8.4); absent in state files written before.
    #[serde(
        default,
        deserialize_with = "unique_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pins: BTreeMap<String, RawPin>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPin {
    keys: Vec<String>,
    first_seen: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    version: String,
    payload_sha256: Sha256Digest,
    accepted_at: String,
}

/// A JSON object as a map, refusing a key that appears twice (serde_json keeps the last).
fn unique_map<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct UniqueMap<V>(PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for UniqueMap<V> {
        type Value = BTreeMap<String, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of release names")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "release name {:?} appears twice",
                        truncated(&key)
                    )));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(UniqueMap(PhantomData))
}

impl State {
    /// An empty state.
    pub fn new() -> State {
        State::default()
    }

    /// Parses a state file (spec/policy.md §8.1). The size is checked first; unknown, missing
    /// and repeated fields, repeated release names, malformed digests and dates, over-long
    /// names and invalid versions are refused.
    pub fn from_json(bytes: &[u8]) -> Result<State, FreshnessError> {
        if bytes.len() > MAX_STATE_BYTES {
            return Err(FreshnessError::StateTooLarge {
                len: bytes.len(),
                limit: MAX_STATE_BYTES,
            });
        }
        let raw: RawState = serde_json::from_slice(bytes)
            .map_err(|e| FreshnessError::StateMalformed(sceau_core::json::locate(e, bytes)))?;
        if raw.type_ != STATE_TYPE {
            return Err(FreshnessError::WrongStateType {
                found: truncated(&raw.type_),
            });
        }
        let mut releases = BTreeMap::new();
        for (name, entry) in raw.releases {
            check_name(&name)?;
            parse_version(&entry.version)?;
            let accepted_at = Timestamp::parse_rfc3339(&entry.accepted_at)
                .map_err(|e| FreshnessError::StateMalformed(serde::de::Error::custom(e)))?;
            releases.insert(
                name,
                AcceptedRelease {
                    version: entry.version,
                    payload_sha256: entry.payload_sha256,
                    accepted_at,
                },
            );
        }
        let mut pins = BTreeMap::new();
        for (name, raw) in raw.pins {
            check_name(&name)?;
            let bad = |what: String| FreshnessError::StateMalformed(serde::de::Error::custom(what));
            if raw.keys.is_empty() || raw.keys.len() > MAX_PINNED_KEYS {
                return Err(bad(format!(
                    "pin of {:?}: 1 to {MAX_PINNED_KEYS} keys expected",
                    truncated(&name)
                )));
            }
            let mut keys = Vec::with_capacity(raw.keys.len());
            for k in &raw.keys {
                let (key, _) = PublicKey::parse(k)
                    .map_err(|e| bad(format!("pin of {:?}: {e}", truncated(&name))))?;
                if keys.contains(&key) {
                    return Err(bad(format!("pin of {:?}: a key twice", truncated(&name))));
                }
                keys.push(key);
            }
            let first_seen = Timestamp::parse_rfc3339(&raw.first_seen)
                .map_err(|e| bad(format!("pin of {:?}: first_seen: {e}", truncated(&name))))?;
            pins.insert(name, Pin { keys, first_seen });
        }
        Ok(State { releases, pins })
    }

    /// The keys `name` is pinned to, if it was accepted before.
    pub fn pin(&self, name: &str) -> Option<&Pin> {
        self.pins.get(name)
    }

    /// Pins `name` to `signers` (first use), or adds the signers not pinned yet. Call only
    /// after the whole verification passed (spec/policy.md §8.4).
    pub fn pin_keys(&mut self, name: &str, signers: &[PublicKey], now: Timestamp) {
        self.pins
            .entry(name.to_owned())
            .or_insert_with(|| Pin {
                keys: Vec::new(),
                first_seen: now,
            })
            .extend(signers);
    }

    /// Writes the state as pretty JSON, release names in sorted order, ending in a newline
    /// (spec/policy.md §8.1).
    pub fn to_json(&self) -> Vec<u8> {
        let raw = RawState {
            type_: STATE_TYPE.to_owned(),
            releases: self
                .releases
                .iter()
                .map(|(name, e)| {
                    let entry = RawEntry {
                        version: e.version.clone(),
                        payload_sha256: e.payload_sha256,
                        accepted_at: e.accepted_at.to_string(),
                    };
                    (name.clone(), entry)
                })
                .collect(),
            pins: self
                .pins
                .iter()
                .map(|(name, p)| {
                    let pin = RawPin {
                        keys: p.keys.iter().map(|k| k.to_sceau_line(None)).collect(),
                        first_seen: p.first_seen.to_string(),
                    };
                    (name.clone(), pin)
                })
                .collect(),
        };
        let mut out = serde_json::to_vec_pretty(&raw).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// What was accepted under `name`, if anything.
    pub fn get(&self, name: &str) -> Option<&AcceptedRelease> {
        self.releases.get(name)
    }

    /// Every entry, by release name in sorted order.
    pub fn releases(&self) -> impl Iterator<Item = (&str, &AcceptedRelease)> {
        self.releases.iter().map(|(n, e)| (n.as_str(), e))
    }

    /// Whether the state has no entry.
    pub fn is_empty(&self) -> bool {
        self.releases.is_empty()
    }
}

/// SHA-256 of an envelope's payload bytes: the digest [`check`] and [`record`] compare
/// (spec/policy.md §8.2).
pub fn payload_sha256(envelope: &Envelope) -> Sha256Digest {
    Sha256Digest(Sha256::digest(&envelope.payload).into())
}

/// Compares a record about to be accepted, release `name` at `version` with payload digest
/// `payload_sha256`, with the state (spec/policy.md §8.2). The state is not changed.
///
/// Refused: a lower version than the one accepted ([`FreshnessError::Rollback`]); the same
/// version with another payload ([`FreshnessError::Equivocation`]); a different version that
/// cannot be compared ([`FreshnessError::IncomparableVersion`]).
pub fn check(
    state: &State,
    name: &str,
    version: &str,
    payload_sha256: &Sha256Digest,
) -> Result<FreshnessOutcome, FreshnessError> {
    check_name(name)?;
    let Some(prev) = state.releases.get(name) else {
        parse_version(version)?;
        return Ok(FreshnessOutcome::FirstSeen);
    };
    match compare_versions(&prev.version, version)? {
        Some(Ordering::Less) => Ok(FreshnessOutcome::Newer {
            previous: prev.version.clone(),
        }),
        Some(Ordering::Equal) if prev.payload_sha256 == *payload_sha256 => {
            Ok(FreshnessOutcome::AlreadyAccepted {
                version: prev.version.clone(),
                accepted_at: prev.accepted_at,
            })
        }
        Some(Ordering::Equal) => Err(FreshnessError::Equivocation {
            name: name.to_owned(),
            version: version.to_owned(),
            recorded_sha256: prev.payload_sha256,
            offered_sha256: *payload_sha256,
        }),
        Some(Ordering::Greater) => Err(FreshnessError::Rollback {
            name: name.to_owned(),
            recorded: prev.version.clone(),
            offered: version.to_owned(),
        }),
        None => Err(FreshnessError::IncomparableVersion {
            name: name.to_owned(),
            recorded: prev.version.clone(),
            offered: version.to_owned(),
        }),
    }
}

/// Runs [`check`], then records the release as accepted at `accepted_at` (spec/policy.md
/// §8.2): a first or newer version replaces the entry; a re-verification of the accepted
/// version leaves it as it was. On error the state is unchanged.
pub fn record(
    state: &mut State,
    name: &str,
    version: &str,
    payload_sha256: &Sha256Digest,
    accepted_at: Timestamp,
) -> Result<FreshnessOutcome, FreshnessError> {
    let outcome = check(state, name, version, payload_sha256)?;
    if !matches!(outcome, FreshnessOutcome::AlreadyAccepted { .. }) {
        state.releases.insert(
            name.to_owned(),
            AcceptedRelease {
                version: version.to_owned(),
                payload_sha256: *payload_sha256,
                accepted_at,
            },
        );
    }
    Ok(outcome)
}

// ----- versions (spec/policy.md §8.3) -------------------------------------------------------

/// A version of the comparable form: `[v]N(.N)*[-PRE]`.
#[derive(Debug, PartialEq, Eq)]
struct Comparable {
    release: Vec<u64>,
    /// The pre-release as tokens; `None` for a release.
    pre: Option<Vec<Token>>,
}

/// A pre-release token: a run of digits or a run of letters (spec/policy.md §8.3).
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Num(u64),
    /// Lower-cased.
    Word(String),
}

/// Compares two release versions (spec/policy.md §8.3).
///
/// - Byte-equal versions are equal, whatever their form.
/// - Versions of the form `[v]N(.N)*[-PRE]` compare numerically part by part, missing parts
///   counting as 0 (`1.10 > 1.9`, `v2 == 2 == 2.0`). A pre-release sorts before its release
///   (`1.0-rc.1 < 1.0`). Pre-releases are split into runs of digits and runs of letters
///   (`.` and `-` only separate), compared in order: digits numerically, letters ignoring
///   ASCII case, digits before letters, and a prefix first (`1.0-rc9 < 1.0-rc10`,
///   `1.0-alpha < 1.0-alpha.1 < 1.0-beta`, `2024-5-1 < 2024-12-1`).
/// - Otherwise the versions are not comparable: `Ok(None)`.
///
/// A version longer than [`MAX_VERSION_BYTES`], or with a numeric part above 2^64 − 1, is
/// refused.
pub fn compare_versions(a: &str, b: &str) -> Result<Option<Ordering>, FreshnessError> {
    let (pa, pb) = (parse_version(a)?, parse_version(b)?);
    if a == b {
        return Ok(Some(Ordering::Equal));
    }
    Ok(match (pa, pb) {
        (Some(x), Some(y)) => Some(compare(&x, &y)),
        _ => None,
    })
}

/// `Ok(None)` when `v` is not of the comparable form (spec/policy.md §8.3).
fn parse_version(v: &str) -> Result<Option<Comparable>, FreshnessError> {
    let invalid = || FreshnessError::InvalidVersion {
        version: truncated(v),
        reason: "a numeric part is above 2^64 - 1",
    };
    if v.len() > MAX_VERSION_BYTES {
        return Err(FreshnessError::InvalidVersion {
            version: truncated(v),
            reason: "it is longer than 256 bytes",
        });
    }
    let body = v.strip_prefix('v').unwrap_or(v);
    let (release, pre) = match body.split_once('-') {
        Some((r, p)) => (r, Some(p)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let alnum = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if !release.split('.').all(digits) {
        return Ok(None);
    }
    if let Some(p) = pre {
        if !p.split(['.', '-']).all(alnum) {
            return Ok(None);
        }
    }
    // The form is right; now the numbers must fit.
    let release = release
        .split('.')
        .map(|s| s.parse::<u64>().map_err(|_| invalid()))
        .collect::<Result<Vec<_>, _>>()?;
    let pre = match pre {
        None => None,
        Some(p) => {
            let mut tokens = Vec::new();
            for part in p.split(['.', '-']) {
                for run in runs(part) {
                    tokens.push(if run.as_bytes()[0].is_ascii_digit() {
                        Token::Num(run.parse().map_err(|_| invalid())?)
                    } else {
                        Token::Word(run.to_ascii_lowercase())
                    });
                }
            }
            Some(tokens)
        }
    };
    Ok(Some(Comparable { release, pre }))
}

/// Splits ASCII alphanumeric text into maximal runs of digits and of letters.
fn runs(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = s.as_bytes();
    for i in 1..=b.len() {
        if i == b.len() || b[i].is_ascii_digit() != b[start].is_ascii_digit() {
            out.push(&s[start..i]);
            start = i;
        }
    }
    out
}

fn compare(a: &Comparable, b: &Comparable) -> Ordering {
    let n = a.release.len().max(b.release.len());
    for i in 0..n {
        let (x, y) = (
            a.release.get(i).copied().unwrap_or(0),
            b.release.get(i).copied().unwrap_or(0),
        );
        match x.cmp(&y) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    match (&a.pre, &b.pre) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = match (p, q) {
                    (Token::Num(m), Token::Num(n)) => m.cmp(n),
                    (Token::Num(_), Token::Word(_)) => Ordering::Less,
                    (Token::Word(_), Token::Num(_)) => Ordering::Greater,
                    (Token::Word(s), Token::Word(t)) => s.cmp(t),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
    }
}

fn check_name(name: &str) -> Result<(), FreshnessError> {
    let reason = if name.is_empty() {
        "it is empty"
    } else if name.len() > MAX_NAME_BYTES {
        "it is longer than 1024 bytes"
    } else if sceau_core::name::check_name(name).is_err() {
        "it holds control or invisible characters, surrounding whitespace, or is not NFC"
    } else {
        return Ok(());
    };
    Err(FreshnessError::InvalidName {
        name: truncated(name),
        reason,
    })
}

fn truncated(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T1: Timestamp = Timestamp::from_const(datetime!(2026-01-01 00:00 UTC));
    const T2: Timestamp = Timestamp::from_const(datetime!(2026-02-01 00:00 UTC));

    fn digest(n: u8) -> Sha256Digest {
        Sha256Digest([n; 32])
    }

    fn state_with(name: &str, version: &str, d: u8) -> State {
        let mut s = State::new();
        record(&mut s, name, version, &digest(d), T1).unwrap();
        s
    }

    fn order(a: &str, b: &str) -> Option<Ordering> {
        compare_versions(a, b).unwrap()
    }

    #[test]
    fn versions_compare_numerically() {
        use Ordering::*;
        assert_eq!(order("1.10", "1.9"), Some(Greater));
        assert_eq!(order("1.9", "1.10"), Some(Less));
        assert_eq!(order("v2", "2"), Some(Equal));
        assert_eq!(order("2", "2.0.0"), Some(Equal));
        assert_eq!(order("1.01", "1.1"), Some(Equal));
        assert_eq!(order("10", "9.99"), Some(Greater));
        assert_eq!(order("1.0-rc.1", "1.0"), Some(Less));
        assert_eq!(order("1.0-alpha", "1.0-alpha.1"), Some(Less));
        assert_eq!(order("1.0-alpha.1", "1.0-alpha.beta"), Some(Less));
        assert_eq!(order("1.0-beta.2", "1.0-beta.11"), Some(Less));
        assert_eq!(order("1.0-rc.1", "0.9"), Some(Greater));
        // Numbers inside pre-release words compare as numbers, so an older pre-release
        // cannot pass for a newer one.
        assert_eq!(order("1.0-rc9", "1.0-rc10"), Some(Less));
        assert_eq!(order("1.0-rc.1", "1.0-RC1"), Some(Equal));
        assert_eq!(order("1.0-beta", "1.0-rc"), Some(Less));
        assert_eq!(order("2024-5-1", "2024-12-1"), Some(Less));
        assert_eq!(order("2024-12-31", "2025-01-01"), Some(Less));
        assert_eq!(order("18446744073709551615", "1"), Some(Greater));
    }

    #[test]
    fn other_versions_compare_only_for_equality() {
        assert_eq!(order("latest", "latest"), Some(Ordering::Equal));
        assert_eq!(order("", ""), Some(Ordering::Equal));
        for (a, b) in [
            ("latest", "1.0"),
            ("1.0", "r2024"),
            ("1.0+build", "1.0"),
            ("V2", "2"),
            ("1..2", "1.2"),
            ("1.0-", "1.0"),
            ("1.0-rc..1", "1.0"),
            ("1.0--rc", "1.0"),
            ("1.0-rc_1", "1.0"),
            ("", "1"),
            ("v", "1"),
            ("1.0 ", "1.0"),
        ] {
            assert_eq!(order(a, b), None, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn oversized_versions_are_refused() {
        let big = "1.18446744073709551616";
        let err = compare_versions(big, "1.0").unwrap_err();
        assert!(
            matches!(err, FreshnessError::InvalidVersion { .. }),
            "{err}"
        );
        assert!(compare_versions(big, big).is_err());
        assert!(compare_versions("1.0-rc.99999999999999999999", "1.0").is_err());
        assert!(compare_versions(&"1".repeat(MAX_VERSION_BYTES + 1), "1").is_err());
        let mut s = State::new();
        assert!(record(&mut s, "org/m", big, &digest(1), T1).is_err());
        assert!(s.is_empty());
    }

    #[test]
    fn rollback_is_refused_naming_both_versions() {
        let s = state_with("org/model", "1.10", 1);
        let err = check(&s, "org/model", "1.9", &digest(2)).unwrap_err();
        assert!(
            matches!(&err, FreshnessError::Rollback { recorded, offered, .. } if recorded == "1.10" && offered == "1.9"),
            "{err}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains("1.10") && msg.contains("1.9") && msg.contains("org/model"),
            "{msg}"
        );
    }

    #[test]
    fn equivocation_is_refused_naming_both_digests() {
        let s = state_with("org/model", "2", 1);
        let err = check(&s, "org/model", "v2", &digest(2)).unwrap_err();
        assert!(matches!(err, FreshnessError::Equivocation { .. }), "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains(&digest(1).to_hex()) && msg.contains(&digest(2).to_hex()),
            "{msg}"
        );
    }

    #[test]
    fn same_or_higher_is_accepted_and_recorded() {
        let mut s = state_with("org/model", "1.9", 1);
        let again = record(&mut s, "org/model", "v1.9", &digest(1), T2).unwrap();
        assert_eq!(
            again,
            FreshnessOutcome::AlreadyAccepted {
                version: "1.9".into(),
                accepted_at: T1
            }
        );
        assert_eq!(s.get("org/model").unwrap().accepted_at, T1);
        let newer = record(&mut s, "org/model", "1.10", &digest(2), T2).unwrap();
        assert_eq!(
            newer,
            FreshnessOutcome::Newer {
                previous: "1.9".into()
            }
        );
        let e = s.get("org/model").unwrap();
        assert_eq!(
            (e.version.as_str(), e.payload_sha256, e.accepted_at),
            ("1.10", digest(2), T2)
        );
        // Another name is independent.
        assert_eq!(
            check(&s, "org/other", "0.1", &digest(3)).unwrap(),
            FreshnessOutcome::FirstSeen
        );
        // A refused record leaves the state as it was.
        let before = s.clone();
        assert!(record(&mut s, "org/model", "1.2", &digest(3), T2).is_err());
        assert_eq!(s, before);
    }

    #[test]
    fn incomparable_versions_are_refused() {
        let s = state_with("org/model", "2.0", 1);
        let err = check(&s, "org/model", "latest", &digest(2)).unwrap_err();
        assert!(
            matches!(err, FreshnessError::IncomparableVersion { .. }),
            "{err}"
        );
        let s = state_with("org/model", "nightly", 1);
        assert!(matches!(
            check(&s, "org/model", "3.0", &digest(2)),
            Err(FreshnessError::IncomparableVersion { .. })
        ));
        // The same odd version with the same payload is a re-verification; another payload
        // is equivocation.
        assert!(check(&s, "org/model", "nightly", &digest(1)).is_ok());
        assert!(matches!(
            check(&s, "org/model", "nightly", &digest(2)),
            Err(FreshnessError::Equivocation { .. })
        ));
    }

    #[test]
    fn state_json_round_trips() {
        let mut s = state_with("org/model", "1.0", 1);
        record(
            &mut s,
            "other/thing",
            "v0.3-rc.1",
            &digest(7),
            Timestamp::from_datetime(datetime!(2026-03-04 05:06:07.89 +02:00)).unwrap(),
        )
        .unwrap();
        let json = s.to_json();
        let text = String::from_utf8(json.clone()).unwrap();
        assert!(
            text.contains("\"_type\": \"https://sceau.dev/state/v1\""),
            "{text}"
        );
        assert!(
            text.contains("\"accepted_at\": \"2026-03-04T03:06:07Z\""),
            "{text}"
        );
        assert!(text.contains(&format!("\"payload_sha256\": \"{}\"", digest(7).to_hex())));
        let back = State::from_json(&json).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.to_json(), json);
        assert_eq!(
            State::from_json(&State::new().to_json()).unwrap(),
            State::new()
        );
    }

    #[test]
    fn malformed_state_is_refused() {
        let d = digest(0xab).to_hex();
        let entry = format!(
            r#"{{"version":"1","payload_sha256":"{d}","accepted_at":"2026-01-01T00:00:00Z"}}"#
        );
        let ok = format!(r#"{{"_type":"{STATE_TYPE}","releases":{{"a":{entry}}}}}"#);
        assert!(State::from_json(ok.as_bytes()).is_ok());
        for bad in [
            format!(r#"{{"_type":"{STATE_TYPE}","releases":{{"a":{entry},"a":{entry}}}}}"#),
            format!(r#"{{"_type":"{STATE_TYPE}","_type":"{STATE_TYPE}","releases":{{}}}}"#),
            format!(r#"{{"_type":"{STATE_TYPE}","releases":{{}},"extra":1}}"#),
            format!(r#"{{"_type":"{STATE_TYPE}","releases":{{"":{entry}}}}}"#),
            format!(r#"{{"_type":"{STATE_TYPE}","releases":{{}}}} x"#),
            r#"{"_type":"https://sceau.dev/state/v2","releases":{}}"#.to_owned(),
            ok.replace(&d, &d.to_uppercase()),
            ok.replace("2026-01-01T00:00:00Z", "yesterday"),
            ok.replace("\"version\":\"1\"", "\"version\":\"1\",\"note\":\"x\""),
            ok.replace(
                "\"version\":\"1\"",
                "\"version\":\"1.99999999999999999999\"",
            ),
        ] {
            assert!(State::from_json(bad.as_bytes()).is_err(), "{bad}");
        }
        assert!(matches!(
            State::from_json(&vec![b' '; MAX_STATE_BYTES + 1]),
            Err(FreshnessError::StateTooLarge { .. })
        ));
    }

    #[test]
    fn payload_digest_is_the_sha256_of_the_payload() {
        let env = Envelope::new("t", Vec::new());
        assert_eq!(
            payload_sha256(&env).to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
