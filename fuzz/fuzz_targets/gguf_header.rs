//! Arbitrary bytes as a whole GGUF file (spec/scan-headers.md §5.7–§5.12).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_scan::headers::read_gguf;

fuzz_target!(|data: &[u8]| {
    let mut reader = data;
    if let Ok(info) = read_gguf(&mut reader, data.len() as u64) {
        let sum = info
            .dtypes
            .values()
            .try_fold(0u64, |acc, &n| acc.checked_add(n));
        assert_eq!(sum, Some(info.parameter_count));
        assert!(info.dtypes.is_empty() == (info.tensor_count == 0));
    }
});
