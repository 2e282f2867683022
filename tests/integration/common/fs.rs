//! Files on disk: fixtures in temporary folders, digests computed independently of sceau, and
//! snapshots of a whole folder to prove that a run created or changed nothing.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sceau_fixtures::ReleaseBuilder;

/// A temp dir holding a generated release in `release/`.
pub fn fixture(release: impl Into<ReleaseBuilder>) -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path().join("release");
    release.into().write_new(&d).expect("generate fixture");
    (t, d)
}

/// Path as &str.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Every path under `dir`, sorted (to check nothing was written).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        if let Ok(rd) = std::fs::read_dir(&d) {
            for e in rd.flatten() {
                let p = e.path();
                if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                    stack.push(p.clone());
                }
                v.push(p.display().to_string());
            }
        }
    }
    v.sort();
    v
}

/// SHA-256 (hex) of bytes, computed by an implementation independent of sceau's.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// sha256sum of a file.
pub fn sha256_file(p: &Path) -> String {
    sha256_hex(&std::fs::read(p).expect("read"))
}

/// Flips the lowest bit of byte `at` of a file.
pub fn flip_byte(p: &Path, at: usize) {
    let mut b = std::fs::read(p).expect("read");
    b[at] ^= 0x01;
    std::fs::write(p, b).expect("write");
}

/// Every entry under `root`, symlinks not followed, with its type and, for regular files, its
/// length and SHA-256. Special files are never opened.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
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
                Ok(b) => format!("file {} {}", b.len(), sha256_hex(&b)),
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
pub fn assert_unchanged(root: &Path, before: &BTreeMap<PathBuf, String>) {
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

/// A file of the project (`testdata/…`, `tests/…`).
pub fn project_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A standard shipped in `testdata/standards/`.
pub fn standard_file(name: &str) -> PathBuf {
    project_file("testdata/standards").join(name)
}
