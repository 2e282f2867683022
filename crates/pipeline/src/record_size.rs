//! The least size a release record can have, known from the walk alone, before any file is
//! hashed (spec/record.md §2.6): a release whose record could never be signed is refused in
//! the time of a directory listing, not after hashing every file.
//!
//! Each file costs at least its Statement subject and its BOM component, written as compact
//! JSON (spec/record.md §2.1, spec/bom.md §2): the fixed bytes of both (field names, the
//! 64-digit SHA-256 twice, BLAKE3 twice when recorded), the path three times (subject name,
//! component name, `bom-ref`), the shortest component type and kind names and the size in
//! decimal. Licences, weight facts, the card and everything else of the record only add to
//! it, and a path written with JSON escapes is only longer, so the sum is a lower bound; the
//! envelope carries the payload in base64, a third more. The test below holds the bound under
//! the records `Release::to_statement` writes.
use sceau_scan::hash::BLAKE3_MIN_SIZE;
use sceau_scan::{FileEntry, ScanOptions};

/// `{"name":"","digest":{"sha256":""}}`: a subject without its path and digest.
const SUBJECT_FIXED: u64 = 34;
/// `"blake3":"",` in a subject's digests, without the digest.
const SUBJECT_BLAKE3_FIXED: u64 = 12;
/// A file component without its type, path (twice), SHA-256, kind and size:
/// `{"type":"","bom-ref":"artifact:","name":"","hashes":[{"alg":"SHA-256","content":""}],`
/// `"properties":[{"name":"sceau:kind","value":""},{"name":"sceau:size","value":""}]}`.
const COMPONENT_FIXED: u64 = 166;
/// `,{"alg":"BLAKE3","content":""}`: a component's BLAKE3 hash, without the digest.
const COMPONENT_BLAKE3_FIXED: u64 = 30;
/// Hex digits of a SHA-256 or BLAKE3 digest.
const DIGEST_HEX: u64 = 64;
/// The shortest component type (`file`, `data`) and the shortest kind name (`code`, `docs`).
const SHORTEST_NAME: u64 = 4;

/// The least bytes the payload can take for one file.
fn file_payload_min(rel_len: u64, size: u64, blake3: bool) -> u64 {
    let digits = u64::from(size.checked_ilog10().unwrap_or(0)) + 1;
    let mut n = SUBJECT_FIXED + DIGEST_HEX + rel_len;
    n += COMPONENT_FIXED + DIGEST_HEX + 2 * rel_len + 2 * SHORTEST_NAME + digits;
    if blake3 {
        n += SUBJECT_BLAKE3_FIXED + COMPONENT_BLAKE3_FIXED + 2 * DIGEST_HEX;
    }
    // The comma before it in the subject list and in the component list.
    n + 2
}

/// The least bytes the signed envelope of a release of `files`, scanned with `opts`, can
/// take: the payload's lower bound in base64.
pub fn envelope_min_bytes(files: &[FileEntry], opts: &ScanOptions) -> u64 {
    let payload = files.iter().fold(0u64, |acc, f| {
        let blake3 = opts.parallel_digest && f.size >= BLAKE3_MIN_SIZE;
        acc.saturating_add(file_payload_min(
            f.rel.as_str().len() as u64,
            f.size,
            blake3,
        ))
    });
    payload.saturating_mul(4).div_ceil(3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sceau_core::{Artifact, ArtifactKind, Blake3Digest, RelPath, Release, Sha256Digest};

    fn entry(rel: &str, size: u64) -> FileEntry {
        FileEntry {
            rel: RelPath::new(rel).unwrap(),
            path: rel.into(),
            size,
            via_symlink: false,
            file_id: None,
            stamp: None,
        }
    }

    /// The bound never passes the size of a real record's envelope, for every kind, with and
    /// without BLAKE3, short and long paths, small and large sizes; and it is tight: the
    /// release's own fields (name, BOM metadata) and each file's real kind and type names
    /// make the whole difference.
    #[test]
    fn bound_holds_under_real_records() {
        for parallel_digest in [false, true] {
            let mut entries = Vec::new();
            let mut artifacts = Vec::new();
            for (i, kind) in ArtifactKind::ALL.iter().enumerate() {
                for (j, size) in [0u64, 9, 10, BLAKE3_MIN_SIZE, 1 << 50].iter().enumerate() {
                    let rel = format!("d{i}/{}{j}.bin", "x".repeat(i * 37));
                    entries.push(entry(&rel, *size));
                    artifacts.push(Artifact {
                        path: RelPath::new(&rel).unwrap(),
                        size: *size,
                        sha256: Sha256Digest([7; 32]),
                        blake3: (parallel_digest && *size >= BLAKE3_MIN_SIZE)
                            .then_some(Blake3Digest([9; 32])),
                        kind: *kind,
                        licence: None,
                        detected_licence: None,
                        weights: None,
                        folder: None,
                        fingerprint: None,
                    });
                }
            }
            artifacts.sort_by(|a, b| a.path.cmp(&b.path));
            let release = Release {
                name: "n".into(),
                version: "1".into(),
                artifacts,
                licence: None,
                card: None,
                ignore: Default::default(),
                parents: Vec::new(),
                tokenizer_changed: false,
                oms_root: None,
                claims: None,
                manifest: None,
            };
            let payload = release
                .to_statement("2026-01-01T00:00:00Z")
                .to_payload()
                .len() as u64;
            let envelope = payload.div_ceil(3) * 4;
            let opts = ScanOptions {
                parallel_digest,
                ..ScanOptions::default()
            };
            let bound = envelope_min_bytes(&entries, &opts);
            assert!(bound <= envelope, "{bound} > {envelope}");
            // Tight: within the fixed part of a record and a few bytes of names per file.
            let slack = 4096 + 30 * entries.len() as u64;
            assert!(envelope - bound < slack, "{bound} vs {envelope}");
        }
    }
}
