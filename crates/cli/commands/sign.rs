//! `sceau sign`: scan a folder, sign its record.
use std::path::Path;
use std::time::Instant;

use anyhow::anyhow;
use sceau_core::Relation;
use sceau_pipeline::seal::{read_parents, seal, ParentInput, SealError, SealRequest};

use crate::args::SignArgs;
use crate::error::{CliError, CliResult};
use crate::input::{clean, read_record};
use crate::keys::{load_secret, PassphraseSource};
use crate::output::{check_file_writable, check_writable, persist_temp, write_atomic};
use crate::progress::Bar;
use crate::render::{self, ScanSummary};
use crate::settings;

/// Runs `sceau sign`.
pub fn run(args: &SignArgs) -> CliResult {
    let mut opts = settings::scan_options(&args.dir, &args.tree, Some(&args.output))?;
    check_writable(&args.output, args.force)?;
    // Where the manifest goes if the tree is recorded in the manifest form: refused now
    // rather than after hashing (spec/manifest.md §6.2).
    let manifest_path = settings::manifest_path(args.tree.manifest.as_deref(), &args.output);
    check_file_writable(&manifest_path, args.force)?;
    if let Some(oms) = &args.oms {
        if same_path(oms, &args.output) {
            return Err(CliError::input(anyhow!(
                "--oms {} is the record's own path",
                oms.display()
            ))
            .hint("write the OMS bundle and the record to two files, e.g. -o release.sceau.json --oms model.sig"));
        }
        check_writable(oms, args.force)?;
        // The OMS bundle is not one of the release's files either.
        if let Some(rel) = settings::relative_inside(&args.dir, oms) {
            opts.ignore.add(format!("={rel}"));
        }
    }
    let parents = parent_files(&args.parents)?;
    let parent_inputs: Vec<ParentInput<'_>> = parents
        .iter()
        .map(|(label, record, relation)| ParentInput {
            label,
            record,
            relation: *relation,
        })
        .collect();
    let parents = read_parents(&parent_inputs).map_err(seal_error)?;
    let claims = args
        .claims
        .as_deref()
        .map(crate::input::read_claims)
        .transpose()?;
    // Unlock the key before the (possibly long) scan: a wrong passphrase fails at once.
    let key = load_secret(
        &args.key,
        &PassphraseSource {
            file: args.pass.passphrase_file.clone(),
        },
    )?;
    let now = settings::now()?;
    let started = Instant::now();
    let bar = Bar::new(args.quiet);
    let sealed = seal(SealRequest {
        dir: &args.dir,
        scan: &opts,
        parents,
        claims,
        tokenizer_changed: args.tokenizer_changed,
        key: &key,
        now,
        progress: &bar,
        oms: args.oms.as_deref(),
        sigstore_bundle: args.bundle,
    });
    bar.finish();
    settings::save_cache(opts.cache.as_deref());
    let mut sealed = sealed.map_err(seal_error)?;
    let elapsed = started.elapsed();
    if let (Some(path), Some(oms)) = (&args.oms, &sealed.oms) {
        write_atomic(path, &oms.json, args.force, None)?;
    }
    // The manifest first: a record is never published without the manifest it signs. If the
    // record cannot be written, the manifest just written goes too.
    let manifest = sealed.scan.manifest.take();
    let wrote_manifest = match manifest {
        Some(m) => {
            persist_temp(m.file, &manifest_path, args.force)?;
            true
        }
        None => false,
    };
    if let Err(e) = write_atomic(&args.output, &sealed.record, args.force, None) {
        if wrote_manifest {
            let _ = std::fs::remove_file(&manifest_path);
        }
        return Err(e);
    }

    let summary = ScanSummary::new(
        &sealed.scan,
        elapsed,
        Some(args.output.display().to_string()),
    );
    if args.json {
        let mut v = serde_json::to_value(&summary).map_err(anyhow::Error::from)?;
        v["record"] = args.output.display().to_string().into();
        v["signed_by"] = key.key_id().to_string().into();
        v["record_id"] = sealed.id.to_string().into();
        v["manifest"] = if wrote_manifest {
            manifest_path.display().to_string().into()
        } else {
            serde_json::Value::Null
        };
        v["form"] = if args.bundle {
            "sigstore-bundle"
        } else {
            "dsse"
        }
        .into();
        if let (Some(path), Some(oms)) = (&args.oms, &sealed.oms) {
            v["oms"] = serde_json::json!({
                "bundle": path.display().to_string(),
                "root": oms.root.to_prefixed(),
                "files": oms.files,
                "key_hint": oms.hint,
            });
        }
        render::print_json(&v)?;
    } else {
        render::print_scan_short(&summary);
        render::print_signed(
            &args.output,
            &key.key_id().to_string(),
            &sealed.id.digest().to_hex(),
        );
        if wrote_manifest {
            outln!(
                "manifest: {} (publish it with the record: verifiers need it)",
                manifest_path.display()
            );
        }
        if let (Some(path), Some(oms)) = (&args.oms, &sealed.oms) {
            outln!(
                "OMS bundle {} (OpenSSF Model Signing v1.0, key method): {} files, root {}, \
                 named in the record",
                path.display(),
                oms.files,
                oms.root.to_prefixed()
            );
        }
    }
    render::print_warnings(&sealed.scan.warnings);
    for w in &sealed.claim_warnings {
        errln!("warning: {}", clean(w));
    }
    Ok(0)
}

/// Reads `--parent RECORD:RELATION` arguments: the record files' bytes and the relations.
/// Whether each is a sceau record is checked by the seal (spec/lineage.md §1.1).
fn parent_files(specs: &[String]) -> Result<Vec<(String, Vec<u8>, Relation)>, CliError> {
    if specs.len() > sceau_core::lineage::MAX_PARENTS {
        return Err(CliError::input(anyhow!(
            "{} --parent given, over the limit of {}",
            specs.len(),
            sceau_core::lineage::MAX_PARENTS
        )));
    }
    specs
        .iter()
        .map(|spec| {
            let (path, rel) = spec.rsplit_once(':').ok_or_else(|| {
                CliError::input(anyhow!(
                    "--parent {spec:?}: expected PARENT_RECORD:RELATION"
                ))
                .hint("e.g. --parent base.sceau.json:finetune")
            })?;
            let relation: Relation = rel
                .parse()
                .map_err(|e| CliError::input(anyhow!("--parent {spec:?}: {e}")))?;
            let path = Path::new(path);
            Ok((path.display().to_string(), read_record(path)?, relation))
        })
        .collect()
}

/// The hint for each way sealing can fail; nothing was written.
fn seal_error(e: SealError) -> CliError {
    let hint = match &e {
        SealError::Scan(_) | SealError::RecordTooLarge { .. } => e.hint(),
        SealError::Parent { .. } | SealError::ParentForm { .. } => {
            Some("a parent must be a record written by `sceau sign`")
        }
        SealError::CardLineage(_) => Some(
            "make the card's base_model / base_model_relation and --parent agree; nothing was written",
        ),
        SealError::OmsKeyType { .. } | SealError::Oms(_) => e.hint(),
        _ => None,
    };
    CliError::input(e).maybe_hint(hint)
}

/// Whether two output paths name the same file (the files need not exist yet).
fn same_path(a: &Path, b: &Path) -> bool {
    let full = |p: &Path| -> Option<std::path::PathBuf> {
        let parent = match p.parent() {
            Some(x) if !x.as_os_str().is_empty() => x.to_owned(),
            _ => std::path::PathBuf::from("."),
        };
        Some(parent.canonicalize().ok()?.join(p.file_name()?))
    };
    a == b || matches!((full(a), full(b)), (Some(x), Some(y)) if x == y)
}
