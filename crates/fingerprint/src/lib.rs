//! sceau weight fingerprints: small per-tensor sketches of a model's weights, read from
//! safetensors, GGUF and ONNX files without loading them, and the evidence two fingerprints
//! give about how two models are related (spec/fingerprint.md).
//!
//! A fork that re-publishes a model under a new name — a plain copy, another file format, a
//! quantisation — keeps the values of its weights. A fingerprint samples 4 096 positions of
//! every tensor (chosen from the tensor's shape alone, so every copy samples the same ones),
//! reads only those, and keeps a 256-bucket projection of them (about 560 bytes per tensor).
//! Comparing two fingerprints matches their tensors (by name, by name suffix, or by values when
//! exporters anonymised the names), estimates each pair's correlation, and classifies the pair
//! of models ([`LooksLike`]); [`check_declared`] then checks a declared lineage relation
//! against that evidence.
//!
//! ```no_run
//! use std::path::Path;
//! use sceau_fingerprint::{compare, check_declared, Fingerprint, Format, LooksLike};
//! use sceau_core::Relation;
//!
//! let child = Fingerprint::from_file(Path::new("q4.gguf"), Format::Gguf)?;
//! let parent = Fingerprint::from_bom_value(&stored_value())?;
//! let evidence = compare(&child, &parent);
//! assert_eq!(evidence.relation(), LooksLike::Quantization);
//! println!("{}", check_declared(Relation::Quantized, &evidence));
//! # fn stored_value() -> String { String::new() }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here prints or touches anything but the files it is asked to read.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod compare;
mod cursor;
mod encoding;
pub mod entry;
pub mod error;
mod fingerprint;
pub mod gguf;
pub mod grid;
pub mod names;
pub mod onnx;
pub mod relation;
pub mod rng;
pub mod safetensors;
pub mod sketch;
pub mod source;
pub mod storage;
pub mod testkit;

pub use compare::{compare, Evidence, Level, LooksLike, MatchedBy, Pair, Summary, Unmatched};
pub use encoding::{BOM_PROPERTY, MAGIC, VERSION};
pub use entry::{Entry, MAX_DIMS, MAX_NAME_BYTES, MAX_TENSORS};
pub use error::{DecodeError, FingerprintError, ReadError, SkipReason};
pub use fingerprint::{
    external_path, ExternalFileError, ExternalWhy, Fingerprint, Format, Skipped, MIN_ELEMENTS,
};
pub use relation::{check_declared, Reason, RelationVerdict};
pub use sketch::{Role, TensorSketch, DEFAULT_K};
pub use storage::Dtype;
