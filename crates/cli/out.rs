//! Writing to standard output and standard error without ever changing the verdict.
//!
//! A closed pipe (`sceau verify … | head -n1`), a full disk or any other write error on
//! standard output stops further output but not the command: it goes on to its verdict, and
//! [`final_code`] makes sure a failure stays a failure (SECURITY.md, "Exit codes"). Standard
//! error is written best effort: a closed standard error never panics the process.
use std::io::{ErrorKind, Write};
use std::sync::Mutex;

/// The first error standard output gave, if any; later writes are skipped.
static STDOUT_ERROR: Mutex<Option<ErrorKind>> = Mutex::new(None);

/// Prints a line to standard output (see the module docs for errors).
#[macro_export]
macro_rules! outln {
    () => {{
        $crate::out::write_stdout(b"\n");
    }};
    ($($t:tt)*) => {{
        $crate::out::write_stdout(format!("{}\n", format_args!($($t)*)).as_bytes());
    }};
}

/// Prints to standard output without a newline (see the module docs for errors).
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => {{
        $crate::out::write_stdout(format!($($t)*).as_bytes());
    }};
}

/// Prints a line to standard error, best effort: never panics when standard error is closed.
#[macro_export]
macro_rules! errln {
    () => {{
        $crate::out::write_stderr(b"\n");
    }};
    ($($t:tt)*) => {{
        $crate::out::write_stderr(format!("{}\n", format_args!($($t)*)).as_bytes());
    }};
}

/// Writes `bytes` to standard output, unless an earlier write failed; a failure is remembered
/// for [`final_code`] and said once on standard error.
pub fn write_stdout(bytes: &[u8]) {
    let Ok(mut failed) = STDOUT_ERROR.lock() else {
        return;
    };
    if failed.is_some() {
        return;
    }
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_all(bytes).and_then(|()| o.flush()) {
        if e.kind() != ErrorKind::BrokenPipe {
            write_stderr(format!("error: cannot write to standard output: {e}\n").as_bytes());
        }
        *failed = Some(e.kind());
    }
}

/// Writes `bytes` to standard error, ignoring errors.
pub fn write_stderr(bytes: &[u8]) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(bytes).and_then(|()| e.flush());
}

/// The exit code for a command that returned `verdict`, given what happened to standard
/// output: the verdict when it is a failure (1) or an error (2), whatever happened; a success
/// (0) becomes 2 when standard output failed other than by its reader going away (a full
/// disk, an I/O error): what the command had to say was lost.
pub fn final_code(verdict: u8) -> u8 {
    let failed = STDOUT_ERROR.lock().ok().and_then(|g| *g);
    match failed {
        Some(kind) if verdict == 0 && kind != ErrorKind::BrokenPipe => 2,
        _ => verdict,
    }
}
