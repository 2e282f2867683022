//! Following a symlink of the tree hop by hop, each hop checked where it lands after
//! canonicalisation (spec/scan.md §1.2, §1.4).
//!
//! A hop is one `readlink`: its target, joined to the folder of the link, is resolved by
//! canonicalising that folder (so every symlink on the way is followed as the kernel would)
//! and keeping the last name as it is. Where it lands decides whether the chain may go on:
//!
//! | from | may land in |
//! |---|---|
//! | the tree | the tree; in a Hugging Face snapshot also the repository's real `blobs/` |
//! | the repository's `blobs/` | the cache's marked shared store, as `<2 hex>/<xet hash>` |
//! | the shared store | nowhere: the entry must be a regular file |
//!
//! Anything else is refused as [`ScanError::SymlinkEscapes`], naming the hop and the rule.
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use crate::error::{LinkRule, ScanError};
use crate::hf::{is_xet_hash, HfSnapshot};

/// Most hops followed before a chain is refused as a loop (Linux's own limit, MAXSYMLINKS).
pub const MAX_HOPS: usize = 40;

/// Where a hop landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Area {
    /// Inside the canonical root.
    Tree,
    /// Directly inside the snapshot's repository's real `blobs/`.
    RepoBlobs,
    /// A `<2 hex>/<xet hash>` entry of the cache's marked shared store.
    Shared,
}

/// Follows the symlink `path` (an entry of the tree, whose folder is canonical) to a regular
/// file, checking every hop. Returns where the chain ends (canonical) and that file's
/// metadata. Opens no file.
pub fn resolve(
    path: &Path,
    root: &Path,
    hf: Option<&HfSnapshot>,
) -> Result<(PathBuf, std::fs::Metadata), ScanError> {
    let mut link = path.to_owned();
    let mut from = Area::Tree;
    for hop in 1..=MAX_HOPS {
        let target = std::fs::read_link(&link).map_err(|e| ScanError::io(&link, e))?;
        let dir = link.parent().unwrap_or(root);
        let at = land(path, &dir.join(&target))?;
        let to = match area(&at, root, hf) {
            Some(to) if allowed(from, to) => to,
            found => {
                return Err(ScanError::SymlinkEscapes {
                    path: path.to_owned(),
                    hop,
                    target: at.clone(),
                    rule: refusal(from, found, &at, hf),
                })
            }
        };
        let m = match std::fs::symlink_metadata(&at) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(ScanError::DanglingSymlink(path.to_owned()))
            }
            Err(e) => return Err(ScanError::io(&at, e)),
        };
        let ft = m.file_type();
        if ft.is_symlink() {
            link = at;
            from = to;
            continue;
        }
        if ft.is_dir() {
            return Err(ScanError::SymlinkToDirectory(path.to_owned()));
        }
        if !ft.is_file() {
            return Err(ScanError::SpecialFile {
                path: path.to_owned(),
                kind: crate::walk::special_kind(&ft),
            });
        }
        return Ok((at, m));
    }
    Err(ScanError::SymlinkLoop(path.to_owned()))
}

/// Where `joined` (a hop's target joined to the link's folder) lands: its folder
/// canonicalised, its last name kept. A target ending in `..` or `.` names a folder: it is
/// canonicalised whole.
fn land(path: &Path, joined: &Path) -> Result<PathBuf, ScanError> {
    let last = joined.components().next_back();
    let (dir, name) = match (last, joined.parent()) {
        (Some(Component::Normal(name)), Some(dir)) => (dir, Some(name)),
        _ => (joined, None),
    };
    let dir = match dir.canonicalize() {
        Ok(d) => d,
        Err(e) if is_loop(&e) => return Err(ScanError::SymlinkLoop(path.to_owned())),
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Err(ScanError::DanglingSymlink(path.to_owned()))
        }
        Err(e) => return Err(ScanError::io(dir, e)),
    };
    Ok(match name {
        Some(n) => dir.join(n),
        None => dir,
    })
}

/// The area `at` (canonical folder, last name as linked) lies in, if any.
fn area(at: &Path, root: &Path, hf: Option<&HfSnapshot>) -> Option<Area> {
    if at.starts_with(root) {
        return Some(Area::Tree);
    }
    let hf = hf?;
    let parent = at.parent()?;
    if hf.blobs.as_deref() == Some(parent) {
        return Some(Area::RepoBlobs);
    }
    let store = hf.shared.as_deref()?;
    let name = at.file_name()?.to_str()?;
    let prefix = parent.file_name()?.to_str()?;
    (parent.parent() == Some(store) && is_xet_hash(name) && name.get(..2) == Some(prefix))
        .then_some(Area::Shared)
}

/// Whether a hop from `from` may land in `to` (the table at the top of this file).
fn allowed(from: Area, to: Area) -> bool {
    matches!(
        (from, to),
        (Area::Tree, Area::Tree) | (Area::Tree, Area::RepoBlobs) | (Area::RepoBlobs, Area::Shared)
    )
}

/// The rule a refused hop breaks, as precisely as the layout allows.
fn refusal(from: Area, found: Option<Area>, at: &Path, hf: Option<&HfSnapshot>) -> LinkRule {
    let Some(hf) = hf else {
        return LinkRule::OutsideTree;
    };
    match from {
        Area::Shared => LinkRule::SharedBlobIsALink,
        Area::RepoBlobs => {
            let in_candidate = at
                .parent()
                .and_then(Path::parent)
                .is_some_and(|p| p == hf.shared_candidate());
            if found.is_none() && in_candidate && hf.shared.is_none() {
                LinkRule::SharedStoreUnmarked
            } else {
                LinkRule::OutsideSharedStore
            }
        }
        Area::Tree => {
            let blobs_link = hf.repo.join("blobs");
            let is_link =
                std::fs::symlink_metadata(&blobs_link).is_ok_and(|m| m.file_type().is_symlink());
            let into_it = blobs_link
                .canonicalize()
                .is_ok_and(|c| at.parent() == Some(c.as_path()));
            if hf.blobs.is_none() && (is_link || into_it) {
                LinkRule::BlobsNotAFolder
            } else {
                LinkRule::OutsideSnapshotAndBlobs
            }
        }
    }
}

/// True for `ELOOP`: too many symlinks on the way.
#[cfg(unix)]
fn is_loop(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// No `ELOOP` here: a loop ends as another error, or after [`MAX_HOPS`] hops.
#[cfg(not(unix))]
fn is_loop(_: &std::io::Error) -> bool {
    false
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::walk::walk;
    use sceau_core::IgnoreRules;
    use sceau_fixtures::hf_cache_escapes::ESCAPES;

    fn cache(gen: sceau_fixtures::Generator) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let hub = t.path().join("hub");
        let outside = t.path().join("outside");
        std::fs::create_dir(&hub).unwrap();
        std::fs::create_dir(&outside).unwrap();
        gen(&hub).unwrap();
        (t, hub, outside)
    }

    fn walk_snapshot(hub: &Path) -> Result<crate::walk::Walk, ScanError> {
        walk(
            &sceau_fixtures::hf_cache_snapshot(hub),
            &IgnoreRules::default(),
        )
    }

    #[test]
    fn both_layouts_are_followed_to_the_same_files() {
        let (_t, classic, _) = cache(sceau_fixtures::hf_cache);
        let (_u, shared, _) = cache(sceau_fixtures::hf_cache_shared);
        let a = walk_snapshot(&classic).unwrap();
        let b = walk_snapshot(&shared).unwrap();
        let hf = b.hf.as_ref().unwrap();
        assert_eq!(
            hf.shared,
            Some(shared.join("blobs").canonicalize().unwrap())
        );
        assert_eq!(a.files.len(), b.files.len());
        for (x, y) in a.files.iter().zip(&b.files) {
            assert_eq!((&x.rel, x.size), (&y.rel, y.size));
            assert!(y.via_symlink);
        }
        // The published files end in the shared store: their identity is the store entry's.
        for name in sceau_fixtures::HF_CACHE_SHARED_FILES {
            let e = b.files.iter().find(|f| f.rel.as_str() == *name).unwrap();
            let bytes = std::fs::read(&e.path).unwrap();
            let entry = sceau_fixtures::hf_cache_shared_entry(&shared, &bytes);
            let m = std::fs::metadata(entry).unwrap();
            use std::os::unix::fs::MetadataExt;
            assert_eq!(e.file_id, Some((m.dev(), m.ino())));
        }
    }

    /// Every escape of the catalogue is refused, with the rule it breaks; none is followed.
    #[test]
    fn every_escape_is_refused_with_its_rule() {
        for (name, escape) in ESCAPES {
            let (_t, hub, outside) = cache(sceau_fixtures::hf_cache_shared);
            let named = escape(&hub, &outside).unwrap();
            let err = walk_snapshot(&hub).expect_err(name);
            let want = match *name {
                "blobs_symlink" => LinkRule::BlobsNotAFolder,
                "second_hop_outside" | "second_hop_other_repo" => LinkRule::OutsideSharedStore,
                "unmarked_store" | "marker_symlink" => LinkRule::SharedStoreUnmarked,
                "other_repo_blobs" | "snapshot_into_store" => LinkRule::OutsideSnapshotAndBlobs,
                "store_entry_symlink" => LinkRule::SharedBlobIsALink,
                other => panic!("no expectation for {other}"),
            };
            match &err {
                ScanError::SymlinkEscapes { path, rule, .. } => {
                    assert_eq!(*rule, want, "{name}: {err}");
                    // The refusal names the snapshot entry (or, for a blobs/ link, the first
                    // snapshot entry walked).
                    let rel = named.strip_prefix(&hub).unwrap();
                    if *name == "blobs_symlink" {
                        assert!(path.to_str().unwrap().contains("/snapshots/"), "{name}");
                    } else {
                        assert!(
                            path.ends_with(rel),
                            "{name}: {} vs {}",
                            path.display(),
                            rel.display()
                        );
                    }
                }
                other => panic!("{name}: {other}"),
            }
        }
    }

    #[test]
    fn ordinary_tree_every_hop_stays_inside() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("r");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("a.txt"), b"a").unwrap();
        // In-tree chains are followed.
        std::os::unix::fs::symlink("a.txt", root.join("b.txt")).unwrap();
        std::os::unix::fs::symlink("b.txt", root.join("c.txt")).unwrap();
        let w = walk(&root, &IgnoreRules::default()).unwrap();
        assert_eq!(w.files.len(), 3);
        // Out and back in: the first hop leaves the tree, refused though the end is inside.
        let out = t.path().join("out.txt");
        std::os::unix::fs::symlink(root.join("a.txt"), &out).unwrap();
        std::os::unix::fs::symlink(&out, root.join("d.txt")).unwrap();
        match walk(&root, &IgnoreRules::default()) {
            Err(ScanError::SymlinkEscapes { hop, rule, .. }) => {
                assert_eq!((hop, rule), (1, LinkRule::OutsideTree));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn long_chain_is_a_loop() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        std::fs::write(root.join("f0"), b"x").unwrap();
        for i in 1..=MAX_HOPS + 1 {
            std::os::unix::fs::symlink(format!("f{}", i - 1), root.join(format!("f{i}"))).unwrap();
        }
        assert!(matches!(
            walk(root, &IgnoreRules::default()),
            Err(ScanError::SymlinkLoop(p)) if p.ends_with(format!("f{}", MAX_HOPS + 1))
        ));
    }
}
