//! Arbitrary ignore rules read from a record and paths to match (spec/scan.md §2): the lines
//! before the last are the rules, the last line is the path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_core::IgnoreRules;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines: Vec<&str> = text.split('\n').collect();
    let path = lines.pop().unwrap_or_default();
    let rules = IgnoreRules(lines.iter().map(|s| (*s).to_owned()).collect());
    let whole = rules.ignores_path(path);
    let _ = rules.ignores_dir(path);
    // A file that a rule ignores by itself is ignored as a path too.
    if rules.ignores_file(path) {
        assert!(whole);
    }
    // An exact rule for the path always ignores it.
    let mut exact = rules.clone();
    exact.add(format!("={path}"));
    assert!(exact.ignores_path(path));
});
