//! The documents cite tests by path (`catalogue::tree::truncated_file_…`, SECURITY.md's
//! catalogue table, spec/): each cited test must exist, so that a renamed or removed test
//! cannot leave a case documented as covered when nothing covers it.
use std::path::{Path, PathBuf};

/// The integration-test modules, which are what the documents cite.
const MODULES: &[&str] = &[
    "attestation",
    "catalogue",
    "cdxgen",
    "claims",
    "docs",
    "forms",
    "golden",
    "habits",
    "hashing",
    "hf_hub",
    "interop",
    "keys",
    "lineage",
    "policy",
    "scan",
    "schema",
    "sign_verify",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file of the module `name` (a file or a folder of files).
fn module_files(name: &str) -> Vec<PathBuf> {
    let base = root().join("tests/integration");
    let file = base.join(format!("{name}.rs"));
    if file.is_file() {
        return vec![file];
    }
    std::fs::read_dir(base.join(name))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// The spans between backticks that look like test paths: `module::…::name`.
fn cited(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.contains("::"))
        .filter(|s| {
            s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':')
        })
        .filter(|s| MODULES.contains(&s.split("::").next().unwrap_or_default()))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_test_the_documents_cite_exists() {
    let mut docs = vec![root().join("SECURITY.md"), root().join("README.md")];
    for e in std::fs::read_dir(root().join("spec"))
        .expect("spec/")
        .flatten()
    {
        docs.push(e.path());
    }
    let mut checked = 0;
    let mut missing = Vec::new();
    for d in &docs {
        let text = std::fs::read_to_string(d).expect("document");
        for path in cited(&text) {
            let segs: Vec<&str> = path.split("::").collect();
            let files = module_files(segs[0]);
            assert!(!files.is_empty(), "{}: {path}: no such module", d.display());
            let last = segs[segs.len() - 1];
            // `catalogue::fs` names a module (a file of the folder), not a test.
            if segs.len() == 2 && files.iter().any(|f| f.file_stem() == Some(last.as_ref())) {
                continue;
            }
            let found = files.iter().any(|f| {
                std::fs::read_to_string(f).is_ok_and(|t| t.contains(&format!("fn {last}(")))
            });
            checked += 1;
            if !found {
                missing.push(format!("{}: {path}", d.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "cited tests not found:\n{}",
        missing.join("\n")
    );
    // SECURITY.md's catalogue alone cites well over a hundred.
    assert!(
        checked > 100,
        "only {checked} citations found: is the parser broken?"
    );
}

/// Every text file of the project under `dir` (sources, specs, scripts), skipping build output.
fn project_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if !matches!(
                name.as_str(),
                "target" | ".git" | "corpus" | "artifacts" | "node_modules"
            ) {
                project_files(&p, out);
            }
        } else if [".rs", ".md", ".toml", ".sh"]
            .iter()
            .any(|x| name.ends_with(x))
            || name == "run"
        {
            out.push(p);
        }
    }
}

/// The project is self-contained: no source, spec, script or document cites the design notes
/// or any file outside the repository (spec/architecture.md is where the design lives).
#[test]
fn the_project_cites_nothing_outside_itself() {
    let mut files = Vec::new();
    project_files(root(), &mut files);
    assert!(files.len() > 100, "only {} files found", files.len());
    let outside = ["../shared", "DESIGN.md", "DESIGN §", "STYLE.md", "STYLE §"];
    let mut hits = Vec::new();
    for f in &files {
        if f.ends_with("tests/integration/docs.rs") {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for o in outside {
            if text.contains(o) {
                hits.push(format!("{}: {o}", f.display()));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "citations outside the repository:\n{}",
        hits.join("\n")
    );
}

/// spec/architecture.md §1: a command is arguments → one library call → rendering; helpers
/// several commands use live outside `commands/`, so no command file imports another.
#[test]
fn no_command_imports_another() {
    let dir = root().join("crates/cli/commands");
    let mut hits = Vec::new();
    for e in std::fs::read_dir(&dir).expect("commands/").flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        if text.contains("crate::commands::") || text.contains("super::") {
            hits.push(e.path().display().to_string());
        }
    }
    assert!(
        hits.is_empty(),
        "command files importing commands: {hits:?}"
    );
}
