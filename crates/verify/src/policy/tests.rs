//! Tests of policy parsing, signing, chains and scopes.

use sceau_core::dsse::{Envelope, EnvelopeSignature};
use sceau_core::Timestamp;
use sceau_sign::{KeyError, KeyId, PublicKey, SecretKey};
use serde_json::{json, Value};
use time::macros::datetime;

use super::*;
use crate::signer::Signer;
use crate::trust::{Claimed, Exclusion, PolicyTrust, Role, TrustResolver};

const NOW: Timestamp = Timestamp::from_const(datetime!(2026-01-01 00:00 UTC));
const LATER: Timestamp = Timestamp::from_const(datetime!(2030-01-01 00:00 UTC));

fn key(n: u8) -> SecretKey {
    SecretKey::from_seed(&[n; 32])
}

/// The keys and threshold trusted for a release called `name` with no signing time.
fn trusted(v: &VerifiedPolicy, name: &str) -> (Vec<(String, PublicKey)>, usize) {
    let t = PolicyTrust::new(v)
        .trust_for(&Claimed {
            name,
            signed_at: None,
            role: Role::Release,
        })
        .expect("some key is trusted");
    (t.keys, t.threshold)
}

fn maintainer(name: &str, k: &SecretKey) -> Maintainer {
    Maintainer {
        name: name.to_owned(),
        key: k.public(),
        comment: Some(format!("{name}@example")),
        window: KeyWindow::default(),
    }
}

fn parts(version: u64, members: &[(&str, &SecretKey)], threshold: usize) -> PolicyParts {
    PolicyParts {
        version,
        expires: LATER,
        threshold,
        maintainers: members.iter().map(|(n, k)| maintainer(n, k)).collect(),
        revoked: Vec::new(),
        certifiers: Vec::new(),
        releases: Vec::new(),
    }
}

fn doc(parts: PolicyParts) -> PolicyDocument {
    PolicyDocument::new(parts).unwrap()
}

/// A 2-of-3 policy over keys 1, 2, 3 (alice, bob, carol).
fn two_of_three(version: u64) -> PolicyDocument {
    let (a, b, c) = (key(1), key(2), key(3));
    doc(parts(
        version,
        &[("alice", &a), ("bob", &b), ("carol", &c)],
        2,
    ))
}

/// The JSON of a document, to edit into bad variants.
fn json_of(d: &PolicyDocument) -> Value {
    serde_json::from_slice(&d.to_payload()).unwrap()
}

fn from_json(v: &Value) -> Result<PolicyDocument, PolicyError> {
    PolicyDocument::from_payload(&serde_json::to_vec(v).unwrap())
}

// ----- documents ---------------------------------------------------------------------------

#[test]
fn payload_round_trips_in_the_documented_shape() {
    let d = two_of_three(1);
    let payload = d.to_payload();
    let text = String::from_utf8(payload.clone()).unwrap();
    assert!(text.starts_with("{\n  \"_type\": \"https://sceau.dev/policy/v1\",\n  \"version\": 1,"));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["expires"], "2030-01-01T00:00:00Z");
    assert_eq!(v["threshold"], 2);
    let line = v["maintainers"][0]["key"].as_str().unwrap();
    assert!(
        line.starts_with("sceau-ed25519 ") && line.ends_with(" alice@example"),
        "{line}"
    );
    assert_eq!(PolicyDocument::from_payload(&payload).unwrap(), d);
}

#[test]
fn threshold_zero_or_above_the_maintainers_is_refused() {
    let (a, b) = (key(1), key(2));
    for t in [0, 3] {
        let err = PolicyDocument::new(parts(1, &[("a", &a), ("b", &b)], t)).unwrap_err();
        assert!(
            matches!(
                err,
                PolicyError::InvalidThreshold {
                    maintainers: 2,
                    scope: None,
                    ..
                }
            ),
            "{err}"
        );
        let mut v = json_of(&two_of_three(1));
        v["threshold"] = json!(if t == 0 { 0 } else { 4 });
        assert!(matches!(
            from_json(&v),
            Err(PolicyError::InvalidThreshold { .. })
        ));
    }
    let mut v = json_of(&two_of_three(1));
    v["threshold"] = json!(-1);
    assert!(matches!(from_json(&v), Err(PolicyError::Malformed(_))));
}

#[test]
fn duplicate_maintainer_key_or_name_is_refused() {
    let (a, b) = (key(1), key(2));
    let err = PolicyDocument::new(parts(1, &[("a", &a), ("b", &a)], 1)).unwrap_err();
    assert!(
        matches!(&err, PolicyError::DuplicateKey { first, second, key_id, .. }
            if first == "a" && second == "b" && *key_id == a.key_id()),
        "{err}"
    );
    let err = PolicyDocument::new(parts(1, &[("a", &a), ("a", &b)], 1)).unwrap_err();
    assert!(matches!(err, PolicyError::DuplicateName { .. }), "{err}");
    // The same key in two encodings is still the same key.
    let mut v = json_of(&doc(parts(1, &[("a", &a), ("b", &b)], 1)));
    v["maintainers"][1]["key"] = json!(a.public().to_openssh());
    assert!(matches!(
        from_json(&v),
        Err(PolicyError::DuplicateKey { .. })
    ));
}

#[test]
fn weak_key_is_refused() {
    let zero = [0u8; 32];
    let weak = format!(
        "sceau-ed25519 {} {}=",
        KeyId::of_bytes(&zero),
        "A".repeat(43)
    );
    let mut v = json_of(&two_of_three(1));
    v["maintainers"][2]["key"] = json!(weak);
    let err = from_json(&v).unwrap_err();
    assert!(
        matches!(&err, PolicyError::InvalidKey { role: "maintainer", name, source: KeyError::WeakKey { .. } }
            if name == "carol"),
        "{err:?}"
    );
}

#[test]
fn parsing_is_strict() {
    let good = json_of(&two_of_three(1));
    type Edit = Box<dyn Fn(&mut Value)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("unknown field", Box::new(|v| v["extra"] = json!(1))),
        (
            "unknown maintainer field",
            Box::new(|v| v["maintainers"][0]["role"] = json!("x")),
        ),
        (
            "missing revoked",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("revoked");
            }),
        ),
        ("version 0", Box::new(|v| v["version"] = json!(0))),
        ("version float", Box::new(|v| v["version"] = json!(1.5))),
        (
            "bad expires",
            Box::new(|v| v["expires"] = json!("2030-01-01")),
        ),
        (
            "wrong _type",
            Box::new(|v| v["_type"] = json!("https://sceau.dev/policy/v2")),
        ),
        (
            "empty name",
            Box::new(|v| v["maintainers"][0]["name"] = json!("")),
        ),
        (
            "control in name",
            Box::new(|v| v["maintainers"][0]["name"] = json!("a\u{7}")),
        ),
        (
            "bad revoked",
            Box::new(|v| v["revoked"] = json!(["not a key"])),
        ),
    ];
    for (what, edit) in edits {
        let mut v = good.clone();
        edit(&mut v);
        assert!(from_json(&v).is_err(), "{what} accepted");
    }
    let text = String::from_utf8(two_of_three(1).to_payload()).unwrap();
    let dup = text.replacen("\"version\": 1,", "\"version\": 1, \"version\": 2,", 1);
    assert!(matches!(
        PolicyDocument::from_payload(dup.as_bytes()),
        Err(PolicyError::Malformed(_))
    ));
    let trailing = format!("{text} {{}}");
    assert!(PolicyDocument::from_payload(trailing.as_bytes()).is_err());
    let huge = vec![b' '; MAX_POLICY_BYTES + 1];
    assert!(matches!(
        PolicyDocument::from_payload(&huge),
        Err(PolicyError::TooLarge {
            what: "payload",
            ..
        })
    ));
    assert!(matches!(
        read_policy_envelope(&vec![b' '; MAX_POLICY_ENVELOPE_BYTES + 1]),
        Err(PolicyError::TooLarge {
            what: "envelope",
            ..
        })
    ));
}

#[test]
fn revoked_entries_take_key_ids_or_keys_and_refuse_repeats() {
    let c = key(3);
    let mut v = json_of(&two_of_three(1));
    v["revoked"] = json!([c.public().to_sceau_line(None)]);
    let d = from_json(&v).unwrap();
    assert_eq!(d.parts().revoked, vec![c.key_id()]);
    assert!(d.is_revoked(&c.public()));
    v["revoked"] = json!([c.key_id().to_string(), c.public().to_openssh()]);
    assert!(matches!(
        from_json(&v),
        Err(PolicyError::DuplicateRevoked { .. })
    ));
}

// ----- a pinned policy -----------------------------------------------------------------------

#[test]
fn valid_two_of_three_policy_verifies() {
    let (a, b) = (key(1), key(2));
    let env = sign_policy(&two_of_three(1), &[&a, &b]).unwrap();
    let env = read_policy_envelope(&env.to_json()).unwrap();
    let p = verify_root(&env, NOW).unwrap();
    assert_eq!((p.version(), p.pinned_version(), p.threshold()), (1, 1, 2));
    assert_eq!(p.expires(), LATER);
    assert_eq!(p.maintainers().len(), 3);
    assert_eq!(
        p.signed_by(),
        &[
            Signer::new("alice", a.public()),
            Signer::new("bob", b.public())
        ]
    );
}

#[test]
fn expired_policy_is_refused() {
    let (a, b) = (key(1), key(2));
    let env = sign_policy(&two_of_three(1), &[&a, &b]).unwrap();
    for now in [
        LATER,
        Timestamp::from_const(datetime!(2031-06-01 12:00 UTC)),
    ] {
        let err = verify_root(&env, now).unwrap_err();
        assert!(
            matches!(err, PolicyError::Expired { version: 1, expires, now: n } if expires == LATER && n == now),
            "{err}"
        );
        assert!(err.to_string().contains("2030-01-01T00:00:00Z"), "{err}");
    }
    assert!(verify_root(
        &env,
        Timestamp::from_const(datetime!(2029-12-31 23:59:59 UTC))
    )
    .is_ok());
}

#[test]
fn below_threshold_is_refused() {
    let (a, stranger) = (key(1), key(9));
    let env = sign_policy(&two_of_three(1), &[&a, &stranger]).unwrap();
    let err = verify_root(&env, NOW).unwrap_err();
    assert!(
        matches!(
            err,
            PolicyError::BelowThreshold {
                version: 1,
                needed: 2,
                found: 1,
                invalid: 0,
                untrusted: 1
            }
        ),
        "{err}"
    );
}

#[test]
fn one_key_signing_twice_or_under_two_keyids_counts_once() {
    let a = key(1);
    let mut env = sign_policy(&two_of_three(1), &[&a]).unwrap();
    // The same signature again, then under bob's key id.
    let sig = env.signatures[0].clone();
    env.signatures.push(sig.clone());
    env.signatures.push(EnvelopeSignature {
        keyid: key(2).key_id().to_string(),
        ..sig
    });
    let err = verify_root(&env, NOW).unwrap_err();
    assert!(
        matches!(
            err,
            PolicyError::BelowThreshold {
                needed: 2,
                found: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn revoked_key_is_not_counted_anywhere() {
    let (a, b, c) = (key(1), key(2), key(3));
    let mut p = parts(1, &[("alice", &a), ("bob", &b), ("carol", &c)], 2);
    p.revoked = vec![c.key_id()];
    let d = doc(p.clone());
    let env = sign_policy(&d, &[&a, &c]).unwrap();
    assert!(matches!(
        verify_root(&env, NOW),
        Err(PolicyError::BelowThreshold { found: 1, .. })
    ));
    let v = verify_root(&sign_policy(&d, &[&a, &b]).unwrap(), NOW).unwrap();
    assert_eq!(v.revoked(), &[c.key_id()]);
    assert!(v.is_revoked(&c.public()));
    let names: Vec<String> = v.maintainers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert_eq!(trusted(&v, "any/release").0.len(), 2);
    // The threshold counts only non-revoked maintainers.
    p.threshold = 3;
    assert!(matches!(
        PolicyDocument::new(p),
        Err(PolicyError::InvalidThreshold {
            threshold: 3,
            maintainers: 2,
            ..
        })
    ));
}

#[test]
fn revoked_certifier_is_excluded() {
    let (a, b, x, y) = (key(1), key(2), key(5), key(6));
    let mut p = parts(1, &[("alice", &a), ("bob", &b)], 1);
    p.certifiers = vec![
        Certifier {
            name: "lab-x".into(),
            key: x.public(),
            comment: None,
            standards: vec!["eu-ai-act/annex-iv".into()],
            window: KeyWindow::default(),
        },
        Certifier {
            name: "lab-y".into(),
            key: y.public(),
            comment: None,
            standards: vec!["iso-42001".into(), "nist-ai-rmf".into()],
            window: KeyWindow::default(),
        },
    ];
    p.revoked = vec![x.key_id()];
    let v = verify_root(&sign_policy(&doc(p.clone()), &[&a]).unwrap(), NOW).unwrap();
    let names: Vec<&str> = v.certifiers().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["lab-y"]);
    p.certifiers[1].standards.clear();
    assert!(matches!(
        PolicyDocument::new(p.clone()),
        Err(PolicyError::EmptyList { .. })
    ));
    p.certifiers[1].standards = vec!["iso 42001".into()];
    assert!(matches!(
        PolicyDocument::new(p),
        Err(PolicyError::InvalidName { .. })
    ));
}

#[test]
fn wrong_payload_type_is_refused() {
    let a = key(1);
    let mut env = sign_policy(&two_of_three(1), &[&a, &key(2)]).unwrap();
    env.payload_type = "application/vnd.in-toto+json".into();
    assert!(matches!(
        verify_root(&env, NOW),
        Err(PolicyError::WrongPayloadType { .. })
    ));
    assert!(matches!(
        add_policy_signature(&mut env, &key(3)),
        Err(PolicyError::WrongPayloadType { .. })
    ));
}

#[test]
fn signing_and_countersigning() {
    let (a, b) = (key(1), key(2));
    let d = two_of_three(1);
    assert!(matches!(
        sign_policy(&d, &[]),
        Err(PolicyError::NoSigningKey)
    ));
    assert!(matches!(
        sign_policy(&d, &[&a, &a]),
        Err(PolicyError::Sign(_))
    ));
    let mut env = sign_policy(&d, &[&a]).unwrap();
    assert!(verify_root(&env, NOW).is_err());
    add_policy_signature(&mut env, &b).unwrap();
    assert!(matches!(
        add_policy_signature(&mut env, &b),
        Err(PolicyError::Sign(_))
    ));
    assert_eq!(env.payload, d.to_payload());
    assert!(verify_root(&env, NOW).is_ok());
}

// ----- chains --------------------------------------------------------------------------------

/// Version 2 replaces alice, bob, carol (keys 1–3) by dan, erin, frank (keys 4–6), 2 of 3.
fn rotated(version: u64) -> PolicyDocument {
    let (d, e, f) = (key(4), key(5), key(6));
    doc(parts(
        version,
        &[("dan", &d), ("erin", &e), ("frank", &f)],
        2,
    ))
}

fn pinned() -> Envelope {
    sign_policy(&two_of_three(1), &[&key(1), &key(2)]).unwrap()
}

#[test]
fn rotation_signed_by_old_and_new_thresholds_is_accepted() {
    let v2 = sign_policy(&rotated(2), &[&key(1), &key(3), &key(4), &key(5)]).unwrap();
    let p = verify_chain(&pinned(), std::slice::from_ref(&v2), NOW).unwrap();
    assert_eq!((p.version(), p.pinned_version()), (2, 1));
    let names: Vec<String> = p.maintainers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["dan", "erin", "frank"]);
    assert_eq!(
        p.signed_by(),
        &[
            Signer::new("dan", key(4).public()),
            Signer::new("erin", key(5).public())
        ]
    );
    // And on to version 3, signed by version 2's keys only (its own are the same).
    let v3 = sign_policy(&rotated(3), &[&key(5), &key(6)]).unwrap();
    assert_eq!(
        verify_chain(&pinned(), &[v2, v3], NOW).unwrap().version(),
        3
    );
}

#[test]
fn rotation_signed_only_by_new_keys_is_refused() {
    let v2 = sign_policy(&rotated(2), &[&key(4), &key(5), &key(6)]).unwrap();
    let err = verify_chain(&pinned(), &[v2], NOW).unwrap_err();
    assert!(
        matches!(
            err,
            PolicyError::RotationNotSignedByPrevious {
                version: 2,
                previous_version: 1,
                needed: 2,
                found: 0
            }
        ),
        "{err}"
    );
    // One old key is not enough either.
    let v2 = sign_policy(&rotated(2), &[&key(1), &key(4), &key(5)]).unwrap();
    assert!(matches!(
        verify_chain(&pinned(), &[v2], NOW),
        Err(PolicyError::RotationNotSignedByPrevious { found: 1, .. })
    ));
}

#[test]
fn rotation_signed_only_by_old_keys_is_refused() {
    let v2 = sign_policy(&rotated(2), &[&key(1), &key(2), &key(4)]).unwrap();
    let err = verify_chain(&pinned(), &[v2], NOW).unwrap_err();
    assert!(
        matches!(
            err,
            PolicyError::BelowThreshold {
                version: 2,
                needed: 2,
                found: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn version_gap_and_rollback_are_refused() {
    let signers = [&key(1), &key(2), &key(4), &key(5)];
    let v3 = sign_policy(&rotated(3), &signers).unwrap();
    let err = verify_chain(&pinned(), &[v3], NOW).unwrap_err();
    assert!(
        matches!(
            err,
            PolicyError::VersionGap {
                previous: 1,
                found: 3
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("give version 2 first"), "{err}");

    let v1_again = sign_policy(&rotated(1), &signers).unwrap();
    let err = verify_chain(&pinned(), &[v1_again], NOW).unwrap_err();
    assert!(
        matches!(
            err,
            PolicyError::Rollback {
                previous: 1,
                found: 1
            }
        ),
        "{err}"
    );

    let v2 = sign_policy(&rotated(2), &signers).unwrap();
    let v3 = sign_policy(&rotated(3), &[&key(4), &key(5)]).unwrap();
    let err = verify_chain(&pinned(), &[v3, v2], NOW).unwrap_err();
    assert!(
        matches!(
            err,
            PolicyError::VersionGap {
                previous: 1,
                found: 3
            }
        ),
        "{err}"
    );
}

#[test]
fn only_the_last_policy_must_be_unexpired() {
    let old = {
        let mut p = two_of_three(1).into_parts();
        p.expires = Timestamp::from_const(datetime!(2025-01-01 00:00 UTC));
        doc(p)
    };
    let pinned = sign_policy(&old, &[&key(1), &key(2)]).unwrap();
    assert!(matches!(
        verify_root(&pinned, NOW),
        Err(PolicyError::Expired { version: 1, .. })
    ));
    let v2 = sign_policy(&rotated(2), &[&key(1), &key(2), &key(4), &key(5)]).unwrap();
    assert_eq!(verify_chain(&pinned, &[v2], NOW).unwrap().version(), 2);
    let err = verify_chain(&pinned, &[], NOW).unwrap_err();
    assert!(matches!(err, PolicyError::Expired { version: 1, .. }));

    let mut p2 = rotated(2).into_parts();
    p2.expires = Timestamp::from_const(datetime!(2025-06-01 00:00 UTC));
    let v2 = sign_policy(&doc(p2), &[&key(1), &key(2), &key(4), &key(5)]).unwrap();
    assert!(matches!(
        verify_chain(&pinned, &[v2], NOW),
        Err(PolicyError::Expired { version: 2, .. })
    ));
}

#[test]
fn a_key_revoked_in_the_previous_version_does_not_approve_the_next() {
    let (a, b, c) = (key(1), key(2), key(3));
    let mut p1 = parts(1, &[("alice", &a), ("bob", &b), ("carol", &c)], 2);
    p1.revoked = vec![c.key_id()];
    let pinned = sign_policy(&doc(p1), &[&a, &b]).unwrap();
    let v2 = sign_policy(&rotated(2), &[&a, &c, &key(4), &key(5)]).unwrap();
    assert!(matches!(
        verify_chain(&pinned, &[v2], NOW),
        Err(PolicyError::RotationNotSignedByPrevious { found: 1, .. })
    ));
    // Dropping the revocation is refused even when properly signed.
    let v2 = sign_policy(&rotated(2), &[&a, &b, &key(4), &key(5)]).unwrap();
    let err = verify_chain(&pinned, &[v2], NOW).unwrap_err();
    assert!(
        matches!(err, PolicyError::RevocationDropped { version: 2, key_id } if key_id == c.key_id()),
        "{err}"
    );
    // Keeping it is accepted.
    let mut p2 = rotated(2).into_parts();
    p2.revoked = vec![c.key_id()];
    let v2 = sign_policy(&doc(p2), &[&a, &b, &key(4), &key(5)]).unwrap();
    assert!(verify_chain(&pinned, &[v2], NOW).is_ok());
}

#[test]
fn a_malformed_update_is_named_by_position() {
    let v2 = sign_policy(&rotated(2), &[&key(1), &key(2), &key(4), &key(5)]).unwrap();
    let mut bad = v2.clone();
    bad.payload_type = "text/plain".into();
    let err = verify_chain(&pinned(), &[v2, bad], NOW).unwrap_err();
    assert!(
        matches!(&err, PolicyError::Update { position: 2, source }
            if matches!(**source, PolicyError::WrongPayloadType { .. })),
        "{err}"
    );
}

// ----- release scopes ----------------------------------------------------------------------

fn scope(pattern: &str, maintainers: &[&str], threshold: usize) -> ReleaseScope {
    ReleaseScope {
        pattern: ReleasePattern::parse(pattern).unwrap(),
        maintainers: maintainers.iter().map(|s| (*s).to_owned()).collect(),
        threshold,
    }
}

fn scoped_parts() -> PolicyParts {
    let keys: Vec<SecretKey> = (1..=5).map(key).collect();
    let mut p = parts(
        1,
        &[
            ("alice", &keys[0]),
            ("bob", &keys[1]),
            ("carol", &keys[2]),
            ("dan", &keys[3]),
            ("erin", &keys[4]),
        ],
        3,
    );
    p.releases = vec![
        scope("org-a/*", &["alice", "bob"], 2),
        scope("org-b/*", &["carol", "dan"], 1),
        scope("org-a/special", &["alice"], 1),
        scope("org-a/labs/*", &["bob", "erin"], 1),
    ];
    p
}

#[test]
fn scopes_pick_the_most_specific_match() {
    let d = doc(scoped_parts());
    let v = verify_root(&sign_policy(&d, &[&key(1), &key(2), &key(3)]).unwrap(), NOW).unwrap();
    let names = |release: &str| {
        let (keys, k) = trusted(&v, release);
        (keys.into_iter().map(|(n, _)| n).collect::<Vec<_>>(), k)
    };
    assert_eq!(
        names("org-a/model"),
        (vec!["alice".into(), "bob".into()], 2)
    );
    assert_eq!(
        names("ORG-A/Model"),
        (vec!["alice".into(), "bob".into()], 2)
    );
    assert_eq!(names("org-a/special"), (vec!["alice".into()], 1));
    assert_eq!(
        names("org-a/labs/x"),
        (vec!["bob".into(), "erin".into()], 1)
    );
    assert_eq!(names("org-b/x"), (vec!["carol".into(), "dan".into()], 1));
    assert_eq!(names("org-c/x").0.len(), 5);
    assert_eq!(names("org-c/x").1, 3);
    // The keys are the maintainers' own.
    assert_eq!(trusted(&v, "org-a/special").0[0].1, key(1).public());
    // Round trip through JSON keeps the scopes.
    assert_eq!(PolicyDocument::from_payload(&d.to_payload()).unwrap(), d);
}

#[test]
fn scopes_exclude_revoked_keys_and_are_checked() {
    let mut p = scoped_parts();
    p.revoked = vec![key(2).key_id()];
    // org-a/* needs 2 of alice, bob, but bob is revoked.
    let err = PolicyDocument::new(p.clone()).unwrap_err();
    assert!(
        matches!(&err, PolicyError::InvalidThreshold { threshold: 2, maintainers: 1, scope: Some(s) } if s == "org-a/*"),
        "{err}"
    );
    p.releases[0].threshold = 1;
    let v = verify_root(
        &sign_policy(&doc(p.clone()), &[&key(1), &key(3), &key(4)]).unwrap(),
        NOW,
    )
    .unwrap();
    assert_eq!(trusted(&v, "org-a/x").0.len(), 1);
    assert_eq!(trusted(&v, "org-a/labs/x").0[0].0, "erin");

    let mut bad = scoped_parts();
    bad.releases.push(scope("ORG-A/*", &["alice"], 1));
    assert!(matches!(
        PolicyDocument::new(bad),
        Err(PolicyError::DuplicatePattern { .. })
    ));
    let mut bad = scoped_parts();
    bad.releases.push(scope("org-z/*", &["zoe"], 1));
    assert!(matches!(
        PolicyDocument::new(bad),
        Err(PolicyError::UnknownScopeMaintainer { .. })
    ));
    let mut bad = scoped_parts();
    bad.releases.push(scope("org-z/*", &[], 1));
    assert!(matches!(
        PolicyDocument::new(bad),
        Err(PolicyError::EmptyList { .. })
    ));
    let mut bad = scoped_parts();
    bad.releases.push(scope("org-z/*", &["alice", "alice"], 1));
    assert!(matches!(
        PolicyDocument::new(bad),
        Err(PolicyError::DuplicateName { .. })
    ));
    let mut v = json_of(&doc(scoped_parts()));
    v["releases"][0]["pattern"] = json!("org-a*");
    assert!(matches!(
        from_json(&v),
        Err(PolicyError::InvalidPattern { .. })
    ));
}

/// spec/policy.md §2.9: windows are optional fields, written back as read, and decide which
/// keys count for a record by its signing time; revoked keys and out-of-window keys are both
/// named as excluded, never counted.
#[test]
fn key_windows_parse_round_trip_and_exclude_by_signing_time() {
    let (a, b) = (key(1), key(2));
    let mut p = parts(1, &[("alice", &a), ("bob", &b)], 1);
    p.maintainers[1].window = KeyWindow {
        from: Some(Timestamp::from_const(datetime!(2026-01-01 00:00 UTC))),
        until: Some(Timestamp::from_const(datetime!(2027-01-01 00:00 UTC))),
    };
    let d = PolicyDocument::new(p).unwrap();
    let text = String::from_utf8(d.to_payload()).unwrap();
    assert!(
        text.contains("\"valid_from\": \"2026-01-01T00:00:00Z\""),
        "{text}"
    );
    assert!(
        text.contains("\"valid_until\": \"2027-01-01T00:00:00Z\""),
        "{text}"
    );
    // Unbounded windows are not written: existing policies keep their bytes.
    assert_eq!(text.matches("valid_from").count(), 1);
    assert_eq!(PolicyDocument::from_payload(text.as_bytes()).unwrap(), d);

    let v = verify_root(&sign_policy(&d, &[&key(1)]).unwrap(), NOW).unwrap();
    let trust = PolicyTrust::new(&v);
    let at = |t: Option<Timestamp>| {
        trust
            .trust_for(&Claimed {
                name: "org/model",
                signed_at: t,
                role: Role::Release,
            })
            .unwrap()
    };
    let inside = at(Some(Timestamp::from_const(datetime!(2026-06-01 00:00 UTC))));
    assert_eq!(inside.keys.len(), 2);
    assert!(inside.excluded.is_empty());
    for (t, check) in [
        (
            Some(Timestamp::from_const(datetime!(2025-12-31 00:00 UTC))),
            WindowCheck::TooEarly,
        ),
        (
            Some(Timestamp::from_const(datetime!(2027-01-01 00:00 UTC))),
            WindowCheck::TooLate,
        ),
        (None, WindowCheck::NoTime),
    ] {
        let out = at(t);
        assert_eq!(out.keys.len(), 1, "{t:?}");
        assert_eq!(out.excluded.len(), 1);
        assert_eq!(out.excluded[0].key, key(2).public());
        assert_eq!(
            out.excluded[0].reason,
            Exclusion::Window {
                window: d.parts().maintainers[1].window,
                check
            }
        );
    }

    // Malformed or empty windows are refused, naming the maintainer.
    for (field, value, phrase) in [
        ("valid_from", "\"2026-01-01\"", "not an RFC 3339"),
        ("valid_until", "\"2025-01-01T00:00:00Z\"", "is not before"),
        ("valid_until", "17", "malformed"),
    ] {
        let bad = text.replacen(
            "\"valid_until\": \"2027-01-01T00:00:00Z\"",
            &format!("\"valid_until\": \"2027-01-01T00:00:00Z\", \"{field}\": {value}"),
            1,
        );
        let bad = if field == "valid_until" {
            bad.replacen("\"valid_until\": \"2027-01-01T00:00:00Z\", ", "", 1)
        } else {
            bad.replacen("\"valid_from\": \"2026-01-01T00:00:00Z\",", "", 1)
        };
        let e = PolicyDocument::from_payload(bad.as_bytes()).unwrap_err();
        let msg = format!("{e} {:?}", std::error::Error::source(&e));
        assert!(msg.contains(phrase), "{field}={value}: {msg}");
    }
}

/// A revoked key in the scope is named as excluded (so its signature can be reported), not
/// silently dropped.
#[test]
fn revoked_keys_are_excluded_with_their_reason() {
    let (a, b) = (key(1), key(2));
    let mut p = parts(1, &[("alice", &a), ("bob", &b)], 1);
    p.revoked.push(key(2).public().key_id());
    let d = PolicyDocument::new(p).unwrap();
    let v = verify_root(&sign_policy(&d, &[&key(1)]).unwrap(), NOW).unwrap();
    let t = PolicyTrust::new(&v)
        .trust_for(&Claimed {
            name: "x",
            signed_at: None,
            role: Role::Release,
        })
        .unwrap();
    assert_eq!(t.keys.len(), 1);
    assert_eq!(t.excluded.len(), 1);
    assert_eq!(t.excluded[0].reason, Exclusion::Revoked);
}
