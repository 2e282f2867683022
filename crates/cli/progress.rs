//! A progress bar on standard error, only when it is a terminal and the work is large.
use std::io::IsTerminal;
use std::sync::OnceLock;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Below this many bytes no bar is shown.
const MIN_BYTES_FOR_BAR: u64 = 256 * 1024 * 1024;

/// Hashing progress for the terminal.
pub struct Bar {
    enabled: bool,
    bar: OnceLock<ProgressBar>,
}

impl Bar {
    /// A bar shown once hashing starts, if stderr is a terminal and the work is large.
    pub fn new(quiet: bool) -> Self {
        Bar {
            enabled: !quiet && std::io::stderr().is_terminal(),
            bar: OnceLock::new(),
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(pb) = self.bar.get() {
            pb.finish_and_clear();
        }
    }
}

impl sceau_scan::Progress for Bar {
    fn start(&self, _files: u64, bytes: u64) {
        if !self.enabled || bytes < MIN_BYTES_FOR_BAR {
            return;
        }
        let pb = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} hashing [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            pb.set_style(style.progress_chars("=> "));
        }
        let _ = self.bar.set(pb);
    }

    fn advance(&self, bytes: u64) {
        if let Some(pb) = self.bar.get() {
            pb.inc(bytes);
        }
    }
}
