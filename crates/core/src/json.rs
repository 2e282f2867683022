//! Strict JSON: refuse duplicate object keys anywhere in a document (spec/record.md §1.4).
//!
//! serde_json keeps the last of two equal keys in a map; another parser may keep the first.
//! A signed document that two readers understand differently is a forgery waiting to
//! happen, so every signed payload is checked with [`check_unique_keys`] before it is used.
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A duplicate key, or JSON that does not parse, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StrictJsonError(pub String);

/// One step into a document: an object key or an array index.
enum Seg {
    Key(String),
    Index(usize),
}

/// Longest key shown in a path; longer keys are cut (they come from the document).
const PATH_KEY_CHARS: usize = 40;

/// The path from the root to where the checker is, e.g. `$.predicate.components[3].name`.
/// Steps are pushed before a value is read and popped once it was read: after an error, it
/// names the value that failed.
fn render(path: &[Seg]) -> String {
    let mut out = String::from("$");
    for s in path {
        match s {
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
            Seg::Key(k) => {
                let plain = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain && k.len() <= PATH_KEY_CHARS {
                    out.push('.');
                    out.push_str(k);
                } else {
                    let cut: String = k.chars().take(PATH_KEY_CHARS).collect();
                    let more = if cut.len() < k.len() { "…" } else { "" };
                    out.push_str(&format!("[{:?}{more}]", cut));
                }
            }
        }
    }
    out
}

#[derive(Clone, Copy)]
struct Unique<'p>(&'p RefCell<Vec<Seg>>);

impl<'de> DeserializeSeed<'de> for Unique<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Unique<'_> {
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
        let mut i = 0;
        loop {
            self.0.borrow_mut().push(Seg::Index(i));
            if seq.next_element_seed(self)?.is_none() {
                self.0.borrow_mut().pop();
                return Ok(());
            }
            self.0.borrow_mut().pop();
            i += 1;
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(k) = map.next_key::<String>()? {
            self.0.borrow_mut().push(Seg::Key(k.clone()));
            if !seen.insert(k.clone()) {
                return Err(de::Error::custom(format!("duplicate key {k:?}")));
            }
            map.next_value_seed(self)?;
            self.0.borrow_mut().pop();
        }
        Ok(())
    }
}

/// Checks that `bytes` is one JSON value with no object holding the same key twice, and no
/// trailing data. Nesting is limited by serde_json's recursion limit (128). The error names
/// where it is as a JSON path (`$.predicate.components[3].name`), then serde_json's message
/// with its line and column.
pub fn check_unique_keys(bytes: &[u8]) -> Result<(), StrictJsonError> {
    strict(bytes).map_err(|(at, e)| match at {
        Some(at) => StrictJsonError(format!("at {at}: {e}")),
        None => StrictJsonError(e.to_string()),
    })
}

/// The strict check, with the path of the failing value (none when it is the root).
fn strict(bytes: &[u8]) -> Result<(), (Option<String>, serde_json::Error)> {
    let path = RefCell::new(Vec::new());
    let mut d = serde_json::Deserializer::from_slice(bytes);
    Unique(&path)
        .deserialize(&mut d)
        .and_then(|()| d.end())
        .map_err(|e| {
            let at = path.borrow();
            ((!at.is_empty()).then(|| render(&at)), e)
        })
}

/// Adds to `error`, from parsing `bytes` into a typed document, the JSON path of the value
/// where `bytes` stops being strict JSON (a syntax error, a lone surrogate, a repeated key),
/// so that the message names the field and not only a line and column. Type errors
/// (`unknown field`, `invalid type`) already name their field and are returned as they are.
pub fn locate(error: serde_json::Error, bytes: &[u8]) -> serde_json::Error {
    match strict(bytes) {
        Err((Some(at), _)) => de::Error::custom(format!("at {at}: {error}")),
        _ => error,
    }
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
    }

    /// The error names the value where it is, by its path from the root.
    #[test]
    fn errors_name_the_path_of_the_value() {
        let cases: [(&[u8], &str); 6] = [
            (br#"{"a":1,"a":2}"#, "at $.a: duplicate key \"a\""),
            (
                br#"{"predicate":{"components":[{"name":"x"},{"name":"\ud800"}]}}"#,
                "at $.predicate.components[1].name: ",
            ),
            (br#"{"k":[1,2,{"x":tru}]}"#, "at $.k[2].x: "),
            (br#"{"a b":{"\u0007":nul}}"#, r#"at $["a b"]["\u{7}"]: "#),
            (br#"{"a":1} {"b":2}"#, "trailing characters"),
            (br#"[1,2"#, "at $[2]: "),
        ];
        for (bad, want) in cases {
            let e = check_unique_keys(bad).unwrap_err().0;
            assert!(e.contains(want), "{}: {e}", String::from_utf8_lossy(bad));
        }
        let long = format!("{{\"{}\":x}}", "k".repeat(100));
        let e = check_unique_keys(long.as_bytes()).unwrap_err().0;
        assert!(e.contains(&format!("[\"{}\"…]", "k".repeat(40))), "{e}");
    }

    #[test]
    fn locate_adds_the_path_to_a_typed_parse_error() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Doc {
            list: Vec<Item>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            name: String,
        }
        let bad = br#"{"list":[{"name":"ok"},{"name":"\ud800"}]}"#;
        let e = serde_json::from_slice::<Doc>(bad).unwrap_err();
        let plain = e.to_string();
        let located = locate(e, bad).to_string();
        assert!(located.starts_with("at $.list[1].name: "), "{located}");
        assert!(located.ends_with(&plain), "{located}");
        // A type error on valid JSON keeps its own message.
        let typed = br#"{"list":[{"name":1}]}"#;
        let e = serde_json::from_slice::<Doc>(typed).unwrap_err();
        let plain = e.to_string();
        assert_eq!(locate(e, typed).to_string(), plain);
    }

    #[test]
    fn deep_nesting_is_refused_with_a_bounded_message() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let e = check_unique_keys(deep.as_bytes()).unwrap_err().0;
        assert!(e.contains("recursion limit exceeded"), "{e}");
        // The path stops at the recursion limit (128 levels), not at the input's depth.
        assert!(e.matches("[0]").count() <= 128 && e.len() < 1000, "{e}");
    }
}
