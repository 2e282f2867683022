//! Errors for people: a message, the exit code, and a hint line naming what to fix.
use std::fmt;

/// Exit code: verification failed (a check did not pass).
pub const EXIT_FAILED: u8 = 1;
/// Exit code: usage or input error.
pub const EXIT_USAGE: u8 = 2;

/// An error as the CLI reports it.
pub struct CliError {
    /// Process exit code.
    pub code: u8,
    /// What went wrong, with its chain of causes.
    pub error: anyhow::Error,
    /// What to do about it.
    pub hint: Option<String>,
}

impl CliError {
    /// An input or usage error (exit 2).
    pub fn input(error: impl Into<anyhow::Error>) -> Self {
        CliError {
            code: EXIT_USAGE,
            error: error.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a hint when one is given.
    pub fn maybe_hint(mut self, hint: Option<impl Into<String>>) -> Self {
        self.hint = hint.map(Into::into);
        self
    }
}

impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> Self {
        CliError::input(error)
    }
}

impl From<sceau_scan::ScanError> for CliError {
    fn from(e: sceau_scan::ScanError) -> Self {
        let hint = e.hint();
        CliError::input(e).maybe_hint(hint)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.error)?;
        for cause in self.error.chain().skip(1) {
            write!(f, "\n  caused by: {cause}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Result of a command: the exit code on success paths (0, or 1 for a failed verification).
pub type CliResult = Result<u8, CliError>;
