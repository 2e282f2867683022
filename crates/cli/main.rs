//! The `sceau` command line: parses, calls the library, renders, exits.
#![forbid(unsafe_code)]

#[macro_use]
mod out;
mod args;
mod claims_record;
mod commands;
mod error;
mod input;
mod json;
mod keys;
mod lineage_render;
mod output;
mod progress;
mod render;
mod settings;
mod trust;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match args::Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => return ExitCode::from(usage_error(&e, json::requested(&argv))),
    };
    let json = cli.command.json_output();
    let result = match &cli.command {
        args::Command::Scan(a) => commands::scan::run(a),
        args::Command::Keygen(a) => commands::keygen::run(a),
        args::Command::Key(args::KeyCommand::Show(a)) => commands::key::show(a),
        args::Command::Sign(a) => commands::sign::run(a),
        args::Command::Countersign(a) => commands::countersign::run(a),
        args::Command::Verify(a) => commands::verify::run(a),
        args::Command::Inspect(a) => commands::inspect::run(a),
        args::Command::Policy(args::PolicyCommand::Init(a)) => commands::policy::init(a),
        args::Command::Policy(args::PolicyCommand::Update(a)) => commands::policy::update(a),
        args::Command::Policy(args::PolicyCommand::Sign(a)) => commands::policy::sign(a),
        args::Command::Policy(args::PolicyCommand::Show(a)) => commands::policy::show(a),
        args::Command::Store(args::StoreCommand::Add(a)) => commands::store::add(a),
        args::Command::Lineage(a) => commands::lineage::run(a),
        args::Command::Openness(a) => commands::openness::run(a),
        args::Command::Check(a) => commands::check::run(a),
        args::Command::Certify(a) => commands::certify::run(a),
        args::Command::Report(a) if a.form.is_some() => commands::form::run(a),
        args::Command::Report(a) => commands::report::run(a),
        args::Command::Grant(a) => commands::grant::run(a),
        args::Command::Export(a) => commands::export::run(a),
        args::Command::Completions(a) => commands::completions::run(a),
        args::Command::Man(a) => commands::man::run(a),
        args::Command::Match(a) => commands::matching::run(a),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            errln!("{e}");
            if json {
                json::print_error(&e);
            }
            e.code
        }
    };
    // Whatever happened to standard output, a failure stays a failure.
    ExitCode::from(out::final_code(code))
}

/// A command line clap refused, or `--help` / `--version`: clap's text (help and version on
/// standard output, errors on standard error), and for a refusal under `--json` the error
/// object on standard output too (spec/json-output.md §3). Returns the exit code.
fn usage_error(e: &clap::Error, json: bool) -> u8 {
    let _ = e.print();
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
        _ => {
            if json {
                json::print_usage_error(e);
            }
            error::EXIT_USAGE
        }
    }
}
