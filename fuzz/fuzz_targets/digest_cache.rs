//! Arbitrary bytes as a digest cache file (spec/hashing.md §4.4), as read and, with a correct
//! trailer appended, past the checksum into the entries: never a panic, and a file that is
//! accepted is written back byte for byte (one encoding per cache).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_scan::cache::reencode_file;

fuzz_target!(|data: &[u8]| {
    check(data);
    // Most inputs fail the BLAKE3 trailer: append the right one so the entries are reached.
    let mut sealed = data.to_vec();
    sealed.extend_from_slice(blake3::hash(data).as_bytes());
    check(&sealed);
});

fn check(bytes: &[u8]) {
    if let Ok(again) = reencode_file(bytes) {
        assert_eq!(again, bytes, "an accepted cache file is not written back as read");
    }
}
