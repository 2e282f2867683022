//! Arbitrary strings as recorded relative paths (spec/record.md §2.2).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_core::RelPath;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(path) = RelPath::new(s) {
            // An accepted path is kept exactly as given.
            assert_eq!(path.as_str(), s);
        }
    }
});
