//! Arbitrary bytes as an in-toto Statement payload, then its subjects as files
//! (spec/record.md §2).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_core::statement::Statement;

fuzz_target!(|data: &[u8]| {
    if let Ok(statement) = Statement::from_slice(data) {
        let _ = statement.file_subjects();
    }
});
