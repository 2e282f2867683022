//! Writing output files safely (spec/output.md §1): a regular file is written whole to a temp
//! file in the same folder, then renamed into place; a character device or a FIFO is written
//! through, never replaced; anything else (a symlink, a folder, a socket, a block device) is
//! refused. Nothing existing is replaced or written through without `--force`; `-` is
//! standard output. Every command that writes a file goes through here.
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};

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

/// What an output path names now (the path itself: a symlink is not followed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Existing {
    /// Nothing: the file is created.
    Nothing,
    /// A regular file: replaced whole (with `--force`).
    Regular,
    /// A character device or a FIFO: written through (with `--force`), never replaced.
    WriteThrough(&'static str),
    /// Anything else, named: refused whatever the flags.
    Refused(&'static str),
}

/// Looks at `path` without following a symlink.
fn existing(path: &Path) -> Result<Existing, CliError> {
    let m = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => {
            return Err(CliError::input(
                anyhow::Error::new(e).context(format!("cannot write {}", path.display())),
            ))
        }
    };
    Ok(kind(&m.file_type()))
}

#[cfg(unix)]
fn kind(ft: &std::fs::FileType) -> Existing {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_file() {
        Existing::Regular
    } else if ft.is_symlink() {
        Existing::Refused("a symbolic link")
    } else if ft.is_dir() {
        Existing::Refused("a folder")
    } else if ft.is_char_device() {
        Existing::WriteThrough("a character device")
    } else if ft.is_fifo() {
        Existing::WriteThrough("a FIFO")
    } else if ft.is_socket() {
        Existing::Refused("a socket")
    } else if ft.is_block_device() {
        Existing::Refused("a block device")
    } else {
        Existing::Refused("a special file")
    }
}

#[cfg(not(unix))]
fn kind(ft: &std::fs::FileType) -> Existing {
    if ft.is_file() {
        Existing::Regular
    } else if ft.is_symlink() {
        Existing::Refused("a symbolic link")
    } else if ft.is_dir() {
        Existing::Refused("a folder")
    } else {
        Existing::Refused("a special file")
    }
}

/// The refusal of a path that is neither a regular file, a character device nor a FIFO.
fn refused(path: &Path, what: &str) -> CliError {
    CliError::input(anyhow!(
        "{} is {what}: sceau writes only a regular file (replaced whole), or through a \
         character device or a FIFO; nothing written",
        path.display()
    ))
    .hint("name a new or regular file with -o, or use -o - for standard output")
}

/// The refusal of a special file where only a regular file will do (a manifest, a part).
fn refused_file(path: &Path, what: &str) -> CliError {
    CliError::input(anyhow!(
        "{} is {what}: a manifest or a part manifest is written only as a regular file (new, \
         or replaced whole with --force), never through a special file; nothing written",
        path.display()
    ))
    .hint("name a new or regular file for it (see --manifest, or -o for a part)")
}

/// The refusal of an existing path without `--force`.
fn exists(path: &Path, what: Existing) -> CliError {
    let err = CliError::input(anyhow!("{} already exists", path.display()));
    match what {
        Existing::WriteThrough(kind) => err.hint(format!(
            "it is {kind}: pass --force to write through it, or choose another -o path"
        )),
        _ => err.hint("pass --force to replace it, or choose another -o path"),
    }
}

/// Refuses early (before any long work) what [`write_atomic`] would refuse: a path that is
/// not a regular file, a character device or a FIFO; an existing one without `force`; a new
/// one in a folder where no file can be created.
pub fn check_writable(path: &Path, force: bool) -> Result<(), CliError> {
    let what = existing(path)?;
    match what {
        Existing::Refused(kind) => return Err(refused(path, kind)),
        Existing::Regular | Existing::WriteThrough(_) if !force => {
            return Err(exists(path, what));
        }
        // Written through: nothing is created beside it.
        Existing::WriteThrough(_) => return Ok(()),
        Existing::Nothing | Existing::Regular => {}
    }
    let parent = parent_of(path);
    if !parent.is_dir() {
        let what = if parent.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(CliError::input(anyhow!(
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
            CliError::input(anyhow!(
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

/// Writes `bytes` to `path`:
///
/// - nothing there: a temp file in the same folder, synced, renamed into place without
///   replacing anything that appeared meanwhile;
/// - a regular file (`force`): the same, the rename replacing it;
/// - a character device or a FIFO (`force`): written through ([`write_through`]), never
///   replaced; refused for a secret (`mode` given);
/// - anything else: refused, whatever `force`.
///
/// On any error nothing is left behind and nothing existing is changed. `mode` (Unix) is the
/// new file's mode, e.g. 0o600 for a secret key; without it the file gets the mode of any new
/// file (0666 less the umask).
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    force: bool,
    mode: Option<u32>,
) -> Result<(), CliError> {
    let what = existing(path)?;
    match what {
        Existing::Refused(kind) => return Err(refused(path, kind)),
        Existing::Regular | Existing::WriteThrough(_) if !force => {
            return Err(exists(path, what));
        }
        Existing::WriteThrough(kind) if mode.is_some() => {
            return Err(CliError::input(anyhow!(
                "{} is {kind}: a secret key is written only to a regular file of its own \
                 (mode 0600); nothing written",
                path.display()
            ))
            .hint("choose a -o NAME whose .key file is new or a regular file"));
        }
        Existing::WriteThrough(_) => return write_through(path, bytes),
        Existing::Nothing | Existing::Regular => {}
    }
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
    // Nothing was there: never replace what appeared since. A regular file was there: look
    // again just before the rename, which replaces only a regular file (spec/output.md §2).
    let res = match what {
        Existing::Regular => match existing(path)? {
            Existing::Regular | Existing::Nothing => tmp.persist(path).map(|_| ()),
            Existing::Refused(kind) | Existing::WriteThrough(kind) => {
                return Err(refused(path, kind));
            }
        },
        _ => tmp.persist_noclobber(path).map(|_| ()),
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

/// Writes `bytes` through the character device or FIFO at `path` (spec/output.md §3): opened
/// for writing without creating, truncating or following a symlink, and without blocking (a
/// FIFO with no reader is refused at once rather than waited for); the opened file must
/// still be a character device or a FIFO, or nothing is written; then written in blocking
/// mode, like standard output.
#[cfg(unix)]
fn write_through(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::FileTypeExt;
    let flags = OFlags::WRONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::NOCTTY;
    let fd = rustix::fs::open(path, flags | OFlags::CLOEXEC, rustix::fs::Mode::empty()).map_err(
        |e| {
            let e = std::io::Error::from(e);
            if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) {
                CliError::input(anyhow!(
                    "{} is a FIFO with no reader: nothing written",
                    path.display()
                ))
                .hint("start the reader first, or use -o - for standard output")
            } else {
                CliError::input(
                    anyhow::Error::new(e).context(format!("cannot write {}", path.display())),
                )
            }
        },
    )?;
    let cannot = |e: std::io::Error| {
        CliError::input(anyhow::Error::new(e).context(format!("cannot write {}", path.display())))
    };
    let mut f = std::fs::File::from(fd);
    let ft = f.metadata().map_err(cannot)?.file_type();
    if !(ft.is_char_device() || ft.is_fifo()) {
        // Swapped since it was looked at: the open created and truncated nothing, and
        // nothing is written.
        return Err(refused(path, "no longer a character device or a FIFO"));
    }
    let blocking = rustix::fs::fcntl_getfl(&f).map_err(|e| cannot(e.into()))? - OFlags::NONBLOCK;
    rustix::fs::fcntl_setfl(&f, blocking).map_err(|e| cannot(e.into()))?;
    f.write_all(bytes).and_then(|()| f.flush()).map_err(cannot)
}

/// No character devices or FIFOs here: never reached ([`existing`] refuses them).
#[cfg(not(unix))]
fn write_through(path: &Path, _bytes: &[u8]) -> Result<(), CliError> {
    Err(refused(path, "a special file"))
}

/// Writes to the target: standard output, or a file with [`write_atomic`].
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

/// Refuses early what [`persist_temp`] would refuse: like [`check_writable`], and a character
/// device or a FIFO too — a manifest or a part is a file of its own, read again by digest.
pub fn check_file_writable(path: &Path, force: bool) -> Result<(), CliError> {
    match existing(path)? {
        Existing::WriteThrough(kind) | Existing::Refused(kind) => Err(refused_file(path, kind)),
        _ => check_writable(path, force),
    }
}

/// Renames `tmp`, a temporary file written in `path`'s folder, into place: only over nothing,
/// or over a regular file with `force` (spec/output.md §1). On error `tmp` is removed and
/// nothing existing is changed.
pub fn persist_temp(
    tmp: tempfile::NamedTempFile,
    path: &Path,
    force: bool,
) -> Result<(), CliError> {
    let what = existing(path)?;
    let res = match what {
        Existing::Refused(kind) | Existing::WriteThrough(kind) => {
            return Err(refused_file(path, kind));
        }
        Existing::Regular if !force => return Err(exists(path, what)),
        Existing::Regular => tmp.persist(path).map(|_| ()),
        Existing::Nothing => tmp.persist_noclobber(path).map(|_| ()),
    };
    res.map_err(|e| {
        CliError::input(
            anyhow::Error::new(e.error).context(format!("cannot write {}", path.display())),
        )
    })
}
