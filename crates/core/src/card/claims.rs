//! The claim fields of a model card's front matter (spec/claims.md §2.2): the keys sceau reads
//! besides the Hugging Face ones [`crate::card`] types — `openness_class`, `open_source`,
//! `intended_use`, `intended_users`, `out_of_scope_use`, `limitations`, `personal_data` — and
//! the Hub's own `co2_eq_emissions`.
use crate::claims::{Claims, EnergyClaim, MofClass, PersonalData};
use serde_json::Value;

use super::front_matter::{front_matter, CardWarning};

fn texts(v: Option<&Value>, field: &str, w: &mut Vec<CardWarning>) -> Vec<String> {
    let bad = |w: &mut Vec<CardWarning>| {
        w.push(CardWarning::FieldType {
            field: field.into(),
        })
    };
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_owned()],
        Some(Value::Array(a)) => {
            let mut out = Vec::new();
            for x in a {
                match x.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                    Some(s) => out.push(s.to_owned()),
                    None => bad(w),
                }
            }
            out
        }
        Some(_) => {
            bad(w);
            Vec::new()
        }
    }
}

/// Grams of CO2 equivalent from `co2_eq_emissions` (a number, or a mapping with
/// `emissions`), and the Hub's `training_type`.
fn co2(v: Option<&Value>, w: &mut Vec<CardWarning>) -> Option<EnergyClaim> {
    let v = v?;
    let (grams, training_type) = match v {
        Value::Number(n) => (n.as_f64(), None),
        Value::Object(m) => (
            m.get("emissions").and_then(Value::as_f64),
            m.get("training_type").and_then(Value::as_str),
        ),
        _ => (None, None),
    };
    match grams.filter(|g| g.is_finite() && *g >= 0.0) {
        Some(g) => Some(EnergyClaim {
            activity: match training_type {
                Some(t) if t.contains("fine") => "fine-tuning".into(),
                _ => "training".into(),
            },
            source: "unknown".into(),
            kwh: None,
            tco2eq: Some(g / 1_000_000.0),
        }),
        None => {
            w.push(CardWarning::FieldType {
                field: "co2_eq_emissions".into(),
            });
            None
        }
    }
}

/// Reads the claim fields of a card's text. Fields that are absent stay empty; fields of the
/// wrong type or value are warnings. A card without front matter claims nothing.
pub fn parse_card_claims(text: &str) -> (Claims, Vec<CardWarning>) {
    let mut w = Vec::new();
    let yaml = match front_matter(text) {
        Ok(Some(y)) if !y.trim().is_empty() => y,
        Ok(_) => return (Claims::default(), w),
        Err(e) => return (Claims::default(), vec![e]),
    };
    let value: Value = match serde_saphyr::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map_or(0, |l| l.line()) + 1;
            let message = e.to_string().lines().next().unwrap_or_default().to_owned();
            return (Claims::default(), vec![CardWarning::Yaml { line, message }]);
        }
    };
    let Some(map) = value.as_object() else {
        return (Claims::default(), vec![CardWarning::NotAMapping]);
    };
    let mut c = Claims::default();
    match map.get("openness_class") {
        None | Some(Value::Null) => {}
        Some(v) => {
            let s = match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            match s.and_then(|s| s.parse::<MofClass>().ok()) {
                Some(k) => c.openness_class = Some(k),
                None => w.push(CardWarning::FieldType {
                    field: "openness_class".into(),
                }),
            }
        }
    }
    match map.get("open_source") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) => c.open_source = Some(*b),
        Some(_) => w.push(CardWarning::FieldType {
            field: "open_source".into(),
        }),
    }
    match map.get("personal_data") {
        None | Some(Value::Null) => {}
        Some(v) => {
            let s = match v {
                Value::String(s) => Some(s.clone()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            match s.and_then(|s| s.parse::<PersonalData>().ok()) {
                Some(p) => c.personal_data = Some(p),
                None => w.push(CardWarning::FieldType {
                    field: "personal_data".into(),
                }),
            }
        }
    }
    c.intended_use = texts(map.get("intended_use"), "intended_use", &mut w);
    c.intended_users = texts(map.get("intended_users"), "intended_users", &mut w);
    c.out_of_scope_use = texts(map.get("out_of_scope_use"), "out_of_scope_use", &mut w);
    c.limitations = texts(map.get("limitations"), "limitations", &mut w);
    c.energy = co2(map.get("co2_eq_emissions"), &mut w);
    (c, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_claim_fields() {
        let (c, w) = parse_card_claims(
            "---\nlicense: mit\nopenness_class: Class II\nopen_source: true\n\
             intended_use: Research\nlimitations: [a, b]\npersonal_data: no\n\
             co2_eq_emissions: {emissions: 1500, training_type: fine-tuning}\n---\n",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.openness_class, Some(MofClass::II));
        assert_eq!(c.open_source, Some(true));
        assert_eq!(c.intended_use, ["Research"]);
        assert_eq!(c.limitations, ["a", "b"]);
        assert_eq!(c.personal_data, Some(PersonalData::No));
        let e = c.energy.unwrap();
        assert_eq!(e.tco2eq, Some(0.0015));
        assert_eq!(e.activity, "fine-tuning");
    }

    #[test]
    fn wrong_values_are_warnings() {
        let (c, w) = parse_card_claims(
            "---\nopenness_class: IV\nopen_source: maybe\nintended_use: {a: 1}\n---\n",
        );
        assert!(c.is_empty());
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(parse_card_claims("no front matter").0.is_empty());
    }
}
