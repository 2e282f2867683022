//! What sceau prints: strings from records escaped, and a report that lists every check even
//! when the run stopped early.
use super::*;

/// Strings from a record (release name and version, key ids) are shown with control
/// characters escaped: a record, verified or not, cannot drive the terminal.
#[test]
fn control_characters_from_records_are_escaped() {
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
        // The record is refused (its name holds control characters, spec/record.md §2.5):
        // exit 1 from verify, 2 from inspect; what is said about it is escaped either way.
        let o = sceau(&cmd);
        assert!(code(&o) <= 2, "{}", stderr(&o));
        for (what, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            assert!(
                !bytes.contains(&0x1b) && !bytes.contains(&0x07),
                "{cmd:?} {what} holds a raw control character:\n{}",
                String::from_utf8_lossy(bytes).escape_debug()
            );
        }
        let out = format!("{}{}", stdout(&o), stderr(&o));
        assert!(
            out.contains("tiny-llm\\u{1b}") || out.contains("mallory"),
            "{out}"
        );
    }
}

/// spec/verify.md §1: whatever stops the run, the report lists every check; those that did not
/// run are skipped, naming the failure that stopped it. Here a record that is not JSON, one of
/// another payload type, and an expired policy, each verified with a folder, a requirement and
/// a state file (which is not created).
#[test]
fn every_check_is_listed_after_an_early_stop() {
    let lab = Lab::new();
    let not_json = lab.path("not-json.json");
    std::fs::write(&not_json, "not json\n").unwrap();
    let other_type = lab.path("other-type.json");
    let mut env = read_json(&lab.record);
    env["payloadType"] = "text/plain".into();
    write_json(&other_type, &env);
    let policy = lab.alice_policy("p.json", &[]);
    let state = lab.path("state.json");
    let require = "require:mof-openness";
    let listed = [
        ("policy", "policy"),
        ("parse", "envelope"),
        ("parse", "payload-type"),
        ("signature", "threshold"),
        ("parse", "statement"),
        ("freshness", "signing-time"),
        ("tree", "files"),
        ("lineage", "ancestors"),
        ("claims", "openness"),
        ("claims", require),
        ("freshness", "rollback"),
    ];
    // (record, trust, the check that fails first, the checks that passed before it)
    for (record, trust, first, passed) in [
        (&not_json, vec![], ("parse", "envelope"), &[][..]),
        (
            &other_type,
            vec![],
            ("parse", "payload-type"),
            &[("parse", "envelope")][..],
        ),
        (
            &lab.record,
            vec!["--policy", s(&policy), "--at", "2031-01-01T00:00:00Z"],
            ("policy", "policy"),
            &[][..],
        ),
    ] {
        let key_trust = trust.is_empty();
        let mut extra = trust;
        extra.extend(["--require", "mof-openness", "--state", s(&state)]);
        let (o, r) = lab.verify(Some(&lab.dir), record, &extra);
        assert_exit(&o, 1);
        assert_eq!(r["verified"], false);
        assert!(!state.exists(), "a state file was written");
        // Each check not run names the one that stopped the run (spec/verify.md §1).
        let why = format!("{} {}", first.0, first.1);
        for (stage, name) in listed {
            let c = check(&r, stage, name);
            let outcome = c["outcome"].as_str().unwrap();
            let d = c["detail"].as_str().unwrap();
            if (stage, name) == first {
                assert_eq!(outcome, "fail", "{c}");
            } else if passed.contains(&(stage, name)) {
                assert_eq!(outcome, "pass", "{c}");
            } else if (stage, name) == ("policy", "policy") && key_trust {
                // --key trust: there is no policy to check.
                assert_eq!(outcome, "skipped", "{c}");
                assert!(!d.contains(&why), "{c}");
            } else if name == require {
                // spec/attestations.md §3.4: a requirement not shown to be met fails, whatever
                // stopped the run.
                assert_eq!(outcome, "fail", "{c}");
                assert!(d.contains(&why), "{c}");
            } else {
                assert_eq!(outcome, "skipped", "{c}");
                assert!(d.contains(&why), "{c}");
            }
        }
        // Nothing else ran: any other check listed is skipped.
        for c in r["checks"].as_array().unwrap() {
            let key = (c["stage"].as_str().unwrap(), c["name"].as_str().unwrap());
            if !listed.contains(&key) {
                assert_eq!(c["outcome"], "skipped", "{c}");
            }
        }
    }
}
