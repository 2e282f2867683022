//! JSON (and TOML) read from files: size caps checked before parsing, duplicate keys, trailing
//! data, deep nesting, lone surrogates, huge numbers and unknown fields, in records, policies,
//! state files, standards, attestations, claims files and store entries.
use super::*;

/// A sparse file of `len` bytes: zeros, so not JSON, not a key. Refused by its size, it is
/// never parsed (otherwise the error would be a parse error).
pub(super) fn oversized(path: &Path, len: usize) {
    std::fs::File::create(path)
        .unwrap()
        .set_len(len as u64 + 1)
        .unwrap();
}

#[test]
fn size_cap_record() {
    let lab = Lab::new();
    let big = lab.path("big.json");
    oversized(&big, sceau_core::dsse::MAX_ENVELOPE_BYTES);
    let before = snapshot(lab.t.path());
    for cmd in [
        vec!["verify", "--record", s(&big), "--key", s(&lab.public)],
        vec!["inspect", s(&big)],
        vec!["countersign", s(&big), "--key", s(&lab.key)],
    ] {
        let o = sceau(&cmd);
        assert_input_error(&o, &["big.json", "over the size limit of 67108864 bytes"]);
    }
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn size_cap_policy() {
    let lab = Lab::new();
    let big = lab.path("policy.json");
    oversized(&big, 2 << 20);
    let before = snapshot(lab.t.path());
    for cmd in [
        vec!["verify", "--record", s(&lab.record), "--policy", s(&big)],
        vec!["policy", "show", s(&big)],
        vec!["policy", "sign", s(&big), "--key", s(&lab.key)],
    ] {
        let o = sceau(&cmd);
        assert_input_error(&o, &["policy.json", "over the size limit of 2097152 bytes"]);
    }
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn size_cap_state() {
    let lab = Lab::new();
    let big = lab.path("state.json");
    oversized(&big, 16 << 20);
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "verify",
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--state",
        s(&big),
    ]);
    assert_input_error(&o, &["state.json", "over the size limit of 16777216 bytes"]);
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn size_cap_attestation() {
    let lab = Lab::new();
    let big = lab.path("att.json");
    oversized(&big, 4 << 20);
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "verify",
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--require",
        "mof-openness",
        "--attestation",
        s(&big),
    ]);
    assert_input_error(&o, &["att.json", "over the size limit of 4194304 bytes"]);
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn size_cap_claims_and_standard() {
    let lab = Lab::certifiable();
    let claims = lab.path("claims.toml");
    oversized(&claims, 256 << 10);
    let std_file = lab.path("standard.json");
    oversized(&std_file, 1 << 20);
    let before = snapshot(lab.t.path());
    let out = lab.path("out.json");
    let o = sceau(&[
        "sign",
        s(&lab.dir),
        "--key",
        s(&lab.key),
        "-o",
        s(&out),
        "--claims",
        s(&claims),
    ]);
    assert_input_error(&o, &["claims.toml", "over the size limit of 262144 bytes"]);
    let o = sceau(&[
        "certify",
        s(&lab.record),
        "--key",
        s(&lab.key),
        "--standard",
        s(&std_file),
        "--requirement",
        "x",
        "--expires",
        "2027-01-01",
        "-o",
        s(&out),
    ]);
    assert_input_error(
        &o,
        &["standard.json", "over the size limit of 1048576 bytes"],
    );
    assert_unchanged(lab.t.path(), &before);
}

/// The lab folder signed again as `example-org/mirror`, a repackage of the lab's record, and
/// an empty store: (child record, store, the store entry the parent would have).
fn mirror_child(lab: &Lab) -> (PathBuf, PathBuf, PathBuf) {
    let child = lab.path("child.sceau.json");
    let spec = format!("{}:repackage", s(&lab.record));
    let o = sceau(&[
        "sign",
        s(&lab.dir),
        "--key",
        s(&lab.key),
        "-o",
        s(&child),
        "--name",
        "example-org/mirror",
        "--version",
        "1.0.0",
        "--parent",
        &spec,
        "-q",
    ]);
    assert_exit(&o, 0);
    let store = lab.path("store");
    std::fs::create_dir(&store).unwrap();
    let entry = store.join(format!("{}.json", record_digest(&lab.record)));
    (child, store, entry)
}

/// Verifies the mirror with `--store`: the parent is a rejected node whose lineage failure
/// names the store entry with `phrase`.
#[track_caller]
fn rejected_parent(lab: &Lab, child: &Path, store: &Path, entry: &Path, phrase: &str) {
    let (o, r) = lab.verify(None, child, &["--store", s(store)]);
    assert_exit(&o, 1);
    assert_eq!(
        failures(&r),
        ["lineage/invalid-record", "lineage/chain"],
        "{r:#}"
    );
    let d = detail(&r, "lineage", "invalid-record");
    assert!(d.contains(phrase) && d.contains(s(entry)), "{d}");
}

/// A parent record in the store over the record size limit is a rejected node, unread.
#[test]
fn size_cap_store_entry() {
    let lab = Lab::new();
    let (child, store, entry) = mirror_child(&lab);
    oversized(&entry, sceau_core::dsse::MAX_ENVELOPE_BYTES);
    rejected_parent(&lab, &child, &store, &entry, "too large to be a record");
}

/// A store entry that is a FIFO (never opened: it would block), a folder or a symlink is a
/// rejected node, named as not a regular file.
#[cfg(unix)]
#[test]
fn store_entry_that_is_not_a_regular_file() {
    let lab = Lab::new();
    let (child, store, entry) = mirror_child(&lab);
    assert!(Command::new("mkfifo")
        .arg(&entry)
        .status()
        .unwrap()
        .success());
    rejected_parent(&lab, &child, &store, &entry, "not a regular file");
    std::fs::remove_file(&entry).unwrap();
    std::fs::create_dir(&entry).unwrap();
    rejected_parent(&lab, &child, &store, &entry, "not a regular file");
    std::fs::remove_dir(&entry).unwrap();
    std::os::unix::fs::symlink(&lab.record, &entry).unwrap();
    rejected_parent(&lab, &child, &store, &entry, "not a regular file");
}

#[test]
fn duplicate_key_in_envelope() {
    let lab = Lab::new();
    let text = std::fs::read_to_string(&lab.record).unwrap();
    let dup = text.replacen(
        "\"payloadType\": \"application/vnd.in-toto+json\",",
        "\"payloadType\": \"application/vnd.in-toto+json\", \"payloadType\": \"text/plain\",",
        1,
    );
    assert_ne!(dup, text);
    let rec = lab.path("dup.json");
    std::fs::write(&rec, dup).unwrap();
    let (o, r) = lab.verify_dir(&rec);
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "envelope", &["\"payloadType\""]),
        &["duplicate key"],
    );
}

/// Duplicate keys are refused at every depth of the signed payload: two JSON parsers must not
/// read two records from one signed text (spec/record.md §2.1).
#[test]
fn duplicate_key_in_signed_payload() {
    let lab = Lab::new();
    let sha = lab.payload()["subject"][0]["digest"]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    for (from, to, key) in [
        (
            format!("{{\"sha256\":\"{sha}\"}}"),
            format!("{{\"sha256\":\"{}\",\"sha256\":\"{sha}\"}}", "0".repeat(64)),
            "sha256",
        ),
        (
            "\"bomFormat\":\"CycloneDX\"".to_owned(),
            "\"bomFormat\":\"CycloneDX\",\"bomFormat\":\"CycloneDX\"".to_owned(),
            "bomFormat",
        ),
        (
            "\"_type\":\"https://in-toto.io/Statement/v1\"".to_owned(),
            "\"_type\":\"https://in-toto.io/Statement/v1\",\"_type\":\"https://in-toto.io/Statement/v1\""
                .to_owned(),
            "_type",
        ),
    ] {
        let rec = lab.craft("dup.json", &lab.edit_payload(&from, &to));
        let (o, r) = lab.verify_dir(&rec);
        assert_only_failure(
            &o,
            &r,
            "parse",
            "statement",
            &[&format!("duplicate key \"{key}\"")],
        );
    }
}

#[test]
fn trailing_data_after_the_envelope() {
    let lab = Lab::new();
    let mut text = std::fs::read(&lab.record).unwrap();
    text.extend_from_slice(b"{\"payloadType\":\"x\"}\n");
    let rec = lab.path("trailing.json");
    std::fs::write(&rec, text).unwrap();
    let (o, r) = lab.verify_dir(&rec);
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "envelope", &[]),
        &["trailing characters"],
    );
}

#[test]
fn trailing_data_after_the_signed_payload() {
    let lab = Lab::new();
    let mut p = payload_of(&lab.record);
    p.extend_from_slice(b" {}");
    let rec = lab.craft("trailing.json", &p);
    let (o, r) = lab.verify_dir(&rec);
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "statement", &[]),
        &["trailing characters"],
    );
}

/// Nesting deeper than serde_json's recursion limit (128) is refused, not a stack overflow:
/// in the envelope file and in a signed payload.
#[test]
fn deep_nesting() {
    let lab = Lab::new();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = std::fs::read_to_string(&lab.record).unwrap();
    let rec = lab.path("deep-envelope.json");
    std::fs::write(&rec, text.replacen('{', &format!("{{\"x\":{deep},"), 1)).unwrap();
    let (o, r) = lab.verify_dir(&rec);
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "envelope", &[]),
        &["recursion limit exceeded"],
    );

    let p = lab.edit_payload(
        "\"predicateType\":",
        &format!("\"x\":{deep},\"predicateType\":"),
    );
    let rec = lab.craft("deep-payload.json", &p);
    let (o, r) = lab.verify_dir(&rec);
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "statement", &[]),
        &["recursion limit exceeded"],
    );
}

/// A lone UTF-16 surrogate escape (`"\ud800"`) has no UTF-8 form: refused wherever it is.
#[test]
fn lone_surrogate() {
    let lab = Lab::new();
    let p = lab.edit_payload(
        "\"name\":\"example-org/tiny-llm\",\"version\"",
        "\"name\":\"example-org/tiny-llm\\ud800\",\"version\"",
    );
    let rec = lab.craft("surrogate.json", &p);
    let (o, r) = lab.verify_dir(&rec);
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "statement", &[]),
        &["hex escape"],
    );

    let text = std::fs::read_to_string(&lab.record).unwrap();
    // The keyid as written: securesystemslib's for the key (spec/keys.md §1.3).
    let id = read_json(&lab.record)["signatures"][0]["keyid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.contains(&id));
    let rec = lab.path("surrogate-keyid.json");
    std::fs::write(&rec, text.replacen(&id, "\\udc00", 1)).unwrap();
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(&o, &r, "parse", "envelope", &["surrogate"]);
}

#[test]
fn unknown_field_in_envelope() {
    let lab = Lab::new();
    let mut env = read_json(&lab.record);
    env["signatures"][0]["cert"] = "x".into();
    let rec = lab.path("unknown-sig.json");
    write_json(&rec, &env);
    let (o, r) = lab.verify_dir(&rec);
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "envelope", &["`cert`"]),
        &["unknown field"],
    );

    let mut env = read_json(&lab.record);
    env["payloadEncoding"] = "base64".into();
    write_json(&rec, &env);
    let (o, r) = lab.verify_dir(&rec);
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "envelope", &["`payloadEncoding`"]),
        &["unknown field"],
    );
}

/// Decision: unknown Statement fields are ignored, as the in-toto parsing rules require. This
/// is safe because they are signed like the rest, duplicate keys are refused at every depth
/// (no parser differential), and nothing sceau decides reads them: a look-alike field such as
/// `subjects` or a second `predicate` spelled differently names no file.
#[test]
fn unknown_statement_fields_are_ignored_and_signed() {
    let lab = Lab::new();
    let mut v = lab.payload();
    let map = v.as_object_mut().unwrap();
    map.insert(
        "subjects".into(),
        json!([{"name": "../../etc/passwd", "digest": {"sha256": "0".repeat(64)}}]),
    );
    map.insert("Predicate".into(), json!({"bomFormat": "CycloneDX"}));
    // CycloneDX fields sceau does not read are ignored in the BOM too.
    v["predicate"]["metadata"]["supplier"] = json!({"name": "someone else"});
    let rec = lab.craft_json("unknown-fields.json", &v);
    let (o, r) = lab.verify_dir(&rec);
    assert_exit(&o, 0);
    assert_eq!(r["tree"]["matched"], 9, "{r:#}");
    // They are covered by the signatures like every byte of the payload.
    let mut env = read_json(&rec);
    let again = sceau_core::dsse::pae(PAYLOAD_TYPE_INTOTO, &payload_of(&lab.record));
    assert_ne!(
        again,
        sceau_core::dsse::pae(PAYLOAD_TYPE_INTOTO, &payload_of(&rec))
    );
    env["payload"] = read_json(&lab.record)["payload"].clone();
    let swapped = lab.path("swapped.json");
    write_json(&swapped, &env);
    let (o, r) = lab.verify_dir(&swapped);
    assert_below_threshold(&o, &r, (0, 1), Some("invalid signature"));
}

// ---------------------------------------------------------------------------------------------
// Crafted policies: signed by their only maintainer, refused for their content (exit 2: a
// policy that is not a valid policy is an input error, spec/verify.md §1).

#[test]
fn policy_crafted_baseline_verifies() {
    let lab = Lab::new();
    let p = lab.craft_policy("p.json", &lab.policy_text());
    let o = sceau(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--policy",
        s(&p),
        "--at",
        AT,
    ]);
    assert_exit(&o, 0);
}

#[test]
fn duplicate_key_in_policy() {
    let lab = Lab::new();
    let text = lab
        .policy_text()
        .replacen("\"threshold\":1", "\"threshold\":1,\"threshold\":1", 1);
    let p = lab.craft_policy("p.json", &text);
    lab.refused_policy(&p, &["malformed", "duplicate field `threshold`"]);
    let text = lab.policy_text().replacen(
        "{\"name\":\"alice\"",
        "{\"name\":\"alice\",\"name\":\"mallory\"",
        1,
    );
    let p = lab.craft_policy("p2.json", &text);
    lab.refused_policy(&p, &["malformed", "duplicate field `name`"]);
}

#[test]
fn unknown_field_in_policy() {
    let lab = Lab::new();
    let text = lab.policy_text().replacen(
        "\"threshold\":1",
        "\"threshold\":1,\"not_before\":\"2020-01-01T00:00:00Z\"",
        1,
    );
    let p = lab.craft_policy("p.json", &text);
    lab.refused_policy(&p, &["malformed", "unknown field `not_before`"]);
}

#[test]
fn trailing_data_and_deep_nesting_in_policy() {
    let lab = Lab::new();
    let p = lab.craft_policy("p.json", &format!("{} {{}}", lab.policy_text()));
    lab.refused_policy(&p, &["malformed", "trailing characters"]);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = lab
        .policy_text()
        .replacen("\"revoked\":[]", &format!("\"revoked\":{deep}"), 1);
    let p = lab.craft_policy("p2.json", &text);
    // Typed fields bound the depth: the first nested array is already the wrong type.
    lab.refused_policy(&p, &["malformed", "invalid type: sequence"]);
}

#[test]
fn lone_surrogate_in_policy() {
    let lab = Lab::new();
    let text = lab
        .policy_text()
        .replacen("{\"name\":\"alice\"", "{\"name\":\"al\\ud800ice\"", 1);
    let p = lab.craft_policy("p.json", &text);
    lab.refused_policy(&p, &["malformed", "hex escape"]);
}

/// Versions and thresholds are JSON integers that fit 64 bits: 2^64 and 1e400 are refused as
/// malformed, not rounded, wrapped or saturated.
#[test]
fn huge_integers_in_policy() {
    let lab = Lab::new();
    for (field, value) in [
        ("version", "18446744073709551616"),
        ("version", "1e400"),
        ("version", "1.0"),
        ("version", "-1"),
        ("threshold", "18446744073709551617"),
        ("threshold", "1e400"),
    ] {
        let text = lab.policy_text().replacen(
            &format!("\"{field}\":1"),
            &format!("\"{field}\":{value}"),
            1,
        );
        let p = lab.craft_policy("p.json", &text);
        lab.refused_policy(&p, &["malformed"]);
    }
}

// ---------------------------------------------------------------------------------------------
// State files (spec/policy.md §8.1): read only once everything else passed, refused as input
// errors (exit 2), never rewritten when refused.

/// A state entry for NAME.
fn state_entry(version: &str) -> String {
    format!(
        "{{\"version\":\"{version}\",\"payload_sha256\":\"{}\",\"accepted_at\":\"2026-01-01T00:00:00Z\"}}",
        "ab".repeat(32)
    )
}

/// `verify DIR --record R --key PUB --at AT --state STATE` with `state` as the state file's
/// text: refused naming the state file and every phrase, the file left as it was.
#[track_caller]
fn refused_state(state: &str, phrases: &[&str]) {
    let lab = Lab::new();
    let p = lab.path("state.json");
    std::fs::write(&p, state).unwrap();
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--at",
        AT,
        "--state",
        s(&p),
    ]);
    let mut all = vec![s(&p)];
    all.extend_from_slice(phrases);
    assert_input_error(&o, &all);
    assert_unchanged(lab.t.path(), &before);
}

const STATE_TYPE: &str = "\"_type\":\"https://sceau.dev/state/v1\"";

#[test]
fn duplicate_key_in_state() {
    let e = state_entry("1.0.0");
    refused_state(
        &format!("{{{STATE_TYPE},\"releases\":{{\"{NAME}\":{e},\"{NAME}\":{e}}}}}"),
        &["malformed", "appears twice"],
    );
    refused_state(
        &format!(
            "{{{STATE_TYPE},\"releases\":{{\"{NAME}\":{}}}}}",
            e.replacen("{", "{\"version\":\"9.9\",", 1)
        ),
        &["malformed", "duplicate field `version`"],
    );
    refused_state(
        &format!("{{{STATE_TYPE},{STATE_TYPE},\"releases\":{{}}}}"),
        &["malformed", "duplicate field `_type`"],
    );
}

#[test]
fn unknown_field_trailing_data_and_surrogates_in_state() {
    let e = state_entry("1.0.0");
    refused_state(
        &format!("{{{STATE_TYPE},\"releases\":{{}},\"pinned\":true}}"),
        &["malformed", "unknown field `pinned`"],
    );
    refused_state(
        &format!("{{{STATE_TYPE},\"releases\":{{}}}} []"),
        &["malformed", "trailing characters"],
    );
    refused_state(
        &format!("{{{STATE_TYPE},\"releases\":{{\"{NAME}\\ud800\":{e}}}}}"),
        &["malformed", "hex escape"],
    );
}

/// Versions in a state file are checked as in a record: a number over 2^64 − 1 is refused;
/// a JSON number where a string belongs is malformed.
#[test]
fn huge_versions_in_state() {
    refused_state(
        &format!(
            "{{{STATE_TYPE},\"releases\":{{\"{NAME}\":{}}}}}",
            state_entry("18446744073709551616")
        ),
        &["release version \"18446744073709551616\" is refused"],
    );
    refused_state(
        &format!(
            "{{{STATE_TYPE},\"releases\":{{\"{NAME}\":{}}}}}",
            state_entry("1.0").replacen("\"1.0\"", "1e400", 1)
        ),
        &["malformed"],
    );
}

// ---------------------------------------------------------------------------------------------
// Standards, attestations and claims files (spec/attestations.md §1.3, §3.2; spec/claims.md).

#[test]
fn duplicate_key_in_standard() {
    let lab = Lab::certifiable();
    let text = std::fs::read_to_string(standard_file("mof-openness.json")).unwrap();
    let dup = text.replacen('{', "{\"id\":\"other-standard\",", 1);
    let std_file = lab.path("std.json");
    std::fs::write(&std_file, dup).unwrap();
    let out = lab.path("att.json");
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "certify",
        s(&lab.record),
        "--key",
        s(&lab.key),
        "--standard",
        s(&std_file),
        "--requirement",
        "class-iii",
        "--expires",
        "2027-01-01",
        "-o",
        s(&out),
    ]);
    assert_input_error(&o, &["std.json", "duplicate key \"id\""]);
    assert_unchanged(lab.t.path(), &before);
}

/// An attestation whose signed payload repeats a key is malformed, even though its certifier
/// signed it: the requirement it would satisfy fails.
#[test]
fn duplicate_key_in_attestation() {
    let lab = Lab::certifiable();
    let (auditor_key, auditor_pub) = lab.keys("auditor");
    let policy = lab.certifier_policy("p.json", &auditor_pub, "mof-openness", &[]);
    let att = lab.certify(&lab.record, &auditor_key, "att.json");
    let verify = |a: &Path| lab.verify_required(&policy, &[a], &[]);
    // The genuine one passes, with the same crafting path (re-signed by the auditor).
    let text = String::from_utf8(payload_of(&att)).unwrap();
    let good = lab.path("good.json");
    std::fs::write(
        &good,
        envelope(
            PAYLOAD_TYPE_INTOTO,
            text.as_bytes(),
            &[&secret_key(&auditor_key)],
        ),
    )
    .unwrap();
    let (o, _) = verify(&good);
    assert_exit(&o, 0);

    let record = format!("sha256:{}", record_digest(&lab.record));
    let dup = text.replacen(
        &format!("\"value\":\"{record}\""),
        &format!(
            "\"value\":\"{record}\",\"value\":\"sha256:{}\"",
            "0".repeat(64)
        ),
        1,
    );
    assert_ne!(dup, text);
    let bad = lab.path("dup.json");
    std::fs::write(
        &bad,
        envelope(
            PAYLOAD_TYPE_INTOTO,
            dup.as_bytes(),
            &[&secret_key(&auditor_key)],
        ),
    )
    .unwrap();
    let (o, r) = verify(&bad);
    assert_exit(&o, 1);
    assert_eq!(
        failures(&r),
        [
            "claims/attestation".to_owned(),
            format!("claims/require:{REQUIRE}")
        ],
        "{r:#}"
    );
    let d = detail(&r, "claims", "attestation");
    assert!(d.contains("\"value\""), "{d}");
    assert_wording(d, &["duplicate key"]);
}

/// A claims file with a misspelt field is refused naming the line and the field, and no record
/// is written: a claim sceau would not read must not be signed as if it were.
#[test]
fn unknown_field_in_claims() {
    let lab = Lab::with(sceau_fixtures::open_science);
    let claims =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/claims/malformed_unknown_field.toml");
    let out = lab.path("bad.sceau.json");
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "sign",
        s(&lab.dir),
        "--key",
        s(&lab.key),
        "-o",
        s(&out),
        "--claims",
        s(&claims),
        "-q",
    ]);
    assert_input_error(
        &o,
        &[
            "malformed_unknown_field.toml",
            "line 6",
            "components.training-code.licnse",
            "nothing was written",
        ],
    );
    assert_unchanged(lab.t.path(), &before);
}
