//! The bad-input catalogue (issue 7; SECURITY.md "The bad-input catalogue"): every way a file
//! sceau reads can be hostile, one test per case, in one module with one file per area. Each
//! test asserts the exit code, one clear error naming the path, key or field (exit 2), or for a
//! failed verification (exit 1) that the named check is the only one failed, its detail naming
//! the path, key or field; no panic; and that nothing was created or changed (a snapshot of the
//! whole temporary folder, contents hashed, before and after).
//!
//! Records with contents `sceau sign` would never write (bad subject names, duplicate keys,
//! lone surrogates…) are built here: the payload is written by hand and signed with
//! `sceau_sign::countersign` under a key the verifier trusts, so that only the rule under test
//! can refuse it.
//!
//! Every run here has SOURCE_DATE_EPOCH = 2026-01-01T00:00:00Z, so every record and attestation
//! is signed at that time, and verifications run `--at` [`AT`] (2026-06-01) unless a case says
//! otherwise.
#[cfg(unix)]
mod bounds;
mod envelope;
mod freshness;
mod fs;
#[cfg(unix)]
mod hf_cache;
mod json;
mod keys;
mod lineage;
mod names;
mod output;
mod tree;
#[cfg(unix)]
mod write;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sceau_core::dsse::{Envelope, PAYLOAD_TYPE_INTOTO};
use sceau_sign::SecretKey;
use serde_json::{json, Value};

use crate::common::*;
use crate::sign_verify::{
    b64_decode, b64_encode, key_id, keygen, payload_of, read_json, write_json, AT, NAME,
};

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
// A signed release, and records, policies and attestations crafted under its keys.

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
    /// gives `--policy` or its own `--key`, no `--at AT` when it gives its own `--at`), with a
    /// snapshot of the whole temporary folder around it: nothing may change.
    fn verify(&self, dir: Option<&Path>, record: &Path, extra: &[&str]) -> (Output, Value) {
        let mut a = vec!["verify"];
        if let Some(d) = dir {
            a.push(s(d));
        }
        a.extend(["--record", s(record), "--json"]);
        if !extra.contains(&"--at") {
            a.extend(["--at", AT]);
        }
        if !extra.contains(&"--policy") && !extra.contains(&"--key") {
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

fn standard_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/standards")
        .join(name)
}

/// The requirement the attestation cases certify and require.
const REQUIRE: &str = "mof-openness:class-iii";

/// An auditor's key pair, `t/NAME.key` and `t/NAME.pub`.
fn auditor(lab: &Lab, name: &str) -> (PathBuf, PathBuf) {
    keygen(lab.t.path(), name)
}

/// `t/FILE`: a policy in which alice maintains (threshold 1) and `certifier` (a public key
/// file, named `auditor`) certifies `standards`; `extra` adds `policy init` arguments.
fn certifier_policy(
    lab: &Lab,
    file: &str,
    certifier: &Path,
    standards: &str,
    extra: &[&str],
) -> PathBuf {
    let policy = lab.path(file);
    let cert = format!("auditor={}:{standards}", s(certifier));
    let mut a = vec![
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
    ];
    a.extend_from_slice(extra);
    assert_exit(&run(&a), 0);
    policy
}

/// `t/FILE`: `sceau certify RECORD --key KEY` for [`REQUIRE`], expiring 2027-01-01, made at
/// SOURCE_DATE_EPOCH.
fn certify(lab: &Lab, record: &Path, key: &Path, file: &str) -> PathBuf {
    let out = lab.path(file);
    let o = run(&[
        "certify",
        s(record),
        "--key",
        s(key),
        "--standard",
        s(&standard_file("mof-openness.json")),
        "--requirement",
        "class-iii",
        "--expires",
        "2027-01-01",
        "-o",
        s(&out),
    ]);
    assert_exit(&o, 0);
    out
}

/// [`Lab::verify`] of the lab's record alone with `--policy POLICY --require REQUIRE` and each
/// attestation, plus `extra`.
fn verify_required(
    lab: &Lab,
    policy: &Path,
    attestations: &[&Path],
    extra: &[&str],
) -> (Output, Value) {
    let mut a = vec!["--policy", s(policy), "--require", REQUIRE];
    for x in attestations {
        a.extend(["--attestation", s(x)]);
    }
    a.extend_from_slice(extra);
    lab.verify(None, &lab.record, &a)
}

/// `t/FILE`: a policy made by `sceau policy init` with alice as its one maintainer (threshold
/// 1, expiring 2030-01-01), plus `extra` arguments (`--validity`, more maintainers…).
fn alice_policy(lab: &Lab, file: &str, extra: &[&str]) -> PathBuf {
    let policy = lab.path(file);
    let mut a = vec![
        "policy",
        "init",
        "--maintainer",
        s(&lab.public),
        "--expires",
        "2030-01-01",
        "--key",
        s(&lab.key),
        "-o",
        s(&policy),
    ];
    a.extend_from_slice(extra);
    assert_exit(&run(&a), 0);
    policy
}
