//! sceau's integration tests: one binary, one module per area (STYLE §12).
mod common;
mod scan;
mod schema;
