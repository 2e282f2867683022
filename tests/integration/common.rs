//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The path of the built `sceau` binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sceau"))
}

/// Runs sceau with `args`, a fixed time and no passphrase prompts.
pub fn sceau(args: &[&str]) -> Output {
    sceau_in(Path::new("."), args)
}

/// Runs sceau in `cwd`.
pub fn sceau_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env_remove("SCEAU_PASSPHRASE")
        .output()
        .expect("run sceau")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exit code (panics on a signal: a crash is a test failure).
pub fn code(o: &Output) -> i32 {
    o.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {}", stderr(o)))
}

/// Asserts exit code `want` and that nothing panicked.
#[track_caller]
pub fn assert_exit(o: &Output, want: i32) {
    let e = stderr(o);
    assert!(!e.contains("panicked"), "sceau panicked:\n{e}");
    assert_eq!(code(o), want, "stdout:\n{}\nstderr:\n{e}", stdout(o));
}

/// A temp dir holding a generated fixture in `release/`.
pub fn fixture(gen: fn(&Path) -> anyhow::Result<()>) -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path().join("release");
    std::fs::create_dir(&d).expect("mkdir");
    gen(&d).expect("generate fixture");
    (t, d)
}

/// Path as &str.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Lists every file name under `dir` (to check nothing was written).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir(dir);
    v.sort();
    v
}

fn walkdir(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            out.push(p.display().to_string());
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                out.extend(walkdir(&p));
            }
        }
    }
    out
}

/// sha256sum of a file, computed by an independent implementation.
pub fn sha256_file(p: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(p).expect("read")))
}
