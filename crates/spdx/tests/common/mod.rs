//! Releases for the SPDX tests: the fixture releases scanned with sceau-scan, and the committed
//! example, with the claims and a parent where a fixture has them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sceau_core::{Claims, Parent, Relation, Release};

/// The time every test document is created at.
pub const CREATED: &str = "2026-01-01T00:00:00Z";

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Scans `dir` as release `name` version `1.0.0`.
pub fn scan(dir: &Path, name: &str) -> Release {
    let opts = sceau_scan::ScanOptions {
        name: Some(name.into()),
        version: Some("1.0.0".into()),
        ..sceau_scan::ScanOptions::default()
    };
    sceau_scan::scan(dir, &opts, &sceau_scan::NoProgress)
        .expect("fixture scans")
        .release
}

/// Generates a fixture with `gen` into a temporary directory and scans it.
pub fn fixture(gen: fn(&Path) -> anyhow::Result<()>, name: &str) -> Release {
    let t = tempfile::tempdir().expect("tempdir");
    gen(t.path()).expect("fixture generates");
    scan(t.path(), name)
}

/// The `open_science` fixture with its claims file, a download URL for its parameters and a
/// parent: every field the mapping has.
pub fn open_science() -> Release {
    let mut r = fixture(sceau_fixtures::open_science, "example-org/open-tiny");
    let mut claims =
        Claims::from_toml(sceau_fixtures::claims::OPEN_SCIENCE_CLAIMS.as_bytes()).expect("claims");
    if let Some(c) = claims
        .components
        .get_mut(&sceau_core::MofComponent::ModelParameters)
    {
        c.url = Some("https://example.invalid/example-org/open-tiny".into());
    }
    r.claims = Some(claims);
    r.parents = vec![Parent {
        record: "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b"
            .parse()
            .expect("digest"),
        name: "example-org/tiny-llm".into(),
        version: "1.0.0".into(),
        relation: Relation::Finetune,
    }];
    r
}

/// Every release the tests write: the committed example, four fixtures scanned as they are,
/// and [`open_science`].
pub fn releases() -> Vec<(&'static str, Release)> {
    vec![
        (
            "examples/tiny-llm",
            scan(&root().join("examples/tiny-llm"), "example-org/tiny-llm"),
        ),
        ("hf_model", fixture(sceau_fixtures::hf_model, "hf_model")),
        (
            "gguf_model",
            fixture(sceau_fixtures::gguf_model, "gguf_model"),
        ),
        (
            "dataset_release",
            fixture(sceau_fixtures::dataset_release, "dataset_release"),
        ),
        (
            "code_release",
            fixture(sceau_fixtures::code_release, "code_release"),
        ),
        ("open_science", open_science()),
    ]
}
