//! A filled form: its sections and fields, each field with its answer and the **source** of
//! the answer (spec/forms.md §2), and its JSON shape (spec/forms.md §6, versioned by
//! [`SCHEMA_VERSION`]).
use serde::Serialize;

use crate::catalogue::{FormKind, Recipient, SourceDef};

/// The version of the JSON shape of [`Form`]: raised on any change a reader could notice.
pub const SCHEMA_VERSION: u32 = 1;

/// Said in every output.
pub const DISCLAIMER: &str = "This form is filled from the release record: answers marked verified are derived from signed artifacts, answers marked declared are the provider's signed claims, answers marked missing are not in the record. It is not legal advice; check every answer, and the field list itself, against the official template before publishing or handing it over.";

/// Where an answer comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Derived from signed artifacts: the weight headers, the configuration whose digest the
    /// record signs, the record's identity and file digests, the verified lineage.
    Verified,
    /// A signed claim: the claims file or the model card front matter as the record carries
    /// them.
    Declared,
    /// Not in the record: the claims keys named with the field would fill it.
    Missing,
}

impl Source {
    /// `verified`, `declared` or `missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Verified => "verified",
            Source::Declared => "declared",
            Source::Missing => "missing",
        }
    }
}

/// One line of an answer that is a list (datasets, crawlers, domains, dependencies…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The text.
    pub text: String,
    /// A link that goes with it (a base model's summary, a policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl Entry {
    /// An entry without a link.
    pub fn text(s: impl Into<String>) -> Entry {
        Entry {
            text: s.into(),
            link: None,
        }
    }

    /// An entry with a link.
    pub fn linked(s: impl Into<String>, link: impl Into<String>) -> Entry {
        Entry {
            text: s.into(),
            link: Some(link.into()),
        }
    }
}

/// One filled field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Stable id (the data file's).
    pub id: String,
    /// Its number in the form.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Its label.
    pub label: String,
    /// What it asks.
    pub asks: String,
    /// Where the answer comes from.
    pub source: Source,
    /// The answer, one paragraph; `None` when missing.
    pub answer: Option<String>,
    /// The answer's list, when it is one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<Entry>,
    /// What in the record gives the answer ("the weight headers of model.safetensors",
    /// "claims training.flops", "model card pipeline_tag").
    pub origin: Option<String>,
    /// The claims keys that answer it (for a missing field: that would).
    pub claims_keys: Vec<String>,
    /// A caveat or what else the record shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Whether the form makes it optional.
    pub optional: bool,
    /// Who receives it (model documentation form).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Recipient>,
    /// The source texts it comes from.
    pub source_text: Vec<String>,
}

/// One section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Its number.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether the record the section is filled from verified; every section says it, so that
    /// no page of an unverified form can be taken for a verified one.
    pub verified: bool,
    /// Its fields (for a recipient, only the fields they receive).
    pub fields: Vec<Field>,
}

/// How the record was taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum RecordStatus {
    /// Read without checking any signature.
    NotVerified,
    /// Signatures met the trust given.
    Verified {
        /// Where the trust came from.
        trust: String,
        /// Who signed (name and key id).
        signers: Vec<String>,
    },
}

/// The release the form is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReleaseId {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// `sha256:` + the record's payload digest.
    pub record_id: String,
    /// The signing time the record carries.
    pub signed_at: Option<String>,
}

/// Where the field list comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldListInfo {
    /// The list's version.
    pub version: u32,
    /// Said plainly: the lists come from the published templates as the cited sources
    /// summarise them.
    pub basis: String,
    /// The texts cited.
    pub sources: Vec<SourceDef>,
}

/// Field counts (optional fields included).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Answered from signed artifacts.
    pub verified: usize,
    /// Answered from signed claims.
    pub declared: usize,
    /// Not answered.
    pub missing: usize,
    /// Of the missing, those the form makes optional.
    pub missing_optional: usize,
}

/// A filled form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Form {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Which form.
    pub form: FormKind,
    /// Its title.
    pub title: String,
    /// The recipient view (model documentation form), or every field for everyone.
    pub recipient: Option<Recipient>,
    /// Whether the record verified.
    pub verified: bool,
    /// `verified` or `NOT VERIFIED`.
    pub status: &'static str,
    /// How.
    pub verification: RecordStatus,
    /// The release.
    pub release: ReleaseId,
    /// Where the field list comes from.
    pub field_list: FieldListInfo,
    /// The sections.
    pub sections: Vec<Section>,
    /// Field counts.
    pub counts: Counts,
    /// True when no field the form requires is missing.
    pub complete: bool,
    /// False when something the form stands on failed: a lineage that does not verify, a
    /// configuration that is not the one signed (listed in `problems`).
    pub passed: bool,
    /// What failed or could not be used, for people.
    pub problems: Vec<String>,
    /// Not legal advice.
    pub disclaimer: &'static str,
}

impl Form {
    /// Every field, section by section.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections.iter().flat_map(|s| &s.fields)
    }

    /// The field with id `id`.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields().find(|f| f.id == id)
    }
}
