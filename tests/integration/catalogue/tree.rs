//! Tree against record: every way the files on disk can differ from the signed record, each
//! failing its own `tree` check and naming the file (spec/verify.md §4).
use super::*;

#[test]
fn one_flipped_byte_in_the_weights_names_the_file_and_both_digests() {
    let lab = Lab::new();
    let w = lab.dir.join("model.safetensors");
    let before = sha256_file(&w);
    flip_byte(&w, 4000);
    let after = sha256_file(&w);
    assert_ne!(before, after);

    let (o, r) = lab.verify_dir(&lab.record);
    assert_modified(&o, &r, "model.safetensors", &before, &after);
    // The signature itself is still good: only the folder changed. The human report of this
    // case is a golden output (`golden::verify_tampered_folder`).
    assert_check(&r, "signature", "threshold", PASS, &[]);
}

/// Asserts the only failure is `tree modified`, for the one file `path`, recorded as `before`
/// and found as `after` (SHA-256), named with both digests in the detail too.
#[track_caller]
fn assert_modified(o: &Output, r: &Value, path: &str, before: &str, after: &str) {
    assert_only_failure(o, r, "tree", "modified", &[path, before, after]);
    assert_eq!(
        r["tree"]["modified"],
        json!([{"path": path, "algorithm": "sha256", "expected": before, "actual": after}]),
        "{r:#}"
    );
}

#[test]
fn truncated_file_is_reported_modified_with_both_digests() {
    let lab = Lab::new();
    let w = lab.dir.join("model.safetensors");
    let before = sha256_file(&w);
    let f = std::fs::OpenOptions::new().write(true).open(&w).unwrap();
    f.set_len(100).unwrap();
    drop(f);
    let after = sha256_file(&w);
    let (o, r) = lab.verify_dir(&lab.record);
    assert_modified(&o, &r, "model.safetensors", &before, &after);
}

#[test]
fn added_file_fails_unless_allow_extra_which_lists_it_as_skipped() {
    let lab = Lab::new();
    std::fs::write(lab.dir.join("extra.txt"), "not in the record\n").unwrap();
    let (o, r) = lab.verify_dir(&lab.record);
    assert_only_failure(&o, &r, "tree", "extra", &["extra.txt"]);
    assert_eq!(r["tree"]["extra"], json!(["extra.txt"]));

    let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &["--allow-extra"]);
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true);
    assert_check(
        &r,
        "tree",
        "extra",
        SKIPPED,
        &["--allow-extra", "extra.txt"],
    );
    assert_eq!(r["tree"]["extra"], json!(["extra.txt"]));
}

#[test]
fn removed_file_is_named_missing() {
    let lab = Lab::new();
    std::fs::remove_file(lab.dir.join("config.json")).unwrap();
    let (o, r) = lab.verify_dir(&lab.record);
    assert_only_failure(&o, &r, "tree", "missing", &["config.json"]);
    assert_eq!(r["tree"]["missing"], json!(["config.json"]));
    // --allow-extra does not excuse a missing file.
    let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &["--allow-extra"]);
    assert_only_failure(&o, &r, "tree", "missing", &["config.json"]);
}

#[test]
fn renamed_file_is_one_missing_and_one_extra() {
    let lab = Lab::new();
    std::fs::rename(lab.dir.join("config.json"), lab.dir.join("config2.json")).unwrap();
    let (o, r) = lab.verify_dir(&lab.record);
    assert_exit(&o, 1);
    assert_eq!(failures(&r), ["tree/missing", "tree/extra"], "{r:#}");
    assert!(detail(&r, "tree", "missing").contains("config.json"));
    assert!(detail(&r, "tree", "extra").contains("config2.json"));
}

#[test]
fn zero_length_swap_is_modified_with_both_digests() {
    let lab = Lab::new();
    let f = lab.dir.join("config.json");
    let before = sha256_file(&f);
    std::fs::write(&f, b"").unwrap();
    let (o, r) = lab.verify_dir(&lab.record);
    // SHA-256 of zero bytes.
    let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_modified(&o, &r, "config.json", &before, empty);
}

/// A file that grows while it is hashed: the digest describes nothing, so the run fails
/// naming the file (spec/scan.md §6.3), or, if the change came before the walk, reports it
/// modified. It never passes.
#[test]
fn file_changed_while_hashing_fails_naming_it() {
    // Sparse: hashing it takes long enough to be caught, without using disk space.
    let lab = Lab::with(ReleaseBuilder::new(sceau_fixtures::hf_model).sparse("big.bin", 64 << 20));
    let (d, rec, public) = (&lab.dir, &lab.record, &lab.public);
    let big = d.join("big.bin");

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, big) = (stop.clone(), big.clone());
        std::thread::spawn(move || {
            use std::io::Write as _;
            let mut f = std::fs::OpenOptions::new().append(true).open(&big).unwrap();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                f.write_all(b"x").unwrap();
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    let o = sceau(&[
        "verify",
        s(d),
        "--record",
        s(rec),
        "--key",
        s(public),
        "--threads",
        "1",
        "--json",
    ]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    let r = report_of(&o);
    assert_exit(&o, 1);
    let f = failures(&r);
    if f == ["tree/files"] {
        assert_check(&r, "tree", "files", FAIL, &["big.bin"]);
        assert_wording(
            detail(&r, "tree", "files"),
            &["changed while it was being hashed"],
        );
    } else {
        assert_eq!(f, ["tree/modified"], "{r:#}");
        assert_eq!(r["tree"]["modified"][0]["path"], "big.bin", "{r:#}");
    }
}

/// A record written inside the folder it signs is left out of it by an exact rule, whatever
/// its name, and verifies against it.
#[test]
fn record_written_inside_the_folder_is_excluded_and_verify_passes() {
    let lab = Lab::new();
    // Not named *.sceau.json, so only the rule sign records keeps it out.
    let rec = lab.dir.join("record.json");
    sign(&lab.dir, &lab.key, &rec);
    let payload = String::from_utf8(payload_of(&rec)).unwrap();
    assert!(
        !payload.contains("\"name\":\"record.json\",\"digest\""),
        "record is a subject"
    );
    let (o, r) = lab.verify_dir(&rec);
    assert_exit(&o, 0);
    assert_eq!(r["tree"]["matched"], 9);
    assert!(detail(&r, "tree", "extra").contains("record.json"), "{r:#}");
}

/// Decision: a record inside DIR is left out by an exact rule (`=PATH`) whatever its name, so
/// a record named `*.bin` does not hide the `.bin` files beside it (spec/verify.md §4).
#[test]
fn record_inside_named_like_a_pattern_hides_nothing() {
    let lab = Lab::new();
    let inside = lab.dir.join("*.bin");
    std::fs::copy(&lab.record, &inside).unwrap();
    std::fs::write(lab.dir.join("evil.bin"), b"not in the record").unwrap();
    let (o, r) = lab.verify_dir(&inside);
    assert_only_failure(&o, &r, "tree", "extra", &["evil.bin"]);
    assert!(!detail(&r, "tree", "extra").contains("*.bin"), "{r:#}");
}

/// Decision: a symlinked DIR is followed (the user named it); the files are checked where it
/// points, under their paths relative to it, and a record inside is still left out.
#[cfg(unix)]
#[test]
fn symlinked_model_root_verifies_through_the_link() {
    let lab = Lab::new();
    let link = lab.path("link");
    std::os::unix::fs::symlink(&lab.dir, &link).unwrap();
    let (o, r) = lab.verify(Some(&link), &lab.record, &[]);
    assert_exit(&o, 0);
    assert_eq!(r["tree"]["matched"], 9, "{r:#}");
    // The record given through the link, inside the folder, is left out.
    std::fs::copy(&lab.record, lab.dir.join("inside.json")).unwrap();
    let (o, r) = lab.verify(Some(&link), &link.join("inside.json"), &[]);
    assert_exit(&o, 0);
    assert_eq!(r["tree"]["extra"], json!([]), "{r:#}");
    std::fs::remove_file(lab.dir.join("inside.json")).unwrap();
    // A tamper behind the link is found like any other.
    std::fs::write(lab.dir.join("config.json"), b"{}").unwrap();
    let (o, r) = lab.verify(Some(&link), &lab.record, &[]);
    assert_only_failure(&o, &r, "tree", "modified", &["config.json"]);
    assert_eq!(r["tree"]["modified"][0]["path"], "config.json", "{r:#}");
}
