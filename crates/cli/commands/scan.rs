//! `sceau scan`: scan a folder, write its BOM, print a summary.
use std::time::Instant;

use crate::args::{BomFormat, ScanArgs};
use crate::error::{CliError, CliResult};
use crate::output::{check_file_writable, check_writable, emit, persist_temp, OutTarget};
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
    if let Some(spec) = &args.shard {
        return shard(args, spec, target.as_ref());
    }
    let opts = settings::scan_options(&args.dir, &args.tree, out_file)?;
    if let Some(p) = out_file {
        check_writable(p, args.force)?;
    }
    let manifest_path = out_file.map(|p| settings::manifest_path(args.tree.manifest.as_deref(), p));
    if let Some(m) = &manifest_path {
        check_file_writable(m, args.force)?;
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
        if let Some(m) = scan.manifest.take() {
            // The manifest first: a BOM is never published without the manifest it names.
            let Some(path) = &manifest_path else {
                return Err(CliError::input(anyhow::anyhow!(
                    "the tree is recorded in the manifest form ({} files), and its manifest \
                     needs a file: -o - cannot name it",
                    m.reference.files
                ))
                .hint("write the BOM to a file with -o FILE (the manifest goes beside it)"));
            };
            persist_temp(m.file, path, args.force)?;
            if let Err(e) = emit(t, &bytes, args.force) {
                let _ = std::fs::remove_file(path);
                return Err(e);
            }
        } else {
            emit(t, &bytes, args.force)?;
        }
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

/// `sceau scan DIR --shard K/N -o PART`: hashes one part of the tree and writes its part
/// manifest (spec/manifest.md §5).
fn shard(args: &ScanArgs, spec: &str, target: Option<&OutTarget>) -> CliResult {
    let Some(OutTarget::File(out)) = target else {
        return Err(CliError::input(anyhow::anyhow!(
            "--shard writes a part manifest: give it a file with -o PART"
        ))
        .hint("e.g. -o parts/part-$SLURM_ARRAY_TASK_ID.part"));
    };
    if args.claims.is_some() || args.spec_version.is_some() || args.format != BomFormat::Cyclonedx {
        return Err(CliError::input(anyhow::anyhow!(
            "--shard writes a part manifest, not a BOM: --claims, --format and --spec-version \
             do not apply"
        )));
    }
    if !args.tree.parts.is_empty() || args.tree.always_manifest || args.tree.manifest.is_some() {
        return Err(CliError::input(anyhow::anyhow!(
            "--shard hashes a part of the tree: --parts, --always-manifest and --manifest do \
             not apply (they are for the command that merges the parts)"
        )));
    }
    let shard = settings::parse_shard(spec)?;
    let opts = settings::scan_options(&args.dir, &args.tree, Some(out))?;
    check_file_writable(out, args.force)?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".sceau-part-")
        .tempfile_in(&dir)
        .map_err(|e| CliError::input(anyhow::Error::new(e).context(dir.display().to_string())))?;
    let started = Instant::now();
    let bar = Bar::new(args.quiet || args.json);
    let part = sceau_scan::shard::scan_shard(&args.dir, &opts, shard, tmp.as_file_mut(), &bar);
    bar.finish();
    settings::save_cache(opts.cache.as_deref());
    let part = part?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| CliError::input(anyhow::Error::new(e).context(out.display().to_string())))?;
    persist_temp(tmp, out, args.force)?;
    let elapsed = started.elapsed();
    if args.json {
        render::print_json(&serde_json::json!({
            "part": out.display().to_string(),
            "shard": part.shard.to_string(),
            "files": part.files,
            "bytes": part.bytes,
            "tree_files": part.listing.files,
            "listing": format!("sha256:{}", part.listing.digest.to_hex()),
            "seconds": elapsed.as_secs_f64(),
        }))?;
    } else {
        outln!(
            "part {} of {}: {} of the tree's {} files ({} bytes) hashed in {:.2} s",
            part.shard.k,
            part.shard.n,
            part.files,
            part.listing.files,
            part.bytes,
            elapsed.as_secs_f64()
        );
        outln!(
            "wrote {} (walk sha256:{}); merge every part with `sceau sign DIR --parts …` or \
             `sceau verify DIR --parts …`",
            out.display(),
            part.listing.digest.to_hex()
        );
    }
    Ok(0)
}
