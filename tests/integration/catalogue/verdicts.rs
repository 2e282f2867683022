//! Verdicts that can't be bent (issue 12): the exit code is the verdict whatever happens to
//! standard output, and other ways an attacker could turn a failure into a pass.
use std::io::BufRead as _;
use std::process::{Command, Stdio};

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

/// A fork's signer signs a fake `sentence-transformers/all-MiniLM-L6-v2` record and a
/// fine-tune on top of it. Under bare `--key` files, each key vouches for the release being
/// verified only: the fake upstream is an unverified ancestor and the verification fails,
/// naming it. Bound to the right names, each key vouches for its own releases only.
#[test]
fn a_bare_key_does_not_vouch_for_ancestors() {
    let lab = Lab::new();
    let (dave_key, dave) = lab.keys("dave");
    let upstream = "sentence-transformers/all-MiniLM-L6-v2";
    let fake = lab.path("fake-upstream.json");
    sign_release(&lab.dir, &dave_key, &fake, upstream, "1.0", &[]);
    let ft_dir = lab.folder("ft", sceau_fixtures::hf_model);
    // Fine-tuned: the last weight byte differs.
    let w = ft_dir.join("model.safetensors");
    let mut bytes = std::fs::read(&w).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&w, bytes).unwrap();
    let ft = lab.path("ft.json");
    let parent = format!("{}:finetune", s(&fake));
    sign_release(
        &ft_dir,
        &dave_key,
        &ft,
        "dave/ft",
        "1.0",
        &["--parent", &parent],
    );
    let store = lab.store("store", &[&fake]);
    let base = [
        "--store",
        s(&store),
        "--key",
        s(&lab.public),
        "--key",
        s(&dave),
    ];
    let (o, r) = lab.verify(Some(&ft_dir), &ft, &base);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert_eq!(
        check(&r, "lineage", "unverified-ancestor")["outcome"],
        FAIL,
        "{r:#}"
    );
    assert!(detail(&r, "lineage", "unverified-ancestor").contains(upstream));
    // Binding dave's key to his own organisation changes nothing for the upstream name…
    let dave_org = format!("dave/*={}", s(&dave));
    let (o, _) = lab.verify(
        Some(&ft_dir),
        &ft,
        &[&base[..], &["--key", &dave_org]].concat(),
    );
    assert_eq!(code(&o), 1);
    // …binding it to the upstream's name is the user's explicit choice, and verifies.
    let vouch = format!("sentence-transformers/*={}", s(&dave));
    let (o, r) = lab.verify(
        Some(&ft_dir),
        &ft,
        &[&base[..], &["--key", &vouch]].concat(),
    );
    assert_exit(&o, 0);
    assert_eq!(check(&r, "lineage", "chain")["outcome"], PASS);
}

/// `--key 'PATTERN=PUB'` with a pattern that is not `org/name` or `org/*` is a usage error
/// naming the flag.
#[test]
fn a_bad_key_pattern_is_a_usage_error() {
    let lab = Lab::new();
    let before = snapshot(lab.t.path());
    let bad = format!("org/**={}", s(&lab.public));
    let o = sceau(&["verify", "--record", s(&lab.record), "--key", &bad]);
    assert_input_error(&o, &["--key", "org/**"]);
    assert_unchanged(lab.t.path(), &before);
}

/// spec/policy.md §8.4: `--state` pins each name to the keys it was first accepted under; the
/// same name later signed by other (trusted) keys fails `freshness pinned-keys`, naming both,
/// and the state is not changed; a co-signer beside a pinned key is added.
#[test]
fn a_known_name_under_other_keys_fails_loudly() {
    let lab = Lab::new();
    let (dave_key, dave) = lab.keys("dave");
    let state = lab.path("state.json");
    let keys = ["--key", s(&lab.public), "--key", s(&dave)];
    let (o, r) = lab.verify(
        Some(&lab.dir),
        &lab.record,
        &[&keys[..], &["--state", s(&state)]].concat(),
    );
    assert_exit(&o, 0);
    assert_eq!(check(&r, "freshness", "pinned-keys")["outcome"], PASS);
    assert!(read_json(&state)["pins"][NAME]["keys"][0]
        .as_str()
        .unwrap()
        .contains(&key_id(&lab.public)));
    // Version 2 of the same name, signed by dave alone.
    let v2 = lab.path("v2.json");
    sign_as(&lab.dir, &dave_key, &v2, "2.0.0");
    let before = std::fs::read(&state).unwrap();
    let (o, r) = lab.verify(
        Some(&lab.dir),
        &v2,
        &[&keys[..], &["--state", s(&state)]].concat(),
    );
    assert_eq!(code(&o), 1);
    assert_only_failure(
        &o,
        &r,
        "freshness",
        "pinned-keys",
        &[NAME, &key_id(&lab.public), &key_id(&dave)],
    );
    assert_eq!(std::fs::read(&state).unwrap(), before, "state changed");
    // Countersigned by alice, it passes, and dave is pinned beside her.
    countersign(&v2, &lab.key);
    let (o, _) = lab.verify(
        Some(&lab.dir),
        &v2,
        &[&keys[..], &["--state", s(&state)]].concat(),
    );
    assert_exit(&o, 0);
    assert_eq!(
        read_json(&state)["pins"][NAME]["keys"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

/// Times at the edges of what RFC 3339 can write: no panic, a clear error or a verdict.
#[test]
fn times_at_the_edges_never_panic() {
    let lab = Lab::new();
    for epoch in ["253402300799", "-1", "0"] {
        let out = lab.path(&format!("at-{epoch}.json"));
        let o = sceau_env(
            &[
                "sign",
                s(&lab.dir),
                "--key",
                s(&lab.key),
                "-o",
                s(&out),
                "-q",
                "--name",
                NAME,
                "--version",
                "9.0",
            ],
            &[("SOURCE_DATE_EPOCH", epoch)],
        );
        assert_exit(&o, 0);
        let (o, _) = lab.verify(Some(&lab.dir), &out, &["--at", "9999-12-31T23:58:00Z"]);
        assert_exit(&o, 0);
    }
    for epoch in ["253402300800", "-99999999999999"] {
        let out = lab.path("never.json");
        let o = sceau_env(
            &[
                "sign",
                s(&lab.dir),
                "--key",
                s(&lab.key),
                "-o",
                s(&out),
                "-q",
            ],
            &[("SOURCE_DATE_EPOCH", epoch)],
        );
        assert_input_error(&o, &["SOURCE_DATE_EPOCH", epoch]);
        assert!(!out.exists());
    }
    let o = sceau(&[
        "verify",
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--at",
        "10000-01-01",
    ]);
    assert_input_error(&o, &["--at"]);
}

/// A fine-tune of a CC-BY-NC-4.0 base that declares CC-BY-NC-4.0 but claims its weights under
/// CDLA-Permissive-2.0 and MOF Class III: the weights cannot be claimed free of the base's
/// non-commercial term (`lineage licence-laundering` naming the claim), and openness, computed
/// on the inherited terms, reaches no class (`claims openness` fails as open washing).
#[test]
fn claims_cannot_set_inherited_weights_free() {
    use sceau_fixtures::lineage as fx;
    let lab = Family::new();
    let base = lab.release(fx::nc_base, "a", fx::NC_BASE_NAME, &[]);
    let child = sceau_fixtures::ReleaseBuilder::from(fx::laundering_nc as sceau_fixtures::Generator)
        .edit_card("license: apache-2.0", "license: cc-by-nc-4.0")
        .claims(
            "openness_class = \"III\"\n\n[components.model-parameters]\nlicence = \"CDLA-Permissive-2.0\"\n",
        );
    let dir = lab.folder("child", child);
    let claims = dir.join("claims.toml");
    let parent = format!("{}:finetune", s(&base.1));
    let rec = lab.path("child.sceau.json");
    sign_release(
        &dir,
        &lab.key("b"),
        &rec,
        fx::LAUNDERING_NC_NAME,
        V,
        &["--claims", s(&claims), "--parent", &parent],
    );
    let store = lab.store("store", &[&base.1]);
    let (o, r) = lab.verify(&dir, &rec, &store, &lab.policy, &[]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert_eq!(
        check(&r, "lineage", "licence-laundering")["outcome"],
        FAIL,
        "{r:#}"
    );
    let d = detail(&r, "lineage", "licence-laundering");
    for id in [
        "CDLA-Permissive-2.0",
        "model-parameters",
        "non-commercial",
        fx::NC_BASE_NAME,
    ] {
        assert!(d.contains(id), "{d}");
    }
    assert_eq!(check(&r, "claims", "openness")["outcome"], FAIL, "{r:#}");
    // `sceau openness` computes on the inherited terms: no class, open washing (exit 1).
    let o = sceau(&[
        "openness",
        s(&rec),
        "--policy",
        s(&lab.policy),
        "--store",
        s(&store),
        "--at",
        AT,
        "--json",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v["class"], serde_json::Value::Null, "{v:#}");
    assert_eq!(
        v["openness"]["inherited_licences"][0]["licence"]["expression"], "CC-BY-NC-4.0",
        "{v:#}"
    );
}
