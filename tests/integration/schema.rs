//! The BOM sceau writes validates against the official CycloneDX 1.6 JSON schema (and, with
//! `--spec-version 1.7`, the 1.7 one), checked by an independent validator (the `jsonschema`
//! crate) with the schemas vendored in testdata/.
use std::path::Path;

use serde_json::Value;

use crate::common::*;

fn load(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/schemas")
        .join(name);
    serde_json::from_slice(&std::fs::read(&p).expect("schema file")).expect("schema json")
}

/// A validator for CycloneDX 1.6 that resolves its sibling schemas offline.
pub fn validator() -> jsonschema::Validator {
    validator_for("1.6")
}

/// A validator for CycloneDX `version` (`1.6` or `1.7`) that resolves its sibling schemas
/// offline.
pub fn validator_for(version: &str) -> jsonschema::Validator {
    let registry = jsonschema::Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.schema.json",
            load("spdx.schema.json"),
        )
        .and_then(|r| {
            r.add(
                "http://cyclonedx.org/schema/jsf-0.82.schema.json",
                load("jsf-0.82.schema.json"),
            )
        })
        .and_then(|r| {
            r.add(
                "http://cyclonedx.org/schema/cryptography-defs.schema.json",
                load("cryptography-defs.schema.json"),
            )
        })
        .and_then(|r| r.prepare())
        .expect("registry");
    let registry: &'static jsonschema::Registry<'static> = Box::leak(Box::new(registry));
    jsonschema::options()
        .should_validate_formats(true)
        .with_registry(registry)
        .build(&load(&format!("bom-{version}.schema.json")))
        .expect("build validator")
}

/// Asserts `bom` is valid CycloneDX `version`, listing every schema error otherwise.
#[track_caller]
pub fn assert_valid_as(bom: &Value, version: &str) {
    let v = validator_for(version);
    let errors: Vec<String> = v
        .iter_errors(bom)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "BOM is not valid CycloneDX {version}:\n{}",
        errors.join("\n")
    );
}

/// Asserts `bom` is valid, listing every schema error otherwise.
#[track_caller]
pub fn assert_valid(bom: &Value) {
    let v = validator();
    let errors: Vec<String> = v
        .iter_errors(bom)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "BOM is not valid CycloneDX 1.6:\n{}",
        errors.join("\n")
    );
}

fn scan_bom(gen: fn(&Path) -> anyhow::Result<()>) -> Value {
    scan_with(gen, &[])
}

/// `sceau scan` of a fresh fixture with `extra` arguments; `{dir}` in them is the release
/// folder. Returns what -o wrote.
pub fn scan_with(gen: fn(&Path) -> anyhow::Result<()>, extra: &[&str]) -> Value {
    let (t, d) = fixture(gen);
    let out = t.path().join("bom.json");
    let extra: Vec<String> = extra.iter().map(|a| a.replace("{dir}", s(&d))).collect();
    let mut args = vec!["scan", s(&d), "--version", "1.0.0", "-o", s(&out)];
    args.extend(extra.iter().map(String::as_str));
    let o = sceau(&args);
    assert_exit(&o, 0);
    serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
}

const FIXTURES: [fn(&Path) -> anyhow::Result<()>; 4] = [
    sceau_fixtures::hf_model,
    sceau_fixtures::gguf_model,
    sceau_fixtures::dataset_release,
    sceau_fixtures::code_release,
];

#[test]
fn every_fixture_bom_is_valid_cyclonedx_1_7() {
    for gen in FIXTURES {
        let bom = scan_with(gen, &["--spec-version", "1.7"]);
        assert_eq!(bom["specVersion"], "1.7");
        assert_eq!(
            bom["$schema"],
            "http://cyclonedx.org/schema/bom-1.7.schema.json"
        );
        assert_valid_as(&bom, "1.7");
    }
    // Guards the guard: the 1.7 validator refuses what the 1.6 one refuses.
    let mut bom = scan_with(sceau_fixtures::hf_model, &["--spec-version", "1.7"]);
    bom["components"][0]["type"] = "weights".into();
    assert!(!validator_for("1.7").is_valid(&bom));
}

#[test]
fn claims_give_the_bom_its_supplier_and_manufacturer_in_both_versions() {
    for version in ["1.6", "1.7"] {
        let bom = scan_with(
            sceau_fixtures::open_science,
            &["--claims", "{dir}/claims.toml", "--spec-version", version],
        );
        assert_valid_as(&bom, version);
        let provider =
            sceau_core::Claims::from_toml(sceau_fixtures::claims::OPEN_SCIENCE_CLAIMS.as_bytes())
                .unwrap()
                .provider
                .unwrap();
        for ptr in [
            "/metadata/supplier",
            "/metadata/manufacturer",
            "/metadata/component/supplier",
            "/metadata/component/manufacturer",
        ] {
            let e = bom
                .pointer(ptr)
                .unwrap_or_else(|| panic!("{version}: no {ptr}"));
            assert_eq!(e["name"], provider.name.as_str());
            assert_eq!(e["url"][0], provider.url.as_deref().unwrap());
            assert_eq!(e["contact"][0]["email"], provider.email.as_deref().unwrap());
        }
        // The claims also reach the model card.
        assert!(bom
            .pointer("/metadata/component/modelCard/considerations/useCases")
            .is_some());
    }
    // Without claims there is no supplier: sceau does not guess one.
    let bom = scan_bom(sceau_fixtures::open_science);
    assert!(bom.pointer("/metadata/supplier").is_none());
}

#[test]
fn the_serial_number_is_stable_for_the_same_content() {
    let a = scan_bom(sceau_fixtures::hf_model);
    let b = scan_bom(sceau_fixtures::hf_model);
    let serial = a["serialNumber"].as_str().unwrap();
    assert!(serial.starts_with("urn:uuid:"), "{serial}");
    assert_eq!(&serial[23..24], "8", "a version-8 UUID: {serial}");
    // Same files, same time (SOURCE_DATE_EPOCH): same BOM, same serial.
    assert_eq!(a, b);
    // It is the content UUID of the BOM without it.
    let bom: sceau_core::cyclonedx::Bom = serde_json::from_value(a.clone()).unwrap();
    assert_eq!(bom.content_serial(), serial);
    // Another version of the same files: another serial.
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let out = t.path().join("bom.json");
    assert_exit(
        &sceau(&["scan", s(&d), "--version", "2.0.0", "-o", s(&out)]),
        0,
    );
    let c: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_ne!(c["serialNumber"], a["serialNumber"]);
}

#[test]
fn scan_writes_spdx_3_on_request_and_refuses_mixed_formats() {
    let doc = scan_with(
        sceau_fixtures::open_science,
        &["--claims", "{dir}/claims.toml", "--format", "spdx3"],
    );
    assert_eq!(
        doc["@context"],
        "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    );
    let graph = doc["@graph"].as_array().unwrap();
    let ai: Vec<&Value> = graph
        .iter()
        .filter(|e| e["type"] == "ai_AIPackage")
        .collect();
    assert_eq!(ai.len(), 1);
    assert_eq!(ai[0]["software_packageVersion"], "1.0.0");
    assert_eq!(
        ai[0]["releaseTime"], "2026-01-01T00:00:00Z",
        "SOURCE_DATE_EPOCH"
    );
    assert!(ai[0]["suppliedBy"].is_string(), "the claimed provider");
    // A CycloneDX version with SPDX, or a version sceau does not write: usage errors.
    let (_t, d) = fixture(sceau_fixtures::hf_model);
    let o = sceau(&[
        "scan",
        s(&d),
        "--format",
        "spdx3",
        "--spec-version",
        "1.7",
        "-o",
        "-",
    ]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--spec-version"), "{}", stderr(&o));
    assert_exit(
        &sceau(&["scan", s(&d), "--spec-version", "1.5", "-o", "-"]),
        2,
    );
    // A broken claims file is refused before anything is written.
    let bad = d.join("bad-claims.toml");
    std::fs::write(&bad, "[provider]\nname = \"X\"\n").unwrap();
    let out = d.parent().unwrap().join("bom.json");
    let o = sceau(&["scan", s(&d), "--claims", s(&bad), "-o", s(&out)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("provider"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn every_fixture_bom_is_valid_cyclonedx_1_6() {
    for gen in [
        sceau_fixtures::hf_model as fn(&Path) -> anyhow::Result<()>,
        sceau_fixtures::gguf_model,
        sceau_fixtures::dataset_release,
        sceau_fixtures::code_release,
    ] {
        assert_valid(&scan_bom(gen));
    }
}

#[test]
fn the_validator_rejects_a_broken_bom() {
    // Guards the guard: a BOM with a wrong component type must fail validation.
    let mut bom = scan_bom(sceau_fixtures::hf_model);
    bom["components"][0]["type"] = "weights".into();
    assert!(!validator().is_valid(&bom));
    let mut bom = scan_bom(sceau_fixtures::hf_model);
    bom["components"][0]["hashes"][0]["content"] = "xyz".into();
    assert!(!validator().is_valid(&bom));
}
