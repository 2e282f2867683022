//! Arbitrary bytes as an OMS bundle (`model.sig`) and as a Sigstore bundle, then described
//! (spec/oms.md §2). Whatever parses as a Sigstore bundle with a public-key hint is packaged
//! again and must read back to the same envelope.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_oms::{to_sigstore_bundle, Bundle, Material, SigstoreBundle};

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = Bundle::from_json(data) {
        let summary = bundle.describe();
        assert_eq!(summary.resources.len(), bundle.unverified_statement().resources().len());
    }
    if let Ok(b) = SigstoreBundle::from_json(data) {
        if let Material::PublicKey(k) = &b.material {
            if let Some(hint) = k.hint.as_deref().filter(|h| !h.is_empty()) {
                let envelope = b.envelope.to_sceau();
                let again = to_sigstore_bundle(&envelope, hint).expect("one signature");
                let back = SigstoreBundle::from_json(&again).expect("reads back");
                assert_eq!(back.envelope.to_sceau(), envelope);
            }
        }
    }
});
