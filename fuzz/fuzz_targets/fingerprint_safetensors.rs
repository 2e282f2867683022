//! Arbitrary bytes as a whole safetensors weight file, fingerprinted (spec/fingerprint.md §4).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_fingerprint::{Fingerprint, Format};

fuzz_target!(|data: &[u8]| {
    if let Ok(fp) = Fingerprint::from_bytes(data, Format::Safetensors) {
        // Sorted, unique names; the stored form reads back to the same sketches.
        assert!(fp.tensors.windows(2).all(|w| w[0].name < w[1].name));
        let back = Fingerprint::decode(&fp.encode()).expect("own encoding decodes");
        assert_eq!(back.tensors, fp.tensors);
    }
});
