//! The end-to-end flows on a release, one library call each: [`verify`] checks a record end
//! to end (trust → record → tree → lineage with grants → claims → attestations → freshness)
//! and returns the report; [`seal`] scans a folder, builds its release record, signs it and
//! checks the signed bytes before they are handed back.
//!
//! Every command of the CLI that verifies, reads lineage or claims goes through here, so a fix
//! to how a record is verified lands once. A record may be a sceau record (DSSE, or packaged as
//! a Sigstore bundle) or an OpenSSF Model Signing bundle ([`form`], [`oms`]): one flow, one
//! report, whichever it is.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod form;
pub mod inspect;
pub mod matching;
pub mod oms;
pub mod record_size;
pub mod seal;
pub mod verify;
