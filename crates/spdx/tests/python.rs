//! An independent SPDX 3 reader understands what sceau writes: the SPDX project's Python
//! bindings (`spdx-python-model`) read every document back, and the richest ones are checked
//! against the SHACL shapes of the SPDX 3.0.1 model with `pyshacl`
//! (helper: `tests/interop/read_spdx3.py`).
//!
//! The interpreter is `$SCEAU_PYTHON`, else `python3`. Without `spdx-python-model`, `pyshacl`
//! and `rdflib` the test says "skipped" and passes, unless `SCEAU_REQUIRE_INTEROP=1` (CI),
//! where it fails.
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use common::*;
use sceau_core::Claims;
use serde_json::Value;

/// The Python interpreter to use, or None (with a "skipped" message) when it lacks the
/// packages and interop is not required.
#[allow(clippy::print_stderr)]
fn python() -> Option<String> {
    let py = std::env::var("SCEAU_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&py)
        .args(["-c", "import spdx_python_model, pyshacl, rdflib"])
        .output();
    let why = match probe {
        Ok(o) if o.status.success() => return Some(py),
        Ok(o) => format!(
            "{py} cannot import spdx_python_model, pyshacl and rdflib: {}",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => format!("cannot run {py}: {e}"),
    };
    if std::env::var("SCEAU_REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!("SCEAU_REQUIRE_INTEROP=1 but {why}");
    }
    eprintln!(
        "skipped: {why} (pip install spdx-python-model pyshacl, or set SCEAU_PYTHON to an \
         interpreter that has them)"
    );
    None
}

/// What the Python reader found in `doc`, with a SHACL check when `shacl`.
fn read_back(py: &str, doc: &Path, shacl: bool) -> Value {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut c = Command::new(py);
    c.arg(here.join("tests/interop/read_spdx3.py")).arg(doc);
    if shacl {
        let s = root().join("testdata/schemas/spdx3");
        c.arg("--shacl")
            .arg(s.join("spdx-model.ttl"))
            .arg(s.join("spdx-context.jsonld"));
    }
    let o = c.output().expect("run python");
    assert!(
        o.status.success(),
        "read_spdx3.py failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("read_spdx3.py prints JSON")
}

/// `(type, from, sorted to)` of every relationship, as a multiset.
fn relationship_set(
    rels: impl Iterator<Item = (String, String, Vec<String>)>,
) -> BTreeMap<(String, String, Vec<String>), usize> {
    let mut out = BTreeMap::new();
    for (t, f, mut to) in rels {
        to.sort();
        *out.entry((t, f, to)).or_insert(0) += 1;
    }
    out
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn spdx_python_model_reads_back_every_document() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    for (name, r) in releases() {
        let bytes = sceau_spdx::to_spdx3_json(&r, CREATED).unwrap();
        let path = dir
            .path()
            .join(format!("{}.spdx.json", name.replace('/', "_")));
        std::fs::write(&path, &bytes).unwrap();
        let shacl = matches!(name, "examples/tiny-llm" | "open_science");
        let got = read_back(&py, &path, shacl);
        let doc: Value = serde_json::from_slice(&bytes).unwrap();

        assert_eq!(
            got["bindings"], "spdx_python_model.bindings.v3_0_1",
            "{name}"
        );
        // The AI package: name, version, release time, purpose, supplier.
        let ai = got["ai_packages"].as_array().unwrap();
        assert_eq!(ai.len(), 1, "{name}");
        assert_eq!(ai[0]["name"], r.name.as_str());
        assert_eq!(ai[0]["version"], r.version.as_str());
        assert_eq!(ai[0]["releaseTime"], CREATED);
        assert_eq!(ai[0]["primaryPurpose"], "model");
        let claims = Claims::effective(&r);
        match &claims.provider {
            Some(p) => assert_eq!(ai[0]["suppliedBy"], p.name.as_str(), "{name}"),
            None => assert!(ai[0]["suppliedBy"].is_null(), "{name}"),
        }
        // Datasets and files, by name, with each file's SHA-256.
        let datasets: BTreeSet<String> = got["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_owned())
            .collect();
        let want: BTreeSet<String> = claims.datasets.iter().map(|d| d.name.clone()).collect();
        assert_eq!(datasets, want, "{name}");
        let files: BTreeMap<String, String> = got["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["name"].as_str().unwrap().to_owned(),
                    f["sha256"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let want: BTreeMap<String, String> = r
            .artifacts
            .iter()
            .map(|a| (a.path.as_str().to_owned(), a.sha256.to_hex()))
            .collect();
        assert_eq!(files, want, "{name}");
        // Every relationship survives, and both its ends resolve to objects of the document.
        let theirs = got["relationships"].as_array().unwrap();
        for rel in theirs {
            assert!(!rel["from_type"].is_null(), "{name}: unresolved {rel}");
            assert!(
                rel["to_types"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|t| !t.is_null()),
                "{name}: unresolved {rel}"
            );
        }
        let mine = relationship_set(
            doc["@graph"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["type"] == "Relationship")
                .map(|e| {
                    (
                        e["relationshipType"].as_str().unwrap().to_owned(),
                        e["from"].as_str().unwrap().to_owned(),
                        strings(&e["to"]),
                    )
                }),
        );
        let back = relationship_set(theirs.iter().map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["from"].as_str().unwrap().to_owned(),
                strings(&e["to"]),
            )
        }));
        assert_eq!(back, mine, "{name}");
        let kinds: BTreeSet<&str> = theirs.iter().filter_map(|e| e["type"].as_str()).collect();
        assert!(kinds.contains("contains"), "{name}");
        if !claims.datasets.is_empty() {
            assert!(
                kinds.contains("trainedOn") || kinds.contains("testedOn"),
                "{name}"
            );
        }
        assert_eq!(strings(&got["profiles"]), sceau_spdx::PROFILES, "{name}");
        assert_eq!(
            strings(&got["tools"]),
            [format!("sceau {}", sceau_core::TOOL_VERSION)],
            "{name}"
        );
        if shacl {
            assert_eq!(
                got["shacl"]["conforms"], true,
                "{name} does not conform to the SPDX 3.0.1 SHACL shapes:\n{}",
                got["shacl"]["report"]
            );
            assert!(got["shacl"]["triples"].as_u64().unwrap() > 100, "{name}");
        }
    }
}
