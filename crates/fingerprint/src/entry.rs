//! What a reader hands the sampler: one entry per tensor in the file
//! (spec/fingerprint.md §3.1), and the caps every reader applies (§4.5).
use crate::error::SkipReason;
use crate::sketch::Role;
use crate::storage::{Dtype, Storage};

/// Most tensors read from one file (spec/fingerprint.md §4.5).
pub const MAX_TENSORS: u64 = 1 << 17;
/// Most dimensions of a tensor (spec/fingerprint.md §4.5).
pub const MAX_DIMS: usize = 8;
/// Longest tensor name kept in a fingerprint, in bytes (spec/fingerprint.md §4.5).
pub const MAX_NAME_BYTES: usize = 1024;

/// One tensor as a reader found it.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Canonical name (see [`crate::TensorSketch::name`]).
    pub name: String,
    /// Dimensions in PyTorch order.
    pub dims: Vec<u64>,
    /// A role the reader knows from the file's structure (an ONNX `Gather` table is an
    /// embedding), overriding the guess from the name.
    pub role_hint: Option<Role>,
    /// Where and how it is stored, or why it cannot be sampled.
    pub content: Result<(Dtype, Storage), SkipReason>,
}
