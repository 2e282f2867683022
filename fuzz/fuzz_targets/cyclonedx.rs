//! Arbitrary bytes as a CycloneDX predicate, read back into a release the way a verifier reads
//! a record's BOM (spec/bom.md §5). A release that reads must survive a write and a read: the
//! signer's self-check (`sceau sign`) relies on that.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_core::cyclonedx::Bom;
use sceau_core::Release;

fuzz_target!(|data: &[u8]| {
    let Ok(bom) = serde_json::from_slice::<Bom>(data) else {
        return;
    };
    let Ok(release) = Release::from_bom(&bom) else {
        return;
    };
    let again = Release::from_bom(&release.to_bom("2026-01-01T00:00:00Z"))
        .expect("a release sceau read must read back from the BOM it writes");
    // Compared as JSON: floats such as a NaN licence confidence are not equal to themselves.
    assert_eq!(
        serde_json::to_string(&again).ok(),
        serde_json::to_string(&release).ok()
    );
});
