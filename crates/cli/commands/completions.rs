//! `sceau completions SHELL`: the shell completion script, generated from the same clap
//! definitions that parse the command line (so it never lists a flag sceau does not take).
use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs};
use crate::error::CliResult;

/// Runs `sceau completions`.
pub fn run(args: &CompletionsArgs) -> CliResult {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "sceau", &mut script);
    crate::out::write_stdout(&script);
    Ok(0)
}
