//! Certification attestations (`sceau certify`, `sceau verify --require --attestation`) and
//! the AI Act report (`sceau report --ai-act`): the issue's "Done when" — a valid
//! certification is accepted, and each bad one is refused with its named reason. Attestations
//! for another record, expired ones, and those of untrusted certifiers (unknown, out of scope,
//! outside their validity window, or under `--key` trust) are cases of the bad-input catalogue
//! (`catalogue::lineage`, `catalogue::freshness`).
use std::path::{Path, PathBuf};

use serde_json::Value;

use std::ops::Deref;

use crate::common::*;
use crate::schema::assert_valid;

fn standard(name: &str) -> PathBuf {
    standard_file(name)
}

fn mof() -> PathBuf {
    standard("mof-openness.json")
}

/// The lab's release signed by alice, an auditor and a stranger, and a policy trusting the
/// auditor for mof-openness.
struct Setup {
    lab: Lab,
    auditor: (PathBuf, PathBuf),
    stranger: (PathBuf, PathBuf),
    policy: PathBuf,
}

impl Deref for Setup {
    type Target = Lab;
    fn deref(&self) -> &Lab {
        &self.lab
    }
}

impl Setup {
    /// A record a certifier may attest class III for ([`Lab::certifiable`]).
    fn new() -> Setup {
        Setup::on(Lab::certifiable())
    }

    /// The usual lab's record, which reaches no MOF class ([`Lab::new`]).
    fn plain() -> Setup {
        Setup::on(Lab::new())
    }

    fn on(lab: Lab) -> Setup {
        let auditor = lab.keys("auditor");
        let stranger = lab.keys("stranger");
        let policy = lab.certifier_policy("p.json", &auditor.1, "mof-openness", &[]);
        Setup {
            lab,
            auditor,
            stranger,
            policy,
        }
    }

    /// The auditor's attestation of the record, `t/NAME` ([`Lab::certify`]).
    fn certify(&self, name: &str) -> PathBuf {
        self.lab.certify(&self.record, &self.auditor.0, name)
    }

    /// `verify --record R --policy P --at AT --require REQ --attestation A… --json`.
    fn verify(&self, policy: &Path, at: &str, require: &str, atts: &[&Path]) -> (i32, Value) {
        let mut a = vec![
            "--record",
            s(&self.record),
            "--policy",
            s(policy),
            "--at",
            at,
            "--require",
            require,
        ];
        for x in atts {
            a.extend(["--attestation", s(x)]);
        }
        let (o, v) = verify_json(&a);
        (code(&o), v)
    }
}

const REQ: &str = "mof-openness:class-iii";
const CHECK: &str = "require:mof-openness:class-iii";

/// Asserts a denial: exit 1, the requirement's check failed.
#[track_caller]
fn assert_denied(got: &(i32, Value)) {
    let (code, v) = got;
    assert_eq!(*code, 1, "{v:#}");
    assert_eq!(v["verified"], false);
    assert_check(v, "claims", CHECK, FAIL, &[]);
}

// ---------------------------------------------------------------------------------------------
// Done when: accepted, and each bad one refused with its reason.

#[test]
fn a_valid_certification_is_accepted() {
    let su = Setup::new();
    let a = su.certify("a.json");
    let (code, v) = su.verify(&su.policy, AT, REQ, &[&a]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["verified"], true);
    // Attested by the certifier `auditor`, until 2027-01-01.
    assert_check(&v, "claims", CHECK, PASS, &["auditor", "2027-01-01"]);
    assert_check(
        &v,
        "claims",
        "attestation",
        PASS,
        &["a.json", "mof-openness"],
    );
    // The standard alone is satisfied by any fully conformant requirement of it.
    let (code, v) = su.verify(&su.policy, AT, "mof-openness", &[&a]);
    assert_eq!(code, 0, "{v:#}");
    // Human output names the stage and the check.
    let o = sceau(&[
        "verify",
        "--record",
        s(&su.record),
        "--policy",
        s(&su.policy),
        "--at",
        AT,
        "--require",
        REQ,
        "--attestation",
        s(&a),
    ]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).lines().any(|l| l.contains(CHECK)),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_absent_attestation_is_refused() {
    let su = Setup::new();
    let got = su.verify(&su.policy, AT, REQ, &[]);
    assert_denied(&got);
    // No attestation was given, so none was checked.
    assert!(!has_check(&got.1, "claims", "attestation"), "{:#}", got.1);
    // An attestation of another standard does not stand in.
    let a = su.certify("a.json");
    let (code, v) = su.verify(&su.policy, AT, "eu-ai-act-gpai:art-53-1-c", &[&a]);
    assert_eq!(code, 1);
    assert_check(
        &v,
        "claims",
        "require:eu-ai-act-gpai:art-53-1-c",
        FAIL,
        &["eu-ai-act-gpai"],
    );
    // Nor one of another requirement of the same standard.
    let (code, v) = su.verify(&su.policy, AT, "mof-openness:class-i", &[&a]);
    assert_eq!(code, 1);
    assert_check(
        &v,
        "claims",
        "require:mof-openness:class-i",
        FAIL,
        &["class-i "],
    );
}

#[test]
fn a_tampered_attestation_is_refused() {
    let su = Setup::new();
    let a = su.certify("a.json");
    let mut env = read_json(&a);
    let mut payload = payload_of(&a);
    // Flip one byte of the payload: "class-iii" claims survive, the signature does not.
    let i = payload.len() / 2;
    payload[i] ^= 0x01;
    env["payload"] = b64_encode(&payload).into();
    write_json(&a, &env);
    let got = su.verify(&su.policy, AT, REQ, &[&a]);
    // The attestation itself fails (its signatures no longer verify), so nothing attests.
    assert_check(&got.1, "claims", "attestation", FAIL, &["a.json"]);
    assert_denied(&got);
}

#[test]
fn a_valid_attestation_does_not_rescue_a_record_that_fails() {
    let su = Setup::new();
    let a = su.certify("a.json");
    // Signed by alice, verified against a policy that trusts only the stranger as maintainer.
    let out = su.path("p-stranger.json");
    let cert = format!("auditor={}:mof-openness", s(&su.auditor.1));
    policy_init(
        &out,
        &[s(&su.stranger.1)],
        &[&su.stranger.0],
        &["--certifier", &cert],
    );
    let (code, v) = su.verify(&out, AT, REQ, &[&a]);
    assert_eq!(code, 1);
    // Not checked, because the signature threshold failed: a requirement not shown to be met
    // fails (spec/attestations.md §3.4).
    assert_check(&v, "claims", CHECK, FAIL, &["signature threshold"]);
    assert_check(&v, "signature", "threshold", FAIL, &[]);
    // And a folder that no longer matches still fails with a valid certification.
    std::fs::write(su.dir.join("config.json"), "{}").unwrap();
    let (o, v) = verify_json(&[
        s(&su.dir),
        "--record",
        s(&su.record),
        "--policy",
        s(&su.policy),
        "--at",
        AT,
        "--require",
        REQ,
        "--attestation",
        s(&a),
    ]);
    assert_exit(&o, 1);
    assert_check(&v, "claims", CHECK, PASS, &[]);
    assert_check(&v, "tree", "modified", FAIL, &["config.json"]);
    assert_eq!(failures(&v), ["tree/modified"], "{v:#}");
}

#[test]
fn verify_refuses_bad_require_and_unreadable_attestations() {
    let su = Setup::new();
    let base = [
        "verify",
        "--record",
        s(&su.record),
        "--policy",
        s(&su.policy),
        "--at",
        AT,
    ];
    let missing = su.path("nope.json");
    for extra in [
        vec!["--require", "mof openness"],
        vec!["--require", REQ, "--attestation", s(&missing)],
    ] {
        let mut a = base.to_vec();
        a.extend(extra);
        assert_exit(&sceau(&a), 2);
    }
    // A file that is not an attestation is a failed check, not an input error.
    let (code, v) = su.verify(&su.policy, AT, REQ, &[&mof()]);
    assert_eq!(code, 1);
    assert_check(&v, "claims", "attestation", FAIL, &["mof-openness.json"]);
    assert_check(&v, "claims", CHECK, FAIL, &[]);
    // A release record is an in-toto envelope too, but signed by a maintainer, no certifier:
    // listed, not counted, and the requirement is not met.
    let (code, v) = su.verify(&su.policy, AT, REQ, &[&su.record]);
    assert_eq!(code, 1);
    assert_check(&v, "claims", "attestation", SKIPPED, &["r.sceau.json"]);
    assert_check(&v, "claims", CHECK, FAIL, &[]);
}

// ---------------------------------------------------------------------------------------------
// The attestation itself.

#[test]
fn the_attestation_is_in_toto_over_the_record_digest_with_a_valid_cyclonedx_bom() {
    let su = Setup::new();
    let evidence = su.path("audit report.txt");
    std::fs::write(&evidence, "checked").unwrap();
    let a = su.path("a.json");
    let o = sceau(&[
        "certify",
        s(&su.record),
        "--key",
        s(&su.auditor.0),
        "--standard",
        s(&mof()),
        "--level",
        "II",
        "--evidence",
        s(&evidence),
        "https://example.org/audits/42",
        "--expires",
        "2027-01-01T12:00:00Z",
        "--certifier-name",
        "Example Audit GmbH",
        "-o",
        s(&a),
    ]);
    assert_exit(&o, 0);
    let record_id = sha256_hex(&payload_of(&su.record));
    assert!(
        stdout(&o).contains(&format!("sha256:{record_id}")),
        "{}",
        stdout(&o)
    );
    let env = read_json(&a);
    assert_eq!(env["payloadType"], "application/vnd.in-toto+json");
    let st: Value = serde_json::from_slice(&payload_of(&a)).unwrap();
    assert_eq!(st["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(st["predicateType"], "https://cyclonedx.org/bom");
    assert_eq!(
        st["subject"],
        serde_json::json!([{"name": "example-org/tiny-llm@1.0.0", "digest": {"sha256": record_id}}])
    );
    let bom = &st["predicate"];
    assert_valid(bom);
    let d = &bom["declarations"];
    assert_eq!(d["assessors"][0]["thirdParty"], true);
    assert_eq!(
        d["assessors"][0]["organization"]["name"],
        "Example Audit GmbH"
    );
    let mapped: Vec<&str> = d["attestations"][0]["map"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["requirement"].as_str().unwrap())
        .collect();
    assert_eq!(
        mapped,
        ["requirement:class-iii", "requirement:class-ii"],
        "level II is cumulative"
    );
    assert_eq!(d["claims"][0]["target"], "release");
    assert_eq!(
        d["claims"][0]["externalReferences"][0]["hashes"][0]["content"],
        sha256_file(&evidence)
    );
    assert_eq!(d["evidence"].as_array().unwrap().len(), 2);
    assert!(d["affirmation"]["statement"]
        .as_str()
        .unwrap()
        .contains(&record_id));
    let std = &bom["definitions"]["standards"][0];
    assert_eq!(std["bom-ref"], "standard:mof-openness");
    assert_eq!(std["levels"].as_array().unwrap().len(), 3);
    assert_eq!(bom["metadata"]["component"]["name"], "example-org/tiny-llm");
    let props = bom["metadata"]["properties"].as_array().unwrap();
    let prop = |n: &str| {
        props
            .iter()
            .find(|p| p["name"] == n)
            .map(|p| p["value"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        prop("sceau:attestation.expires").as_deref(),
        Some("2027-01-01T12:00:00Z")
    );
    assert_eq!(
        prop("sceau:attestation.standard").as_deref(),
        Some("mof-openness")
    );
    assert_eq!(
        prop("sceau:attestation.record"),
        Some(format!("sha256:{record_id}"))
    );
    assert_eq!(
        prop("sceau:attestation.standard.sha256"),
        Some(sha256_file(&mof()))
    );
    // Both requirements of level II verify.
    for req in ["mof-openness:class-iii", "mof-openness:class-ii"] {
        let (code, v) = su.verify(&su.policy, AT, req, &[&a]);
        assert_eq!(code, 0, "{req}: {v:#}");
        assert_check(&v, "claims", &format!("require:{req}"), PASS, &["II"]);
    }
}

#[test]
fn both_shipped_standards_certify_into_valid_boms() {
    let su = Setup::new();
    for (std, req) in [
        ("mof-openness.json", "class-i"),
        ("eu-ai-act-gpai.json", "art-53-1-c"),
    ] {
        let a = su.path(&format!("{std}.att"));
        let o = sceau(&[
            "certify",
            s(&su.record),
            "--key",
            s(&su.auditor.0),
            "--standard",
            s(&standard(std)),
            "--requirement",
            req,
            "--expires",
            "2027-01-01",
            "-o",
            s(&a),
            "--json",
        ]);
        assert_exit(&o, 0);
        let st: Value = serde_json::from_slice(&payload_of(&a)).unwrap();
        assert_valid(&st["predicate"]);
    }
}

#[test]
fn certify_refuses_bad_input() {
    let su = Setup::new();
    let a = su.certify("a.json");
    let bad_std = su.path("bad-std.json");
    std::fs::write(&bad_std, r#"{"id": "x", "name": "x"}"#).unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--requirement", "class-zero"], "has no requirement"),
        (vec!["--level", "IV"], "has no level"),
        (vec![], "no requirement to attest"),
        (
            vec![
                "--requirement",
                "class-iii",
                "--evidence",
                "file:///etc/passwd",
            ],
            "http(s) URL",
        ),
    ];
    let out = su.path("new.json");
    let mof = mof();
    for (extra, phrase) in cases {
        let mut args = vec![
            "certify",
            s(&su.record),
            "--key",
            s(&su.auditor.0),
            "--standard",
            s(&mof),
            "--expires",
            "2027-01-01",
            "-o",
            s(&out),
        ];
        args.extend(extra);
        let o = sceau(&args);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(phrase), "{phrase}: {}", stderr(&o));
        assert!(!out.exists());
    }
    let base = |record: &Path, std: &Path, expires: &'static str, out: &Path, force: bool| {
        let mut v = vec![
            "certify".to_owned(),
            s(record).to_owned(),
            "--key".into(),
            s(&su.auditor.0).to_owned(),
            "--standard".into(),
            s(std).to_owned(),
            "--requirement".into(),
            "class-iii".into(),
            "--expires".into(),
            expires.into(),
            "-o".into(),
            s(out).to_owned(),
        ];
        if force {
            v.push("--force".into());
        }
        let refs: Vec<&str> = v.iter().map(String::as_str).collect();
        sceau(&refs)
    };
    // Expiry not after the certification time (SOURCE_DATE_EPOCH = 2026-01-01).
    assert_exit(&base(&su.record, &mof, "2025-12-31", &out, false), 2);
    // Not a record; a bad standard file.
    assert_exit(&base(&mof, &mof, "2027-01-01", &out, false), 2);
    assert_exit(&base(&su.record, &bad_std, "2027-01-01", &out, false), 2);
    // No overwrite without --force.
    let before = std::fs::read(&a).unwrap();
    let o = base(&su.record, &mof, "2027-01-01", &a, false);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--force"));
    assert_eq!(std::fs::read(&a).unwrap(), before);
    assert_exit(&base(&su.record, &mof, "2027-01-01", &a, true), 0);
}

// ---------------------------------------------------------------------------------------------
// The AI Act report.

fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["items"].as_array().unwrap())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

fn obligation<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("no obligation {id}"))
}

#[test]
fn ai_act_report_json_lists_items_with_statuses() {
    let su = Setup::new();
    let o = sceau(&["report", s(&su.record), "--ai-act", "--format", "json"]);
    assert_exit(&o, 0);
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["report"], "eu-ai-act-gpai");
    assert_eq!(r["verified"], false);
    assert_eq!(r["verification"]["status"], "not-verified");
    for id in ["art-53-1-a", "art-53-1-b", "art-53-1-c", "art-53-1-d"] {
        let ob = obligation(&r, id);
        assert!(["covered", "partial", "missing"].contains(&ob["status"].as_str().unwrap()));
    }
    // Every item has a status; every item id is a requirement of the shipped standard.
    let std = read_json(&standard("eu-ai-act-gpai.json"));
    let ids: Vec<&str> = std["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for o in r["obligations"].as_array().unwrap() {
        for i in o["items"].as_array().unwrap() {
            assert!(["covered", "partial", "missing"].contains(&i["status"].as_str().unwrap()));
            assert!(ids.contains(&i["id"].as_str().unwrap()), "{}", i["id"]);
        }
    }
    // The fixture: Apache-2.0 weights, config and card in the release.
    assert_eq!(item(&r, "annex-xi-1-1-d")["status"], "covered");
    assert_eq!(item(&r, "annex-xi-1-1-f")["status"], "covered");
    assert_eq!(item(&r, "annex-xi-1-2-d")["status"], "missing");
    assert_eq!(item(&r, "copyright-policy")["status"], "missing");
    assert_eq!(item(&r, "tcs-document")["status"], "missing");
    // Open weights: (a) and (b) waived, never (c) or (d).
    assert_eq!(r["open_source_exemption"]["applies"], true);
    assert_eq!(obligation(&r, "art-53-1-a")["waived"], true);
    assert_eq!(obligation(&r, "art-53-1-b")["waived"], true);
    assert_eq!(obligation(&r, "art-53-1-c")["waived"], false);
    assert_eq!(obligation(&r, "art-53-1-d")["waived"], false);
    let gaps: Vec<&str> = r["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert!(gaps.contains(&"copyright-policy") && gaps.contains(&"tcs-document"));
    assert!(!gaps.iter().any(|g| g.starts_with("annex-")), "{gaps:?}");

    // Systemic risk: nothing waived, Annex XI Section 2 appears.
    let o = sceau(&[
        "report",
        s(&su.record),
        "--ai-act",
        "--format",
        "json",
        "--systemic-risk",
    ]);
    assert_exit(&o, 0);
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["open_source_exemption"]["applies"], false);
    assert_eq!(obligation(&r, "art-53-1-a")["waived"], false);
    assert_eq!(item(&r, "annex-xi-2-2")["status"], "missing");
}

#[test]
fn ai_act_report_renders_md_and_html_and_verifies_first_when_asked() {
    let su = Setup::new();
    let o = sceau(&["report", s(&su.record), "--ai-act"]);
    assert_exit(&o, 0);
    let md = stdout(&o);
    assert!(md.contains("record NOT VERIFIED"), "{md}");
    assert!(md.contains("## Art. 53(1)(c): missing"), "{md}");
    assert!(md.contains("| Annex XI 1.1(d) |"), "{md}");
    assert!(md.contains("## What is missing"), "{md}");

    let page = su.path("report.html");
    let o = sceau(&[
        "report",
        s(&su.record),
        "--ai-act",
        "--format",
        "html",
        "--policy",
        s(&su.policy),
        "--at",
        AT,
        "-o",
        s(&page),
    ]);
    assert_exit(&o, 0);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("record verified under policy v1"), "{html}");
    assert!(!html.contains("NOT VERIFIED"));
    assert!(html.contains("id=\"annex-xii-2-b\""));
    assert!(!html.contains("<script"));
    // No overwrite without --force.
    let o = sceau(&["report", s(&su.record), "--ai-act", "-o", s(&page)]);
    assert_exit(&o, 2);

    // A record that does not verify under the trust given gets no report.
    let o = sceau(&[
        "report",
        s(&su.record),
        "--ai-act",
        "--key",
        s(&su.stranger.1),
    ]);
    assert_exit(&o, 1);
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("no report written"));
    // --ai-act is required.
    assert_exit(&sceau(&["report", s(&su.record)]), 2);
}

#[test]
fn verify_json_report_keeps_the_stage_name() {
    let su = Setup::new();
    let (_, v) = su.verify(&su.policy, AT, REQ, &[]);
    assert_eq!(check(&v, "claims", CHECK)["stage"], "claims");
}

#[test]
fn ai_act_report_reads_claims_and_documents_from_the_record() {
    let su = Setup::plain();
    for (name, text) in [
        (
            "COPYRIGHT_POLICY.md",
            "We honour robots.txt and TDM opt-outs.\n",
        ),
        (
            "TRAINING_CONTENT_SUMMARY.md",
            "Public summary of training content.\n",
        ),
        ("USE_POLICY.md", "Acceptable use policy.\n"),
    ] {
        std::fs::write(su.dir.join(name), text).unwrap();
    }
    let claims = su.path("CLAIMS.toml");
    std::fs::write(
        &claims,
        r#"intended_use = ["text generation in chat assistants"]
out_of_scope_use = ["medical advice"]
personal_data = "no"

[energy]
kwh = 12.5

[components.technical-report]
url = "https://example.org/tiny-llm-report.pdf"

[[datasets]]
name = "HuggingFaceFW/fineweb"
licence = "ODC-By-1.0"
url = "https://huggingface.co/datasets/HuggingFaceFW/fineweb"
description = "Deduplicated, filtered CommonCrawl web text"

[[datasets]]
name = "allenai/c4"
licence = "ODC-By-1.0"
url = "https://huggingface.co/datasets/allenai/c4"
description = "Colossal Clean Crawled Corpus"
"#,
    )
    .unwrap();
    let rec = su.path("claimed.sceau.json");
    let o = sceau(&[
        "sign",
        s(&su.dir),
        "--key",
        s(&su.key),
        "-o",
        s(&rec),
        "--name",
        "example-org/tiny-llm",
        "--version",
        "1.1.0",
        "--claims",
        s(&claims),
        "-q",
    ]);
    assert_exit(&o, 0);
    let o = sceau(&[
        "report",
        s(&rec),
        "--ai-act",
        "--format",
        "json",
        "--key",
        s(&su.public),
    ]);
    assert_exit(&o, 0);
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["verified"], true);
    for id in [
        "annex-xi-1-1-a",
        "annex-xi-1-1-b",
        "annex-xi-1-2-b",
        "annex-xi-1-2-c",
        "annex-xi-1-2-e",
        "copyright-policy",
        "tcs-document",
        "tcs-2",
    ] {
        assert_eq!(
            item(&r, id)["status"],
            "covered",
            "{id}: {:#}",
            item(&r, id)
        );
    }
    assert_eq!(obligation(&r, "art-53-1-c")["status"], "covered");
    let ev = item(&r, "annex-xi-1-2-c")["evidence"].to_string();
    assert!(
        ev.contains("HuggingFaceFW/fineweb") && ev.contains("personal_data: no"),
        "{ev}"
    );
}
