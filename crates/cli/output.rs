//! Writing output files safely: temp file in the same folder, then rename; never overwrite
//! without `--force`; `-` is standard output.
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::CliError;

/// Where a command writes its document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutTarget {
    /// Standard output.
    Stdout,
    /// A file.
    File(PathBuf),
}

impl OutTarget {
    /// `-` is standard output.
    pub fn parse(s: &Path) -> Self {
        if s == Path::new("-") {
            OutTarget::Stdout
        } else {
            OutTarget::File(s.to_owned())
        }
    }
}

/// Refuses early (before any long work) when `path` exists and `force` is off.
pub fn check_writable(path: &Path, force: bool) -> Result<(), CliError> {
    if !force && path.symlink_metadata().is_ok() {
        return Err(
            CliError::input(anyhow::anyhow!("{} already exists", path.display()))
                .hint("pass --force to replace it, or choose another -o path"),
        );
    }
    let parent = parent_of(path);
    if !parent.is_dir() {
        let what = if parent.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(CliError::input(anyhow::anyhow!(
            "{}: {} {what}",
            path.display(),
            parent.display()
        )));
    }
    // Probe now that the folder is writable, before any long scan (the probe is removed).
    tempfile::Builder::new()
        .prefix(".sceau-probe-")
        .tempfile_in(&parent)
        .map_err(|e| {
            CliError::input(anyhow::anyhow!(
                "{}: cannot create a temporary file in {}: {e}",
                path.display(),
                parent.display()
            ))
        })?;
    Ok(())
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to `path` atomically: a temp file in the same folder, synced, then renamed
/// into place (refusing to replace an existing file unless `force`). On any error nothing is
/// left behind. `mode` (Unix) is the new file's mode, e.g. 0o600 for a secret key; without it
/// the file gets the mode of any new file (0666 less the umask).
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    force: bool,
    mode: Option<u32>,
) -> Result<(), CliError> {
    let parent = parent_of(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".sceau-tmp-");
    // Created with `mode`, or as any new file (0666 less the umask) when none is given:
    // records, BOMs and reports are meant to be published. The temporary file is never
    // readable more widely than the file it becomes.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode.unwrap_or(0o666)));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut tmp = builder
        .tempfile_in(&parent)
        .with_context(|| format!("cannot create a temporary file in {}", parent.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let res = if force {
        tmp.persist(path).map(|_| ())
    } else {
        tmp.persist_noclobber(path).map(|_| ())
    };
    res.map_err(|e| {
        let exists = e.error.kind() == std::io::ErrorKind::AlreadyExists;
        let err = CliError::input(
            anyhow::Error::new(e.error).context(format!("cannot write {}", path.display())),
        );
        if exists {
            err.hint("pass --force to replace it, or choose another -o path")
        } else {
            err
        }
    })
}

/// Writes to the target: standard output, or a file atomically.
pub fn emit(target: &OutTarget, bytes: &[u8], force: bool) -> Result<(), CliError> {
    match target {
        OutTarget::Stdout => {
            // A write error is remembered for the exit code, never turned into a verdict.
            crate::out::write_stdout(bytes);
            Ok(())
        }
        OutTarget::File(p) => write_atomic(p, bytes, force, None),
    }
}
