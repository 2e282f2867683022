//! Arbitrary bytes as a whole safetensors file (spec/scan-headers.md §5.3–§5.6).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_scan::headers::read_safetensors;

fuzz_target!(|data: &[u8]| {
    let mut reader = data;
    if let Ok(info) = read_safetensors(&mut reader, data.len() as u64) {
        // The per-dtype counts add up to the total, and nothing past the header was read.
        let sum = info
            .dtypes
            .values()
            .try_fold(0u64, |acc, &n| acc.checked_add(n));
        assert_eq!(sum, Some(info.parameter_count));
        let header_len = u64::from_le_bytes(data[..8].try_into().unwrap_or_default());
        assert_eq!(reader.len() as u64, data.len() as u64 - 8 - header_len);
    }
});
