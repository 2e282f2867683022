//! `sceau match`: the trusted releases of a store whose weights a release derives from
//! without declaring them (spec/lineage.md §8.3).
use anyhow::anyhow;
use sceau_pipeline::matching::{
    find_ancestors, MatchError, MatchReport, MatchRequest, MatchSubject,
};
use sceau_verify::store::Store;

use crate::args::MatchArgs;
use crate::error::{CliError, CliResult, EXIT_FAILED};
use crate::input::{clean, read_record};
use crate::render;
use crate::trust::LoadedTrust;

/// Runs `sceau match`.
pub fn run(args: &MatchArgs) -> CliResult {
    let trust = LoadedTrust::load(&args.trust)?;
    if let Some(e) = trust.policy_failure() {
        return Err(e);
    }
    let store = Store::open(&args.store).map_err(|e| {
        CliError::input(anyhow::Error::new(e))
            .hint("create it with `sceau store add RECORD… --store DIR`")
    })?;
    let bytes;
    let subject = if args.subject.is_dir() {
        MatchSubject::Folder(&args.subject)
    } else {
        bytes = read_record(&args.subject)?;
        MatchSubject::Record(&bytes)
    };
    let report = find_ancestors(MatchRequest {
        subject,
        store: &store,
        trust: trust.root(),
        now: trust.now,
    })
    .map_err(|e| {
        let hint = match &e {
            MatchError::NoFingerprints { .. } => {
                Some("sign the release again without --no-fingerprints, or give its folder instead")
            }
            MatchError::Record(_) => Some("give a record written by `sceau sign`, or a folder"),
            _ => None,
        };
        CliError::input(anyhow::Error::new(e).context(args.subject.display().to_string()))
            .maybe_hint(hint)
    })?;
    if args.json {
        render::print_json(&serde_json::json!({
            "undeclared_ancestor": report.found_undeclared(),
            "subject": report.subject,
            "store": report.store,
            "matches": report.matches,
        }))
        .map_err(|e| CliError::input(anyhow!("{e}")))?;
    } else {
        print_text(args, &report);
    }
    Ok(if report.found_undeclared() {
        EXIT_FAILED
    } else {
        0
    })
}

fn print_text(args: &MatchArgs, r: &MatchReport) {
    let s = &r.subject;
    let who = match (&s.name, &s.version) {
        (Some(n), Some(v)) => format!("{} {}", clean(n), clean(v)),
        _ => args.subject.display().to_string(),
    };
    let n = r.undeclared().count();
    if n > 0 {
        outln!("UNDECLARED ANCESTOR: {who} derives from {n} release(s) it does not declare");
    } else {
        outln!("no undeclared ancestor: {who}");
    }
    match (&s.record, &s.not_verified) {
        (Some(d), None) => outln!(
            "  record sha256:{d}, verified, signed at {}",
            s.signed_at
                .map_or_else(|| "an unknown time".into(), |t| t.to_string())
        ),
        (Some(d), Some(why)) => outln!(
            "  record sha256:{d}, NOT verified under the trust given ({}): every matching \
             trusted release counts as earlier",
            clean(why)
        ),
        (None, _) => outln!("  a folder: no declared ancestors, no signing time"),
    }
    outln!(
        "  weight files compared: {}",
        s.fingerprinted
            .iter()
            .map(|f| clean(f))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (f, why) in &s.not_fingerprinted {
        outln!("  not fingerprinted: {}: {}", clean(f), clean(why));
    }
    let st = &r.store;
    outln!(
        "  store {}: {} record(s), {} trusted, {} compared",
        args.store.display(),
        st.records,
        st.trusted,
        st.compared
    );
    for m in &r.matches {
        let tag = if m.fails() { "FAIL" } else { "ok  " };
        outln!("  {tag} {}", clean(&m.describe()));
    }
    if !st.untrusted.is_empty() {
        outln!(
            "  {} store record(s) not trusted, not compared (first: sha256:{}: {})",
            st.untrusted.len(),
            st.untrusted[0].0,
            clean(&st.untrusted[0].1)
        );
    }
    for u in &st.unreadable {
        errln!("warning: store: {}", clean(u));
    }
}
