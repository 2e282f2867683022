//! Arbitrary bytes as a standard file (spec/attestations.md §1) and as a certification
//! attestation payload (§3.2): both are read from hostile files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_attest::document::{claimed_assessor, AttestationContent, Standard};

fuzz_target!(|data: &[u8]| {
    if let Ok(standard) = Standard::from_json(data) {
        let _ = standard.check();
        let _ = standard.to_cyclonedx();
    }
    let _ = AttestationContent::from_payload(data);
    let _ = claimed_assessor(data);
});
