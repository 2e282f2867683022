//! Arbitrary bytes as a record store entry or a `--with` record, read without verifying it
//! (spec/lineage.md §2): the envelope, the Statement and the BOM, all unverified input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_verify::record::read_unverified;
use sceau_verify::store::Loose;

fuzz_target!(|data: &[u8]| {
    if let Ok(rec) = read_unverified(data) {
        // A readable record is indexed under the digest of its payload.
        let mut loose = Loose::default();
        assert_eq!(loose.add(data).expect("readable"), rec.payload_sha256);
    }
});
