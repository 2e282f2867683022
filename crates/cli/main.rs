//! The `sceau` command line: parses, calls the library, renders, exits.
#![forbid(unsafe_code)]
#![allow(clippy::print_stderr)]

mod args;
mod commands;
mod error;
mod output;
mod progress;
mod render;
mod settings;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match &cli.command {
        args::Command::Scan(a) => commands::scan::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.code)
        }
    }
}
