//! What a Hugging Face model card's YAML front matter declares (spec/scan.md §4), and the
//! parsers that read it: the Hub's fields ([`parse_card`]) and sceau's claim fields
//! ([`parse_card_claims`]). Parsing only: reading the card file is the scanner's job.
mod claims;
mod front_matter;

pub use claims::parse_card_claims;
pub use front_matter::{front_matter, parse_card, CardWarning, MAX_FRONT_MATTER};

use serde::{Deserialize, Serialize};

/// One evaluation result from `model-index`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalResult {
    /// `task.type`.
    pub task: String,
    /// `dataset.name` (or `dataset.type` when no name is given).
    pub dataset: String,
    /// `metrics[].type`.
    pub metric: String,
    /// `metrics[].value`, written as text.
    pub value: String,
}

/// The card fields sceau reads, already typed. Lists are empty when absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CardMeta {
    /// `license` as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// `license_name` as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_name: Option<String>,
    /// `license_link` as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_link: Option<String>,
    /// `datasets`: Hub dataset ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
    /// `base_model`: one id, or several for a merge.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub base_model: Vec<String>,
    /// `base_model_relation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_model_relation: Option<String>,
    /// `language` codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub language: Vec<String>,
    /// `tags`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// `pipeline_tag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_tag: Option<String>,
    /// `library_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_name: Option<String>,
    /// `model-index` results, flattened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eval_results: Vec<EvalResult>,
}
