//! What an artifact is, as the scanner classifies it (spec/scan.md §3).
use crate::unknown::UnknownValue;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kind of one file in a release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArtifactKind {
    /// Model parameters (safetensors, GGUF, PyTorch pickles, ONNX, …).
    Weights,
    /// Tokenizer files and vocabularies.
    Tokenizer,
    /// Model and generation configuration.
    Config,
    /// Training or evaluation data.
    Dataset,
    /// Source code.
    Code,
    /// Licence, copyright notice or use policy.
    Licence,
    /// The model card (`README.md` with YAML front matter).
    ModelCard,
    /// Other documentation.
    Docs,
    /// Anything else.
    Other,
}

impl ArtifactKind {
    /// Every kind, in display order.
    pub const ALL: [ArtifactKind; 9] = [
        ArtifactKind::Weights,
        ArtifactKind::Tokenizer,
        ArtifactKind::Config,
        ArtifactKind::Dataset,
        ArtifactKind::Code,
        ArtifactKind::Licence,
        ArtifactKind::ModelCard,
        ArtifactKind::Docs,
        ArtifactKind::Other,
    ];

    /// The name used in records (`sceau:kind`) and output.
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactKind::Weights => "weights",
            ArtifactKind::Tokenizer => "tokenizer",
            ArtifactKind::Config => "config",
            ArtifactKind::Dataset => "dataset",
            ArtifactKind::Code => "code",
            ArtifactKind::Licence => "licence",
            ArtifactKind::ModelCard => "model-card",
            ArtifactKind::Docs => "docs",
            ArtifactKind::Other => "other",
        }
    }
}

impl fmt::Display for ArtifactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ArtifactKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        ArtifactKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownValue::new("artifact kind", s, Vec::new()))
    }
}
