//! A release record's identity: the SHA-256 of its signed payload bytes (spec/record.md §1.3).
//! Parents, the record store, rollback state and attestations all name a record by it.
use std::fmt;

use serde::{Serialize, Serializer};

use crate::digest::Sha256Digest;

/// SHA-256 of a record's payload, written `sha256:<64 hex>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(pub Sha256Digest);

impl RecordId {
    /// The digest.
    pub fn digest(&self) -> &Sha256Digest {
        &self.0
    }

    /// The first 12 hex digits, for labels (`sha256:0123456789ab`).
    pub fn short(&self) -> String {
        let mut h = self.0.to_hex();
        h.truncate(12);
        h
    }
}

/// `sha256:<hex>`.
impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.0)
    }
}

impl Serialize for RecordId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl From<Sha256Digest> for RecordId {
    fn from(d: Sha256Digest) -> RecordId {
        RecordId(d)
    }
}
