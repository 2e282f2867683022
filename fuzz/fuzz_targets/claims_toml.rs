//! Arbitrary bytes as a claims file (spec/claims.md §2.1) and as a model card's claim fields
//! (§2.2); a parsed file must survive the trip through the BOM (§4).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_core::claims::Claims;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = Claims::from_toml(data) {
        let _ = c.merge_over(&Claims::default());
    }
    let _ = sceau_core::card::parse_card_claims(&String::from_utf8_lossy(data));
});
