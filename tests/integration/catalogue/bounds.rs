//! Inputs whose cost is bounded by what was listed, not by what they turn into: a file that
//! grows faster than it is read is read to its listed size and one byte, then refused as
//! changed (spec/scan.md §6.3); a folder whose per-file record could never be signed is
//! recorded in the manifest form, decided after the walk, before any file is read
//! (spec/record.md §2.6). `scripts/hostile-cost.sh` measures both.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::*;

/// Grows `path` (sparse: no disk used) by 4 MiB about every millisecond, faster than any
/// hasher reads, until the returned flag is set; the thread is joined by [`Grower::stop`].
struct Grower {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Grower {
    fn start(path: &Path) -> Grower {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stop, path) = (stop.clone(), path.to_owned());
            std::thread::spawn(move || {
                let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
                let mut len = f.metadata().unwrap().len();
                // 256 GiB at most: a run that followed the file would be killed long before.
                while !stop.load(Ordering::Relaxed) && len < 256 << 30 {
                    len += 4 << 20;
                    f.set_len(len).unwrap();
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
        };
        Grower {
            stop,
            thread: Some(thread),
        }
    }

    fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

/// The file was refused as changed, either because it grew during the read (at most its
/// listed size and one byte read) or because it grew between the listing and the open: never
/// followed to its end (which, before the fix, took as long as the file kept growing).
#[track_caller]
fn refused_as_growing(text: &str) {
    assert!(text.contains("changed while it was being hashed"), "{text}");
    assert!(
        text.contains("grew while it was read") || text.contains("when listed"),
        "{text}"
    );
}

/// A sparse 256 MiB file added to the lab's folder; the snapshot of the lab before it grows.
fn lab_with_growing_file() -> (Lab, PathBuf) {
    let lab = Lab::new();
    let big = lab.dir.join("big.bin");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(256 << 20)
        .unwrap();
    (lab, big)
}

/// `sceau scan` of a folder whose file grows faster than it is read stops (exit 2) naming the
/// file; no BOM is written. `run` fails the test if the scan chases the file.
#[test]
fn file_growing_faster_than_it_is_read_stops_the_scan() {
    let (lab, big) = lab_with_growing_file();
    let bom = lab.path("bom.json");
    let grower = Grower::start(&big);
    let o = sceau(&["scan", s(&lab.dir), "-o", s(&bom), "--threads", "1", "-q"]);
    grower.stop();
    let e = assert_input_error(&o, &[s(&big)]);
    refused_as_growing(&e);
    assert!(!bom.exists(), "a BOM was written");
}

/// `sceau verify` of a folder whose file grows faster than it is read fails `tree files`
/// naming it; nothing else fails and nothing is written.
#[test]
fn file_growing_faster_than_it_is_read_fails_the_tree() {
    let (lab, big) = lab_with_growing_file();
    let rec = lab.path("big.sceau.json");
    sign(&lab.dir, &lab.key, &rec);
    let state = lab.path("state.json");
    let grower = Grower::start(&big);
    let o = sceau(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&rec),
        "--key",
        s(&lab.public),
        "--at",
        AT,
        "--threads",
        "1",
        "--state",
        s(&state),
        "--json",
    ]);
    grower.stop();
    let r = report_of(&o);
    let d = assert_only_failure(&o, &r, "tree", "files", &["big.bin"]);
    refused_as_growing(&d);
    assert!(!state.exists(), "a state file was written");
}

/// Depth of the folder [`record_too_large_per_file_is_signed_in_the_manifest_form`] builds,
/// and the length of each folder name: paths of about 3 800 bytes (under the 4 096 of a
/// recorded path and of the system's path limit with the temporary folder in front).
const DEEP: usize = 15;
const SEGMENT: usize = 250;
/// Files in that folder: each costs at least 15 KiB of record, so 5 000 pass the 64 MiB
/// envelope limit (spec/record.md §2.6), though they are under the 10 000 files of the
/// manifest threshold.
const MANY: usize = 5_000;

/// `sceau sign` of a folder whose one-subject-per-file record would pass the envelope limit
/// records it in the manifest form instead (spec/record.md §2.6): the record is small, the
/// manifest beside it lists every file, and the tree verifies against both; a changed file
/// deep down fails the tree modified check, named with both digests.
#[test]
fn record_too_large_per_file_is_signed_in_the_manifest_form() {
    let lab = Lab::new();
    let mut deep = lab.dir.clone();
    for i in 0..DEEP {
        deep.push(format!("{i:02}{}", "d".repeat(SEGMENT - 2)));
    }
    std::fs::create_dir_all(&deep).unwrap();
    for i in 0..MANY {
        std::fs::write(deep.join(format!("sample-{i:06}.json")), b"{}\n").unwrap();
    }
    let rec = lab.path("too-large.sceau.json");
    let manifest = lab.path("too-large.sceau.manifest");
    let o = sceau(&[
        "sign",
        s(&lab.dir),
        "--key",
        s(&lab.key),
        "-o",
        s(&rec),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let record_len = std::fs::metadata(&rec).unwrap().len();
    assert!(record_len < 1 << 20, "record of {record_len} bytes");
    assert!(manifest.is_file(), "no manifest beside the record");
    let args = [
        s(&lab.dir),
        "--record",
        s(&rec),
        "--key",
        s(&lab.public),
        "--at",
        AT,
    ];
    let (o, r) = verify_json(&args);
    assert_eq!(o.status.code(), Some(0), "{r:#}");
    assert_eq!(outcome(&r, "tree", "manifest"), PASS);
    let changed = deep.join("sample-004321.json");
    std::fs::write(&changed, b"[]\n").unwrap();
    let (o, r) = verify_json(&args);
    let d = assert_only_failure(&o, &r, "tree", "modified", &["sample-004321.json"]);
    assert!(d.contains("recorded sha256"), "{d}");
    assert_eq!(outcome(&r, "tree", "manifest"), PASS);
}
