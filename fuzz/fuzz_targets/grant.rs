//! Arbitrary bytes as a licence grant file and as a grant payload (spec/lineage.md §5.6): never
//! a panic, and a grant that is accepted reads back the same from what sceau writes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_core::grant::Grant;

fuzz_target!(|data: &[u8]| {
    if let Ok((_, g)) = Grant::read_file(data) {
        check(&g);
    }
    if let Ok(g) = Grant::from_payload(data) {
        check(&g);
    }
});

fn check(g: &Grant) {
    let again = Grant::from_payload(&g.to_payload()).expect("own grant payload");
    assert_eq!(&again, g);
}
