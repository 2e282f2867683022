//! Recomputing a model's manifest and comparing it with a signed one (spec/oms.md §5).
mod hash;
mod walk;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use sceau_core::IgnoreRules;

use crate::error::TreeError;
use crate::ignore::{IgnoreSet, GIT_PATHS};
use crate::path::ModelPath;
use crate::predicate::{HashType, Method, Resource, ResourceName, MAX_RESOURCES};
use crate::root::{sort_posix, RootDigest};
use crate::verified::VerifiedOmsStatement;

/// How to enumerate a model beyond what the signature records (spec/oms.md §5.2).
#[derive(Clone, Debug)]
pub struct TreeOptions {
    /// The signature file, ignored when it lies inside the model (`model.sig`).
    pub signature: Option<PathBuf>,
    /// More paths to ignore, relative to the model root (or absolute, inside it), matched as
    /// OMS matches them: the path itself and everything below (`model_signing --ignore-paths`).
    pub ignore_paths: Vec<String>,
    /// sceau's `--exclude` rules, applied besides.
    pub exclude: Option<IgnoreRules>,
    /// Ignore `.git`, `.gitattributes`, `.github`, `.gitignore` at the top (the default).
    pub ignore_git_paths: bool,
    /// Hash only the files the signature lists; others are reported, not compared
    /// (`--ignore-unsigned-files`).
    pub ignore_unsigned_files: bool,
    /// Hashing workers.
    pub threads: usize,
}

impl Default for TreeOptions {
    fn default() -> Self {
        TreeOptions {
            signature: None,
            ignore_paths: Vec::new(),
            exclude: None,
            ignore_git_paths: true,
            ignore_unsigned_files: false,
            threads: sceau_scan::default_threads(),
        }
    }
}

/// A model's manifest as computed from disk.
#[derive(Clone, Debug)]
pub(crate) struct Manifest {
    /// Resources, in `model_signing`'s order.
    pub(crate) resources: Vec<Resource>,
    /// Files walked but not hashed (`ignore_unsigned_files`), sorted.
    pub(crate) unsigned: Vec<String>,
    /// The topmost paths sceau's `--exclude` rules left out, sorted.
    pub(crate) excluded: Vec<String>,
    /// Files or shards read and hashed (the others had a known digest).
    pub(crate) hashed: usize,
}

/// The ignore set for `root`: git paths, recorded paths, the signature, the caller's paths.
pub(crate) fn ignore_set(
    root: &Path,
    recorded: Option<&[String]>,
    opts: &TreeOptions,
) -> Result<IgnoreSet, TreeError> {
    let mut set = IgnoreSet::default();
    if opts.ignore_git_paths {
        for p in GIT_PATHS {
            set.add_canonical(p);
        }
    }
    for p in recorded.unwrap_or_default() {
        set.add_canonical(p);
    }
    let canonical_root = root.canonicalize().map_err(|e| TreeError::Io {
        path: root.to_owned(),
        source: e,
    })?;
    let inside = |p: &Path| -> Option<String> {
        let full = if p.is_absolute() {
            p.to_owned()
        } else {
            std::env::current_dir().ok()?.join(p)
        };
        // The file may not exist yet (when writing): resolve its folder.
        let resolved = full.canonicalize().ok().or_else(|| {
            let parent = full.parent()?.canonicalize().ok()?;
            Some(parent.join(full.file_name()?))
        })?;
        let rel = resolved.strip_prefix(&canonical_root).ok()?;
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let parts = parts?;
        (!parts.is_empty()).then(|| parts.join("/"))
    };
    if let Some(sig) = &opts.signature {
        if let Some(rel) = inside(sig) {
            set.add_canonical(&rel);
        }
    }
    for p in &opts.ignore_paths {
        if Path::new(p).is_absolute() {
            match inside(Path::new(p)) {
                Some(rel) => set.add_canonical(&rel),
                None => {
                    return Err(TreeError::IgnorePath {
                        path: p.clone(),
                        reason: "absolute paths must lie inside the model",
                    })
                }
            }
        } else {
            set.add_relative(p)?;
        }
    }
    Ok(set)
}

/// The serialization parameters that decide the resources.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HashParams {
    pub(crate) method: Method,
    pub(crate) hash_type: HashType,
    pub(crate) allow_symlinks: bool,
}

/// SHA-256 digests a caller already computed for files of the tree, by OMS name, each with
/// the size the file had when hashed (spec/oms.md §9).
pub(crate) type KnownSha256 = BTreeMap<String, (u64, [u8; 32])>;

/// Walks and hashes `root` with `params` (spec/oms.md §5). With `only`, files whose name is
/// not in it are listed as unsigned instead of hashed. `single_file_name` names the file of a
/// single-file model. With `known` (method `files`, SHA-256 only), a file listed there with
/// the size walked takes that digest unread.
pub(crate) fn compute_manifest(
    root: &Path,
    params: HashParams,
    ignores: &IgnoreSet,
    opts: &TreeOptions,
    only: Option<&HashSet<&str>>,
    single_file_name: &str,
    known: Option<&KnownSha256>,
) -> Result<Manifest, TreeError> {
    let HashParams {
        method,
        hash_type,
        allow_symlinks,
    } = params;
    let walk::Walked {
        files,
        mut excluded,
    } = walk::walk(root, allow_symlinks, ignores, opts.exclude.as_ref())?;
    let mut jobs = Vec::new();
    // Each resource, with its digest when known beforehand (then it has no job).
    let mut names: Vec<(ResourceName, Option<Vec<u8>>)> = Vec::new();
    let mut unsigned = Vec::new();
    let known = known.filter(|_| hash_type == HashType::Sha256);
    for f in files {
        let path = if f.parts.is_empty() {
            match ModelPath::parse(single_file_name) {
                Ok(p) => p,
                Err(_) => ModelPath::from_components(&[]),
            }
        } else {
            let refs: Vec<&str> = f.parts.iter().map(String::as_str).collect();
            ModelPath::from_components(&refs)
        };
        if only.is_some_and(|o| !o.contains(path.as_str())) {
            unsigned.push(path.as_str().to_owned());
            continue;
        }
        match method {
            Method::Files => {
                let digest = known
                    .and_then(|k| k.get(path.as_str()))
                    .filter(|(size, _)| *size == f.size)
                    .map(|(_, d)| d.to_vec());
                if digest.is_none() {
                    jobs.push(hash::Job {
                        path: f.path,
                        start: 0,
                        end: f.size,
                        file_size: f.size,
                    });
                }
                names.push((ResourceName::File(path), digest));
            }
            Method::Shards { shard_size } => {
                // Empty files have no shard (model_signing's _get_shards).
                let mut start = 0u64;
                while start < f.size {
                    let end = start.saturating_add(shard_size).min(f.size);
                    if jobs.len() >= MAX_RESOURCES {
                        return Err(TreeError::TooManyFiles(MAX_RESOURCES));
                    }
                    names.push((
                        ResourceName::Shard {
                            path: path.clone(),
                            start,
                            end,
                        },
                        None,
                    ));
                    jobs.push(hash::Job {
                        path: f.path.clone(),
                        start,
                        end,
                        file_size: f.size,
                    });
                    start = end;
                }
            }
        }
    }
    let hashed = jobs.len();
    let mut digests = hash::hash_jobs(&jobs, hash_type, opts.threads)?.into_iter();
    let mut resources: Vec<Resource> = names
        .into_iter()
        .map(|(name, known)| Resource {
            name,
            algorithm: hash_type,
            // One digest per job, in order: a resource without a known digest has one.
            digest: known.or_else(|| digests.next()).unwrap_or_default(),
        })
        .collect();
    sort_posix(&mut resources);
    unsigned.sort();
    excluded.sort();
    Ok(Manifest {
        resources,
        unsigned,
        excluded,
        hashed,
    })
}

/// A file or shard with a digest (lowercase hex).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileDigest {
    /// The resource name (`path`, or `path:start:end`).
    pub name: String,
    /// Its digest.
    pub digest: String,
}

/// A file or shard whose content differs from the signed one.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Modified {
    /// The resource name.
    pub name: String,
    /// The signed digest.
    pub expected: String,
    /// The digest on disk.
    pub actual: String,
}

/// A model folder compared with a verified manifest (spec/oms.md §5.4). Serialised for
/// reports: digests as lowercase hex, roots as `sha256:HEX`, the hash by its OMS name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TreeComparison {
    /// The hash algorithm of every digest here.
    pub hash_type: HashType,
    /// Resources whose digest matches.
    pub matched: usize,
    /// Resources whose content changed.
    pub modified: Vec<Modified>,
    /// Signed resources absent from disk, with their signed digest.
    pub missing: Vec<FileDigest>,
    /// Resources on disk the signature does not list, with their digest.
    pub extra: Vec<FileDigest>,
    /// Files not hashed because the signature does not list them (`ignore_unsigned_files`).
    pub unsigned: Vec<String>,
    /// Paths ignored (default, recorded, signature, caller's, and the topmost paths sceau's
    /// `--exclude` rules left out), sorted.
    pub ignored: Vec<String>,
    /// The signed root digest.
    pub root_recorded: RootDigest,
    /// The root of the manifest computed from disk, in `model_signing`'s order.
    pub root_computed: RootDigest,
}

impl TreeComparison {
    /// True when every signed resource is on disk unchanged and nothing unsigned was found
    /// (unsigned files count only when not ignored by `ignore_unsigned_files`).
    pub fn is_match(&self) -> bool {
        self.modified.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Recomputes the manifest of the model at `model` with the verified statement's
/// serialization (method, hash, symlink policy, recorded ignore paths) and `opts`, and
/// compares it with the signed one (spec/oms.md §5.4).
pub fn compare_tree(
    verified: &VerifiedOmsStatement,
    model: &Path,
    opts: &TreeOptions,
) -> Result<TreeComparison, TreeError> {
    let statement = verified.statement();
    let ser = statement.serialization();
    let ignores = ignore_set(model, ser.ignore_paths.as_deref(), opts)?;
    let signed: BTreeMap<String, &Resource> = statement
        .resources()
        .iter()
        .map(|r| (r.name.to_string(), r))
        .collect();
    // A single-file model's file is named `.` by model_signing, its basename by the OMS spec.
    let single_file_name = match statement.resources().first().map(|r| r.name.path()) {
        Some(p) if statement.resources().iter().all(|r| r.name.path() == p) => p.as_str(),
        _ => ModelPath::SINGLE_FILE,
    };
    let listed: HashSet<&str> = statement
        .resources()
        .iter()
        .map(|r| r.name.path().as_str())
        .collect();
    let params = HashParams {
        method: ser.method,
        hash_type: ser.hash_type,
        allow_symlinks: ser.allow_symlinks,
    };
    let manifest = compute_manifest(
        model,
        params,
        &ignores,
        opts,
        opts.ignore_unsigned_files.then_some(&listed),
        single_file_name,
        None,
    )?;
    let mut matched = 0;
    let mut modified = Vec::new();
    let mut extra = Vec::new();
    let mut seen = HashSet::new();
    for r in &manifest.resources {
        let name = r.name.to_string();
        match signed.get(&name) {
            Some(s) if s.digest == r.digest => matched += 1,
            Some(s) => modified.push(Modified {
                name: name.clone(),
                expected: hex::encode(&s.digest),
                actual: hex::encode(&r.digest),
            }),
            None => extra.push(FileDigest {
                name: name.clone(),
                digest: hex::encode(&r.digest),
            }),
        }
        seen.insert(name);
    }
    let missing = signed
        .iter()
        .filter(|(name, _)| !seen.contains(*name))
        .map(|(name, r)| FileDigest {
            name: name.clone(),
            digest: hex::encode(&r.digest),
        })
        .collect();
    Ok(TreeComparison {
        hash_type: ser.hash_type,
        matched,
        modified,
        missing,
        extra,
        unsigned: manifest.unsigned,
        ignored: {
            let mut all = ignores.to_strings();
            all.extend(manifest.excluded.iter().cloned());
            all.sort();
            all.dedup();
            all
        },
        root_recorded: statement.root,
        root_computed: RootDigest::of(&manifest.resources),
    })
}
