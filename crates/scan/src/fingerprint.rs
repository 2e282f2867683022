//! Fingerprinting the weight files of a scan (spec/scan.md §9, spec/fingerprint.md §5.4).
//!
//! Every artifact of kind `weights` whose name ends in `.safetensors`, `.gguf` or `.onnx` gets
//! a fingerprint, or the reason it has none: a file the reader refuses (hostile or truncated
//! headers are errors of `sceau-fingerprint`, never panics), a file with no tensor to sketch,
//! or a fingerprint over the size limits below. Nothing here fails the scan: a weight file
//! without a fingerprint is still hashed and recorded.
use std::path::Path;

use sceau_core::weights::MAX_FINGERPRINT_VALUE_BYTES;
use sceau_core::{Artifact, ArtifactKind, RelPath, WeightPrint};
use sceau_fingerprint::{Fingerprint, Format};

use crate::walk::FileEntry;
use crate::ScanError;

/// Most bytes of fingerprint values (base64) one release records, over all its weight files
/// (spec/scan.md §9): a quarter of the record limit
/// (`sceau_core::dsse::MAX_ENVELOPE_BYTES`), which base64 grows by a third again in the
/// envelope. Files past it are recorded as not fingerprinted.
pub const MAX_FINGERPRINT_TOTAL_BYTES: usize = 16 << 20;

/// Fingerprints the weight files among `artifacts` (each found among the walked `files` by
/// its path; folders recorded whole have none), setting each one's `fingerprint`, in artifact
/// order. Returns the files that were not fingerprinted, with the reason recorded.
pub fn fingerprint_artifacts(
    artifacts: &mut [Artifact],
    files: &[FileEntry],
) -> Vec<(String, String)> {
    let walked: std::collections::HashMap<&str, &FileEntry> = files
        .iter()
        .filter(|f| crate::classify::classify(f.rel.as_str()) == ArtifactKind::Weights)
        .map(|f| (f.rel.as_str(), f))
        .collect();
    let mut skipped = Vec::new();
    let mut budget = Budget::default();
    for a in artifacts.iter_mut() {
        if a.kind != ArtifactKind::Weights || a.folder.is_some() {
            continue;
        }
        let Some(entry) = walked.get(a.path.as_str()) else {
            continue;
        };
        let Some(print) = budget.print(entry) else {
            continue;
        };
        if let WeightPrint::Skipped { reason } = &print {
            skipped.push((a.path.as_str().to_owned(), reason.clone()));
        }
        a.fingerprint = Some(print);
    }
    skipped
}

/// The fingerprints of the weight files of a folder, without hashing anything
/// (`sceau match DIR`): the folder is walked with `ignore` as a scan walks it (spec/scan.md
/// §1), files are classified (§3), and each weight file in a format sceau fingerprints gets
/// its fingerprint or the reason it has none, under the same limits as a scan.
pub fn fingerprint_folder(
    root: &Path,
    ignore: &sceau_core::IgnoreRules,
) -> Result<Vec<(RelPath, WeightPrint)>, ScanError> {
    let w = crate::walk(root, ignore)?;
    let mut budget = Budget::default();
    let mut out = Vec::new();
    for entry in &w.files {
        if crate::classify::classify(entry.rel.as_str()) != ArtifactKind::Weights {
            continue;
        }
        if let Some(print) = budget.print(entry) {
            out.push((entry.rel.clone(), print));
        }
    }
    Ok(out)
}

/// The running total of fingerprint bytes of one release ([`MAX_FINGERPRINT_TOTAL_BYTES`]).
#[derive(Default)]
struct Budget {
    total: usize,
}

impl Budget {
    /// The fingerprint of a weight file, or why there is none; `None` for a format sceau
    /// does not fingerprint.
    fn print(&mut self, entry: &FileEntry) -> Option<WeightPrint> {
        let format = Format::from_path(Path::new(entry.rel.as_str()))?;
        Some(match fingerprint_file(entry, format) {
            Ok(value) if self.total.saturating_add(value.len()) > MAX_FINGERPRINT_TOTAL_BYTES => {
                WeightPrint::skipped(&format!(
                    "the release's fingerprints would pass {} MiB (spec/scan.md §9)",
                    MAX_FINGERPRINT_TOTAL_BYTES >> 20
                ))
            }
            Ok(value) => {
                self.total += value.len();
                WeightPrint::recorded(value)
                    .unwrap_or_else(|e| WeightPrint::skipped(&e.to_string()))
            }
            Err(reason) => WeightPrint::skipped(&reason),
        })
    }
}

/// The base64 fingerprint of one file, or why there is none.
fn fingerprint_file(entry: &FileEntry, format: Format) -> Result<String, String> {
    // Opened as the hasher opens files: without blocking, a regular file, the one walked.
    let f = crate::hash::open_regular(&entry.path).map_err(|e| e.to_string())?;
    let now = crate::stamp::Stamp::of(&f.metadata().map_err(|e| e.to_string())?);
    if now.len != entry.size
        || (cfg!(unix) && entry.file_id.is_some_and(|id| id != (now.dev, now.ino)))
    {
        return Err("the file changed or was replaced after it was listed".into());
    }
    let fp = Fingerprint::from_open_file(f, &entry.path, format).map_err(|e| match e {
        // The path is the artifact's; the message names the problem.
        sceau_fingerprint::FingerprintError::Read { source, .. } => source.to_string(),
        other => other.to_string(),
    })?;
    if fp.tensors.is_empty() {
        return Err(format!(
            "no tensor to sketch ({} tensor(s) skipped: integer, tiny, constant or of an \
             element type not sampled)",
            fp.skipped.len()
        ));
    }
    let value = fp.to_bom_value();
    if value.len() > MAX_FINGERPRINT_VALUE_BYTES {
        return Err(format!(
            "the fingerprint of {} tensors would be {} bytes, over the limit of {} per file",
            fp.tensors.len(),
            value.len(),
            MAX_FINGERPRINT_VALUE_BYTES
        ));
    }
    Ok(value)
}
