//! sceau-oms integration tests: one binary, one module per area (spec/oms.md §12).
#![allow(clippy::print_stderr)]
mod common;
mod hostile;
mod interop;
mod keyless;
mod tree;
mod vectors;
mod versions;
