//! The README's commands run as written: every `sh` block of README.md is run by bash, in
//! order, in a temporary folder holding what the prose says the reader has (the maintainers'
//! other keys, a model folder, its download, a Hugging Face cache snapshot, a fork and its
//! upstream's record store, a dataset, a model to sign for OpenSSF Model Signing), with `sceau`
//! on `PATH` — except `cargo`, which the test does not
//! run (installing takes minutes: the README says how many, measured by hand).
//!
//! The only text substituted is the `<rev>` placeholder of the Hugging Face cache path.
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// The revision the test's Hugging Face cache snapshot has, put where the README says `<rev>`.
const REV: &str = sceau_fixtures::HF_CACHE_REVISION;

/// The passphrase of every key the walkthrough makes (`SCEAU_PASSPHRASE`).
const PASSPHRASE: &str = "correct horse battery staple";

/// The `sh` blocks of the README, in order.
fn sh_blocks(readme: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// Copies `from` into `to` (new), following symlinks: a snapshot's files as a download has them.
fn copy_resolved(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if std::fs::metadata(&p).unwrap().is_dir() {
            copy_resolved(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// `sceau ARGS` in `cwd`, with the passphrase, expecting success.
#[track_caller]
fn run_in(cwd: &Path, args: &[&str]) {
    let o = Sceau::new()
        .cwd(cwd)
        .env("SCEAU_PASSPHRASE", PASSPHRASE)
        .args(args)
        .run();
    assert_exit(&o, 0);
}

/// The reader's folder: `$HOME` (with the cache), `examples/tiny-llm`, `bob` and `carol`'s keys,
/// `./my-model`, `./downloaded-model`, and for the fork section `./my-finetune` signed as
/// `ft.sceau.json` by `fork-maintainer.key` over an upstream record (in `./records`) signed by
/// `upstream-maintainer.key` as `sentence-transformers/all-MiniLM-L6-v2`.
fn reader(t: &Path) -> PathBuf {
    let home = t.join("home");
    let work = t.join("work");
    std::fs::create_dir_all(&work).unwrap();
    let hub = home.join(".cache/huggingface/hub");
    std::fs::create_dir_all(&hub).unwrap();
    sceau_fixtures::hf_cache(&hub).expect("hf cache");
    let repo = hub.join("models--org--my-model");
    std::fs::rename(hub.join(sceau_fixtures::HF_CACHE_REPO_DIR), &repo).unwrap();
    let snapshot = repo.join("snapshots").join(REV);
    copy_resolved(&snapshot, &work.join("my-model"));
    copy_resolved(&snapshot, &work.join("downloaded-model"));
    // The OpenSSF Model Signing section's `./model`.
    copy_resolved(&snapshot, &work.join("model"));
    copy_resolved(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tiny-llm"),
        &work.join("examples/tiny-llm"),
    );
    // The large-dataset section's `dataset/`: a card and images in two folders.
    let images = work.join("dataset/images");
    for (split, n) in [("train", 40), ("test", 10)] {
        std::fs::create_dir_all(images.join(split)).unwrap();
        for i in 0..n {
            std::fs::write(
                images.join(split).join(format!("{i:04}.png")),
                format!("img {i}"),
            )
            .unwrap();
        }
    }
    std::fs::write(
        work.join("dataset/README.md"),
        "---\nlicense: cc-by-4.0\n---\n# a dataset\n",
    )
    .unwrap();
    for who in ["bob", "carol", "fork-maintainer", "upstream-maintainer"] {
        run_in(&work, &["keygen", "-o", who]);
    }
    let upstream = "sentence-transformers/all-MiniLM-L6-v2";
    let base = work.join("upstream-model");
    std::fs::create_dir_all(&base).unwrap();
    sceau_fixtures::lineage::base_a(&base).unwrap();
    let ft = work.join("my-finetune");
    std::fs::create_dir_all(&ft).unwrap();
    sceau_fixtures::lineage::finetune_b(&ft).unwrap();
    let card = ft.join("README.md");
    let text = std::fs::read_to_string(&card).unwrap();
    let renamed = text.replace(sceau_fixtures::lineage::BASE_A_NAME, upstream);
    assert_ne!(text, renamed, "the fine-tune's card names its base");
    std::fs::write(&card, renamed).unwrap();
    run_in(
        &work,
        &[
            "sign",
            "upstream-model",
            "--key",
            "upstream-maintainer.key",
            "--name",
            upstream,
            "--version",
            "1.0",
            "-o",
            "upstream.sceau.json",
            "-q",
        ],
    );
    run_in(
        &work,
        &[
            "sign",
            "my-finetune",
            "--key",
            "fork-maintainer.key",
            "--name",
            "fork/my-finetune",
            "--version",
            "1.0",
            "-o",
            "ft.sceau.json",
            "-q",
            "--parent",
            "upstream.sceau.json:finetune",
        ],
    );
    run_in(
        &work,
        &["store", "add", "upstream.sceau.json", "--store", "records"],
    );
    // The hidden-ancestor section's `suspicious-model`: the upstream's weights re-published
    // as an original.
    copy_resolved(&base, &work.join("suspicious-model"));
    work
}

#[test]
fn every_command_of_the_readme_runs_as_written() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let blocks = sh_blocks(&readme);
    assert!(blocks.len() >= 4, "{} sh blocks found", blocks.len());
    let script = blocks.join("\n").replace("<rev>", REV);
    for word in [
        "cargo install",
        "sceau completions",
        "sceau man",
        "sceau verify",
    ] {
        assert!(script.contains(word), "the README no longer shows {word}");
    }
    let t = tempfile::tempdir().unwrap();
    let work = reader(t.path());
    let sceau_dir = bin().parent().expect("bin dir").to_owned();
    let path = format!(
        "{}:{}",
        sceau_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let have_man = Command::new("man").arg("--version").output().is_ok();
    let prelude = format!(
        "set -euo pipefail\n\
         cargo() {{ echo \"not run by the test: cargo $*\"; }}\n\
         {}\n",
        if have_man {
            String::new()
        } else {
            eprintln!("skipped: man not installed, `sceau man | man -l -` reads from a stub");
            "man() { cat >/dev/null; }".to_owned()
        }
    );
    let mut cmd = Command::new("bash");
    fixed_env(&mut cmd);
    let o = cmd
        .args(["--norc", "--noprofile", "-c", &format!("{prelude}{script}")])
        .current_dir(&work)
        .env("PATH", path)
        .env("HOME", t.path().join("home"))
        .env("SCEAU_PASSPHRASE", PASSPHRASE)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env_remove("XDG_CACHE_HOME")
        .output()
        .expect("run bash");
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(
        o.status.success(),
        "the README's commands failed:\n--- script\n{script}\n--- stdout\n{out}\n--- stderr\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // What the walkthrough says it makes.
    for made in [
        "tiny-llm.cdx.json",
        "alice.key",
        "alice.pub",
        "my-model.sceau.json",
        "policy.json",
        "policy-v2.json",
    ] {
        assert!(work.join(made).is_file(), "{made} not made:\n{out}\n{err}");
    }
    assert!(t
        .path()
        .join("home/.local/state/sceau/known-releases.json")
        .is_file());
    // Every verification of the walkthrough passed (each says VERIFIED).
    let verified = out.lines().filter(|l| l.starts_with("VERIFIED:")).count();
    let asked = script
        .lines()
        .filter(|l| l.trim_start().starts_with("sceau verify"))
        .count();
    assert_eq!(verified, asked, "{out}");
    assert!(
        out.contains("exit 1: its weights derive from a signed release it does not declare"),
        "sceau match did not find the upstream in the suspicious model:\n{out}"
    );
}
