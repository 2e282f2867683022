//! One file per subcommand: each calls the library and renders.
pub mod countersign;
pub mod inspect;
pub mod key;
pub mod keygen;
pub mod lineage;
pub mod policy;
pub mod scan;
pub mod sign;
pub mod store;
pub mod verify;
