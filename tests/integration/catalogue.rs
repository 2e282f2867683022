//! The bad-input catalogue (issue 7; SECURITY.md "The bad-input catalogue"): every way a file
//! sceau reads can be hostile, one test per case that no other module already covers. Each
//! test asserts the exit code, one clear error naming the path, key or field, no panic, and
//! that nothing was created or changed (a snapshot of the whole temporary folder, contents
//! hashed, before and after). Cases covered elsewhere are listed in SECURITY.md with the test
//! that covers them.
//!
//! Records with contents `sceau sign` would never write (bad subject names, duplicate keys,
//! lone surrogates…) are built here: the payload is written by hand and signed with
//! `sceau_sign::countersign` under a key the verifier trusts, so that only the rule under test
//! can refuse it.
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sceau_core::dsse::{Envelope, PAYLOAD_TYPE_INTOTO};
use sceau_sign::SecretKey;
use serde_json::{json, Value};

use crate::common::*;
use crate::sign_verify::{b64_decode, key_id, keygen, payload_of, read_json, write_json, AT, NAME};

/// SOURCE_DATE_EPOCH of every signature made here (2026-01-01T00:00:00Z), as in `common`.
const EPOCH: &str = "1767225600";

/// Longest any one sceau run may take here: a run that blocks (on a FIFO, a device) fails
/// the test instead of hanging it.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// `payloadType` of a trust policy (spec/policy.md §1.1).
const POLICY_TYPE: &str = "application/vnd.sceau.policy+json";

// ---------------------------------------------------------------------------------------------
// Running sceau.

/// Runs sceau with `args` (fixed SOURCE_DATE_EPOCH, no SCEAU_PASSPHRASE, plus `env`), killing
/// it and failing the test if it runs longer than [`RUN_LIMIT`].
fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(bin());
    c.args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("SCEAU_PASSPHRASE");
    for (k, v) in env {
        c.env(k, v);
    }
    run_limited(c, args)
}

/// Runs sceau with `args`, as [`run_env`].
fn run(args: &[&str]) -> Output {
    run_env(args, &[])
}

fn run_limited(mut c: Command, args: &[&str]) -> Output {
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("run sceau");
    let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|s| Box::new(s) as _));
    let err = drain(child.stderr.take().map(|s| Box::new(s) as _));
    let deadline = Instant::now() + RUN_LIMIT;
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait for sceau") {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sceau {args:?} ran over {RUN_LIMIT:?}: it blocked");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    }
}

/// Asserts a refusal before any verification: exit 2, no panic, exactly one `error:` line,
/// which contains every phrase. Returns standard error.
#[track_caller]
fn assert_input_error(o: &Output, phrases: &[&str]) -> String {
    assert_exit(o, 2);
    let e = stderr(o);
    assert_eq!(
        e.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "expected one error in:\n{e}"
    );
    for p in phrases {
        assert!(e.contains(p), "error lacks {p:?}:\n{e}");
    }
    e
}

/// Parses `verify --json` output.
#[track_caller]
fn report_of(o: &Output) -> Value {
    let e = stderr(o);
    assert!(!e.contains("panicked"), "sceau panicked:\n{e}");
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|err| panic!("verify --json: {err}\nstdout:\n{}\n{e}", stdout(o)))
}

/// The failed checks of a report, as `stage/name`.
fn failures(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["outcome"] == "fail")
        .map(|c| {
            format!(
                "{}/{}",
                c["stage"].as_str().unwrap(),
                c["name"].as_str().unwrap()
            )
        })
        .collect()
}

/// The detail of check `stage/name`.
#[track_caller]
fn detail<'a>(report: &'a Value, stage: &str, name: &str) -> &'a str {
    crate::sign_verify::check(report, stage, name)["detail"]
        .as_str()
        .expect("detail")
}

/// Asserts a failed verification (exit 1, `verified: false`) whose only failed check is
/// `stage/name`, its detail containing every phrase. Returns the detail.
#[track_caller]
fn assert_only_failure(
    o: &Output,
    report: &Value,
    stage: &str,
    name: &str,
    phrases: &[&str],
) -> String {
    assert_exit(o, 1);
    assert_eq!(report["verified"], false, "{report:#}");
    assert_eq!(
        failures(report),
        vec![format!("{stage}/{name}")],
        "{report:#}"
    );
    let d = detail(report, stage, name).to_owned();
    for p in phrases {
        assert!(d.contains(p), "{stage}/{name} detail {d:?} lacks {p:?}");
    }
    d
}

// ---------------------------------------------------------------------------------------------
// Nothing created, nothing changed.

/// Every entry under `root`, symlinks not followed, with its type and, for regular files, its
/// length and SHA-256. Special files are never opened.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    use sha2::Digest as _;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(p) = stack.pop() {
        let Ok(m) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        let t = m.file_type();
        let what = if t.is_symlink() {
            format!("link -> {:?}", std::fs::read_link(&p).ok())
        } else if t.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&p) {
                stack.extend(rd.flatten().map(|e| e.path()));
            }
            "dir".to_owned()
        } else if t.is_file() {
            match std::fs::read(&p) {
                Ok(b) => format!("file {} {}", b.len(), hex::encode(sha2::Sha256::digest(&b))),
                Err(e) => format!("file {} (unreadable: {e})", m.len()),
            }
        } else {
            format!("special {t:?}")
        };
        out.insert(p, what);
    }
    out
}

/// Asserts that `root` is exactly as `before` (a [`snapshot`]).
#[track_caller]
fn assert_unchanged(root: &Path, before: &BTreeMap<PathBuf, String>) {
    let after = snapshot(root);
    if &after != before {
        let mut diff = Vec::new();
        for (p, w) in &after {
            match before.get(p) {
                None => diff.push(format!("created {}: {w}", p.display())),
                Some(b) if b != w => diff.push(format!("changed {}: {b} -> {w}", p.display())),
                _ => {}
            }
        }
        for p in before.keys().filter(|p| !after.contains_key(*p)) {
            diff.push(format!("removed {}", p.display()));
        }
        panic!("files changed:\n{}", diff.join("\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// A signed release, and records crafted under its key.

/// The hf_model fixture in `t/release`, signed by alice (`t/alice.key`, `t/alice.pub`, an
/// unencrypted key) as NAME 1.0.0 into `t/r.sceau.json`.
struct Lab {
    t: tempfile::TempDir,
    dir: PathBuf,
    key: PathBuf,
    public: PathBuf,
    record: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        Lab::with(sceau_fixtures::hf_model)
    }

    fn with(gen: fn(&Path) -> anyhow::Result<()>) -> Lab {
        let (t, dir) = fixture(gen);
        let (key, public) = keygen(t.path(), "alice");
        let record = t.path().join("r.sceau.json");
        crate::sign_verify::sign(&dir, &key, &record);
        Lab {
            t,
            dir,
            key,
            public,
            record,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.t.path().join(name)
    }

    /// alice's secret key, for crafting records.
    fn secret(&self) -> SecretKey {
        secret_key(&self.key)
    }

    /// The signed payload of the record, parsed (field order kept).
    fn payload(&self) -> Value {
        serde_json::from_slice(&payload_of(&self.record)).expect("payload")
    }

    /// Writes `t/NAME`: an in-toto envelope over exactly `payload`, signed by alice.
    fn craft(&self, name: &str, payload: &[u8]) -> PathBuf {
        let out = self.path(name);
        std::fs::write(
            &out,
            envelope(PAYLOAD_TYPE_INTOTO, payload, &[&self.secret()]),
        )
        .expect("write record");
        out
    }

    /// [`Lab::craft`] over `v` written as compact JSON, as `sceau sign` writes payloads.
    fn craft_json(&self, name: &str, v: &Value) -> PathBuf {
        self.craft(name, &serde_json::to_vec(v).expect("json"))
    }

    /// `verify [DIR] --record R --key alice.pub --at AT --json [extra]` (no `--key` when `extra`
    /// gives `--policy`), with a snapshot of the whole temporary folder around it: nothing may
    /// change.
    fn verify(&self, dir: Option<&Path>, record: &Path, extra: &[&str]) -> (Output, Value) {
        let mut a = vec!["verify"];
        if let Some(d) = dir {
            a.push(s(d));
        }
        a.extend(["--record", s(record), "--at", AT, "--json"]);
        if !extra.contains(&"--policy") {
            a.extend(["--key", s(&self.public)]);
        }
        a.extend_from_slice(extra);
        let mut before = snapshot(self.t.path());
        let o = run(&a);
        let r = report_of(&o);
        // A passing verification with --state updates its state file, and nothing else.
        let state = extra
            .iter()
            .position(|x| *x == "--state")
            .map(|i| extra[i + 1]);
        if let (Some(st), 0) = (state, code(&o)) {
            before.remove(Path::new(st));
            before.insert(
                PathBuf::from(st),
                snapshot(Path::new(st))[Path::new(st)].clone(),
            );
        }
        assert_unchanged(self.t.path(), &before);
        (o, r)
    }

    /// [`Lab::verify`] of the release folder.
    fn verify_dir(&self, record: &Path) -> (Output, Value) {
        self.verify(Some(&self.dir), record, &[])
    }
}

/// Reads an unencrypted secret key file with the library.
fn secret_key(path: &Path) -> SecretKey {
    let text = std::fs::read_to_string(path).expect("key file");
    SecretKey::parse(&text, || {
        Err::<zeroize::Zeroizing<Vec<u8>>, _>("the test keys are not encrypted")
    })
    .expect("secret key")
    .0
}

/// An envelope file's bytes: `payload` under `payload_type`, signed by each key in turn.
fn envelope(payload_type: &str, payload: &[u8], keys: &[&SecretKey]) -> Vec<u8> {
    let mut env = Envelope::new(payload_type, payload.to_vec());
    for k in keys {
        sceau_sign::countersign(&mut env, k).expect("sign");
    }
    env.to_json()
}

/// The subject and BOM component of `from` renamed `to`, so that both still agree.
fn rename_artifact(v: &mut Value, from: &str, to: &str) {
    let subj = v["subject"]
        .as_array_mut()
        .expect("subject")
        .iter_mut()
        .find(|x| x["name"] == from)
        .expect("subject to rename");
    subj["name"] = to.into();
    let comp = v["predicate"]["components"]
        .as_array_mut()
        .expect("components")
        .iter_mut()
        .find(|x| x["name"] == from)
        .expect("component to rename");
    comp["name"] = to.into();
    comp["bom-ref"] = format!("artifact:{to}").into();
}

/// The payload text of the lab's record with `from` replaced by `to` (exactly once).
fn edit_payload(lab: &Lab, from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(payload_of(&lab.record)).expect("utf-8 payload");
    assert_eq!(text.matches(from).count(), 1, "{from:?} in the payload");
    text.replacen(from, to, 1).into_bytes()
}

/// Payload digest (hex) of a record file.
fn record_digest(record: &Path) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(payload_of(record)))
}

// ---------------------------------------------------------------------------------------------
// Tree against record.

#[test]
fn tree_zero_length_swap_is_modified_with_both_digests() {
    let lab = Lab::new();
    let f = lab.dir.join("config.json");
    let before = sha256_file(&f);
    std::fs::write(&f, b"").unwrap();
    let (o, r) = lab.verify_dir(&lab.record);
    assert_only_failure(
        &o,
        &r,
        "tree",
        "modified",
        &[
            "config.json modified",
            &before,
            // SHA-256 of zero bytes.
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ],
    );
}

/// A file that grows while it is hashed: the digest describes nothing, so the run fails
/// naming the file (spec/scan.md §6.3), or, if the change came before the walk, reports it
/// modified. It never passes.
#[test]
fn tree_file_changed_while_hashing_fails_naming_it() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let big = d.join("big.bin");
    // Sparse: hashing it takes long enough to be caught, without using disk space.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    let (key, public) = keygen(t.path(), "alice");
    let rec = t.path().join("r.sceau.json");
    crate::sign_verify::sign(&d, &key, &rec);

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
    let o = run(&[
        "verify",
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&public),
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
        let d = detail(&r, "tree", "files");
        assert!(
            d.contains("big.bin") && d.contains("changed while it was being hashed"),
            "{d}"
        );
    } else {
        assert_eq!(f, ["tree/modified"], "{r:#}");
        assert!(detail(&r, "tree", "modified").contains("big.bin modified"));
    }
}

/// Decision: a record inside DIR is left out by an exact rule (`=PATH`) whatever its name, so
/// a record named `*.bin` does not hide the `.bin` files beside it (spec/verify.md §4).
#[test]
fn tree_record_inside_named_like_a_pattern_hides_nothing() {
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
fn tree_symlinked_model_root_verifies_through_the_link() {
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
    assert_only_failure(&o, &r, "tree", "modified", &["config.json modified"]);
}

// ---------------------------------------------------------------------------------------------
// Path names in records: signed by a trusted key, refused by the path rules (spec/record.md
// §2.2) before anything on disk is looked at.

/// A record naming `config.json` as `bad` (subject and BOM component alike) is refused with
/// `rule` in the `parse statement` detail, and no file is opened: a copy of config.json sits
/// beside DIR, where `../config.json` (and `BAIT`, its absolute path) leads, and would match
/// the recorded digest if sceau followed the name.
#[track_caller]
fn refused_name(bad: &str, rule: &str) {
    let lab = Lab::new();
    let bait = lab.path("config.json");
    std::fs::copy(lab.dir.join("config.json"), &bait).unwrap();
    // BAIT stands for the bait's absolute path.
    let bad = &bad.replace("BAIT", s(&bait));
    let mut v = lab.payload();
    rename_artifact(&mut v, "config.json", bad);
    let rec = lab.craft_json("bad-name.json", &v);
    let (o, r) = lab.verify_dir(&rec);
    // The name as far as it prints plainly (the message escapes the rest).
    let plain: String = bad
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "./:_-".contains(*c))
        .collect();
    assert_only_failure(&o, &r, "parse", "statement", &[rule, &plain]);
    assert_eq!(
        detail(&r, "tree", "files"),
        "not checked: the record did not verify"
    );
    assert_eq!(r["tree"], Value::Null);
}

#[test]
fn name_parent_segment() {
    refused_name("../config.json", "\"..\" segment");
}

#[test]
fn name_parent_segment_inside() {
    refused_name("a/../../config.json", "\"..\" segment");
}

#[test]
fn name_absolute() {
    // An absolute name pointing at a real copy of the file.
    refused_name("BAIT", "is absolute");
    refused_name("/etc/passwd", "is absolute");
}

#[test]
fn name_windows_drive_and_backslash() {
    refused_name("C:\\config.json", "backslash");
    refused_name("C:config.json", "drive letter");
}

#[test]
fn name_backslash_separator() {
    refused_name("sub\\config.json", "backslash");
    refused_name("..\\config.json", "backslash");
}

#[test]
fn name_empty() {
    refused_name("", "empty path");
}

#[test]
fn name_empty_segment() {
    refused_name("sub//config.json", "\"\" segment");
}

#[test]
fn name_dot_segment() {
    refused_name("./config.json", "\".\" segment");
}

#[test]
fn name_trailing_slash() {
    refused_name("config.json/", "\"\" segment");
}

#[test]
fn name_nul() {
    refused_name("config.json\u{0}.txt", "control character");
}

#[test]
fn name_control_characters() {
    refused_name("config\u{1b}[2J.json", "control character");
    refused_name("config\n.json", "control character");
    // C1 controls count too (NEL).
    refused_name("config\u{85}.json", "control character");
}

/// A decomposed (NFD) name is refused, not normalised: it and its NFC twin would be one file
/// on some systems and two on others.
#[test]
fn name_nfd_twin() {
    refused_name("cafe\u{301}.json", "not in Unicode NFC form");
}

/// Decision: names that differ only by case are both kept and compared exactly (no case
/// folding, spec/record.md §2.2): on a case-sensitive file system each must exist as written.
#[test]
fn name_case_twins_are_compared_exactly() {
    let lab = Lab::new();
    let mut v = lab.payload();
    let subj = v["subject"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "config.json")
        .unwrap()
        .clone();
    let comp = v["predicate"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "config.json")
        .unwrap()
        .clone();
    let (mut subj2, mut comp2) = (subj, comp);
    subj2["name"] = "CONFIG.json".into();
    comp2["name"] = "CONFIG.json".into();
    comp2["bom-ref"] = "artifact:CONFIG.json".into();
    // Byte order: upper case first.
    v["subject"].as_array_mut().unwrap().insert(0, subj2);
    v["predicate"]["components"]
        .as_array_mut()
        .unwrap()
        .insert(0, comp2);
    let rec = lab.craft_json("case-twins.json", &v);

    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(&o, &r, "tree", "missing", &["CONFIG.json"]);
    if std::fs::copy(lab.dir.join("config.json"), lab.dir.join("CONFIG.json")).is_ok()
        && std::fs::read_dir(&lab.dir).unwrap().count() == 10
    {
        let (o, r) = lab.verify_dir(&rec);
        assert_exit(&o, 0);
        assert_eq!(r["tree"]["matched"], 10);
    } else {
        eprintln!("case-insensitive file system: the two-file half was skipped");
    }
}

#[test]
fn name_duplicate_subject() {
    let lab = Lab::new();
    let mut v = lab.payload();
    for list in ["/subject", "/predicate/components"] {
        let a = v.pointer_mut(list).unwrap().as_array_mut().unwrap();
        let dup = a
            .iter()
            .find(|x| x["name"] == "config.json")
            .unwrap()
            .clone();
        a.push(dup);
    }
    let rec = lab.craft_json("dup.json", &v);
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(
        &o,
        &r,
        "parse",
        "statement",
        &["subject \"config.json\" appears twice"],
    );
}

// ---------------------------------------------------------------------------------------------
// The file system of the folder being verified: refused without opening anything
// (spec/scan.md §1, spec/verify.md §4 step 2). The scan refusals are in scan.rs; these are
// the verifier's, where the folder is a download.

/// Replaces `config.json` (or adds an entry) with `make`, verifies, and expects `tree files`
/// to fail naming the entry with `phrase`.
#[track_caller]
fn refused_entry(make: impl FnOnce(&Lab) -> PathBuf, phrase: &str) {
    let lab = Lab::new();
    let entry = make(&lab);
    let (o, r) = lab.verify_dir(&lab.record);
    let d = assert_only_failure(
        &o,
        &r,
        "tree",
        "files",
        &["cannot check the folder", phrase],
    );
    let name = entry.file_name().unwrap().to_str().unwrap();
    assert!(d.contains(name), "{d:?} does not name {name}");
}

#[cfg(unix)]
#[test]
fn fs_symlink_out_of_the_tree_to_an_identical_file() {
    refused_entry(
        |lab| {
            // The target outside has exactly the recorded content.
            let outside = lab.path("outside.json");
            let f = lab.dir.join("config.json");
            std::fs::rename(&f, &outside).unwrap();
            std::os::unix::fs::symlink(&outside, &f).unwrap();
            f
        },
        "symlink leaves the tree",
    );
}

#[cfg(unix)]
#[test]
fn fs_symlink_loop() {
    refused_entry(
        |lab| {
            let f = lab.dir.join("config.json");
            std::fs::remove_file(&f).unwrap();
            std::os::unix::fs::symlink("config.json", &f).unwrap();
            f
        },
        "symlink loop",
    );
}

#[cfg(unix)]
#[test]
fn fs_dangling_symlink() {
    refused_entry(
        |lab| {
            let f = lab.dir.join("config.json");
            std::fs::remove_file(&f).unwrap();
            std::os::unix::fs::symlink("gone.json", &f).unwrap();
            f
        },
        "dangling symlink",
    );
}

#[cfg(unix)]
#[test]
fn fs_fifo_in_place_of_a_recorded_file_is_not_opened() {
    // Opening the FIFO would block: run() would then fail the test after RUN_LIMIT.
    refused_entry(
        |lab| {
            let f = lab.dir.join("config.json");
            std::fs::remove_file(&f).unwrap();
            let ok = Command::new("mkfifo").arg(&f).status().unwrap().success();
            assert!(ok, "mkfifo");
            f
        },
        "FIFO, not a regular file (not opened)",
    );
}

#[cfg(unix)]
#[test]
fn fs_socket_in_place_of_a_recorded_file() {
    refused_entry(
        |lab| {
            let f = lab.dir.join("config.json");
            std::fs::remove_file(&f).unwrap();
            // Bound and left open for the verification: the socket stays in the tree.
            let l = std::os::unix::net::UnixListener::bind(&f).unwrap();
            std::mem::forget(l);
            f
        },
        "socket, not a regular file",
    );
}

#[cfg(unix)]
#[test]
fn fs_device_in_place_of_a_recorded_file_is_not_opened() {
    let lab = Lab::new();
    let f = lab.dir.join("config.json");
    std::fs::remove_file(&f).unwrap();
    // /dev/zero never ends: reading it would run until RUN_LIMIT.
    let made = Command::new("mknod")
        .arg(&f)
        .args(["c", "1", "5"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let phrase = if made {
        "character device, not a regular file (not opened)"
    } else {
        eprintln!("mknod not permitted: checking a symlink to /dev/zero instead");
        std::os::unix::fs::symlink("/dev/zero", &f).unwrap();
        "symlink leaves the tree"
    };
    let (o, r) = lab.verify_dir(&lab.record);
    assert_only_failure(&o, &r, "tree", "files", &["config.json", phrase]);
}

/// Decision: hard links are allowed. A hard link is a regular file and is hashed as the file
/// it is; two names for one inode are two files, each recorded and checked under its own name
/// (spec/scan.md §1.1). Changing the content through one name changes both.
#[cfg(unix)]
#[test]
fn fs_hardlinks_are_two_recorded_files() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    std::fs::hard_link(d.join("config.json"), d.join("config-link.json")).unwrap();
    let (key, public) = keygen(t.path(), "alice");
    let rec = t.path().join("r.sceau.json");
    crate::sign_verify::sign(&d, &key, &rec);
    let names: Vec<String> = read_json(&rec)["payload"]
        .as_str()
        .map(b64_decode)
        .map(|p| serde_json::from_slice::<Value>(&p).unwrap())
        .unwrap()["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"config.json".to_owned()), "{names:?}");
    assert!(names.contains(&"config-link.json".to_owned()), "{names:?}");
    let args = [
        "verify",
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&public),
        "--json",
    ];
    let o = run(&args);
    assert_exit(&o, 0);
    assert_eq!(report_of(&o)["tree"]["matched"], 10);

    std::fs::write(d.join("config-link.json"), b"{}").unwrap();
    let o = run(&args);
    let r = report_of(&o);
    let d = assert_only_failure(&o, &r, "tree", "modified", &[]);
    assert!(
        d.contains("config.json modified") && d.contains("config-link.json modified"),
        "{d}"
    );
}

/// Runs sceau as `nobody` (uid 65534) when we are root, who reads every file whatever its mode.
/// Returns None (saying so) when privileges cannot be dropped.
#[cfg(unix)]
fn run_as_nobody(t: &Path, probe: &Path, args: &[&str]) -> Option<Output> {
    use std::os::unix::process::CommandExt as _;
    if std::fs::File::open(probe).is_err() {
        // Not privileged: the mode already applies to us.
        return Some(run(args));
    }
    fn chown_all(p: &Path) {
        let _ = std::os::unix::fs::lchown(p, Some(65534), Some(65534));
        if p.is_dir() && !p.is_symlink() {
            for e in std::fs::read_dir(p).unwrap().flatten() {
                chown_all(&e.path());
            }
        }
    }
    chown_all(t);
    let mut c = Command::new(bin());
    c.args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("SCEAU_PASSPHRASE")
        .uid(65534)
        .gid(65534);
    // A failure to drop privileges shows as a spawn error.
    match Command::new(bin())
        .arg("--version")
        .uid(65534)
        .gid(65534)
        .output()
    {
        Ok(o) if o.status.success() => Some(run_limited(c, args)),
        other => {
            eprintln!("skipped: cannot run as uid 65534 to test an unreadable file: {other:?}");
            None
        }
    }
}

/// An unreadable recorded file (mode 000) fails `tree files` naming it; an unreadable folder
/// too. A scan of such a tree stops naming it and writes nothing.
#[cfg(unix)]
#[test]
fn fs_unreadable_file_and_folder() {
    use std::os::unix::fs::PermissionsExt as _;
    let lab = Lab::new();
    let f = lab.dir.join("config.json");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
    let verify = [
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--at",
        AT,
        "--json",
    ];
    let before = snapshot(lab.t.path());
    let Some(o) = run_as_nobody(lab.t.path(), &f, &verify) else {
        return;
    };
    let r = report_of(&o);
    assert_only_failure(
        &o,
        &r,
        "tree",
        "files",
        &["config.json", "Permission denied"],
    );
    let out = lab.path("bom.json");
    let scan = ["scan", s(&lab.dir), "-o", s(&out)];
    let o = run_as_nobody(lab.t.path(), &f, &scan).unwrap();
    assert_input_error(&o, &["config.json", "Permission denied"]);
    assert!(!out.exists());

    // A folder that cannot be listed.
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    let sub = lab.dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("x"), b"x").unwrap();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = run_as_nobody(lab.t.path(), &sub.join("x"), &verify).unwrap();
    let r = report_of(&o);
    assert_only_failure(&o, &r, "tree", "files", &["sub", "Permission denied"]);
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(&sub).unwrap();
    // Only owners and modes changed (the test's own doing).
    assert_unchanged(lab.t.path(), &before);
}

/// Decision: a recorded path that is a directory on disk is a missing file (there is no file
/// of that name), and the files inside it are extra (spec/verify.md §4).
#[test]
fn fs_directory_where_a_file_is_expected() {
    let lab = Lab::new();
    let f = lab.dir.join("config.json");
    std::fs::remove_file(&f).unwrap();
    std::fs::create_dir(&f).unwrap();
    let (o, r) = lab.verify_dir(&lab.record);
    assert_only_failure(&o, &r, "tree", "missing", &["config.json"]);
    assert_eq!(r["tree"]["missing"], json!(["config.json"]));

    std::fs::write(f.join("inner"), b"{}").unwrap();
    let (o, r) = lab.verify_dir(&lab.record);
    assert_exit(&o, 1);
    assert_eq!(failures(&r), ["tree/missing", "tree/extra"], "{r:#}");
    assert_eq!(r["tree"]["extra"], json!(["config.json/inner"]));
}

// ---------------------------------------------------------------------------------------------
// JSON: size caps before parsing, duplicate keys, trailing data, nesting, surrogates, huge
// numbers, unknown fields.

/// A sparse file of `len` bytes: zeros, so not JSON, not a key. Refused by its size, it is
/// never parsed (otherwise the error would be a parse error).
fn oversized(path: &Path, len: usize) {
    std::fs::File::create(path)
        .unwrap()
        .set_len(len as u64 + 1)
        .unwrap();
}

#[test]
fn json_size_cap_record() {
    let lab = Lab::new();
    let big = lab.path("big.json");
    oversized(&big, sceau_core::dsse::MAX_ENVELOPE_BYTES);
    let before = snapshot(lab.t.path());
    for cmd in [
        vec!["verify", "--record", s(&big), "--key", s(&lab.public)],
        vec!["inspect", s(&big)],
        vec!["countersign", s(&big), "--key", s(&lab.key)],
    ] {
        let o = run(&cmd);
        assert_input_error(&o, &["big.json", "over the size limit of 67108864 bytes"]);
    }
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn json_size_cap_policy() {
    let lab = Lab::new();
    let big = lab.path("policy.json");
    oversized(&big, 2 << 20);
    let before = snapshot(lab.t.path());
    for cmd in [
        vec!["verify", "--record", s(&lab.record), "--policy", s(&big)],
        vec!["policy", "show", s(&big)],
        vec!["policy", "sign", s(&big), "--key", s(&lab.key)],
    ] {
        let o = run(&cmd);
        assert_input_error(&o, &["policy.json", "over the size limit of 2097152 bytes"]);
    }
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn json_size_cap_state() {
    let lab = Lab::new();
    let big = lab.path("state.json");
    oversized(&big, 16 << 20);
    let before = snapshot(lab.t.path());
    let o = run(&[
        "verify",
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--state",
        s(&big),
    ]);
    assert_input_error(&o, &["state.json", "over the size limit of 16777216 bytes"]);
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn json_size_cap_attestation() {
    let lab = Lab::new();
    let big = lab.path("att.json");
    oversized(&big, 4 << 20);
    let before = snapshot(lab.t.path());
    let o = run(&[
        "verify",
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--require",
        "mof-openness",
        "--attestation",
        s(&big),
    ]);
    assert_input_error(&o, &["att.json", "over the size limit of 4194304 bytes"]);
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn json_size_cap_claims_and_standard() {
    let lab = Lab::new();
    let claims = lab.path("claims.toml");
    oversized(&claims, 256 << 10);
    let std_file = lab.path("standard.json");
    oversized(&std_file, 1 << 20);
    let before = snapshot(lab.t.path());
    let out = lab.path("out.json");
    let o = run(&[
        "sign",
        s(&lab.dir),
        "--key",
        s(&lab.key),
        "-o",
        s(&out),
        "--claims",
        s(&claims),
    ]);
    assert_input_error(&o, &["claims.toml", "over the size limit of 262144 bytes"]);
    let o = run(&[
        "certify",
        s(&lab.record),
        "--key",
        s(&lab.key),
        "--standard",
        s(&std_file),
        "--requirement",
        "x",
        "--expires",
        "2027-01-01",
        "-o",
        s(&out),
    ]);
    assert_input_error(
        &o,
        &["standard.json", "over the size limit of 1048576 bytes"],
    );
    assert_unchanged(lab.t.path(), &before);
}

/// The lab folder signed again as `example-org/mirror`, a repackage of the lab's record, and
/// an empty store: (child record, store, the store entry the parent would have).
fn mirror_child(lab: &Lab) -> (PathBuf, PathBuf, PathBuf) {
    let child = lab.path("child.sceau.json");
    let spec = format!("{}:repackage", s(&lab.record));
    let o = run(&[
        "sign",
        s(&lab.dir),
        "--key",
        s(&lab.key),
        "-o",
        s(&child),
        "--name",
        "example-org/mirror",
        "--version",
        "1.0.0",
        "--parent",
        &spec,
        "-q",
    ]);
    assert_exit(&o, 0);
    let store = lab.path("store");
    std::fs::create_dir(&store).unwrap();
    let entry = store.join(format!("{}.json", record_digest(&lab.record)));
    (child, store, entry)
}

/// Verifies the mirror with `--store`: the parent is a rejected node whose lineage failure
/// names the store entry with `phrase`.
#[track_caller]
fn rejected_parent(lab: &Lab, child: &Path, store: &Path, entry: &Path, phrase: &str) {
    let (o, r) = lab.verify(None, child, &["--store", s(store)]);
    assert_exit(&o, 1);
    assert_eq!(
        failures(&r),
        ["lineage/invalid-record", "lineage/chain"],
        "{r:#}"
    );
    let d = detail(&r, "lineage", "invalid-record");
    assert!(d.contains(phrase) && d.contains(s(entry)), "{d}");
}

/// A parent record in the store over the record size limit is a rejected node, unread.
#[test]
fn json_size_cap_store_entry() {
    let lab = Lab::new();
    let (child, store, entry) = mirror_child(&lab);
    oversized(&entry, sceau_core::dsse::MAX_ENVELOPE_BYTES);
    rejected_parent(&lab, &child, &store, &entry, "too large to be a record");
}

/// A store entry that is a FIFO (never opened: it would block), a folder or a symlink is a
/// rejected node, named as not a regular file.
#[cfg(unix)]
#[test]
fn store_entry_that_is_not_a_regular_file() {
    let lab = Lab::new();
    let (child, store, entry) = mirror_child(&lab);
    assert!(Command::new("mkfifo")
        .arg(&entry)
        .status()
        .unwrap()
        .success());
    rejected_parent(&lab, &child, &store, &entry, "not a regular file");
    std::fs::remove_file(&entry).unwrap();
    std::fs::create_dir(&entry).unwrap();
    rejected_parent(&lab, &child, &store, &entry, "not a regular file");
    std::fs::remove_dir(&entry).unwrap();
    std::os::unix::fs::symlink(&lab.record, &entry).unwrap();
    rejected_parent(&lab, &child, &store, &entry, "not a regular file");
}

#[test]
fn json_duplicate_key_in_envelope() {
    let lab = Lab::new();
    let text = std::fs::read_to_string(&lab.record).unwrap();
    let dup = text.replacen(
        "\"payloadType\": \"application/vnd.in-toto+json\",",
        "\"payloadType\": \"application/vnd.in-toto+json\", \"payloadType\": \"text/plain\",",
        1,
    );
    assert_ne!(dup, text);
    let rec = lab.path("dup.json");
    std::fs::write(&rec, dup).unwrap();
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(
        &o,
        &r,
        "parse",
        "envelope",
        &["duplicate key \"payloadType\""],
    );
}

/// Duplicate keys are refused at every depth of the signed payload: two JSON parsers must not
/// read two records from one signed text (spec/record.md §2.1).
#[test]
fn json_duplicate_key_in_signed_payload() {
    let lab = Lab::new();
    let sha = lab.payload()["subject"][0]["digest"]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    for (from, to, key) in [
        (
            format!("{{\"sha256\":\"{sha}\"}}"),
            format!("{{\"sha256\":\"{}\",\"sha256\":\"{sha}\"}}", "0".repeat(64)),
            "sha256",
        ),
        (
            "\"bomFormat\":\"CycloneDX\"".to_owned(),
            "\"bomFormat\":\"CycloneDX\",\"bomFormat\":\"CycloneDX\"".to_owned(),
            "bomFormat",
        ),
        (
            "\"_type\":\"https://in-toto.io/Statement/v1\"".to_owned(),
            "\"_type\":\"https://in-toto.io/Statement/v1\",\"_type\":\"https://in-toto.io/Statement/v1\""
                .to_owned(),
            "_type",
        ),
    ] {
        let rec = lab.craft("dup.json", &edit_payload(&lab, &from, &to));
        let (o, r) = lab.verify_dir(&rec);
        assert_only_failure(
            &o,
            &r,
            "parse",
            "statement",
            &[&format!("duplicate key \"{key}\"")],
        );
    }
}

#[test]
fn json_trailing_data_after_the_envelope() {
    let lab = Lab::new();
    let mut text = std::fs::read(&lab.record).unwrap();
    text.extend_from_slice(b"{\"payloadType\":\"x\"}\n");
    let rec = lab.path("trailing.json");
    std::fs::write(&rec, text).unwrap();
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(&o, &r, "parse", "envelope", &["trailing characters"]);
}

#[test]
fn json_trailing_data_after_the_signed_payload() {
    let lab = Lab::new();
    let mut p = payload_of(&lab.record);
    p.extend_from_slice(b" {}");
    let rec = lab.craft("trailing.json", &p);
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(&o, &r, "parse", "statement", &["trailing characters"]);
}

/// Nesting deeper than serde_json's recursion limit (128) is refused, not a stack overflow:
/// in the envelope file and in a signed payload.
#[test]
fn json_deep_nesting() {
    let lab = Lab::new();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = std::fs::read_to_string(&lab.record).unwrap();
    let rec = lab.path("deep-envelope.json");
    std::fs::write(&rec, text.replacen('{', &format!("{{\"x\":{deep},"), 1)).unwrap();
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(&o, &r, "parse", "envelope", &["recursion limit exceeded"]);

    let p = edit_payload(
        &lab,
        "\"predicateType\":",
        &format!("\"x\":{deep},\"predicateType\":"),
    );
    let rec = lab.craft("deep-payload.json", &p);
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(&o, &r, "parse", "statement", &["recursion limit exceeded"]);
}

/// A lone UTF-16 surrogate escape (`"\ud800"`) has no UTF-8 form: refused wherever it is.
#[test]
fn json_lone_surrogate() {
    let lab = Lab::new();
    let p = edit_payload(
        &lab,
        "\"name\":\"example-org/tiny-llm\",\"version\"",
        "\"name\":\"example-org/tiny-llm\\ud800\",\"version\"",
    );
    let rec = lab.craft("surrogate.json", &p);
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(&o, &r, "parse", "statement", &["hex escape"]);

    let text = std::fs::read_to_string(&lab.record).unwrap();
    let id = key_id(&lab.public);
    let rec = lab.path("surrogate-keyid.json");
    std::fs::write(&rec, text.replacen(&id, "\\udc00", 1)).unwrap();
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(&o, &r, "parse", "envelope", &["surrogate"]);
}

#[test]
fn json_unknown_field_in_envelope() {
    let lab = Lab::new();
    let mut env = read_json(&lab.record);
    env["signatures"][0]["cert"] = "x".into();
    let rec = lab.path("unknown-sig.json");
    write_json(&rec, &env);
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(&o, &r, "parse", "envelope", &["unknown field `cert`"]);

    let mut env = read_json(&lab.record);
    env["payloadEncoding"] = "base64".into();
    write_json(&rec, &env);
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(
        &o,
        &r,
        "parse",
        "envelope",
        &["unknown field `payloadEncoding`"],
    );
}

/// Decision: unknown Statement fields are ignored, as the in-toto parsing rules require. This
/// is safe because they are signed like the rest, duplicate keys are refused at every depth
/// (no parser differential), and nothing sceau decides reads them: a look-alike field such as
/// `subjects` or a second `predicate` spelled differently names no file.
#[test]
fn json_unknown_statement_fields_are_ignored_and_signed() {
    let lab = Lab::new();
    let mut v = lab.payload();
    let map = v.as_object_mut().unwrap();
    map.insert(
        "subjects".into(),
        json!([{"name": "../../etc/passwd", "digest": {"sha256": "0".repeat(64)}}]),
    );
    map.insert("Predicate".into(), json!({"bomFormat": "CycloneDX"}));
    // CycloneDX fields sceau does not read are ignored in the BOM too.
    v["predicate"]["metadata"]["supplier"] = json!({"name": "someone else"});
    let rec = lab.craft_json("unknown-fields.json", &v);
    let (o, r) = lab.verify_dir(&rec);
    assert_exit(&o, 0);
    assert_eq!(r["tree"]["matched"], 9, "{r:#}");
    // They are covered by the signatures like every byte of the payload.
    let mut env = read_json(&rec);
    let again = sceau_core::dsse::pae(PAYLOAD_TYPE_INTOTO, &payload_of(&lab.record));
    assert_ne!(
        again,
        sceau_core::dsse::pae(PAYLOAD_TYPE_INTOTO, &payload_of(&rec))
    );
    env["payload"] = read_json(&lab.record)["payload"].clone();
    let swapped = lab.path("swapped.json");
    write_json(&swapped, &env);
    let (o, r) = lab.verify_dir(&swapped);
    assert_only_failure(&o, &r, "signature", "threshold", &["1 invalid signature"]);
}

// ---------------------------------------------------------------------------------------------
// Crafted policies: signed by their only maintainer, refused for their content (exit 2: a
// policy that is not a valid policy is an input error, spec/verify.md §1).

/// alice's public key line (`sceau-ed25519 …`).
fn key_line(public: &Path) -> String {
    std::fs::read_to_string(public).unwrap().trim().to_owned()
}

/// A policy payload text with alice as its one maintainer, threshold 1; `edit` changes it.
fn policy_text(lab: &Lab) -> String {
    json!({
        "_type": "https://sceau.dev/policy/v1",
        "version": 1,
        "expires": "2030-01-01T00:00:00Z",
        "threshold": 1,
        "maintainers": [{"name": "alice", "key": key_line(&lab.public)}],
        "revoked": [],
        "certifiers": [],
        "releases": []
    })
    .to_string()
}

/// Writes `t/NAME`: a policy envelope over `payload` signed by alice.
fn craft_policy(lab: &Lab, name: &str, payload: &str) -> PathBuf {
    let p = lab.path(name);
    std::fs::write(
        &p,
        envelope(POLICY_TYPE, payload.as_bytes(), &[&lab.secret()]),
    )
    .unwrap();
    p
}

/// `verify DIR --record R --policy P --at AT`, expecting a refusal of the policy naming it
/// and every phrase; nothing changes.
#[track_caller]
fn refused_policy(lab: &Lab, policy: &Path, phrases: &[&str]) {
    let before = snapshot(lab.t.path());
    let o = run(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--policy",
        s(policy),
        "--at",
        AT,
    ]);
    let mut all = vec![s(policy)];
    all.extend_from_slice(phrases);
    assert_input_error(&o, &all);
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn policy_crafted_baseline_verifies() {
    let lab = Lab::new();
    let p = craft_policy(&lab, "p.json", &policy_text(&lab));
    let o = run(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--policy",
        s(&p),
        "--at",
        AT,
    ]);
    assert_exit(&o, 0);
}

#[test]
fn json_duplicate_key_in_policy() {
    let lab = Lab::new();
    let text = policy_text(&lab).replacen("\"threshold\":1", "\"threshold\":1,\"threshold\":1", 1);
    let p = craft_policy(&lab, "p.json", &text);
    refused_policy(&lab, &p, &["malformed", "duplicate field `threshold`"]);
    let text = policy_text(&lab).replacen(
        "{\"name\":\"alice\"",
        "{\"name\":\"alice\",\"name\":\"mallory\"",
        1,
    );
    let p = craft_policy(&lab, "p2.json", &text);
    refused_policy(&lab, &p, &["malformed", "duplicate field `name`"]);
}

#[test]
fn json_unknown_field_in_policy() {
    let lab = Lab::new();
    let text = policy_text(&lab).replacen(
        "\"threshold\":1",
        "\"threshold\":1,\"not_before\":\"2020-01-01T00:00:00Z\"",
        1,
    );
    let p = craft_policy(&lab, "p.json", &text);
    refused_policy(&lab, &p, &["malformed", "unknown field `not_before`"]);
}

#[test]
fn json_trailing_data_and_deep_nesting_in_policy() {
    let lab = Lab::new();
    let p = craft_policy(&lab, "p.json", &format!("{} {{}}", policy_text(&lab)));
    refused_policy(&lab, &p, &["malformed", "trailing characters"]);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = policy_text(&lab).replacen("\"revoked\":[]", &format!("\"revoked\":{deep}"), 1);
    let p = craft_policy(&lab, "p2.json", &text);
    // Typed fields bound the depth: the first nested array is already the wrong type.
    refused_policy(&lab, &p, &["malformed", "invalid type: sequence"]);
}

#[test]
fn json_lone_surrogate_in_policy() {
    let lab = Lab::new();
    let text = policy_text(&lab).replacen("{\"name\":\"alice\"", "{\"name\":\"al\\ud800ice\"", 1);
    let p = craft_policy(&lab, "p.json", &text);
    refused_policy(&lab, &p, &["malformed", "hex escape"]);
}

/// Versions and thresholds are JSON integers that fit 64 bits: 2^64 and 1e400 are refused as
/// malformed, not rounded, wrapped or saturated.
#[test]
fn json_huge_integers_in_policy() {
    let lab = Lab::new();
    for (field, value) in [
        ("version", "18446744073709551616"),
        ("version", "1e400"),
        ("version", "1.0"),
        ("version", "-1"),
        ("threshold", "18446744073709551617"),
        ("threshold", "1e400"),
    ] {
        let text = policy_text(&lab).replacen(
            &format!("\"{field}\":1"),
            &format!("\"{field}\":{value}"),
            1,
        );
        let p = craft_policy(&lab, "p.json", &text);
        refused_policy(&lab, &p, &["malformed"]);
    }
}

#[test]
fn envelope_policy_threshold_zero_or_above_n() {
    let lab = Lab::new();
    for value in ["0", "2"] {
        let text =
            policy_text(&lab).replacen("\"threshold\":1", &format!("\"threshold\":{value}"), 1);
        let p = craft_policy(&lab, "p.json", &text);
        refused_policy(
            &lab,
            &p,
            &[
                &format!("threshold {value}"),
                "between 1 and the 1 non-revoked",
            ],
        );
    }
}

/// One key under two maintainers, written in two encodings, would let one signer count twice.
#[test]
fn envelope_policy_one_key_listed_twice_in_two_encodings() {
    let lab = Lab::new();
    let o = run(&["key", "show", s(&lab.public), "--json"]);
    assert_exit(&o, 0);
    let ssh = serde_json::from_str::<Value>(&stdout(&o)).unwrap()["openssh"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = policy_text(&lab).replacen(
        "}],\"revoked\"",
        &format!("}},{{\"name\":\"alice-again\",\"key\":\"{ssh}\"}}],\"revoked\""),
        1,
    );
    let p = craft_policy(&lab, "p.json", &text);
    refused_policy(
        &lab,
        &p,
        &[&key_id(&lab.public), "\"alice\"", "\"alice-again\""],
    );
}

// ---------------------------------------------------------------------------------------------
// State files (spec/policy.md §8.1): read only once everything else passed, refused as input
// errors (exit 2), never rewritten when refused.

/// A state entry for NAME.
fn state_entry(version: &str) -> String {
    format!(
        "{{\"version\":\"{version}\",\"payload_sha256\":\"{}\",\"accepted_at\":\"2026-01-01T00:00:00Z\"}}",
        "ab".repeat(32)
    )
}

/// `verify DIR --record R --key PUB --at AT --state STATE` with `state` as the state file's
/// text: refused naming the state file and every phrase, the file left as it was.
#[track_caller]
fn refused_state(state: &str, phrases: &[&str]) {
    let lab = Lab::new();
    let p = lab.path("state.json");
    std::fs::write(&p, state).unwrap();
    let before = snapshot(lab.t.path());
    let o = run(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--at",
        AT,
        "--state",
        s(&p),
    ]);
    let mut all = vec![s(&p)];
    all.extend_from_slice(phrases);
    assert_input_error(&o, &all);
    assert_unchanged(lab.t.path(), &before);
}

const STATE_TYPE: &str = "\"_type\":\"https://sceau.dev/state/v1\"";

#[test]
fn json_duplicate_key_in_state() {
    let e = state_entry("1.0.0");
    refused_state(
        &format!("{{{STATE_TYPE},\"releases\":{{\"{NAME}\":{e},\"{NAME}\":{e}}}}}"),
        &["malformed", "appears twice"],
    );
    refused_state(
        &format!(
            "{{{STATE_TYPE},\"releases\":{{\"{NAME}\":{}}}}}",
            e.replacen("{", "{\"version\":\"9.9\",", 1)
        ),
        &["malformed", "duplicate field `version`"],
    );
    refused_state(
        &format!("{{{STATE_TYPE},{STATE_TYPE},\"releases\":{{}}}}"),
        &["malformed", "duplicate field `_type`"],
    );
}

#[test]
fn json_unknown_field_trailing_data_and_surrogates_in_state() {
    let e = state_entry("1.0.0");
    refused_state(
        &format!("{{{STATE_TYPE},\"releases\":{{}},\"pinned\":true}}"),
        &["malformed", "unknown field `pinned`"],
    );
    refused_state(
        &format!("{{{STATE_TYPE},\"releases\":{{}}}} []"),
        &["malformed", "trailing characters"],
    );
    refused_state(
        &format!("{{{STATE_TYPE},\"releases\":{{\"{NAME}\\ud800\":{e}}}}}"),
        &["malformed", "hex escape"],
    );
}

/// Versions in a state file are checked as in a record: a number over 2^64 − 1 is refused;
/// a JSON number where a string belongs is malformed.
#[test]
fn json_huge_versions_in_state() {
    refused_state(
        &format!(
            "{{{STATE_TYPE},\"releases\":{{\"{NAME}\":{}}}}}",
            state_entry("18446744073709551616")
        ),
        &["release version \"18446744073709551616\" is refused"],
    );
    refused_state(
        &format!(
            "{{{STATE_TYPE},\"releases\":{{\"{NAME}\":{}}}}}",
            state_entry("1.0").replacen("\"1.0\"", "1e400", 1)
        ),
        &["malformed"],
    );
}

// ---------------------------------------------------------------------------------------------
// Standards and attestations (spec/attestations.md §1.3, §3.2).

fn standard_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/standards")
        .join(name)
}

#[test]
fn json_duplicate_key_in_standard() {
    let lab = Lab::new();
    let text = std::fs::read_to_string(standard_file("mof-openness.json")).unwrap();
    let dup = text.replacen('{', "{\"id\":\"other-standard\",", 1);
    let std_file = lab.path("std.json");
    std::fs::write(&std_file, dup).unwrap();
    let out = lab.path("att.json");
    let before = snapshot(lab.t.path());
    let o = run(&[
        "certify",
        s(&lab.record),
        "--key",
        s(&lab.key),
        "--standard",
        s(&std_file),
        "--requirement",
        "class-iii",
        "--expires",
        "2027-01-01",
        "-o",
        s(&out),
    ]);
    assert_input_error(&o, &["std.json", "duplicate key \"id\""]);
    assert_unchanged(lab.t.path(), &before);
}

/// An attestation whose signed payload repeats a key is malformed, even though its certifier
/// signed it: the requirement it would satisfy fails.
#[test]
fn json_duplicate_key_in_attestation() {
    let lab = Lab::new();
    let (auditor_key, auditor) = keygen(lab.t.path(), "auditor");
    let policy = lab.path("p.json");
    let cert = format!("auditor={}:mof-openness", s(&auditor));
    let o = run(&[
        "policy",
        "init",
        "--maintainer",
        s(&lab.public),
        "--certifier",
        &cert,
        "--expires",
        "2030-01-01",
        "--key",
        s(&lab.key),
        "-o",
        s(&policy),
    ]);
    assert_exit(&o, 0);
    let att = lab.path("att.json");
    let o = run(&[
        "certify",
        s(&lab.record),
        "--key",
        s(&auditor_key),
        "--standard",
        s(&standard_file("mof-openness.json")),
        "--requirement",
        "class-iii",
        "--expires",
        "2027-01-01",
        "-o",
        s(&att),
    ]);
    assert_exit(&o, 0);
    let verify = |a: &Path| {
        lab.verify(
            None,
            &lab.record,
            &[
                "--policy",
                s(&policy),
                "--require",
                "mof-openness:class-iii",
                "--attestation",
                s(a),
            ],
        )
    };
    // The genuine one passes, with the same crafting path (re-signed by the auditor).
    let text = String::from_utf8(payload_of(&att)).unwrap();
    let good = lab.path("good.json");
    std::fs::write(
        &good,
        envelope(
            PAYLOAD_TYPE_INTOTO,
            text.as_bytes(),
            &[&secret_key(&auditor_key)],
        ),
    )
    .unwrap();
    let (o, _) = verify(&good);
    assert_exit(&o, 0);

    let record = format!("sha256:{}", record_digest(&lab.record));
    let dup = text.replacen(
        &format!("\"value\":\"{record}\""),
        &format!(
            "\"value\":\"{record}\",\"value\":\"sha256:{}\"",
            "0".repeat(64)
        ),
        1,
    );
    assert_ne!(dup, text);
    let bad = lab.path("dup.json");
    std::fs::write(
        &bad,
        envelope(
            PAYLOAD_TYPE_INTOTO,
            dup.as_bytes(),
            &[&secret_key(&auditor_key)],
        ),
    )
    .unwrap();
    let (o, r) = verify(&bad);
    assert_exit(&o, 1);
    assert_eq!(
        failures(&r),
        [
            "claims/attestation",
            "claims/require:mof-openness:class-iii"
        ],
        "{r:#}"
    );
    let d = detail(&r, "claims", "attestation");
    assert!(d.contains("duplicate key \"value\""), "{d}");
}

// ---------------------------------------------------------------------------------------------
// Envelopes and signatures.

#[test]
fn envelope_missing_payload_type() {
    let lab = Lab::new();
    let mut env = read_json(&lab.record);
    env.as_object_mut().unwrap().remove("payloadType");
    let rec = lab.path("no-type.json");
    write_json(&rec, &env);
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(
        &o,
        &r,
        "parse",
        "envelope",
        &["missing field `payloadType`"],
    );
}

/// The payload type is compared byte for byte, before the payload is read: a validly signed
/// envelope whose type differs only by case is refused.
#[test]
fn envelope_case_changed_payload_type_even_when_signed() {
    let lab = Lab::new();
    let rec = lab.path("case.json");
    std::fs::write(
        &rec,
        envelope(
            "application/vnd.in-toto+JSON",
            &payload_of(&lab.record),
            &[&lab.secret()],
        ),
    )
    .unwrap();
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(
        &o,
        &r,
        "parse",
        "payload-type",
        &[
            "\"application/vnd.in-toto+JSON\"",
            "application/vnd.in-toto+json",
        ],
    );
}

/// Only the four DSSE base64 forms are read (spec/record.md §1.4); they carry the same record.
#[test]
fn envelope_bad_base64() {
    let lab = Lab::new();
    let env = read_json(&lab.record);
    let payload = env["payload"].as_str().unwrap().to_owned();
    let sig = env["signatures"][0]["sig"].as_str().unwrap().to_owned();
    let rec = lab.path("b64.json");
    let try_with = |p: &str, s: &str| {
        let mut e = env.clone();
        e["payload"] = p.into();
        e["signatures"][0]["sig"] = s.into();
        write_json(&rec, &e);
        lab.verify_dir(&rec)
    };
    let url = |x: &str| x.replace('+', "-").replace('/', "_");
    for (p, s) in [
        (url(&payload), sig.clone()),
        (
            payload.trim_end_matches('=').to_owned(),
            url(sig.trim_end_matches('=')),
        ),
    ] {
        let (o, _) = try_with(&p, &s);
        assert_exit(&o, 0);
    }
    let (head, tail) = payload.split_at(40);
    // Both alphabets in one string, length kept: neither decoder reads it.
    let mut mixed = payload.clone().into_bytes();
    mixed[10] = b'-';
    mixed[20] = b'+';
    let mixed = String::from_utf8(mixed).unwrap();
    for bad in [
        format!("{head}\n{tail}"),
        format!("{head} {tail}"),
        format!("{payload}="),
        format!("{payload}!"),
        mixed,
    ] {
        let (o, r) = try_with(&bad, &sig);
        assert_only_failure(
            &o,
            &r,
            "parse",
            "envelope",
            &["field payload is not valid base64"],
        );
    }
    let (o, r) = try_with(&payload, "%%%%");
    assert_only_failure(
        &o,
        &r,
        "parse",
        "envelope",
        &["field sig is not valid base64"],
    );
}

/// Replaces alice's signature bytes with `f(bytes)`, keeping her keyid.
fn with_sig_bytes(lab: &Lab, name: &str, f: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut env = read_json(&lab.record);
    let mut sig = b64_decode(env["signatures"][0]["sig"].as_str().unwrap());
    f(&mut sig);
    env["signatures"][0]["sig"] = crate::sign_verify::b64_encode(&sig).into();
    let rec = lab.path(name);
    write_json(&rec, &env);
    rec
}

#[test]
fn envelope_signature_length_not_64() {
    let lab = Lab::new();
    for (name, f) in [
        (
            "short.json",
            (|s: &mut Vec<u8>| s.truncate(63)) as fn(&mut Vec<u8>),
        ),
        ("long.json", |s| s.push(0)),
        ("empty.json", |s| s.clear()),
        ("doubled.json", |s| s.extend(s.clone())),
    ] {
        let rec = with_sig_bytes(&lab, name, f);
        let (o, r) = lab.verify_dir(&rec);
        assert_only_failure(
            &o,
            &r,
            "signature",
            "threshold",
            &["below threshold", "0 of 1", "1 invalid signature"],
        );
    }
}

/// The group order ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// S + ℓ is the same scalar mod ℓ, so a lax verifier accepts it: a second valid-looking
/// signature made without the key (malleability). `verify_strict` refuses S ≥ ℓ.
#[test]
fn envelope_s_not_below_l() {
    let lab = Lab::new();
    let rec = with_sig_bytes(&lab, "s-plus-l.json", |sig| {
        let mut carry = 0u16;
        for i in 0..32 {
            let v = u16::from(sig[32 + i]) + u16::from(ELL[i]) + carry;
            sig[32 + i] = v as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0);
    });
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(
        &o,
        &r,
        "signature",
        "threshold",
        &["0 of 1", "1 invalid signature"],
    );
}

/// R of small order (the identity, the point of order 2): the classic forgery under a weak key.
/// Weak keys are refused at load (keys.rs); under a sound key such signatures do not verify.
#[test]
fn envelope_small_order_r() {
    let lab = Lab::new();
    let mut order2 = [0xffu8; 32];
    order2[0] = 0xec;
    order2[31] = 0x7f;
    let mut identity = [0u8; 32];
    identity[0] = 1;
    for r_bytes in [identity, order2] {
        for s_zero in [false, true] {
            let rec = with_sig_bytes(&lab, "small-r.json", |sig| {
                sig[..32].copy_from_slice(&r_bytes);
                if s_zero {
                    sig[32..].fill(0);
                }
            });
            let (o, r) = lab.verify_dir(&rec);
            assert_only_failure(&o, &r, "signature", "threshold", &["1 invalid signature"]);
        }
    }
}

/// The payload that verifies is the exact bytes signed: the same JSON re-encoded (pretty, or
/// with its keys re-ordered) means the same to a JSON reader but is not signed.
#[test]
fn envelope_reencoded_payload_does_not_verify() {
    let lab = Lab::new();
    let v = lab.payload();
    let mut sorted = serde_json::Map::new();
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys.reverse();
    for k in keys {
        sorted.insert(k.clone(), v[&k].clone());
    }
    for same_meaning in [
        serde_json::to_vec_pretty(&v).unwrap(),
        serde_json::to_vec(&Value::Object(sorted)).unwrap(),
        {
            let mut p = payload_of(&lab.record);
            p.push(b'\n');
            p
        },
    ] {
        assert_ne!(same_meaning, payload_of(&lab.record));
        let mut env = read_json(&lab.record);
        env["payload"] = crate::sign_verify::b64_encode(&same_meaning).into();
        let rec = lab.path("reencoded.json");
        write_json(&rec, &env);
        let (o, r) = lab.verify_dir(&rec);
        assert_only_failure(
            &o,
            &r,
            "signature",
            "threshold",
            &["0 of 1", "1 invalid signature"],
        );
    }
}

#[test]
fn envelope_empty_signatures() {
    let lab = Lab::new();
    let mut env = read_json(&lab.record);
    env["signatures"] = json!([]);
    let rec = lab.path("unsigned.json");
    write_json(&rec, &env);
    let (o, r) = lab.verify_dir(&rec);
    let d = assert_only_failure(
        &o,
        &r,
        "signature",
        "threshold",
        &["below threshold", "0 of 1"],
    );
    assert!(d.contains("(none)"), "{d}");
    assert_eq!(r["tree"], Value::Null);
}

/// A `keyid` naming another trusted key borrows nothing: alice's signature labelled with
/// bob's key id does not count for bob.
#[test]
fn envelope_keyid_pointing_at_another_key() {
    let lab = Lab::new();
    let (_, bob) = keygen(lab.t.path(), "bob");
    let mut env = read_json(&lab.record);
    env["signatures"][0]["keyid"] = key_id(&bob).into();
    let rec = lab.path("borrowed.json");
    write_json(&rec, &env);
    let before = snapshot(lab.t.path());
    let o = run(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&rec),
        "--key",
        s(&bob),
        "--json",
    ]);
    let r = report_of(&o);
    assert_only_failure(
        &o,
        &r,
        "signature",
        "threshold",
        &["below threshold", "0 of 1", "1 invalid signature"],
    );
    assert_unchanged(lab.t.path(), &before);
    // Under alice's own key it still counts, for alice.
    let (o, r) = lab.verify_dir(&rec);
    assert_exit(&o, 0);
    assert_eq!(r["signers"][0]["key_id"], key_id(&lab.public).as_str());
}

// ---------------------------------------------------------------------------------------------
// Freshness.

/// Signs the lab folder as NAME `version` into `t/FILE`.
fn sign_version(lab: &Lab, version: &str, file: &str) -> PathBuf {
    let out = lab.path(file);
    crate::sign_verify::sign_as(&lab.dir, &lab.key, &out, version);
    out
}

/// 2^63 and 2^64 − 1 are versions like any other (numbers up to 2^64 − 1 compare): once
/// accepted, a lower version is a rollback. A signer who publishes such a version pins the
/// name there for every verifier that keeps state: that is the signer's power, not a bug.
#[test]
fn freshness_version_2_pow_63() {
    let lab = Lab::new();
    let state = lab.path("state.json");
    for v in ["9223372036854775808", "18446744073709551615"] {
        let rec = sign_version(&lab, v, &format!("{v}.json"));
        let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--state", s(&state)]);
        assert_exit(&o, 0);
        assert!(detail(&r, "freshness", "rollback").contains(v), "{r:#}");
    }
    let accepted = std::fs::read(&state).unwrap();
    let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &["--state", s(&state)]);
    assert_only_failure(
        &o,
        &r,
        "freshness",
        "rollback",
        &["1.0.0", "18446744073709551615", "rollback refused"],
    );
    assert_eq!(std::fs::read(&state).unwrap(), accepted);
}

/// A version number above 2^64 − 1 is refused, not wrapped or saturated: it would otherwise
/// compare as some other version.
#[test]
fn freshness_version_2_pow_64() {
    let lab = Lab::new();
    let state = lab.path("state.json");
    for v in [
        "18446744073709551616",
        "1.18446744073709551616",
        "1.0-rc18446744073709551616",
    ] {
        let rec = sign_version(&lab, v, "big.json");
        let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--state", s(&state)]);
        assert_only_failure(
            &o,
            &r,
            "freshness",
            "rollback",
            &[&format!("release version \"{v}\" is refused")],
        );
        assert!(!state.exists(), "a state was written");
        std::fs::remove_file(&rec).unwrap();
    }
}

/// `1e400` is not of the comparable form: accepted as a first version (trust on first use),
/// then any different version is incomparable and refused, never ordered by accident.
#[test]
fn freshness_version_1e400() {
    let lab = Lab::new();
    let state = lab.path("state.json");
    let rec = sign_version(&lab, "1e400", "e400.json");
    let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--state", s(&state)]);
    assert_exit(&o, 0);
    assert!(detail(&r, "freshness", "rollback").contains("first accepted"));
    let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &["--state", s(&state)]);
    assert_only_failure(
        &o,
        &r,
        "freshness",
        "rollback",
        &["1e400", "1.0.0", "remove"],
    );
}

/// A record signed with its clock (here SOURCE_DATE_EPOCH) in 2100 fails the signing-time
/// check, with `--at` and with the real clock.
#[test]
fn freshness_signing_time_in_the_future() {
    let lab = Lab::new();
    let rec = lab.path("future.json");
    let o = run_env(
        &[
            "sign",
            s(&lab.dir),
            "--key",
            s(&lab.key),
            "-o",
            s(&rec),
            "--name",
            NAME,
            "--version",
            "1.0.0",
            "-q",
        ],
        &[("SOURCE_DATE_EPOCH", "4102444800")],
    );
    assert_exit(&o, 0);
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(
        &o,
        &r,
        "freshness",
        "signing-time",
        &["2100-01-01T00:00:00Z", "is in the future", "2026-06-01"],
    );
    let before = snapshot(lab.t.path());
    let o = run(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&rec),
        "--key",
        s(&lab.public),
        "--json",
    ]);
    let r = report_of(&o);
    assert_only_failure(&o, &r, "freshness", "signing-time", &["is in the future"]);
    assert_unchanged(lab.t.path(), &before);
}

// ---------------------------------------------------------------------------------------------
// Lineage and claims.

/// Decision: a child naming version 1.0 of its parent, when the state has accepted 2.0 of
/// that parent, verifies. A parent is named by the digest of its payload: the child derives
/// from that exact record, which a newer version of the parent does not change. The state
/// guards the release being verified, never its ancestors, and is not changed for them.
#[test]
fn lineage_rolled_back_parent_is_history_not_a_rollback() {
    let (t, base_dir) = fixture(sceau_fixtures::lineage::base_a);
    let (key, public) = keygen(t.path(), "alice");
    let sign = |dir: &Path, name: &str, version: &str, out: &str, parent: Option<&Path>| {
        let out = t.path().join(out);
        let spec = parent.map(|p| format!("{}:finetune", s(p)));
        let mut a = vec![
            "sign",
            s(dir),
            "--key",
            s(&key),
            "-o",
            s(&out),
            "--name",
            name,
            "--version",
            version,
            "-q",
        ];
        if let Some(sp) = &spec {
            a.extend(["--parent", sp.as_str()]);
        }
        assert_exit(&run(&a), 0);
        out
    };
    let base = sceau_fixtures::lineage::BASE_A_NAME;
    let base_v1 = sign(&base_dir, base, "1.0", "base-1.sceau.json", None);
    let base_v2 = sign(&base_dir, base, "2.0", "base-2.sceau.json", None);
    let ft_dir = t.path().join("ft");
    std::fs::create_dir(&ft_dir).unwrap();
    sceau_fixtures::lineage::finetune_b(&ft_dir).unwrap();
    let child = sign(
        &ft_dir,
        sceau_fixtures::lineage::FINETUNE_B_NAME,
        "1.0",
        "ft.sceau.json",
        Some(&base_v1),
    );
    let store = t.path().join("store");
    assert_exit(
        &run(&[
            "store",
            "add",
            "--store",
            s(&store),
            s(&base_v1),
            s(&base_v2),
        ]),
        0,
    );
    let state = t.path().join("state.json");
    let verify = |rec: &Path, dir: &Path| {
        let o = run(&[
            "verify",
            s(dir),
            "--record",
            s(rec),
            "--key",
            s(&public),
            "--store",
            s(&store),
            "--state",
            s(&state),
            "--at",
            AT,
            "--json",
        ]);
        let r = report_of(&o);
        (o, r)
    };
    let (o, _) = verify(&base_v2, &base_dir);
    assert_exit(&o, 0);
    let (o, r) = verify(&child, &ft_dir);
    assert_exit(&o, 0);
    let parent = &r["lineage"]["nodes"][record_digest(&base_v1)];
    assert_eq!(parent["status"]["state"], "verified", "{r:#}");
    let st = read_json(&state);
    assert_eq!(st["releases"][base]["version"], "2.0");
    assert_eq!(
        st["releases"][sceau_fixtures::lineage::FINETUNE_B_NAME]["version"],
        "1.0"
    );
    // The parent's old record verified by itself is a rollback, as it should be.
    let (o, r) = verify(&base_v1, &base_dir);
    assert_only_failure(
        &o,
        &r,
        "freshness",
        "rollback",
        &["1.0", "2.0", "rollback refused"],
    );
}

/// Claiming open data (MOF Class I, OSI open source) with no dataset anywhere — none in the
/// claims, none in the card, no data file — fails as open washing naming the datasets.
#[test]
fn claims_open_data_without_datasets() {
    let (t, d) = fixture(sceau_fixtures::open_science);
    std::fs::remove_dir_all(d.join("data")).unwrap();
    let card = d.join("README.md");
    let text = std::fs::read_to_string(&card).unwrap();
    let stripped = text.replace(
        "datasets:\n- example-org/open-corpus\n- example-org/open-eval\n",
        "",
    );
    assert_ne!(stripped, text, "the fixture card changed: update this test");
    std::fs::write(&card, stripped).unwrap();
    let claims = std::fs::read_to_string(d.join("claims.toml")).unwrap();
    let (a, b) = (
        claims.find("[[datasets]]").unwrap(),
        claims.find("[[evaluation]]").unwrap(),
    );
    let no_data = t.path().join("claims.toml");
    std::fs::write(&no_data, format!("{}{}", &claims[..a], &claims[b..])).unwrap();
    std::fs::remove_file(d.join("claims.toml")).unwrap();
    let (key, public) = keygen(t.path(), "alice");
    let rec = t.path().join("r.sceau.json");
    let o = run(&[
        "sign",
        s(&d),
        "--key",
        s(&key),
        "-o",
        s(&rec),
        "--name",
        "example-org/open",
        "--version",
        "1.0",
        "--claims",
        s(&no_data),
        "-q",
    ]);
    assert_exit(&o, 0);
    let before = snapshot(t.path());
    let o = run(&[
        "verify",
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&public),
        "--json",
    ]);
    let r = report_of(&o);
    assert_only_failure(
        &o,
        &r,
        "claims",
        "openness",
        &[
            "open washing",
            "datasets (datasets): not in the record",
            "no training data is listed",
        ],
    );
    assert_unchanged(t.path(), &before);
}

// ---------------------------------------------------------------------------------------------
// Keys.

/// A key file cut short, in every encoding sceau reads, is refused naming the file, and
/// nothing is signed.
#[test]
fn keys_truncated_key_files() {
    let lab = Lab::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
    let plain_secret = std::fs::read_to_string(&lab.key).unwrap();
    let cases: Vec<(&str, String, bool)> = vec![
        ("sceau.key", plain_secret.clone(), true),
        (
            "sceau-encrypted.key",
            std::fs::read_to_string(data.join("sceau-test.key")).unwrap(),
            true,
        ),
        (
            "openssh",
            std::fs::read_to_string(data.join("ssh-ed25519")).unwrap(),
            true,
        ),
        (
            "pkcs8.pem",
            std::fs::read_to_string(data.join("openssl-ed25519.pem")).unwrap(),
            true,
        ),
        (
            "sceau.pub",
            std::fs::read_to_string(&lab.public).unwrap(),
            false,
        ),
        (
            "ssh.pub",
            std::fs::read_to_string(data.join("ssh-ed25519.pub")).unwrap(),
            false,
        ),
        (
            "spki.pem",
            std::fs::read_to_string(data.join("openssl-ed25519.pub.pem")).unwrap(),
            false,
        ),
    ];
    let out = lab.path("out.json");
    for (name, text, secret) in cases {
        // Cuts inside the key material (a cut inside a trailing comment is no truncation).
        for cut in [text.len() / 2, 30, 12] {
            let f = lab.path(name);
            std::fs::write(&f, &text.as_bytes()[..cut]).unwrap();
            let before = snapshot(lab.t.path());
            let o = if secret {
                run_env(
                    &["sign", s(&lab.dir), "--key", s(&f), "-o", s(&out), "-q"],
                    &[("SCEAU_PASSPHRASE", "sceau test passphrase")],
                )
            } else {
                run(&["verify", "--record", s(&lab.record), "--key", s(&f)])
            };
            let e = assert_input_error(&o, &[name]);
            if name.starts_with("sceau") && name.ends_with(".key") && cut == 30 {
                // Cut inside the `algorithm:` line: truncated, not a wrong algorithm.
                assert!(e.contains("truncated: algorithm"), "{e}");
            }
            assert!(
                ["truncated", "malformed", "not a key sceau can read"]
                    .iter()
                    .any(|w| e.contains(w)),
                "{name} cut at {cut}: {e}"
            );
            assert_unchanged(lab.t.path(), &before);
            std::fs::remove_file(&f).unwrap();
        }
    }
}

/// Every input file (key, record, policy, state, attestation, claims, standard) is read as a
/// regular file of bounded size: a FIFO is refused without blocking, a device (here
/// `/dev/zero`, which never ends) without being read.
#[cfg(unix)]
#[test]
fn fs_fifo_or_device_given_as_an_input_file() {
    let lab = Lab::new();
    let fifo = lab.path("key.fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let zero = lab.path("zero");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let out = lab.path("out.json");
    for f in [&fifo, &zero] {
        let before = snapshot(lab.t.path());
        for cmd in [
            vec!["key", "show", s(f)],
            vec!["verify", "--record", s(&lab.record), "--key", s(f)],
            vec!["sign", s(&lab.dir), "--key", s(f), "-o", s(&out)],
            vec!["policy", "show", s(f)],
            vec!["verify", "--record", s(f), "--key", s(&lab.public)],
            vec!["inspect", s(f)],
            vec!["verify", "--record", s(&lab.record), "--policy", s(f)],
            vec![
                "verify",
                "--record",
                s(&lab.record),
                "--key",
                s(&lab.public),
                "--state",
                s(f),
            ],
            vec![
                "verify",
                "--record",
                s(&lab.record),
                "--key",
                s(&lab.public),
                "--require",
                "mof-openness",
                "--attestation",
                s(f),
            ],
            vec![
                "sign",
                s(&lab.dir),
                "--key",
                s(&lab.key),
                "-o",
                s(&out),
                "--claims",
                s(f),
            ],
            vec![
                "certify",
                s(&lab.record),
                "--key",
                s(&lab.key),
                "--standard",
                s(f),
                "--requirement",
                "x",
                "--expires",
                "2027-01-01",
                "-o",
                s(&out),
            ],
        ] {
            let o = run(&cmd);
            assert_input_error(&o, &[s(f), "not a regular file"]);
        }
        assert_unchanged(lab.t.path(), &before);
    }
}

// ---------------------------------------------------------------------------------------------
// What sceau prints.

/// Strings from a record (release name and version, key ids) are shown with control
/// characters escaped: a record, verified or not, cannot drive the terminal.
#[test]
fn output_control_characters_from_records_are_escaped() {
    let lab = Lab::new();
    let evil = "example-org/tiny-llm\u{1b}]0;pwned\u{7}\u{1b}[2J";
    let escaped = serde_json::to_string(evil).unwrap();
    let escaped = &escaped[1..escaped.len() - 1];
    let text = String::from_utf8(payload_of(&lab.record)).unwrap();
    let p = text.replace("\"example-org/tiny-llm\"", &format!("\"{escaped}\""));
    assert_eq!(p.matches(escaped).count(), 2, "name and sceau:release.name");
    let p = p.replacen("\"1.0.0\"", "\"1.0.0\\u001b[31m\"", 1);
    let rec = lab.craft("evil.json", p.as_bytes());
    let mut env = read_json(&rec);
    env["signatures"][0]["keyid"] = "\u{1b}[2Jkeyid".into();
    write_json(&rec, &env);
    // A key comment is display text from a file: it is escaped too.
    let evil_pub = lab.path("evil.pub");
    std::fs::write(
        &evil_pub,
        format!("{} \u{1b}[2Jmallory\u{7}\n", key_line(&lab.public)),
    )
    .unwrap();
    for cmd in [
        vec![
            "verify",
            s(&lab.dir),
            "--record",
            s(&rec),
            "--key",
            s(&evil_pub),
        ],
        vec!["inspect", s(&rec)],
        vec!["key", "show", s(&evil_pub)],
    ] {
        let o = run(&cmd);
        assert!(code(&o) <= 1, "{}", stderr(&o));
        for (what, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            assert!(
                !bytes.contains(&0x1b) && !bytes.contains(&0x07),
                "{cmd:?} {what} holds a raw control character:\n{}",
                String::from_utf8_lossy(bytes).escape_debug()
            );
        }
        let out = stdout(&o);
        assert!(
            out.contains("tiny-llm\\u{1b}") || out.contains("mallory"),
            "{out}"
        );
    }
}
