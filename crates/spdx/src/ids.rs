//! Deterministic `spdxId`s (spec/spdx.md §2): every element of a release's document is named by
//! a [`ContentUuid`] of the release's identity and of what the element is, so that the same
//! release always gives the same identifiers and two releases never share one.
use std::collections::HashSet;

use sceau_core::uuid::ContentUuid;
use sceau_core::Release;

/// Domain of the release key.
pub const RELEASE_DOMAIN: &str = "sceau:spdx3:release:v1";
/// Domain of element identifiers.
pub const ELEMENT_DOMAIN: &str = "sceau:spdx3:element:v1";

/// The blank node of the one `CreationInfo` every element shares.
pub const CREATION_INFO: &str = "_:creationinfo";

/// The identity of a release for naming its elements: the [`ContentUuid`] in
/// [`RELEASE_DOMAIN`] of its name, its version, then the path and SHA-256 (lower-case hex) of
/// every artifact in order.
pub fn release_key(release: &Release) -> ContentUuid {
    let mut parts: Vec<Vec<u8>> = Vec::with_capacity(2 + 2 * release.artifacts.len());
    parts.push(release.name.as_bytes().to_vec());
    parts.push(release.version.as_bytes().to_vec());
    for a in &release.artifacts {
        parts.push(a.path.as_str().as_bytes().to_vec());
        parts.push(a.sha256.to_hex().into_bytes());
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    ContentUuid::from_parts(RELEASE_DOMAIN, &refs)
}

/// Hands out element identifiers for one release's document, each unique within it.
#[derive(Debug)]
pub struct Ids {
    key: [u8; 16],
    used: HashSet<String>,
}

impl Ids {
    /// Identifiers for the elements of `release`'s document.
    pub fn new(release: &Release) -> Ids {
        Ids {
            key: release_key(release).0,
            used: HashSet::new(),
        }
    }

    /// The identifier of the element of kind `kind` (`document`, `file`, `dataset`, …) named
    /// `name` within the release: `urn:uuid:` and the [`ContentUuid`] in [`ELEMENT_DOMAIN`] of
    /// the release key, `kind` and `name`. Should the same kind and name be asked for twice
    /// (two artifacts with one path, two datasets with one name), the second and later get a
    /// counter as a fourth part, so identifiers stay unique.
    pub fn of(&mut self, kind: &str, name: &str) -> String {
        let first = self.derive(kind, name, None);
        if self.used.insert(first.clone()) {
            return first;
        }
        let mut n: u64 = 1;
        loop {
            let id = self.derive(kind, name, Some(n));
            if self.used.insert(id.clone()) {
                return id;
            }
            n = n.saturating_add(1);
        }
    }

    fn derive(&self, kind: &str, name: &str, counter: Option<u64>) -> String {
        let c = counter.map(u64::to_be_bytes);
        let mut parts: Vec<&[u8]> = vec![&self.key, kind.as_bytes(), name.as_bytes()];
        if let Some(c) = &c {
            parts.push(c);
        }
        ContentUuid::from_parts(ELEMENT_DOMAIN, &parts).urn()
    }
}
