//! Helpers shared by the integration tests, one concept a file:
//!
//! - [`run`]: the one way to run sceau ([`Sceau`], [`sceau`]), with a fixed environment, a time
//!   limit and a "no panic" check; exit codes and input errors.
//! - [`lab`]: [`Lab`], a temporary folder with deterministic keys, a signed release, policies,
//!   attestations and snapshot-checked verifications, and [`Family`], its lineage extension.
//! - [`report`]: reading `--json` reports by check id, outcome and structured field.
//! - [`json`]: JSON files, DSSE envelopes, base64.
//! - [`fs`]: fixtures, digests, folder snapshots.
//! - [`golden`]: the few human outputs compared byte for byte.
#![allow(dead_code)]

pub mod fs;
pub mod golden;
pub mod json;
pub mod lab;
pub mod report;
pub mod run;

pub use fs::*;
pub use golden::*;
pub use json::*;
pub use lab::*;
pub use report::*;
pub use run::*;
pub use sceau_fixtures::ReleaseBuilder;
