//! Arbitrary bytes as a record file of any form (spec/verify.md §6.1): the form told from the
//! bytes, a sceau record taken out of a Sigstore bundle, and `sceau inspect`'s reading of
//! every form. A DSSE record comes back unchanged; a packaged one reads back as the envelope
//! the bundle holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_pipeline::form::{sceau_record_bytes, RecordForm};
use sceau_pipeline::inspect::inspect;

fuzz_target!(|data: &[u8]| {
    let form = RecordForm::of(data);
    match sceau_record_bytes(data) {
        Ok(r) if form == RecordForm::Dsse => assert_eq!(&*r.envelope, data),
        Ok(r) => {
            assert_eq!(form, RecordForm::SigstoreBundle);
            let b = r.bundle.expect("a packaged record has its bundle");
            assert_eq!(
                sceau_core::dsse::Envelope::from_json(&r.envelope).ok(),
                Some(b.envelope.to_sceau())
            );
        }
        Err(_) => assert_ne!(form, RecordForm::Dsse),
    }
    let _ = inspect(data);
});
