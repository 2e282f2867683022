//! Strict JSON: refuse duplicate object keys anywhere in a document (spec/record.md §1.4).
//!
//! serde_json keeps the last of two equal keys in a map; another parser may keep the first.
//! A signed document that two readers understand differently is a forgery waiting to
//! happen, so every signed payload is checked with [`check_unique_keys`] before it is used.
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A duplicate key, or JSON that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StrictJsonError(pub String);

struct Unique;

impl<'de> DeserializeSeed<'de> for Unique {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Unique)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(k) = map.next_key::<String>()? {
            if !seen.insert(k.clone()) {
                return Err(de::Error::custom(format!("duplicate key {k:?}")));
            }
            map.next_value_seed(Unique)?;
        }
        Ok(())
    }
}

/// Checks that `bytes` is one JSON value with no object holding the same key twice, and no
/// trailing data. Nesting is limited by serde_json's recursion limit (128).
pub fn check_unique_keys(bytes: &[u8]) -> Result<(), StrictJsonError> {
    let mut d = serde_json::Deserializer::from_slice(bytes);
    Unique
        .deserialize(&mut d)
        .and_then(|()| d.end())
        .map_err(|e| StrictJsonError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_duplicates_at_any_depth() {
        assert!(check_unique_keys(br#"{"a":1,"b":{"c":[{"d":1,"e":2}]}}"#).is_ok());
        for bad in [
            &br#"{"a":1,"a":2}"#[..],
            br#"{"x":{"sha256":"1","sha256":"2"}}"#,
            br#"[{"k":1},{"k":1,"k":1}]"#,
            br#"{"a":1} {"b":2}"#,
        ] {
            assert!(
                check_unique_keys(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(
            check_unique_keys(deep.as_bytes()).is_err(),
            "nesting is capped"
        );
    }
}
