//! One file per subcommand: each calls the library and renders.
pub mod certify;
pub mod check;
pub mod countersign;
pub mod form;
pub mod grant;
pub mod inspect;
pub mod key;
pub mod keygen;
pub mod lineage;
pub mod openness;
pub mod policy;
pub mod report;
pub mod scan;
pub mod sign;
pub mod store;
pub mod verify;
