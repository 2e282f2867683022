//! The field lists of the forms, read from the data files `crates/forms/forms/*.toml`
//! (spec/forms.md §3): sources, sections, fields and ranges. The files are embedded in the
//! library; a wording or numbering correction is an edit of the file, checked by the tests of
//! this module, not a code change.
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::FieldListError;

/// Which form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormKind {
    /// The Public Summary of Training Content (AI Act Art. 53(1)(d); template C(2025) 8311).
    TrainingSummary,
    /// The Model Documentation Form of the GPAI Code of Practice (Transparency chapter).
    ModelDocumentation,
}

impl FormKind {
    /// `training-summary` or `model-documentation`.
    pub fn as_str(self) -> &'static str {
        match self {
            FormKind::TrainingSummary => "training-summary",
            FormKind::ModelDocumentation => "model-documentation",
        }
    }

    /// Whether the form has one view per recipient (only the model documentation form does).
    pub fn has_recipients(self) -> bool {
        self == FormKind::ModelDocumentation
    }

    fn data(self) -> &'static str {
        match self {
            FormKind::TrainingSummary => include_str!("../forms/training-summary.toml"),
            FormKind::ModelDocumentation => include_str!("../forms/model-documentation.toml"),
        }
    }
}

/// Who receives the model documentation (spec/forms.md §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recipient {
    /// The European AI Office.
    AiOffice,
    /// National competent authorities.
    Authority,
    /// Downstream providers that integrate the model in their AI systems.
    Downstream,
}

impl Recipient {
    /// `ai-office`, `authority` or `downstream`.
    pub fn as_str(self) -> &'static str {
        match self {
            Recipient::AiOffice => "ai-office",
            Recipient::Authority => "authority",
            Recipient::Downstream => "downstream",
        }
    }

    /// For people: "the AI Office".
    pub fn label(self) -> &'static str {
        match self {
            Recipient::AiOffice => "the AI Office",
            Recipient::Authority => "national competent authorities",
            Recipient::Downstream => "downstream providers",
        }
    }
}

/// A text a field list cites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDef {
    /// Short id the fields cite it by.
    pub id: String,
    /// The citation.
    pub citation: String,
    /// Where it is published, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A caveat (e.g. "not read").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A section of a form.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    /// Its number (`1`, `2`…).
    pub id: String,
    /// Its title.
    pub title: String,
}

/// One field of a form.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Stable id, unique in its form.
    pub id: String,
    /// The section it is in.
    pub section: String,
    /// Its number in the form (`1.3`, `2.2.1`).
    #[serde(rename = "ref")]
    pub reference: String,
    /// Its label.
    pub label: String,
    /// What it asks, in our words.
    pub asks: String,
    /// The source texts: a source id, a space, and where in it.
    pub cites: Vec<String>,
    /// The routine that answers it (spec/forms.md §4).
    pub answer: String,
    /// For the generic answers (`claim`, `source-use`): the claims key read.
    #[serde(default)]
    pub path: Option<String>,
    /// The claims keys that answer it when the record cannot.
    #[serde(default)]
    pub claims: Vec<String>,
    /// Whether the form makes it optional.
    #[serde(default)]
    pub optional: bool,
    /// Who receives it (model documentation only).
    #[serde(default)]
    pub recipients: Vec<Recipient>,
}

/// One range of a quantity.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// How the form words it.
    pub label: String,
    /// Values strictly below this fall in it.
    #[serde(default)]
    pub below: Option<f64>,
    /// Values up to and including this fall in it.
    #[serde(default)]
    pub up_to: Option<f64>,
}

impl Range {
    fn bound(&self) -> Option<f64> {
        self.below.or(self.up_to)
    }

    fn holds(&self, x: f64) -> bool {
        match (self.below, self.up_to) {
            (Some(b), _) => x < b,
            (None, Some(u)) => x <= u,
            (None, None) => true,
        }
    }
}

/// The ranges a form puts a quantity in.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bins {
    /// What is binned: a modality (`text`…) or `parameters`.
    pub quantity: String,
    /// Its unit (`tokens`, `images`, `hours`, `parameters`).
    pub unit: String,
    /// The claims key that declares it.
    pub claims: String,
    /// The ranges, ascending; the last is open.
    pub ranges: Vec<Range>,
}

impl Bins {
    /// The label of the range `x` falls in.
    pub fn label(&self, x: f64) -> &str {
        self.ranges
            .iter()
            .find(|r| r.holds(x))
            .or(self.ranges.last())
            .map(|r| r.label.as_str())
            .unwrap_or("")
    }
}

/// A form's field list.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldList {
    /// Which form.
    pub form: FormKind,
    /// Its title.
    pub title: String,
    /// The version of the list: raised when a field is added or changes meaning.
    pub version: u32,
    /// Where the list comes from, said plainly in every output.
    pub basis: String,
    /// The texts cited.
    pub sources: Vec<SourceDef>,
    /// The sections, in order.
    pub sections: Vec<SectionDef>,
    /// The fields, in order.
    pub fields: Vec<FieldDef>,
    /// The ranges.
    #[serde(default)]
    pub bins: Vec<Bins>,
}

impl FieldList {
    /// Reads and checks the embedded list of `form`.
    pub fn load(form: FormKind) -> Result<FieldList, FieldListError> {
        let list: FieldList = toml::from_str(form.data()).map_err(|e| FieldListError::Syntax {
            form: form.as_str(),
            message: e.to_string(),
        })?;
        list.check(form)?;
        Ok(list)
    }

    /// The ranges of `quantity`.
    pub fn bins(&self, quantity: &str) -> Option<&Bins> {
        self.bins.iter().find(|b| b.quantity == quantity)
    }

    fn check(&self, form: FormKind) -> Result<(), FieldListError> {
        let bad = |what: String| {
            Err(FieldListError::Invalid {
                form: form.as_str(),
                what,
            })
        };
        if self.form != form {
            return bad(format!("the file says it is {}", self.form.as_str()));
        }
        let sources: BTreeSet<&str> = self.sources.iter().map(|s| s.id.as_str()).collect();
        let sections: BTreeSet<&str> = self.sections.iter().map(|s| s.id.as_str()).collect();
        if sources.len() != self.sources.len() || sections.len() != self.sections.len() {
            return bad("a source or section id is used twice".into());
        }
        let mut ids = BTreeSet::new();
        for f in &self.fields {
            if !ids.insert(f.id.as_str()) {
                return bad(format!("field id {} is used twice", f.id));
            }
            if !f
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return bad(format!("field id {} is not kebab-case", f.id));
            }
            if !sections.contains(f.section.as_str()) {
                return bad(format!(
                    "field {} is in unknown section {}",
                    f.id, f.section
                ));
            }
            if !f.reference.starts_with(&f.section) {
                return bad(format!(
                    "field {} ({}) is not numbered in its section",
                    f.id, f.reference
                ));
            }
            if f.cites.is_empty() {
                return bad(format!("field {} cites no source", f.id));
            }
            for c in &f.cites {
                let id = c.split(' ').next().unwrap_or("");
                if !sources.contains(id) {
                    return bad(format!("field {} cites unknown source {c:?}", f.id));
                }
            }
            if !crate::answer::known(&f.answer) {
                return bad(format!("field {} has unknown answer {}", f.id, f.answer));
            }
            if crate::answer::needs_path(&f.answer) != f.path.is_some() {
                return bad(format!(
                    "field {}: answer {} and path disagree",
                    f.id, f.answer
                ));
            }
            if form.has_recipients() == f.recipients.is_empty() {
                return bad(format!("field {}: recipients are for the model documentation form only, and every field of it has some", f.id));
            }
        }
        for b in &self.bins {
            let bounds: Vec<f64> = b.ranges.iter().filter_map(Range::bound).collect();
            let open_last = b.ranges.last().is_some_and(|r| r.bound().is_none());
            let ascending = bounds.windows(2).all(|w| w[0] < w[1]);
            if !open_last || bounds.len() + 1 != b.ranges.len() || !ascending {
                return bad(format!(
                    "the ranges of {} are not ascending with an open last range",
                    b.quantity
                ));
            }
            if b.ranges
                .iter()
                .any(|r| r.below.is_some() && r.up_to.is_some())
            {
                return bad(format!(
                    "a range of {} has both below and up_to",
                    b.quantity
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_embedded_lists_read_and_check() {
        for form in [FormKind::TrainingSummary, FormKind::ModelDocumentation] {
            let l = FieldList::load(form).unwrap();
            assert!(l.fields.len() > 20, "{form:?}");
            assert!(l.basis.contains("summarised by the sources"), "{form:?}");
        }
    }

    #[test]
    fn ranges_are_the_forms_ranges() {
        let t = FieldList::load(FormKind::TrainingSummary).unwrap();
        let text = t.bins("text").unwrap();
        assert_eq!(text.label(0.0), "Less than 1 billion tokens");
        assert_eq!(text.label(999_999_999.0), "Less than 1 billion tokens");
        assert_eq!(text.label(1e9), "1 billion to 10 trillion tokens");
        assert_eq!(text.label(1e13), "1 billion to 10 trillion tokens");
        assert_eq!(text.label(1.0000001e13), "More than 10 trillion tokens");
        let img = t.bins("image").unwrap();
        assert_eq!(img.label(1e6), "1 million to 1 billion images");
        assert_eq!(
            t.bins("audio").unwrap().label(9_999.0),
            "Less than 10,000 hours"
        );
        assert_eq!(
            t.bins("video").unwrap().label(2e6),
            "More than 1 million hours"
        );
        let m = FieldList::load(FormKind::ModelDocumentation).unwrap();
        let p = m.bins("parameters").unwrap();
        let cases = [
            (2_832.0, "1-500M"),
            (5e8, "1-500M"),
            (500_000_001.0, "500M-5B"),
            (7.3e9, "5-15B"),
            (1.5e10, "5-15B"),
            (7.0e10, "50-100B"),
            (4.05e11, "100-500B"),
            (1e12, "500B-1T"),
            (1.8e12, ">1T"),
        ];
        for (x, want) in cases {
            assert_eq!(p.label(x), want, "{x}");
        }
    }

    #[test]
    fn a_broken_list_is_refused() {
        let mut l = FieldList::load(FormKind::TrainingSummary).unwrap();
        l.fields[1].id = l.fields[0].id.clone();
        assert!(l.check(FormKind::TrainingSummary).is_err());
        let mut l = FieldList::load(FormKind::TrainingSummary).unwrap();
        l.fields[0].answer = "guess".into();
        assert!(l.check(FormKind::TrainingSummary).is_err());
        let mut l = FieldList::load(FormKind::TrainingSummary).unwrap();
        l.fields[0].cites = vec!["nowhere 1".into()];
        assert!(l.check(FormKind::TrainingSummary).is_err());
        let mut l = FieldList::load(FormKind::ModelDocumentation).unwrap();
        l.fields[0].recipients.clear();
        assert!(l.check(FormKind::ModelDocumentation).is_err());
        let mut l = FieldList::load(FormKind::ModelDocumentation).unwrap();
        l.bins[0].ranges.swap(0, 1);
        assert!(l.check(FormKind::ModelDocumentation).is_err());
    }
}
