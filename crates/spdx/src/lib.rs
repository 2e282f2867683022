//! A sceau [`Release`] as an SPDX 3.0.1 document (spec/spdx.md): JSON-LD in the SPDX JSON
//! serialisation, with the Core, Software, AI, Dataset and SimpleLicensing profiles.
//!
//! The model is an `ai_AIPackage`; every artifact a `software_File` with its SHA-256; every
//! dataset the release claims (or its card names) a `dataset_DatasetPackage`; parents
//! (lineage) are packages the model is a `descendantOf`; licences are
//! `simplelicensing_LicenseExpression`s. Every `spdxId` is derived from the release's digests
//! ([`ids`]), so writing the same release twice gives the same identifiers, and the output is
//! byte-for-byte the same for the same release and creation time.
//!
//! This crate only serialises: it reads nothing and parses nothing (spec/spdx.md §1).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod document;
mod elements;
pub mod ids;
pub mod licence;
pub mod verified;

use sceau_core::Release;
use serde_json::Value;

/// The SPDX specification version written in `CreationInfo.specVersion`.
pub const SPEC_VERSION: &str = "3.0.1";

/// The JSON-LD context every document names (`@context`).
pub const CONTEXT: &str = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld";

/// The profiles every document declares conformance to (`profileConformance`).
pub const PROFILES: [&str; 5] = ["core", "software", "ai", "dataset", "simpleLicensing"];

/// Why a release could not be written as SPDX.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpdxError {
    /// The creation time is not an RFC 3339 UTC time in whole seconds, the only form SPDX 3.0.1
    /// accepts (`YYYY-MM-DDThh:mm:ssZ`).
    #[error("SPDX needs a creation time of the form 2026-01-01T00:00:00Z, not {given:?}")]
    Timestamp {
        /// The time given.
        given: String,
    },
}

/// The SPDX 3.0.1 JSON-LD document of `release` (spec/spdx.md §3), created at `created`
/// (`YYYY-MM-DDThh:mm:ssZ`, given by the caller: this crate does not read the clock; it is
/// also the model's `releaseTime`).
///
/// The claims used are [`sceau_core::Claims::effective`]: the release's claims over what its
/// model card declares.
pub fn to_spdx3(release: &Release, created: &str) -> Result<Value, SpdxError> {
    if !is_spdx_datetime(created) {
        return Err(SpdxError::Timestamp {
            given: created.into(),
        });
    }
    Ok(document::build(release, created, None))
}

/// The document of [`to_spdx3`] as pretty-printed JSON ending in a newline, as `sceau scan
/// --format spdx3` writes it.
pub fn to_spdx3_json(release: &Release, created: &str) -> Result<Vec<u8>, SpdxError> {
    let v = to_spdx3(release, created)?;
    // A Value with string keys always serialises.
    let mut out = serde_json::to_vec_pretty(&v).unwrap_or_default();
    out.push(b'\n');
    Ok(out)
}

/// The SPDX 3.0.1 document of a verified record's `release` (spec/spdx.md §7), created at
/// `created` (as [`to_spdx3`]): the same mapping, with the model's `releaseTime` the record's
/// signing time, the record id and signers on the model, each ancestor package marked verified
/// or not, and the `descendantOf` links every verified ancestor declares.
///
/// What `verified` says is written as given: the caller verified the record.
pub fn record_to_spdx3(
    release: &Release,
    verified: &verified::VerifiedRecord,
    created: &str,
) -> Result<Value, SpdxError> {
    if !is_spdx_datetime(created) {
        return Err(SpdxError::Timestamp {
            given: created.into(),
        });
    }
    Ok(document::build(release, created, Some(verified)))
}

/// The document of [`record_to_spdx3`] as pretty-printed JSON ending in a newline, as `sceau
/// export` writes it.
pub fn record_to_spdx3_json(
    release: &Release,
    verified: &verified::VerifiedRecord,
    created: &str,
) -> Result<Vec<u8>, SpdxError> {
    let v = record_to_spdx3(release, verified, created)?;
    let mut out = serde_json::to_vec_pretty(&v).unwrap_or_default();
    out.push(b'\n');
    Ok(out)
}

/// True for `YYYY-MM-DDThh:mm:ssZ` with digits in the digit places, month 01–12, day 01–31,
/// hour 00–23, minute and second 00–59 (the pattern of the SPDX schema, plus ranges).
fn is_spdx_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 20 {
        return false;
    }
    let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    let seps = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'Z'),
    ];
    if !digits.iter().all(|&i| b[i].is_ascii_digit()) || !seps.iter().all(|&(i, c)| b[i] == c) {
        return false;
    }
    let n = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    (1..=12).contains(&n(5)) && (1..=31).contains(&n(8)) && n(11) < 24 && n(14) < 60 && n(17) < 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_utc_whole_second_times_are_accepted() {
        assert!(is_spdx_datetime("2026-01-01T00:00:00Z"));
        assert!(is_spdx_datetime("1999-12-31T23:59:59Z"));
        for bad in [
            "",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00+00:00",
            "2026-01-01T00:00:00.5Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-01-32T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:60:00Z",
            "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:0xZ",
            "２026-01-01T00:00:00Z",
        ] {
            assert!(!is_spdx_datetime(bad), "{bad}");
        }
    }
}
