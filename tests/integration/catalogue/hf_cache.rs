//! A Hugging Face cache snapshot bent so that a link leaves the cache layout (spec/scan.md
//! §1.4): the snapshot is signed as `huggingface_hub` wrote it (both layouts: the repository's
//! `blobs/`, and the shared store of huggingface_hub ≥ 2.4), then one link is bent by a
//! `sceau_fixtures::hf_cache_escapes` helper. The content behind every bent link is the very
//! content signed, so only the layout rule can catch it: `verify` fails `tree files` naming
//! the snapshot entry, hop and rule; `scan` stops (exit 2) the same way. Real caches written
//! by huggingface_hub itself are in `hf_hub`.
use sceau_fixtures::hf_cache_escapes::{self as esc, Escape};

use super::*;

/// A shared-layout cache in `t/hub`, its snapshot signed by alice into `t/r.sceau.json`.
struct HfLab {
    t: tempfile::TempDir,
    hub: PathBuf,
    snap: PathBuf,
    public: PathBuf,
    record: PathBuf,
}

impl HfLab {
    fn new() -> HfLab {
        let t = tempfile::tempdir().unwrap();
        let hub = t.path().join("hub");
        std::fs::create_dir(&hub).unwrap();
        std::fs::create_dir(t.path().join("outside")).unwrap();
        sceau_fixtures::hf_cache_shared(&hub).unwrap();
        let snap = sceau_fixtures::hf_cache_snapshot(&hub);
        let (key, public) = keygen(t.path(), "alice");
        let record = t.path().join("r.sceau.json");
        sign(&snap, &key, &record);
        HfLab {
            t,
            hub,
            snap,
            public,
            record,
        }
    }
}

/// The shared-store layout as it is written signs and verifies: the baseline every case
/// below bends one link of.
#[test]
fn shared_blob_cache_signs_and_verifies() {
    let lab = HfLab::new();
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "verify",
        s(&lab.snap),
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--at",
        AT,
        "--json",
    ]);
    let r = report_of(&o);
    assert_exit(&o, 0);
    assert_eq!(r["tree"]["matched"], 10, "{r:#}");
    assert_unchanged(lab.t.path(), &before);
}

/// Bends the signed cache with `escape`; `verify` must fail `tree files` only and `scan`
/// must stop, both naming the snapshot entry (or the repository's `blobs`) and `rule`.
fn refused(escape: Escape, rule: &str) {
    let lab = HfLab::new();
    let named = escape(&lab.hub, &lab.t.path().join("outside")).unwrap();
    let named = named.file_name().unwrap().to_str().unwrap().to_owned();
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "verify",
        s(&lab.snap),
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--at",
        AT,
        "--json",
    ]);
    let r = report_of(&o);
    let d = assert_only_failure(
        &o,
        &r,
        "tree",
        "files",
        &["cannot check the folder", "symlink leaves the tree", rule],
    );
    assert!(d.contains("/snapshots/"), "{d}");
    if named != "blobs" {
        assert!(d.contains(&named), "{d:?} does not name {named}");
    }
    assert_unchanged(lab.t.path(), &before);

    let bom = lab.t.path().join("bom.json");
    let o = sceau(&["scan", s(&lab.snap), "-o", s(&bom), "-q"]);
    assert_input_error(&o, &["symlink leaves the tree", rule]);
    assert_unchanged(lab.t.path(), &before);
}

/// The repository's `blobs/` is a symlink to a folder outside the cache (holding the very
/// blobs): nothing behind it is followed.
#[test]
fn repo_blobs_folder_is_a_symlink() {
    refused(
        esc::blobs_symlink,
        "the repository's blobs/, which is a symlink or not a folder",
    );
}

/// A repository blob is a second symlink to a file outside the cache.
#[test]
fn second_hop_leaves_the_cache() {
    refused(
        esc::second_hop_outside,
        "outside the cache's shared blob store",
    );
}

/// The shared store has lost its marker: `<cache>/blobs` is then an ordinary folder.
#[test]
fn shared_store_without_its_marker() {
    refused(esc::unmarked_store, "which is not a shared blob store");
}

/// The marker is a symlink (to a file with the marker's content): not a marked store.
#[test]
fn shared_store_marker_is_a_symlink() {
    refused(esc::marker_symlink, "which is not a shared blob store");
}

/// A snapshot link goes into another repository's `blobs/` of the same cache.
#[test]
fn snapshot_link_into_another_repos_blobs() {
    refused(
        esc::other_repo_blobs,
        "outside the snapshot and its repository's blobs/ folder",
    );
}

/// A repository blob links to another repository's blob of the same cache.
#[test]
fn second_hop_into_another_repos_blobs() {
    refused(
        esc::second_hop_other_repo,
        "outside the cache's shared blob store",
    );
}

/// A snapshot link goes straight into the shared store, skipping the repository's `blobs/`.
#[test]
fn snapshot_link_straight_into_the_shared_store() {
    refused(
        esc::snapshot_into_store,
        "outside the snapshot and its repository's blobs/ folder",
    );
}

/// A shared-store entry is itself a symlink (a third hop) to a file outside the cache.
#[test]
fn shared_store_entry_is_a_symlink() {
    refused(
        esc::store_entry_symlink,
        "from the shared blob store, whose entries must be regular files",
    );
}
