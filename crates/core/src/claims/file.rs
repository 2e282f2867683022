//! Reading a `CLAIMS.toml` file strictly (spec/claims.md §2.1): unknown fields, wrong types,
//! unknown components, bad licences, paths and URLs are errors naming the line and the field.
use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{
    disclosure, Claims, ComponentClaim, DatasetClaim, DatasetPurpose, EnergyClaim, EvalClaim,
    MofClass, MofComponent, PersonalData, Provider, ENERGY_ACTIVITIES, ENERGY_SOURCES,
};
use crate::licence::{Licence, LicenceError, HF_NAMED_LICENCES};
use crate::relpath::RelPath;

/// Largest claims file read, in bytes.
pub const MAX_CLAIMS_BYTES: usize = 256 * 1024;
/// Most entries in any one list (datasets, evaluation results, paths, texts).
const MAX_ENTRIES: usize = 4096;
/// Longest text value, in bytes.
const MAX_TEXT: usize = 16 * 1024;

/// Why a claims file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimsError {
    /// Over [`MAX_CLAIMS_BYTES`].
    #[error("claims file is over the size limit of {MAX_CLAIMS_BYTES} bytes")]
    TooLarge,
    /// Not UTF-8 text.
    #[error("claims file is not UTF-8 text")]
    NotUtf8,
    /// Not valid TOML, or a field is wrong.
    #[error("{}", describe(*line, field.as_deref(), message))]
    Invalid {
        /// 1-based line, when known.
        line: Option<usize>,
        /// The field, as a dotted path (`datasets[0].licence`), when known.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
}

fn describe(line: Option<usize>, field: Option<&str>, message: &str) -> String {
    let mut s = String::new();
    if let Some(l) = line {
        s.push_str(&format!("line {l}"));
    }
    if let Some(f) = field {
        if !s.is_empty() {
            s.push_str(", ");
        }
        s.push_str(&format!("field `{f}`"));
    }
    if s.is_empty() {
        message.to_owned()
    } else {
        format!("{s}: {message}")
    }
}

impl ClaimsError {
    /// The 1-based line the error is on, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ClaimsError::Invalid { line, .. } => *line,
            _ => None,
        }
    }

    /// The field the error is about, when known.
    pub fn field(&self) -> Option<&str> {
        match self {
            ClaimsError::Invalid { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaims {
    #[serde(default)]
    openness_class: Option<Spanned<String>>,
    #[serde(default)]
    open_source: Option<bool>,
    #[serde(default)]
    intended_use: Option<Spanned<Text>>,
    #[serde(default)]
    intended_users: Option<Spanned<Text>>,
    #[serde(default)]
    out_of_scope_use: Option<Spanned<Text>>,
    #[serde(default)]
    limitations: Option<Spanned<Text>>,
    #[serde(default)]
    personal_data: Option<Spanned<String>>,
    #[serde(default)]
    energy: Option<RawEnergy>,
    #[serde(default)]
    components: Option<RawComponents>,
    #[serde(default)]
    datasets: Vec<Spanned<RawDataset>>,
    #[serde(default)]
    evaluation: Vec<Spanned<RawEval>>,
    #[serde(default)]
    provider: Option<Spanned<RawProvider>>,
    // The disclosure tables check themselves as they are read (spec/claims.md §1.3).
    #[serde(default)]
    representative: Option<disclosure::Representative>,
    #[serde(default)]
    distribution: Option<disclosure::Distribution>,
    #[serde(default)]
    documentation: Option<disclosure::Documentation>,
    #[serde(default)]
    model: Option<disclosure::ModelDescription>,
    #[serde(default)]
    training: Option<disclosure::Training>,
    #[serde(default)]
    training_data: Option<disclosure::TrainingData>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    name: Spanned<String>,
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    email: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnergy {
    #[serde(default)]
    activity: Option<Spanned<String>>,
    #[serde(default)]
    source: Option<Spanned<String>>,
    #[serde(default)]
    kwh: Option<Spanned<f64>>,
    #[serde(default)]
    tco2eq: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawComponents {
    model_architecture: Option<RawComponent>,
    model_parameters: Option<RawComponent>,
    model_card: Option<RawComponent>,
    data_card: Option<RawComponent>,
    technical_report: Option<RawComponent>,
    evaluation_results: Option<RawComponent>,
    sample_model_outputs: Option<RawComponent>,
    training_code: Option<RawComponent>,
    inference_code: Option<RawComponent>,
    evaluation_code: Option<RawComponent>,
    evaluation_data: Option<RawComponent>,
    supporting_libraries: Option<RawComponent>,
    research_paper: Option<RawComponent>,
    datasets: Option<RawComponent>,
    data_preprocessing_code: Option<RawComponent>,
    intermediate_parameters: Option<RawComponent>,
    model_metadata: Option<RawComponent>,
}

impl RawComponents {
    fn into_list(self) -> Vec<(MofComponent, Option<RawComponent>)> {
        use MofComponent::*;
        vec![
            (ModelArchitecture, self.model_architecture),
            (ModelParameters, self.model_parameters),
            (ModelCard, self.model_card),
            (DataCard, self.data_card),
            (TechnicalReport, self.technical_report),
            (EvaluationResults, self.evaluation_results),
            (SampleModelOutputs, self.sample_model_outputs),
            (TrainingCode, self.training_code),
            (InferenceCode, self.inference_code),
            (EvaluationCode, self.evaluation_code),
            (EvaluationData, self.evaluation_data),
            (SupportingLibraries, self.supporting_libraries),
            (ResearchPaper, self.research_paper),
            (Datasets, self.datasets),
            (DataPreprocessingCode, self.data_preprocessing_code),
            (IntermediateParameters, self.intermediate_parameters),
            (ModelMetadata, self.model_metadata),
        ]
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    #[serde(default, alias = "license")]
    licence: Option<Spanned<String>>,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDataset {
    name: Spanned<String>,
    #[serde(default, alias = "license")]
    licence: Option<Spanned<String>>,
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    included: bool,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    purpose: DatasetPurpose,
    #[serde(default)]
    description: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEval {
    metric: Spanned<String>,
    value: Spanned<EvalValue>,
    dataset: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum EvalValue {
    Text(String),
    Int(i64),
    Float(f64),
}

/// Parses a licence as claims write it: an SPDX expression (ids in any case), a Hugging Face
/// licence id (`llama3.1`, `openrail++`, …) or another licence id made of letters, digits and
/// `.-_+` (kept as a named licence). Anything else is an error.
pub fn parse_licence(s: &str) -> Result<Licence, LicenceError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(LicenceError::Empty);
    }
    let l = Licence::from_hf(t, None, None)?;
    match &l {
        Licence::Spdx { .. } => Ok(l),
        Licence::Named { id, .. } => {
            let lower = id.to_ascii_lowercase();
            if HF_NAMED_LICENCES.contains(&lower.as_str())
                || id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
            {
                Ok(l)
            } else {
                Err(LicenceError::NotALicence(t.to_owned()))
            }
        }
    }
}

/// Longest provider name, in bytes.
const MAX_NAME: usize = 256;
/// Longest e-mail address, in bytes (RFC 5321 §4.5.3.1.3 path limit).
const MAX_EMAIL: usize = 254;

/// A text that is not an e-mail address as claims write them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an e-mail address (local@example.org)")]
pub struct NotAnEmail(pub String);

/// Checks an e-mail address as claims write it (spec/claims.md §1.2): `local@domain`, one `@`,
/// no spaces, controls or the characters `<>()[]\,;:"`, a domain of dot-separated labels of
/// letters, digits and `-` (not starting or ending with `-`) with at least one dot.
pub fn parse_email(s: &str) -> Result<String, NotAnEmail> {
    let t = s.trim();
    let bad = || NotAnEmail(t.to_owned());
    if t.is_empty() || t.len() > MAX_EMAIL {
        return Err(bad());
    }
    let (local, domain) = t.split_once('@').ok_or_else(bad)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[]\\,;:\"@".contains(c));
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let domain_ok = domain.contains('.') && domain.split('.').all(label_ok);
    if local_ok && domain_ok {
        Ok(t.to_owned())
    } else {
        Err(bad())
    }
}

/// Line (1-based) of byte offset `at` in `src`.
fn line_of(src: &str, at: usize) -> usize {
    src.as_bytes()[..at.min(src.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The dotted field a TOML parser error points at, guessed from the source: the key on the
/// error's line, under the nearest table header above it.
fn field_at(src: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = src.lines().collect();
    let text = lines.get(line.checked_sub(1)?)?;
    let key = text
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_owned())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let mut header: Option<String> = None;
    for (i, l) in lines.iter().enumerate().take(line) {
        let t = l.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split_once("]]")) {
            let name = name.0.trim().to_owned();
            let index = lines[..i]
                .iter()
                .filter(|x| {
                    x.trim()
                        .strip_prefix("[[")
                        .and_then(|r| r.split_once("]]"))
                        .is_some_and(|(n, _)| n.trim() == name)
                })
                .count();
            header = Some(format!("{name}[{index}]"));
        } else if let Some(name) = t.strip_prefix('[').and_then(|r| r.split_once(']')) {
            header = Some(name.0.trim().to_owned());
        }
    }
    match (header, key) {
        (Some(h), Some(k)) => Some(format!("{h}.{k}")),
        (None, Some(k)) => Some(k),
        (Some(h), None) => Some(h),
        (None, None) => None,
    }
}

struct Ctx<'a> {
    src: &'a str,
}

impl Ctx<'_> {
    fn err<T>(
        &self,
        span: Option<std::ops::Range<usize>>,
        field: &str,
        message: impl Into<String>,
    ) -> Result<T, ClaimsError> {
        Err(ClaimsError::Invalid {
            line: span.map(|s| line_of(self.src, s.start)),
            field: Some(field.to_owned()),
            message: message.into(),
        })
    }

    fn text(&self, v: &Spanned<String>, field: &str) -> Result<String, ClaimsError> {
        let t = v.get_ref().trim();
        if t.is_empty() {
            return self.err(Some(v.span()), field, "empty text");
        }
        if t.len() > MAX_TEXT {
            return self.err(Some(v.span()), field, format!("over {MAX_TEXT} bytes"));
        }
        Ok(t.to_owned())
    }

    fn texts(&self, v: Option<Spanned<Text>>, field: &str) -> Result<Vec<String>, ClaimsError> {
        let Some(v) = v else {
            return Ok(Vec::new());
        };
        let span = v.span();
        let list = match v.into_inner() {
            Text::One(s) => vec![s],
            Text::Many(v) => v,
        };
        if list.len() > MAX_ENTRIES {
            return self.err(
                Some(span),
                field,
                format!("more than {MAX_ENTRIES} entries"),
            );
        }
        let mut out = Vec::with_capacity(list.len());
        for (i, s) in list.into_iter().enumerate() {
            let t = s.trim();
            if t.is_empty() {
                return self.err(Some(span.clone()), &format!("{field}[{i}]"), "empty text");
            }
            if t.len() > MAX_TEXT {
                return self.err(
                    Some(span.clone()),
                    &format!("{field}[{i}]"),
                    format!("over {MAX_TEXT} bytes"),
                );
            }
            out.push(t.to_owned());
        }
        Ok(out)
    }

    fn licence(
        &self,
        v: Option<Spanned<String>>,
        field: &str,
    ) -> Result<Option<Licence>, ClaimsError> {
        match v {
            None => Ok(None),
            Some(v) => match parse_licence(v.get_ref()) {
                Ok(l) => Ok(Some(l)),
                Err(e) => self.err(Some(v.span()), field, e.to_string()),
            },
        }
    }

    fn url(&self, v: Option<Spanned<String>>, field: &str) -> Result<Option<String>, ClaimsError> {
        let Some(v) = v else {
            return Ok(None);
        };
        let u = v.get_ref().trim();
        let ok = (u.starts_with("https://") || u.starts_with("http://"))
            && u.len() > "https://".len()
            && u.len() <= 2048
            && !u.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            return self.err(
                Some(v.span()),
                field,
                format!("{u:?} is not an http(s) URL"),
            );
        }
        Ok(Some(u.to_owned()))
    }

    fn paths(&self, v: Vec<Spanned<String>>, field: &str) -> Result<Vec<RelPath>, ClaimsError> {
        if v.len() > MAX_ENTRIES {
            return self.err(None, field, format!("more than {MAX_ENTRIES} paths"));
        }
        let mut out: Vec<RelPath> = Vec::with_capacity(v.len());
        for (i, p) in v.into_iter().enumerate() {
            let raw = p.get_ref().trim();
            let trimmed = raw.strip_suffix('/').unwrap_or(raw);
            match RelPath::new(trimmed) {
                Ok(r) => {
                    if !out.contains(&r) {
                        out.push(r);
                    }
                }
                Err(e) => {
                    return self.err(
                        Some(p.span()),
                        &format!("{field}[{i}]"),
                        format!("{raw:?} is not a relative path inside the release: {e}"),
                    )
                }
            }
        }
        Ok(out)
    }
}

impl Claims {
    /// Parses a claims file (spec/claims.md §2.1). Strict: unknown fields and values of the
    /// wrong type or form are errors naming the line and the field.
    pub fn from_toml(bytes: &[u8]) -> Result<Claims, ClaimsError> {
        if bytes.len() > MAX_CLAIMS_BYTES {
            return Err(ClaimsError::TooLarge);
        }
        let src = std::str::from_utf8(bytes).map_err(|_| ClaimsError::NotUtf8)?;
        let raw: RawClaims = toml::from_str(src).map_err(|e| {
            let line = e.span().map(|s| line_of(src, s.start));
            ClaimsError::Invalid {
                line,
                field: line.and_then(|l| field_at(src, l)),
                message: e.message().trim().to_owned(),
            }
        })?;
        let cx = Ctx { src };
        let mut c = Claims::default();

        if let Some(v) = raw.openness_class {
            c.openness_class = Some(
                v.get_ref()
                    .parse::<MofClass>()
                    .or_else(|e| cx.err(Some(v.span()), "openness_class", e.to_string()))?,
            );
        }
        c.open_source = raw.open_source;
        c.intended_use = cx.texts(raw.intended_use, "intended_use")?;
        c.intended_users = cx.texts(raw.intended_users, "intended_users")?;
        c.out_of_scope_use = cx.texts(raw.out_of_scope_use, "out_of_scope_use")?;
        c.limitations = cx.texts(raw.limitations, "limitations")?;
        if let Some(v) = raw.personal_data {
            c.personal_data = Some(
                v.get_ref()
                    .parse::<PersonalData>()
                    .or_else(|e| cx.err(Some(v.span()), "personal_data", e.to_string()))?,
            );
        }
        if let Some(e) = raw.energy {
            let activity = match e.activity {
                None => "training".to_owned(),
                Some(a) if ENERGY_ACTIVITIES.contains(&a.get_ref().as_str()) => a.into_inner(),
                Some(a) => {
                    return cx.err(
                        Some(a.span()),
                        "energy.activity",
                        format!(
                            "unknown activity {:?} (one of: {})",
                            a.get_ref(),
                            ENERGY_ACTIVITIES.join(", ")
                        ),
                    )
                }
            };
            let source = match e.source {
                None => "unknown".to_owned(),
                Some(s) if ENERGY_SOURCES.contains(&s.get_ref().as_str()) => s.into_inner(),
                Some(s) => {
                    return cx.err(
                        Some(s.span()),
                        "energy.source",
                        format!(
                            "unknown energy source {:?} (one of: {})",
                            s.get_ref(),
                            ENERGY_SOURCES.join(", ")
                        ),
                    )
                }
            };
            let num = |v: Option<Spanned<f64>>, field: &str| -> Result<Option<f64>, ClaimsError> {
                match v {
                    Some(n) if !n.get_ref().is_finite() || *n.get_ref() < 0.0 => cx.err(
                        Some(n.span()),
                        field,
                        "must be a finite number, zero or more",
                    ),
                    Some(n) => Ok(Some(n.into_inner())),
                    None => Ok(None),
                }
            };
            let kwh = num(e.kwh, "energy.kwh")?;
            let tco2eq = num(e.tco2eq, "energy.tco2eq")?;
            if kwh.is_none() && tco2eq.is_none() {
                return cx.err(None, "energy", "give kwh, tco2eq or both");
            }
            c.energy = Some(EnergyClaim {
                activity,
                source,
                kwh,
                tco2eq,
            });
        }
        if let Some(comps) = raw.components {
            let mut map = BTreeMap::new();
            for (id, rc) in comps.into_list() {
                let Some(rc) = rc else { continue };
                let f = |k: &str| format!("components.{}.{k}", id.as_str());
                let claim = ComponentClaim {
                    licence: cx.licence(rc.licence, &f("licence"))?,
                    paths: cx.paths(rc.paths, &f("paths"))?,
                    url: cx.url(rc.url, &f("url"))?,
                };
                map.insert(id, claim);
            }
            c.components = map;
        }
        if raw.datasets.len() > MAX_ENTRIES {
            return cx.err(
                None,
                "datasets",
                format!("more than {MAX_ENTRIES} datasets"),
            );
        }
        let mut names = std::collections::HashSet::new();
        for (i, d) in raw.datasets.into_iter().enumerate() {
            let span = d.span();
            let d = d.into_inner();
            let f = |k: &str| format!("datasets[{i}].{k}");
            let name = cx.text(&d.name, &f("name"))?;
            if !names.insert(name.to_ascii_lowercase()) {
                return cx.err(
                    Some(d.name.span()),
                    &f("name"),
                    format!("dataset {name:?} listed twice"),
                );
            }
            let paths = cx.paths(d.paths, &f("paths"))?;
            if d.included && paths.is_empty() {
                return cx.err(
                    Some(span),
                    &f("paths"),
                    "an included dataset needs the paths of its files in the release",
                );
            }
            if !d.included && !paths.is_empty() {
                return cx.err(
                    Some(span),
                    &f("included"),
                    "paths are given but included is not true",
                );
            }
            c.datasets.push(DatasetClaim {
                name,
                licence: cx.licence(d.licence, &f("licence"))?,
                url: cx.url(d.url, &f("url"))?,
                included: d.included,
                paths,
                purpose: d.purpose,
                description: d
                    .description
                    .as_ref()
                    .map(|t| cx.text(t, &f("description")))
                    .transpose()?,
            });
        }
        if raw.evaluation.len() > MAX_ENTRIES {
            return cx.err(
                None,
                "evaluation",
                format!("more than {MAX_ENTRIES} results"),
            );
        }
        for (i, e) in raw.evaluation.into_iter().enumerate() {
            let e = e.into_inner();
            let f = |k: &str| format!("evaluation[{i}].{k}");
            let value = match e.value.get_ref() {
                EvalValue::Text(s) if !s.trim().is_empty() => s.trim().to_owned(),
                EvalValue::Text(_) => {
                    return cx.err(Some(e.value.span()), &f("value"), "empty text")
                }
                EvalValue::Int(n) => n.to_string(),
                EvalValue::Float(x) if x.is_finite() => x.to_string(),
                EvalValue::Float(_) => {
                    return cx.err(Some(e.value.span()), &f("value"), "must be a finite number")
                }
            };
            c.evaluation.push(EvalClaim {
                metric: cx.text(&e.metric, &f("metric"))?,
                value,
                dataset: cx.text(&e.dataset, &f("dataset"))?,
            });
        }
        if let Some(p) = raw.provider {
            let span = p.span();
            let p = p.into_inner();
            let name = cx.text(&p.name, "provider.name")?;
            if name.len() > MAX_NAME {
                return cx.err(
                    Some(p.name.span()),
                    "provider.name",
                    format!("over {MAX_NAME} bytes"),
                );
            }
            let email = match p.email {
                None => None,
                Some(e) => match parse_email(e.get_ref()) {
                    Ok(v) => Some(v),
                    Err(m) => return cx.err(Some(e.span()), "provider.email", m.to_string()),
                },
            };
            let url = cx.url(p.url, "provider.url")?;
            if url.is_none() && email.is_none() {
                return cx.err(
                    Some(span),
                    "provider",
                    "give url, email or both: a provider needs a way to be reached",
                );
            }
            c.provider = Some(Provider { name, url, email });
        }
        c.disclosure = disclosure::Disclosure {
            representative: raw.representative,
            distribution: raw.distribution,
            documentation: raw.documentation,
            model: raw.model,
            training: raw.training,
            training_data: raw.training_data,
        };
        Ok(c)
    }
}
