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

/// Names that print like other names are refused wherever they are read (spec/record.md §2.5):
/// `--name` at signing (exit 2, nothing written), and a record crafted with one, whose
/// statement fails to parse when verified (exit 1), so it never prints as the other name.
#[test]
fn look_alike_release_names_are_refused() {
    let lab = Lab::new();
    for (evil, code_point) in [
        ("example-org/tiny-llm\u{200B}", "U+200B"),
        ("example-org/\u{202E}mll-ynit", "U+202E"),
        ("example-org/tiny-lle\u{301}", "NFC"),
    ] {
        let out = lab.path("evil.sceau.json");
        let o = sceau(&[
            "sign",
            s(&lab.dir),
            "--key",
            s(&lab.key),
            "-o",
            s(&out),
            "--name",
            evil,
            "-q",
        ]);
        assert_input_error(&o, &["--name", code_point]);
        assert!(!out.exists());
        let escaped = serde_json::to_string(evil).unwrap();
        let payload = String::from_utf8(payload_of(&lab.record))
            .unwrap()
            .replace(&format!("\"{NAME}\""), &escaped);
        let rec = lab.craft("evil.json", payload.as_bytes());
        let (o, r) = lab.verify(Some(&lab.dir), &rec, &[]);
        assert_only_failure(&o, &r, "parse", "statement", &[code_point]);
        assert!(!stdout(&o).contains('\u{200B}') && !stdout(&o).contains('\u{202E}'));
    }
}

/// A component with two SHA-256 values, or a single-valued property given twice, is
/// ambiguous: another reader could take the other one. Refused when the payload is read.
#[test]
fn ambiguous_bom_values_are_refused() {
    let lab = Lab::new();
    let mut p = lab.payload();
    let comp = &mut p["predicate"]["components"][0];
    let mut other = comp["hashes"][0].clone();
    other["content"] = "0".repeat(64).into();
    comp["hashes"].as_array_mut().unwrap().push(other);
    let rec = lab.craft_json("two-sha.json", &p);
    let (o, r) = lab.verify(Some(&lab.dir), &rec, &[]);
    assert_only_failure(&o, &r, "parse", "statement", &["SHA-256", "ambiguous"]);

    let mut p = lab.payload();
    let comp = &mut p["predicate"]["components"][0];
    let kind = comp["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "sceau:kind")
        .unwrap()
        .clone();
    comp["properties"].as_array_mut().unwrap().push(kind);
    let rec = lab.craft_json("two-kinds.json", &p);
    let (o, r) = lab.verify(Some(&lab.dir), &rec, &[]);
    assert_only_failure(&o, &r, "parse", "statement", &["sceau:kind", "ambiguous"]);
}

/// An attestation whose `conformance.score` is outside 0..1, or that maps one requirement
/// twice, is ambiguous: refused when read (`claims attestation` fails), never full
/// conformance.
#[test]
fn ambiguous_attestation_scores_are_refused() {
    let lab = Lab::certifiable();
    let (key, public) = lab.keys("auditor");
    let policy = lab.certifier_policy("p.json", &public, "mof-openness", &[]);
    let att = lab.certify(&lab.record, &key, "att.json");
    let auditor = secret_key(&key);
    let mut p: Value = serde_json::from_slice(&payload_of(&att)).unwrap();
    let map = &mut p["predicate"]["declarations"]["attestations"][0]["map"];
    let mut twice = map[0].clone();
    map[0]["conformance"]["score"] = 2.into();
    let bad = lab.path("score-2.json");
    std::fs::write(
        &bad,
        envelope(
            PAYLOAD_TYPE_INTOTO,
            &serde_json::to_vec(&p).unwrap(),
            &[&auditor],
        ),
    )
    .unwrap();
    let (o, r) = lab.verify_required(&policy, &[&bad], &[]);
    assert_eq!(code(&o), 1);
    assert_check(&r, "claims", "attestation", FAIL, &["conformance.score"]);
    assert_eq!(
        check(&r, "claims", &format!("require:{REQUIRE}"))["outcome"],
        FAIL
    );

    let mut p: Value = serde_json::from_slice(&payload_of(&att)).unwrap();
    twice["conformance"]["score"] = 0.into();
    p["predicate"]["declarations"]["attestations"][0]["map"]
        .as_array_mut()
        .unwrap()
        .push(twice);
    let bad = lab.path("mapped-twice.json");
    std::fs::write(
        &bad,
        envelope(
            PAYLOAD_TYPE_INTOTO,
            &serde_json::to_vec(&p).unwrap(),
            &[&auditor],
        ),
    )
    .unwrap();
    let (o, r) = lab.verify_required(&policy, &[&bad], &[]);
    assert_eq!(code(&o), 1);
    assert_check(&r, "claims", "attestation", FAIL, &["class-iii", "twice"]);
}

/// spec/attestations.md §2.5, §3.5: a certifier cannot attest a MOF class the record does not
/// reach (exit 2, nothing written); with `--override-computed` the attestation is made and
/// records the reason, and `verify --require` still fails, naming the attestation and the
/// computation.
#[test]
fn a_computably_failed_requirement_cannot_be_certified() {
    let lab = Lab::new();
    let (key, public) = lab.keys("auditor");
    let out = lab.path("att.json");
    let certify = |extra: &[&str]| {
        let mut a = vec!["certify", s(&lab.record), "--key", s(&key), "--standard"];
        let std = standard_file("mof-openness.json");
        let std = s(&std).to_owned();
        a.push(&std);
        a.extend([
            "--requirement",
            "class-iii",
            "--expires",
            "2027-01-01",
            "-o",
            s(&out),
        ]);
        a.extend_from_slice(extra);
        sceau(&a)
    };
    let o = certify(&[]);
    assert_input_error(&o, &["class-iii", "no MOF class", "--override-computed"]);
    assert!(!out.exists());
    let o = certify(&[
        "--override-computed",
        "the licence list of sceau is out of date",
    ]);
    assert_exit(&o, 0);
    let policy = lab.certifier_policy("p.json", &public, "mof-openness", &[]);
    let (o, r) = lab.verify_required(&policy, &[&out], &[]);
    assert_only_failure(
        &o,
        &r,
        "claims",
        &format!("require:{REQUIRE}"),
        &["auditor", "no MOF class", "out of date"],
    );
}

/// spec/policy.md §4.1: forged signatures cost a bounded number of trials. 255 forged
/// signatures without a key id beside a genuine one, against four trusted keys: the genuine one
/// counts; the forged ones exhaust the budget, the rest are said to be not checked.
#[test]
fn forged_signatures_cost_a_bounded_number_of_trials() {
    let lab = Lab::new();
    let keys: Vec<PathBuf> = ["b", "c", "d"].iter().map(|n| lab.keys(n).1).collect();
    let forged = lab.with_signatures("forged.json", |sigs| {
        for i in 0..255 {
            sigs.push(serde_json::json!({"keyid": "", "sig": b64_encode(&[i as u8; 64])}));
        }
    });
    let mut extra = vec!["--key", s(&lab.public)];
    for k in &keys {
        extra.extend(["--key", s(k)]);
    }
    // alice signed: the threshold of 1 is met.
    let (o, r) = lab.verify(Some(&lab.dir), &forged, &extra);
    assert_exit(&o, 0);
    assert!(detail(&r, "signature", "threshold").contains("not checked"));
    // Two of them are needed: below the threshold, naming the trusted key ids.
    extra.extend(["--threshold", "2"]);
    let (o, r) = lab.verify(Some(&lab.dir), &forged, &extra);
    let d = assert_only_failure(&o, &r, "signature", "threshold", &[&key_id(&keys[0])]);
    assert!(d.contains("not checked"), "{d}");
}

/// spec/lineage.md §7.2: a lattice of merges whose ancestors nobody trusted draws each
/// ancestor once; later appearances refer back. The tree is linear in nodes + edges.
#[test]
fn a_merge_lattice_draws_each_ancestor_once() {
    let lab = Lab::new();
    let base = lab.path("level-0.json");
    sign_release(&lab.dir, &lab.key, &base, "lattice/l0", "1", &[]);
    let mut level = vec![base];
    let depth = 6;
    let mut all = level.clone();
    for d in 1..=depth {
        let mut next = Vec::new();
        for i in 0..2 {
            let out = lab.path(&format!("level-{d}-{i}.json"));
            let mut extra = Vec::new();
            for p in &level {
                extra.push("--parent".to_owned());
                extra.push(format!("{}:merge", s(p)));
            }
            let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
            sign_release(
                &lab.dir,
                &lab.key,
                &out,
                &format!("lattice/l{d}-{i}"),
                "1",
                &extra,
            );
            next.push(out);
        }
        all.extend(next.iter().cloned());
        level = next;
    }
    let root = &level[0];
    let refs: Vec<&Path> = all.iter().map(PathBuf::as_path).collect();
    let store = lab.store("store", &refs);
    let o = sceau(&[
        "lineage",
        s(root),
        "--key",
        s(&lab.public),
        "--store",
        s(&store),
        "--at",
        AT,
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = stdout(&o);
    let tree: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("findings"))
        .collect();
    // 2 × depth + 1 nodes reached (the root's sibling is not an ancestor): 1 + 2 × (depth − 1)
    // + 1 = 12 nodes, 2 edges into each merged node.
    let nodes = 2 * depth;
    let edges = 2 * (nodes - 1);
    assert!(
        tree.len() <= nodes + edges + 1,
        "{} lines:\n{text}",
        tree.len()
    );
    let full = tree
        .iter()
        .filter(|l| l.contains("lattice/l0 1  ["))
        .count();
    assert_eq!(full, 1, "{text}");
    assert!(text.contains("shown above"), "{text}");
}

/// Messages for people (issue 12, item 15): a record-only verification says so on its verdict
/// line; a missing file is listed with its recorded digest; keygen without a terminal says the
/// passphrase is missing; an unknown name in `--validity` or `--revoke` lists the names the
/// policy has; maintainers are named after their key files, so the README's
/// `policy update --validity carol=…` works as written.
#[test]
fn messages_name_what_to_fix() {
    let lab = Lab::new();
    let o = sceau(&[
        "verify",
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--at",
        AT,
    ]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).starts_with("VERIFIED (record only: no folder was checked)"),
        "{}",
        stdout(&o)
    );

    let gone = lab.dir.join("config.json");
    let digest = sha256_file(&gone);
    std::fs::remove_file(&gone).unwrap();
    let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &[]);
    assert_only_failure(&o, &r, "tree", "missing", &["config.json", &digest]);

    let o = Sceau::new()
        .args(["keygen", "-o", s(&lab.path("nopass"))])
        .run();
    assert_input_error(&o, &["passphrase", "not a terminal"]);

    // The README's example: carol's key, named `carol` by its file.
    let (_, carol) = lab.keys("carol");
    let policy = lab.alice_policy("p.json", &["--maintainer", s(&carol)]);
    let v2 = lab.path("p2.json");
    let o = sceau(&[
        "policy",
        "update",
        s(&policy),
        "--validity",
        "carol=..2027-01-01",
        "--key",
        s(&lab.key),
        "-o",
        s(&v2),
    ]);
    assert_exit(&o, 0);
    for (flag, value) in [("--validity", "dave=..2027-01-01"), ("--revoke", "dave")] {
        let o = sceau(&[
            "policy",
            "update",
            s(&policy),
            flag,
            value,
            "--key",
            s(&lab.key),
            "-o",
            s(&lab.path("p3.json")),
        ]);
        let e = assert_input_error(&o, &[flag, "dave"]);
        assert!(e.contains("carol") && e.contains("alice"), "{e}");
    }
}
