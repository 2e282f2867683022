//! sceau verification: trust policy, thresholds, freshness and tree-vs-record comparison.
//!
//! Nothing here prints or reads the clock: callers pass "now" and the trust roots, and every
//! verification returns a [`report::Report`] listing each check and its outcome.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod check;
pub mod freshness;
mod manifest_tree;
pub mod pin;
pub mod policy;
pub mod record;
pub mod report;
pub mod signer;
pub mod store;
pub mod threshold;
pub mod tree;
pub mod trust;
