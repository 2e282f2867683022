//! Reading reports: the `--json` output of `verify` (and `lineage`), asserted on check ids
//! and structured fields, not on the English of the details.
//!
//! A check is `(stage, name, outcome)`; its `detail` is text for people. Tests assert the ids
//! and outcome, the structured fields of the report (`signers`, `tree.modified[].path`,
//! `lineage.findings[].kind`, node states…) and, inside a detail, only identifiers: paths, key
//! ids, digests, versions, release names, dates ([`assert_check`]) and counts
//! ([`assert_numbers`]). The few facts that only the English of a detail carries (which of
//! several reasons made one check fail, when no field tells them apart) go through
//! [`assert_wording`], so that they can be found and counted.
use std::process::Output;

use serde_json::Value;

use crate::common::*;

/// Outcome of a check that passed.
pub const PASS: &str = "pass";
/// Outcome of a check that failed.
pub const FAIL: &str = "fail";
/// Outcome of a check that was not run or does not apply.
pub const SKIPPED: &str = "skipped";

/// Parses `verify --json` (or `lineage --format json`) output.
#[track_caller]
pub fn report_of(o: &Output) -> Value {
    json_out(o)
}

/// Runs `sceau verify ARGS --json`; returns the output and the parsed report.
#[track_caller]
pub fn verify_json(args: &[&str]) -> (Output, Value) {
    let o = Sceau::new().arg("verify").args(args).arg("--json").run();
    let r = report_of(&o);
    (o, r)
}

/// The report's check `stage`/`name` (panics, listing the checks, when absent).
#[track_caller]
pub fn check<'a>(report: &'a Value, stage: &str, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["stage"] == stage && c["name"] == name)
        .unwrap_or_else(|| panic!("no check {stage}/{name} in {report:#}"))
}

/// Whether the report lists a check `stage`/`name`.
pub fn has_check(report: &Value, stage: &str, name: &str) -> bool {
    report["checks"]
        .as_array()
        .is_some_and(|a| a.iter().any(|c| c["stage"] == stage && c["name"] == name))
}

/// The outcome of check `stage`/`name`.
#[track_caller]
pub fn outcome<'a>(report: &'a Value, stage: &str, name: &str) -> &'a str {
    check(report, stage, name)["outcome"]
        .as_str()
        .expect("outcome")
}

/// The detail of check `stage`/`name`.
#[track_caller]
pub fn detail<'a>(report: &'a Value, stage: &str, name: &str) -> &'a str {
    check(report, stage, name)["detail"]
        .as_str()
        .expect("detail")
}

/// The failed checks of a report, as `stage/name`, in report order.
pub fn failures(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["outcome"] == FAIL)
        .map(|c| {
            format!(
                "{}/{}",
                c["stage"].as_str().unwrap_or_default(),
                c["name"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// The checks of one stage, as (name, outcome), in report order.
pub fn stage_checks(report: &Value, stage: &str) -> Vec<(String, String)> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["stage"] == stage)
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                c["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The details of every check `stage`/`name` (a name such as `lineage edge` may repeat).
pub fn details<'a>(report: &'a Value, stage: &str, name: &str) -> Vec<&'a str> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["stage"] == stage && c["name"] == name)
        .filter_map(|c| c["detail"].as_str())
        .collect()
}

/// Asserts check `stage`/`name` has `outcome` and that its detail names each of `ids`
/// (identifiers: paths, key ids, digests, versions, release names, dates, flags).
#[track_caller]
pub fn assert_check(report: &Value, stage: &str, name: &str, outcome: &str, ids: &[&str]) {
    let c = check(report, stage, name);
    assert_eq!(c["outcome"], outcome, "{stage}/{name} in {report:#}");
    let d = c["detail"].as_str().expect("detail");
    for p in ids {
        assert!(
            d.contains(p),
            "{stage}/{name} detail {d:?} does not name {p:?}"
        );
    }
}

/// Asserts a failed verification (exit 1, `verified: false`) whose only failed check is
/// `stage/name`, its detail naming each of `ids`. Returns the detail.
#[track_caller]
pub fn assert_only_failure(
    o: &Output,
    report: &Value,
    stage: &str,
    name: &str,
    ids: &[&str],
) -> String {
    assert_exit(o, 1);
    assert_eq!(report["verified"], false, "{report:#}");
    assert_eq!(
        failures(report),
        vec![format!("{stage}/{name}")],
        "{report:#}"
    );
    assert_check(report, stage, name, FAIL, ids);
    detail(report, stage, name).to_owned()
}

/// Asserts check `stage`/`name` was not run because check `stopped_by` (`"stage name"`, e.g.
/// `"signature threshold"`) failed: it is skipped and its detail names that check
/// (spec/verify.md §1: one wording names the failure that stopped the run).
#[track_caller]
pub fn assert_not_run(report: &Value, stage: &str, name: &str, stopped_by: &str) {
    assert_check(report, stage, name, SKIPPED, &[stopped_by]);
}

/// The whole numbers written in a text, in order (`"1 of 2 (3 skipped)"` gives 1, 2, 3): the
/// counts of a detail, whatever words surround them.
pub fn numbers(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|w| w.parse().ok())
        .collect()
}

/// Asserts the detail of check `stage`/`name` holds the counts `want` in that order (other
/// numbers may come between them), e.g. `[1, 2]` for "1 of 2 keys".
#[track_caller]
pub fn assert_numbers(report: &Value, stage: &str, name: &str, want: &[u64]) {
    let d = detail(report, stage, name);
    let have = numbers(d);
    let mut it = have.iter();
    assert!(
        want.iter().all(|w| it.any(|h| h == w)),
        "{stage}/{name} detail {d:?} does not count {want:?} (its numbers: {have:?})"
    );
}

/// Asserts `text` contains each English phrase of `phrases`.
///
/// For the few facts that only the wording of a message carries: which of several reasons made
/// one check fail (an invalid signature, one by an untrusted key, a repeated one) or which
/// rule refused an input, where no check id or field tells them apart. Everything else is
/// asserted on ids and fields.
#[track_caller]
pub fn assert_wording(text: &str, phrases: &[&str]) {
    for p in phrases {
        assert!(text.contains(p), "{text:?} does not say {p:?}");
    }
}

/// The key ids of a report's counted signers, in order.
pub fn signer_ids(report: &Value) -> Vec<String> {
    report["signers"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["key_id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The node of `digest` in a report's or lineage JSON's `lineage`.
#[track_caller]
pub fn node<'a>(lineage: &'a Value, digest: &str) -> &'a Value {
    let n = &lineage["nodes"][digest];
    assert!(n.is_object(), "no node {digest} in {lineage:#}");
    n
}

/// The findings of kind `kind` in a report's `lineage.findings`.
pub fn findings<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["lineage"]["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["kind"] == kind).collect())
        .unwrap_or_default()
}

/// The one finding of kind `kind` about node `node` (a record digest), named by `related`
/// when given.
#[track_caller]
pub fn assert_finding<'a>(
    report: &'a Value,
    kind: &str,
    node: &str,
    related: Option<&str>,
) -> &'a Value {
    let all = findings(report, kind);
    let f = all
        .iter()
        .find(|f| f["node"] == node && related.is_none_or(|r| f["related"] == r))
        .unwrap_or_else(|| {
            panic!(
                "no {kind} finding on {node} ({related:?}) in {:#}",
                report["lineage"]["findings"]
            )
        });
    f
}

/// Asserts a failed verification (exit 1, `verified: false`) whose only failures are lineage
/// check `kind` and the `lineage chain` it breaks, the detail of `kind` naming each of `ids`,
/// and a fatal finding of that kind in `lineage.findings`. Returns the detail.
#[track_caller]
pub fn assert_lineage_failure(o: &Output, report: &Value, kind: &str, ids: &[&str]) -> String {
    assert_lineage_failure_with(o, report, kind, &[], ids)
}

/// [`assert_lineage_failure`] where the weights (spec/lineage.md §8) add the failed lineage
/// checks `also` (e.g. `relation-weights-contradicted`), in any order.
#[track_caller]
pub fn assert_lineage_failure_with(
    o: &Output,
    report: &Value,
    kind: &str,
    also: &[&str],
    ids: &[&str],
) -> String {
    assert_exit(o, 1);
    assert_eq!(report["verified"], false, "{report:#}");
    let mut want: Vec<String> = [kind, "chain"]
        .iter()
        .chain(also)
        .map(|k| format!("lineage/{k}"))
        .collect();
    want.sort();
    let mut got = failures(report);
    got.sort();
    assert_eq!(got, want, "{report:#}");
    assert_check(report, "lineage", kind, FAIL, ids);
    assert!(
        findings(report, kind).iter().any(|f| f["fatal"] == true),
        "no fatal {kind} finding in {:#}",
        report["lineage"]["findings"]
    );
    detail(report, "lineage", kind).to_owned()
}

/// Asserts a failed verification whose only failure is `signature threshold`, with `counted`
/// of `required` distinct trusted keys, and (when given) `reason` in its detail: which kind of
/// signature did not count ("invalid signature", "untrusted keys", "repeated signature",
/// "(none)"), a distinction the report carries in words only. Returns the detail.
#[track_caller]
pub fn assert_below_threshold(
    o: &Output,
    report: &Value,
    (counted, required): (u64, u64),
    reason: Option<&str>,
) -> String {
    let d = assert_only_failure(o, report, "signature", "threshold", &[]);
    assert_numbers(report, "signature", "threshold", &[counted, required]);
    assert_eq!(report["signers"], Value::Null, "{report:#}");
    if let Some(why) = reason {
        assert_wording(&d, &[why]);
    }
    d
}
