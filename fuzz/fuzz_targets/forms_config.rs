//! Arbitrary bytes as a model's `config.json` (spec/forms.md §4.2): facts or a typed error,
//! never a panic, at a cost bounded by the input's size.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sceau_forms::config::read_config(data);
});
