//! Command-line arguments (clap). Raw values only: `settings` checks them before any I/O.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// sceau seals AI model releases: a CycloneDX bill of materials of every file, signed by the
/// maintainers' own keys, verifiable offline by anyone.
#[derive(Parser, Debug)]
#[command(name = "sceau", version, about, long_about = None)]
#[command(after_help = "Exit codes: 0 ok, 1 verification failed, 2 usage or input error.")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a release folder and write its CycloneDX 1.6 bill of materials.
    Scan(ScanArgs),
}

/// Options shared by commands that scan a folder.
#[derive(Args, Debug, Clone)]
pub struct TreeArgs {
    /// Release name recorded in the BOM.
    ///
    /// Defaults to the Hugging Face repo id when DIR is a Hugging Face cache snapshot
    /// (`models--ORG--NAME/snapshots/REV`), otherwise to the folder's name. Verifiers compare
    /// records of the same name for rollback, so keep it stable across versions.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Release version recorded in the BOM.
    ///
    /// Defaults to the snapshot revision for a Hugging Face cache snapshot, otherwise to
    /// 0.0.0 with a warning. Versions are compared for rollback protection: use numbers
    /// that increase (1.0, 1.1, 2.0 …).
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,

    /// Leave out more files (repeatable), recorded in the BOM with the default rules.
    ///
    /// `NAME/` skips every folder called NAME, `*SUFFIX` every file whose name ends with
    /// SUFFIX, anything else one exact relative path. The defaults always apply: `.git/`,
    /// `.cache/huggingface/` and `*.sceau.json`. A verifier applies the recorded rules, so
    /// an excluded file is neither checked nor reported as extra.
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,

    /// Hashing threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// `sceau scan`.
#[derive(Args, Debug)]
pub struct ScanArgs {
    /// The release folder (or a Hugging Face cache snapshot folder).
    ///
    /// Symlinks are followed only when they stay inside DIR, or, for a Hugging Face cache
    /// snapshot, when they point into that repo's `blobs/` folder. Symlinks leaving the tree,
    /// loops, dangling links, FIFOs, sockets, devices, non-UTF-8 names and names equal after
    /// Unicode NFC normalisation are refused (exit 2) without being opened.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    #[command(flatten)]
    pub tree: TreeArgs,

    /// Write the CycloneDX 1.6 JSON BOM to FILE (`-` for standard output).
    ///
    /// Written atomically (temporary file, then rename). An existing file is never replaced
    /// without --force. A FILE inside DIR is left out of the scan. With `-o -` the summary
    /// goes to standard error so that standard output holds only the BOM. Without -o no BOM
    /// is written, only the summary.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,

    /// Print the summary as JSON on standard output instead of text.
    ///
    /// Cannot be combined with `-o -` (both would go to standard output).
    #[arg(long)]
    pub json: bool,

    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definitions_are_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
