//! sceau's integration tests: one binary, one module per area.
#![allow(clippy::print_stdout, clippy::print_stderr)]
mod attestation;
mod catalogue;
mod cdxgen;
mod claims;
mod common;
mod docs;
mod golden;
mod hashing;
mod hf_hub;
mod interop;
mod keys;
mod lineage;
mod policy;
mod scan;
mod schema;
mod sign_verify;
