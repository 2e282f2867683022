//! Trust policies: the "Done when" (three maintainers, 2-of-3 policy), expiry chains,
//! revocation, rotation chains and the thresholds a policy must meet itself. The refusals of bad
//! policies and of keys that must not count (an expired policy, a revoked signer, a key outside
//! its validity window, thresholds of 0 or above n, one key listed twice, a record given as a
//! policy) are cases of the bad-input catalogue (`catalogue::envelope`, `catalogue::freshness`).
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

/// Three maintainers, a release signed by alice and countersigned by bob, and a 2-of-3 policy
/// signed by alice and bob.
pub(crate) struct Team {
    lab: Lab,
    keys: [(PathBuf, PathBuf); 3],
    pub(crate) policy: PathBuf,
}

impl std::ops::Deref for Team {
    type Target = Lab;
    fn deref(&self) -> &Lab {
        &self.lab
    }
}

impl Team {
    pub(crate) fn new() -> Team {
        let lab = Lab::new();
        let keys = [
            (lab.key.clone(), lab.public.clone()),
            lab.keys("bob"),
            lab.keys("carol"),
        ];
        countersign(&lab.record, &keys[1].0);
        let policy = lab.path("p.json");
        policy_init(
            &policy,
            &[s(&keys[0].1), s(&keys[1].1), s(&keys[2].1)],
            &[&keys[0].0, &keys[1].0],
            &["--threshold", "2"],
        );
        assert_eq!(
            json_out(&sceau(&["policy", "show", s(&policy), "--json"]))["policy"]["threshold"],
            2
        );
        Team { lab, keys, policy }
    }

    pub(crate) fn key(&self, i: usize) -> &Path {
        &self.keys[i].0
    }

    pub(crate) fn public(&self, i: usize) -> &Path {
        &self.keys[i].1
    }

    /// `verify DIR --record RECORD --policy POLICY --at AT [extra] --json` (AT unless extra
    /// gives its own --at).
    pub(crate) fn verify(&self, record: &Path, extra: &[&str]) -> (std::process::Output, Value) {
        let mut a = vec![
            s(&self.dir),
            "--record",
            s(record),
            "--policy",
            s(&self.policy),
        ];
        if !extra.contains(&"--at") {
            a.extend(["--at", AT]);
        }
        a.extend_from_slice(extra);
        verify_json(&a)
    }

    /// `policy update POLICY ARGS -o NAME`, returning the new file.
    fn update(&self, from: &Path, args: &[&str], name: &str) -> PathBuf {
        let out = self.path(name);
        let mut a = vec!["policy", "update", s(from)];
        a.extend_from_slice(args);
        a.extend(["-o", s(&out)]);
        let o = sceau(&a);
        assert_exit(&o, 0);
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Done when.

#[test]
fn done_when_a_2_of_3_policy_verifies_a_release_signed_and_countersigned() {
    let team = Team::new();
    let (o, r) = team.verify(&team.record, &[]);
    assert_exit(&o, 0);
    assert_eq!(r["verified"], true);
    // Policy version 1, expiring 2030-01-01, signed by its own threshold.
    assert_check(&r, "policy", "policy", PASS, &["v1", "2030-01-01"]);
    // Two of two required keys, trusted from policy v1.
    assert_check(&r, "signature", "threshold", PASS, &["v1"]);
    assert_numbers(&r, "signature", "threshold", &[2, 2]);
    assert_check(&r, "tree", "modified", PASS, &[]);
    assert_eq!(
        signer_ids(&r),
        [key_id(team.public(0)), key_id(team.public(1))]
    );
}

#[test]
fn done_when_one_byte_changed_in_the_weights_fails_naming_file_and_digests() {
    let team = Team::new();
    let w = team.dir.join("model.safetensors");
    let before = sha256_file(&w);
    flip_byte(&w, 8000);
    let after = sha256_file(&w);
    let (o, r) = team.verify(&team.record, &[]);
    assert_only_failure(
        &o,
        &r,
        "tree",
        "modified",
        &["model.safetensors", &before, &after],
    );
    let m = &r["tree"]["modified"];
    assert_eq!(m.as_array().unwrap().len(), 1, "{m:#}");
    assert_eq!(m[0]["path"], "model.safetensors");
    assert_eq!(m[0]["expected"], before.as_str());
    assert_eq!(m[0]["actual"], after.as_str());
    assert_check(&r, "signature", "threshold", PASS, &[]);
}

#[test]
fn done_when_a_record_signed_by_the_third_key_alone_fails_the_threshold() {
    let team = Team::new();
    let alone = team.path("carol.sceau.json");
    sign(&team.dir, team.key(2), &alone);
    let (o, r) = team.verify(&alone, &[]);
    assert_exit(&o, 1);
    assert_eq!(r["verified"], false);
    assert_check(&r, "policy", "policy", PASS, &[]);
    assert_check(
        &r,
        "signature",
        "threshold",
        FAIL,
        &[&key_id(team.public(2))],
    );
    assert_numbers(&r, "signature", "threshold", &[1, 2]);
    assert_not_run(&r, "tree", "files", "signature threshold");

    // --threshold can raise a policy's threshold, never lower it.
    let (o, r) = team.verify(&alone, &["--threshold", "1"]);
    assert_exit(&o, 1);
    assert_check(&r, "signature", "threshold", FAIL, &[]);
    assert_numbers(&r, "signature", "threshold", &[1, 2]);
    let (o, r) = team.verify(&team.record, &["--threshold", "3"]);
    assert_exit(&o, 1);
    assert_check(&r, "signature", "threshold", FAIL, &[]);
    assert_numbers(&r, "signature", "threshold", &[2, 3]);
}

// ---------------------------------------------------------------------------------------------
// Expiry.

#[test]
fn an_expired_pinned_policy_is_fine_when_its_unexpired_update_is_given() {
    let team = Team::new();
    let p2 = team.update(
        &team.policy,
        &[
            "--expires",
            "2035-01-01",
            "--key",
            s(team.key(0)),
            "--key",
            s(team.key(1)),
        ],
        "p2.json",
    );
    let at = "2031-01-01T00:00:00Z";
    let (o, r) = team.verify(&team.record, &["--at", at, "--policy-update", s(&p2)]);
    assert_exit(&o, 0);
    // Version 2, reached from the pinned version 1.
    assert_check(&r, "policy", "policy", PASS, &["v2", "v1"]);
    // ...but the last version of the chain must not have expired.
    let (o, r) = team.verify(
        &team.record,
        &["--at", "2036-01-01T00:00:00Z", "--policy-update", s(&p2)],
    );
    assert_exit(&o, 1);
    assert_check(&r, "policy", "policy", FAIL, &["2035-01-01"]);
    assert_numbers(&r, "policy", "policy", &[2]);
}

// ---------------------------------------------------------------------------------------------
// Revocation.

#[test]
fn revoked_key_is_not_counted() {
    let team = Team::new();
    let p2 = team.update(
        &team.policy,
        &[
            "--revoke",
            s(team.public(1)),
            "--threshold",
            "1",
            "--key",
            s(team.key(0)),
            "--key",
            s(team.key(2)),
        ],
        "p2.json",
    );
    let o = sceau(&["policy", "show", s(&p2), "--json"]);
    assert_exit(&o, 0);
    assert_eq!(
        json_out(&o)["policy"]["revoked"],
        serde_json::json!([key_id(team.public(1))])
    );

    // Signed by alice and (revoked) bob: only alice counts, which meets threshold 1.
    let (o, r) = team.verify(&team.record, &["--policy-update", s(&p2)]);
    assert_exit(&o, 0);
    // Version 2 verified; bob's revoked key is excluded (`policy revoked` below).
    assert_check(&r, "policy", "policy", PASS, &["v2"]);
    assert_check(&r, "signature", "threshold", PASS, &[]);
    assert_numbers(&r, "signature", "threshold", &[1, 1]);
    assert_eq!(signer_ids(&r), [key_id(team.public(0))]);
    // bob's signature is named as revoked, not counted.
    assert_check(&r, "policy", "revoked", SKIPPED, &[&key_id(team.public(1))]);

    // Raising the threshold to 2 shows bob's signature is not counted.
    let (o, r) = team.verify(
        &team.record,
        &["--policy-update", s(&p2), "--threshold", "2"],
    );
    assert_exit(&o, 1);
    assert_check(&r, "signature", "threshold", FAIL, &[]);
    assert_numbers(&r, "signature", "threshold", &[1, 2]);
    // A record signed by bob alone: catalogue::envelope::revoked_signer_is_named_as_revoked_in_…
}

#[test]
fn revoked_key_cannot_help_meet_a_threshold_of_two() {
    let team = Team::new();
    // Version 2 keeps threshold 2 over the two remaining maintainers.
    let p2 = team.update(
        &team.policy,
        &[
            "--revoke",
            s(team.public(1)),
            "--key",
            s(team.key(0)),
            "--key",
            s(team.key(2)),
        ],
        "p2.json",
    );
    let (o, r) = team.verify(&team.record, &["--policy-update", s(&p2)]);
    assert_exit(&o, 1);
    assert_check(&r, "signature", "threshold", FAIL, &[]);
    assert_numbers(&r, "signature", "threshold", &[1, 2]);
    // A countersignature by carol brings it back to two distinct non-revoked keys.
    countersign(&team.record, team.key(2));
    let (o, r) = team.verify(&team.record, &["--policy-update", s(&p2)]);
    assert_exit(&o, 0);
    assert_eq!(
        signer_ids(&r),
        [key_id(team.public(0)), key_id(team.public(2))]
    );
}

#[test]
fn a_key_being_revoked_counts_toward_the_previous_threshold_only() {
    // spec/policy.md §6.2: bob may approve the update that revokes his own key (he was trusted
    // by version 1), but his signature does not count toward version 2's own threshold.
    let team = Team::new();
    let approve = |threshold: &str, name: &str| {
        team.update(
            &team.policy,
            &[
                "--revoke",
                s(team.public(1)),
                "--threshold",
                threshold,
                "--key",
                s(team.key(0)),
                "--key",
                s(team.key(1)),
            ],
            name,
        )
    };
    // Threshold 1 over {alice, carol}: alice meets it, alice + bob meet version 1's 2.
    let p2 = approve("1", "p2.json");
    let (o, r) = team.verify(&team.record, &["--policy-update", s(&p2)]);
    assert_exit(&o, 0);
    assert_check(&r, "policy", "policy", PASS, &["v2"]);
    assert_check(&r, "policy", "revoked", SKIPPED, &[&key_id(team.public(1))]);

    // Threshold 2 over {alice, carol}: only alice counts for version 2 itself.
    let p2b = approve("2", "p2b.json");
    let (o, r) = team.verify(&team.record, &["--policy-update", s(&p2b)]);
    assert_exit(&o, 1);
    // Version 2 is signed by 1 of its own maintainers, 2 needed.
    assert_check(&r, "policy", "policy", FAIL, &[]);
    assert_numbers(&r, "policy", "policy", &[2, 1, 2]);

    // Signed by bob alone: version 1's threshold is not met.
    let p2c = team.update(
        &team.policy,
        &[
            "--revoke",
            s(team.public(1)),
            "--threshold",
            "1",
            "--key",
            s(team.key(1)),
        ],
        "p2c.json",
    );
    let (o, r) = team.verify(&team.record, &["--policy-update", s(&p2c)]);
    assert_exit(&o, 1);
    // Version 2 is signed by 1 of version 1's maintainers, 2 needed.
    assert_check(&r, "policy", "policy", FAIL, &[]);
    assert_numbers(&r, "policy", "policy", &[2, 1, 1, 2]);
}

// ---------------------------------------------------------------------------------------------
// Rotation chains.

#[test]
fn rotation_signed_only_by_a_new_key_is_refused() {
    let team = Team::new();
    let (dave_key, dave) = keygen(team.t.path(), "dave");
    let p2 = team.update(
        &team.policy,
        &[
            "--add-maintainer",
            s(&dave),
            "--threshold",
            "1",
            "--key",
            s(&dave_key),
        ],
        "p2.json",
    );
    let (o, r) = team.verify(&team.record, &["--policy-update", s(&p2)]);
    assert_exit(&o, 1);
    assert_eq!(r["verified"], false);
    // Version 2 is signed by 0 of version 1's maintainers, 2 needed.
    assert_check(&r, "policy", "policy", FAIL, &[]);
    assert_numbers(&r, "policy", "policy", &[2, 0, 1, 2]);
    // Nothing is trusted from a broken chain, not even what the pinned policy allowed.
    assert!(
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["outcome"] != "pass"),
        "{r:#}"
    );

    // One old maintainer is still below version 1's threshold of 2.
    let o = sceau(&["policy", "sign", s(&p2), "--key", s(team.key(0))]);
    assert_exit(&o, 0);
    let (o, r) = team.verify(&team.record, &["--policy-update", s(&p2)]);
    assert_exit(&o, 1);
    assert_check(&r, "policy", "policy", FAIL, &[]);
    assert_numbers(&r, "policy", "policy", &[2, 1, 1, 2]);
}

#[test]
fn policy_sign_adds_a_signature_and_then_the_update_verifies() {
    let team = Team::new();
    let (dave_key, dave) = keygen(team.t.path(), "dave");
    let p2 = team.update(
        &team.policy,
        &[
            "--add-maintainer",
            s(&dave),
            "--threshold",
            "2",
            "--key",
            s(&dave_key),
        ],
        "p2.json",
    );
    let payload = payload_of(&p2);
    let signed = team.path("p2-signed.json");
    let o = sceau(&[
        "policy",
        "sign",
        s(&p2),
        "--key",
        s(team.key(0)),
        "-o",
        s(&signed),
    ]);
    assert_exit(&o, 0);
    assert_eq!(
        read_json(&signed)["signatures"].as_array().unwrap().len(),
        2
    );
    assert_eq!(payload_of(&p2), payload);
    let o = sceau(&["policy", "sign", s(&signed), "--key", s(team.key(1))]);
    assert_exit(&o, 0);
    assert_eq!(
        read_json(&signed)["signatures"].as_array().unwrap().len(),
        3
    );
    assert_eq!(payload_of(&signed), payload);

    // The same key twice is refused and changes nothing.
    let before = std::fs::read(&signed).unwrap();
    let o = sceau(&["policy", "sign", s(&signed), "--key", s(team.key(1))]);
    assert_input_error(&o, &["already signed", &key_id(team.public(1))]);
    assert_eq!(std::fs::read(&signed).unwrap(), before);

    let (o, r) = team.verify(&team.record, &["--policy-update", s(&signed)]);
    assert_exit(&o, 0);
    // Version 2, from the pinned version 1 and one update.
    assert_check(&r, "policy", "policy", PASS, &["v2", "v1"]);
    assert_numbers(&r, "policy", "policy", &[1]);

    // Dave is now a maintainer: alice + dave meet version 2's threshold.
    let rec = team.path("ad.sceau.json");
    sign(&team.dir, team.key(0), &rec);
    countersign(&rec, &dave_key);
    let (o, _) = team.verify(&rec, &["--policy-update", s(&signed)]);
    assert_exit(&o, 0);
    // ...and not under version 1, which does not know him.
    let (o, r) = team.verify(&rec, &[]);
    assert_exit(&o, 1);
    assert_check(&r, "signature", "threshold", FAIL, &[]);
    assert_numbers(&r, "signature", "threshold", &[1, 2]);
}

#[test]
fn a_chain_with_a_missing_or_reordered_version_is_refused() {
    let team = Team::new();
    let both = ["--key", s(team.key(0)), "--key", s(team.key(1))];
    let mut a2 = vec!["--expires", "2031-01-01"];
    a2.extend(both);
    let p2 = team.update(&team.policy, &a2, "p2.json");
    let mut a3 = vec!["--expires", "2032-01-01"];
    a3.extend(both);
    let p3 = team.update(&p2, &a3, "p3.json");

    let (o, r) = team.verify(
        &team.record,
        &["--policy-update", s(&p2), "--policy-update", s(&p3)],
    );
    assert_exit(&o, 0);
    // Version 3 after two updates.
    assert_check(&r, "policy", "policy", PASS, &["v3", "v1"]);
    assert_numbers(&r, "policy", "policy", &[2]);

    // v1 -> v3 skips v2.
    let (o, r) = team.verify(&team.record, &["--policy-update", s(&p3)]);
    assert_exit(&o, 1);
    // Version 3 cannot follow version 1: version 2 is missing.
    assert_check(&r, "policy", "policy", FAIL, &[]);
    assert_numbers(&r, "policy", "policy", &[3, 1, 2]);
    // v1 -> v2 -> v3 -> v2: the last step goes backwards.
    let (o, r) = team.verify(
        &team.record,
        &[
            "--policy-update",
            s(&p2),
            "--policy-update",
            s(&p3),
            "--policy-update",
            s(&p2),
        ],
    );
    assert_exit(&o, 1);
    // Version 2 cannot follow version 3: a rollback.
    assert_check(&r, "policy", "policy", FAIL, &[]);
    assert_numbers(&r, "policy", "policy", &[2, 3]);
    assert_wording(detail(&r, "policy", "policy"), &["rollback"]);
    // Pinning v2 and offering v1 as an "update" is a rollback.
    let (o, r) = verify_json(&[
        s(&team.dir),
        "--record",
        s(&team.record),
        "--policy",
        s(&p2),
        "--policy-update",
        s(&team.policy),
        "--at",
        AT,
    ]);
    assert_exit(&o, 1);
    // Version 1 cannot follow the pinned version 2: a rollback.
    assert_check(&r, "policy", "policy", FAIL, &[]);
    assert_numbers(&r, "policy", "policy", &[1, 2]);
    assert_wording(detail(&r, "policy", "policy"), &["rollback"]);
}

// ---------------------------------------------------------------------------------------------
// A policy's own signatures and content.

#[test]
fn policy_signed_below_its_own_threshold_is_refused_until_cosigned() {
    let team = Team::new();
    let weak = team.path("weak.json");
    let o = sceau(&[
        "policy",
        "init",
        "--maintainer",
        s(team.public(0)),
        "--maintainer",
        s(team.public(1)),
        "--maintainer",
        s(team.public(2)),
        "--threshold",
        "2",
        "--expires",
        "2030-01-01",
        "--key",
        s(team.key(0)),
        "-o",
        s(&weak),
    ]);
    // Writing it is allowed (others co-sign later); trusting it is not.
    assert_exit(&o, 0);
    let (o, r) = verify_json(&[
        s(&team.dir),
        "--record",
        s(&team.record),
        "--policy",
        s(&weak),
        "--at",
        AT,
    ]);
    assert_exit(&o, 1);
    // Version 1 is signed by 1 of its maintainers, 2 needed.
    assert_check(&r, "policy", "policy", FAIL, &[]);
    assert_numbers(&r, "policy", "policy", &[1, 1, 2]);

    // A signature by a key the policy does not list does not help.
    let (outsider, _) = keygen(team.t.path(), "outsider");
    assert_exit(
        &sceau(&["policy", "sign", s(&weak), "--key", s(&outsider)]),
        0,
    );
    let (o, r) = verify_json(&[
        s(&team.dir),
        "--record",
        s(&team.record),
        "--policy",
        s(&weak),
        "--at",
        AT,
    ]);
    assert_exit(&o, 1);
    // Still 1 of 2, and the outsider's signature is one by a key it does not list.
    assert_check(&r, "policy", "policy", FAIL, &[]);
    assert_numbers(&r, "policy", "policy", &[1, 1, 2, 1]);

    assert_exit(
        &sceau(&["policy", "sign", s(&weak), "--key", s(team.key(2))]),
        0,
    );
    let (o, _) = verify_json(&[
        s(&team.dir),
        "--record",
        s(&team.record),
        "--policy",
        s(&weak),
        "--at",
        AT,
    ]);
    assert_exit(&o, 0);
}

#[test]
fn policy_show_marks_its_content_as_not_verified() {
    let team = Team::new();
    let o = sceau(&["policy", "show", s(&team.policy), "--json"]);
    assert_exit(&o, 0);
    let v = json_out(&o);
    assert_eq!(v["verified"], false);
    assert_eq!(v["policy"]["version"], 1);
    assert_eq!(v["policy"]["threshold"], 2);
    let maintainers = v["policy"]["maintainers"].to_string();
    assert_eq!(v["policy"]["maintainers"].as_array().unwrap().len(), 3);
    for i in 0..3 {
        assert!(
            maintainers.contains(&key_id(team.public(i))),
            "{maintainers}"
        );
    }
    // The human form names each key too.
    let o = sceau(&["policy", "show", s(&team.policy)]);
    assert_exit(&o, 0);
    for i in 0..3 {
        assert!(
            stdout(&o).contains(&key_id(team.public(i))),
            "{}",
            stdout(&o)
        );
    }
}
