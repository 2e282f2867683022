#!/usr/bin/env bash
# Benchmarks behind BENCHMARKS.md (issue 6): sceau's hashing against sha256sum, openssl and the
# OpenSSF model_signing CLI, in one run, alternating, several rounds; medians are reported.
#
# Usage: scripts/bench.sh [ROUNDS]      (default 5)
# Environment:
#   BENCH_DIR   work folder OUTSIDE the repository (default: a new /tmp/sceau-bench.XXXX);
#               the synthetic data (≈ 4.1 GiB), the venv and the keys are kept there and
#               reused by the next run with the same BENCH_DIR; remove it when done.
# Needs: cargo, python3 (venv + pip reaching PyPI), openssl, sha256sum. Linux (reads /proc).
# Writes: $BENCH_DIR/results.json and a Markdown summary on standard output.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
ROUNDS=${1:-5}

if [ ! -x /usr/bin/time ]; then
  # GNU time reports the peak RSS of the command it runs (and of its children).
  echo "== installing GNU time" >&2
  (apt-get update -qq && apt-get install -y -qq time) >/dev/null
fi

echo "== build (release)" >&2
cargo build --release -q -p sceau -p sceau-bench
SCEAU=$REPO/target/release/sceau
BENCH=$REPO/target/release/sceau-bench

BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/sceau-bench.XXXX)}
case "$(realpath "$BENCH_DIR")/" in
  "$REPO"/*) echo "BENCH_DIR must lie outside the repository" >&2; exit 2 ;;
esac
mkdir -p "$BENCH_DIR"
cd "$BENCH_DIR"
echo "== work folder $BENCH_DIR" >&2

# Fast pseudo-random bytes (AES-CTR keystream): incompressible, GB/s.
gen() { # gen FILE BYTES SEED
  [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$2" ] && return 0
  # openssl dies of SIGPIPE when head has enough: not an error here.
  { openssl enc -aes-128-ctr -nosalt -pass "pass:sceau-$3" -pbkdf2 < /dev/zero 2>/dev/null || true; } \
    | head -c "$2" > "$1.tmp"
  [ "$(stat -c %s "$1.tmp")" = "$2" ] || { echo "could not generate $1" >&2; exit 1; }
  mv "$1.tmp" "$1"
}

echo "== synthetic data" >&2
mkdir -p tree/small single empty tiny
for i in 0 1 2 3; do gen "tree/shard-$i.safetensors" $((512 << 20)) "big$i"; done
for i in $(seq -w 0 199); do
  gen "tree/small/f$i.json" $(( (10#$i * 2749 % 65536) + 512 )) "small$i"
done
gen single/model.gguf $((2048 << 20)) single
gen tiny/config.json 1024 tiny
# Files must have aged RACY_MARGIN (2 s) before a cached run may store them (spec/hashing.md §4.2).
sleep 3

echo "== model_signing 1.1.1 in a venv" >&2
if [ ! -x venv/bin/model_signing ]; then
  python3 -m venv venv
  venv/bin/pip install -q --disable-pip-version-check 'model-signing==1.1.1' pyopenssl
fi
[ -f k.pem ] || openssl ecparam -name prime256v1 -genkey -noout -out k.pem

echo "== sceau keys and records" >&2
[ -f sk.key ] || "$SCEAU" keygen -o sk --no-passphrase >/dev/null
"$SCEAU" sign tree --key sk.key -o tree.sceau.json --force -q >/dev/null
"$SCEAU" sign single --key sk.key -o single.sceau.json --force -q >/dev/null
"$SCEAU" sign single --key sk.key -o single-b3.sceau.json --force -q --parallel-digest >/dev/null

echo "== a full digest cache (65 200 made-up entries + the tree's)" >&2
rm -rf full-cache
"$BENCH" fillcache full-cache 65200 >/dev/null
"$SCEAU" verify --key sk.pub -q --record tree.sceau.json --cache-dir full-cache tree >/dev/null

echo "== warm the page cache" >&2
cat tree/*.safetensors tree/small/* single/* > /dev/null
cat tree/*.safetensors tree/small/* single/* > /dev/null

export SCEAU="$SCEAU" BENCH="$BENCH" ROUNDS BENCH_DIR REPO
exec python3 - <<'PY'
import json, os, statistics, subprocess, sys, time

S, B, R, D = os.environ["SCEAU"], os.environ["BENCH"], int(os.environ["ROUNDS"]), os.environ["BENCH_DIR"]
os.chdir(D)
cores = os.cpu_count() or 2
MS = os.path.join(D, "venv/bin/model_signing")

RSS = os.path.join(D, "rss.txt")
HZ = os.sysconf("SC_CLK_TCK")
def busy_s():
    """CPU seconds all cores spent busy so far (user, nice, system, irq, softirq, steal)."""
    f = open("/proc/stat").readline().split()[1:]
    return sum(int(f[i]) for i in (0, 1, 2, 5, 6, 7)) / HZ

disturbed = {}
def run(cmd, env=None, shell=False, tries=6, before=None):
    """Runs cmd; when other processes (or the hypervisor, as steal time) took noticeable CPU
    during the run, the sample is disturbed: it is run again, up to `tries` times, and the
    number of disturbed samples thrown away is reported. The machine is shared."""
    for _ in range(tries):
        if before:
            before()
        b0 = busy_s()
        wall, rss, err, cpu = run_once(cmd, env, shell)
        other = busy_s() - b0 - cpu
        if other < 0.03 + 0.03 * wall * cores:
            break
        disturbed[cmd_name[0]] = disturbed.get(cmd_name[0], 0) + 1
    return wall, rss, err

cmd_name = [""]
def run_once(cmd, env=None, shell=False):
    """Wall seconds, peak RSS (KiB, the largest process of the run, from GNU time: the
    rusage this Python process would get is polluted by its own RSS, inherited at fork),
    stderr. The wall time includes GNU time's own fork and exec (≈ 1 ms), for every tool."""
    e = dict(os.environ, **(env or {}))
    argv = ["/usr/bin/time", "-f", "%M %U %S", "-o", RSS] + (["bash", "-c", cmd] if shell else cmd)
    t = time.perf_counter()
    p = subprocess.run(argv, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    err = p.stderr.decode(errors="replace")
    if p.returncode != 0:
        sys.exit(f"failed: {cmd}\n{err}")
    m, u, s_ = open(RSS).read().split()[-3:]
    return wall, int(m), err, float(u) + float(s_)

def files(d):
    out = []
    for root, _, names in os.walk(d):
        out += [os.path.join(root, n) for n in names]
    return out

def split(paths, n):
    """n groups of near-equal bytes, largest file first (what a person would do by hand)."""
    groups = [[0, []] for _ in range(n)]
    for p in sorted(paths, key=os.path.getsize, reverse=True):
        g = min(groups, key=lambda g: g[0])
        g[0] += os.path.getsize(p)
        g[1].append(p)
    return [g[1] for g in groups if g[1]]

def per_core(tool, paths):
    cmds = " & ".join(f"{tool} {' '.join(map(repr, g))} >/dev/null" for g in split(paths, cores))
    return f"{cmds} & wait"

tree_files = files("tree")
tree_bytes = sum(map(os.path.getsize, tree_files))
single_bytes = os.path.getsize("single/model.gguf")

def timings(err):
    line = [l for l in err.splitlines() if l.startswith("timings:")][-1]
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}

cache = os.path.join(D, "cache")
def rm_cache():
    subprocess.run(["rm", "-rf", cache], check=True)

verify = [S, "verify", "--key", "sk.pub", "-q"]
PY_READ = """import hashlib, sys
h = hashlib.sha256(); f = open(sys.argv[1], 'rb', buffering=0); b = bytearray(1 << 20); m = memoryview(b)
while (n := f.readinto(b)):
    h.update(m[:n])
"""
PY_MMAP = """import hashlib, mmap, sys
f = open(sys.argv[1], 'rb'); m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
m.madvise(mmap.MADV_SEQUENTIAL); hashlib.sha256(m)
"""
cases = {
    # Tree: 4 x 512 MiB + 200 small files.
    "tree/sceau scan": lambda: run([S, "scan", "tree", "-q"], env={"SCEAU_TIMINGS": "1"}),
    "tree/sha256sum x cores": lambda: run(per_core("sha256sum", tree_files), shell=True),
    "tree/openssl dgst x cores": lambda: run(per_core("openssl dgst -sha256", tree_files), shell=True),
    "tree/model_signing sign": lambda: run([MS, "sign", "key", "--private_key", "k.pem",
                                           "--signature", os.path.join(D, "ms.sig"), "tree"]),
    "tree/sceau engine only": lambda: run([B, "engine", "tree", "sha256"]),
    # One 2 GiB file.
    "single/sceau verify, SHA-256": lambda: run(verify + ["--record", "single.sceau.json", "single"]),
    "single/sceau verify, BLAKE3": lambda: run(verify + ["--record", "single-b3.sceau.json", "single"]),
    "single/sceau scan --parallel-digest": lambda: run([S, "scan", "single", "-q", "--parallel-digest"]),
    "single/sceau scan": lambda: run([S, "scan", "single", "-q"]),
    # The parallel digest's scaling: the engine alone, BLAKE3 pieces on 1 and on all workers.
    "single/engine BLAKE3, 1 worker": lambda: run([B, "engine", "single", "blake3", "1"]),
    "single/engine BLAKE3, all workers": lambda: run([B, "engine", "single", "blake3"]),
    "single/engine SHA-256": lambda: run([B, "engine", "single", "sha256"]),
    # What read()'s copy out of the page cache costs one core: OpenSSL SHA-256 through
    # Python's hashlib, 1 MiB read() calls against one mmap (what sceau refuses: SIGBUS).
    "single/hashlib sha256 read() 1 MiB": lambda: run(["python3", "-c", PY_READ, "single/model.gguf"]),
    "single/hashlib sha256 mmap": lambda: run(["python3", "-c", PY_MMAP, "single/model.gguf"]),
    # Digest cache: cold (empty cache) then warm, on the 2 GiB tree.
    "cache/verify --cache cold": lambda: run(verify + ["--record", "tree.sceau.json", "--cache-dir", cache, "tree"], before=rm_cache),
    "cache/verify --cache warm": lambda: run(verify + ["--record", "tree.sceau.json", "--cache-dir", cache, "tree"]),
    "cache/verify --cache warm, full cache": lambda: run(verify + ["--record", "tree.sceau.json", "--cache-dir", "full-cache", "tree"]),
    # Start-up.
    "startup/sceau --version": lambda: run([S, "--version"]),
    "startup/sceau scan (empty folder)": lambda: run([S, "scan", "empty", "-q"], env={"SCEAU_TIMINGS": "1"}),
    "startup/sceau scan (one 1 KiB file)": lambda: run([S, "scan", "tiny", "-q"], env={"SCEAU_TIMINGS": "1"}),
    "startup/model_signing sign (one 1 KiB file)": lambda: run([MS, "sign", "key", "--private_key", "k.pem",
                                                     "--signature", os.path.join(D, "ms-tiny.sig"), "tiny"]),
}
bytes_of = {"tree": tree_bytes, "single": single_bytes, "cache": tree_bytes}

def sh(c):
    return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
flags = open("/proc/cpuinfo").read().split()
machine = {
    "cpu": sh("lscpu | sed -n 's/^Model name: *//p' | head -1"),
    "cores": cores,
    "sha_ni": "sha_ni" in flags, "avx2": "avx2" in flags, "avx512f": "avx512f" in flags,
    "ram_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    "kernel": os.uname().release,
    "rustc": sh("rustc --version"), "openssl": sh("openssl version"),
    "sha256sum": sh("sha256sum --version | head -1"),
    "model_signing": sh(f"{D}/venv/bin/pip show model-signing | sed -n 's/^Version: //p'"),
    "loadavg_before": open("/proc/loadavg").read().split()[:3],
}
res = {k: [] for k in cases}
extra = {"first_byte_ms": [], "hash_ms": [], "hash_mb_s": [], "walk_ms": [], "startup_first_byte_ms": []}
for r in range(R):
    names = list(cases)
    if r % 2:
        names.reverse()   # alternate the order every round
    # keep cold before warm whatever the order
    names.remove("cache/verify --cache warm")
    names.insert(names.index("cache/verify --cache cold") + 1, "cache/verify --cache warm")
    for n in names:
        cmd_name[0] = n
        wall, rss, err = cases[n]()
        res[n].append((wall, rss))
        if n == "tree/sceau scan":
            t = timings(err)
            for k in ("first_byte_ms", "hash_ms", "hash_mb_s", "walk_ms"):
                extra[k].append(t[k])
        if n == "startup/sceau scan (one 1 KiB file)":
            extra["startup_first_byte_ms"].append(timings(err)["first_byte_ms"])
    print(f"round {r + 1}/{R} done", file=sys.stderr)

med = lambda xs: statistics.median(xs)
summary = {}
for n, xs in res.items():
    w = med([x[0] for x in xs]); rss = max(x[1] for x in xs)
    b = bytes_of.get(n.split("/")[0])
    summary[n] = {"wall_s": w, "min_s": min(x[0] for x in xs), "max_s": max(x[0] for x in xs),
                  "mb_s": (b / 1e6 / w) if b and not n.startswith("startup") else None,
                  "peak_rss_mib": rss / 1024, "samples_s": [x[0] for x in xs]}
for k, xs in extra.items():
    summary["extra/" + k] = med(xs)
# model_signing's fixed cost (interpreter, imports, key, signature) from the 1 KiB run.
ms_fixed = summary["startup/model_signing sign (one 1 KiB file)"]["wall_s"]
summary["extra/model_signing_hash_only_mb_s"] = tree_bytes / 1e6 / (summary["tree/model_signing sign"]["wall_s"] - ms_fixed)
prim = subprocess.run([B, "primitives", "256"], capture_output=True, text=True, check=True).stdout
summary["primitives"] = prim.strip().splitlines()
load = open("/proc/loadavg").read().split()[:3]
summary["loadavg_after"] = load
summary["rounds"] = R
summary["machine"] = machine
summary["disturbed_samples_rerun"] = disturbed
json.dump(summary, open("results.json", "w"), indent=1)

def cell(n):
    s = summary[n]
    mb = f"{s['mb_s']:.0f}" if s["mb_s"] else "–"
    return f"| {n} | {s['wall_s']*1e3:.1f} | {s['min_s']*1e3:.1f}–{s['max_s']*1e3:.1f} | {mb} | {s['peak_rss_mib']:.1f} |"
print("machine: " + json.dumps(machine) + "\n")
print(f"rounds: {R}, median wall time; tree {tree_bytes} bytes ({len(tree_files)} files), single {single_bytes} bytes; load after: {' '.join(load)}\n")
print("| case | median ms | range ms | MB/s (10^6) | peak RSS MiB |\n|---|---|---|---|---|")
for n in cases:
    print(cell(n))
print()
for k in extra:
    print(f"- {k}: {summary['extra/' + k]:.3f}")
print(f"- samples re-run because other processes took CPU during them: {disturbed or 'none'}")
print(f"- model_signing hash-only estimate (wall − its 1 KiB run): {summary['extra/model_signing_hash_only_mb_s']:.0f} MB/s")
for l in summary["primitives"]:
    print(f"- {l}")
PY
