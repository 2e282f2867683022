//! Printing to standard output without panicking when the reader goes away (`| head`).

/// Prints a line to standard output; a closed pipe ends the process quietly (exit 0).
#[macro_export]
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let mut o = std::io::stdout().lock();
        if let Err(e) = writeln!(o, $($t)*) {
            $crate::out::stdout_failed(e);
        }
    }};
}

/// Prints to standard output without a newline; a closed pipe ends the process quietly.
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let mut o = std::io::stdout().lock();
        if let Err(e) = write!(o, $($t)*) {
            $crate::out::stdout_failed(e);
        }
    }};
}

/// Standard output failed: a closed pipe is a normal end, anything else an error (exit 2).
#[allow(clippy::print_stderr)]
pub fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write to standard output: {e}");
    std::process::exit(2);
}
