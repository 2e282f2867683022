//! A release as the scanner sees it: every artifact typed, hashed and described.
use serde::{Deserialize, Serialize};

use crate::card::CardMeta;
use crate::digest::{Blake3Digest, Sha256Digest};
use crate::kind::ArtifactKind;
use crate::licence::Licence;
use crate::relpath::RelPath;
use crate::weights::{WeightInfo, WeightPrint};

/// A licence identified from a licence file's text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LicenceDetection {
    /// SPDX id of the closest known licence text.
    pub spdx_id: String,
    /// Similarity score in `[0, 1]`.
    pub confidence: f32,
}

/// One file of the release.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Artifact {
    /// Where the file sits, relative to the release root.
    pub path: RelPath,
    /// Size in bytes.
    pub size: u64,
    /// Whole-file SHA-256 (spec/record.md §2.3).
    pub sha256: Sha256Digest,
    /// Whole-file BLAKE3, the opt-in parallel digest, recorded beside the SHA-256 for large
    /// files when asked (spec/hashing.md §2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blake3: Option<Blake3Digest>,
    /// What the file is.
    pub kind: ArtifactKind,
    /// The licence that applies to this file, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<Licence>,
    /// For licence files: the licence their text matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected_licence: Option<LicenceDetection>,
    /// For weight files whose header sceau reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<WeightInfo>,
    /// Set when the artifact is a folder of a record in the manifest form (spec/manifest.md
    /// §6): `path` is the folder, `sha256` its root, `size` the bytes of its files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<Folder>,
    /// For weight files: their fingerprint, or why there is none (spec/fingerprint.md §5.4).
    /// `None` when fingerprints were not computed (`--no-fingerprints`, or a format sceau
    /// does not fingerprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<WeightPrint>,
}

/// A folder recorded as one artifact of a record in the manifest form (spec/manifest.md §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folder {
    /// Files below the folder, at any depth.
    pub files: u64,
}

/// The manifest a record in the manifest form refers to (spec/manifest.md §6): the file
/// listing every file of the tree, signed by its digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRef {
    /// SHA-256 of the manifest file's bytes: its content address.
    pub sha256: Sha256Digest,
    /// The root of the whole tree.
    pub root: Sha256Digest,
    /// Files the manifest lists.
    pub files: u64,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// Ignore rules applied by a scan and recorded with it (spec/scan.md §2).
///
/// Each rule is one of: `NAME/` — a directory called NAME at any depth; `*SUFFIX` — a file
/// whose name ends with SUFFIX at any depth; `=PATH` — exactly the relative path PATH, read
/// literally (used for the record file itself); anything else — one exact relative path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgnoreRules(pub Vec<String>);

/// The rules every scan starts with (spec/scan.md §2.1).
pub const DEFAULT_IGNORES: &[&str] = &[".git/", ".cache/huggingface/", "*.sceau.json"];

impl Default for IgnoreRules {
    fn default() -> Self {
        IgnoreRules(DEFAULT_IGNORES.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl IgnoreRules {
    /// True when a directory at `path` (relative, `/`-separated) is skipped whole.
    pub fn ignores_dir(&self, path: &str) -> bool {
        self.0.iter().any(|r| match r.strip_suffix('/') {
            Some(dir) if dir.contains('/') => path == dir || path.ends_with(&format!("/{dir}")),
            Some(dir) => path.rsplit('/').next() == Some(dir),
            None => false,
        })
    }

    /// True when a file at `path` is skipped.
    pub fn ignores_file(&self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.0.iter().any(|r| {
            if let Some(exact) = r.strip_prefix('=') {
                exact == path
            } else if let Some(dir) = r.strip_suffix('/') {
                // A `NAME/` rule also covers a file called NAME at the same place: git
                // worktrees and submodules have a `.git` file instead of a folder.
                !dir.contains('/') && name == dir || dir.contains('/') && path == dir
            } else if let Some(suffix) = r.strip_prefix('*') {
                name.ends_with(suffix)
            } else {
                r == path
            }
        })
    }

    /// True when `path` or any of its parent directories is ignored.
    pub fn ignores_path(&self, path: &str) -> bool {
        if self.ignores_file(path) {
            return true;
        }
        let mut end = 0;
        while let Some(i) = path[end..].find('/') {
            end += i;
            if self.ignores_dir(&path[..end]) {
                return true;
            }
            end += 1;
        }
        false
    }

    /// Adds an exact path rule unless already covered.
    pub fn add(&mut self, rule: String) {
        if !self.0.contains(&rule) {
            self.0.push(rule);
        }
    }
}

/// A scanned release: what a record describes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Release {
    /// Release name (e.g. `example-org/tiny-llm`).
    pub name: String,
    /// Release version (free text, compared for rollback by spec/policy.md rules).
    pub version: String,
    /// Artifacts sorted by path.
    pub artifacts: Vec<Artifact>,
    /// The licence the release declares (from the card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<Licence>,
    /// The model card's metadata, if the release has a card with front matter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardMeta>,
    /// The ignore rules the scan applied.
    pub ignore: IgnoreRules,
    /// The releases this one derives from (spec/lineage.md §1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<crate::lineage::Parent>,
    /// A quantized release declares that its tokenizer differs from its parent's on purpose
    /// (spec/lineage.md, quantized rule).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tokenizer_changed: bool,
    /// What the maintainers claim: licences per component, datasets, uses, openness
    /// (spec/claims.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<crate::claims::Claims>,
    /// Set for a record in the manifest form: the manifest of every file (spec/manifest.md §6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<ManifestRef>,
    /// The model's OpenSSF Model Signing identity: the root digest of the OMS signature
    /// written beside the record (`sceau sign --oms`), over the same files, in
    /// `model_signing`'s resource order (spec/oms.md §11). It ties the BOM, the lineage and
    /// the claims to the model that OMS signature names; `sceau verify --oms` checks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oms_root: Option<crate::digest::Sha256Digest>,
}

impl Release {
    /// Total bytes over all artifacts.
    pub fn total_bytes(&self) -> u64 {
        // Saturating: sizes come from records, which may be hostile.
        self.artifacts
            .iter()
            .fold(0u64, |t, a| t.saturating_add(a.size))
    }

    /// Total parameters over all weight files whose header was read.
    pub fn parameter_count(&self) -> u64 {
        self.artifacts
            .iter()
            .filter_map(|a| a.weights.as_ref())
            .map(|w| w.parameter_count)
            .fold(0u64, u64::saturating_add)
    }

    /// Files in the release: the manifest's count in the manifest form, else the artifacts.
    pub fn file_count(&self) -> u64 {
        match &self.manifest {
            Some(m) => m.files,
            None => self.artifacts.len() as u64,
        }
    }

    /// The artifact at `path`.
    pub fn artifact(&self, path: &str) -> Option<&Artifact> {
        self.artifacts
            .binary_search_by(|a| a.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.artifacts[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules_ignore_git_caches_and_records() {
        let r = IgnoreRules::default();
        assert!(r.ignores_path(".git/HEAD"));
        assert!(r.ignores_path("sub/.git/config"));
        assert!(r.ignores_path(".cache/huggingface/download/x.lock"));
        assert!(r.ignores_path("release.sceau.json"));
        assert!(!r.ignores_path(".gitattributes"));
        assert!(
            r.ignores_path(".git"),
            "a .git file (worktree) is ignored too"
        );
        assert!(!r.ignores_path("git/x"));
        assert!(!r.ignores_path(".cache/other"));
        let mut r = r;
        r.add("out/record.json".into());
        assert!(r.ignores_path("out/record.json"));
        assert!(!r.ignores_path("record.json"));
        r.add("=*.py".into());
        assert!(r.ignores_path("*.py"), "an = rule is literal");
        assert!(!r.ignores_path("evil.py"), "an = rule is not a pattern");
    }
}
