//! `sceau export RECORD` (spec/spdx.md §7): a record verified under the trust given, then
//! written as SPDX 3.0.1 with the AI and Dataset profiles (checked against the official JSON
//! schema, and read back by the SPDX project's Python bindings when `$SCEAU_PYTHON` has them)
//! or as its signed CycloneDX BOM; nothing is written for a record that does not verify.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sceau_fixtures::lineage as fx;
use serde_json::Value;

use crate::common::*;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn spdx_errors(doc: &Value) -> Vec<String> {
    let p = root().join("testdata/schemas/spdx3/spdx-json-schema.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(p).expect("schema")).expect("json");
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("validator");
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn of_type<'a>(doc: &'a Value, t: &str) -> Vec<&'a Value> {
    doc["@graph"]
        .as_array()
        .expect("@graph")
        .iter()
        .filter(|e| e["type"] == t)
        .collect()
}

/// (type, from, to) of every relationship, element ids replaced by their names.
fn relationships(doc: &Value) -> Vec<(String, String, String, String)> {
    let names: BTreeMap<&str, &str> = doc["@graph"]
        .as_array()
        .expect("@graph")
        .iter()
        .filter_map(|e| {
            let name = e["name"]
                .as_str()
                .or(e["simplelicensing_licenseExpression"].as_str())?;
            Some((e["spdxId"].as_str()?, name))
        })
        .collect();
    let name = |id: &Value| {
        let id = id.as_str().unwrap_or_default();
        names.get(id).map_or(id.to_owned(), |n| (*n).to_owned())
    };
    let mut out = Vec::new();
    for r in of_type(doc, "Relationship") {
        for to in r["to"].as_array().expect("to") {
            out.push((
                r["relationshipType"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                name(&r["from"]),
                name(to),
                r["comment"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    out
}

/// The Python interpreter with spdx-python-model, pyshacl and rdflib, or None ("skipped").
fn python() -> Option<String> {
    let py = std::env::var("SCEAU_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let ok = Command::new(&py)
        .args(["-c", "import spdx_python_model, pyshacl, rdflib"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(py);
    }
    if std::env::var("SCEAU_REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!("SCEAU_REQUIRE_INTEROP=1 but {py} lacks spdx-python-model, pyshacl or rdflib");
    }
    eprintln!(
        "skipped: {py} cannot import spdx_python_model, pyshacl and rdflib (pip install \
         spdx-python-model pyshacl, or set SCEAU_PYTHON)"
    );
    None
}

/// What the SPDX project's bindings read in `doc` (crates/spdx/tests/interop/read_spdx3.py),
/// with the SHACL check of the SPDX 3.0.1 model.
fn read_back(py: &str, doc: &Path) -> Value {
    let shapes = root().join("testdata/schemas/spdx3");
    let o = Command::new(py)
        .arg(root().join("crates/spdx/tests/interop/read_spdx3.py"))
        .arg(doc)
        .arg("--shacl")
        .arg(shapes.join("spdx-model.ttl"))
        .arg(shapes.join("spdx-context.jsonld"))
        .output()
        .expect("run python");
    assert!(
        o.status.success(),
        "read_spdx3.py: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("json")
}

/// The `open_science` release signed by alice with its claims (and a download URL for its
/// parameters): every field the AI and Dataset profiles ask for that the claims can give.
fn open_science() -> (Lab, PathBuf) {
    let lab = Lab::empty();
    let dir = lab.folder("release", sceau_fixtures::open_science);
    lab.keys("alice");
    let claims = lab.path("claims.toml");
    let text = std::fs::read_to_string(dir.join("claims.toml")).expect("fixture claims");
    let with_url = text.replacen(
        "[components.model-parameters]\n",
        "[components.model-parameters]\nurl = \"https://example.invalid/example-org/open-tiny\"\n",
        1,
    );
    assert_ne!(text, with_url);
    std::fs::write(&claims, with_url).unwrap();
    let rec = lab.sign(
        &dir,
        &lab.key,
        "open.sceau.json",
        ("example-org/open-tiny", "1.2.0"),
        &["--claims", s(&claims)],
    );
    (lab, rec)
}

#[test]
fn the_spdx_export_of_a_verified_record_has_every_field_the_profiles_require() {
    let (lab, rec) = open_science();
    let out = lab.path("open.spdx.json");
    let o = sceau(&[
        "export",
        s(&rec),
        "--key",
        s(&lab.public),
        "--at",
        AT,
        "-o",
        s(&out),
    ]);
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("verified"), "{}", stderr(&o));
    let doc = read_json(&out);
    let errors = spdx_errors(&doc);
    assert!(
        errors.is_empty(),
        "not valid SPDX 3.0.1:\n{}",
        errors.join("\n")
    );

    // The model: every property the AI profile requires.
    let ai = of_type(&doc, "ai_AIPackage");
    assert_eq!(ai.len(), 1);
    let m = ai[0];
    assert_eq!(m["name"], "example-org/open-tiny");
    assert_eq!(m["software_packageVersion"], "1.2.0");
    assert_eq!(m["releaseTime"], "2026-01-01T00:00:00Z", "the signing time");
    assert_eq!(m["software_primaryPurpose"], "model");
    assert_eq!(
        m["software_downloadLocation"],
        "https://example.invalid/example-org/open-tiny"
    );
    let orgs = of_type(&doc, "Organization");
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["name"], "Example Org");
    assert_eq!(m["suppliedBy"], orgs[0]["spdxId"]);
    // The record it was verified from, and who signed it.
    let record_id = format!("sha256:{}", record_digest(&rec));
    assert_eq!(m["externalIdentifier"][0]["identifier"], record_id.as_str());
    assert!(
        m["comment"]
            .as_str()
            .unwrap_or_default()
            .contains("verified by sceau, signed by"),
        "{m}"
    );

    // The datasets: their type, purpose and where they come from.
    let datasets = of_type(&doc, "dataset_DatasetPackage");
    assert_eq!(datasets.len(), 2);
    for d in &datasets {
        assert_eq!(d["dataset_datasetType"], serde_json::json!(["noAssertion"]));
        assert_eq!(d["software_primaryPurpose"], "data");
        assert!(d["software_downloadLocation"].is_string(), "{d}");
    }

    // Every file of the signed record, with its SHA-256.
    let payload: Value = serde_json::from_slice(&payload_of(&rec)).unwrap();
    let subjects: BTreeMap<String, String> = payload["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["name"].as_str().unwrap().to_owned(),
                x["digest"]["sha256"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let files: BTreeMap<String, String> = of_type(&doc, "software_File")
        .iter()
        .map(|f| {
            let sha = f["verifiedUsing"]
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h["algorithm"] == "sha256")
                .expect("sha256");
            (
                f["name"].as_str().unwrap().to_owned(),
                sha["hashValue"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(files, subjects);

    // The relationships the issue names.
    let rels = relationships(&doc);
    let has = |t: &str, from: &str, to: &str| {
        rels.iter()
            .any(|(rt, f, tt, _)| rt == t && f == from && tt.contains(to))
    };
    assert!(
        has(
            "trainedOn",
            "example-org/open-tiny",
            "example-org/open-corpus"
        ),
        "{rels:?}"
    );
    assert!(
        has("testedOn", "example-org/open-tiny", "example-org/open-eval"),
        "{rels:?}"
    );
    assert!(
        has("hasDeclaredLicense", "example-org/open-corpus", "CC-BY-4.0"),
        "{rels:?}"
    );
    assert!(
        has("hasConcludedLicense", "LICENSE", "Apache-2.0"),
        "{rels:?}"
    );
    assert!(
        has("contains", "example-org/open-corpus", "data/train.jsonl"),
        "{rels:?}"
    );

    // An independent reader: the SPDX project's bindings and the model's SHACL shapes.
    let Some(py) = python() else { return };
    let got = read_back(&py, &out);
    assert_eq!(got["ai_packages"][0]["name"], "example-org/open-tiny");
    assert_eq!(got["ai_packages"][0]["suppliedBy"], "Example Org");
    assert_eq!(got["ai_packages"][0]["releaseTime"], "2026-01-01T00:00:00Z");
    assert_eq!(got["datasets"].as_array().map(Vec::len), Some(2));
    assert_eq!(got["files"].as_array().map(Vec::len), Some(files.len()));
    assert_eq!(got["shacl"]["conforms"], true, "{}", got["shacl"]["report"]);
    for r in got["relationships"].as_array().unwrap() {
        assert!(r["from_type"].is_string(), "unresolved: {r}");
    }
}

#[test]
fn the_spdx_export_makes_each_verified_ancestor_a_descendant_of_its_parents() {
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
    let out = lab.path("quant.spdx.json");
    let (q, st, pol) = (s(&quant.1), s(&store), s(&lab.policy));
    let o = sceau(&[
        "export",
        q,
        "--store",
        st,
        "--policy",
        pol,
        "--at",
        AT,
        "-o",
        s(&out),
        "--json",
    ]);
    assert_exit(&o, 0);
    let summary = json_out(&o);
    assert_eq!(summary["ancestors"], 2);
    let doc = read_json(&out);
    assert!(spdx_errors(&doc).is_empty(), "{:?}", spdx_errors(&doc));
    let descent: Vec<(String, String, String)> = relationships(&doc)
        .into_iter()
        .filter(|r| r.0 == "descendantOf")
        .map(|(_, f, t, c)| (f, t, c))
        .collect();
    assert_eq!(
        descent,
        [
            (
                fx::QUANT_C_NAME.to_owned(),
                fx::FINETUNE_B_NAME.to_owned(),
                "sceau relation: quantized".to_owned()
            ),
            (
                fx::FINETUNE_B_NAME.to_owned(),
                fx::BASE_A_NAME.to_owned(),
                "sceau relation: finetune".to_owned()
            ),
        ]
    );
    let parents = of_type(&doc, "software_Package");
    assert_eq!(parents.len(), 2);
    for p in parents {
        let c = p["comment"].as_str().unwrap_or_default();
        assert!(c.starts_with("record verified by sceau, signed by"), "{p}");
    }
    if let Some(py) = python() {
        let got = read_back(&py, &out);
        let resolved = got["relationships"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "descendantOf")
            .filter(|r| r["to_types"][0] == "software_Package")
            .count();
        assert_eq!(resolved, 2, "{got}");
        assert_eq!(got["shacl"]["conforms"], true, "{}", got["shacl"]["report"]);
    }

    // Without the store the fine-tune is missing: nothing is exported.
    let out2 = lab.path("quant2.spdx.json");
    let o = sceau(&["export", q, "--policy", pol, "--at", AT, "-o", s(&out2)]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("nothing exported"), "{}", stderr(&o));
    assert!(!out2.exists());
    // Under a policy trusting org C alone the ancestors do not verify: nothing is exported,
    // unless unverified ancestors are allowed, and then the parent says it was not verified
    // and its own parents are not followed.
    let c_only = lab.make_policy("c-only.json", &["c"], &[]);
    let c_only = s(&c_only);
    let o = sceau(&[
        "export",
        q,
        "--store",
        st,
        "--policy",
        c_only,
        "--at",
        AT,
        "-o",
        s(&out2),
    ]);
    assert_exit(&o, 1);
    assert!(!out2.exists());
    let o = sceau(&[
        "export",
        q,
        "--store",
        st,
        "--policy",
        c_only,
        "--at",
        AT,
        "-o",
        s(&out2),
        "--allow-unverified-ancestors",
    ]);
    assert_exit(&o, 0);
    let doc = read_json(&out2);
    let parents = of_type(&doc, "software_Package");
    assert_eq!(parents.len(), 1);
    assert!(
        parents[0]["comment"]
            .as_str()
            .unwrap_or_default()
            .starts_with("record NOT verified"),
        "{}",
        parents[0]
    );
}

#[test]
fn nothing_is_exported_from_a_record_that_does_not_verify_or_a_bad_command_line() {
    let lab = Lab::new();
    let (_, bob) = lab.keys("bob");
    let (r, p) = (s(&lab.record), s(&lab.public));
    let out = lab.path("out.json");
    let o = sceau(&["export", r, "--key", s(&bob), "--at", AT, "-o", s(&out)]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("does not verify"), "{}", stderr(&o));
    assert_input_error(&sceau(&["export", r, "-o", s(&out)]), &["no trust given"]);
    assert_input_error(
        &sceau(&["export", r, "--key", p, "--spec-version", "1.7"]),
        &["--spec-version"],
    );
    assert_input_error(&sceau(&["export", r, "--key", p, "--json"]), &["--json"]);
    let not_a_record = lab.path("x.json");
    std::fs::write(&not_a_record, b"{}").unwrap();
    assert_input_error(
        &sceau(&["export", s(&not_a_record), "--key", p, "-o", s(&out)]),
        &["x.json"],
    );
    assert!(!out.exists(), "nothing written");
    // An existing file is not replaced without --force.
    std::fs::write(&out, b"keep").unwrap();
    assert_input_error(
        &sceau(&["export", r, "--key", p, "--at", AT, "-o", s(&out)]),
        &["out.json"],
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"keep");
}

#[test]
fn the_cyclonedx_export_is_the_signed_bom_or_its_1_7_mapping() {
    let (lab, rec) = open_science();
    let (r, p) = (s(&rec), s(&lab.public));
    let o = sceau(&["export", r, "--key", p, "--at", AT, "--format", "cyclonedx"]);
    assert_exit(&o, 0);
    let payload: Value = serde_json::from_slice(&payload_of(&rec)).unwrap();
    assert_eq!(
        json_out(&o),
        payload["predicate"],
        "the signed BOM, unchanged"
    );
    let v16 = lab.path("open.cdx.json");
    std::fs::write(&v16, o.stdout).unwrap();
    let v17 = lab.path("open-1.7.cdx.json");
    let o = sceau(&[
        "export",
        r,
        "--key",
        p,
        "--at",
        AT,
        "--format",
        "cyclonedx",
        "--spec-version",
        "1.7",
        "-o",
        s(&v17),
    ]);
    assert_exit(&o, 0);
    let bom = read_json(&v17);
    assert_eq!(bom["specVersion"], "1.7");
    assert_eq!(
        bom["metadata"]["timestamp"], payload["predicate"]["metadata"]["timestamp"],
        "the signed time"
    );
    // Another document, so another serial number, derived from its content (spec/bom.md §1.3).
    let serial = bom["serialNumber"].as_str().unwrap_or_default();
    assert!(serial.starts_with("urn:uuid:"), "{serial}");
    assert_ne!(bom["serialNumber"], payload["predicate"]["serialNumber"]);
    crate::schema::assert_valid_as(&bom, "1.7");

    // cdxgen's validator: schema, deep checks, and no high-severity rule failing that a release
    // with a claimed provider could satisfy (tests/integration/cdxgen.rs).
    use crate::cdxgen::{cdx_validate, report, rules, PROVIDER, SERIAL, UNSATISFIABLE};
    let Some(bin) = cdx_validate() else { return };
    for bom in [&v16, &v17] {
        let r = report(&bin, bom);
        assert_eq!(r["schemaValid"], true, "{}: {r}", bom.display());
        assert_eq!(r["deepValid"], true, "{}: {r}", bom.display());
        let passed = rules(&r, "pass", &[]);
        for rule in SERIAL.into_iter().chain(PROVIDER) {
            assert!(passed.contains(rule), "{}: {rule} fails", bom.display());
        }
        let high = rules(&r, "fail", &["high", "critical"]);
        let unexpected: Vec<&&str> = high
            .iter()
            .filter(|x| !UNSATISFIABLE.contains(*x))
            .collect();
        assert!(
            unexpected.is_empty(),
            "{}: cdx-validate fails {unexpected:?} at high severity",
            bom.display()
        );
    }
}

/// A record in the manifest form exports its folder recorded whole as one `software_File` of
/// kind `directory`, whose hash is the manifest root labelled `other` (never `sha256`: it is
/// no file's digest); the document stays valid SPDX 3.0.1.
#[test]
fn the_spdx_export_of_a_manifest_form_record_lists_folders_by_their_roots() {
    let lab = Lab::new();
    let data = lab.dir.join("data/train");
    std::fs::create_dir_all(&data).unwrap();
    for i in 0..12 {
        std::fs::write(data.join(format!("{i:03}.txt")), format!("row {i}\n")).unwrap();
    }
    let rec = lab.sign(
        &lab.dir,
        &lab.key,
        "m.sceau.json",
        (NAME, "1.0.0"),
        &["--always-manifest"],
    );
    let out = lab.path("m.spdx.json");
    let o = sceau(&[
        "export",
        s(&rec),
        "--key",
        s(&lab.public),
        "--at",
        AT,
        "-o",
        s(&out),
    ]);
    assert_exit(&o, 0);
    let doc = read_json(&out);
    let errors = spdx_errors(&doc);
    assert!(
        errors.is_empty(),
        "not valid SPDX 3.0.1:\n{}",
        errors.join("\n")
    );
    let files = of_type(&doc, "software_File");
    let folder = files
        .iter()
        .find(|f| f["name"] == "data/")
        .unwrap_or_else(|| panic!("no data/ in {files:#?}"));
    assert_eq!(folder["software_fileKind"], "directory");
    let hashes = folder["verifiedUsing"].as_array().unwrap();
    assert_eq!(hashes.len(), 1, "{hashes:?}");
    assert_eq!(hashes[0]["algorithm"], "other");
    assert!(
        hashes[0]["comment"].as_str().unwrap().contains("12 files"),
        "{hashes:?}"
    );
    assert!(!files
        .iter()
        .any(|f| f["name"].as_str().unwrap().starts_with("data/train")));
    if let Some(py) = python() {
        read_back(&py, &out);
    }
}
