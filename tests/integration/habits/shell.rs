//! `sceau completions SHELL` and `sceau man`, generated from the clap definitions: a real bash
//! completes with the script, and a real `man` (or `groff`) renders the page.
//!
//! bash, zsh, fish, man and groff are found on `PATH`; without them a test says "skipped: …" and
//! passes, unless `SCEAU_REQUIRE_INTEROP=1` (CI, where `.ci/run` installs `zsh`, `fish`,
//! `man-db` and `groff-base`).
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::*;

/// Whether `tool --version` runs; says "skipped: …" (or fails under SCEAU_REQUIRE_INTEROP=1)
/// when it does not.
fn have(tool: &str, why: &str) -> bool {
    if Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        return true;
    }
    if std::env::var("SCEAU_REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!("SCEAU_REQUIRE_INTEROP=1 but {tool} cannot be run ({why})");
    }
    eprintln!("skipped: {tool} not found, so {why} is not checked");
    false
}

/// `sceau completions SHELL`, expecting success.
fn completions(shell: &str) -> String {
    let o = sceau(&["completions", shell]);
    assert_exit(&o, 0);
    stdout(&o)
}

/// What bash completes for each command line of `lines` (the last word being completed), with
/// the script `sceau completions bash` printed, loaded as a user loads it, and `complete -p`.
fn bash_complete(script: &Path, lines: &[&[&str]]) -> (String, Vec<Vec<String>>) {
    let mut sh = format!(
        "set -u\nsource '{}'\ncomplete -p sceau\n\
         comp() {{\n  COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"$*\"\n  \
         COMP_POINT=${{#COMP_LINE}}; COMPREPLY=()\n  \
         _sceau sceau \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n  \
         echo '=== begin'; printf '%s\\n' \"${{COMPREPLY[@]}}\"\n}}\n",
        s(script)
    );
    for words in lines {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        sh.push_str(&format!("comp {}\n", quoted.join(" ")));
    }
    let o = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &sh])
        .output()
        .expect("run bash");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "bash failed:\n{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut parts = out.split("=== begin\n");
    let registration = parts.next().unwrap_or_default().to_owned();
    let replies = parts
        .map(|p| {
            p.lines()
                .map(str::to_owned)
                .filter(|l| !l.is_empty())
                .collect()
        })
        .collect();
    (registration, replies)
}

#[test]
fn bash_completes_subcommands_flags_and_values_with_the_generated_script() {
    if !have("bash", "bash completion") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let script = t.path().join("sceau.bash");
    std::fs::write(&script, completions("bash")).unwrap();
    let (registration, replies) = bash_complete(
        &script,
        &[
            &["sceau", "ver"],
            &["sceau", "verify", "--rec"],
            &["sceau", "policy", ""],
            &["sceau", "completions", ""],
            &["sceau", "export", "r.json", "--for"],
        ],
    );
    assert!(
        registration.starts_with("complete ")
            && registration.contains(" -F _sceau ")
            && registration.trim_end().ends_with(" sceau"),
        "complete -p sceau: {registration}"
    );
    assert_eq!(replies.len(), 5, "{replies:?}");
    assert_eq!(replies[0], ["verify"], "subcommand");
    assert_eq!(replies[1], ["--record"], "flag of verify");
    for sub in ["init", "update", "sign", "show"] {
        assert!(
            replies[2].iter().any(|r| r == sub),
            "policy {sub}: {replies:?}"
        );
    }
    let mut shells: Vec<&String> = replies[3].iter().filter(|r| !r.starts_with('-')).collect();
    shells.sort();
    assert_eq!(shells, ["bash", "elvish", "fish", "powershell", "zsh"]);
    let mut for_ = replies[4].clone();
    for_.sort();
    assert_eq!(for_, ["--force", "--format"], "flags of export");
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    let subcommands = [
        "scan",
        "keygen",
        "sign",
        "countersign",
        "verify",
        "inspect",
        "policy",
        "store",
        "lineage",
        "openness",
        "check",
        "certify",
        "report",
        "grant",
        "export",
        "completions",
        "man",
    ];
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = completions(shell);
        for sub in subcommands {
            assert!(script.contains(sub), "{shell}: {sub} missing");
        }
        assert!(
            script.contains("allow-unverified-ancestors"),
            "{shell}: a long flag"
        );
    }
    // zsh and fish parse their scripts.
    let t = tempfile::tempdir().unwrap();
    for (shell, check) in [("zsh", ["-n"]), ("fish", ["--no-execute"])] {
        if !have(shell, "its completion script") {
            continue;
        }
        let f = t.path().join(shell);
        std::fs::write(&f, completions(shell)).unwrap();
        let o = Command::new(shell).args(check).arg(&f).output().unwrap();
        assert!(
            o.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // Not a shell: a usage error naming the choices.
    let o = sceau(&["completions", "tcsh"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("powershell"), "{}", stderr(&o));
}

/// fish completes with the script as a user loads it (`complete -C` prints what a Tab offers,
/// each candidate followed by a tab and its description).
#[test]
fn fish_completes_subcommands_flags_and_values_with_the_generated_script() {
    if !have("fish", "fish completion") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let script = t.path().join("sceau.fish");
    std::fs::write(&script, completions("fish")).unwrap();
    let complete = |line: &str| -> Vec<String> {
        let o = Command::new("fish")
            .args(["--no-config", "-c"])
            .arg(format!("source '{}'; complete -C '{line}'", s(&script)))
            .output()
            .expect("run fish");
        assert!(
            o.status.success(),
            "fish: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let mut got: Vec<String> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| l.split('\t').next())
            .map(str::to_owned)
            .collect();
        got.sort();
        got
    };
    assert_eq!(complete("sceau exp"), ["export"], "subcommand");
    assert_eq!(
        complete("sceau verify --rec"),
        ["--record"],
        "flag of verify"
    );
    assert_eq!(
        complete("sceau export r.json --for"),
        ["--force", "--format"]
    );
    assert_eq!(
        complete("sceau export r.json --format "),
        ["cyclonedx", "spdx3"],
        "values of --format"
    );
    for sub in ["init", "update", "sign", "show"] {
        assert!(
            complete("sceau policy ").iter().any(|r| r == sub),
            "policy {sub}"
        );
    }
}

/// The roff `page` as `man -l -` shows it (or `groff -man -Tutf8`, when man-db is absent),
/// escapes and overstrikes removed, typographic hyphens made ASCII; None when neither runs.
fn render(page: &[u8]) -> Option<String> {
    let mut cmd = if have("man", "the manual page rendering by man") {
        let mut c = Command::new("man");
        c.args(["-l", "-"])
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MANWIDTH", "100");
        c
    } else if have("groff", "the manual page rendering by groff") {
        let mut c = Command::new("groff");
        c.args(["-man", "-Tutf8", "-rLL=100n"]);
        c
    } else {
        return None;
    };
    let mut child = cmd
        .env("GROFF_NO_SGR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start man");
    let mut stdin = child.stdin.take().expect("stdin");
    let bytes = page.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let o = child.wait_with_output().expect("man");
    writer.join().expect("writer").expect("page written");
    assert!(
        o.status.success(),
        "rendering failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Overstrike (bold "X\bX", underline "_\bX") and any escape sequence removed.
    let raw = String::from_utf8_lossy(&o.stdout);
    let mut text = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{8}' => {
                text.pop();
            }
            '\u{1b}' => {
                for n in chars.by_ref() {
                    if n.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            '\u{2010}' | '\u{2011}' | '\u{2212}' => text.push('-'),
            _ => text.push(c),
        }
    }
    Some(text)
}

#[test]
fn the_manual_pages_are_roff_that_man_renders_with_every_long_help() {
    let o = sceau(&["man"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains(".TH sceau 1"), "{}", stdout(&o));
    let verify = sceau(&["man", "verify"]);
    assert_exit(&verify, 0);
    assert!(stdout(&verify).contains(".TH sceau-verify 1"));
    let nested = sceau(&["man", "policy", "init"]);
    assert_exit(&nested, 0);
    assert!(stdout(&nested).contains(".TH sceau-policy-init 1"));
    assert_input_error(
        &sceau(&["man", "policy", "frobnicate"]),
        &["frobnicate", "init"],
    );

    let Some(page) = render(&o.stdout) else {
        return;
    };
    for want in [
        "NAME",
        "SYNOPSIS",
        "SUBCOMMANDS",
        "sceau-verify(1)",
        "Exit codes",
    ] {
        assert!(
            page.contains(want),
            "{want} not in the rendered page:\n{page}"
        );
    }
    let page = render(&verify.stdout).expect("rendered before");
    // Every option, with its long help (the second paragraph of --state's).
    for want in [
        "--record",
        "--allow-unverified-ancestors",
        "--policy-update",
        "After a successful verification the state is updated atomically",
    ] {
        assert!(
            page.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(want),
            "{want} not in the rendered page:\n{page}"
        );
    }
}
