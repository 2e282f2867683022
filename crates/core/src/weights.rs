//! What a weight file's header says, read without loading the weights (spec/scan.md §5).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The container format of a weight file whose header sceau reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeightFormat {
    /// Hugging Face safetensors.
    Safetensors,
    /// GGML universal file format.
    Gguf,
}

impl WeightFormat {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            WeightFormat::Safetensors => "safetensors",
            WeightFormat::Gguf => "gguf",
        }
    }
}

/// Facts from a weight file's header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightInfo {
    /// The container format.
    pub format: WeightFormat,
    /// Number of tensors.
    pub tensor_count: u64,
    /// Total number of parameters (sum over tensors of the product of their dimensions).
    pub parameter_count: u64,
    /// Parameters per element type (`F32`, `BF16`, `Q4_K`, …).
    pub dtypes: BTreeMap<String, u64>,
    /// `general.architecture` (GGUF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// `general.file_type` as a quantisation name (GGUF), e.g. `MOSTLY_Q4_K_M`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_type: Option<String>,
}
