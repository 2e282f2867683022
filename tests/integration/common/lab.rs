//! The lab: a temporary folder with deterministic keys, release folders, records, policies,
//! stores and attestations made in it, and verifications that prove nothing in it changed.
//!
//! [`Lab::new`] is the usual start: the `hf_model` fixture in `t/release`, signed by alice
//! (`t/alice.key`, `t/alice.pub`, an unencrypted key) as [`NAME`] 1.0.0 into `t/r.sceau.json`.
//! [`Lab::empty`] is the folder alone. [`Family`] extends a lab with the lineage organisations
//! `a` to `e` and a policy giving each its own release scope.
//!
//! Keys come from [`sceau_fixtures::key_pair`]: a name is the same key in every run, so key
//! ids and records are reproducible (the golden outputs rely on it). `sceau keygen` itself is
//! tested in `keys`.
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::Output;

use sceau_core::dsse::PAYLOAD_TYPE_INTOTO;
use sceau_fixtures::{Generator, ReleaseBuilder};
use sceau_sign::SecretKey;
use serde_json::{json, Value};

use crate::common::*;

/// The release name the lab signs under.
pub const NAME: &str = "example-org/tiny-llm";

/// A verification time well inside every key's and policy's validity (records are signed at
/// SOURCE_DATE_EPOCH = 2026-01-01).
pub const AT: &str = "2026-06-01T00:00:00Z";

/// `payloadType` of a trust policy (spec/policy.md §1.1).
pub const POLICY_TYPE: &str = "application/vnd.sceau.policy+json";

/// The requirement the attestation cases certify and require.
pub const REQUIRE: &str = "mof-openness:class-iii";

// ---------------------------------------------------------------------------------------------
// Keys and signing, with or without a lab.

/// Writes the deterministic key pair `dir/NAME.key`, `dir/NAME.pub`; returns their paths.
pub fn keygen(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let k = sceau_fixtures::key_pair(dir, name).expect("key pair");
    (k.secret, k.public)
}

/// The key id `sceau key show --json` prints for a key file (any encoding).
#[track_caller]
pub fn key_id(key: &Path) -> String {
    let o = sceau(&["key", "show", s(key), "--json"]);
    assert_exit(&o, 0);
    json_out(&o)["key_id"].as_str().expect("key_id").to_owned()
}

/// `sceau sign DIR --key KEY -o OUT --name NAME --version VERSION -q EXTRA`.
pub fn sign_output(
    dir: &Path,
    key: &Path,
    out: &Path,
    name: &str,
    version: &str,
    extra: &[&str],
) -> Output {
    Sceau::new()
        .args(["sign", s(dir), "--key", s(key), "-o", s(out)])
        .args(["--name", name, "--version", version, "-q"])
        .args(extra)
        .run()
}

/// [`sign_output`], expecting success and a record written.
#[track_caller]
pub fn sign_release(dir: &Path, key: &Path, out: &Path, name: &str, version: &str, extra: &[&str]) {
    assert_exit(&sign_output(dir, key, out, name, version, extra), 0);
    assert!(out.is_file(), "no record written");
}

/// Signs `dir` as [`NAME`] `version` with `key` into `out`.
#[track_caller]
pub fn sign_as(dir: &Path, key: &Path, out: &Path, version: &str) {
    sign_release(dir, key, out, NAME, version, &[]);
}

/// Signs `dir` as [`NAME`] 1.0.0.
#[track_caller]
pub fn sign(dir: &Path, key: &Path, out: &Path) {
    sign_as(dir, key, out, "1.0.0");
}

/// `sceau countersign RECORD --key KEY`, expecting success.
#[track_caller]
pub fn countersign(record: &Path, key: &Path) {
    assert_exit(&sceau(&["countersign", s(record), "--key", s(key)]), 0);
}

/// `sceau policy init --maintainer M… --expires 2030-01-01 --key K… -o OUT EXTRA`, expecting
/// success (`maintainers` are `PUB` or `NAME=PUB` arguments).
#[track_caller]
pub fn policy_init(out: &Path, maintainers: &[&str], keys: &[&Path], extra: &[&str]) {
    let mut c = Sceau::new().args(["policy", "init"]);
    for m in maintainers {
        c = c.args(["--maintainer", m]);
    }
    c = c.args(["--expires", "2030-01-01"]);
    for k in keys {
        c = c.args(["--key", s(k)]);
    }
    assert_exit(&c.args(["-o", s(out)]).args(extra).run(), 0);
}

/// `sceau store add --store STORE RECORDS…`, expecting success.
#[track_caller]
pub fn store_add(store: &Path, records: &[&Path]) {
    let o = Sceau::new()
        .args(["store", "add", "--store", s(store)])
        .args(records.iter().map(|r| s(r)))
        .run();
    assert_exit(&o, 0);
}

// ---------------------------------------------------------------------------------------------
// The lab.

/// A temporary folder, usually holding one release signed by alice (see the module doc).
pub struct Lab {
    /// The folder; everything the lab makes is in it.
    pub t: tempfile::TempDir,
    /// `t/release`, the release folder (absent in an [`Lab::empty`] lab).
    pub dir: PathBuf,
    /// `t/alice.key`.
    pub key: PathBuf,
    /// `t/alice.pub`.
    pub public: PathBuf,
    /// `t/r.sceau.json`, the release signed by alice as [`NAME`] 1.0.0.
    pub record: PathBuf,
}

impl Lab {
    /// A temporary folder alone; `dir`, `key`, `public` and `record` name the files
    /// [`Lab::new`] would write, which do not exist.
    pub fn empty() -> Lab {
        let t = tempfile::tempdir().expect("tempdir");
        let p = |n: &str| t.path().join(n);
        Lab {
            dir: p("release"),
            key: p("alice.key"),
            public: p("alice.pub"),
            record: p("r.sceau.json"),
            t,
        }
    }

    /// The `hf_model` fixture signed by alice as [`NAME`] 1.0.0.
    pub fn new() -> Lab {
        Lab::with(sceau_fixtures::hf_model)
    }

    /// `release` in `t/release`, signed by alice as [`NAME`] 1.0.0 (or the builder's name and
    /// version).
    pub fn with(release: impl Into<ReleaseBuilder>) -> Lab {
        let release = release.into();
        let lab = Lab::empty();
        release.write_new(&lab.dir).expect("generate fixture");
        lab.keys("alice");
        sign_release(
            &lab.dir,
            &lab.key,
            &lab.record,
            release.release_name().unwrap_or(NAME),
            release.release_version().unwrap_or("1.0.0"),
            &[],
        );
        lab
    }

    /// `t/NAME`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.t.path().join(name)
    }

    /// The deterministic key pair `t/NAME.key`, `t/NAME.pub`.
    pub fn keys(&self, name: &str) -> (PathBuf, PathBuf) {
        keygen(self.t.path(), name)
    }

    /// Writes `release` into a new folder `t/LABEL`.
    pub fn folder(&self, label: &str, release: impl Into<ReleaseBuilder>) -> PathBuf {
        let d = self.path(label);
        release.into().write_new(&d).expect("generate fixture");
        d
    }

    /// Signs `dir` with `key` as `name` `version` into `t/OUT` (plus `extra`), expecting
    /// success.
    #[track_caller]
    pub fn sign(
        &self,
        dir: &Path,
        key: &Path,
        out: &str,
        (name, version): (&str, &str),
        extra: &[&str],
    ) -> PathBuf {
        let out = self.path(out);
        sign_release(dir, key, &out, name, version, extra);
        out
    }

    /// The lab folder signed by alice as [`NAME`] `version` into `t/FILE`.
    #[track_caller]
    pub fn sign_version(&self, version: &str, file: &str) -> PathBuf {
        self.sign(&self.dir, &self.key, file, (NAME, version), &[])
    }

    /// `sceau store add --store t/STORE RECORDS…`; returns the store.
    #[track_caller]
    pub fn store(&self, store: &str, records: &[&Path]) -> PathBuf {
        let dir = self.path(store);
        store_add(&dir, records);
        dir
    }

    /// alice's secret key, for crafting records.
    pub fn secret(&self) -> SecretKey {
        secret_key(&self.key)
    }

    /// The signed payload of the record, parsed (field order kept).
    pub fn payload(&self) -> Value {
        serde_json::from_slice(&payload_of(&self.record)).expect("payload")
    }

    /// The payload text of the record with `from` replaced by `to` (exactly once).
    #[track_caller]
    pub fn edit_payload(&self, from: &str, to: &str) -> Vec<u8> {
        let text = String::from_utf8(payload_of(&self.record)).expect("utf-8 payload");
        assert_eq!(text.matches(from).count(), 1, "{from:?} in the payload");
        text.replacen(from, to, 1).into_bytes()
    }

    /// Writes `t/NAME`: an in-toto envelope over exactly `payload`, signed by alice.
    pub fn craft(&self, name: &str, payload: &[u8]) -> PathBuf {
        let out = self.path(name);
        std::fs::write(
            &out,
            envelope(PAYLOAD_TYPE_INTOTO, payload, &[&self.secret()]),
        )
        .expect("write record");
        out
    }

    /// [`Lab::craft`] over `v` written as compact JSON, as `sceau sign` writes payloads.
    pub fn craft_json(&self, name: &str, v: &Value) -> PathBuf {
        self.craft(name, &serde_json::to_vec(v).expect("json"))
    }

    /// `t/NAME`: the record with its signature list changed by `f`.
    pub fn with_signatures(&self, name: &str, f: impl FnOnce(&mut Vec<Value>)) -> PathBuf {
        let out = self.path(name);
        with_signatures(&self.record, &out, f);
        out
    }

    /// `verify [DIR] --record R --json --at AT --key alice.pub [extra]` (no `--key` when
    /// `extra` gives `--policy` or its own `--key`, no `--at AT` when it gives its own `--at`),
    /// with a snapshot of the whole temporary folder around it: nothing may change, except the
    /// `--state` file of a passing verification.
    pub fn verify(&self, dir: Option<&Path>, record: &Path, extra: &[&str]) -> (Output, Value) {
        let mut a = vec!["verify"];
        if let Some(d) = dir {
            a.push(s(d));
        }
        a.extend(["--record", s(record), "--json"]);
        if !extra.contains(&"--at") {
            a.extend(["--at", AT]);
        }
        if !extra.contains(&"--policy") && !extra.contains(&"--key") {
            a.extend(["--key", s(&self.public)]);
        }
        a.extend_from_slice(extra);
        let mut before = snapshot(self.t.path());
        let o = sceau(&a);
        let r = report_of(&o);
        let state = extra
            .iter()
            .position(|x| *x == "--state")
            .map(|i| Path::new(extra[i + 1]));
        if let (Some(st), 0) = (state, code(&o)) {
            before.insert(st.to_owned(), snapshot(st)[st].clone());
        }
        assert_unchanged(self.t.path(), &before);
        (o, r)
    }

    /// [`Lab::verify`] of the release folder.
    pub fn verify_dir(&self, record: &Path) -> (Output, Value) {
        self.verify(Some(&self.dir), record, &[])
    }

    // -- Policies ----------------------------------------------------------------------------

    /// `t/FILE`: a policy made by `sceau policy init` with alice as its one maintainer
    /// (threshold 1, expiring 2030-01-01), plus `extra` arguments (`--validity`, more
    /// maintainers…).
    #[track_caller]
    pub fn alice_policy(&self, file: &str, extra: &[&str]) -> PathBuf {
        let out = self.path(file);
        policy_init(&out, &[s(&self.public)], &[&self.key], extra);
        out
    }

    /// `t/FILE`: a policy in which alice maintains (threshold 1) and `certifier` (a public key
    /// file, named `auditor`) certifies `standards`; `extra` adds `policy init` arguments.
    #[track_caller]
    pub fn certifier_policy(
        &self,
        file: &str,
        certifier: &Path,
        standards: &str,
        extra: &[&str],
    ) -> PathBuf {
        let cert = format!("auditor={}:{standards}", s(certifier));
        let mut a = vec!["--certifier", cert.as_str()];
        a.extend_from_slice(extra);
        self.alice_policy(file, &a)
    }

    /// A policy payload text with alice as its one maintainer, threshold 1.
    pub fn policy_text(&self) -> String {
        json!({
            "_type": "https://sceau.dev/policy/v1",
            "version": 1,
            "expires": "2030-01-01T00:00:00Z",
            "threshold": 1,
            "maintainers": [{"name": "alice", "key": key_line(&self.public)}],
            "revoked": [],
            "certifiers": [],
            "releases": []
        })
        .to_string()
    }

    /// Writes `t/NAME`: a policy envelope over `payload` signed by alice.
    pub fn craft_policy(&self, name: &str, payload: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(
            &p,
            envelope(POLICY_TYPE, payload.as_bytes(), &[&self.secret()]),
        )
        .expect("write policy");
        p
    }

    /// `verify DIR --record R --policy P --at AT`, expecting a refusal of the policy naming
    /// it and each of `names`; nothing changes.
    #[track_caller]
    pub fn refused_policy(&self, policy: &Path, names: &[&str]) -> String {
        let before = snapshot(self.t.path());
        let o = sceau(&[
            "verify",
            s(&self.dir),
            "--record",
            s(&self.record),
            "--policy",
            s(policy),
            "--at",
            AT,
        ]);
        let mut all = vec![s(policy)];
        all.extend_from_slice(names);
        let e = assert_input_error(&o, &all);
        assert_unchanged(self.t.path(), &before);
        e
    }

    // -- Attestations ------------------------------------------------------------------------

    /// The `open_science` release signed with its claims file, as [`NAME`] 1.0.0: it reaches
    /// MOF class I, so a certifier may attest [`REQUIRE`] for it (spec/attestations.md §2.5).
    pub fn certifiable() -> Lab {
        let lab = Lab::empty();
        ReleaseBuilder::from(sceau_fixtures::open_science as Generator)
            .write_new(&lab.dir)
            .expect("generate fixture");
        lab.keys("alice");
        let claims = lab.dir.join("claims.toml");
        sign_release(
            &lab.dir,
            &lab.key,
            &lab.record,
            NAME,
            "1.0.0",
            &["--claims", s(&claims)],
        );
        lab
    }

    /// `t/FILE`: `sceau certify RECORD --key KEY` for [`REQUIRE`], expiring 2027-01-01, made
    /// at SOURCE_DATE_EPOCH.
    #[track_caller]
    pub fn certify(&self, record: &Path, key: &Path, file: &str) -> PathBuf {
        let out = self.path(file);
        let o = sceau(&[
            "certify",
            s(record),
            "--key",
            s(key),
            "--standard",
            s(&standard_file("mof-openness.json")),
            "--requirement",
            "class-iii",
            "--expires",
            "2027-01-01",
            "-o",
            s(&out),
        ]);
        assert_exit(&o, 0);
        out
    }

    /// [`Lab::verify`] of the record alone with `--policy POLICY --require REQUIRE` and each
    /// attestation, plus `extra`.
    pub fn verify_required(
        &self,
        policy: &Path,
        attestations: &[&Path],
        extra: &[&str],
    ) -> (Output, Value) {
        let mut a = vec!["--policy", s(policy), "--require", REQUIRE];
        for x in attestations {
            a.extend(["--attestation", s(x)]);
        }
        a.extend_from_slice(extra);
        self.verify(None, &self.record, &a)
    }
}

// ---------------------------------------------------------------------------------------------
// The lineage extension.

/// The lineage organisations, each with a key `ORG.key` and a release scope `org-ORG/*`.
pub const ORGS: [&str; 5] = ["a", "b", "c", "d", "e"];

/// Version every release of a [`Family`] is signed as.
pub const V: &str = "1.0";

/// A release's folder and record.
pub type Signed = (PathBuf, PathBuf);

/// An empty lab with one key per organisation of [`ORGS`] and a policy trusting each for its
/// own scope, to generate, sign, store and verify families of releases.
pub struct Family {
    /// The lab (its release fields are unused).
    pub lab: Lab,
    /// `t/policy.json`: every organisation trusted, `org-X/*` signed by X alone.
    pub policy: PathBuf,
}

impl Deref for Family {
    type Target = Lab;
    fn deref(&self) -> &Lab {
        &self.lab
    }
}

impl Family {
    /// The organisations' keys and policy.
    pub fn new() -> Family {
        let lab = Lab::empty();
        for org in ORGS {
            lab.keys(org);
        }
        let mut f = Family {
            lab,
            policy: PathBuf::new(),
        };
        f.policy = f.make_policy("policy.json", &ORGS, &[]);
        f
    }

    /// `t/ORG.key`.
    pub fn key(&self, org: &str) -> PathBuf {
        self.path(&format!("{org}.key"))
    }

    /// A policy with maintainers `orgs` (named by their letter), threshold 1, each trusted
    /// for `org-X/*` unless `extra` scopes that pattern itself, plus the `extra` release scopes
    /// (`PATTERN=NAMES:K`); signed by the first.
    #[track_caller]
    pub fn make_policy(&self, file: &str, orgs: &[&str], extra: &[&str]) -> PathBuf {
        let out = self.path(file);
        let mut maintainers = Vec::new();
        let mut scopes = Vec::new();
        for org in orgs {
            maintainers.push(format!("{org}={}", s(&self.path(&format!("{org}.pub")))));
            let scope = format!("org-{org}/*=");
            if !extra.iter().any(|e| e.starts_with(&scope)) {
                scopes.push(format!("{scope}{org}:1"));
            }
        }
        scopes.extend(extra.iter().map(|e| (*e).to_owned()));
        let mut args = vec!["--threshold", "1"];
        for sc in &scopes {
            args.extend(["--release", sc.as_str()]);
        }
        let m: Vec<&str> = maintainers.iter().map(String::as_str).collect();
        policy_init(&out, &m, &[&self.key(orgs[0])], &args);
        out
    }

    /// `sceau sign DIR --key ORG.key --name NAME --version 1.0 -o t/RECORD --parent P:REL…`.
    pub fn sign_output(
        &self,
        dir: &Path,
        org: &str,
        name: &str,
        record: &str,
        parents: &[(&Path, &str)],
    ) -> (Output, PathBuf) {
        let out = self.path(record);
        let mut extra = Vec::new();
        for (p, rel) in parents {
            extra.push("--parent".to_owned());
            extra.push(format!("{}:{rel}", s(p)));
        }
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let o = sign_output(dir, &self.key(org), &out, name, V, &extra);
        (o, out)
    }

    /// [`Family::sign_output`], expecting success.
    #[track_caller]
    pub fn sign(
        &self,
        dir: &Path,
        org: &str,
        name: &str,
        record: &str,
        parents: &[(&Path, &str)],
    ) -> PathBuf {
        let (o, out) = self.sign_output(dir, org, name, record, parents);
        assert_exit(&o, 0);
        out
    }

    /// Generates a release in `t/<name with _ for />` and signs it by `org` as `name`:
    /// (folder, record).
    #[track_caller]
    pub fn release(
        &self,
        gen: Generator,
        org: &str,
        name: &str,
        parents: &[(&Path, &str)],
    ) -> Signed {
        let label = name.replace('/', "_");
        let dir = self.folder(&label, gen);
        let rec = self.sign(&dir, org, name, &format!("{label}.sceau.json"), parents);
        (dir, rec)
    }

    /// A base release signed by org-a and a fine-tune of it signed by org-b, each from its
    /// generator and under its name: (base, fine-tune).
    #[track_caller]
    pub fn base_and_finetune(
        &self,
        (base_gen, base_name): (Generator, &str),
        (child_gen, child_name): (Generator, &str),
    ) -> (Signed, Signed) {
        let base = self.release(base_gen, "a", base_name, &[]);
        let child = self.release(child_gen, "b", child_name, &[(&base.1, "finetune")]);
        (base, child)
    }

    /// [`Lab::verify`] of `dir` and `record` with `--store STORE --policy POLICY [extra]`
    /// (nothing in the lab may change).
    pub fn verify(
        &self,
        dir: &Path,
        record: &Path,
        store: &Path,
        policy: &Path,
        extra: &[&str],
    ) -> (Output, Value) {
        let mut a = vec!["--store", s(store), "--policy", s(policy)];
        a.extend_from_slice(extra);
        self.lab.verify(Some(dir), record, &a)
    }

    /// `sceau lineage RECORD --store S --policy P --at AT --format F [extra]`.
    pub fn lineage(
        &self,
        record: &Path,
        store: &Path,
        policy: &Path,
        format: &str,
        extra: &[&str],
    ) -> Output {
        Sceau::new()
            .args([
                "lineage",
                s(record),
                "--store",
                s(store),
                "--policy",
                s(policy),
            ])
            .args(["--at", AT, "--format", format])
            .args(extra)
            .run()
    }
}
