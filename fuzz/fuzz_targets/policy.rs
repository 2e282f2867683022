//! Arbitrary bytes as a trust policy file and as a policy payload (spec/policy.md §1–§3). A
//! document that parses passes the content checks and reads back from the payload sceau
//! writes for it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_verify::policy::{read_policy_envelope, PolicyDocument};

fn document(payload: &[u8]) {
    if let Ok(doc) = PolicyDocument::from_payload(payload) {
        let again = PolicyDocument::from_payload(&doc.to_payload())
            .expect("a policy sceau read must read back from the payload it writes");
        assert_eq!(again.parts(), doc.parts());
    }
}

fuzz_target!(|data: &[u8]| {
    document(data);
    if let Ok(env) = read_policy_envelope(data) {
        document(&env.payload);
    }
});
