//! Envelopes and signatures: the payload type, base64, signature bytes, what is signed, and how
//! signatures are counted against a threshold (distinct keys, revocation, validity windows).
use super::*;

// ---------------------------------------------------------------------------------------------
// The payload type.

#[test]
fn changed_payload_type_is_refused() {
    let lab = Lab::new();
    let mut env = read_json(&lab.record);
    env["payloadType"] = "application/json".into();
    let rec = lab.path("type.json");
    write_json(&rec, &env);
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(
        &o,
        &r,
        "parse",
        "payload-type",
        &["\"application/json\"", "application/vnd.in-toto+json"],
    );
    assert_eq!(r["tree"], Value::Null);
}

/// A record given as a policy is an input error naming the file and its type; a policy given as
/// a record fails its payload type: neither is read as the other.
#[test]
fn a_record_is_not_accepted_as_a_policy_nor_the_reverse() {
    let lab = Lab::new();
    let policy = lab.alice_policy("p.json", &[]);
    lab.refused_policy(
        &lab.record,
        &["not a policy", "application/vnd.in-toto+json"],
    );
    let (o, r) = lab.verify_dir(&policy);
    assert_only_failure(
        &o,
        &r,
        "parse",
        "payload-type",
        &["application/vnd.sceau.policy+json"],
    );
}

#[test]
fn missing_payload_type() {
    let lab = Lab::new();
    let mut env = read_json(&lab.record);
    env.as_object_mut().unwrap().remove("payloadType");
    let rec = lab.path("no-type.json");
    write_json(&rec, &env);
    let (o, r) = lab.verify_dir(&rec);
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "envelope", &["`payloadType`"]),
        &["missing field"],
    );
}

/// The payload type is compared byte for byte, before the payload is read: a validly signed
/// envelope whose type differs only by case is refused.
#[test]
fn case_changed_payload_type_even_when_signed() {
    let lab = Lab::new();
    let rec = lab.path("case.json");
    std::fs::write(
        &rec,
        envelope(
            "application/vnd.in-toto+JSON",
            &payload_of(&lab.record),
            &[&lab.secret()],
        ),
    )
    .unwrap();
    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(
        &o,
        &r,
        "parse",
        "payload-type",
        &[
            "\"application/vnd.in-toto+JSON\"",
            "application/vnd.in-toto+json",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Encoding and signature bytes.

/// Only the four DSSE base64 forms are read (spec/record.md §1.4); they carry the same record.
#[test]
fn bad_base64() {
    let lab = Lab::new();
    let env = read_json(&lab.record);
    let payload = env["payload"].as_str().unwrap().to_owned();
    let sig = env["signatures"][0]["sig"].as_str().unwrap().to_owned();
    let rec = lab.path("b64.json");
    let try_with = |p: &str, s: &str| {
        let mut e = env.clone();
        e["payload"] = p.into();
        e["signatures"][0]["sig"] = s.into();
        write_json(&rec, &e);
        lab.verify_dir(&rec)
    };
    let url = |x: &str| x.replace('+', "-").replace('/', "_");
    for (p, s) in [
        (url(&payload), sig.clone()),
        (
            payload.trim_end_matches('=').to_owned(),
            url(sig.trim_end_matches('=')),
        ),
    ] {
        let (o, _) = try_with(&p, &s);
        assert_exit(&o, 0);
    }
    let (head, tail) = payload.split_at(40);
    // Both alphabets in one string, length kept: neither decoder reads it.
    let mut mixed = payload.clone().into_bytes();
    mixed[10] = b'-';
    mixed[20] = b'+';
    let mixed = String::from_utf8(mixed).unwrap();
    for bad in [
        format!("{head}\n{tail}"),
        format!("{head} {tail}"),
        format!("{payload}="),
        format!("{payload}!"),
        mixed,
    ] {
        let (o, r) = try_with(&bad, &sig);
        assert_wording(
            &assert_only_failure(&o, &r, "parse", "envelope", &[]),
            &["field payload is not valid base64"],
        );
    }
    let (o, r) = try_with(&payload, "%%%%");
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "envelope", &[]),
        &["field sig is not valid base64"],
    );
}

/// Replaces alice's signature bytes with `f(bytes)`, keeping her keyid.
fn with_sig_bytes(lab: &Lab, name: &str, f: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut env = read_json(&lab.record);
    let mut sig = b64_decode(env["signatures"][0]["sig"].as_str().unwrap());
    f(&mut sig);
    env["signatures"][0]["sig"] = b64_encode(&sig).into();
    let rec = lab.path(name);
    write_json(&rec, &env);
    rec
}

#[test]
fn signature_length_not_64() {
    let lab = Lab::new();
    for (name, f) in [
        (
            "short.json",
            (|s: &mut Vec<u8>| s.truncate(63)) as fn(&mut Vec<u8>),
        ),
        ("long.json", |s| s.push(0)),
        ("empty.json", |s| s.clear()),
        ("doubled.json", |s| s.extend(s.clone())),
    ] {
        let rec = with_sig_bytes(&lab, name, f);
        let (o, r) = lab.verify_dir(&rec);
        assert_below_threshold(&o, &r, (0, 1), Some("invalid signature"));
    }
}

/// The group order ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// S + ℓ is the same scalar mod ℓ, so a lax verifier accepts it: a second valid-looking
/// signature made without the key (malleability). `verify_strict` refuses S ≥ ℓ.
#[test]
fn s_not_below_l() {
    let lab = Lab::new();
    let rec = with_sig_bytes(&lab, "s-plus-l.json", |sig| {
        let mut carry = 0u16;
        for i in 0..32 {
            let v = u16::from(sig[32 + i]) + u16::from(ELL[i]) + carry;
            sig[32 + i] = v as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0);
    });
    let (o, r) = lab.verify_dir(&rec);
    assert_below_threshold(&o, &r, (0, 1), Some("invalid signature"));
}

/// The SPKI PEM and sceau line of raw key bytes `a` (no checks: to craft bad keys).
fn raw_public_files(dir: &Path, stem: &str, a: &[u8; 32]) -> (PathBuf, PathBuf) {
    let mut der = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    der.extend_from_slice(a);
    let pem = dir.join(format!("{stem}.pem"));
    std::fs::write(
        &pem,
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            b64_encode(&der)
        ),
    )
    .unwrap();
    let id = {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(a)[..8])
    };
    let line = dir.join(format!("{stem}.pub"));
    std::fs::write(&line, format!("sceau-ed25519 {id} {}\n", b64_encode(a))).unwrap();
    (pem, line)
}

/// A public key of small order (the identity, a point of order 4) would verify forged
/// signatures: it is refused when loaded, alone or next to a good key, not merely not counted.
#[test]
fn weak_public_keys_are_refused_when_loaded() {
    let lab = Lab::new();
    let mut identity = [0u8; 32];
    identity[0] = 1; // the neutral element (0, 1)
    let zero = [0u8; 32]; // y = 0: a point of order 4
    for (stem, a) in [("identity", identity), ("zero", zero)] {
        let (pem, line) = raw_public_files(lab.t.path(), stem, &a);
        let before = snapshot(lab.t.path());
        for weak in [&pem, &line] {
            for extra in [None, Some(&lab.public)] {
                let mut args = vec![
                    "verify",
                    s(&lab.dir),
                    "--record",
                    s(&lab.record),
                    "--key",
                    s(weak),
                ];
                if let Some(p) = extra {
                    args.extend(["--key", s(p)]);
                }
                assert_input_error(&sceau(&args), &[s(weak), "weak (small order)"]);
            }
            assert_input_error(&sceau(&["key", "show", s(weak)]), &[s(weak), "weak"]);
        }
        assert_unchanged(lab.t.path(), &before);
    }
}

/// R of small order (the identity, the point of order 2): the classic forgery under a weak key.
/// Weak keys are refused at load (keys.rs); under a sound key such signatures do not verify.
#[test]
fn small_order_r() {
    let lab = Lab::new();
    let mut order2 = [0xffu8; 32];
    order2[0] = 0xec;
    order2[31] = 0x7f;
    let mut identity = [0u8; 32];
    identity[0] = 1;
    for r_bytes in [identity, order2] {
        for s_zero in [false, true] {
            let rec = with_sig_bytes(&lab, "small-r.json", |sig| {
                sig[..32].copy_from_slice(&r_bytes);
                if s_zero {
                    sig[32..].fill(0);
                }
            });
            let (o, r) = lab.verify_dir(&rec);
            assert_below_threshold(&o, &r, (0, 1), Some("invalid signature"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What is signed, and by whom.

#[test]
fn one_flipped_payload_byte_fails_the_threshold_as_an_invalid_signature() {
    let lab = Lab::new();
    let mut env = read_json(&lab.record);
    let mut payload = payload_of(&lab.record);
    payload[200] ^= 0x01;
    env["payload"] = b64_encode(&payload).into();
    let rec = lab.path("flipped.json");
    write_json(&rec, &env);
    assert_eq!(payload_of(&rec), payload);
    let (o, r) = lab.verify_dir(&rec);
    assert_below_threshold(&o, &r, (0, 1), Some("invalid signature"));
    // Nothing from an unverified payload is used: no statement, no file check.
    for (stage, name) in [("parse", "statement"), ("tree", "files")] {
        assert_not_run(&r, stage, name, "signature threshold");
    }
    assert_eq!(r["tree"], Value::Null);
}

/// The payload that verifies is the exact bytes signed: the same JSON re-encoded (pretty, or
/// with its keys re-ordered) means the same to a JSON reader but is not signed.
#[test]
fn reencoded_payload_does_not_verify() {
    let lab = Lab::new();
    let v = lab.payload();
    let mut sorted = serde_json::Map::new();
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys.reverse();
    for k in keys {
        sorted.insert(k.clone(), v[&k].clone());
    }
    for same_meaning in [
        serde_json::to_vec_pretty(&v).unwrap(),
        serde_json::to_vec(&Value::Object(sorted)).unwrap(),
        {
            let mut p = payload_of(&lab.record);
            p.push(b'\n');
            p
        },
    ] {
        assert_ne!(same_meaning, payload_of(&lab.record));
        let mut env = read_json(&lab.record);
        env["payload"] = b64_encode(&same_meaning).into();
        let rec = lab.path("reencoded.json");
        write_json(&rec, &env);
        let (o, r) = lab.verify_dir(&rec);
        assert_below_threshold(&o, &r, (0, 1), Some("invalid signature"));
    }
}

#[test]
fn empty_signatures() {
    let lab = Lab::new();
    let mut env = read_json(&lab.record);
    env["signatures"] = json!([]);
    let rec = lab.path("unsigned.json");
    write_json(&rec, &env);
    let (o, r) = lab.verify_dir(&rec);
    assert_below_threshold(&o, &r, (0, 1), Some("(none)"));
    assert_eq!(r["tree"], Value::Null);
}

#[test]
fn signature_by_an_untrusted_key_fails() {
    let lab = Lab::new();
    let (_, mallory) = keygen(lab.t.path(), "mallory");
    let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &["--key", s(&mallory)]);
    assert_below_threshold(&o, &r, (0, 1), Some("untrusted keys"));
}

/// A `keyid` naming another trusted key borrows nothing: alice's signature labelled with
/// bob's key id does not count for bob.
#[test]
fn keyid_pointing_at_another_key() {
    let lab = Lab::new();
    let (_, bob) = keygen(lab.t.path(), "bob");
    let mut env = read_json(&lab.record);
    env["signatures"][0]["keyid"] = key_id(&bob).into();
    let rec = lab.path("borrowed.json");
    write_json(&rec, &env);
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&rec),
        "--key",
        s(&bob),
        "--json",
    ]);
    let r = report_of(&o);
    assert_below_threshold(&o, &r, (0, 1), Some("invalid signature"));
    assert_unchanged(lab.t.path(), &before);
    // Under alice's own key it still counts, for alice.
    let (o, r) = lab.verify_dir(&rec);
    assert_exit(&o, 0);
    assert_eq!(r["signers"][0]["key_id"], key_id(&lab.public).as_str());
}

// ---------------------------------------------------------------------------------------------
// Thresholds: never 0 or above n, one key counted once.

/// `--threshold` 0 would accept an unsigned record, above the number of keys it can never be
/// met, and no trust at all is no verification: each is a usage error naming the flag.
#[test]
fn impossible_or_zero_threshold_is_a_usage_error() {
    let lab = Lab::new();
    let before = snapshot(lab.t.path());
    let base = [
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
    ];
    for (extra, phrase) in [
        (["--threshold", "2"], "--threshold 2 is more than the 1 key"),
        (
            ["--threshold", "0"],
            "--threshold 0 would accept an unsigned record",
        ),
    ] {
        let mut a = base.to_vec();
        a.extend(extra);
        assert_input_error(&sceau(&a), &[phrase]);
    }
    assert_input_error(
        &sceau(&["verify", s(&lab.dir), "--record", s(&lab.record)]),
        &["no trust given"],
    );
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn policy_init_refuses_threshold_zero_or_above_the_maintainer_count() {
    let lab = Lab::new();
    let (_, bob) = keygen(lab.t.path(), "bob");
    let (_, carol) = keygen(lab.t.path(), "carol");
    let before = snapshot(lab.t.path());
    for k in ["0", "4"] {
        let out = lab.path(&format!("t{k}.json"));
        let o = sceau(&[
            "policy",
            "init",
            "--maintainer",
            s(&lab.public),
            "--maintainer",
            s(&bob),
            "--maintainer",
            s(&carol),
            "--threshold",
            k,
            "--expires",
            "2030-01-01",
            "--key",
            s(&lab.key),
            "-o",
            s(&out),
        ]);
        assert_input_error(&o, &[&format!("threshold {k} must be between 1 and the 3")]);
    }
    assert_unchanged(lab.t.path(), &before);
}

#[test]
fn policy_threshold_zero_or_above_n() {
    let lab = Lab::new();
    for value in ["0", "2"] {
        let text =
            lab.policy_text()
                .replacen("\"threshold\":1", &format!("\"threshold\":{value}"), 1);
        let p = lab.craft_policy("p.json", &text);
        lab.refused_policy(
            &p,
            &[
                &format!("threshold {value}"),
                "between 1 and the 1 non-revoked",
            ],
        );
    }
}

#[test]
fn repeated_signature_by_one_key_counts_once() {
    let lab = Lab::new();
    let (_, bob) = keygen(lab.t.path(), "bob");
    let twice = lab.with_signatures("twice.json", |s| s.push(s[0].clone()));
    assert_eq!(read_json(&twice)["signatures"].as_array().unwrap().len(), 2);
    let (o, r) = lab.verify(
        Some(&lab.dir),
        &twice,
        &[
            "--key",
            s(&lab.public),
            "--key",
            s(&bob),
            "--threshold",
            "2",
        ],
    );
    assert_below_threshold(&o, &r, (1, 2), Some("repeated signature"));
}

/// alice's signature copied under bob's key id is still alice's one signature; an empty key id
/// hides nothing either.
#[test]
fn one_signature_under_two_key_ids_counts_once() {
    let lab = Lab::new();
    let (_, bob) = keygen(lab.t.path(), "bob");
    let bob_id = key_id(&bob);
    let two_ids = lab.with_signatures("two-ids.json", |s| {
        let mut again = s[0].clone();
        again["keyid"] = bob_id.clone().into();
        s.push(again);
    });
    for keys in [
        [s(&lab.public), s(&bob)],
        // The same key listed twice is still one key.
        [s(&lab.public), s(&lab.public)],
    ] {
        let (o, r) = lab.verify(
            Some(&lab.dir),
            &two_ids,
            &["--key", keys[0], "--key", keys[1], "--threshold", "2"],
        );
        assert_below_threshold(&o, &r, (1, 2), Some("repeated signature"));
    }
    let no_id = lab.with_signatures("no-id.json", |s| s[0]["keyid"] = "".into());
    let (o, r) = lab.verify_dir(&no_id);
    assert_exit(&o, 0);
    assert_numbers(&r, "signature", "threshold", &[1, 1]);
}

#[test]
fn policy_init_refuses_the_same_key_for_two_maintainers() {
    let lab = Lab::new();
    let out = lab.path("dup.json");
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "policy",
        "init",
        "--maintainer",
        &format!("a1={}", s(&lab.public)),
        "--maintainer",
        &format!("a2={}", s(&lab.public)),
        "--threshold",
        "1",
        "--expires",
        "2030-01-01",
        "--key",
        s(&lab.key),
        "-o",
        s(&out),
    ]);
    assert_input_error(
        &o,
        &[
            &key_id(&lab.public),
            "is listed for both maintainer \"a1\" and \"a2\"",
        ],
    );
    assert_unchanged(lab.t.path(), &before);
}

/// One key under two maintainers, written in two encodings, would let one signer count twice.
#[test]
fn policy_one_key_listed_twice_in_two_encodings() {
    let lab = Lab::new();
    let o = sceau(&["key", "show", s(&lab.public), "--json"]);
    assert_exit(&o, 0);
    let ssh = serde_json::from_str::<Value>(&stdout(&o)).unwrap()["openssh"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = lab.policy_text().replacen(
        "}],\"revoked\"",
        &format!("}},{{\"name\":\"alice-again\",\"key\":\"{ssh}\"}}],\"revoked\""),
        1,
    );
    let p = lab.craft_policy("p.json", &text);
    lab.refused_policy(&p, &[&key_id(&lab.public), "\"alice\"", "\"alice-again\""]);
}

// ---------------------------------------------------------------------------------------------
// Keys that do not count: revoked, or outside their validity window (spec/policy.md §2.6, §2.9).

/// A record signed by a key the policy revokes fails its threshold, and the report names the
/// revoked signature; before the revocation the same record verified.
#[test]
fn revoked_signer_is_named_as_revoked_in_the_threshold_failure() {
    let lab = Lab::new();
    let (bob_key, bob) = keygen(lab.t.path(), "bob");
    let p1 = lab.alice_policy("p1.json", &["--maintainer", s(&bob)]);
    let p2 = lab.path("p2.json");
    let o = sceau(&[
        "policy",
        "update",
        s(&p1),
        "--revoke",
        s(&bob),
        "--key",
        s(&lab.key),
        "-o",
        s(&p2),
    ]);
    assert_exit(&o, 0);
    let by_bob = lab.path("bob.sceau.json");
    sign(&lab.dir, &bob_key, &by_bob);
    let (o, _) = lab.verify(Some(&lab.dir), &by_bob, &["--policy", s(&p1)]);
    assert_exit(&o, 0);

    let (o, r) = lab.verify(
        Some(&lab.dir),
        &by_bob,
        &["--policy", s(&p1), "--policy-update", s(&p2)],
    );
    assert_below_threshold(&o, &r, (0, 1), None);
    // bob's signature is listed as revoked, and not counted.
    assert_check(&r, "policy", "revoked", SKIPPED, &[&key_id(&bob)]);
}

/// The `policy key-window` check: skipped, naming alice, her key id and the dates of her
/// window (the times in `window`), and saying `why` (before or after the window, or no signing
/// time: no field tells these apart).
#[track_caller]
fn assert_key_window(report: &Value, lab: &Lab, why: &str, window: &str) {
    let dates: Vec<&str> = window
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(!dates.is_empty(), "{window}");
    let mut ids = vec!["alice".to_owned(), key_id(&lab.public)];
    ids.extend(dates.iter().map(|d| (*d).to_owned()));
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert_check(report, "policy", "key-window", SKIPPED, &ids);
    assert_wording(detail(report, "policy", "key-window"), &[why]);
}

/// spec/policy.md §2.9: a maintainer's key counts only for records whose signed signing time
/// (here 2026-01-01, SOURCE_DATE_EPOCH) is in its window [FROM, UNTIL). Outside it, the
/// signature is named and not counted, and the threshold fails; set by `policy init` or by
/// `policy update`.
#[test]
fn key_outside_its_validity_window_is_not_counted() {
    let lab = Lab::new();
    for (file, validity, why, window) in [
        (
            "until.json",
            "alice=..2025-06-01",
            "signed after its validity window",
            "(valid until 2025-06-01T00:00:00Z)",
        ),
        // Half-open: UNTIL itself is outside.
        (
            "until-signing-time.json",
            "alice=..2026-01-01",
            "signed after its validity window",
            "(valid until 2026-01-01T00:00:00Z)",
        ),
        (
            "from.json",
            "alice=2026-06-01..",
            "signed before its validity window",
            "(valid from 2026-06-01T00:00:00Z)",
        ),
    ] {
        let p = lab.alice_policy(file, &["--validity", validity]);
        let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &["--policy", s(&p)]);
        assert_below_threshold(&o, &r, (0, 1), None);
        assert_key_window(&r, &lab, why, window);
    }

    // The same window given by an update of an unlimited policy.
    let p1 = lab.alice_policy("p1.json", &[]);
    let p2 = lab.path("p2.json");
    let o = sceau(&[
        "policy",
        "update",
        s(&p1),
        "--validity",
        "alice=..2025-06-01",
        "--key",
        s(&lab.key),
        "-o",
        s(&p2),
    ]);
    assert_exit(&o, 0);
    let (o, r) = lab.verify(
        Some(&lab.dir),
        &lab.record,
        &["--policy", s(&p1), "--policy-update", s(&p2)],
    );
    assert_below_threshold(&o, &r, (0, 1), None);
    assert_key_window(
        &r,
        &lab,
        "signed after its validity window",
        "(valid until 2025-06-01T00:00:00Z)",
    );
}

/// Inside its window (FROM included) the key counts as any other, and no key-window check is
/// listed.
#[test]
fn key_inside_its_validity_window_counts() {
    let lab = Lab::new();
    for (file, validity) in [
        ("around.json", "alice=2025-01-01..2027-01-01"),
        ("from-signing-time.json", "alice=2026-01-01T00:00:00Z.."),
    ] {
        let p = lab.alice_policy(file, &["--validity", validity]);
        let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &["--policy", s(&p)]);
        assert_exit(&o, 0);
        assert_numbers(&r, "signature", "threshold", &[1, 1]);
        assert!(
            !r["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["name"] == "key-window"),
            "{r:#}"
        );
    }
}

/// A record without a signing time cannot be placed in a window: it does not count for a key
/// that has one, while it still verifies for an unlimited key.
#[test]
fn record_without_signing_time_does_not_count_for_a_windowed_key() {
    let lab = Lab::new();
    let mut v = lab.payload();
    let meta = v["predicate"]["metadata"].as_object_mut().unwrap();
    assert!(meta.remove("timestamp").is_some(), "no timestamp to remove");
    let rec = lab.craft_json("no-time.json", &v);
    let unlimited = lab.alice_policy("unlimited.json", &[]);
    let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--policy", s(&unlimited)]);
    assert_exit(&o, 0);
    assert_eq!(check(&r, "freshness", "signing-time")["outcome"], "skipped");
    let windowed = lab.alice_policy(
        "windowed.json",
        &["--validity", "alice=2025-01-01..2027-01-01"],
    );
    let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--policy", s(&windowed)]);
    assert_below_threshold(&o, &r, (0, 1), None);
    assert_key_window(
        &r,
        &lab,
        "no signing time",
        "(valid from 2025-01-01T00:00:00Z until 2027-01-01T00:00:00Z)",
    );
}

/// A `--validity` that is empty, names nobody or is not a date is refused by `policy init` and
/// `policy update`, naming it, and no policy is written.
#[test]
fn malformed_validity_window_is_refused() {
    let lab = Lab::new();
    let p1 = lab.alice_policy("p1.json", &[]);
    let out = lab.path("out.json");
    let before = snapshot(lab.t.path());
    for (value, phrases) in [
        (
            "alice=2027-01-01..2026-01-01",
            &[
                "--validity \"alice=2027-01-01..2026-01-01\"",
                "\"2027-01-01\" is not before \"2026-01-01\"",
            ][..],
        ),
        (
            "alice=2026-01-01..2026-01-01",
            &[
                "--validity \"alice=2026-01-01..2026-01-01\"",
                "is not before",
            ][..],
        ),
        (
            "nobody=..2026-01-01",
            &[
                "--validity \"nobody=..2026-01-01\"",
                "no maintainer or certifier is named \"nobody\"",
            ][..],
        ),
        (
            "alice=yesterday..",
            &["--validity \"alice=yesterday..\"", "\"yesterday\""][..],
        ),
        (
            "alice=2026-01-01",
            &["--validity \"alice=2026-01-01\"", "NAME=[FROM]..[UNTIL]"][..],
        ),
    ] {
        let init = [
            "policy",
            "init",
            "--maintainer",
            s(&lab.public),
            "--validity",
            value,
            "--expires",
            "2030-01-01",
            "--key",
            s(&lab.key),
            "-o",
            s(&out),
        ];
        let update = [
            "policy",
            "update",
            s(&p1),
            "--validity",
            value,
            "--key",
            s(&lab.key),
            "-o",
            s(&out),
        ];
        for cmd in [&init[..], &update[..]] {
            assert_input_error(&sceau(cmd), phrases);
        }
    }
    assert_unchanged(lab.t.path(), &before);
}
