//! Verdicts that can't be bent (issue 12): the exit code is the verdict whatever happens to
//! standard output, and other ways an attacker could turn a failure into a pass.
use std::io::BufRead as _;

use super::*;

/// Runs `sceau ARGS` with standard output piped, reads one line, closes the pipe and waits:
/// a reader that goes away (`| head -n1`).
fn run_closed_after_one_line(args: &[&str]) -> std::process::ExitStatus {
    let mut c = Command::new(bin());
    c.args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("SCEAU_PASSPHRASE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = c.spawn().expect("spawn sceau");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    out.read_line(&mut first).expect("first line");
    drop(out);
    child.wait().expect("wait")
}

/// Runs `sceau ARGS` with standard output on `/dev/full` (every write fails with ENOSPC).
fn run_on_full_disk(args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let mut c = Command::new(bin());
    c.args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("SCEAU_PASSPHRASE")
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped());
    c.output().expect("run sceau")
}

/// A release that fails verification with a report far larger than a pipe's buffer: 8 000
/// files added after signing.
fn tampered_with_many_extra_files() -> Lab {
    let lab = Lab::new();
    let extra = lab.dir.join("extra");
    std::fs::create_dir(&extra).unwrap();
    for i in 0..8000 {
        std::fs::write(extra.join(format!("added-file-number-{i:05}.txt")), b"x").unwrap();
    }
    lab
}

/// A failed verification whose reader closes the pipe after one line still exits 1, for every
/// command that judges, in text and in JSON.
#[test]
fn a_closed_pipe_never_turns_a_failure_into_success() {
    let lab = tampered_with_many_extra_files();
    let (rec, key, dir) = (s(&lab.record), s(&lab.public), s(&lab.dir));
    for json in [false, true] {
        let mut args = vec!["verify", dir, "--record", rec, "--key", key, "--at", AT];
        if json {
            args.push("--json");
        }
        let st = run_closed_after_one_line(&args);
        assert_eq!(st.code(), Some(1), "verify (json {json}) exited {st:?}");
    }
    // The same under a key that did not sign: lineage, openness and report judge the record
    // itself; `check` fails on the untrusted signature too.
    let (_, other) = keygen(lab.t.path(), "mallory");
    for args in [
        vec!["lineage", rec, "--key", s(&other), "--at", AT],
        vec!["openness", rec, "--key", s(&other), "--at", AT],
        vec![
            "check",
            dir,
            "--record",
            rec,
            "--key",
            s(&other),
            "--at",
            AT,
        ],
        vec!["report", rec, "--ai-act", "--key", s(&other), "--at", AT],
    ] {
        let st = run_closed_after_one_line(&args);
        assert_eq!(st.code(), Some(1), "{args:?} exited {st:?}");
    }
}

/// A full disk on standard output: a failure stays 1; a pass whose report could not be
/// written is 2 (what the command had to say was lost), never 0 silently.
#[test]
fn a_full_disk_never_turns_a_failure_into_success() {
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full on this system");
        return;
    }
    let lab = tampered_with_many_extra_files();
    let (rec, key, dir) = (s(&lab.record), s(&lab.public), s(&lab.dir));
    let o = run_on_full_disk(&["verify", dir, "--record", rec, "--key", key, "--at", AT]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let o = run_on_full_disk(&["verify", "--record", rec, "--key", key, "--at", AT]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write to standard output"),
        "{}",
        stderr(&o)
    );
}
