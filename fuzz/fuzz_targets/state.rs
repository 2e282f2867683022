//! Arbitrary bytes as a rollback state file (spec/policy.md §8.1), and as two versions to
//! compare (§8.3): comparison is a consistent order, and a state that parses reads back from
//! what sceau writes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_verify::freshness::{compare_versions, State};

fuzz_target!(|data: &[u8]| {
    if let Ok(state) = State::from_json(data) {
        let again = State::from_json(&state.to_json()).expect("own state file");
        assert_eq!(again, state);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some((a, b)) = text.split_once('\n') {
            let ab = compare_versions(a, b);
            let ba = compare_versions(b, a);
            match (ab, ba) {
                (Ok(x), Ok(y)) => assert_eq!(x, y.map(std::cmp::Ordering::reverse), "{a:?} {b:?}"),
                (Err(_), Err(_)) => {}
                _ => panic!("refusal depends on the order: {a:?} {b:?}"),
            }
            if let Ok(Some(o)) = compare_versions(a, a) {
                assert_eq!(o, std::cmp::Ordering::Equal);
            }
        }
    }
});
