//! `sceau scan`: scan a folder, write its BOM, print a summary.
use std::time::Instant;

use crate::args::ScanArgs;
use crate::error::{CliError, CliResult};
use crate::output::{check_writable, emit, OutTarget};
use crate::progress::Bar;
use crate::render::{self, ScanSummary};
use crate::settings;

/// Runs `sceau scan`.
pub fn run(args: &ScanArgs) -> CliResult {
    let target = args.output.as_deref().map(OutTarget::parse);
    if args.json && target == Some(OutTarget::Stdout) {
        return Err(CliError::input(anyhow::anyhow!(
            "--json and -o - both write to standard output"
        ))
        .hint("write the BOM to a file with -o FILE, or drop --json"));
    }
    let out_file = match &target {
        Some(OutTarget::File(p)) => Some(p.as_path()),
        _ => None,
    };
    let opts = settings::scan_options(&args.dir, &args.tree, out_file)?;
    if let Some(p) = out_file {
        check_writable(p, args.force)?;
    }
    let now = settings::now()?;
    let started = Instant::now();
    let bar = Bar::new(args.quiet);
    let scan = sceau_scan::scan(&args.dir, &opts, &bar);
    bar.finish();
    let scan = scan?;
    let elapsed = started.elapsed();

    let bom = scan.release.to_bom(&settings::rfc3339(now));
    if let Some(t) = &target {
        let mut bytes = serde_json::to_vec_pretty(&bom).map_err(anyhow::Error::from)?;
        bytes.push(b'\n');
        emit(t, &bytes, args.force)?;
    }
    let summary = ScanSummary::new(&scan, elapsed, out_file.map(|p| p.display().to_string()));
    let to_stderr = target == Some(OutTarget::Stdout);
    if args.json {
        render::print_json(&summary)?;
    } else {
        render::print_scan(&summary, to_stderr);
    }
    render::print_warnings(&scan.warnings);
    Ok(0)
}
