//! Arbitrary bytes as a tree manifest (spec/manifest.md §2–§3), a part manifest (§5.3), a
//! manifest line and a `--shard` value: manifests and parts are read from files that travel
//! beside a record, before anything they say is trusted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sceau_manifest::{Line, ManifestReader, PartReader, Shard};

/// Entries read at most per input: the readers stream, so this only bounds the run time.
const MAX_ENTRIES: usize = 100_000;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut reader) = ManifestReader::new(data) {
        let mut ok = true;
        for entry in reader.by_ref().take(MAX_ENTRIES) {
            if entry.is_err() {
                ok = false;
                break;
            }
        }
        if ok {
            let _ = reader.end();
        }
    }
    if let Ok(reader) = PartReader::new(data) {
        let _ = reader.header();
        for entry in reader.take(MAX_ENTRIES) {
            if entry.is_err() {
                break;
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for line in text.lines().take(MAX_ENTRIES) {
            if let Ok(parsed) = Line::parse(line) {
                // What parses writes back to the same line.
                let mut out = Vec::new();
                parsed.write(&mut out);
                assert_eq!(out.strip_suffix(b"\n").unwrap_or(&out), line.as_bytes());
            }
        }
        let _ = text.parse::<Shard>();
        let vars: Vec<(&str, &str)> = text.lines().filter_map(|l| l.split_once('=')).collect();
        let var = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let _ = Shard::from_scheduler(&var, None);
        let _ = Shard::from_scheduler(&var, Some(4));
    }
});
