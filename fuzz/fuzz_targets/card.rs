//! Arbitrary UTF-8 as a model card with YAML front matter (spec/scan.md §4): warnings at
//! worst, never a panic, whatever the YAML holds (anchors, aliases, deep nesting).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = sceau_core::card::parse_card(text);
    }
});
