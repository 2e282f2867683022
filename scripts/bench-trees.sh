#!/usr/bin/env bash
# Benchmarks of big trees behind BENCHMARKS.md ("Trees of many files", spec/manifest.md):
# sceau scan / sign / verify against `find | xargs -P$(nproc) sha256sum` and the OpenSSF
# model_signing CLI on 100 000 files of 8 KiB, and sceau alone on trees of 1M (and, with
# TREES=..., more) small files for time and peak memory. One run, the tools alternating in
# every round; medians reported. With OLD_SCEAU=path/to/an/older/sceau the older binary runs
# in the same rounds (before/after).
#
# Usage: scripts/bench-trees.sh [ROUNDS]          (default 3)
# Environment:
#   BENCH_DIR  work folder OUTSIDE the repository (default: a new /tmp/sceau-trees.XXXX); the
#              trees (≈ 0.9 GB for 100k × 8 KiB, ≈ 4.3 GB of inodes and blocks for 1M) are kept
#              and reused by the next run with the same BENCH_DIR; remove it when done.
#   TREES      sizes of the many-small-files trees, in files (default "1000000"; "" for none).
#   SCEAU      the sceau binary to measure (default: built here, target/release/sceau).
#   OLD_SCEAU  an older sceau binary to compare with (optional).
#   NO_MODEL_SIGNING=1  skip model_signing (no venv, no PyPI).
# Needs: cargo, python3, GNU time (installed from apt when absent), sha256sum, xargs.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
ROUNDS=${1:-3}
TREES=${TREES-1000000}

if [ ! -x /usr/bin/time ]; then
  echo "== installing GNU time" >&2
  (apt-get update -qq && apt-get install -y -qq time) >/dev/null
fi

if [ -z "${SCEAU:-}" ]; then
  echo "== build (release)" >&2
  cargo build --release -q -p sceau
  SCEAU=$REPO/target/release/sceau
fi

BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/sceau-trees.XXXX)}
case "$(realpath "$BENCH_DIR")/" in
  "$REPO"/*) echo "BENCH_DIR must lie outside the repository" >&2; exit 2 ;;
esac
mkdir -p "$BENCH_DIR"
cd "$BENCH_DIR"
echo "== work folder $BENCH_DIR" >&2

# make_tree DIR FILES SIZE: FILES files of SIZE random bytes, 1 000 per folder, under DIR/data,
# beside a card and a config at the root. Kept when complete.
make_tree() {
  [ -f "$1/.complete" ] && return 0
  echo "== generating $1: $2 files of $3 bytes" >&2
  rm -rf "$1"
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
root, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(os.path.join(root, "data"))
with open(os.path.join(root, "README.md"), "w") as f:
    f.write("---\nlicense: cc-by-4.0\n---\n# a dataset of many small files\n")
blob = os.urandom(size + 4096)
for i in range(n):
    d = os.path.join(root, "data", f"d{i // 1000:05d}")
    if i % 1000 == 0:
        os.mkdir(d)
    with open(os.path.join(d, f"f{i % 1000:03d}.bin"), "wb") as f:
        off = (i * 7919) % 4096
        f.write(i.to_bytes(8, "little") + blob[off:off + size - 8])
PY
  touch "$1/.complete"
}

make_tree t100k 100000 8192
for n in $TREES; do make_tree "t$n" "$n" 64; done

MS=""
if [ "${NO_MODEL_SIGNING:-}" != 1 ]; then
  echo "== model_signing 1.1.1 in a venv" >&2
  if [ ! -x venv/bin/model_signing ]; then
    python3 -m venv venv
    venv/bin/pip install -q --disable-pip-version-check 'model-signing==1.1.1' pyopenssl
  fi
  [ -f k.pem ] || openssl ecparam -name prime256v1 -genkey -noout -out k.pem
  MS=$BENCH_DIR/venv/bin/model_signing
fi
[ -f sk.key ] || "$SCEAU" keygen -o sk --no-passphrase >/dev/null

echo "== warm the page cache" >&2
for t in t100k $(for n in $TREES; do echo "t$n"; done); do
  find "$t" -type f -print0 | xargs -0 -P"$(nproc)" -n 2000 cat >/dev/null
done

export SCEAU MS ROUNDS BENCH_DIR TREES OLD_SCEAU="${OLD_SCEAU:-}"
exec python3 - <<'PY'
import os, statistics, subprocess, sys, time

S, MS, R, D = os.environ["SCEAU"], os.environ["MS"], int(os.environ["ROUNDS"]), os.environ["BENCH_DIR"]
OLD = os.environ["OLD_SCEAU"]
TREES = os.environ["TREES"].split()
os.chdir(D)
cores = os.cpu_count() or 2
RSS = os.path.join(D, "rss.txt")

def load():
    return float(open("/proc/loadavg").read().split()[0])

def run(cmd, shell=False, ok=(0,)):
    """Wall seconds and peak RSS (MiB, of the largest process, from GNU time)."""
    argv = ["/usr/bin/time", "-f", "%M", "-o", RSS] + (["bash", "-c", cmd] if shell else cmd)
    t = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    if p.returncode not in ok:
        sys.exit(f"failed ({p.returncode}): {cmd}\n{p.stderr.decode(errors='replace')[-2000:]}")
    return wall, int(open(RSS).read().split()[-1]) / 1024

def rm(*paths):
    for p in paths:
        if os.path.exists(p):
            os.remove(p)

def cases_for(tree, with_peers):
    rec, man = f"{tree}.sceau.json", f"{tree}.sceau.manifest"
    bom, bman = f"{tree}.bom.json", f"{tree}.bom.manifest"
    c = {}
    c["sceau scan"] = lambda: (rm(bom, bman), run([S, "scan", tree, "-q", "-o", bom]))[1]
    c["find \\| xargs -P%d sha256sum" % cores] = lambda: run(
        f"find {tree} -type f -print0 | xargs -0 -P{cores} -n 1000 sha256sum >/dev/null", shell=True)
    c["sceau sign"] = lambda: (rm(rec, man), run([S, "sign", tree, "--key", "sk.key", "-q", "-o", rec]))[1]
    c["sceau verify"] = lambda: run([S, "verify", tree, "--record", rec, "--key", "sk.pub", "-q"])
    if with_peers and MS:
        c["model_signing sign"] = lambda: run([MS, "sign", "key", "--private_key", "k.pem",
                                               "--signature", os.path.join(D, f"{tree}.sig"), tree])
    if with_peers and OLD:
        # The older binary writes a BOM of every file (and fails past its record limit).
        c["older sceau scan"] = lambda: run([OLD, "scan", tree, "-q", "-o", f"{tree}.old.json", "--force"])
    return c

rows = []
for tree, with_peers in [("t100k", True)] + [(f"t{n}", False) for n in TREES]:
    cases = cases_for(tree, with_peers)
    samples = {k: [] for k in cases}
    # sign before the first verify
    cases["sceau sign"]()
    for r in range(R):
        for name, f in cases.items():
            samples[name].append(f())
            print(f"  {tree} round {r + 1} {name}: {samples[name][-1][0]:.2f} s, "
                  f"{samples[name][-1][1]:.0f} MiB (load {load():.1f})", file=sys.stderr)
    for name, xs in samples.items():
        rows.append((tree, name, statistics.median(x[0] for x in xs), max(x[1] for x in xs), len(xs)))

print(f"| tree | tool | median wall (s) | peak RSS (MiB) | rounds |")
print("|---|---|---:|---:|---:|")
for tree, name, wall, rss, n in rows:
    print(f"| {tree} | {name} | {wall:.2f} | {rss:.0f} | {n} |")
base = {(t, n): w for t, n, w, _, _ in rows}
for t in ["t100k"] + [f"t{n}" for n in TREES]:
    x = base.get((t, "find \\| xargs -P%d sha256sum" % cores))
    s = base.get((t, "sceau scan"))
    if x and s:
        print(f"\n{t}: sceau scan is {x / s:.2f}× find | xargs -P{cores} sha256sum", end="")
    m = base.get((t, "model_signing sign"))
    if m and s:
        print(f"; {m / s:.1f}× model_signing sign", end="")
    o = base.get((t, "older sceau scan"))
    if o and s:
        print(f"; {o / s:.2f}× the older sceau scan", end="")
print()
for p in ["t100k.sceau.json", "t100k.sceau.manifest", "t100k.bom.json"] + [f"t{n}.sceau.manifest" for n in TREES]:
    if os.path.exists(p):
        print(f"{p}: {os.path.getsize(p)} bytes")
PY
