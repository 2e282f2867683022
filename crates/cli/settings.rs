//! Checked settings built from raw arguments before any I/O, and the clock.
use std::path::Path;

use anyhow::anyhow;
use sceau_core::{IgnoreRules, Timestamp};
use sceau_scan::ScanOptions;

use crate::args::{CacheArgs, TreeArgs};
use crate::error::CliError;

/// Builds scan options from tree arguments; `exclude_file` is an output path that may lie
/// inside the tree (it is then left out of the scan and the rule recorded).
pub fn scan_options(
    dir: &Path,
    tree: &TreeArgs,
    exclude_file: Option<&Path>,
) -> Result<ScanOptions, CliError> {
    let mut ignore = IgnoreRules::default();
    for pat in &tree.exclude {
        ignore.add(exclude_pattern(pat)?);
    }
    let manifest = exclude_file.map(|out| manifest_path(tree.manifest.as_deref(), out));
    for out in exclude_file.into_iter().chain(manifest.as_deref()) {
        if let Some(rel) = relative_inside(dir, out) {
            // `=` makes the rule an exact path whatever characters the name holds.
            ignore.add(format!("={rel}"));
        }
    }
    for part in &tree.parts {
        if let Some(rel) = relative_inside(dir, part) {
            ignore.add(format!("={rel}"));
        }
    }
    for (flag, value) in [("--name", &tree.name), ("--version", &tree.version)] {
        if let Some(v) = value {
            if v.trim().is_empty() {
                return Err(CliError::input(anyhow!("{flag} is empty")));
            }
            sceau_core::name::check_name(v).map_err(|e| {
                CliError::input(anyhow!("{flag} {v:?}: {e}")).hint(
                    "names and versions are printed to people: use visible characters only, in NFC",
                )
            })?;
        }
    }
    if tree.threads == Some(0) {
        return Err(CliError::input(anyhow!("--threads must be at least 1")));
    }
    Ok(ScanOptions {
        name: tree.name.clone(),
        version: tree.version.clone(),
        ignore,
        threads: tree.threads.unwrap_or_else(sceau_scan::default_threads),
        parallel_digest: tree.parallel_digest,
        cache: open_cache(&tree.cache)?,
        form: if tree.always_manifest {
            sceau_scan::Form::Manifest
        } else {
            sceau_scan::Form::Auto
        },
        // The manifest is written in its final folder, then renamed into place.
        manifest_dir: manifest.as_deref().map(|m| match m.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => std::path::PathBuf::from("."),
        }),
        parts: tree.parts.clone(),
        fingerprints: !tree.no_fingerprints,
    })
}

/// The manifest of `output` (a record or a BOM): `given`, else beside it with `.manifest` for
/// `.json` (spec/manifest.md §6.2).
pub fn manifest_path(given: Option<&Path>, output: &Path) -> std::path::PathBuf {
    if let Some(g) = given {
        return g.to_owned();
    }
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".json").unwrap_or(&name);
    output.with_file_name(format!("{stem}.manifest"))
}

/// An `--exclude` pattern, checked: `NAME/`, `*SUFFIX` or a relative path inside DIR
/// (spec/scan.md §2), never absolute, empty or with a `..` component.
pub fn exclude_pattern(pat: &str) -> Result<String, CliError> {
    if pat.is_empty()
        || pat.contains('\\')
        || pat.starts_with('/')
        || pat.split('/').any(|s| s == "..")
    {
        return Err(
            CliError::input(anyhow!("--exclude {pat:?}: not a relative pattern"))
                .hint("use NAME/, *SUFFIX or a relative path inside DIR"),
        );
    }
    Ok(pat.to_owned())
}

/// Opens the digest cache when `--cache` or `--cache-dir` asks for it (spec/hashing.md §4).
/// Loading problems are warnings: the run goes on with an empty cache.
pub fn open_cache(
    c: &CacheArgs,
) -> Result<Option<std::sync::Arc<sceau_scan::DigestCache>>, CliError> {
    if !c.cache && c.cache_dir.is_none() {
        return Ok(None);
    }
    let dir = match c.cache_dir.clone().or_else(sceau_scan::cache::default_dir) {
        Some(d) => d,
        None => {
            return Err(CliError::input(anyhow!(
                "--cache: no cache directory (HOME, XDG_CACHE_HOME and SCEAU_CACHE_DIR are unset)"
            ))
            .hint("pass --cache-dir DIR"))
        }
    };
    let cache = sceau_scan::DigestCache::open(&dir);
    for w in cache.warnings() {
        errln!("warning: {w}");
    }
    Ok(Some(std::sync::Arc::new(cache)))
}

/// Saves the digest cache, if any; a failure is a warning (the cache is an optimisation).
pub fn save_cache(cache: Option<&sceau_scan::DigestCache>) {
    if let Some(c) = cache {
        if let Err(e) = c.save() {
            {
                errln!(
                    "warning: digest cache {} not saved: {e}",
                    c.path().display()
                );
            }
        }
    }
}

/// `file`'s path relative to `dir` when it lies inside it (`/`-separated).
pub fn relative_inside(dir: &Path, file: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let full = parent.canonicalize().ok()?.join(file.file_name()?);
    let rel = full.strip_prefix(&dir).ok()?;
    let parts: Vec<&str> = rel.iter().map(|c| c.to_str()).collect::<Option<_>>()?;
    Some(parts.join("/"))
}

/// The time to record: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
pub fn now() -> Result<Timestamp, CliError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => {
            let secs: i64 = s.trim().parse().map_err(|_| {
                CliError::input(anyhow!(
                    "SOURCE_DATE_EPOCH={s:?} is not a number of seconds"
                ))
            })?;
            Timestamp::from_unix(secs).map_err(|e| {
                CliError::input(anyhow!("SOURCE_DATE_EPOCH={s:?}: {e}")).hint(
                    "give the seconds since 1970-01-01T00:00:00Z of a date in the years 0000-9999",
                )
            })
        }
        Err(_) => clock(),
    }
}

/// The system clock, as a [`Timestamp`].
fn clock() -> Result<Timestamp, CliError> {
    Timestamp::from_datetime(time::OffsetDateTime::now_utc())
        .map_err(|e| CliError::input(anyhow!("the system clock: {e}")))
}

/// A time given on the command line as `FLAG TEXT`: RFC 3339 or a plain date (midnight UTC).
pub fn parse_time(flag: &str, text: &str) -> Result<Timestamp, CliError> {
    Timestamp::parse_user(text).map_err(|e| {
        CliError::input(anyhow!("{flag} {text:?}: {e}"))
            .hint("use RFC 3339, e.g. 2027-01-31T00:00:00Z, or a date 2027-01-31")
    })
}

/// The verification time: `--at TIME`, else the clock, read once (spec/verify.md §1).
pub fn parse_at(at: Option<&str>) -> Result<Timestamp, CliError> {
    match at {
        None => clock(),
        Some(s) => parse_time("--at", s)
            .map_err(|e| e.hint("use RFC 3339, e.g. 2026-01-31T12:00:00Z, or a date 2026-01-31")),
    }
}

/// `--shard K/N`, `auto` or `auto/N` (spec/manifest.md §5.2): `auto` reads the job array's
/// variables from the environment.
pub fn parse_shard(spec: &str) -> Result<sceau_manifest::Shard, CliError> {
    let env = |name: &str| std::env::var(name).ok();
    let hint = "use K/N (1 <= K <= N), auto (a Slurm job array) or auto/N (N tasks)";
    let shard = match spec {
        "auto" => sceau_manifest::Shard::from_scheduler(&env, None),
        _ => match spec.strip_prefix("auto/") {
            Some(n) => match n.parse::<u32>() {
                Ok(n) if n >= 1 => sceau_manifest::Shard::from_scheduler(&env, Some(n)),
                _ => {
                    return Err(
                        CliError::input(anyhow!("--shard {spec:?}: N is not a count")).hint(hint),
                    )
                }
            },
            None => spec.parse(),
        },
    };
    shard.map_err(|e| CliError::input(anyhow!("--shard {spec:?}: {e}")).hint(hint))
}
