//! Reading protobuf-JSON documents field by field (spec/oms.md §2.2).
//!
//! Sigstore bundles are the JSON mapping of protobuf messages: a reader must accept both the
//! lowerCamelCase JSON name (`verificationMaterial`) and the original field name
//! (`verification_material`). [`normalise_keys`] rewrites every object key to its JSON name
//! once, refusing an object that spells one field both ways; [`Fields`] then reads one object
//! with the JSON names only, refusing unknown fields where the message is closed.
use serde_json::{Map, Value};

use crate::error::{BundleError, StatementError};

/// A field-level problem, turned into the caller's error type.
#[derive(Debug)]
pub(crate) enum FieldError {
    WrongType {
        path: String,
        expected: &'static str,
    },
    Missing {
        path: String,
        field: &'static str,
    },
    Unknown {
        path: String,
        field: String,
    },
}

impl From<FieldError> for BundleError {
    fn from(e: FieldError) -> Self {
        match e {
            FieldError::WrongType { path, expected } => BundleError::WrongType { path, expected },
            FieldError::Missing { path, field } => BundleError::MissingField { path, field },
            FieldError::Unknown { path, field } => BundleError::UnknownField { path, field },
        }
    }
}

impl From<FieldError> for StatementError {
    fn from(e: FieldError) -> Self {
        match e {
            FieldError::WrongType { path, expected } => {
                StatementError::WrongType { path, expected }
            }
            FieldError::Missing { path, field } => StatementError::MissingField { path, field },
            FieldError::Unknown { path, field } => StatementError::UnknownField { path, field },
        }
    }
}

/// The lowerCamelCase JSON name of a protobuf field name (`tlog_entries` → `tlogEntries`).
/// Keys without `_` are returned unchanged.
pub(crate) fn json_name(key: &str) -> String {
    if !key.contains('_') || key.starts_with('_') {
        return key.to_owned();
    }
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Rewrites every object key below `value` to its JSON name, in place. Returns whether any key
/// was rewritten. Two keys naming one field (`logIndex` and `log_index`) are refused.
/// Recursion follows the document, whose depth serde_json already bounded (128).
pub(crate) fn normalise_keys(value: &mut Value, path: &str) -> Result<bool, BundleError> {
    match value {
        Value::Object(map) => {
            let mut changed = false;
            let old = std::mem::take(map);
            let mut out = Map::with_capacity(old.len());
            for (k, mut v) in old {
                let name = json_name(&k);
                let child = format!("{path}.{name}");
                changed |= normalise_keys(&mut v, &child)?;
                if name != k {
                    changed = true;
                }
                if out.contains_key(&name) {
                    return Err(BundleError::DuplicateField {
                        path: path.to_owned(),
                        field: name,
                    });
                }
                out.insert(name, v);
            }
            *map = out;
            Ok(changed)
        }
        Value::Array(items) => {
            let mut changed = false;
            for (i, v) in items.iter_mut().enumerate() {
                changed |= normalise_keys(v, &format!("{path}[{i}]"))?;
            }
            Ok(changed)
        }
        _ => Ok(false),
    }
}

/// One JSON object being read: tracks which fields were taken so that the rest can be
/// refused ([`Fields::deny_unknown`]) or listed ([`Fields::unknown`]).
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: String,
    taken: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// Starts reading `value`, which must be an object.
    pub(crate) fn new(value: &'a Value, path: &str) -> Result<Self, FieldError> {
        match value {
            Value::Object(map) => Ok(Fields {
                map,
                path: path.to_owned(),
                taken: Vec::new(),
            }),
            _ => Err(FieldError::WrongType {
                path: path.to_owned(),
                expected: "an object",
            }),
        }
    }

    /// The path of one of its fields.
    pub(crate) fn child(&self, field: &str) -> String {
        format!("{}.{field}", self.path)
    }

    /// The field, if present (a JSON `null` counts as present).
    pub(crate) fn opt(&mut self, field: &'static str) -> Option<&'a Value> {
        self.taken.push(field);
        self.map.get(field)
    }

    /// The field, which must be present.
    pub(crate) fn req(&mut self, field: &'static str) -> Result<&'a Value, FieldError> {
        let path = self.path.clone();
        self.opt(field).ok_or(FieldError::Missing { path, field })
    }

    /// A required string field.
    pub(crate) fn req_str(&mut self, field: &'static str) -> Result<&'a str, FieldError> {
        let path = self.child(field);
        self.req(field)?.as_str().ok_or(FieldError::WrongType {
            path,
            expected: "a string",
        })
    }

    /// An optional string field (`null` is refused).
    pub(crate) fn opt_str(&mut self, field: &'static str) -> Result<Option<&'a str>, FieldError> {
        let path = self.child(field);
        match self.opt(field) {
            None => Ok(None),
            Some(v) => v.as_str().map(Some).ok_or(FieldError::WrongType {
                path,
                expected: "a string",
            }),
        }
    }

    /// An optional array field (`null` is refused).
    pub(crate) fn opt_array(
        &mut self,
        field: &'static str,
    ) -> Result<Option<&'a Vec<Value>>, FieldError> {
        let path = self.child(field);
        match self.opt(field) {
            None => Ok(None),
            Some(v) => v.as_array().map(Some).ok_or(FieldError::WrongType {
                path,
                expected: "an array",
            }),
        }
    }

    /// Fields present but never asked for, in document order.
    pub(crate) fn unknown(&self) -> Vec<String> {
        self.map
            .keys()
            .filter(|k| !self.taken.contains(&k.as_str()))
            .cloned()
            .collect()
    }

    /// Refuses any field that was never asked for (a closed message).
    pub(crate) fn deny_unknown(self) -> Result<(), FieldError> {
        match self.unknown().into_iter().next() {
            None => Ok(()),
            Some(field) => Err(FieldError::Unknown {
                path: self.path,
                field,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_follow_the_protobuf_mapping() {
        assert_eq!(json_name("tlog_entries"), "tlogEntries");
        assert_eq!(json_name("x509_certificate_chain"), "x509CertificateChain");
        assert_eq!(json_name("mediaType"), "mediaType");
        assert_eq!(json_name("_type"), "_type");
    }

    #[test]
    fn normalising_refuses_a_field_spelled_both_ways() {
        let mut v: Value =
            serde_json::from_str(r#"{"a":{"log_index":"1","logIndex":"1"}}"#).unwrap();
        let e = normalise_keys(&mut v, "$").unwrap_err();
        assert!(
            matches!(e, BundleError::DuplicateField { ref path, ref field }
            if path == "$.a" && field == "logIndex")
        );
        let mut v: Value =
            serde_json::from_str(r#"{"media_type":"x","b":[{"raw_bytes":"y"}]}"#).unwrap();
        assert!(normalise_keys(&mut v, "$").unwrap());
        assert_eq!(v["mediaType"], "x");
        assert_eq!(v["b"][0]["rawBytes"], "y");
    }
}
