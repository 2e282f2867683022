//! Versioned JSON (spec/json-output.md): every JSON document sceau prints about its own work
//! starts with `schema_version`, and under `--json` (or `--format json`) a usage error, an input
//! error or a verification failure without a report is a JSON error object on standard output,
//! beside the text on standard error, with the exit code unchanged.
use std::process::Output;

use serde_json::Value;

use crate::common::*;

/// The schema version the outputs carry now.
const VERSION: u64 = 1;

/// Asserts the run printed one JSON object on standard output whose first member is
/// `schema_version` = [`VERSION`]; returns it.
#[track_caller]
fn versioned(o: &Output, what: &str) -> Value {
    let v = json_out(o);
    let first = v
        .as_object()
        .and_then(|m| m.iter().next())
        .map(|(k, x)| (k.clone(), x.clone()));
    assert_eq!(
        first,
        Some(("schema_version".to_owned(), Value::from(VERSION))),
        "{what}: {v}"
    );
    v
}

/// Asserts exit `exit`, the text error on standard error, and the error object of `code` on
/// standard output whose message contains `names`; returns the object.
#[track_caller]
fn error_object(o: &Output, exit: i32, code: &str, names: &[&str], what: &str) -> Value {
    assert_exit(o, exit);
    let e = stderr(o);
    assert!(e.contains("error"), "{what}: no text error on stderr:\n{e}");
    let v = versioned(o, what);
    assert_eq!(v["code"], code, "{what}: {v}");
    assert_eq!(v["exit_code"], exit, "{what}: {v}");
    let message = v["message"].as_str().expect("message");
    for n in names {
        let all = format!("{message} {} {}", v["causes"], v["hint"]);
        assert!(all.contains(n), "{what}: {n:?} not in {v}");
    }
    assert!(v.get("hint").is_some(), "{what}: {v}");
    v
}

#[test]
fn every_json_output_starts_with_its_schema_version() {
    let lab = Lab::new();
    let (r, p) = (s(&lab.record), s(&lab.public));
    let policy = lab.alice_policy("policy.json", &[]);
    let out = lab.path("export.spdx.json");
    let signed = lab.path("again.sceau.json");
    let runs: Vec<(&str, Vec<&str>)> = vec![
        (
            "verify",
            vec![
                "verify",
                s(&lab.dir),
                "--record",
                r,
                "--key",
                p,
                "--at",
                AT,
                "--json",
            ],
        ),
        ("inspect", vec!["inspect", r, "--json"]),
        ("key show", vec!["key", "show", p, "--json"]),
        ("policy show", vec!["policy", "show", s(&policy), "--json"]),
        (
            "scan",
            vec!["scan", s(&lab.dir), "--version", "1.0.0", "-q", "--json"],
        ),
        (
            "sign",
            vec![
                "sign",
                s(&lab.dir),
                "--key",
                s(&lab.key),
                "-o",
                s(&signed),
                "--name",
                NAME,
                "--version",
                "1.0.1",
                "-q",
                "--json",
            ],
        ),
        (
            "openness",
            vec!["openness", r, "--key", p, "--at", AT, "--json"],
        ),
        (
            "check",
            vec![
                "check",
                s(&lab.dir),
                "--record",
                r,
                "--key",
                p,
                "--at",
                AT,
                "--json",
            ],
        ),
        (
            "lineage",
            vec!["lineage", r, "--key", p, "--at", AT, "--format", "json"],
        ),
        (
            "report",
            vec![
                "report", r, "--ai-act", "--key", p, "--at", AT, "--format", "json",
            ],
        ),
        (
            "export",
            vec!["export", r, "--key", p, "--at", AT, "-o", s(&out), "--json"],
        ),
    ];
    for (what, args) in runs {
        let o = sceau(&args);
        assert_exit(&o, 0);
        let v = versioned(&o, what);
        assert!(v.as_object().is_some_and(|m| m.len() > 1), "{what}: {v}");
    }
}

#[test]
fn usage_errors_under_json_are_error_objects_and_plain_text_otherwise() {
    let lab = Lab::new();
    let r = s(&lab.record);
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "unknown flag",
            vec!["verify", "--record", r, "--json", "--frobnicate"],
            "--frobnicate",
        ),
        ("missing argument", vec!["scan", "--json"], "<DIR>"),
        (
            "bad value",
            vec!["lineage", r, "--format", "json", "--threshold", "many"],
            "many",
        ),
        ("unknown subcommand", vec!["verfy", "--json"], "verfy"),
        (
            "missing value",
            vec!["report", r, "--ai-act", "--format=json", "--at"],
            "--at",
        ),
    ];
    for (what, args, name) in cases {
        let o = sceau(&args);
        let v = error_object(&o, 2, "usage", &[name], what);
        // clap's own text stays on standard error.
        assert!(
            stderr(&o).contains("Usage:") || stderr(&o).contains("error:"),
            "{what}"
        );
        assert!(
            v["hint"].is_string(),
            "{what}: a hint (clap's tip or usage line): {v}"
        );
    }
    // The suggestion clap makes is the hint.
    let o = sceau(&["verfy", "--json"]);
    let v = error_object(&o, 2, "usage", &[], "typo");
    assert!(
        v["hint"].as_str().unwrap_or_default().contains("verify"),
        "{v}"
    );
    // Without --json, standard output stays empty.
    let o = sceau(&["verify", "--record", r, "--frobnicate"]);
    assert_exit(&o, 2);
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    // --help and --version are not errors, whatever else is on the line.
    let o = sceau(&["verify", "--json", "--help"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("--record"));
}

#[test]
fn input_errors_under_json_are_error_objects_naming_the_input() {
    let lab = Lab::new();
    let (r, p) = (s(&lab.record), s(&lab.public));
    let missing = lab.path("missing.sceau.json");
    let m = s(&missing);
    let x = lab.path("x.json");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "verify",
            vec!["verify", "--record", m, "--key", p, "--json"],
        ),
        ("inspect", vec!["inspect", m, "--json"]),
        ("key show", vec!["key", "show", m, "--json"]),
        ("scan", vec!["scan", m, "--json"]),
        ("openness", vec!["openness", m, "--key", p, "--json"]),
        (
            "lineage",
            vec!["lineage", m, "--key", p, "--format", "json"],
        ),
        ("report", vec!["report", m, "--ai-act", "--format", "json"]),
        (
            "export",
            vec!["export", m, "--key", p, "-o", s(&x), "--json"],
        ),
    ];
    for (what, args) in cases {
        let o = sceau(&args);
        error_object(&o, 2, "input", &["missing.sceau.json"], what);
        assert_eq!(
            stderr(&o)
                .lines()
                .filter(|l| l.starts_with("error:"))
                .count(),
            1,
            "{what}: one text error:\n{}",
            stderr(&o)
        );
    }
    // A refusal with a hint: the hint is in the object.
    let o = sceau(&["verify", "--record", r, "--json"]);
    let v = error_object(&o, 2, "input", &["no trust given"], "no trust");
    assert!(
        v["hint"].as_str().unwrap_or_default().contains("--key"),
        "{v}"
    );
    // A cause chain: each cause is listed.
    let bad = lab.path("bad.sceau.json");
    std::fs::write(&bad, b"{\"payloadType\": 1}").unwrap();
    let o = sceau(&["inspect", s(&bad), "--json"]);
    let v = error_object(&o, 2, "input", &["bad.sceau.json"], "malformed record");
    assert!(v["causes"].is_array(), "{v}");
}

#[test]
fn verification_failures_under_json_are_a_report_or_an_error_object_with_exit_1() {
    let lab = Lab::new();
    let (_, bob) = lab.keys("bob");
    let (r, b) = (s(&lab.record), s(&bob));
    let out = lab.path("export.spdx.json");
    // verify answers with its report, marked failed.
    let o = sceau(&["verify", "--record", r, "--key", b, "--at", AT, "--json"]);
    assert_exit(&o, 1);
    let v = versioned(&o, "verify");
    assert_eq!(v["verified"], false);
    // The commands that need a verified record before they can say anything answer with the
    // error object, code verification-failed.
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "openness",
            vec!["openness", r, "--key", b, "--at", AT, "--json"],
        ),
        (
            "check",
            vec![
                "check",
                s(&lab.dir),
                "--record",
                r,
                "--key",
                b,
                "--at",
                AT,
                "--json",
            ],
        ),
        (
            "lineage",
            vec!["lineage", r, "--key", b, "--at", AT, "--format", "json"],
        ),
        (
            "report",
            vec![
                "report", r, "--ai-act", "--key", b, "--at", AT, "--format", "json",
            ],
        ),
        (
            "export",
            vec!["export", r, "--key", b, "--at", AT, "-o", s(&out), "--json"],
        ),
    ];
    for (what, args) in cases {
        let o = sceau(&args);
        error_object(&o, 1, "verification-failed", &["does not verify"], what);
    }
    assert!(!out.exists(), "nothing exported");
}
