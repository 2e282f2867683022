//! The bad-input catalogue (issue 7; SECURITY.md "The bad-input catalogue"): every way a file
//! sceau reads can be hostile, one test per case, in one module with one file per area. Each
//! test asserts the exit code, one clear error naming the path, key or field (exit 2), or for a
//! failed verification (exit 1) that the named check is the only one failed, its detail naming
//! the path, key or field; no panic; and that nothing was created or changed (a snapshot of the
//! whole temporary folder, contents hashed, before and after).
//!
//! Records with contents `sceau sign` would never write (bad subject names, duplicate keys,
//! lone surrogates…) are built here: the payload is written by hand and signed with
//! `sceau_sign::countersign` under a key the verifier trusts, so that only the rule under test
//! can refuse it.
//!
//! Every run here has SOURCE_DATE_EPOCH = 2026-01-01T00:00:00Z, so every record and attestation
//! is signed at that time, and verifications run `--at` [`AT`] (2026-06-01) unless a case says
//! otherwise. The lab, the runner (which kills a run that blocks) and the folder snapshots are
//! the shared ones of `common`.
#[cfg(unix)]
mod bounds;
mod envelope;
mod freshness;
mod fs;
#[cfg(unix)]
mod hf_cache;
mod json;
mod keys;
mod lineage;
mod names;
mod output;
mod tree;
mod verdicts;
#[cfg(unix)]
mod write;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use sceau_core::dsse::PAYLOAD_TYPE_INTOTO;
use serde_json::{json, Value};

use crate::common::*;
