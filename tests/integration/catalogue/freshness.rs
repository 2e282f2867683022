//! Freshness: rollback and equivocation against a state file, absurd versions, expired
//! policies and attestations, signing times in the future (spec/verify.md §3, spec/policy.md
//! §8).
use super::*;

#[test]
fn rollback_to_an_older_version_is_refused_naming_both_versions() {
    let lab = Lab::new();
    let v2 = sign_version(&lab, "2.0.0", "v2.json");
    let state = lab.path("state.json");
    let (o, r) = lab.verify(Some(&lab.dir), &v2, &["--state", s(&state)]);
    assert_exit(&o, 0);
    assert!(detail(&r, "freshness", "rollback").contains("2.0.0"));
    assert_eq!(read_json(&state)["releases"][NAME]["version"], "2.0.0");

    // Lab::verify checks the state file did not move.
    let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &["--state", s(&state)]);
    assert_wording(
        &assert_only_failure(&o, &r, "freshness", "rollback", &["1.0.0", "2.0.0"]),
        &["rollback refused"],
    );

    // Re-verifying the accepted version is fine.
    let (o, r) = lab.verify(Some(&lab.dir), &v2, &["--state", s(&state)]);
    assert_exit(&o, 0);
    assert!(detail(&r, "freshness", "rollback").contains("same payload"));
}

#[test]
fn two_different_records_for_one_version_are_refused_as_equivocation() {
    let lab = Lab::new();
    std::fs::write(
        lab.dir.join("NOTES.md"),
        "a different release, same version\n",
    )
    .unwrap();
    let other = sign_version(&lab, "1.0.0", "other.json");
    let (da, db) = (record_digest(&lab.record), record_digest(&other));
    assert_ne!(da, db);
    let state = lab.path("state.json");
    let (o, _) = lab.verify(None, &lab.record, &["--state", s(&state)]);
    assert_exit(&o, 0);
    let (o, r) = lab.verify(None, &other, &["--state", s(&state)]);
    assert_only_failure(
        &o,
        &r,
        "freshness",
        "rollback",
        &["1.0.0", &da, &db, "equivocation"],
    );
    assert_eq!(
        read_json(&state)["releases"][NAME]["payload_sha256"],
        da.as_str()
    );
}

/// Signs the lab folder as NAME `version` into `t/FILE`.
fn sign_version(lab: &Lab, version: &str, file: &str) -> PathBuf {
    let out = lab.path(file);
    sign_as(&lab.dir, &lab.key, &out, version);
    out
}

/// 2^63 and 2^64 − 1 are versions like any other (numbers up to 2^64 − 1 compare): once
/// accepted, a lower version is a rollback. A signer who publishes such a version pins the
/// name there for every verifier that keeps state: that is the signer's power, not a bug.
#[test]
fn version_2_pow_63() {
    let lab = Lab::new();
    let state = lab.path("state.json");
    for v in ["9223372036854775808", "18446744073709551615"] {
        let rec = sign_version(&lab, v, &format!("{v}.json"));
        let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--state", s(&state)]);
        assert_exit(&o, 0);
        assert!(detail(&r, "freshness", "rollback").contains(v), "{r:#}");
    }
    let accepted = std::fs::read(&state).unwrap();
    let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &["--state", s(&state)]);
    assert_wording(
        &assert_only_failure(
            &o,
            &r,
            "freshness",
            "rollback",
            &["1.0.0", "18446744073709551615"],
        ),
        &["rollback refused"],
    );
    assert_eq!(std::fs::read(&state).unwrap(), accepted);
}

/// A version number above 2^64 − 1 is refused, not wrapped or saturated: it would otherwise
/// compare as some other version.
#[test]
fn version_2_pow_64() {
    let lab = Lab::new();
    let state = lab.path("state.json");
    for v in [
        "18446744073709551616",
        "1.18446744073709551616",
        "1.0-rc18446744073709551616",
    ] {
        let rec = sign_version(&lab, v, "big.json");
        let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--state", s(&state)]);
        assert_only_failure(
            &o,
            &r,
            "freshness",
            "rollback",
            &[&format!("release version \"{v}\" is refused")],
        );
        assert!(!state.exists(), "a state was written");
        std::fs::remove_file(&rec).unwrap();
    }
}

/// `1e400` is not of the comparable form: accepted as a first version (trust on first use),
/// then any different version is incomparable and refused, never ordered by accident.
#[test]
fn version_1e400() {
    let lab = Lab::new();
    let state = lab.path("state.json");
    let rec = sign_version(&lab, "1e400", "e400.json");
    let (o, r) = lab.verify(Some(&lab.dir), &rec, &["--state", s(&state)]);
    assert_exit(&o, 0);
    assert!(detail(&r, "freshness", "rollback").contains("first accepted"));
    let (o, r) = lab.verify(Some(&lab.dir), &lab.record, &["--state", s(&state)]);
    assert_only_failure(
        &o,
        &r,
        "freshness",
        "rollback",
        &["1e400", "1.0.0", "remove"],
    );
}

#[test]
fn expired_policy_is_refused() {
    let lab = Lab::new();
    let p = lab.alice_policy("p.json", &[]);
    let (o, r) = lab.verify(
        Some(&lab.dir),
        &lab.record,
        &["--policy", s(&p), "--at", "2030-01-01T00:00:00Z"],
    );
    assert_wording(
        &assert_only_failure(
            &o,
            &r,
            "policy",
            "policy",
            &[s(&p), "expired", "2030-01-01T00:00:00Z"],
        ),
        &["verification time is 2030-01-01T00:00:00Z"],
    );
    // The human report says so too.
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--policy",
        s(&p),
        "--at",
        "2031-05-01T00:00:00Z",
    ]);
    assert_exit(&o, 1);
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.contains("policy") && l.contains(s(&p))),
        "{}",
        stdout(&o)
    );
    assert_unchanged(lab.t.path(), &before);

    // One second before expiry it is still valid.
    let (o, _) = lab.verify(
        Some(&lab.dir),
        &lab.record,
        &["--policy", s(&p), "--at", "2029-12-31T23:59:59Z"],
    );
    assert_exit(&o, 0);
}

#[test]
fn expired_attestation_is_refused() {
    let lab = Lab::certifiable();
    let (auditor_key, auditor_pub) = lab.keys("auditor");
    let policy = lab.certifier_policy("p.json", &auditor_pub, "mof-openness", &[]);
    let att = lab.certify(&lab.record, &auditor_key, "att.json");
    let (o, _) = lab.verify_required(&policy, &[&att], &[]);
    assert_exit(&o, 0);
    // After its expiry, and at the instant of expiry.
    for at in ["2027-06-01T00:00:00Z", "2027-01-01T00:00:00Z"] {
        let (o, r) = lab.verify_required(&policy, &[&att], &["--at", at]);
        assert_wording(
            &assert_only_failure(
                &o,
                &r,
                "claims",
                &format!("require:{REQUIRE}"),
                &["2027-01-01T00:00:00Z"],
            ),
            &["expired"],
        );
    }
}

/// A record signed with its clock (here SOURCE_DATE_EPOCH) in 2100 fails the signing-time
/// check, with `--at` and with the real clock.
#[test]
fn signing_time_in_the_future() {
    let lab = Lab::new();
    let rec = lab.path("future.json");
    let o = sceau_env(
        &[
            "sign",
            s(&lab.dir),
            "--key",
            s(&lab.key),
            "-o",
            s(&rec),
            "--name",
            NAME,
            "--version",
            "1.0.0",
            "-q",
        ],
        &[("SOURCE_DATE_EPOCH", "4102444800")],
    );
    assert_exit(&o, 0);
    let (o, r) = lab.verify_dir(&rec);
    // Signed at 2100-01-01, verified at 2026-06-01: the only fail of `signing-time` is a time
    // in the future (spec/verify.md §1).
    assert_only_failure(
        &o,
        &r,
        "freshness",
        "signing-time",
        &["2100-01-01T00:00:00Z", "2026-06-01"],
    );
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&rec),
        "--key",
        s(&lab.public),
        "--json",
    ]);
    let r = report_of(&o);
    assert_only_failure(
        &o,
        &r,
        "freshness",
        "signing-time",
        &["2100-01-01T00:00:00Z"],
    );
    assert_unchanged(lab.t.path(), &before);
}
