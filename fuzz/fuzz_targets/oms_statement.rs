//! Arbitrary bytes as the DSSE payload of an OMS bundle: the in-toto statement and its
//! predicate (resources, serialization, root digest) (spec/oms.md §3–§4).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_oms::{OmsStatement, ResourceOrder, RootDigest};

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = OmsStatement::from_payload(data) {
        // The root recorded is the root of the resources as listed; the order is classified.
        assert_eq!(RootDigest::of(s.resources()), s.root);
        let mut sorted = s.resources().to_vec();
        sceau_oms::sort_posix(&mut sorted);
        if s.order == ResourceOrder::PosixPath {
            assert_eq!(sorted, s.resources());
        }
    }
});
