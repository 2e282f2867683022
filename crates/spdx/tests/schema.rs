//! Every SPDX document sceau writes validates against the official SPDX 3.0.1 JSON schema
//! (vendored in testdata/schemas/spdx3/), checked by an independent validator (the
//! `jsonschema` crate); and the document says what the release says (spec/spdx.md §3).
mod common;

use std::collections::{BTreeMap, HashSet};

use common::*;
use sceau_core::claims::DatasetPurpose;
use sceau_core::Claims;
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let p = root().join("testdata/schemas/spdx3/spdx-json-schema.json");
    let schema: Value =
        serde_json::from_slice(&std::fs::read(p).expect("schema file")).expect("schema json");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("build validator")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn graph(doc: &Value) -> &Vec<Value> {
    doc["@graph"].as_array().expect("@graph")
}

fn of_type<'a>(doc: &'a Value, t: &str) -> Vec<&'a Value> {
    graph(doc).iter().filter(|e| e["type"] == t).collect()
}

/// `(from, type) -> to` for every relationship.
fn relations(doc: &Value) -> BTreeMap<(String, String), Vec<String>> {
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in of_type(doc, "Relationship") {
        let key = (
            r["from"].as_str().unwrap().to_owned(),
            r["relationshipType"].as_str().unwrap().to_owned(),
        );
        for t in r["to"].as_array().unwrap() {
            out.entry(key.clone())
                .or_default()
                .push(t.as_str().unwrap().to_owned());
        }
    }
    out
}

#[test]
fn every_document_is_valid_spdx_3_0_1() {
    let v = validator();
    for (name, r) in releases() {
        let doc = sceau_spdx::to_spdx3(&r, CREATED).unwrap();
        let e = errors(&v, &doc);
        assert!(
            e.is_empty(),
            "{name} is not valid SPDX 3.0.1:\n{}",
            e.join("\n")
        );
    }
}

#[test]
fn the_validator_rejects_broken_documents() {
    // Guards the guard: each change below must make the document invalid.
    let v = validator();
    let doc = sceau_spdx::to_spdx3(&open_science(), CREATED).unwrap();
    assert!(errors(&v, &doc).is_empty());
    type Breaker = (&'static str, fn(&mut Value));
    let breakers: Vec<Breaker> = vec![
        ("relationship type", |d| {
            let r = d["@graph"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|e| e["type"] == "Relationship")
                .unwrap();
            r["relationshipType"] = "trainedWith".into();
        }),
        ("hash algorithm", |d| {
            let f = d["@graph"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|e| e["type"] == "software_File")
                .unwrap();
            f["verifiedUsing"][0]["algorithm"] = "SHA-256".into();
        }),
        ("context", |d| {
            d["@context"] = "https://spdx.org/rdf/3.0.0/spdx-context.jsonld".into()
        }),
        ("unknown property", |d| {
            let m = d["@graph"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|e| e["type"] == "ai_AIPackage")
                .unwrap();
            m["ai_modelSize"] = 3.into();
        }),
        ("created time", |d| {
            d["@graph"][0]["created"] = "2026-01-01T00:00:00.5Z".into()
        }),
    ];
    for (what, f) in breakers {
        let mut broken = doc.clone();
        f(&mut broken);
        assert!(!v.is_valid(&broken), "a broken {what} passed validation");
    }
}

#[test]
fn identifiers_are_unique_derived_and_every_reference_resolves() {
    for (name, r) in releases() {
        let a = sceau_spdx::to_spdx3_json(&r, CREATED).unwrap();
        let b = sceau_spdx::to_spdx3_json(&r, CREATED).unwrap();
        assert_eq!(a, b, "{name}: same release, same bytes");
        let doc: Value = serde_json::from_slice(&a).unwrap();
        let mut ids = HashSet::new();
        for e in graph(&doc) {
            if let Some(id) = e["spdxId"].as_str() {
                assert!(id.starts_with("urn:uuid:"), "{name}: {id}");
                assert!(ids.insert(id.to_owned()), "{name}: {id} twice");
            }
        }
        // Every reference points at an element of the document.
        let mut refs: Vec<&str> = Vec::new();
        for e in graph(&doc) {
            for key in ["from", "suppliedBy"] {
                refs.extend(e[key].as_str());
            }
            for key in [
                "to",
                "originatedBy",
                "rootElement",
                "element",
                "createdBy",
                "createdUsing",
            ] {
                if let Some(a) = e[key].as_array() {
                    refs.extend(a.iter().filter_map(Value::as_str));
                }
            }
        }
        for r in refs {
            assert!(ids.contains(r), "{name}: dangling reference {r}");
        }
        // The document lists every element but itself.
        let d = &of_type(&doc, "SpdxDocument")[0];
        let listed: HashSet<&str> = d["element"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(listed.len() + 1, ids.len(), "{name}");
        // Another time changes the times only, not the identifiers.
        let later: Value = sceau_spdx::to_spdx3(&r, "2027-06-30T12:00:00Z").unwrap();
        let later_ids: HashSet<String> = graph(&later)
            .iter()
            .filter_map(|e| e["spdxId"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(later_ids, ids, "{name}");
    }
    // A different release (other digests) shares no identifier.
    let a = sceau_spdx::to_spdx3(&fixture(sceau_fixtures::hf_model, "m"), CREATED).unwrap();
    let mut r = fixture(sceau_fixtures::hf_model, "m");
    r.artifacts[0].sha256 = sceau_core::Sha256Digest([9; 32]);
    let b = sceau_spdx::to_spdx3(&r, CREATED).unwrap();
    let ids = |d: &Value| -> HashSet<String> {
        graph(d)
            .iter()
            .filter_map(|e| e["spdxId"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(ids(&a).is_disjoint(&ids(&b)));
}

#[test]
fn the_document_says_what_the_release_says() {
    for (name, r) in releases() {
        let doc = sceau_spdx::to_spdx3(&r, CREATED).unwrap();
        let claims = Claims::effective(&r);
        let rel = relations(&doc);

        let models = of_type(&doc, "ai_AIPackage");
        assert_eq!(models.len(), 1, "{name}");
        let m = models[0];
        let model = m["spdxId"].as_str().unwrap();
        assert_eq!(m["name"], r.name.as_str());
        assert_eq!(m["software_packageVersion"], r.version.as_str());
        assert_eq!(m["releaseTime"], CREATED);
        assert_eq!(m["software_primaryPurpose"], "model");
        assert_eq!(of_type(&doc, "SpdxDocument")[0]["rootElement"][0], model);
        let ci = &graph(&doc)[0];
        assert_eq!(ci["type"], "CreationInfo");
        assert_eq!(ci["specVersion"], "3.0.1");
        let tools = of_type(&doc, "Tool");
        assert_eq!(ci["createdUsing"][0], tools[0]["spdxId"]);
        assert!(tools[0]["name"].as_str().unwrap().starts_with("sceau "));

        // Files: one per artifact, with its SHA-256, all contained in the model.
        let files = of_type(&doc, "software_File");
        assert_eq!(files.len(), r.artifacts.len(), "{name}");
        let by_name: BTreeMap<&str, &Value> = files
            .iter()
            .map(|f| (f["name"].as_str().unwrap(), *f))
            .collect();
        for a in &r.artifacts {
            let f = by_name[a.path.as_str()];
            assert_eq!(f["verifiedUsing"][0]["algorithm"], "sha256");
            assert_eq!(f["verifiedUsing"][0]["hashValue"], a.sha256.to_hex());
        }
        let contained: HashSet<&String> = rel[&(model.to_owned(), "contains".to_owned())]
            .iter()
            .collect();
        let file_ids: HashSet<String> = files
            .iter()
            .map(|f| f["spdxId"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(contained, file_ids.iter().collect(), "{name}");

        // Datasets: one per dataset claimed, trained on or tested on by purpose.
        let datasets = of_type(&doc, "dataset_DatasetPackage");
        assert_eq!(datasets.len(), claims.datasets.len(), "{name}");
        for (purpose, rel_type) in [
            (DatasetPurpose::Training, "trainedOn"),
            (DatasetPurpose::Evaluation, "testedOn"),
        ] {
            let want: HashSet<&str> = claims
                .datasets
                .iter()
                .filter(|d| d.purpose == purpose)
                .map(|d| d.name.as_str())
                .collect();
            let got: HashSet<&str> = rel
                .get(&(model.to_owned(), rel_type.to_owned()))
                .map(|to| {
                    to.iter()
                        .map(|id| {
                            datasets
                                .iter()
                                .find(|d| d["spdxId"] == id.as_str())
                                .unwrap()["name"]
                                .as_str()
                                .unwrap()
                        })
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(got, want, "{name} {rel_type}");
        }

        // The release licence is the model's declared licence.
        if let Some(l) = &r.licence {
            let to = &rel[&(model.to_owned(), "hasDeclaredLicense".to_owned())];
            let e = graph(&doc)
                .iter()
                .find(|e| e["spdxId"] == to[0].as_str())
                .unwrap();
            assert_eq!(
                e["simplelicensing_licenseExpression"],
                sceau_spdx::licence::expression(l).expression.as_str()
            );
        }
        // Lineage.
        let parents = rel
            .get(&(model.to_owned(), "descendantOf".to_owned()))
            .map_or(0, Vec::len);
        assert_eq!(parents, r.parents.len(), "{name}");
    }
}

#[test]
fn with_claims_the_model_has_every_field_the_ai_profile_requires() {
    let r = open_science();
    let doc = sceau_spdx::to_spdx3(&r, CREATED).unwrap();
    let m = of_type(&doc, "ai_AIPackage")[0];
    for field in [
        "name",
        "software_packageVersion",
        "releaseTime",
        "suppliedBy",
        "software_downloadLocation",
        "software_primaryPurpose",
    ] {
        assert!(m.get(field).is_some(), "ai_AIPackage has no {field}");
    }
    let org = graph(&doc)
        .iter()
        .find(|e| e["spdxId"] == m["suppliedBy"])
        .unwrap();
    assert_eq!(org["type"], "Organization");
    assert_eq!(org["name"], "Example Org");
    assert_eq!(
        org["externalIdentifier"][0]["identifier"],
        "security@example.invalid"
    );
    assert_eq!(m["ai_useSensitivePersonalInformation"], "no");
    assert_eq!(
        m["ai_energyConsumption"]["ai_trainingEnergyConsumption"][0]["ai_energyQuantity"],
        "12.5"
    );
    assert!(m["ai_limitation"].as_str().unwrap().contains("tiny corpus"));
    // The included datasets hold their files and their size in bytes.
    let rel = relations(&doc);
    for d in of_type(&doc, "dataset_DatasetPackage") {
        let claim = r
            .claims
            .as_ref()
            .unwrap()
            .dataset(d["name"].as_str().unwrap())
            .unwrap();
        let files = &rel[&(
            d["spdxId"].as_str().unwrap().to_owned(),
            "contains".to_owned(),
        )];
        assert_eq!(files.len(), claim.paths.len());
        let bytes: u64 = claim
            .paths
            .iter()
            .map(|p| r.artifact(p.as_str()).unwrap().size)
            .sum();
        assert_eq!(d["dataset_datasetSize"], bytes);
        assert_eq!(d["dataset_datasetType"][0], "noAssertion");
        assert!(d["software_downloadLocation"]
            .as_str()
            .unwrap()
            .starts_with("https://huggingface.co/datasets/"));
    }
    // The parent, with the record digest and the relation.
    let p = of_type(&doc, "software_Package");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0]["name"], "example-org/tiny-llm");
    assert_eq!(
        p[0]["externalIdentifier"][0]["identifier"],
        format!("sha256:{}", r.parents[0].record)
    );
    let d = of_type(&doc, "Relationship")
        .into_iter()
        .find(|x| x["relationshipType"] == "descendantOf")
        .unwrap();
    assert_eq!(d["comment"], "sceau relation: finetune");
}

#[test]
fn refuses_a_time_spdx_cannot_hold() {
    let r = fixture(sceau_fixtures::hf_model, "m");
    let e = sceau_spdx::to_spdx3(&r, "2026-01-01T00:00:00+01:00").unwrap_err();
    assert!(matches!(e, sceau_spdx::SpdxError::Timestamp { .. }), "{e}");
}
