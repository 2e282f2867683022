//! Hugging Face caches written by `huggingface_hub` itself (helper `tests/interop/hf_cache.py`):
//! its `hf_hub_download`, against a loopback stand-in for the hub's `resolve` endpoint, writes
//! the classic layout; its own `publish_blob_to_shared_store` then moves the LFS blobs into the
//! cache's shared store, the layout huggingface_hub ≥ 2.4 writes after a Xet download; and its
//! `scan_cache_dir` reads both back. sceau must scan, sign and verify both, record the
//! snapshot's files under their snapshot paths with the digests of their content, and refuse
//! the real layout once it is bent (spec/scan.md §1.4).
//!
//! The interpreter is `$SCEAU_PYTHON`, else `python3`. Without huggingface_hub ≥ 2.4 the tests
//! say "skipped" and pass, unless `SCEAU_REQUIRE_INTEROP=1` (CI), where they fail.
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// The Python interpreter to use, or None (with a "skipped" message) when it lacks
/// huggingface_hub with the shared blob store and interop is not required.
fn python() -> Option<String> {
    let py = std::env::var("SCEAU_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&py)
        .args([
            "-c",
            "import huggingface_hub; \
             from huggingface_hub.utils._shared_blobs import publish_blob_to_shared_store; \
             print(huggingface_hub.__version__)",
        ])
        .output();
    let why = match probe {
        Ok(o) if o.status.success() => return Some(py),
        Ok(o) => format!(
            "{py} cannot import huggingface_hub's shared blob store: {}",
            stderr(&o).lines().last().unwrap_or("")
        ),
        Err(e) => format!("cannot run {py}: {e}"),
    };
    if std::env::var("SCEAU_REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!("SCEAU_REQUIRE_INTEROP=1 but {why}");
    }
    eprintln!(
        "skipped: {why} (pip install 'huggingface_hub>=2.4', or set SCEAU_PYTHON to an \
         interpreter that has it)"
    );
    None
}

/// A cache written by huggingface_hub in `t/cache` from the hf_model fixture's files.
struct Cache {
    t: tempfile::TempDir,
    snap: PathBuf,
    /// The snapshot paths served as LFS files (etag = SHA-256).
    lfs: Vec<String>,
    /// The shared-store entries (empty for the classic layout).
    shared: Vec<PathBuf>,
}

fn write_cache(py: &str, shared: bool) -> Cache {
    let (t, files) = fixture(sceau_fixtures::hf_model);
    let cache = t.path().join("cache");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/hf_cache.py");
    let mut c = Command::new(py);
    c.arg(&script).args([
        s(&files),
        s(&cache),
        sceau_fixtures::HF_MODEL_REPO_ID,
        sceau_fixtures::HF_CACHE_REVISION,
    ]);
    if shared {
        c.arg("--shared");
    }
    let o = c.env_remove("HF_HUB_OFFLINE").output().expect("run python");
    assert!(
        o.status.success(),
        "hf_cache.py failed:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("hf_cache.py JSON");
    eprintln!("huggingface_hub {}", v["version"]);
    let strings = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect()
    };
    let snap = PathBuf::from(v["snapshot"].as_str().unwrap());
    assert!(snap.ends_with(sceau_fixtures::HF_CACHE_REVISION));
    // The release folder itself is gone from the picture: only the cache is scanned.
    std::fs::remove_dir_all(&files).unwrap();
    Cache {
        t,
        snap,
        lfs: strings("lfs"),
        shared: strings("shared").into_iter().map(PathBuf::from).collect(),
    }
}

/// Scans, signs and verifies the snapshot; the BOM names every file by its snapshot path
/// with the SHA-256 of its content. Returns alice's public key and the record.
fn scan_sign_verify(c: &Cache) -> (PathBuf, PathBuf) {
    let bom = c.t.path().join("bom.json");
    let o = sceau(&["scan", s(&c.snap), "-o", s(&bom), "--json"]);
    assert_exit(&o, 0);
    let summary: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["name"], sceau_fixtures::HF_MODEL_REPO_ID);
    assert_eq!(summary["version"], sceau_fixtures::HF_CACHE_REVISION);
    let bom: Value = serde_json::from_slice(&std::fs::read(&bom).unwrap()).unwrap();
    let components = bom["components"].as_array().unwrap();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&c.snap).unwrap().flatten() {
        let name = entry.file_name().into_string().unwrap();
        let comp = components
            .iter()
            .find(|x| x["name"] == name.as_str())
            .unwrap_or_else(|| panic!("{name} not in the BOM"));
        assert_eq!(comp["hashes"][0]["content"], sha256_file(&entry.path()));
        names.push(name);
    }
    assert_eq!(components.len(), names.len());

    let (key, public) = keygen(c.t.path(), "alice");
    let rec = c.t.path().join("r.sceau.json");
    assert_exit(
        &sceau(&["sign", s(&c.snap), "--key", s(&key), "-o", s(&rec), "-q"]),
        0,
    );
    let (o, r) = verify_json(&[s(&c.snap), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    assert_eq!(r["tree"]["matched"], names.len(), "{r:#}");
    (public, rec)
}

#[test]
fn classic_cache_written_by_huggingface_hub_scans_signs_and_verifies() {
    let Some(py) = python() else { return };
    let c = write_cache(&py, false);
    assert!(c.shared.is_empty());
    let (public, rec) = scan_sign_verify(&c);
    // The content checked is the repository blob behind the link.
    let lfs = c.snap.join(&c.lfs[0]);
    let blob = std::fs::canonicalize(&lfs).unwrap();
    assert_eq!(blob.parent().unwrap().file_name().unwrap(), "blobs");
    flip_byte(&blob, 10);
    let (o, r) = verify_json(&[s(&c.snap), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 1);
    assert_check(&r, "tree", "modified", "fail", &[c.lfs[0].as_str()]);
}

#[test]
fn shared_blob_cache_written_by_huggingface_hub_scans_signs_and_verifies() {
    let Some(py) = python() else { return };
    let c = write_cache(&py, true);
    assert!(!c.shared.is_empty(), "nothing was published");
    // The layout is the two-hop one: snapshot -> repository blob -> store entry.
    for name in &c.lfs {
        let link = c.snap.join(name);
        let repo_blob = link
            .parent()
            .unwrap()
            .join(std::fs::read_link(&link).unwrap());
        assert!(std::fs::symlink_metadata(&repo_blob)
            .unwrap()
            .file_type()
            .is_symlink());
        let end = std::fs::canonicalize(&link).unwrap();
        assert!(c.shared.contains(&end), "{} -> {}", name, end.display());
    }
    let (public, rec) = scan_sign_verify(&c);

    // A changed store entry is a modified file, named by its snapshot path.
    let entry = std::fs::canonicalize(c.snap.join(&c.lfs[0])).unwrap();
    let mut perm = std::fs::metadata(&entry).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(&entry, perm).unwrap();
    flip_byte(&entry, 10);
    let (o, r) = verify_json(&[s(&c.snap), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 1);
    assert_check(&r, "tree", "modified", "fail", &[c.lfs[0].as_str()]);
    flip_byte(&entry, 10);

    // The store unmarked: the second hop is no longer followed.
    let store = entry.parent().unwrap().parent().unwrap();
    std::fs::remove_file(store.join(sceau_fixtures::HF_SHARED_MARKER)).unwrap();
    let (o, r) = verify_json(&[s(&c.snap), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 1);
    assert_check(
        &r,
        "tree",
        "files",
        "fail",
        &["symlink leaves the tree", "not a shared blob store"],
    );
}
