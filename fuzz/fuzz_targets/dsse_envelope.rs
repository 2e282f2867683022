//! Arbitrary bytes as a DSSE envelope file (spec/record.md §1.4).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_core::dsse::Envelope;

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = Envelope::from_json(data) {
        // Whatever parses, sceau writes back in a form it parses to the same envelope.
        let again = Envelope::from_json(&envelope.to_json());
        assert_eq!(again.ok().as_ref(), Some(&envelope));
    }
});
