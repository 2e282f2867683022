//! Arbitrary bytes as a stored fingerprint (spec/fingerprint.md §5.3).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_fingerprint::{compare, Fingerprint};

fuzz_target!(|data: &[u8]| {
    if let Ok(fp) = Fingerprint::decode(data) {
        // Only canonical encodings are accepted: re-encoding gives the same bytes.
        assert_eq!(fp.encode(), data);
        // Comparing with itself never panics and matches every tensor.
        let e = compare(&fp, &fp);
        assert_eq!(e.pairs.len(), fp.tensors.len());
        let _ = e.relation();
    }
});
