//! `sceau scan`: scan a folder, write its BOM, print a summary.
use std::time::Instant;

use crate::args::{BomFormat, ScanArgs};
use crate::error::{CliError, CliResult};
use crate::output::{check_writable, emit, OutTarget};
use crate::progress::Bar;
use crate::render::{self, ScanSummary};
use crate::settings;

/// Runs `sceau scan`.
pub fn run(args: &ScanArgs) -> CliResult {
    let run_start = Instant::now();
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
    let spec = match (&args.spec_version, args.format) {
        (None, _) => sceau_core::cyclonedx::SpecVersion::default(),
        (Some(v), BomFormat::Cyclonedx) => v
            .parse()
            .map_err(|e| CliError::input(anyhow::Error::new(e)))?,
        (Some(_), BomFormat::Spdx3) => {
            return Err(CliError::input(anyhow::anyhow!(
                "--spec-version is a CycloneDX version; --format spdx3 writes SPDX 3.0.1"
            ))
            .hint("drop --spec-version, or use --format cyclonedx"))
        }
    };
    let opts = settings::scan_options(&args.dir, &args.tree, out_file)?;
    if let Some(p) = out_file {
        check_writable(p, args.force)?;
    }
    let file_claims = args
        .claims
        .as_deref()
        .map(crate::input::read_claims)
        .transpose()?;
    let now = settings::now()?;
    let started = Instant::now();
    let bar = Bar::new(args.quiet);
    let scan = sceau_scan::scan(&args.dir, &opts, &bar);
    bar.finish();
    settings::save_cache(opts.cache.as_deref());
    let mut scan = scan?;
    let elapsed = started.elapsed();
    let mut claim_warnings = Vec::new();
    if let Some(f) = file_claims {
        let (claims, warnings) =
            sceau_pipeline::seal::merge_claims(Some(f), &scan.root, &scan.release)?;
        scan.release.claims = claims;
        claim_warnings = warnings;
    }

    if let Some(t) = &target {
        let time = now.to_string();
        let bytes = match args.format {
            BomFormat::Cyclonedx => {
                let bom = scan.release.to_bom_versioned(&time, spec);
                let mut bytes = serde_json::to_vec_pretty(&bom).map_err(anyhow::Error::from)?;
                bytes.push(b'\n');
                bytes
            }
            BomFormat::Spdx3 => sceau_spdx::to_spdx3_json(&scan.release, &time)
                .map_err(|e| CliError::input(anyhow::Error::new(e)))?,
        };
        emit(t, &bytes, args.force)?;
    }
    let mut summary = ScanSummary::new(&scan, elapsed, out_file.map(|p| p.display().to_string()));
    summary.bom_format = match args.format {
        BomFormat::Cyclonedx => format!("CycloneDX {spec}"),
        BomFormat::Spdx3 => format!("SPDX {}", sceau_spdx::SPEC_VERSION),
    };
    let to_stderr = target == Some(OutTarget::Stdout);
    if args.json {
        render::print_json(&summary)?;
    } else {
        render::print_scan(&summary, to_stderr);
    }
    render::print_warnings(&scan.warnings);
    for w in &claim_warnings {
        errln!("warning: {}", crate::input::clean(w));
    }
    if std::env::var_os("SCEAU_TIMINGS").is_some() {
        print_timings(run_start, started, scan.release.total_bytes());
    }
    Ok(0)
}

/// `SCEAU_TIMINGS=1`: one line on standard error with the start-up and phase timings that
/// scripts/bench.sh reports (BENCHMARKS.md).
fn print_timings(run_start: Instant, scan_start: Instant, bytes: u64) {
    let ms = |a: Instant, b: Instant| b.saturating_duration_since(a).as_secs_f64() * 1e3;
    let now = Instant::now();
    let first = sceau_scan::hash::first_read_at().map_or(-1.0, |t| ms(run_start, t));
    let (hs, he) = sceau_scan::hash::last_hashing_phase().unwrap_or((scan_start, scan_start));
    let hash_ms = ms(hs, he);
    errln!(
        "timings: first_byte_ms={first:.3} walk_ms={:.3} hash_ms={hash_ms:.3} hash_mb_s={:.1} after_hash_ms={:.3} total_ms={:.3}",
        ms(scan_start, hs),
        if hash_ms > 0.0 { bytes as f64 / 1e3 / hash_ms } else { 0.0 },
        ms(he, now),
        ms(run_start, now)
    );
}
