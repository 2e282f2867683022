//! sceau scanning: walk a release folder safely, classify and hash its files.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod headers;
