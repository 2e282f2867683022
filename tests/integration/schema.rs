//! The BOM sceau writes validates against the official CycloneDX 1.6 JSON schema, checked by
//! an independent validator (the `jsonschema` crate) with the schemas vendored in testdata/.
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
        .and_then(|r| r.prepare())
        .expect("registry");
    let registry: &'static jsonschema::Registry<'static> = Box::leak(Box::new(registry));
    jsonschema::options()
        .should_validate_formats(true)
        .with_registry(registry)
        .build(&load("bom-1.6.schema.json"))
        .expect("build validator")
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
    let (t, d) = fixture(gen);
    let out = t.path().join("bom.json");
    let o = sceau(&["scan", s(&d), "--version", "1.0.0", "-o", s(&out)]);
    assert_exit(&o, 0);
    serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
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
