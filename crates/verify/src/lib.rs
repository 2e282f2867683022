//! sceau verification: trust policy, thresholds, freshness and tree-vs-record comparison.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
