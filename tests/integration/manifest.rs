//! Trees in the manifest form (spec/manifest.md): folders recorded whole by their roots, the
//! manifest beside the record, subsets checked with `--only`, and sharded scans (`scan
//! --shard`, `sign --parts`, `verify --parts`) that must merge into the record one scan makes.
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::common::*;

/// The lab release plus `data/a/` and `data/b/`, `n` small files each.
fn data_lab(n: usize) -> Lab {
    let lab = Lab::new();
    for sub in ["a", "b"] {
        let d = lab.dir.join("data").join(sub);
        std::fs::create_dir_all(&d).unwrap();
        for i in 0..n {
            std::fs::write(d.join(format!("{sub}-{i:05}.txt")), format!("{sub}{i}\n")).unwrap();
        }
    }
    lab
}

/// `sceau sign` of the lab folder into `t/OUT` (plus `extra`), expecting success.
#[track_caller]
fn sign_to(lab: &Lab, out: &str, extra: &[&str]) -> PathBuf {
    lab.sign(&lab.dir, &lab.key, out, (NAME, "1.0.0"), extra)
}

/// The names of the record's subjects, in order.
fn subject_names(record: &Path) -> Vec<String> {
    let v: Value = serde_json::from_slice(&payload_of(record)).unwrap();
    v["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The subjects of the record, whole (name and digests).
fn subjects(record: &Path) -> Value {
    let v: Value = serde_json::from_slice(&payload_of(record)).unwrap();
    v["subject"].clone()
}

/// `sceau scan DIR --shard K/N -o t/part-K` for every K; the parts' paths.
fn shard(lab: &Lab, n: usize) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let out = lab.path(&format!("part-{k}"));
            let o = sceau(&[
                "scan",
                s(&lab.dir),
                "--shard",
                &format!("{k}/{n}"),
                "-o",
                s(&out),
            ]);
            assert_eq!(code(&o), 0, "{}", stderr(&o));
            out
        })
        .collect()
}

/// A folder with no weight file below it is one subject, named with a trailing "/", whose
/// files are in the manifest beside the record; the tree verifies against both.
#[test]
fn manifest_form_records_folders_whole_and_verifies() {
    let lab = data_lab(20);
    let rec = sign_to(&lab, "m.sceau.json", &["--always-manifest"]);
    let names = subject_names(&rec);
    assert!(names.contains(&"data/".to_owned()), "{names:?}");
    assert!(names.contains(&"config.json".to_owned()), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("data/a")), "{names:?}");
    let manifest = lab.path("m.sceau.manifest");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert_eq!(text.lines().next(), Some("sceau-manifest/1"));
    assert!(text.contains(" data/b/b-00019.txt\n"), "{text}");
    let (o, r) = lab.verify_dir(&rec);
    assert_eq!(code(&o), 0, "{r:#}");
    assert_eq!(outcome(&r, "tree", "manifest"), PASS);
    let matched = format!("{} files match", names_in(&text));
    assert!(detail(&r, "tree", "modified").contains(&matched), "{r:#}");
}

/// Files listed in a manifest's text.
fn names_in(manifest: &str) -> u64 {
    manifest.lines().filter(|l| l.starts_with("F ")).count() as u64
}

/// A manifest that is not the one signed fails `tree manifest` before any line is read, as
/// does no manifest at all; the file checks are then said to be skipped. `--manifest` names
/// one kept elsewhere.
#[test]
fn another_manifest_or_none_fails_the_manifest_check() {
    let lab = data_lab(5);
    let rec = sign_to(&lab, "m.sceau.json", &["--always-manifest"]);
    let manifest = lab.path("m.sceau.manifest");
    let kept = lab.path("kept.manifest");
    std::fs::copy(&manifest, &kept).unwrap();

    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen("data/a/a-00001.txt", "data/a/a-00009.txt", 1),
    )
    .unwrap();
    let (o, r) = lab.verify_dir(&rec);
    let d = assert_only_failure(&o, &r, "tree", "manifest", &["m.sceau.manifest"]);
    assert!(d.contains("not the manifest the record signed"), "{d}");
    for name in ["modified", "missing", "extra"] {
        assert_eq!(outcome(&r, "tree", name), SKIPPED, "{name}");
    }

    std::fs::remove_file(&manifest).unwrap();
    let (o, r) = lab.verify_dir(&rec);
    let d = assert_only_failure(&o, &r, "tree", "manifest", &[]);
    assert!(
        d.contains("none was given or found beside the record"),
        "{d}"
    );

    let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--manifest", s(&kept)]);
    assert_eq!(code(&o), 0, "{r:#}");

    let absent = lab.path("absent.manifest");
    let o = sceau(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&rec),
        "--key",
        s(&lab.public),
        "--manifest",
        s(&absent),
    ]);
    assert_input_error(&o, &["absent.manifest"]);
}

/// `--only PATH` compares the files below one folder, at the cost of its own files, and
/// says that the rest was not checked.
#[test]
fn only_checks_the_folder_it_names() {
    let lab = data_lab(10);
    let rec = sign_to(&lab, "m.sceau.json", &["--always-manifest"]);
    std::fs::write(lab.dir.join("data/b/b-00003.txt"), "changed\n").unwrap();

    let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--only", "data/a"]);
    assert_eq!(code(&o), 0, "{r:#}");
    assert_wording(
        detail(&r, "tree", "modified"),
        &[
            "10 files match",
            "only the files below data/a/",
            "the rest of the tree was not checked",
        ],
    );

    let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--only", "data/b"]);
    let d = assert_only_failure(&o, &r, "tree", "modified", &["data/b/b-00003.txt"]);
    assert!(d.contains("recorded size"), "{d}");

    for bad in ["../data", "/data", "data/./a"] {
        let o = sceau(&[
            "verify",
            s(&lab.dir),
            "--record",
            s(&rec),
            "--key",
            s(&lab.public),
            "--only",
            bad,
        ]);
        assert_input_error(&o, &["--only"]);
    }
}

/// Parts of a sharded scan merge into the record an unsharded sign makes (same subjects,
/// the same manifest byte for byte), and verify takes its digests from them.
#[test]
fn parts_merge_into_the_record_one_scan_makes() {
    let lab = data_lab(15);
    let parts = shard(&lab, 3);
    let header = std::fs::read_to_string(&parts[1]).unwrap();
    assert!(header.starts_with("sceau-part/1 "), "{header}");
    assert!(header.lines().next().unwrap().contains(" 2/3 "), "{header}");

    let mut args = vec!["--always-manifest", "--parts"];
    args.extend(parts.iter().map(|p| s(p)));
    let merged = sign_to(&lab, "merged.sceau.json", &args);
    let whole = sign_to(&lab, "whole.sceau.json", &["--always-manifest"]);
    assert_eq!(subjects(&merged), subjects(&whole));
    assert_eq!(
        std::fs::read(lab.path("merged.sceau.manifest")).unwrap(),
        std::fs::read(lab.path("whole.sceau.manifest")).unwrap()
    );

    // Without --always-manifest: a small tree keeps one subject per file either way.
    let mut args = vec!["--parts"];
    args.extend(parts.iter().map(|p| s(p)));
    let merged = sign_to(&lab, "merged-files.sceau.json", &args);
    let whole = sign_to(&lab, "whole-files.sceau.json", &[]);
    assert_eq!(subjects(&merged), subjects(&whole));
    assert!(subject_names(&whole).contains(&"data/a/a-00000.txt".to_owned()));

    let mut extra = vec!["--parts"];
    extra.extend(parts.iter().map(|p| s(p)));
    let rec = lab.path("whole.sceau.json");
    let (o, r) = lab.verify(Some(&lab.dir), &rec, &extra);
    assert_eq!(code(&o), 0, "{r:#}");
    assert!(
        detail(&r, "tree", "modified").contains("taken from the part manifests"),
        "{r:#}"
    );
}

/// Parts that are not every part of one walk of this very tree are refused, naming what is
/// wrong, and nothing is written.
#[test]
fn parts_that_do_not_fit_are_refused() {
    let lab = data_lab(6);
    let parts = shard(&lab, 3);
    let out = lab.path("out.sceau.json");
    let sign_parts = |given: &[&Path]| {
        let mut a = vec![
            "sign",
            s(&lab.dir),
            "--key",
            s(&lab.key),
            "-o",
            s(&out),
            "--parts",
        ];
        a.extend(given.iter().map(|p| s(p)));
        sceau(&a)
    };
    assert_input_error(&sign_parts(&[&parts[0], &parts[1]]), &["missing: 3/3"]);
    assert_input_error(
        &sign_parts(&[&parts[0], &parts[0], &parts[1]]),
        &["part 1/3 given twice"],
    );
    std::fs::write(lab.dir.join("data/a/new.txt"), "new\n").unwrap();
    assert_input_error(
        &sign_parts(&[&parts[0], &parts[1], &parts[2]]),
        &["new.txt", "which no part lists"],
    );
    std::fs::remove_file(lab.dir.join("data/a/new.txt")).unwrap();
    let text = std::fs::read_to_string(&parts[2]).unwrap();
    let forged = lab.path("forged-part");
    let line = text.lines().nth(1).unwrap().to_owned();
    // "F " and 64 hex digits, then " SIZE PATH".
    let bad_line = format!("F {}{}", "0".repeat(64), &line[66..]);
    std::fs::write(&forged, text.replacen(&line, &bad_line, 1)).unwrap();
    let o = sign_parts(&[&parts[0], &parts[1], &forged]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // A forged digest in a part is what the part says: the tree then fails against the
    // record signed from it, named.
    let (o, r) = lab.verify_dir(&out);
    assert_eq!(code(&o), 1, "{r:#}");
    assert!(failures(&r).iter().any(|f| f.contains("modified")), "{r:#}");
    std::fs::remove_file(&out).unwrap();
    std::fs::remove_file(lab.path("out.sceau.manifest")).ok();
    let o = sign_parts(&[&parts[0], &parts[1], &lab.record]);
    assert_input_error(&o, &["r.sceau.json"]);
    assert!(!out.exists(), "a record was written");
}

/// `--shard auto` takes K and N from a Slurm job array or from a Kubernetes Indexed Job (with
/// N given), and cuts the same part as `--shard K/N`.
#[test]
fn shard_auto_reads_the_scheduler() {
    let lab = data_lab(4);
    let parts = shard(&lab, 2);
    let slurm = lab.path("slurm-part");
    let o = sceau_env(
        &["scan", s(&lab.dir), "--shard", "auto", "-o", s(&slurm)],
        &[
            ("SLURM_ARRAY_TASK_ID", "6"),
            ("SLURM_ARRAY_TASK_MIN", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&slurm).unwrap(),
        std::fs::read(&parts[1]).unwrap()
    );

    let k8s = lab.path("k8s-part");
    let o = sceau_env(
        &["scan", s(&lab.dir), "--shard", "auto/2", "-o", s(&k8s)],
        &[("JOB_COMPLETION_INDEX", "0")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&k8s).unwrap(),
        std::fs::read(&parts[0]).unwrap()
    );

    let none = lab.path("none-part");
    let o = sceau(&["scan", s(&lab.dir), "--shard", "auto", "-o", s(&none)]);
    assert_input_error(&o, &["SLURM_ARRAY_TASK_ID"]);
    for bad in ["0/2", "3/2", "1/0", "x"] {
        let o = sceau(&["scan", s(&lab.dir), "--shard", bad, "-o", s(&none)]);
        assert_input_error(&o, &["--shard"]);
    }
    assert!(!none.exists());
}

/// Past the threshold of 10 000 files a tree is recorded in the manifest form without being
/// asked; the record stays small.
#[test]
fn a_big_tree_takes_the_manifest_form_by_itself() {
    let lab = data_lab(5_001);
    let rec = sign_to(&lab, "big.sceau.json", &[]);
    assert!(lab.path("big.sceau.manifest").is_file());
    let names = subject_names(&rec);
    assert!(names.len() < 20, "{names:?}");
    assert!(names.contains(&"data/".to_owned()), "{names:?}");
    let (o, r) = lab.verify_dir(&rec);
    assert_eq!(code(&o), 0, "{r:#}");
}

/// The manifest is a file of its own: a FIFO (or any special file) where it would go is
/// refused before anything is hashed, and no record is written.
#[cfg(unix)]
#[test]
fn a_special_file_for_the_manifest_is_refused() {
    let lab = data_lab(2);
    let fifo = lab.path("f.manifest");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let out = lab.path("f.sceau.json");
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "sign",
        s(&lab.dir),
        "--key",
        s(&lab.key),
        "-o",
        s(&out),
        "--always-manifest",
        "--manifest",
        s(&fifo),
    ]);
    assert_input_error(&o, &["f.manifest", "never through a special file"]);
    assert!(!out.exists());
    assert_unchanged(lab.t.path(), &before);
}
