//! Human and JSON rendering. Data on standard output, diagnostics on standard error.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use sceau_core::{ArtifactKind, Licence};
use serde::Serialize;

use crate::error::CliError;

/// Files and bytes of one kind.
#[derive(Serialize, Default, Clone, Copy)]
pub struct KindCount {
    /// Number of files.
    pub files: u64,
    /// Bytes.
    pub bytes: u64,
}

/// A licence file and the licence its text matches.
#[derive(Serialize)]
pub struct LicenceFile {
    /// Relative path.
    pub path: String,
    /// Matched SPDX id, if any.
    pub matches: Option<String>,
    /// Score of the match.
    pub confidence: Option<f32>,
}

/// What `sceau scan` reports.
#[derive(Serialize)]
pub struct ScanSummary {
    /// Release name.
    pub name: String,
    /// Release version.
    pub version: String,
    /// The canonical root scanned.
    pub root: String,
    /// Hugging Face repo id and revision when scanning a cache snapshot.
    pub hugging_face: Option<(String, String)>,
    /// Number of files.
    pub files: u64,
    /// Total bytes.
    pub bytes: u64,
    /// Files and bytes per kind.
    pub kinds: BTreeMap<String, KindCount>,
    /// Parameters over all weight headers read.
    pub parameters: u64,
    /// Declared licence (from the card).
    pub licence: Option<Licence>,
    /// Licence files found.
    pub licence_files: Vec<LicenceFile>,
    /// Datasets named by the card.
    pub datasets: Vec<String>,
    /// Base models named by the card.
    pub base_model: Vec<String>,
    /// Ignore rules applied.
    pub ignore: Vec<String>,
    /// Wall time in seconds.
    pub elapsed_s: f64,
    /// Hashing throughput over the whole scan, MB/s (10^6 bytes).
    pub throughput_mb_s: f64,
    /// Where the BOM was written.
    pub bom: Option<String>,
    /// What the BOM is, for people (`CycloneDX 1.6`, `SPDX 3.0.1`).
    #[serde(skip)]
    pub bom_format: String,
    /// Warnings, as text.
    pub warnings: Vec<String>,
}

impl ScanSummary {
    /// Builds the summary of a scan.
    pub fn new(scan: &sceau_scan::Scan, elapsed: Duration, bom: Option<String>) -> Self {
        let r = &scan.release;
        let mut kinds: BTreeMap<String, KindCount> = BTreeMap::new();
        for a in &r.artifacts {
            let k = kinds.entry(a.kind.to_string()).or_default();
            k.files += 1;
            k.bytes += a.size;
        }
        let secs = elapsed.as_secs_f64();
        ScanSummary {
            name: r.name.clone(),
            version: r.version.clone(),
            root: scan.root.display().to_string(),
            hugging_face: scan
                .hf
                .as_ref()
                .map(|h| (h.repo_id.clone(), h.revision.clone())),
            files: r.artifacts.len() as u64,
            bytes: r.total_bytes(),
            kinds,
            parameters: r.parameter_count(),
            licence: r.licence.clone(),
            licence_files: r
                .artifacts
                .iter()
                .filter(|a| a.kind == ArtifactKind::Licence)
                .map(|a| LicenceFile {
                    path: a.path.to_string(),
                    matches: a.detected_licence.as_ref().map(|d| d.spdx_id.clone()),
                    confidence: a.detected_licence.as_ref().map(|d| d.confidence),
                })
                .collect(),
            datasets: r
                .card
                .as_ref()
                .map(|c| c.datasets.clone())
                .unwrap_or_default(),
            base_model: r
                .card
                .as_ref()
                .map(|c| c.base_model.clone())
                .unwrap_or_default(),
            ignore: r.ignore.0.clone(),
            elapsed_s: secs,
            throughput_mb_s: if secs > 0.0 {
                r.total_bytes() as f64 / 1e6 / secs
            } else {
                0.0
            },
            bom,
            bom_format: "CycloneDX 1.6".into(),
            warnings: scan.warnings.iter().map(ToString::to_string).collect(),
        }
    }
}

/// Bytes for people (binary units).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// A number with thousands separators.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Prints the human summary of a scan.
pub fn print_scan(s: &ScanSummary, to_stderr: bool) {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{} {}: {} files, {} in {:.2} s ({:.0} MB/s)",
        s.name,
        s.version,
        s.files,
        bytes(s.bytes),
        s.elapsed_s,
        s.throughput_mb_s
    );
    if let Some((repo, rev)) = &s.hugging_face {
        let _ = writeln!(t, "  Hugging Face cache snapshot of {repo} at {rev}");
    }
    for k in ArtifactKind::ALL {
        if let Some(c) = s.kinds.get(k.as_str()) {
            let extra = if k == ArtifactKind::Weights && s.parameters > 0 {
                format!("  {} parameters", count(s.parameters))
            } else {
                String::new()
            };
            let _ = writeln!(
                t,
                "  {:<11} {:>5} files  {:>10}{extra}",
                k.as_str(),
                c.files,
                bytes(c.bytes)
            );
        }
    }
    match &s.licence {
        Some(l) => {
            let _ = writeln!(
                t,
                "licence: {} (declared by the model card)",
                describe_licence(l)
            );
        }
        None => {
            let _ = writeln!(t, "licence: none declared");
        }
    }
    for f in &s.licence_files {
        match (&f.matches, f.confidence) {
            (Some(id), Some(c)) => {
                let _ = writeln!(t, "  {}: text matches {id} ({:.0}%)", f.path, c * 100.0);
            }
            _ => {
                let _ = writeln!(t, "  {}: text not recognised", f.path);
            }
        }
    }
    if !s.datasets.is_empty() {
        let _ = writeln!(t, "datasets: {}", s.datasets.join(", "));
    }
    if !s.base_model.is_empty() {
        let _ = writeln!(t, "base model: {}", s.base_model.join(", "));
    }
    let _ = writeln!(t, "ignored: {}", s.ignore.join(" "));
    match &s.bom {
        Some(p) => {
            let _ = writeln!(t, "BOM ({}) written to {p}", s.bom_format);
        }
        None if !to_stderr => {
            let _ = writeln!(
                t,
                "no BOM written (use -o FILE, or -o - for standard output)"
            );
        }
        None => {}
    }
    if to_stderr {
        crate::out::write_stderr(t.as_bytes());
    } else {
        out!("{t}");
    }
}

fn describe_licence(l: &Licence) -> String {
    match l {
        Licence::Spdx { expression } => format!("{expression} (SPDX)"),
        Licence::Named { id, url, file } => {
            let mut s = format!("{id} (not an SPDX licence");
            if let Some(f) = file {
                let _ = write!(s, "; text in {f}");
            }
            if let Some(u) = url {
                let _ = write!(s, "; link {u}");
            }
            s.push(')');
            s
        }
    }
}

/// Prints a value as pretty JSON on standard output, with its `schema_version`
/// (spec/json-output.md; [`crate::json::print`]).
pub fn print_json<T: Serialize>(v: &T) -> Result<(), CliError> {
    crate::json::print(v)
}

/// Prints warnings on standard error.
pub fn print_warnings(ws: &[sceau_scan::Warning]) {
    for w in ws {
        errln!("warning: {w}");
    }
}

/// One line about a scan (used by sign).
pub fn print_scan_short(s: &ScanSummary) {
    outln!(
        "{} {}: {} files, {}{} in {:.2} s",
        s.name,
        s.version,
        s.files,
        bytes(s.bytes),
        if s.parameters > 0 {
            format!(", {} parameters", count(s.parameters))
        } else {
            String::new()
        },
        s.elapsed_s
    );
}

/// What sign wrote.
pub fn print_signed(path: &std::path::Path, key_id: &str, record_id: &str) {
    outln!(
        "signed by {key_id}; record {} (id sha256:{record_id})",
        path.display()
    );
}

/// Prints a verification report for people.
pub fn print_report(
    report: &sceau_verify::report::Report,
    rec: Option<&sceau_verify::record::VerifiedRecord>,
    dir: Option<&std::path::Path>,
) {
    let verdict = match (report.passed(), dir) {
        (true, Some(_)) => "VERIFIED",
        (true, None) => "VERIFIED (record only: no folder was checked)",
        (false, _) => "FAILED",
    };
    match rec {
        Some(r) => outln!(
            "{verdict}: {} {} (record {})",
            crate::input::clean(&r.release().name),
            crate::input::clean(&r.release().version),
            r.id()
        ),
        None => outln!("{verdict}"),
    }
    if let Some(r) = rec {
        for s in r.signers() {
            outln!("  signed by {}", crate::input::clean(&s.to_string()));
        }
    }
    if dir.is_none() && !report.passed() {
        outln!("  no folder given: only the record was checked, no file");
    }
    print_checks(report);
}

/// One line per check.
fn print_checks(report: &sceau_verify::report::Report) {
    use sceau_verify::report::Outcome;
    for c in &report.checks {
        let o = match c.outcome {
            Outcome::Pass => "ok  ",
            Outcome::Fail => "FAIL",
            Outcome::Skipped => "skip",
        };
        outln!(
            "  {o} {:<9} {:<13} {}",
            c.stage().as_str(),
            c.name(),
            crate::input::clean(&c.detail)
        );
    }
}

/// Who signed an OMS bundle, as verified.
pub fn oms_signer(s: &sceau_oms::VerifiedSigner) -> String {
    use sceau_oms::VerifiedSigner;
    match s {
        VerifiedSigner::Key { hint, curve } => {
            format!("key {} (OMS key hint {hint})", curve.name())
        }
        VerifiedSigner::Certificate { subject, chain, .. } => {
            format!("certificate {subject} (chain: {})", chain.join(" → "))
        }
        VerifiedSigner::Sigstore {
            identity, issuer, ..
        } => format!("{identity} (OIDC issuer {issuer}), keyless through Sigstore"),
    }
}

/// A verified OMS statement for `--json`: method, signer, model, root, resources.
pub fn oms_verified_json(v: &sceau_oms::VerifiedOmsStatement) -> serde_json::Value {
    let s = v.statement();
    let ser = s.serialization();
    serde_json::json!({
        "signer": oms_signer(v.signer()),
        "model": s.model_name,
        "root": s.root.to_prefixed(),
        "method": ser.method.name(),
        "hash_type": ser.hash_type.name(),
        "resources": s.resources().len(),
        "ignore_paths": ser.ignore_paths,
    })
}

/// The report of an OMS bundle verified as a record (spec/verify.md §6.4): the verdict, the
/// model and root it signs, who signed, then every check.
pub fn print_oms_report(
    report: &sceau_verify::report::Report,
    oms: Option<&sceau_pipeline::oms::OmsVerification>,
    dir: Option<&std::path::Path>,
) {
    let c = crate::input::clean;
    let verdict = match (report.passed(), dir) {
        (true, Some(_)) => "VERIFIED",
        (true, None) => "VERIFIED (signature only: no folder was checked)",
        (false, _) => "FAILED",
    };
    match oms.and_then(|o| o.verified.as_ref()) {
        Some(v) => {
            let s = v.statement();
            outln!(
                "{verdict}: OpenSSF Model Signing signature over model {} (root {})",
                c(s.model_name.as_deref().unwrap_or("(unnamed)")),
                s.root.to_prefixed()
            );
            outln!("  signed by {}", c(&oms_signer(v.signer())));
        }
        None => outln!("{verdict}: OpenSSF Model Signing bundle"),
    }
    if dir.is_none() && !report.passed() {
        outln!("  no folder given: only the signature was checked, no file");
    }
    print_checks(report);
}
