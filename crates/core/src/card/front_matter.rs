//! Reading a model card's YAML front matter (spec/scan.md §4).
use super::{CardMeta, EvalResult};
use serde_json::Value;

/// Largest front matter read, in bytes; a larger one is a warning and is skipped.
pub const MAX_FRONT_MATTER: usize = 1 << 20;

/// Why front matter could not be used. Always a warning: the scan goes on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CardWarning {
    /// The YAML does not parse.
    #[error("front matter is not valid YAML (line {line}): {message}")]
    Yaml {
        /// 1-based line in the card file.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// A `---` opening with no closing `---`.
    #[error("front matter opened on line 1 is never closed by a '---' line")]
    Unclosed,
    /// Over [`MAX_FRONT_MATTER`].
    #[error("front matter is over {MAX_FRONT_MATTER} bytes")]
    TooLarge,
    /// Parsed but not a mapping.
    #[error("front matter is not a mapping of keys to values")]
    NotAMapping,
    /// A field of an unexpected type (ignored).
    #[error("field {field:?} has an unexpected type and was ignored")]
    FieldType {
        /// The field.
        field: String,
    },
}

/// Splits `---\n…\n---` off the start of `text`. Returns the YAML, or `None` when the file
/// has no front matter.
pub fn front_matter(text: &str) -> Result<Option<&str>, CardWarning> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Ok(None);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == "---" {
            if offset > MAX_FRONT_MATTER {
                return Err(CardWarning::TooLarge);
            }
            return Ok(Some(&rest[..offset]));
        }
        offset += line.len();
        if offset > MAX_FRONT_MATTER {
            return Err(CardWarning::TooLarge);
        }
    }
    Err(CardWarning::Unclosed)
}

fn strings(v: Option<&Value>, field: &str, warnings: &mut Vec<CardWarning>) -> Vec<String> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => {
            let mut out = Vec::new();
            for x in a {
                match scalar(x) {
                    Some(s) => out.push(s),
                    None => warnings.push(CardWarning::FieldType {
                        field: field.into(),
                    }),
                }
            }
            out
        }
        Some(other) => match scalar(other) {
            Some(s) => vec![s],
            None => {
                warnings.push(CardWarning::FieldType {
                    field: field.into(),
                });
                Vec::new()
            }
        },
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn one(v: Option<&Value>, field: &str, warnings: &mut Vec<CardWarning>) -> Option<String> {
    match v {
        None | Some(Value::Null) => None,
        Some(x) => scalar(x).or_else(|| {
            warnings.push(CardWarning::FieldType {
                field: field.into(),
            });
            None
        }),
    }
}

fn eval_results(v: Option<&Value>) -> Vec<EvalResult> {
    let mut out = Vec::new();
    let Some(models) = v.and_then(Value::as_array) else {
        return out;
    };
    for m in models {
        for r in m
            .get("results")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let task = r.pointer("/task/type").and_then(scalar).unwrap_or_default();
            let dataset = r
                .pointer("/dataset/name")
                .or_else(|| r.pointer("/dataset/type"))
                .and_then(scalar)
                .unwrap_or_default();
            for metric in r
                .get("metrics")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push(EvalResult {
                    task: task.clone(),
                    dataset: dataset.clone(),
                    metric: metric.get("type").and_then(scalar).unwrap_or_default(),
                    value: metric.get("value").and_then(scalar).unwrap_or_default(),
                });
            }
        }
    }
    out
}

/// Parses a card's text. `Ok(None)`: no front matter. Warnings never stop the scan.
pub fn parse_card(text: &str) -> (Option<CardMeta>, Vec<CardWarning>) {
    let mut warnings = Vec::new();
    let yaml = match front_matter(text) {
        Ok(Some(y)) => y,
        Ok(None) => return (None, warnings),
        Err(w) => return (None, vec![w]),
    };
    if yaml.trim().is_empty() {
        return (Some(CardMeta::default()), warnings);
    }
    let value: Value = match serde_saphyr::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            // Line 1 of the file is the opening '---'.
            let line = e.location().map_or(0, |l| l.line()) + 1;
            let message = e.to_string().lines().next().unwrap_or_default().to_owned();
            return (None, vec![CardWarning::Yaml { line, message }]);
        }
    };
    let Some(map) = value.as_object() else {
        return (None, vec![CardWarning::NotAMapping]);
    };
    let w = &mut warnings;
    let meta = CardMeta {
        license: one(map.get("license"), "license", w),
        license_name: one(map.get("license_name"), "license_name", w),
        license_link: one(map.get("license_link"), "license_link", w),
        datasets: strings(map.get("datasets"), "datasets", w),
        base_model: strings(map.get("base_model"), "base_model", w),
        base_model_relation: one(map.get("base_model_relation"), "base_model_relation", w),
        language: strings(map.get("language"), "language", w),
        tags: strings(map.get("tags"), "tags", w),
        pipeline_tag: one(map.get("pipeline_tag"), "pipeline_tag", w),
        library_name: one(map.get("library_name"), "library_name", w),
        eval_results: eval_results(map.get("model-index")),
    };
    (Some(meta), warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARD: &str = "---\nlicense: apache-2.0\ndatasets:\n  - HuggingFaceFW/fineweb\nlanguage: en\nbase_model: org/base\nbase_model_relation: finetune\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-generation}\n    dataset: {type: hellaswag, name: HellaSwag}\n    metrics:\n    - {type: accuracy, value: 0.42}\n---\n# Title\n";

    #[test]
    fn reads_the_fields() {
        let (m, w) = parse_card(CARD);
        assert!(w.is_empty(), "{w:?}");
        let m = m.unwrap();
        assert_eq!(m.license.as_deref(), Some("apache-2.0"));
        assert_eq!(m.datasets, ["HuggingFaceFW/fineweb"]);
        assert_eq!(m.language, ["en"]);
        assert_eq!(m.base_model, ["org/base"]);
        assert_eq!(m.eval_results[0].value, "0.42");
        assert_eq!(m.eval_results[0].dataset, "HellaSwag");
    }

    #[test]
    fn malformed_yaml_is_a_warning_with_a_line() {
        let (m, w) = parse_card("---\nlicense: mit\ndatasets: [a, b\n---\n");
        assert!(m.is_none());
        match &w[..] {
            [CardWarning::Yaml { line, .. }] => assert!(*line >= 3, "line {line}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse_card("---\nlicense: mit\n").1,
            vec![CardWarning::Unclosed]
        );
        assert_eq!(parse_card("no front matter").0, None);
        assert_eq!(
            parse_card("---\n- a\n---\n").1,
            vec![CardWarning::NotAMapping]
        );
    }

    #[test]
    fn hostile_yaml_does_not_explode() {
        let mut bomb = String::from("---\na: &a [x,x,x,x,x,x,x,x,x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("a{}", i - 1)
            };
            bomb.push_str(&format!("a{i}: &a{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        bomb.push_str("---\n");
        let (_, w) = parse_card(&bomb);
        assert!(!w.is_empty());
    }
}
