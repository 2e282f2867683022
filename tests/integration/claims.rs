//! Claims, openness and card checks (spec/claims.md): `sign --claims`, `sceau openness`,
//! `sceau check`, with the `open_science`, `open_washed` and `open_science_finetune` fixtures.
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

/// A lab with a maintainer key (m.key, m.pub) and no release yet.
struct Env {
    lab: Lab,
    key: PathBuf,
    public: PathBuf,
}

impl std::ops::Deref for Env {
    type Target = Lab;
    fn deref(&self) -> &Lab {
        &self.lab
    }
}

fn env() -> Env {
    let lab = Lab::empty();
    let (key, public) = lab.keys("m");
    Env { lab, key, public }
}

impl Env {
    /// Generates fixture `gen` into a new folder `name`.
    fn fixture(&self, name: &str, gen: impl Into<ReleaseBuilder>) -> PathBuf {
        self.folder(name, gen)
    }

    /// `sceau sign DIR --name NAME --version 1.0 -o OUT [extra…]`, expecting success.
    fn sign(&self, dir: &Path, name: &str, out: &str, extra: &[&str]) -> PathBuf {
        self.lab.sign(dir, &self.key, out, (name, "1.0"), extra)
    }

    fn openness_json(&self, record: &Path, extra: &[&str], want: i32) -> Value {
        let mut args = vec!["openness", s(record), "--key", s(&self.public), "--json"];
        args.extend_from_slice(extra);
        let o = sceau(&args);
        assert_exit(&o, want);
        serde_json::from_str(&stdout(&o)).expect("openness --json")
    }
}

fn component<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["openness"]["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["component"] == id)
        .unwrap_or_else(|| panic!("no component {id}"))
}

fn claims_path(d: &Path) -> String {
    d.join("claims.toml").display().to_string()
}

#[test]
fn open_science_reaches_class_i_with_its_reasons() {
    let e = env();
    let d = e.fixture("open", sceau_fixtures::open_science);
    let rec = e.sign(
        &d,
        "example-org/open-tiny",
        "open.sceau.json",
        &["--claims", &claims_path(&d)],
    );
    let v = e.openness_json(&rec, &[], 0);
    assert_eq!(v["verified"], true);
    assert_eq!(v["class"], "I");
    assert_eq!(v["class_label"], "Open Science Model");
    assert_eq!(v["passed"], true);
    let o = &v["openness"];
    assert_eq!(o["open_source_ai"], true);
    assert_eq!(o["claimed_class"], "I");
    assert_eq!(o["open_washing"], serde_json::json!([]));
    assert!(o["next_class"].is_null());
    for c in o["components"].as_array().unwrap() {
        if c["required"] == true {
            assert_eq!(c["satisfied"], true, "{c:#}");
        }
    }
    // The reasons: which files, under which licence, judged how.
    let p = component(&v, "model-parameters");
    assert_eq!(p["evidence"], serde_json::json!(["model.safetensors"]));
    assert_eq!(p["licences"][0]["licence"], "CDLA-Permissive-2.0");
    assert_eq!(p["licences"][0]["type_appropriate"], true);
    let i = component(&v, "intermediate-parameters");
    assert_eq!(i["evidence"].as_array().unwrap().len(), 2);
    let t = component(&v, "training-code");
    assert_eq!(t["evidence"], serde_json::json!(["src/train.py"]));
    assert_eq!(t["licences"][0]["osi_approved"], true);
    let ds = component(&v, "datasets");
    assert!(ds["evidence"][0]
        .as_str()
        .unwrap()
        .contains("example-org/open-corpus"));
    assert_eq!(ds["licences"][0]["licence"], "CC-BY-4.0");
    for item in o["osaid"].as_array().unwrap() {
        assert_eq!(item["met"], true, "{item:#}");
    }

    assert_eq!(o["claimed_open_source"], true);

    // The text report gives the same verdict (its layout is a golden output,
    // `golden::openness_of_an_open_science_release`).
    let out = sceau(&["openness", s(&rec), "--key", s(&e.public)]);
    assert_exit(&out, 0);
}

#[test]
fn the_claims_bom_is_valid_cyclonedx_and_maps_onto_the_model_card() {
    let e = env();
    let d = e.fixture("open", sceau_fixtures::open_science);
    let rec = e.sign(
        &d,
        "example-org/open-tiny",
        "open.sceau.json",
        &["--claims", &claims_path(&d)],
    );
    let statement: Value = serde_json::from_slice(&payload_of(&rec)).expect("statement");
    let bom = &statement["predicate"];
    crate::schema::assert_valid(bom);
    let mc = &bom["metadata"]["component"]["modelCard"];
    assert_eq!(
        mc["considerations"]["useCases"][0],
        "Research on small language models and on open model release practices"
    );
    assert_eq!(
        mc["considerations"]["users"],
        serde_json::json!(["researchers", "students"])
    );
    let ec = &mc["considerations"]["environmentalConsiderations"]["energyConsumptions"][0];
    assert_eq!(
        ec["activityEnergyCost"],
        serde_json::json!({"value": 12.5, "unit": "kWh"})
    );
    let claimed: Vec<&Value> = mc["modelParameters"]["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["bom-ref"]
                .as_str()
                .is_some_and(|r| r.starts_with("claims:"))
        })
        .collect();
    assert_eq!(claimed.len(), 2);
    assert_eq!(
        claimed[0]["contents"]["url"],
        "https://huggingface.co/datasets/example-org/open-corpus"
    );
    let props = mc["properties"].as_array().unwrap();
    let has = |n: &str, v: &str| props.iter().any(|p| p["name"] == n && p["value"] == v);
    assert!(has("sceau:claims.openness_class", "I"));
    assert!(has("sceau:claims.open_source", "true"));
    assert!(has(
        "sceau:claims.component.model-parameters.licence",
        "CDLA-Permissive-2.0"
    ));
    assert!(has("sceau:claims.personal_data", "no"));

    // The open-washed record's BOM is valid too.
    let w = e.fixture("washed", sceau_fixtures::open_washed);
    let rec = e.sign(
        &w,
        "example-org/washed",
        "washed.sceau.json",
        &["--claims", &claims_path(&w)],
    );
    let statement: Value = serde_json::from_slice(&payload_of(&rec)).expect("statement");
    crate::schema::assert_valid(&statement["predicate"]);
}

#[test]
fn open_washing_fails_naming_the_missing_and_wrongly_licensed_components() {
    let e = env();
    let d = e.fixture("washed", sceau_fixtures::open_washed);
    let rec = e.sign(
        &d,
        "example-org/washed",
        "washed.sceau.json",
        &["--claims", &claims_path(&d)],
    );
    let v = e.openness_json(&rec, &[], 1);
    assert!(v["class"].is_null());
    assert_eq!(v["passed"], false);
    // Both claims are open washing: Class I, and open source.
    let o = &v["openness"];
    assert_eq!(o["claimed_class"], "I");
    assert_eq!(o["claimed_open_source"], true);
    let ow = o["open_washing"].as_array().unwrap();
    assert_eq!(ow.len(), 2, "{ow:#?}");
    // Class I: training code missing, weights under a licence that is not open, datasets
    // named but undisclosed.
    let class_missing = ow[0]["missing"].to_string();
    for id in [
        "training-code",
        "datasets",
        "model-parameters",
        "llama3.1",
        "proprietary web crawl 2024",
    ] {
        assert!(class_missing.contains(id), "{id}: {class_missing}");
    }
    assert_wording(&class_missing, &["undisclosed"]);
    let training = component(&v, "training-code");
    assert_eq!(
        (&training["present"], &training["satisfied"]),
        (&false.into(), &false.into())
    );
    let weights = component(&v, "model-parameters");
    assert_eq!(weights["present"], true);
    assert_eq!(weights["licences"][0]["licence"], "llama3.1");
    assert_eq!(weights["licences"][0]["open"], false);
    assert_eq!(weights["satisfied"], false);
    // Open source: the OSAID's data information, code and parameters.
    let os_missing = ow[1]["missing"].to_string();
    for id in [
        "data-information",
        "proprietary web crawl 2024",
        "training-code",
        "model-parameters",
    ] {
        assert!(os_missing.contains(id), "{id}: {os_missing}");
    }
    assert_eq!(o["open_source_ai"], false);

    // The text report fails the same way.
    let out = sceau(&["openness", s(&rec), "--key", s(&e.public)]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    for id in ["training-code", "model-parameters", "llama3.1"] {
        assert!(text.contains(id), "{id}: {text}");
    }

    // Not verified: still computed (and still fails), marked as such.
    let out = sceau(&["openness", s(&rec)]);
    assert_exit(&out, 1);
    let out = sceau(&["openness", s(&rec), "--json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["status"], "NOT VERIFIED");
    assert_eq!(v["verified"], false);
}

#[test]
fn other_fixtures_reach_no_class() {
    let e = env();
    for (name, gen) in [
        (
            "hf_model",
            sceau_fixtures::hf_model as sceau_fixtures::Generator,
        ),
        ("dataset_release", sceau_fixtures::dataset_release),
        ("code_release", sceau_fixtures::code_release),
    ] {
        let d = e.fixture(name, gen);
        let rec = e.sign(
            &d,
            &format!("example-org/{name}"),
            &format!("{name}.sceau.json"),
            &[],
        );
        let v = e.openness_json(&rec, &[], 0);
        assert!(v["class"].is_null(), "{name}: {:#}", v["class"]);
        assert_eq!(v["openness"]["next_class"], "III", "{name}");
        assert!(
            !v["openness"]["missing_for_next"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{name}"
        );
        assert_eq!(v["passed"], true, "{name}: nothing claimed, nothing washed");
    }
}

#[test]
fn without_training_code_open_science_drops_to_class_iii_and_its_claim_fails() {
    let e = env();
    let d = e.fixture(
        "open",
        ReleaseBuilder::new(sceau_fixtures::open_science).remove("src/train.py"),
    );
    let rec = e.sign(
        &d,
        "example-org/open-tiny",
        "open.sceau.json",
        &["--claims", &claims_path(&d)],
    );
    let v = e.openness_json(&rec, &[], 1);
    assert_eq!(v["class"], "III");
    assert_eq!(v["openness"]["next_class"], "II");
    let missing: Vec<&str> = v["openness"]["missing_for_next"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["component"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["training-code"]);
    let reason = v["openness"]["missing_for_next"][0]["reason"]
        .as_str()
        .unwrap();
    // The claims name src/train.py, which is not in the record.
    assert!(reason.contains("src/train.py"), "{reason}");
    assert_eq!(component(&v, "training-code")["present"], false);
}

#[test]
fn card_front_matter_claims_are_signed_and_checked_without_a_claims_file() {
    // Without --claims the card's own claim fields (openness_class: I, open_source: true) are
    // recorded; with only the card's licence (Apache-2.0 for everything) and datasets named
    // without licences, the record reaches Class II, not the Class I the card claims.
    let e = env();
    let d = e.fixture("open", sceau_fixtures::open_science);
    let rec = e.sign(&d, "example-org/open-tiny", "open.sceau.json", &[]);
    let v = e.openness_json(&rec, &[], 1);
    assert_eq!(v["class"], "II");
    assert_eq!(v["openness"]["claimed_class"], "I");
    // The card names its datasets without licences: Class I's datasets are not met.
    let missing = v["openness"]["open_washing"][0]["missing"].to_string();
    assert!(missing.contains("example-org/open-corpus"), "{missing}");
    assert_eq!(component(&v, "datasets")["satisfied"], false);
    // The card's Apache-2.0 covers the weights too: open, but not a licence for data.
    let weights = component(&v, "model-parameters");
    assert_eq!(weights["licences"][0]["licence"], "Apache-2.0");
    assert_eq!(weights["licences"][0]["open"], true);
    assert_eq!(weights["licences"][0]["type_appropriate"], false);
    assert!(
        v["openness"]["warnings"]
            .to_string()
            .contains("model-parameters"),
        "{:#}",
        v["openness"]["warnings"]
    );
}

/// Signs hf_model as the parent `example-org/tiny-llm`, stores it, and signs
/// open_science_finetune as its fine-tune with claims. Returns (env, child dir, child record,
/// store).
fn finetune_family() -> (Env, PathBuf, PathBuf, PathBuf) {
    let e = env();
    let base = e.fixture("base", sceau_fixtures::hf_model);
    let parent = e.sign(
        &base,
        sceau_fixtures::OPEN_SCIENCE_BASE_MODEL,
        "base.sceau.json",
        &[],
    );
    let store = e.store("store", &[&parent]);
    let d = e.fixture("child", sceau_fixtures::open_science_finetune);
    let parent_arg = format!("{}:finetune", parent.display());
    let rec = e.sign(
        &d,
        "example-org/open-tiny-ft",
        "child.sceau.json",
        &["--claims", &claims_path(&d), "--parent", &parent_arg],
    );
    (e, d, rec, store)
}

fn check_json(e: &Env, card: &Path, rec: &Path, want: i32) -> Value {
    let o = sceau(&[
        "check",
        s(card),
        "--record",
        s(rec),
        "--key",
        s(&e.public),
        "--json",
    ]);
    assert_exit(&o, want);
    serde_json::from_str(&stdout(&o)).expect("check --json")
}

#[test]
fn check_passes_on_the_untouched_card_and_names_each_edited_field() {
    let (e, d, rec, _) = finetune_family();
    let v = check_json(&e, &d, &rec, 0);
    assert_eq!(v["passed"], true);
    assert_eq!(v["contradictions"], serde_json::json!([]));
    let verdict = |v: &Value, f: &str| -> String {
        v["check"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["field"] == f)
            .map(|x| x["verdict"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("no field {f}"))
    };
    for f in [
        "license",
        "datasets",
        "base_model",
        "base_model_relation",
        "language",
        "openness_class",
        "intended_use",
    ] {
        assert_eq!(verdict(&v, f), "same", "{f}: {v:#}");
    }

    let card = std::fs::read_to_string(d.join("README.md")).unwrap();
    for (from, to, field) in [
        ("license: apache-2.0\n", "license: mit\n", "license"),
        ("- example-org/open-eval\n", "", "datasets"),
        (
            "base_model: example-org/tiny-llm\n",
            "base_model: example-org/other-llm\n",
            "base_model",
        ),
    ] {
        assert!(card.contains(from), "{from}");
        let edited = e.path(&format!("edited-{field}.md"));
        std::fs::write(&edited, card.replacen(from, to, 1)).unwrap();
        let v = check_json(&e, &edited, &rec, 1);
        assert_eq!(v["contradictions"], serde_json::json!([field]), "{v:#}");
        let row = v["check"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["field"] == field)
            .unwrap();
        assert_eq!(row["verdict"], "contradiction");
        // The text table names the field and the contradiction.
        let o = sceau(&[
            "check",
            s(&edited),
            "--record",
            s(&rec),
            "--key",
            s(&e.public),
        ]);
        assert_exit(&o, 1);
        let text = stdout(&o);
        assert!(text.contains(field), "{text}");
    }

    // All three edits at once: all three named.
    let all = card
        .replacen("license: apache-2.0\n", "license: mit\n", 1)
        .replacen("- example-org/open-eval\n", "", 1)
        .replacen(
            "base_model: example-org/tiny-llm\n",
            "base_model: example-org/other-llm\n",
            1,
        );
    let edited = e.path("edited-all.md");
    std::fs::write(&edited, all).unwrap();
    let v = check_json(&e, &edited, &rec, 1);
    assert_eq!(
        v["contradictions"],
        serde_json::json!(["license", "datasets", "base_model"])
    );
}

#[test]
fn check_needs_trust_and_a_readable_card() {
    let (e, d, rec, _) = finetune_family();
    let o = sceau(&["check", s(&d), "--record", s(&rec)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--key"), "{}", stderr(&o));
    let broken = e.path("broken.md");
    std::fs::write(&broken, "---\nlicense: [\n---\n").unwrap();
    let o = sceau(&[
        "check",
        s(&broken),
        "--record",
        s(&rec),
        "--key",
        s(&e.public),
    ]);
    assert_exit(&o, 2);
    // A record signed by another key does not verify: exit 1, nothing compared.
    let (_, other) = e.keys("other");
    let o = sceau(&["check", s(&d), "--record", s(&rec), "--key", s(&other)]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("does not verify"), "{}", stderr(&o));
}

#[test]
fn inherited_datasets_count_with_a_store() {
    let (e, _, rec, store) = finetune_family();
    // The base's datasets count only once the base verifies under a key bound to its name.
    let v = e.openness_json(&rec, &["--store", s(&store)], 0);
    assert_eq!(v["openness"]["inherited_datasets"], serde_json::json!([]));
    assert!(
        v["notes"][0].as_str().unwrap().contains("lineage"),
        "{:#}",
        v["notes"]
    );
    let bound = format!(
        "{}={}",
        sceau_fixtures::OPEN_SCIENCE_BASE_MODEL,
        s(&e.public)
    );
    let v = e.openness_json(&rec, &["--store", s(&store), "--key", &bound], 0);
    let inherited: Vec<&str> = v["openness"]["inherited_datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(inherited, ["HuggingFaceFW/fineweb", "allenai/c4"]);
    assert!(v["openness"]["inherited_datasets"][0]["declared_by"][0]
        .as_str()
        .unwrap()
        .contains("example-org/tiny-llm"));
    let v = e.openness_json(&rec, &[], 0);
    assert_eq!(v["openness"]["inherited_datasets"], serde_json::json!([]));
    assert!(
        v["notes"][0].as_str().unwrap().contains("--store"),
        "{:#}",
        v["notes"]
    );
}

/// A misspelt field is a case of the bad-input catalogue (`catalogue::json::unknown_field_in_claims`).
#[test]
fn malformed_claims_are_refused_naming_the_field_and_nothing_is_written() {
    let e = env();
    let d = e.fixture("open", sceau_fixtures::open_science);
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/claims");
    for (file, line, field) in [
        ("malformed_class.toml", "line 3", "openness_class"),
        ("malformed_syntax.toml", "line 4", "datasets[0].licence"),
    ] {
        let out = e.path("bad.sceau.json");
        let o = sceau(&[
            "sign",
            s(&d),
            "--key",
            s(&e.key),
            "-o",
            s(&out),
            "--claims",
            s(&data.join(file)),
            "-q",
        ]);
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(err.contains(line) && err.contains(field), "{file}: {err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert!(!out.exists(), "{file}: a record was written");
    }
    let o = sceau(&[
        "sign",
        s(&d),
        "--key",
        s(&e.key),
        "-o",
        s(&e.path("x.sceau.json")),
        "--claims",
        s(&e.path("missing.toml")),
    ]);
    assert_exit(&o, 2);
}

#[test]
fn verify_fails_an_open_washed_record_and_passes_an_open_one() {
    let e = env();
    let check = |dir: &Path, rec: &Path, want: i32| -> Value {
        let (o, v) = verify_json(&[s(dir), "--record", s(rec), "--key", s(&e.public)]);
        assert_exit(&o, want);
        crate::common::check(&v, "claims", "openness").clone()
    };
    let washed = e.fixture("washed", sceau_fixtures::open_washed);
    let rec = e.sign(
        &washed,
        "example-org/washed",
        "washed.sceau.json",
        &["--claims", &claims_path(&washed)],
    );
    let c = check(&washed, &rec, 1);
    assert_eq!(c["outcome"], FAIL);
    let d = c["detail"].as_str().unwrap();
    assert!(d.contains("training-code"), "{d}");

    let open = e.fixture("open", sceau_fixtures::open_science);
    let rec = e.sign(
        &open,
        "example-org/open",
        "open.sceau.json",
        &["--claims", &claims_path(&open)],
    );
    let c = check(&open, &rec, 0);
    assert_eq!(c["outcome"], PASS, "{c}");

    let plain = e.fixture("plain", sceau_fixtures::hf_model);
    let rec = e.sign(&plain, "example-org/plain", "plain.sceau.json", &[]);
    assert_eq!(check(&plain, &rec, 0)["outcome"], SKIPPED);
}
