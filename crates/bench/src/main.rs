//! `sceau-bench`: the measurements behind BENCHMARKS.md, run by scripts/bench.sh.
//!
//! - `sceau-bench primitives [MIB]`: in-memory rates of the digest primitives, one thread and
//!   one per core: OpenSSL SHA-256 (sceau's backend), `sha2`, BLAKE3 (single-threaded SIMD).
//! - `sceau-bench engine DIR [sha256|blake3|both] [THREADS]`: the hashing engine alone
//!   (walk excluded) on DIR's files, as `sceau scan` (sha256, both) or `sceau verify` (blake3)
//!   drive it; prints MB/s (10^6 bytes) and peak RSS.
//! - `sceau-bench readsize FILE`: one thread, `read()` with 64 KiB–4 MiB buffers + SHA-256.
//! - `sceau-bench warm DIR CACHE_DIR`: phases of a warm cached check (walk, load, lookups, save).
//! - `sceau-bench fillcache CACHE_DIR N`: adds N made-up entries to a cache (a full cache's cost).
//!
//! - `sceau-bench fp-time FILE | fp-synth DIR GIB | fp-match FILE N | fp-k CHILD PARENT…`:
//!   weight fingerprints (see `fingerprint.rs`).
//! - `sceau-bench fp-store STORE N FILE`: `sceau match` against a store of N signed records
//!   (see `store.rs`).
//!
//! Output is one `key=value` line per measurement, easy to grep from a script.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::time::Instant;

use sceau_scan::hash::{hash_files_with, HashOptions, Need, NoProgress};

mod fingerprint;
mod store;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn rate(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs
}

fn primitives(mib: usize) {
    let data: Vec<u8> = (0..mib << 20).map(|i| (i * 7 + (i >> 13)) as u8).collect();
    let bytes = data.len() as u64;
    let cores = sceau_scan::default_threads();
    let time = |f: &(dyn Fn() + Sync), threads: usize| -> f64 {
        f(); // warm
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            std::thread::scope(|s| {
                for _ in 0..threads {
                    s.spawn(f);
                }
            });
            best = best.min(t.elapsed().as_secs_f64());
        }
        rate(bytes * threads as u64, best)
    };
    let ossl = || {
        let mut h = sceau_scan::hash::Sha256::new();
        for c in data.chunks(1 << 20) {
            h.update(c);
        }
        std::hint::black_box(h.finish());
    };
    let rust_sha2 = || {
        use sha2::Digest as _;
        let mut h = sha2::Sha256::new();
        for c in data.chunks(1 << 20) {
            h.update(c);
        }
        std::hint::black_box(h.finalize());
    };
    let b3 = || {
        let mut h = blake3::Hasher::new();
        for c in data.chunks(1 << 20) {
            h.update(c);
        }
        std::hint::black_box(h.finalize());
    };
    for (name, f) in [
        ("sha256_openssl", &ossl as &(dyn Fn() + Sync)),
        ("sha256_sha2", &rust_sha2),
        ("blake3", &b3),
    ] {
        println!(
            "primitive={name} threads=1 mb_s={:.0} threads={cores} mb_s_all={:.0}",
            time(f, 1),
            time(f, cores)
        );
    }
}

fn engine(dir: &Path, need: &str, threads: usize) {
    let w = match sceau_scan::walk(dir, &sceau_core::IgnoreRules::default()) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let need = match need {
        "sha256" => Need::Sha256,
        "both" => Need::Sha256AndBlake3,
        "blake3" => Need::Blake3,
        other => {
            eprintln!("unknown need {other}: sha256, both or blake3");
            std::process::exit(2);
        }
    };
    let needs = vec![need; w.files.len()];
    let bytes: u64 = w.files.iter().map(|f| f.size).sum();
    let opts = HashOptions {
        threads,
        cache: None,
    };
    let t = Instant::now();
    if let Err(e) = hash_files_with(&w.files, &needs, &opts, &NoProgress) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "engine need={need:?} threads={threads} files={} bytes={bytes} secs={secs:.4} mb_s={:.0} peak_rss_kib={}",
        w.files.len(),
        rate(bytes, secs),
        peak_rss_kib()
    );
}

/// One thread, `read()` into buffers of several sizes, OpenSSL SHA-256: what the buffer size
/// and the copy out of the page cache cost against the in-memory rate.
fn read_sizes(file: &Path) {
    use std::io::Read as _;
    for kib in [64usize, 256, 1024, 4096] {
        let mut best = f64::MAX;
        let mut bytes = 0u64;
        for _ in 0..3 {
            let mut f = match std::fs::File::open(file) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    std::process::exit(2);
                }
            };
            let mut buf = vec![0u8; kib << 10];
            let mut h = sceau_scan::hash::Sha256::new();
            let t = Instant::now();
            bytes = 0;
            loop {
                match f.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        h.update(&buf[..n]);
                        bytes += n as u64;
                    }
                    Err(e) => {
                        eprintln!("{e}");
                        std::process::exit(1);
                    }
                }
            }
            std::hint::black_box(h.finish());
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("read_size_kib={kib} sha256_mb_s={:.0}", rate(bytes, best));
    }
}

/// The phases of a warm cached check of DIR with the cache in CACHE_DIR: walk, cache load,
/// lookups (every file a hit when warm), save. Microseconds, best of 20.
fn warm(dir: &Path, cache_dir: &Path) {
    let mut best = [f64::MAX; 4];
    let mut first = [0f64; 4];
    let mut hits = 0;
    for round in 0..20 {
        let t0 = Instant::now();
        let w = match sceau_scan::walk(dir, &sceau_core::IgnoreRules::default()) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        let t1 = Instant::now();
        let cache = sceau_scan::DigestCache::open(cache_dir);
        let t2 = Instant::now();
        let needs = vec![Need::Sha256; w.files.len()];
        let opts = HashOptions {
            threads: 2,
            cache: Some(&cache),
        };
        let d = hash_files_with(&w.files, &needs, &opts, &NoProgress).unwrap_or_default();
        hits = d.iter().filter(|d| d.cached).count();
        let t3 = Instant::now();
        let _ = cache.save();
        let t4 = Instant::now();
        for (i, (a, z)) in [(t0, t1), (t1, t2), (t2, t3), (t3, t4)].iter().enumerate() {
            let us = (*z - *a).as_secs_f64() * 1e6;
            best[i] = best[i].min(us);
            if round == 0 {
                first[i] = us;
            }
        }
    }
    println!(
        "warm first run: walk_us={:.0} cache_open_us={:.0} lookup_us={:.0} save_us={:.0}; best of 20: {:.0} {:.0} {:.0} {:.0}; hits={hits}",
        first[0], first[1], first[2], first[3], best[0], best[1], best[2], best[3]
    );
}

/// Fills the cache in CACHE_DIR with N made-up entries (for measuring a full cache's cost).
fn fill_cache(cache_dir: &Path, n: u64) {
    let cache = sceau_scan::DigestCache::open(cache_dir);
    let d = sceau_scan::Digests {
        sha256: Some(sceau_core::Sha256Digest([7; 32])),
        blake3: None,
        cached: false,
    };
    for i in 0..n {
        let st = sceau_scan::hash::Stamp {
            dev: 1,
            ino: i,
            len: 1,
            mtime: (1, 0),
            ctime: (1, 0),
        };
        cache.insert(&st, &d, std::time::SystemTime::now());
    }
    if let Err(e) = cache.save() {
        eprintln!("{e}");
        std::process::exit(1);
    }
    println!("fillcache entries={}", cache.len());
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("primitives") => primitives(args.get(1).and_then(|s| s.parse().ok()).unwrap_or(256)),
        Some("readsize") if args.len() >= 2 => read_sizes(Path::new(&args[1])),
        Some("warm") if args.len() >= 3 => warm(Path::new(&args[1]), Path::new(&args[2])),
        Some("fillcache") if args.len() >= 3 => {
            fill_cache(Path::new(&args[1]), args[2].parse().unwrap_or(0))
        }
        Some("engine") if args.len() >= 2 => engine(
            Path::new(&args[1]),
            args.get(2).map_or("sha256", String::as_str),
            args.get(3)
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(sceau_scan::default_threads),
        ),
        Some("fp-time") if args.len() >= 2 => fingerprint::time(Path::new(&args[1])),
        Some("fp-synth") if args.len() >= 3 => {
            fingerprint::synth(Path::new(&args[1]), args[2].parse().unwrap_or(2))
        }
        Some("fp-match") if args.len() >= 3 => {
            fingerprint::matching(Path::new(&args[1]), args[2].parse().unwrap_or(1000))
        }
        Some("fp-store") if args.len() >= 4 => store::run(
            Path::new(&args[1]),
            args[2].parse().unwrap_or(1000),
            Path::new(&args[3]),
        ),
        Some("fp-store-key") if args.len() >= 2 => store::write_key(Path::new(&args[1])),
        Some("fp-k") if args.len() >= 3 => fingerprint::k_choice(Path::new(&args[1]), &args[2..]),
        _ => {
            eprintln!(
                "usage: sceau-bench primitives [MIB] | engine DIR [sha256|blake3|both] [THREADS] | readsize FILE | warm DIR CACHE_DIR | fillcache CACHE_DIR N | fp-time FILE | fp-synth DIR GIB | fp-match FILE N | fp-store STORE N FILE | fp-k CHILD PARENT..."
            );
            std::process::exit(2);
        }
    }
}
