//! `sceau man [COMMAND…]`: the manual page in roff, generated from the same clap definitions
//! that parse the command line, with every option's long help.
use anyhow::anyhow;
use clap::CommandFactory;

use crate::args::{Cli, ManArgs};
use crate::error::{CliError, CliResult};

/// Runs `sceau man`.
pub fn run(args: &ManArgs) -> CliResult {
    let mut root = Cli::command();
    // Built, every subcommand knows its full name (`sceau-policy-init`), the page's title.
    root.build();
    let mut page = &root;
    for (i, name) in args.command.iter().enumerate() {
        page = page.find_subcommand(name).ok_or_else(|| {
            let above = if i == 0 {
                "sceau".to_owned()
            } else {
                format!("sceau {}", args.command[..i].join(" "))
            };
            let known: Vec<&str> = page
                .get_subcommands()
                .map(|c| c.get_name())
                .filter(|n| *n != "help")
                .collect();
            CliError::input(anyhow!("{above} has no subcommand {name:?}"))
                .hint(format!("one of: {}", known.join(", ")))
        })?;
    }
    let mut roff = Vec::new();
    clap_mangen::Man::new(page.clone())
        .render(&mut roff)
        .map_err(|e| CliError::input(anyhow::Error::new(e).context("writing the manual page")))?;
    crate::out::write_stdout(&roff);
    Ok(0)
}
