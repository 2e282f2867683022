//! The `sceau` command line: parses, calls the library, renders, exits.
#![forbid(unsafe_code)]

#[macro_use]
mod out;
mod args;
mod claims_record;
mod commands;
mod error;
mod input;
mod keys;
mod lineage_render;
mod output;
mod progress;
mod render;
mod settings;
mod trust;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
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
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            errln!("{e}");
            e.code
        }
    };
    // Whatever happened to standard output, a failure stays a failure.
    ExitCode::from(out::final_code(code))
}
