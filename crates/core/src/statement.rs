//! in-toto Statement v1 with sceau's checks on subjects (spec/record.md §2).
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::digest::{Blake3Digest, Sha256Digest};
use crate::relpath::RelPath;

/// `_type` of an in-toto Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// `predicateType` of a release record: the predicate is a CycloneDX BOM.
pub const PREDICATE_CYCLONEDX: &str = "https://cyclonedx.org/bom";
/// Most subjects one Statement may list (spec/record.md §2.4).
pub const MAX_SUBJECTS: usize = 1_000_000;

/// A Statement subject as written on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Relative path of the artifact, or the name of what is attested.
    pub name: String,
    /// Digest set: algorithm name → lower-case hex.
    pub digest: BTreeMap<String, String>,
}

/// An in-toto Statement v1 as written on the wire. Unknown fields are ignored, as the
/// in-toto parsing rules require.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub type_: String,
    /// What the Statement is about.
    pub subject: Vec<Subject>,
    /// The predicate's schema.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The predicate itself.
    #[serde(default)]
    pub predicate: serde_json::Value,
}

/// A subject whose name is a checked path and whose SHA-256 is present and well formed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSubject {
    /// Where the file sits in the tree.
    pub path: RelPath,
    /// Its whole-file SHA-256.
    pub sha256: Sha256Digest,
    /// Its whole-file BLAKE3, when the record carries one (spec/hashing.md §2.4).
    pub blake3: Option<Blake3Digest>,
    /// Set for a folder of a record in the manifest form, written `path/`: `sha256` is the
    /// folder's root (spec/manifest.md §6).
    pub folder: bool,
}

/// Why a payload is not an acceptable Statement.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatementError {
    /// Not JSON of the Statement's shape.
    #[error("payload is not an in-toto Statement: {0}")]
    Json(#[source] serde_json::Error),
    /// The payload holds an object with the same key twice (spec/record.md §1.4).
    #[error("payload is not strict JSON: {0}")]
    DuplicateKey(String),
    /// `_type` is not [`STATEMENT_TYPE`].
    #[error("payload _type is {0:?}, expected {STATEMENT_TYPE:?}")]
    Type(String),
    /// `predicateType` is not the one expected.
    #[error("predicateType is {found:?}, expected {expected:?}")]
    PredicateType {
        /// In the payload.
        found: String,
        /// Wanted by the caller.
        expected: String,
    },
    /// A subject name is not an acceptable relative path.
    #[error("subject {index} has an unacceptable name: {source}")]
    SubjectName {
        /// Position in `subject`.
        index: usize,
        /// The rule it breaks.
        #[source]
        source: crate::relpath::RelPathError,
    },
    /// A subject has no `sha256` or a malformed one.
    #[error("subject {name:?} has no valid sha256 digest")]
    SubjectDigest {
        /// Subject name.
        name: String,
    },
    /// A subject's `blake3` entry is not 64 lower-case hex digits (spec/hashing.md §2.4).
    #[error("subject {name:?} has a malformed blake3 digest")]
    SubjectBlake3 {
        /// Subject name.
        name: String,
    },
    /// Two subjects share a name.
    #[error("subject {0:?} appears twice")]
    DuplicateSubject(String),
    /// Too many subjects.
    #[error("statement has {0} subjects, over the limit of {MAX_SUBJECTS}")]
    TooManySubjects(usize),
}

impl Statement {
    /// Parses a payload. Duplicate keys and trailing data are refused by the JSON layer.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, StatementError> {
        crate::json::check_unique_keys(bytes).map_err(|e| StatementError::DuplicateKey(e.0))?;
        let s: Statement = serde_json::from_slice(bytes).map_err(StatementError::Json)?;
        if s.type_ != STATEMENT_TYPE {
            return Err(StatementError::Type(s.type_));
        }
        if s.subject.len() > MAX_SUBJECTS {
            return Err(StatementError::TooManySubjects(s.subject.len()));
        }
        Ok(s)
    }

    /// Checks `predicateType`.
    pub fn expect_predicate(&self, expected: &str) -> Result<(), StatementError> {
        if self.predicate_type != expected {
            return Err(StatementError::PredicateType {
                found: self.predicate_type.clone(),
                expected: expected.into(),
            });
        }
        Ok(())
    }

    /// The subjects as files: every name a [`RelPath`], every `sha256` valid, no duplicates
    /// (spec/record.md §2.2–2.3).
    pub fn file_subjects(&self) -> Result<Vec<FileSubject>, StatementError> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(self.subject.len());
        for (index, s) in self.subject.iter().enumerate() {
            // A folder of the manifest form is named with a trailing `/` (spec/manifest.md §6).
            let (name, folder) = match s.name.strip_suffix('/') {
                Some(dir) => (dir, true),
                None => (s.name.as_str(), false),
            };
            let path = RelPath::new(name)
                .map_err(|source| StatementError::SubjectName { index, source })?;
            let sha256 = s
                .digest
                .get("sha256")
                .and_then(|h| h.parse::<Sha256Digest>().ok())
                .ok_or_else(|| StatementError::SubjectDigest {
                    name: s.name.clone(),
                })?;
            let blake3 =
                match s.digest.get("blake3") {
                    None => None,
                    Some(h) => Some(h.parse::<Blake3Digest>().map_err(|_| {
                        StatementError::SubjectBlake3 {
                            name: s.name.clone(),
                        }
                    })?),
                };
            if !seen.insert(path.clone()) {
                return Err(StatementError::DuplicateSubject(s.name.clone()));
            }
            if folder && blake3.is_some() {
                return Err(StatementError::SubjectBlake3 {
                    name: s.name.clone(),
                });
            }
            out.push(FileSubject {
                path,
                sha256,
                blake3,
                folder,
            });
        }
        Ok(out)
    }

    /// Compact JSON bytes, the form signed as the DSSE payload.
    pub fn to_payload(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl crate::release::Release {
    /// The release record's Statement (spec/record.md §2): one subject per artifact, named
    /// by its path with its whole-file SHA-256 (a folder of the manifest form by its path and
    /// `/`, with its root, spec/manifest.md §6), and the CycloneDX 1.6 BOM as predicate.
    /// `timestamp` (RFC 3339) is the signing time, written into the BOM's metadata.
    pub fn to_statement(&self, timestamp: &str) -> Statement {
        let subject = self
            .artifacts
            .iter()
            .map(|a| {
                let mut digest = BTreeMap::from([("sha256".to_owned(), a.sha256.to_hex())]);
                if let Some(b) = &a.blake3 {
                    // Beside the SHA-256, never instead of it (spec/hashing.md §2.4).
                    digest.insert("blake3".to_owned(), b.to_hex());
                }
                Subject {
                    name: match a.folder {
                        Some(_) => format!("{}/", a.path),
                        None => a.path.as_str().to_owned(),
                    },
                    digest,
                }
            })
            .collect();
        let bom = self.to_bom(timestamp);
        Statement {
            type_: STATEMENT_TYPE.into(),
            subject,
            predicate_type: PREDICATE_CYCLONEDX.into(),
            predicate: serde_json::to_value(bom).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmt(subjects: serde_json::Value) -> Vec<u8> {
        serde_json::json!({
            "_type": STATEMENT_TYPE,
            "subject": subjects,
            "predicateType": PREDICATE_CYCLONEDX,
            "predicate": {}
        })
        .to_string()
        .into_bytes()
    }

    const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn checks_subjects() {
        let ok = Statement::from_slice(&stmt(serde_json::json!([
            {"name": "a/b.bin", "digest": {"sha256": H}}
        ])))
        .unwrap();
        assert_eq!(ok.file_subjects().unwrap()[0].path.as_str(), "a/b.bin");
        assert_eq!(ok.file_subjects().unwrap()[0].blake3, None);
        let b3 = Statement::from_slice(&stmt(serde_json::json!([
            {"name": "a", "digest": {"sha256": H, "blake3": H}}
        ])))
        .unwrap();
        assert_eq!(
            b3.file_subjects().unwrap()[0].blake3.map(|b| b.to_hex()),
            Some(H.to_owned())
        );

        for bad in [
            serde_json::json!([{"name": "../x", "digest": {"sha256": H}}]),
            serde_json::json!([{"name": "x", "digest": {"sha512": H}}]),
            serde_json::json!([{"name": "x", "digest": {"sha256": "00"}}]),
            serde_json::json!([{"name": "x", "digest": {"sha256": H, "blake3": "00"}}]),
            serde_json::json!([{"name": "x", "digest": {"sha256": H, "blake3": H.to_uppercase()}}]),
            serde_json::json!([{"name": "x", "digest": {"sha256": H}}, {"name": "x", "digest": {"sha256": H}}]),
        ] {
            let s = Statement::from_slice(&stmt(bad.clone())).unwrap();
            assert!(s.file_subjects().is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_duplicate_keys_inside_subjects() {
        let h2 = "0000000000000000000000000000000000000000000000000000000000000000";
        let p = format!(
            r#"{{"_type":"{STATEMENT_TYPE}","subject":[{{"name":"a","digest":{{"sha256":"{H}","sha256":"{h2}"}}}}],"predicateType":"p","predicate":{{}}}}"#
        );
        assert!(matches!(
            Statement::from_slice(p.as_bytes()),
            Err(StatementError::DuplicateKey(_))
        ));
    }

    #[test]
    fn refuses_wrong_type() {
        let mut v: serde_json::Value =
            serde_json::from_slice(&stmt(serde_json::json!([]))).unwrap();
        v["_type"] = "https://in-toto.io/Statement/v0.1".into();
        assert!(matches!(
            Statement::from_slice(v.to_string().as_bytes()),
            Err(StatementError::Type(_))
        ));
    }
}
