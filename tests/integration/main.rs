//! sceau's integration tests: one binary, one module per area (STYLE §12).
#![allow(clippy::print_stdout, clippy::print_stderr)]
mod common;
mod scan;
mod schema;
mod keys;
mod sign_verify;
