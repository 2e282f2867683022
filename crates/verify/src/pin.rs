//! Names pinned to keys on first use (spec/policy.md §8.4), as SSH's `known_hosts` pins host
//! keys: the `--state` file remembers which keys signed each release name it accepted — the
//! release verified and every verified ancestor — and a later record of a known name must be
//! signed by at least one of them. A known name that shows up under other keys only fails
//! loudly, naming both; new keys signing beside a pinned one are added to the pin.
use sceau_core::Timestamp;
use sceau_sign::{KeyId, PublicKey};

/// Most keys remembered for one name.
pub const MAX_PINNED_KEYS: usize = 64;

/// The keys a name was first accepted under, and those seen beside them since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// The keys, in the order first seen.
    pub keys: Vec<PublicKey>,
    /// When the name was first pinned.
    pub first_seen: Timestamp,
}

/// How a record's signers compare with the pin of its name.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PinOutcome {
    /// The name was never accepted: it is pinned to these signers once the verification
    /// passes.
    FirstUse,
    /// At least one signer is pinned; `new` more keys signed beside it and will be added.
    Kept {
        /// Signers not pinned yet.
        new: usize,
    },
}

/// A known name signed by none of the keys it is pinned to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "release name {name:?} is pinned to key(s) {} since {first_seen}, but this record is signed by \
     {}: a known name under other keys (if the maintainers really changed keys, remove the name \
     from the state file after checking with them)",
    ids(.pinned),
    ids(.signed_by)
)]
pub struct PinMismatch {
    /// The release name.
    pub name: String,
    /// The pinned keys' ids.
    pub pinned: Vec<KeyId>,
    /// The signers' ids.
    pub signed_by: Vec<KeyId>,
    /// When the name was pinned.
    pub first_seen: Timestamp,
}

fn ids(v: &[KeyId]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Pin {
    /// Compares `signers` (the trusted keys that signed a record of `name`) with this pin.
    pub fn check(&self, name: &str, signers: &[PublicKey]) -> Result<PinOutcome, PinMismatch> {
        if signers.iter().any(|k| self.keys.contains(k)) {
            let new = signers.iter().filter(|k| !self.keys.contains(k)).count();
            return Ok(PinOutcome::Kept { new });
        }
        Err(PinMismatch {
            name: name.to_owned(),
            pinned: self.keys.iter().map(PublicKey::key_id).collect(),
            signed_by: signers.iter().map(PublicKey::key_id).collect(),
            first_seen: self.first_seen,
        })
    }

    /// Adds the signers not pinned yet (up to [`MAX_PINNED_KEYS`]).
    pub fn extend(&mut self, signers: &[PublicKey]) {
        for k in signers {
            if !self.keys.contains(k) && self.keys.len() < MAX_PINNED_KEYS {
                self.keys.push(*k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sceau_sign::SecretKey;

    fn key(n: u8) -> PublicKey {
        SecretKey::from_seed(&[n; 32]).public()
    }

    #[test]
    fn a_known_name_under_other_keys_fails_and_co_signers_are_added() {
        let t = Timestamp::from_unix(1_767_225_600).unwrap();
        let mut pin = Pin {
            keys: vec![key(1)],
            first_seen: t,
        };
        assert_eq!(
            pin.check("org/m", &[key(1)]),
            Ok(PinOutcome::Kept { new: 0 })
        );
        assert_eq!(
            pin.check("org/m", &[key(1), key(2)]),
            Ok(PinOutcome::Kept { new: 1 })
        );
        let e = pin.check("org/m", &[key(3)]).unwrap_err();
        assert_eq!(e.pinned, [key(1).key_id()]);
        assert_eq!(e.signed_by, [key(3).key_id()]);
        assert!(e.to_string().contains("a known name under other keys"));
        pin.extend(&[key(1), key(2)]);
        assert_eq!(pin.keys, [key(1), key(2)]);
        assert!(pin.check("org/m", &[key(2)]).is_ok());
    }
}
