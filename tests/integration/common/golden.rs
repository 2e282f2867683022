//! Golden outputs: a few human reports compared byte for byte with a file in
//! `tests/integration/snapshots/`. Everything else is asserted on JSON ids and fields; these
//! guard the human layout itself.
//!
//! `SCEAU_UPDATE_SNAPSHOTS=1 cargo test --test integration golden` rewrites the files; review
//! the diff before committing it.
use std::path::Path;

/// Replaces each `(path, placeholder)` in `text`, longest path first, so that temporary
/// folders print the same in every run (`/tmp/.tmpAbC123/release` → `$LAB/release`).
pub fn normalise(text: &str, paths: &[(&Path, &str)]) -> String {
    let mut paths: Vec<(String, &str)> = paths
        .iter()
        .map(|(p, name)| (p.display().to_string(), *name))
        .collect();
    paths.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    let mut out = text.to_owned();
    for (p, name) in paths {
        out = out.replace(&p, name);
    }
    out
}

/// Asserts `text` is exactly `tests/integration/snapshots/NAME.txt`; with
/// `SCEAU_UPDATE_SNAPSHOTS=1`, writes it there instead (and passes).
#[track_caller]
pub fn assert_golden(name: &str, text: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/integration/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("SCEAU_UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(file.parent().expect("parent")).expect("snapshots/");
        std::fs::write(&file, text).expect("write snapshot");
        eprintln!("updated {}", file.display());
        return;
    }
    let want = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with SCEAU_UPDATE_SNAPSHOTS=1 to create it. The output was:\n{text}",
            file.display()
        )
    });
    if want != text {
        let diff: Vec<String> = want
            .lines()
            .zip(text.lines())
            .enumerate()
            .filter(|(_, (w, g))| w != g)
            .take(10)
            .map(|(i, (w, g))| format!("line {}:\n  want {w:?}\n  got  {g:?}", i + 1))
            .collect();
        panic!(
            "output differs from {} ({} lines wanted, {} got):\n{}\nThe output was:\n{text}\n\
             If the change is intended, run with SCEAU_UPDATE_SNAPSHOTS=1 and review the diff.",
            file.display(),
            want.lines().count(),
            text.lines().count(),
            diff.join("\n")
        );
    }
}
