//! The model's root digest: SHA-256 over the resources' raw digests (spec/oms.md §5.3).
use std::cmp::Ordering;
use std::fmt;

use sha2::{Digest as _, Sha256};

use crate::predicate::Resource;

/// SHA-256 over the concatenated raw digests of a model's resources, in listed order: the
/// model's OMS identity (`subject[0].digest.sha256`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RootDigest(pub [u8; 32]);

impl RootDigest {
    /// Computes the root of `resources` in the order given.
    pub fn of(resources: &[Resource]) -> Self {
        let mut h = Sha256::new();
        for r in resources {
            h.update(&r.digest);
        }
        RootDigest(h.finalize().into())
    }

    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// `sha256:` and the hex digest: the form sceau records (`sceau:oms:root`, spec/oms.md §11).
    pub fn to_prefixed(&self) -> String {
        format!("sha256:{}", self.to_hex())
    }
}

impl serde::Serialize for RootDigest {
    /// As `sha256:HEX` ([`RootDigest::to_prefixed`]).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_prefixed())
    }
}

impl fmt::Debug for RootDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RootDigest({})", self.to_hex())
    }
}

impl fmt::Display for RootDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The order in which a predicate lists its resources. The root digest covers them in that
/// order, so two signers that sort differently give one tree two roots (spec/oms.md §5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceOrder {
    /// `model_signing`'s order (Python `PurePosixPath`, by components; shards by offset),
    /// which sceau writes. Also code-point order when both agree.
    PosixPath,
    /// Code-point order of the `name` strings (the OMS spec's wording), which differs from
    /// [`ResourceOrder::PosixPath`] for this list (e.g. `a-c` before `a/b`).
    CodePoint,
    /// Neither.
    Unsorted,
}

impl ResourceOrder {
    /// Classifies `resources`.
    pub fn of(resources: &[Resource]) -> Self {
        let sorted_by = |cmp: &dyn Fn(&Resource, &Resource) -> Ordering| {
            resources
                .windows(2)
                .all(|w| cmp(&w[0], &w[1]) != Ordering::Greater)
        };
        if sorted_by(&|a, b| a.name.cmp_posix(&b.name)) {
            ResourceOrder::PosixPath
        } else if sorted_by(&|a, b| a.name.to_string().cmp(&b.name.to_string())) {
            ResourceOrder::CodePoint
        } else {
            ResourceOrder::Unsorted
        }
    }
}

/// Sorts resources in `model_signing`'s order (what sceau writes and compares against).
pub fn sort_posix(resources: &mut [Resource]) {
    resources.sort_by(|a, b| a.name.cmp_posix(&b.name));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::ModelPath;
    use crate::predicate::{HashType, ResourceName};

    fn file(name: &str, byte: u8) -> Resource {
        Resource {
            name: ResourceName::File(ModelPath::parse(name).unwrap()),
            algorithm: HashType::Sha256,
            digest: vec![byte; 32],
        }
    }

    #[test]
    fn root_is_sha256_of_the_concatenated_digests() {
        let rs = [file("a", 1), file("b", 2)];
        let mut cat = vec![1u8; 32];
        cat.extend([2u8; 32]);
        assert_eq!(
            RootDigest::of(&rs).0,
            <[u8; 32]>::from(Sha256::digest(&cat))
        );
        assert_ne!(
            RootDigest::of(&rs),
            RootDigest::of(&[file("b", 2), file("a", 1)])
        );
    }

    #[test]
    fn orders_are_told_apart() {
        let mut rs = vec![file("a.txt", 1), file("a/b", 2), file("a-c", 3)];
        assert_eq!(ResourceOrder::of(&rs), ResourceOrder::Unsorted);
        sort_posix(&mut rs);
        let names: Vec<String> = rs.iter().map(|r| r.name.to_string()).collect();
        assert_eq!(names, ["a/b", "a-c", "a.txt"]);
        assert_eq!(ResourceOrder::of(&rs), ResourceOrder::PosixPath);
        rs.sort_by_key(|r| r.name.to_string());
        assert_eq!(ResourceOrder::of(&rs), ResourceOrder::CodePoint);
    }

    #[test]
    fn shards_sort_by_offset_as_numbers() {
        let shard = |start, end| Resource {
            name: ResourceName::Shard {
                path: ModelPath::parse("w").unwrap(),
                start,
                end,
            },
            algorithm: HashType::Sha256,
            digest: vec![0; 32],
        };
        let mut rs = vec![shard(100, 150), shard(20, 30)];
        sort_posix(&mut rs);
        assert_eq!(rs[0].name.to_string(), "w:20:30");
    }
}
