//! `sceau scan`: the BOM's content, the summary, and every refusal (exit 2, a clear message,
//! no output file written).
use std::path::Path;

use serde_json::Value;

use crate::common::*;

fn component<'a>(bom: &'a Value, name: &str) -> &'a Value {
    bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no component {name}"))
}

fn prop<'a>(c: &'a Value, name: &str) -> Option<&'a str> {
    c["properties"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["value"].as_str())
}

#[test]
fn hf_model_digests_equal_sha256sum_and_card_fields_are_in_the_bom() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let out = t.path().join("bom.json");
    let o = sceau(&[
        "scan",
        s(&d),
        "--name",
        "example-org/tiny-llm",
        "--version",
        "1.0.0",
        "-o",
        s(&out),
    ]);
    assert_exit(&o, 0);
    let bom: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(bom["specVersion"], "1.6");
    let rel = &bom["metadata"]["component"];
    assert_eq!(rel["type"], "machine-learning-model");
    assert_eq!(rel["name"], "example-org/tiny-llm");
    assert_eq!(rel["version"], "1.0.0");
    assert_eq!(rel["licenses"][0]["expression"], "Apache-2.0");
    let ds: Vec<&str> = rel["modelCard"]["modelParameters"]["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(ds, ["HuggingFaceFW/fineweb", "allenai/c4"]);

    // Every file on disk is a component whose SHA-256 equals an independent computation.
    let mut on_disk = 0;
    for e in std::fs::read_dir(&d).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_owned();
        let c = component(&bom, &name);
        assert_eq!(c["hashes"][0]["alg"], "SHA-256");
        assert_eq!(c["hashes"][0]["content"], sha256_file(&p), "{name}");
        on_disk += 1;
    }
    assert_eq!(bom["components"].as_array().unwrap().len(), on_disk);

    let w = component(&bom, "model.safetensors");
    assert_eq!(w["type"], "machine-learning-model");
    assert_eq!(
        prop(w, "sceau:weights.parameters"),
        Some(sceau_fixtures::HF_MODEL_PARAMETERS.to_string().as_str())
    );
    assert_eq!(
        prop(component(&bom, "LICENSE"), "sceau:licence.detected"),
        Some("Apache-2.0")
    );
    assert_eq!(
        prop(component(&bom, "tokenizer.json"), "sceau:kind"),
        Some("tokenizer")
    );
    assert_eq!(
        prop(component(&bom, "config.json"), "sceau:kind"),
        Some("config")
    );
    assert_eq!(
        prop(component(&bom, "README.md"), "sceau:kind"),
        Some("model-card")
    );
    let ignores: Vec<&str> = bom["metadata"]["properties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == "sceau:ignore")
        .map(|p| p["value"].as_str().unwrap())
        .collect();
    assert!(ignores.contains(&".git/"), "{ignores:?}");
}

#[test]
fn gguf_header_gives_architecture_quantisation_and_parameters() {
    let (t, d) = fixture(sceau_fixtures::gguf_model);
    let out = t.path().join("bom.json");
    assert_exit(&sceau(&["scan", s(&d), "-o", s(&out)]), 0);
    let bom: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let c = component(&bom, "model-Q4_K_M.gguf");
    assert_eq!(prop(c, "sceau:weights.format"), Some("gguf"));
    assert_eq!(prop(c, "sceau:weights.architecture"), Some("llama"));
    assert_eq!(prop(c, "sceau:weights.file_type"), Some("MOSTLY_Q4_K_M"));
    assert_eq!(
        prop(c, "sceau:weights.parameters"),
        Some(sceau_fixtures::GGUF_MODEL_PARAMETERS.to_string().as_str())
    );
    // A named (non-SPDX) licence keeps its id and points to its file.
    let lic = &bom["metadata"]["component"]["licenses"][0]["license"];
    assert_eq!(lic["name"], "llama3.1");
}

#[test]
fn classifies_datasets_code_and_licences() {
    for (gen, expect) in [
        (
            sceau_fixtures::dataset_release as fn(&Path) -> anyhow::Result<()>,
            &[
                ("data/train.jsonl", "dataset", "data"),
                ("datasets/extra.csv", "dataset", "data"),
            ][..],
        ),
        (
            sceau_fixtures::code_release,
            &[
                ("src/train.py", "code", "file"),
                ("NOTICE", "licence", "file"),
                ("COPYING", "licence", "file"),
                ("model.onnx", "weights", "machine-learning-model"),
                ("docs/guide.md", "docs", "file"),
            ][..],
        ),
    ] {
        let (t, d) = fixture(gen);
        let out = t.path().join("bom.json");
        assert_exit(&sceau(&["scan", s(&d), "-o", s(&out)]), 0);
        let bom: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        for (name, kind, ty) in expect {
            let c = component(&bom, name);
            assert_eq!(prop(c, "sceau:kind"), Some(*kind), "{name}");
            assert_eq!(c["type"], *ty, "{name}");
        }
    }
}

#[test]
fn hugging_face_cache_snapshot_is_followed_into_blobs_and_named_by_snapshot_paths() {
    let t = tempfile::tempdir().unwrap();
    sceau_fixtures::hf_cache(t.path()).unwrap();
    let snap = sceau_fixtures::hf_cache_snapshot(t.path());
    let out = t.path().join("bom.json");
    let o = sceau(&["scan", s(&snap), "-o", s(&out), "--json"]);
    assert_exit(&o, 0);
    let summary: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["name"], "example-org/tiny-llm");
    let bom: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let c = component(&bom, "model.safetensors");
    assert_eq!(
        c["hashes"][0]["content"],
        sha256_file(&snap.join("model.safetensors"))
    );
    assert!(bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| !c["name"].as_str().unwrap().contains("blobs")));
}

#[test]
fn json_summary_and_stdout_bom() {
    let (_t, d) = fixture(sceau_fixtures::hf_model);
    let o = sceau(&["scan", s(&d), "--json"]);
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["parameters"], sceau_fixtures::HF_MODEL_PARAMETERS);
    assert_eq!(v["kinds"]["weights"]["files"], 1);
    assert!(v["bom"].is_null());

    let o = sceau(&["scan", s(&d), "-o", "-"]);
    assert_exit(&o, 0);
    let bom: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert!(
        stderr(&o).contains("files"),
        "summary goes to stderr with -o -"
    );

    let o = sceau(&["scan", s(&d), "-o", "-", "--json"]);
    assert_exit(&o, 2);
}

#[test]
fn refuses_to_overwrite_without_force_and_replaces_with_it() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let out = t.path().join("bom.json");
    std::fs::write(&out, b"precious").unwrap();
    let o = sceau(&["scan", s(&d), "-o", s(&out)]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("already exists") && stderr(&o).contains("--force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    assert_exit(&sceau(&["scan", s(&d), "-o", s(&out), "--force"]), 0);
    assert_ne!(std::fs::read(&out).unwrap(), b"precious");
}

#[test]
fn output_inside_the_tree_is_left_out_and_recorded() {
    let (_t, d) = fixture(sceau_fixtures::hf_model);
    let out = d.join("bom.json");
    assert_exit(&sceau(&["scan", s(&d), "-o", s(&out)]), 0);
    let bom: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["name"] != "bom.json"));
    let props = bom["metadata"]["properties"].as_array().unwrap();
    assert!(props
        .iter()
        .any(|p| p["name"] == "sceau:ignore" && p["value"] == "=bom.json"));
}

#[test]
fn git_folder_and_records_are_ignored_by_default() {
    let (t, d) = fixture(
        ReleaseBuilder::new(sceau_fixtures::hf_model)
            .file(".git/HEAD", "ref: refs/heads/main\n")
            .file(".git/objects/info/packs", "")
            .file("old.sceau.json", "{}"),
    );
    let out = t.path().join("bom.json");
    assert_exit(
        &sceau(&["scan", s(&d), "-o", s(&out), "--exclude", "extra/"]),
        0,
    );
    let bom: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    for c in bom["components"].as_array().unwrap() {
        let n = c["name"].as_str().unwrap();
        assert!(
            !n.starts_with(".git/") && !n.ends_with(".sceau.json"),
            "{n}"
        );
    }
}

#[test]
fn malformed_front_matter_is_a_warning_with_its_line() {
    let (t, d) = fixture(
        ReleaseBuilder::new(sceau_fixtures::hf_model)
            .card("---\nlicense: mit\ndatasets: [a, b\n---\n# x\n"),
    );
    let out = t.path().join("bom.json");
    let o = sceau(&["scan", s(&d), "-o", s(&out)]);
    assert_exit(&o, 0);
    let e = stderr(&o);
    assert!(
        e.contains("warning: README.md: front matter is not valid YAML (line"),
        "{e}"
    );
}

#[test]
fn malformed_weight_header_is_reported_for_that_file_only() {
    let mut bytes = u64::MAX.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"{}");
    let (t, d) =
        fixture(ReleaseBuilder::new(sceau_fixtures::hf_model).file("broken.safetensors", bytes));
    let out = t.path().join("bom.json");
    let o = sceau(&["scan", s(&d), "-o", s(&out)]);
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("broken.safetensors: weight header not read"),
        "{}",
        stderr(&o)
    );
    let bom: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        prop(component(&bom, "broken.safetensors"), "sceau:kind"),
        Some("weights")
    );
}

#[cfg(unix)]
mod refusals {
    use super::*;

    /// Runs a scan that must be refused: exit 2, the message, no BOM written.
    fn refused(make: fn(&Path) -> anyhow::Result<Vec<std::path::PathBuf>>, message: &str) {
        let (t, d) = fixture(sceau_fixtures::hf_model);
        make(&d).unwrap();
        let out = t.path().join("bom.json");
        let before = listing(t.path());
        let o = sceau(&["scan", s(&d), "-o", s(&out)]);
        assert_exit(&o, 2);
        let e = stderr(&o);
        assert!(e.contains(message), "expected {message:?} in:\n{e}");
        assert!(e.contains("hint:"), "no hint in:\n{e}");
        assert!(!out.exists(), "a BOM was written");
        assert_eq!(listing(t.path()), before, "files were created");
    }

    #[test]
    fn symlink_leaving_the_tree() {
        refused(
            sceau_fixtures::hostile::symlink_escape,
            "symlink leaves the tree",
        );
    }
    #[test]
    fn symlink_loop() {
        refused(sceau_fixtures::hostile::symlink_loop, "symlink loop");
    }
    #[test]
    fn dangling_symlink() {
        refused(
            sceau_fixtures::hostile::symlink_dangling,
            "dangling symlink",
        );
    }
    #[test]
    fn fifo_is_not_opened() {
        // If sceau opened the FIFO for reading it would block forever; the test would hang.
        refused(
            sceau_fixtures::hostile::fifo,
            "FIFO, not a regular file (not opened)",
        );
    }
    #[test]
    fn socket() {
        refused(
            sceau_fixtures::hostile::socket,
            "socket, not a regular file",
        );
    }
    #[test]
    fn non_utf8_name() {
        refused(
            sceau_fixtures::hostile::non_utf8_name,
            "file name is not valid UTF-8",
        );
    }
    #[test]
    fn nfc_twins() {
        refused(
            sceau_fixtures::hostile::nfc_collision,
            "same name after Unicode NFC normalisation",
        );
    }

    #[test]
    fn device_is_not_opened() {
        let (t, d) = fixture(sceau_fixtures::hf_model);
        let out = t.path().join("bom.json");
        // A real character device (needs root, which CI has); otherwise the symlink case.
        let made = std::process::Command::new("mknod")
            .arg(d.join("null"))
            .args(["c", "1", "3"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if made {
            let o = sceau(&["scan", s(&d), "-o", s(&out)]);
            assert_exit(&o, 2);
            assert!(
                stderr(&o).contains("character device, not a regular file"),
                "{}",
                stderr(&o)
            );
            std::fs::remove_file(d.join("null")).unwrap();
        } else {
            eprintln!("mknod not permitted: checking a symlink to /dev/zero only");
        }
        std::os::unix::fs::symlink("/dev/zero", d.join("zero")).unwrap();
        let o = sceau(&["scan", s(&d), "-o", s(&out)]);
        assert_exit(&o, 2);
        assert!(
            stderr(&o).contains("symlink leaves the tree"),
            "{}",
            stderr(&o)
        );
        assert!(!out.exists());
    }

    #[test]
    fn case_twins_are_a_warning_not_a_refusal() {
        let (t, d) = fixture(sceau_fixtures::hf_model);
        sceau_fixtures::hostile::case_collision(&d).unwrap();
        let out = t.path().join("bom.json");
        let o = sceau(&["scan", s(&d), "-o", s(&out)]);
        assert_exit(&o, 0);
        assert!(stderr(&o).contains("differ only by case"), "{}", stderr(&o));
    }

    #[test]
    fn not_a_directory() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("file");
        std::fs::write(&f, b"x").unwrap();
        let o = sceau(&["scan", s(&f)]);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains("not a directory"));
    }
}
