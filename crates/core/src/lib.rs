//! Domain types of sceau: what a model release contains and how it is written down.
//!
//! This crate does no I/O and no cryptography (spec/architecture.md). It owns the checked types
//! ([`RelPath`], [`Sha256Digest`], [`Licence`]), the [`Release`] a scan produces, its mapping
//! onto a CycloneDX 1.6 BOM (`spec/bom.md`), the in-toto Statement v1 and the DSSE envelope
//! with its pre-authentication encoding (`spec/record.md`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod card;
pub mod claims;
pub mod cyclonedx;
pub mod digest;
pub mod dsse;
pub mod grant;
pub mod json;
pub mod kind;
pub mod licence;
pub mod lineage;
pub mod name;
pub mod record_id;
pub mod release;
pub mod relpath;
pub mod statement;
pub mod timestamp;
pub mod unknown;
pub mod uuid;
pub mod weights;

pub use card::{CardMeta, EvalResult};
pub use claims::{Claims, MofClass, MofComponent};
pub use digest::{Blake3Digest, DigestError, Sha256Digest};
pub use kind::ArtifactKind;
pub use licence::{Licence, LicenceError};
pub use lineage::{Parent, Relation};
pub use record_id::RecordId;
pub use release::{Artifact, Folder, IgnoreRules, LicenceDetection, ManifestRef, Release};
pub use relpath::{RelPath, RelPathError};
pub use timestamp::{Timestamp, TimestampError};
pub use unknown::UnknownValue;
pub use weights::{WeightFormat, WeightInfo, WeightPrint};

/// The version of sceau that wrote a document, recorded in BOM metadata.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
