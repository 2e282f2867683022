//! Fork lineage (issue 4), through the CLI, on the `sceau_fixtures::lineage` family: org A's
//! base, org B's fine-tunes, org C's quantisation, org D's merge and org E's adapter, each
//! signed by its own organisation's key under a policy whose release scopes say who signs what.
//!
//! The "Done when": the quantisation verifies with A, B and C trusted and fails with
//! `unverified-ancestor` when A is not; every forgery fails with its own named reason (cycles,
//! self-parents, forged parents and licence laundering are cases of the bad-input catalogue,
//! `catalogue::lineage`, which uses the same [`Family`]); the HTML lineage shows every node and
//! edge. Findings that the CLI cannot produce from honest records
//! (a child claiming another name or version than its parent record's) are made by editing a
//! payload and re-signing it with `sceau countersign`.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use sceau_fixtures::lineage as fx;

use crate::common::*;

/// The base, the fine-tune and its quantisation, signed by A, B and C, all in `store/`.
struct Quant {
    lab: Family,
    base: (PathBuf, PathBuf),
    ft: (PathBuf, PathBuf),
    quant: (PathBuf, PathBuf),
    store: PathBuf,
}

fn quant_family() -> Quant {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let ft = lab.release(
        fx::finetune_b,
        "b",
        fx::FINETUNE_B_NAME,
        &[(&base.1, "finetune")],
    );
    let quant = lab.release(fx::quant_c, "c", fx::QUANT_C_NAME, &[(&ft.1, "quantized")]);
    let store = lab.store("store", &[&base.1, &ft.1, &quant.1]);
    Quant {
        lab,
        base,
        ft,
        quant,
        store,
    }
}

/// The edges of a report's or lineage JSON's `lineage`, as (child, parent, relation).
fn edge_set(lineage: &Value) -> BTreeSet<(String, String, String)> {
    lineage["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let f = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (f("child"), f("parent"), f("relation"))
        })
        .collect()
}

/// The edge from `child` to `parent` (record digests).
#[track_caller]
fn edge<'a>(lineage: &'a Value, child: &str, parent: &str) -> &'a Value {
    lineage["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["child"] == child && e["parent"] == parent)
        .unwrap_or_else(|| panic!("no edge {child} -> {parent} in {lineage:#}"))
}

// ---------------------------------------------------------------------------------------------
// Done when: the quantisation of the fine-tune, with and without A trusted.
// ---------------------------------------------------------------------------------------------

#[test]
fn quantisation_verifies_with_a_b_and_c_trusted() {
    let q = quant_family();
    let (o, r) = q
        .lab
        .verify(&q.quant.0, &q.quant.1, &q.store, &q.lab.policy, &[]);
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true, "{r:#}");
    let checks = stage_checks(&r, "lineage");
    let edges: Vec<&(String, String)> = checks.iter().filter(|(n, _)| n == "edge").collect();
    assert_eq!(edges.len(), 2, "{checks:?}");
    assert!(edges.iter().all(|(_, o)| o == "pass"), "{checks:?}");
    assert!(
        checks.iter().all(|(_, o)| o == "pass"),
        "every lineage check passes (nothing skipped either): {checks:?}"
    );
    let [base, ft, quant] = [&q.base.1, &q.ft.1, &q.quant.1].map(|r| record_digest(r));
    assert_eq!(
        edge_set(&r["lineage"]),
        BTreeSet::from([
            (quant.clone(), ft.clone(), "quantized".to_owned()),
            (ft.clone(), base.clone(), "finetune".to_owned()),
        ])
    );
    // The quantisation's edge: what the relation rules compared (spec/lineage.md §4).
    let quant_edge = edge(&r["lineage"], &quant, &ft);
    let summary = quant_edge["summary"].as_str().expect("summary");
    let p = fx::LINEAGE_PARAMETERS;
    assert!(
        numbers(summary).windows(2).any(|w| w == [p, p]),
        "{summary}"
    );
    assert_wording(summary, &["weights differ", "tokenizer identical"]);
    // Each edge check names both releases.
    let edge_details = details(&r, "lineage", "edge");
    for (child, parent) in [
        (fx::QUANT_C_NAME, fx::FINETUNE_B_NAME),
        (fx::FINETUNE_B_NAME, fx::BASE_A_NAME),
    ] {
        assert!(
            edge_details
                .iter()
                .any(|d| d.contains(child) && d.contains(parent)),
            "{edge_details:#?}"
        );
    }
    // Two ancestors, both verified, walked to the base.
    assert_numbers(&r, "lineage", "chain", &[2, 2]);
    assert_check(&r, "lineage", "chain", PASS, &[fx::BASE_A_NAME]);
    let l = &r["lineage"];
    assert_eq!(l["root"], record_digest(&q.quant.1));
    assert_eq!(l["nodes"].as_object().unwrap().len(), 3, "{l:#}");
    for (rec, name, signer) in [
        (&q.base.1, fx::BASE_A_NAME, "a"),
        (&q.ft.1, fx::FINETUNE_B_NAME, "b"),
        (&q.quant.1, fx::QUANT_C_NAME, "c"),
    ] {
        let n = node(l, &record_digest(rec));
        assert_eq!(n["name"], name);
        assert_eq!(n["status"]["state"], "verified", "{n:#}");
        assert_eq!(n["signers"][0]["name"], signer, "{n:#}");
    }
    assert_eq!(l["edges"].as_array().unwrap().len(), 2);
    assert!(
        l["findings"].as_array().unwrap().is_empty(),
        "{:#}",
        l["findings"]
    );
}

#[test]
fn quantisation_fails_with_unverified_ancestor_when_a_is_not_trusted() {
    let q = quant_family();
    // A is not a maintainer at all.
    let without_a = q.lab.make_policy("no-a.json", &["b", "c"], &[]);
    // A is a maintainer, but org A's releases may only be signed by B.
    let a_scoped_out = q
        .lab
        .make_policy("a-scoped-out.json", &["b", "c", "a"], &["org-a/*=b:1"]);
    for policy in [&without_a, &a_scoped_out] {
        let (o, r) = q.lab.verify(&q.quant.0, &q.quant.1, &q.store, policy, &[]);
        assert_lineage_failure(
            &o,
            &r,
            "unverified-ancestor",
            &[fx::BASE_A_NAME, fx::FINETUNE_B_NAME],
        );
        // The finding is about A's base, named by B's fine-tune.
        let (base_digest, ft_digest) = (record_digest(&q.base.1), record_digest(&q.ft.1));
        assert_finding(&r, "unverified-ancestor", &base_digest, Some(&ft_digest));
        assert_eq!(findings(&r, "unverified-ancestor").len(), 1, "{r:#}");
        let base = node(&r["lineage"], &base_digest);
        assert_eq!(base["status"]["state"], "unverified", "{base:#}");
        assert!(base["signers"].as_array().unwrap().is_empty());
        // B and C are still verified: only the ancestor A signed is reported.
        let ft = node(&r["lineage"], &record_digest(&q.ft.1));
        assert_eq!(ft["status"]["state"], "verified", "{ft:#}");
        // The human report fails with the same check.
        let o = sceau(&[
            "verify",
            s(&q.quant.0),
            "--record",
            s(&q.quant.1),
            "--store",
            s(&q.store),
            "--policy",
            s(policy),
            "--at",
            AT,
        ]);
        assert_exit(&o, 1);
        let out = stdout(&o);
        assert!(
            out.lines().any(|l| l.contains("unverified-ancestor")),
            "{out}"
        );
    }
}

#[test]
fn allow_unverified_ancestors_passes_and_still_lists_the_finding() {
    let q = quant_family();
    let without_a = q.lab.make_policy("no-a.json", &["b", "c"], &[]);
    let (o, r) = q.lab.verify(
        &q.quant.0,
        &q.quant.1,
        &q.store,
        &without_a,
        &["--allow-unverified-ancestors"],
    );
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true, "{r:#}");
    assert_check(
        &r,
        "lineage",
        "unverified-ancestor",
        SKIPPED,
        &[fx::BASE_A_NAME, "--allow-unverified-ancestors"],
    );
    let base_digest = record_digest(&q.base.1);
    assert_finding(&r, "unverified-ancestor", &base_digest, None);
    // Two ancestors, one verified.
    assert_check(&r, "lineage", "chain", PASS, &[]);
    assert_numbers(&r, "lineage", "chain", &[2, 1]);
    let base = node(&r["lineage"], &base_digest);
    assert_eq!(base["status"]["state"], "unverified");
}

// ---------------------------------------------------------------------------------------------
// The rest of the family: merge, adapter, parents given with --with.
// ---------------------------------------------------------------------------------------------

/// Base, two fine-tunes, their merge and its quantisation: five records, five edges.
struct Merge {
    lab: Family,
    records: Vec<PathBuf>,
    merge: (PathBuf, PathBuf),
    merge_gguf: (PathBuf, PathBuf),
    store: PathBuf,
}

fn merge_family() -> Merge {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let ft = lab.release(
        fx::finetune_b,
        "b",
        fx::FINETUNE_B_NAME,
        &[(&base.1, "finetune")],
    );
    let ft2 = lab.release(
        fx::finetune_b2,
        "b",
        fx::FINETUNE_B2_NAME,
        &[(&base.1, "finetune")],
    );
    let merge = lab.release(
        fx::merge_d,
        "d",
        fx::MERGE_D_NAME,
        &[(&ft.1, "merge"), (&ft2.1, "merge")],
    );
    let merge_gguf = lab.release(
        fx::merge_gguf,
        "d",
        fx::MERGE_GGUF_NAME,
        &[(&merge.1, "quantized")],
    );
    let records = vec![
        base.1.clone(),
        ft.1.clone(),
        ft2.1.clone(),
        merge.1.clone(),
        merge_gguf.1.clone(),
    ];
    let refs: Vec<&Path> = records.iter().map(PathBuf::as_path).collect();
    let store = lab.store("store", &refs);
    Merge {
        lab,
        records,
        merge,
        merge_gguf,
        store,
    }
}

#[test]
fn merge_of_two_finetunes_and_its_quantisation_verify() {
    let m = merge_family();
    let (o, r) = m
        .lab
        .verify(&m.merge.0, &m.merge.1, &m.store, &m.lab.policy, &[]);
    assert_exit(&o, 0);
    let checks = stage_checks(&r, "lineage");
    assert_eq!(
        checks
            .iter()
            .filter(|(n, o)| n == "edge" && o == "pass")
            .count(),
        4,
        "{checks:?}"
    );
    let (o, r) = m.lab.verify(
        &m.merge_gguf.0,
        &m.merge_gguf.1,
        &m.store,
        &m.lab.policy,
        &[],
    );
    assert_exit(&o, 0);
    assert_eq!(r["lineage"]["nodes"].as_object().unwrap().len(), 5);
    assert_eq!(r["lineage"]["edges"].as_array().unwrap().len(), 5);
    // Four ancestors, all verified, walked to the one root.
    assert_numbers(&r, "lineage", "chain", &[4, 4]);
    assert_check(&r, "lineage", "chain", PASS, &["org-a/base 1.0"]);
    assert!(r["lineage"]["nodes"]
        .as_object()
        .unwrap()
        .values()
        .all(|n| n["status"]["state"] == "verified"));
}

#[test]
fn merge_with_a_single_parent_fails() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let ft = lab.release(
        fx::finetune_b,
        "b",
        fx::FINETUNE_B_NAME,
        &[(&base.1, "finetune")],
    );
    // The card names two parents: drop the second from it so that signing agrees.
    let dir = lab.folder(
        "merge",
        ReleaseBuilder::new(fx::merge_d).edit_card("- org-b/finetune-2\n", ""),
    );
    let rec = lab.sign(&dir, "d", fx::MERGE_D_NAME, "m.json", &[(&ft.1, "merge")]);
    let store = lab.store("store", &[&base.1, &ft.1]);
    let (o, r) = lab.verify(&dir, &rec, &store, &lab.policy, &[]);
    assert_lineage_failure(&o, &r, "relation-merge-single-parent", &[fx::MERGE_D_NAME]);
    assert_finding(
        &r,
        "relation-merge-single-parent",
        &record_digest(&rec),
        None,
    );
}

#[test]
fn adapter_verifies() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let adapter = lab.release(
        fx::adapter_e,
        "e",
        fx::ADAPTER_E_NAME,
        &[(&base.1, "adapter")],
    );
    let store = lab.store("store", &[&base.1]);
    let (o, r) = lab.verify(&adapter.0, &adapter.1, &store, &lab.policy, &[]);
    assert_exit(&o, 0);
    assert_check(
        &r,
        "lineage",
        "edge",
        PASS,
        &[fx::ADAPTER_E_NAME, fx::BASE_A_NAME],
    );
    let e = edge(
        &r["lineage"],
        &record_digest(&adapter.1),
        &record_digest(&base.1),
    );
    assert_eq!(e["relation"], "adapter");
    let summary = e["summary"].as_str().expect("summary");
    assert!(
        numbers(summary).contains(&fx::ADAPTER_PARAMETERS),
        "{summary}"
    );
    assert_wording(summary, &["adapter weights only"]);
}

#[test]
fn missing_parent_fails_and_with_supplies_it() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let ft = lab.release(
        fx::finetune_b,
        "b",
        fx::FINETUNE_B_NAME,
        &[(&base.1, "finetune")],
    );
    // The base is not added: the store holds only the fine-tune.
    let store = lab.store("store", &[&ft.1]);
    let (o, r) = lab.verify(&ft.0, &ft.1, &store, &lab.policy, &[]);
    let base_digest = record_digest(&base.1);
    assert_lineage_failure(
        &o,
        &r,
        "missing-parent",
        &[fx::FINETUNE_B_NAME, fx::BASE_A_NAME, &base_digest[..12]],
    );
    assert_finding(
        &r,
        "missing-parent",
        &base_digest,
        Some(&record_digest(&ft.1)),
    );
    assert_eq!(
        node(&r["lineage"], &base_digest)["status"]["state"],
        "missing"
    );
    // `--allow-unverified-ancestors` does not excuse a missing parent.
    let (o, r) = lab.verify(
        &ft.0,
        &ft.1,
        &store,
        &lab.policy,
        &["--allow-unverified-ancestors"],
    );
    assert_lineage_failure(&o, &r, "missing-parent", &[fx::BASE_A_NAME]);
    // Given directly, the parent is found.
    let (o, r) = lab.verify(&ft.0, &ft.1, &store, &lab.policy, &["--with", s(&base.1)]);
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true);
}

// ---------------------------------------------------------------------------------------------
// Forgeries: each fails with its own named reason.
// ---------------------------------------------------------------------------------------------

#[test]
fn forged_repackage_of_unrelated_weights_fails() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let forged = lab.release(
        fx::forged_unrelated,
        "b",
        fx::FORGED_UNRELATED_NAME,
        &[(&base.1, "repackage")],
    );
    let store = lab.store("store", &[&base.1]);
    let (o, r) = lab.verify(&forged.0, &forged.1, &store, &lab.policy, &[]);
    assert_lineage_failure_with(
        &o,
        &r,
        "relation-repackage-weights-changed",
        &["relation-weights-contradicted"],
        &[
            fx::FORGED_UNRELATED_NAME,
            fx::BASE_A_NAME,
            "model.safetensors",
        ],
    );
    assert_finding(
        &r,
        "relation-repackage-weights-changed",
        &record_digest(&forged.1),
        Some(&record_digest(&base.1)),
    );
}

#[test]
fn repackage_with_one_weight_byte_changed_fails() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let repack = lab.release(
        fx::repackage_changed,
        "b",
        fx::REPACKAGE_CHANGED_NAME,
        &[(&base.1, "repackage")],
    );
    let store = lab.store("store", &[&base.1]);
    let (o, r) = lab.verify(&repack.0, &repack.1, &store, &lab.policy, &[]);
    let parent_sha = sha256_file(&base.0.join(fx::SAFETENSORS_FILE));
    let child_sha = sha256_file(&repack.0.join(fx::SAFETENSORS_FILE));
    assert_ne!(parent_sha, child_sha);
    assert_lineage_failure_with(
        &o,
        &r,
        "relation-repackage-weights-changed",
        &["relation-weights-contradicted"],
        &[
            fx::REPACKAGE_CHANGED_NAME,
            &child_sha[..12],
            &parent_sha[..12],
        ],
    );
    // The same folder with base's weights put back is an honest repackage.
    let weights = std::fs::read(base.0.join(fx::SAFETENSORS_FILE)).unwrap();
    let honest = lab.folder(
        "honest",
        ReleaseBuilder::new(fx::repackage_changed).file(fx::SAFETENSORS_FILE, weights),
    );
    let rec = lab.sign(
        &honest,
        "b",
        fx::REPACKAGE_CHANGED_NAME,
        "honest.json",
        &[(&base.1, "repackage")],
    );
    let (o, r) = lab.verify(&honest, &rec, &store, &lab.policy, &[]);
    assert_exit(&o, 0);
    assert_check(&r, "lineage", "edge", PASS, &[]);
    let e = edge(&r["lineage"], &record_digest(&rec), &record_digest(&base.1));
    assert_eq!(e["relation"], "repackage");
    assert_wording(e["summary"].as_str().unwrap(), &["weights identical"]);
}

#[test]
fn quantisation_with_another_parameter_count_fails() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let ft = lab.release(
        fx::finetune_b,
        "b",
        fx::FINETUNE_B_NAME,
        &[(&base.1, "finetune")],
    );
    let q = lab.release(
        fx::forged_quantized,
        "c",
        fx::FORGED_QUANTIZED_NAME,
        &[(&ft.1, "quantized")],
    );
    let store = lab.store("store", &[&base.1, &ft.1]);
    let (o, r) = lab.verify(&q.0, &q.1, &store, &lab.policy, &[]);
    let here = fx::FORGED_QUANTIZED_PARAMETERS.to_string();
    let there = fx::LINEAGE_PARAMETERS.to_string();
    assert_lineage_failure_with(
        &o,
        &r,
        "relation-quantized-parameters",
        &["relation-weights-contradicted"],
        &[fx::FORGED_QUANTIZED_NAME, &here, &there],
    );
}

#[test]
fn quantisation_with_another_tokenizer_fails_unless_declared() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let ft = lab.release(
        fx::finetune_b,
        "b",
        fx::FINETUNE_B_NAME,
        &[(&base.1, "finetune")],
    );
    let store = lab.store("store", &[&base.1, &ft.1]);
    let dir = lab.folder(
        "quant",
        ReleaseBuilder::new(fx::quant_c).edit("tokenizer.json", "\"<unk>\"", "\"[UNK]\""),
    );
    let rec = lab.sign(
        &dir,
        "c",
        fx::QUANT_C_NAME,
        "q.json",
        &[(&ft.1, "quantized")],
    );
    let (o, r) = lab.verify(&dir, &rec, &store, &lab.policy, &[]);
    assert_lineage_failure(
        &o,
        &r,
        "relation-quantized-tokenizer-changed",
        &["tokenizer.json"],
    );
    // Declared at signing, the change is recorded and not held against the release.
    let out = lab.lab.sign(
        &dir,
        &lab.key("c"),
        "q-declared.json",
        (fx::QUANT_C_NAME, V),
        &[
            "--parent",
            &format!("{}:quantized", s(&ft.1)),
            "--tokenizer-changed",
        ],
    );
    let (o, r) = lab.verify(&dir, &out, &store, &lab.policy, &[]);
    assert_exit(&o, 0);
    assert_eq!(
        check(&r, "lineage", "relation-quantized-tokenizer-changed")["outcome"],
        "skipped"
    );
}

#[test]
fn store_refuses_what_is_not_a_record_and_is_idempotent() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let store = lab.path("store");
    let junk = lab.path("junk.json");
    std::fs::write(
        &junk,
        b"{\"payloadType\":\"x\",\"payload\":\"\",\"signatures\":[]}",
    )
    .unwrap();
    let o = sceau(&["store", "add", "--store", s(&store), s(&base.1), s(&junk)]);
    assert_input_error(&o, &["junk.json"]);
    assert!(
        listing(&store).is_empty(),
        "nothing stored: {:?}",
        listing(&store)
    );
    lab.store("store", &[&base.1]);
    let before = snapshot(&store);
    let o = sceau(&["store", "add", "--store", s(&store), s(&base.1)]);
    assert_exit(&o, 0);
    // Adding it again changes nothing.
    assert_unchanged(&store, &before);
    let files = listing(&store);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].ends_with(&format!("{}.json", record_digest(&base.1))),
        "{files:?}"
    );
}

/// Licence terms flow down the whole chain, not just from the parent: an Apache-2.0
/// quantisation of the laundering fine-tune is caught for its grandparent's non-commercial
/// term too.
#[test]
fn licence_terms_flow_through_grandparents() {
    let lab = Family::new();
    let base = lab.release(fx::nc_base, "a", fx::NC_BASE_NAME, &[]);
    let ft = lab.release(
        fx::laundering_nc,
        "b",
        fx::LAUNDERING_NC_NAME,
        &[(&base.1, "finetune")],
    );
    // A quantisation of the laundering fine-tune (its card names it).
    let dir = lab.folder(
        "q",
        ReleaseBuilder::new(fx::quant_c).edit_card(fx::FINETUNE_B_NAME, fx::LAUNDERING_NC_NAME),
    );
    let rec = lab.sign(
        &dir,
        "c",
        fx::QUANT_C_NAME,
        "q.json",
        &[(&ft.1, "quantized")],
    );
    let store = lab.store("store", &[&base.1, &ft.1]);
    let (o, r) = lab.verify(&dir, &rec, &store, &lab.policy, &[]);
    assert_exit(&o, 1);
    // The grandchild is caught too: a laundering finding on it, about the grandparent's terms.
    assert_finding(&r, "licence-laundering", &record_digest(&rec), None);
    let launderings = details(&r, "lineage", "licence-laundering");
    assert!(
        launderings
            .iter()
            .any(|d| d.contains(fx::QUANT_C_NAME) && d.contains(fx::NC_BASE_NAME)),
        "{launderings:#?}"
    );
}

#[test]
fn card_base_model_disagreeing_with_parent_is_refused_at_sign() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let dir = lab.folder("mismatch", fx::card_mismatch);
    let before = listing(lab.t.path());
    let (o, out) = lab.sign_output(
        &dir,
        "b",
        fx::CARD_MISMATCH_NAME,
        "mismatch.json",
        &[(&base.1, "finetune")],
    );
    assert_exit(&o, 2);
    let e = stderr(&o);
    assert!(
        e.contains(fx::CARD_MISMATCH_BASE_MODEL) && e.contains(fx::BASE_A_NAME),
        "both values shown: {e}"
    );
    assert!(e.contains("nothing was written"), "{e}");
    assert!(!out.exists());
    assert_eq!(listing(lab.t.path()), before, "nothing written");
    // The relation must agree too: the card says finetune.
    let (o, _) = lab.sign_output(
        &dir,
        "b",
        fx::CARD_MISMATCH_NAME,
        "mismatch.json",
        &[(&base.1, "quantized")],
    );
    assert_exit(&o, 2);
    // And a card naming a base_model cannot be signed without a parent.
    let (o, _) = lab.sign_output(&dir, "b", fx::CARD_MISMATCH_NAME, "mismatch.json", &[]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains(fx::CARD_MISMATCH_BASE_MODEL),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

/// spec/lineage.md §1.4: "`repackage` has no Hub equivalent, so a card naming a `base_model`
/// for a repackage must leave `base_model_relation` out."
#[test]
fn repackage_card_names_its_base_without_a_relation() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let dir = lab.folder("repack", fx::repackage_changed);
    std::fs::copy(
        base.0.join(fx::SAFETENSORS_FILE),
        dir.join(fx::SAFETENSORS_FILE),
    )
    .unwrap();
    let card_path = dir.join("README.md");
    let card = std::fs::read_to_string(&card_path).unwrap();
    let with_base = card.replacen(
        "license: apache-2.0\n",
        "license: apache-2.0\nbase_model: org-a/base\n",
        1,
    );
    assert_ne!(with_base, card);
    let with_relation = with_base.replacen(
        "base_model: org-a/base\n",
        "base_model: org-a/base\nbase_model_relation: repackage\n",
        1,
    );
    let mut wrong = Vec::new();
    for (file, text, want) in [
        ("no-relation.json", &with_base, 0),
        ("relation.json", &with_relation, 2),
    ] {
        std::fs::write(&card_path, text).unwrap();
        let (o, _) = lab.sign_output(
            &dir,
            "b",
            fx::REPACKAGE_CHANGED_NAME,
            file,
            &[(&base.1, "repackage")],
        );
        if code(&o) != want {
            wrong.push(format!(
                "card {:?}: exit {} (want {want}): {}",
                text.lines().take(4).collect::<Vec<_>>(),
                code(&o),
                stderr(&o).trim()
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

// ---------------------------------------------------------------------------------------------
// Pictures.
// ---------------------------------------------------------------------------------------------

/// The values of attribute `attr` in every start tag that begins with `prefix`.
fn tags<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    html.match_indices(prefix)
        .map(|(i, _)| {
            let rest = &html[i..];
            &rest[..rest.find('>').expect("tag closes")]
        })
        .collect()
}

/// The value of `attr="…"` in a tag.
fn attr<'a>(tag: &'a str, attr: &str) -> &'a str {
    let key = format!(" {attr}=\"");
    let start = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {attr} in {tag}"))
        + key.len();
    let len = tag[start..].find('"').expect("attribute closes");
    &tag[start..start + len]
}

#[test]
fn lineage_html_shows_every_node_and_edge() {
    let m = merge_family();
    let html_path = m.lab.path("lineage.html");
    let o = m.lab.lineage(
        &m.merge_gguf.1,
        &m.store,
        &m.lab.policy,
        "html",
        &["-o", s(&html_path)],
    );
    assert_exit(&o, 0);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    assert!(html.contains("<svg"), "inline SVG");
    // Self-contained: nothing fetched.
    for bad in ["<script", "src=\"http", "href=\"http", "@import", "<link"] {
        assert!(!html.contains(bad), "{bad} in the page");
    }

    let digests: BTreeSet<String> = m.records.iter().map(|r| record_digest(r)).collect();
    let nodes = tags(&html, "<g class=\"node");
    let node_digests: BTreeSet<String> = nodes
        .iter()
        .map(|t| attr(t, "data-digest").to_owned())
        .collect();
    assert_eq!(nodes.len(), 5, "{nodes:#?}");
    assert_eq!(node_digests, digests);
    for t in &nodes {
        assert!(t.starts_with("<g class=\"node verified\""), "{t}");
    }

    let digest = |r: &PathBuf| record_digest(r);
    let [base, ft, ft2, merge, gguf] = [0, 1, 2, 3, 4].map(|i| digest(&m.records[i]));
    let want: BTreeSet<(String, String, String)> = [
        (gguf.clone(), merge.clone(), "quantized"),
        (merge.clone(), ft.clone(), "merge"),
        (merge.clone(), ft2.clone(), "merge"),
        (ft.clone(), base.clone(), "finetune"),
        (ft2.clone(), base.clone(), "finetune"),
    ]
    .into_iter()
    .map(|(c, p, r)| (c, p, r.to_owned()))
    .collect();
    let edges: BTreeSet<(String, String, String)> = tags(&html, "<g class=\"edge\"")
        .iter()
        .map(|t| {
            (
                attr(t, "data-child").to_owned(),
                attr(t, "data-parent").to_owned(),
                attr(t, "data-relation").to_owned(),
            )
        })
        .collect();
    assert_eq!(edges, want);

    // Every release's name and version is written on the page.
    for name in [
        fx::BASE_A_NAME,
        fx::FINETUNE_B_NAME,
        fx::FINETUNE_B2_NAME,
        fx::MERGE_D_NAME,
        fx::MERGE_GGUF_NAME,
    ] {
        assert!(html.contains(&format!("{name} {V}")), "{name}");
    }

    // `-o` never replaces a file without --force.
    let o = m.lab.lineage(
        &m.merge_gguf.1,
        &m.store,
        &m.lab.policy,
        "html",
        &["-o", s(&html_path)],
    );
    assert_exit(&o, 2);
    let o = m.lab.lineage(
        &m.merge_gguf.1,
        &m.store,
        &m.lab.policy,
        "html",
        &["-o", s(&html_path), "--force"],
    );
    assert_exit(&o, 0);
}

#[test]
fn lineage_html_colours_nodes_by_status() {
    let q = quant_family();
    let without_a = q.lab.make_policy("no-a.json", &["b", "c"], &[]);
    let o = q.lab.lineage(&q.quant.1, &q.store, &without_a, "html", &[]);
    assert_exit(&o, 1);
    let html = stdout(&o);
    let status = |rec: &Path| -> String {
        let d = record_digest(rec);
        let t = tags(&html, "<g class=\"node")
            .into_iter()
            .find(|t| attr(t, "data-digest") == d)
            .unwrap_or_else(|| panic!("no node {d}"));
        attr(t, "data-status").to_owned()
    };
    assert_eq!(status(&q.base.1), "unverified");
    assert_eq!(status(&q.ft.1), "verified");
    assert_eq!(status(&q.quant.1), "verified");
    // The findings table names the failed check.
    assert!(html.contains("unverified-ancestor"));

    // A parent missing from the store is drawn, as missing.
    let store = q.lab.store("partial", &[&q.ft.1]);
    let o = q
        .lab
        .lineage(&q.quant.1, &store, &q.lab.policy, "html", &[]);
    assert_exit(&o, 1);
    let html = stdout(&o);
    let d = record_digest(&q.base.1);
    let t = tags(&html, "<g class=\"node")
        .into_iter()
        .find(|t| attr(t, "data-digest") == d)
        .expect("missing node drawn");
    assert_eq!(attr(t, "data-status"), "missing");
    assert_eq!(tags(&html, "<g class=\"edge\"").len(), 2);
}

#[test]
fn lineage_formats_list_every_node() {
    let m = merge_family();
    let names = [
        fx::BASE_A_NAME,
        fx::FINETUNE_B_NAME,
        fx::FINETUNE_B2_NAME,
        fx::MERGE_D_NAME,
        fx::MERGE_GGUF_NAME,
    ];
    let digests: BTreeSet<String> = m.records.iter().map(|r| record_digest(r)).collect();

    // json
    let o = m
        .lab
        .lineage(&m.merge_gguf.1, &m.store, &m.lab.policy, "json", &[]);
    assert_exit(&o, 0);
    let v = json_out(&o);
    assert_eq!(v["verified"], true);
    let nodes = v["lineage"]["nodes"].as_object().unwrap();
    assert_eq!(nodes.len(), 5);
    assert_eq!(nodes.keys().cloned().collect::<BTreeSet<String>>(), digests);
    assert_eq!(v["lineage"]["edges"].as_array().unwrap().len(), 5);
    assert_eq!(v["lineage"]["root"], record_digest(&m.merge_gguf.1));
    assert!(nodes.values().all(|n| n["status"]["state"] == "verified"));
    // The base's dataset flows down to the quantised merge.
    assert!(
        v["inherited_datasets"][fx::BASE_A_DATASET].is_array(),
        "{:#}",
        v["inherited_datasets"]
    );

    // dot
    let o = m
        .lab
        .lineage(&m.merge_gguf.1, &m.store, &m.lab.policy, "dot", &[]);
    assert_exit(&o, 0);
    let dot = stdout(&o);
    assert!(dot.starts_with("digraph"), "{dot}");
    assert_eq!(
        dot.lines().filter(|l| l.contains(" -> ")).count(),
        5,
        "{dot}"
    );
    for d in &digests {
        assert!(dot.contains(d.as_str()), "{d} in {dot}");
    }
    for n in names {
        assert!(dot.contains(n), "{n} in {dot}");
    }

    // mermaid
    let o = m
        .lab
        .lineage(&m.merge_gguf.1, &m.store, &m.lab.policy, "mermaid", &[]);
    assert_exit(&o, 0);
    let mm = stdout(&o);
    assert!(mm.starts_with("flowchart"), "{mm}");
    assert_eq!(
        mm.lines().filter(|l| l.contains(" -->|")).count(),
        5,
        "{mm}"
    );
    for n in names {
        assert!(mm.contains(n), "{n} in {mm}");
    }

    // tree, the default (its layout is a golden output, `golden::lineage_tree`)
    let o = m
        .lab
        .lineage(&m.merge_gguf.1, &m.store, &m.lab.policy, "tree", &[]);
    assert_exit(&o, 0);
    let tree = stdout(&o);
    let mut a = vec![
        "lineage",
        s(&m.merge_gguf.1),
        "--store",
        s(&m.store),
        "--policy",
        s(&m.lab.policy),
        "--at",
        AT,
    ];
    let o = sceau(&a);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), tree, "tree is the default");
    assert!(
        tree.lines()
            .next()
            .unwrap()
            .starts_with(&format!("{} {V}", fx::MERGE_GGUF_NAME)),
        "{tree}"
    );
    for n in names {
        assert!(tree.contains(n), "{n} in {tree}");
    }
    for rel in ["quantized", "merge", "finetune"] {
        assert!(tree.contains(rel), "{rel} in {tree}");
    }
    // Parents given with --with instead of a store.
    a.truncate(2);
    let with: Vec<String> = m.records[..4]
        .iter()
        .flat_map(|r| ["--with".to_owned(), s(r).to_owned()])
        .collect();
    a.extend(with.iter().map(String::as_str));
    a.extend(["--policy", s(&m.lab.policy), "--at", AT]);
    let o = sceau(&a);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), tree, "--with finds the same family");
}
