//! One file per subcommand: each parses nothing, calls the library, renders.
pub mod scan;
