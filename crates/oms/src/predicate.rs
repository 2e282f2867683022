//! The OMS predicate: resources and serialization parameters (spec/oms.md §4).
use std::collections::HashSet;
use std::fmt;

use serde_json::Value;

use crate::error::StatementError;
use crate::json::Fields;
use crate::path::ModelPath;

/// Most resources one predicate may list (the cap sceau puts on a record's subjects).
pub const MAX_RESOURCES: usize = sceau_core::statement::MAX_SUBJECTS;

/// Most `ignore_paths` entries one predicate may record.
pub const MAX_IGNORE_PATHS: usize = 10_000;

/// Default shard size of `model_signing` and the OMS spec: 1,000,000,000 bytes.
pub const DEFAULT_SHARD_SIZE: u64 = 1_000_000_000;

/// A file-content hash of the OMS algorithm registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashType {
    /// SHA-256 (the default, required of every implementation).
    Sha256,
    /// BLAKE2b with a 64-byte digest (Python's `hashlib.blake2b()` default).
    Blake2b,
    /// BLAKE3, 32-byte digest.
    Blake3,
}

impl HashType {
    /// The registry identifier (`sha256`, `blake2b`, `blake3`).
    pub fn name(self) -> &'static str {
        match self {
            HashType::Sha256 => "sha256",
            HashType::Blake2b => "blake2b",
            HashType::Blake3 => "blake3",
        }
    }

    /// Digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            HashType::Sha256 | HashType::Blake3 => 32,
            HashType::Blake2b => 64,
        }
    }

    /// The algorithm named `s`, if the registry has it.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "sha256" => Some(HashType::Sha256),
            "blake2b" => Some(HashType::Blake2b),
            "blake3" => Some(HashType::Blake3),
            _ => None,
        }
    }
}

impl serde::Serialize for HashType {
    /// As its OMS name ([`HashType::name`]).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl fmt::Display for HashType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How files map to resources (spec/oms.md §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// One resource per file, named by its path.
    Files,
    /// One resource per `shard_size` byte range of each non-empty file, named `path:start:end`.
    Shards {
        /// Bytes per shard (the last shard of a file may be shorter).
        shard_size: u64,
    },
}

impl Method {
    /// `files` or `shards`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Files => "files",
            Method::Shards { .. } => "shards",
        }
    }
}

/// `predicate.serialization`: what a verifier needs to enumerate and hash the model again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Serialization {
    /// Files or shards.
    pub method: Method,
    /// The hash of every resource.
    pub hash_type: HashType,
    /// Whether symbolic links to files were followed (and hashed as their targets).
    pub allow_symlinks: bool,
    /// Paths excluded from the signature, relative to the model root, as recorded (since
    /// `model_signing` 1.1); `None` for older bundles, which did not record them.
    pub ignore_paths: Option<Vec<String>>,
}

/// A resource's name: a file, or a byte range of one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ResourceName {
    /// A whole file (`files` method).
    File(ModelPath),
    /// Bytes `start..end` of a file (`shards` method), written `path:start:end`.
    Shard {
        /// The file.
        path: ModelPath,
        /// First byte (inclusive).
        start: u64,
        /// Last byte (exclusive).
        end: u64,
    },
}

impl ResourceName {
    /// The file this resource belongs to.
    pub fn path(&self) -> &ModelPath {
        match self {
            ResourceName::File(p) | ResourceName::Shard { path: p, .. } => p,
        }
    }

    /// `model_signing`'s order: by path (`PurePosixPath` order), then by start and end as
    /// numbers (spec/oms.md §5.3).
    pub fn cmp_posix(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (
                ResourceName::Shard {
                    path: a,
                    start: sa,
                    end: ea,
                },
                ResourceName::Shard {
                    path: b,
                    start: sb,
                    end: eb,
                },
            ) => a.cmp_posix(b).then(sa.cmp(sb)).then(ea.cmp(eb)),
            _ => self.path().cmp_posix(other.path()),
        }
    }
}

impl fmt::Display for ResourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceName::File(p) => write!(f, "{p}"),
            ResourceName::Shard { path, start, end } => write!(f, "{path}:{start}:{end}"),
        }
    }
}

/// One `predicate.resources` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The file or shard.
    pub name: ResourceName,
    /// The digest's algorithm (always the serialization's `hash_type`).
    pub algorithm: HashType,
    /// The raw digest (32 or 64 bytes).
    pub digest: Vec<u8>,
}

/// The OMS predicate, checked (spec/oms.md §4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predicate {
    /// Resources in the order the signer listed them (the order the root digest covers).
    pub resources: Vec<Resource>,
    /// How the resources were made.
    pub serialization: Serialization,
    /// Predicate fields this reader does not know (a later OMS version's additions); they are
    /// signed but not interpreted.
    pub unknown_fields: Vec<String>,
}

/// Cuts a hostile string for an error message.
pub(crate) fn cut(s: &str) -> String {
    const MAX: usize = 200;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Decodes a lowercase hex digest of `algorithm`'s length.
pub(crate) fn parse_digest(
    value: &str,
    algorithm: HashType,
    path: &str,
) -> Result<Vec<u8>, StatementError> {
    let bad = || StatementError::Digest {
        path: path.to_owned(),
        value: cut(value),
        algorithm: algorithm.name(),
        len: algorithm.digest_len(),
    };
    if value.len() != 2 * algorithm.digest_len()
        || !value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(bad());
    }
    hex::decode(value).map_err(|_| bad())
}

fn parse_hash_type(value: &str, path: &str) -> Result<HashType, StatementError> {
    HashType::from_name(value).ok_or_else(|| StatementError::HashAlgorithm {
        path: path.to_owned(),
        value: cut(value),
    })
}

/// Parses a decimal offset as Python's `int()` of `model_signing` would, minus the leniency:
/// ASCII digits only, no sign, no leading zero (except `0`).
fn parse_offset(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

fn name_error(name: &str, reason: &'static str) -> StatementError {
    StatementError::Name {
        name: cut(name),
        reason,
    }
}

/// Parses a resource name for `method` (spec/oms.md §4.2). Shard names are split at their
/// last two colons, so that a path may itself hold colons.
fn parse_name(name: &str, method: Method) -> Result<ResourceName, StatementError> {
    match method {
        Method::Files => ModelPath::parse(name)
            .map(ResourceName::File)
            .map_err(|p| name_error(name, p.reason())),
        Method::Shards { shard_size } => {
            let mut parts = name.rsplitn(3, ':');
            let (Some(end), Some(start), Some(path)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(name_error(name, "a shard name is path:start:end"));
            };
            let (Some(start), Some(end)) = (parse_offset(start), parse_offset(end)) else {
                return Err(name_error(name, "shard offsets must be decimal integers"));
            };
            if start >= end {
                return Err(name_error(name, "a shard must end after it starts"));
            }
            if start % shard_size != 0 || end - start > shard_size {
                return Err(name_error(
                    name,
                    "a shard must start at a multiple of shard_size and be at most shard_size long",
                ));
            }
            let path = ModelPath::parse(path).map_err(|p| name_error(name, p.reason()))?;
            Ok(ResourceName::Shard { path, start, end })
        }
    }
}

/// A positive integer written as a JSON integer or, as `model_signing` writes it (protobuf
/// `Struct` numbers are doubles), as an integral float such as `1000.0`; at most 2^53.
fn integral(v: &Value) -> Option<u64> {
    const MAX_EXACT: u64 = 1 << 53;
    let n = match v.as_u64() {
        Some(n) => n,
        None => {
            let f = v.as_f64()?;
            if !(f.fract() == 0.0 && f >= 1.0 && f <= MAX_EXACT as f64) {
                return None;
            }
            f as u64
        }
    };
    (n > 0 && n <= MAX_EXACT).then_some(n)
}

/// Reads a resource's `algorithm`: the serialization's hash, named as the registry names it or,
/// for shards, as `model_signing` names it (`sha256-sharded-1000`, spec/oms.md §4.3).
fn resource_algorithm(
    value: &str,
    ser: &Serialization,
    name: &str,
    path: &str,
) -> Result<HashType, StatementError> {
    let base = match (ser.method, value.split_once("-sharded-")) {
        (Method::Shards { shard_size }, Some((base, size)))
            if parse_offset(size) == Some(shard_size) =>
        {
            base
        }
        _ => value,
    };
    let algorithm = parse_hash_type(base, path)?;
    if algorithm != ser.hash_type {
        return Err(StatementError::AlgorithmMismatch {
            name: cut(name),
            algorithm: algorithm.name(),
            hash_type: ser.hash_type.name(),
        });
    }
    Ok(algorithm)
}

fn parse_serialization(v: &Value) -> Result<Serialization, StatementError> {
    let mut f = Fields::new(v, "$.predicate.serialization")?;
    let method = f.req_str("method")?.to_owned();
    let hash_type = parse_hash_type(f.req_str("hash_type")?, &f.child("hash_type"))?;
    let allow_symlinks = match f.req("allow_symlinks")? {
        Value::Bool(b) => *b,
        _ => {
            return Err(StatementError::WrongType {
                path: f.child("allow_symlinks"),
                expected: "a boolean",
            })
        }
    };
    let shard_size = f.opt("shard_size");
    let method = match method.as_str() {
        "files" => {
            if shard_size.is_some() {
                return Err(StatementError::ShardSize(
                    "must be absent for the files method",
                ));
            }
            Method::Files
        }
        "shards" => {
            let size = shard_size
                .ok_or(StatementError::ShardSize("required by the shards method"))
                .and_then(|v| {
                    integral(v).ok_or(StatementError::ShardSize("must be a positive integer"))
                })?;
            Method::Shards { shard_size: size }
        }
        other => return Err(StatementError::Method(cut(other))),
    };
    let ignore_paths = match f.opt_array("ignore_paths")? {
        None => None,
        Some(list) => {
            if list.len() > MAX_IGNORE_PATHS {
                return Err(StatementError::TooMany {
                    path: f.child("ignore_paths"),
                    len: list.len(),
                    max: MAX_IGNORE_PATHS,
                });
            }
            let mut out = Vec::with_capacity(list.len());
            for (i, item) in list.iter().enumerate() {
                let s = item.as_str().ok_or_else(|| StatementError::WrongType {
                    path: format!("{}[{i}]", f.child("ignore_paths")),
                    expected: "a string",
                })?;
                crate::ignore::check_recorded(s)?;
                out.push(s.to_owned());
            }
            Some(out)
        }
    };
    f.deny_unknown()?;
    Ok(Serialization {
        method,
        hash_type,
        allow_symlinks,
        ignore_paths,
    })
}

/// Parses and checks `predicate` of an OMS v1.0 statement (spec/oms.md §4).
pub(crate) fn parse_predicate(v: &Value) -> Result<Predicate, StatementError> {
    let mut f = Fields::new(v, "$.predicate")?;
    let serialization = parse_serialization(f.req("serialization")?)?;
    let list_path = f.child("resources");
    let list = f
        .req("resources")?
        .as_array()
        .ok_or(StatementError::WrongType {
            path: list_path.clone(),
            expected: "an array",
        })?;
    if list.len() > MAX_RESOURCES {
        return Err(StatementError::TooMany {
            path: list_path,
            len: list.len(),
            max: MAX_RESOURCES,
        });
    }
    let mut resources = Vec::with_capacity(list.len());
    let mut seen = HashSet::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let at = format!("{list_path}[{i}]");
        // Resource descriptors may carry more in-toto fields; they are ignored (OMS §5.2.1).
        let mut r = Fields::new(item, &at)?;
        let name = r.req_str("name")?;
        let algorithm = resource_algorithm(
            r.req_str("algorithm")?,
            &serialization,
            name,
            &r.child("algorithm"),
        )?;
        let digest = parse_digest(r.req_str("digest")?, algorithm, &r.child("digest"))?;
        let name = parse_name(name, serialization.method)?;
        if !seen.insert(name.clone()) {
            return Err(StatementError::DuplicateResource(cut(&name.to_string())));
        }
        resources.push(Resource {
            name,
            algorithm,
            digest,
        });
    }
    single_file_rule(&resources)?;
    let unknown_fields = f.unknown();
    Ok(Predicate {
        resources,
        serialization,
        unknown_fields,
    })
}

/// `.` names the file of a single-file model: no other file may be listed beside it.
fn single_file_rule(resources: &[Resource]) -> Result<(), StatementError> {
    let dot = resources
        .iter()
        .any(|r| r.name.path().as_str() == ModelPath::SINGLE_FILE);
    if dot {
        if let Some(other) = resources
            .iter()
            .find(|r| r.name.path().as_str() != ModelPath::SINGLE_FILE)
        {
            return Err(name_error(
                &other.name.to_string(),
                "listed beside `.`, the name of a single-file model",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pred(json: &str) -> Result<Predicate, StatementError> {
        parse_predicate(&serde_json::from_str(json).unwrap())
    }

    const D: &str = "0000000000000000000000000000000000000000000000000000000000000000";

    #[test]
    fn shards_split_at_the_last_two_colons() {
        // model_signing 1.1.1 writes shard_size as a float and names the algorithm per shard size.
        let p = pred(&format!(
            r#"{{"serialization":{{"method":"shards","hash_type":"sha256","allow_symlinks":false,"shard_size":10.0}},
               "resources":[{{"name":"a:b:0:10","algorithm":"sha256-sharded-10","digest":"{D}"}},
                            {{"name":"a:b:10:15","algorithm":"sha256","digest":"{D}"}}]}}"#
        ))
        .unwrap();
        assert_eq!(p.resources[0].algorithm, HashType::Sha256);
        assert_eq!(
            p.resources[1].name,
            ResourceName::Shard {
                path: ModelPath::parse("a:b").unwrap(),
                start: 10,
                end: 15
            }
        );
        for bad in [
            "a:0:11", "a:5:10", "a:10:10", "a:01:5", "a:+0:5", "a:0", "a",
        ] {
            let e = pred(&format!(
                r#"{{"serialization":{{"method":"shards","hash_type":"sha256","allow_symlinks":false,"shard_size":10}},
                   "resources":[{{"name":"{bad}","algorithm":"sha256","digest":"{D}"}}]}}"#
            ))
            .unwrap_err();
            assert!(matches!(e, StatementError::Name { .. }), "{bad}: {e}");
        }
    }

    #[test]
    fn shard_sizes_and_sharded_algorithm_names_must_agree() {
        for (size, algorithm) in [
            ("10.5", "sha256"),
            ("0", "sha256"),
            ("-10", "sha256"),
            ("1e300", "sha256"),
            ("10", "sha256-sharded-11"),
            ("10", "blake3-sharded-10"),
        ] {
            let e = pred(&format!(
                r#"{{"serialization":{{"method":"shards","hash_type":"sha256","allow_symlinks":false,"shard_size":{size}}},
                   "resources":[{{"name":"a:0:10","algorithm":"{algorithm}","digest":"{D}"}}]}}"#
            ))
            .unwrap_err();
            assert!(
                matches!(
                    e,
                    StatementError::ShardSize(_)
                        | StatementError::HashAlgorithm { .. }
                        | StatementError::AlgorithmMismatch { .. }
                ),
                "{size} {algorithm}: {e}"
            );
        }
    }

    #[test]
    fn serialization_is_closed_and_consistent() {
        let base = r#""method":"files","hash_type":"sha256","allow_symlinks":false"#;
        assert!(matches!(
            pred(&format!(
                r#"{{"serialization":{{{base},"shard_size":5}},"resources":[]}}"#
            )),
            Err(StatementError::ShardSize(_))
        ));
        assert!(matches!(
            pred(&format!(
                r#"{{"serialization":{{{base},"x":1}},"resources":[]}}"#
            )),
            Err(StatementError::UnknownField { .. })
        ));
        assert!(matches!(
            pred(&format!(
                r#"{{"serialization":{{{base}}},"resources":[{{"name":"a","algorithm":"blake3","digest":"{D}"}}]}}"#
            )),
            Err(StatementError::AlgorithmMismatch { .. })
        ));
        assert!(matches!(
            pred(&format!(
                r#"{{"serialization":{{{base}}},"resources":[{{"name":"a","algorithm":"sha256","digest":"{}"}}]}}"#,
                D.to_uppercase().replace('0', "A")
            )),
            Err(StatementError::Digest { .. })
        ));
        let p = pred(&format!(
            r#"{{"serialization":{{{base}}},"resources":[{{"name":"a","algorithm":"sha256","digest":"{D}","uri":"x"}}],"later":1}}"#
        ))
        .unwrap();
        assert_eq!(p.unknown_fields, ["later"]);
    }
}
