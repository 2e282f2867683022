//! Prints the evidence of comparing two weight files (development aid):
//! `cargo run -p sceau-fingerprint --example compare -- CHILD PARENT [-v]`.
#![allow(clippy::print_stdout)]

use std::path::Path;

use sceau_fingerprint::{compare, Fingerprint, Format};

fn fp(p: &str) -> Fingerprint {
    let path = Path::new(p);
    let format = Format::from_path(path).unwrap_or_else(|| panic!("{p}: unknown format"));
    Fingerprint::from_file(path, format).unwrap_or_else(|e| panic!("{e}"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (a, b) = (fp(&args[1]), fp(&args[2]));
    let verbose = args.iter().any(|x| x == "-v");
    println!(
        "child: {} sketches, {} skipped; parent: {} sketches, {} skipped",
        a.tensors.len(),
        a.skipped.len(),
        b.tensors.len(),
        b.skipped.len()
    );
    if verbose {
        for s in a.skipped.iter().chain(&b.skipped) {
            println!("  skipped {} {:?}: {}", s.name, s.dims, s.reason);
        }
    }
    let e = compare(&a, &b);
    for p in &e.pairs {
        if verbose || p.role.is_matrix() {
            println!(
                "{:>9.6} {:?} {:?} {:?} {} <- {} ({:?} {}→{}) std×{:.3}{}",
                p.similarity,
                p.level,
                p.matched_by,
                p.role,
                p.child,
                p.parent,
                p.role,
                p.parent_dtype,
                p.child_dtype,
                p.std_ratio,
                if p.rows_changed { " rows changed" } else { "" }
            );
        }
    }
    for u in &e.unmatched {
        println!(
            "unmatched {} {:?} comparable={}",
            u.name, u.role, u.comparable
        );
    }
    println!("{:#?}", e.summary());
    println!("looks like: {}", e.relation());
}
