//! What the maintainers claim about a release, signed with it (spec/claims.md): licence per
//! Model Openness Framework component, datasets, intended and out-of-scope uses, limitations,
//! evaluation results, energy use, personal data, the openness they claim, and the answers
//! the regulators' forms need that the record cannot prove ([`disclosure`]).
//!
//! Claims come from a `CLAIMS.toml` file ([`Claims::from_toml`]) and from the model card's
//! front matter; the file wins on conflicts ([`Claims::merge_over`]). They are written into
//! the release BOM (CycloneDX `modelCard` where it has a field, `sceau:claims.*` properties
//! otherwise) and read back from it. What they *claim* is checked by `sceau-verify`: openness
//! is computed from the record, never taken from the claim.
use crate::unknown::UnknownValue;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::licence::Licence;
use crate::relpath::RelPath;

pub mod disclosure;
mod file;
mod merge;
pub mod values;

pub use disclosure::Disclosure;
pub use file::{parse_email, parse_licence, ClaimsError, NotAnEmail, MAX_CLAIMS_BYTES};
pub use merge::ClaimConflict;

/// A Model Openness Framework class (spec/claims.md §3). Class I is the most open; the classes
/// are cumulative (Class I ⊃ Class II ⊃ Class III).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MofClass {
    /// Class I, "Open Science Model".
    I,
    /// Class II, "Open Tooling Model".
    II,
    /// Class III, "Open Model".
    III,
}

impl MofClass {
    /// From the least open to the most open.
    pub const ASCENDING: [MofClass; 3] = [MofClass::III, MofClass::II, MofClass::I];

    /// 1 for Class III, 2 for Class II, 3 for Class I: higher is more open.
    pub fn rank(self) -> u8 {
        match self {
            MofClass::III => 1,
            MofClass::II => 2,
            MofClass::I => 3,
        }
    }

    /// `I`, `II` or `III`.
    pub fn as_str(self) -> &'static str {
        match self {
            MofClass::I => "I",
            MofClass::II => "II",
            MofClass::III => "III",
        }
    }

    /// The MOF label, e.g. "Open Science Model".
    pub fn label(self) -> &'static str {
        match self {
            MofClass::I => "Open Science Model",
            MofClass::II => "Open Tooling Model",
            MofClass::III => "Open Model",
        }
    }

    /// The next more open class, if any.
    pub fn next(self) -> Option<MofClass> {
        match self {
            MofClass::III => Some(MofClass::II),
            MofClass::II => Some(MofClass::I),
            MofClass::I => None,
        }
    }

    /// True when `self` is at least as open as `other`.
    pub fn covers(self, other: MofClass) -> bool {
        self.rank() >= other.rank()
    }
}

impl fmt::Display for MofClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Class {}", self.as_str())
    }
}

impl FromStr for MofClass {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        let t = s.trim();
        let t = t
            .strip_prefix("Class ")
            .or_else(|| t.strip_prefix("class "))
            .unwrap_or(t);
        match t {
            "I" | "1" => Ok(MofClass::I),
            "II" | "2" => Ok(MofClass::II),
            "III" | "3" => Ok(MofClass::III),
            _ => Err(UnknownValue::new(
                "openness class",
                s,
                vec!["I", "II", "III"],
            )),
        }
    }
}

/// What kind of content a component is, which decides the licences that suit it (MOF; MOT's
/// `ContentType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentType {
    /// Source code: needs an OSI-approved licence.
    Code,
    /// Data and parameters: need an open-data licence.
    Data,
    /// Documentation: needs an open-content licence.
    Document,
}

impl ContentType {
    /// `code`, `data` or `document`.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Code => "code",
            ContentType::Data => "data",
            ContentType::Document => "document",
        }
    }
}

impl fmt::Display for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The 17 components of the Model Openness Framework (spec/claims.md §3.1; MOT component ids
/// in brackets in the docs of each variant).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MofComponent {
    /// Model architecture (9): code.
    ModelArchitecture,
    /// Final model parameters (10): data.
    ModelParameters,
    /// Model card (13): document.
    ModelCard,
    /// Data card (14): document.
    DataCard,
    /// Technical report (11): document.
    TechnicalReport,
    /// Evaluation results (12): document.
    EvaluationResults,
    /// Sample model outputs (20): document, optional.
    SampleModelOutputs,
    /// Training, validation and testing code (7).
    TrainingCode,
    /// Inference code (8).
    InferenceCode,
    /// Evaluation code (18).
    EvaluationCode,
    /// Evaluation data (19).
    EvaluationData,
    /// Supporting libraries and tools (22), optional.
    SupportingLibraries,
    /// Research paper (21).
    ResearchPaper,
    /// Training datasets (15).
    Datasets,
    /// Data preprocessing code (16).
    DataPreprocessingCode,
    /// Intermediate model parameters (24).
    IntermediateParameters,
    /// Model metadata (17), optional.
    ModelMetadata,
}

impl MofComponent {
    /// Every component, by class (III, II, I) in MOF order.
    pub const ALL: [MofComponent; 17] = [
        MofComponent::ModelArchitecture,
        MofComponent::ModelParameters,
        MofComponent::ModelCard,
        MofComponent::DataCard,
        MofComponent::TechnicalReport,
        MofComponent::EvaluationResults,
        MofComponent::SampleModelOutputs,
        MofComponent::TrainingCode,
        MofComponent::InferenceCode,
        MofComponent::EvaluationCode,
        MofComponent::EvaluationData,
        MofComponent::SupportingLibraries,
        MofComponent::ResearchPaper,
        MofComponent::Datasets,
        MofComponent::DataPreprocessingCode,
        MofComponent::IntermediateParameters,
        MofComponent::ModelMetadata,
    ];

    /// The kebab-case id used in claims files, records and output.
    pub fn as_str(self) -> &'static str {
        match self {
            MofComponent::ModelArchitecture => "model-architecture",
            MofComponent::ModelParameters => "model-parameters",
            MofComponent::ModelCard => "model-card",
            MofComponent::DataCard => "data-card",
            MofComponent::TechnicalReport => "technical-report",
            MofComponent::EvaluationResults => "evaluation-results",
            MofComponent::SampleModelOutputs => "sample-model-outputs",
            MofComponent::TrainingCode => "training-code",
            MofComponent::InferenceCode => "inference-code",
            MofComponent::EvaluationCode => "evaluation-code",
            MofComponent::EvaluationData => "evaluation-data",
            MofComponent::SupportingLibraries => "supporting-libraries",
            MofComponent::ResearchPaper => "research-paper",
            MofComponent::Datasets => "datasets",
            MofComponent::DataPreprocessingCode => "data-preprocessing-code",
            MofComponent::IntermediateParameters => "intermediate-parameters",
            MofComponent::ModelMetadata => "model-metadata",
        }
    }

    /// For people: "training code".
    pub fn label(self) -> &'static str {
        match self {
            MofComponent::ModelArchitecture => "model architecture",
            MofComponent::ModelParameters => "model parameters (final)",
            MofComponent::ModelCard => "model card",
            MofComponent::DataCard => "data card",
            MofComponent::TechnicalReport => "technical report",
            MofComponent::EvaluationResults => "evaluation results",
            MofComponent::SampleModelOutputs => "sample model outputs",
            MofComponent::TrainingCode => "training code",
            MofComponent::InferenceCode => "inference code",
            MofComponent::EvaluationCode => "evaluation code",
            MofComponent::EvaluationData => "evaluation data",
            MofComponent::SupportingLibraries => "supporting libraries and tools",
            MofComponent::ResearchPaper => "research paper",
            MofComponent::Datasets => "datasets",
            MofComponent::DataPreprocessingCode => "data preprocessing code",
            MofComponent::IntermediateParameters => "model parameters (intermediate)",
            MofComponent::ModelMetadata => "model metadata",
        }
    }

    /// The class whose rows include this component.
    pub fn class(self) -> MofClass {
        use MofComponent::*;
        match self {
            ModelArchitecture | ModelParameters | ModelCard | DataCard | TechnicalReport
            | EvaluationResults | SampleModelOutputs => MofClass::III,
            TrainingCode | InferenceCode | EvaluationCode | EvaluationData
            | SupportingLibraries => MofClass::II,
            ResearchPaper
            | Datasets
            | DataPreprocessingCode
            | IntermediateParameters
            | ModelMetadata => MofClass::I,
        }
    }

    /// The content type, which decides the licences that suit it.
    pub fn content_type(self) -> ContentType {
        use MofComponent::*;
        match self {
            ModelArchitecture
            | TrainingCode
            | InferenceCode
            | EvaluationCode
            | SupportingLibraries
            | DataPreprocessingCode => ContentType::Code,
            ModelParameters
            | EvaluationData
            | Datasets
            | IntermediateParameters
            | ModelMetadata => ContentType::Data,
            ModelCard | DataCard | TechnicalReport | EvaluationResults | SampleModelOutputs
            | ResearchPaper => ContentType::Document,
        }
    }

    /// Whether the class needs it (sample outputs, supporting libraries and model metadata
    /// are optional; the technical report may be replaced by a research paper).
    pub fn required(self) -> bool {
        !matches!(
            self,
            MofComponent::SampleModelOutputs
                | MofComponent::SupportingLibraries
                | MofComponent::ModelMetadata
        )
    }
}

impl fmt::Display for MofComponent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MofComponent {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        MofComponent::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                UnknownValue::new(
                    "component",
                    s,
                    MofComponent::ALL.iter().map(|c| c.as_str()).collect(),
                )
            })
    }
}

/// Whether personal data was used to train the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PersonalData {
    /// Personal data was used.
    Yes,
    /// No personal data was used.
    No,
    /// The maintainers do not know.
    Unknown,
}

impl PersonalData {
    /// `yes`, `no` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonalData::Yes => "yes",
            PersonalData::No => "no",
            PersonalData::Unknown => "unknown",
        }
    }
}

impl FromStr for PersonalData {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        match s.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" => Ok(PersonalData::Yes),
            "no" | "false" => Ok(PersonalData::No),
            "unknown" => Ok(PersonalData::Unknown),
            _ => Err(UnknownValue::new(
                "personal_data value",
                s,
                vec!["yes", "no", "unknown"],
            )),
        }
    }
}

/// What a dataset was used for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatasetPurpose {
    /// Training (the MOF "datasets" component).
    #[default]
    Training,
    /// Evaluation (the MOF "evaluation data" component).
    Evaluation,
}

impl DatasetPurpose {
    /// `training` or `evaluation`.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetPurpose::Training => "training",
            DatasetPurpose::Evaluation => "evaluation",
        }
    }
}

impl FromStr for DatasetPurpose {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "training" => Ok(DatasetPurpose::Training),
            "evaluation" => Ok(DatasetPurpose::Evaluation),
            _ => Err(UnknownValue::new(
                "dataset purpose",
                s,
                vec!["training", "evaluation"],
            )),
        }
    }
}

/// The CycloneDX 1.6 `energyConsumption.activity` values.
pub const ENERGY_ACTIVITIES: &[&str] = &[
    "design",
    "data-collection",
    "data-preparation",
    "training",
    "fine-tuning",
    "validation",
    "deployment",
    "inference",
    "other",
];

/// The CycloneDX 1.6 `energyProvider.energySource` values.
pub const ENERGY_SOURCES: &[&str] = &[
    "coal",
    "oil",
    "natural-gas",
    "nuclear",
    "wind",
    "solar",
    "geothermal",
    "hydropower",
    "biofuel",
    "unknown",
    "other",
];

/// What one MOF component is, where it lives and under which licence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentClaim {
    /// The licence of the component; overrides the licence of its files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<Licence>,
    /// Files or folders of the release that make up the component (a folder covers
    /// everything under it). Empty: sceau's naming conventions decide (spec/claims.md §3.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<RelPath>,
    /// Where the component is published when it is not in the release (e.g. a paper).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl ComponentClaim {
    /// True when `path` is one of [`Self::paths`] or lies under one.
    pub fn covers(&self, path: &str) -> bool {
        self.paths.iter().any(|p| path_covered(p.as_str(), path))
    }
}

/// True when `path` equals `pattern` or lies in the folder `pattern`.
pub fn path_covered(pattern: &str, path: &str) -> bool {
    path == pattern
        || path
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Path patterns (files or folders, as in [`ComponentClaim::paths`]) looked up by a path: a
/// path is covered by a pattern equal to it or to one of its folders. Lookups cost the path's
/// depth, however many patterns there are.
#[derive(Debug, Default)]
pub struct PathIndex<'a> {
    map: std::collections::HashMap<&'a str, Vec<usize>>,
}

impl<'a> PathIndex<'a> {
    /// An index of `(pattern, owner)` pairs.
    pub fn new(items: impl IntoIterator<Item = (&'a str, usize)>) -> Self {
        let mut map: std::collections::HashMap<&'a str, Vec<usize>> =
            std::collections::HashMap::new();
        for (p, i) in items {
            let owners = map.entry(p).or_default();
            if !owners.contains(&i) {
                owners.push(i);
            }
        }
        PathIndex { map }
    }

    /// The owners of every pattern that covers `path`, in increasing order, each once.
    pub fn owners(&self, path: &str) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut add = |k: &str| {
            if let Some(v) = self.map.get(k) {
                out.extend(v);
            }
        };
        add(path);
        for (i, b) in path.bytes().enumerate() {
            if b == b'/' {
                add(&path[..i]);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// True when some pattern covers `path`.
    pub fn covers(&self, path: &str) -> bool {
        self.map.contains_key(path)
            || path
                .bytes()
                .enumerate()
                .any(|(i, b)| b == b'/' && self.map.contains_key(&path[..i]))
    }
}

/// A dataset the release was trained or evaluated on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetClaim {
    /// Name (a Hugging Face dataset id where there is one).
    pub name: String,
    /// The dataset's licence, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<Licence>,
    /// Where to obtain it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Whether the release ships it (in [`Self::paths`]).
    #[serde(default)]
    pub included: bool,
    /// The release's files that hold it, when included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<RelPath>,
    /// Training or evaluation.
    #[serde(default)]
    pub purpose: DatasetPurpose,
    /// Free text: provenance, how it was obtained, selected and filtered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl DatasetClaim {
    /// A dataset known by name only.
    pub fn named(name: &str) -> Self {
        DatasetClaim {
            name: name.to_owned(),
            licence: None,
            url: None,
            included: false,
            paths: Vec::new(),
            purpose: DatasetPurpose::Training,
            description: None,
        }
    }

    /// True when `path` is one of the dataset's files or lies under one of its folders.
    pub fn covers(&self, path: &str) -> bool {
        self.paths.iter().any(|p| path_covered(p.as_str(), path))
    }
}

/// One evaluation result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalClaim {
    /// The metric (e.g. `accuracy`).
    pub metric: String,
    /// Its value, as written.
    pub value: String,
    /// The dataset it was measured on.
    pub dataset: String,
}

/// Energy used and emissions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnergyClaim {
    /// The lifecycle activity (a CycloneDX `energyConsumption.activity`, default `training`).
    pub activity: String,
    /// The energy source (a CycloneDX `energySource`, default `unknown`).
    pub source: String,
    /// Energy used, in kWh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kwh: Option<f64>,
    /// Emissions, in tonnes of CO2 equivalent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tco2eq: Option<f64>,
}

/// Who provides the release (spec/claims.md §1.2): the organisation or person that makes the
/// model available under its own name, and where to reach them about it (security reports,
/// questions). Written as the CycloneDX `supplier` and `manufacturer` (spec/bom.md §2.6) and
/// the SPDX `suppliedBy` and `originatedBy` (spec/spdx.md §3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    /// The provider's name, e.g. `Example Org`.
    pub name: String,
    /// Their web site or security contact page (an http(s) URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// An e-mail address to reach them about the release (e.g. security reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Everything the maintainers claim (spec/claims.md §1). Lists are empty when not claimed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Licence and location per MOF component.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub components: BTreeMap<MofComponent, ComponentClaim>,
    /// Datasets used, with their licences and where to obtain them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<DatasetClaim>,
    /// Intended uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intended_use: Vec<String>,
    /// Intended users.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intended_users: Vec<String>,
    /// Out-of-scope uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_scope_use: Vec<String>,
    /// Known limitations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limitations: Vec<String>,
    /// Evaluation results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluation: Vec<EvalClaim>,
    /// Energy use and emissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy: Option<EnergyClaim>,
    /// Whether personal data was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_data: Option<PersonalData>,
    /// The MOF class the maintainers claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openness_class: Option<MofClass>,
    /// Whether the maintainers call the release "open source" (OSI OSAID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_source: Option<bool>,
    /// Who provides the release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    /// What the regulators' forms ask that the record cannot prove (spec/claims.md §1.3).
    #[serde(default, skip_serializing_if = "Disclosure::is_empty")]
    pub disclosure: Disclosure,
}

impl Claims {
    /// True when nothing is claimed.
    pub fn is_empty(&self) -> bool {
        *self == Claims::default()
    }

    /// The claim for one component.
    pub fn component(&self, c: MofComponent) -> Option<&ComponentClaim> {
        self.components.get(&c)
    }

    /// The dataset called `name` (ASCII case ignored).
    pub fn dataset(&self, name: &str) -> Option<&DatasetClaim> {
        self.datasets
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }

    /// What a model card's front matter declares, as claims: its `datasets` (each a Hugging
    /// Face dataset id, so obtainable at `https://huggingface.co/datasets/ID`) and its
    /// `model-index` results (spec/claims.md §2.2).
    pub fn from_card(card: &crate::card::CardMeta) -> Claims {
        let datasets = card
            .datasets
            .iter()
            .map(|d| DatasetClaim {
                url: hub_dataset_url(d),
                ..DatasetClaim::named(d.trim())
            })
            .collect();
        let evaluation = card
            .eval_results
            .iter()
            .map(|r| EvalClaim {
                metric: r.metric.clone(),
                value: r.value.clone(),
                dataset: r.dataset.clone(),
            })
            .collect();
        Claims {
            datasets,
            evaluation,
            ..Claims::default()
        }
    }
}

/// `https://huggingface.co/datasets/ID` for a string shaped like a Hub dataset id
/// (`name` or `owner/name` of letters, digits, `.`, `_`, `-`), else `None`.
pub fn hub_dataset_url(id: &str) -> Option<String> {
    let id = id.trim();
    let ok_part = |s: &str| {
        !s.is_empty()
            && s.len() <= 96
            && !s.starts_with(['.', '-'])
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    let mut parts = id.split('/');
    let valid = match (parts.next(), parts.next(), parts.next()) {
        (Some(a), None, None) => ok_part(a),
        (Some(a), Some(b), None) => ok_part(a) && ok_part(b),
        _ => false,
    };
    valid.then(|| format!("https://huggingface.co/datasets/{id}"))
}

/// A dataset declared by a verified ancestor (spec/lineage.md §6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InheritedDataset {
    /// The dataset.
    pub name: String,
    /// The ancestor records that declare it.
    pub declared_by: Vec<String>,
}

/// What a release inherits from its lineage that its claims cannot change (spec/claims.md
/// §3.5): the datasets verified ancestors declare, and the licences of its ancestors' weights.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inherited {
    /// Datasets declared by verified ancestors.
    pub datasets: Vec<InheritedDataset>,
    /// Licences of the ancestors' weights that flow to the release's weights.
    pub licences: Vec<InheritedLicence>,
}

/// A licence whose terms flow from an ancestor's weights to this release's weights
/// (spec/lineage.md §5.7): it applies to the release's model parameters whatever its claims
/// say, unless a grant signed by the ancestor lifts it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InheritedLicence {
    /// The ancestor's weights licence.
    pub licence: crate::Licence,
    /// The terms it passes down (`non-commercial`, `share-alike`, …).
    pub terms: Vec<String>,
    /// The ancestor, for people (`name version (sha256:…)`).
    pub from: String,
}

#[cfg(test)]
mod disclosure_tests;
#[cfg(test)]
mod tests;
