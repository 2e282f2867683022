#!/usr/bin/env bash
# What a hostile input costs sceau (SECURITY.md "Cost of hostile inputs"): for each case, the
# input is made in a temporary folder and one sceau run is measured: wall time, bytes read
# (the `rchar` of /proc/PID/io, which counts reads from any file, sparse or cached) and peak
# RSS (GNU time -v, "Maximum resident set size"), with the exit code and the last error line.
#
# Usage: scripts/hostile-cost.sh [CASE...]    (default: every case)
# Cases:
#   growing-file         `sceau scan` of a folder whose one file, sparse, 2 GiB when listed,
#                        grows by GROW_STEP bytes (ftruncate) about every millisecond
#   growing-file-verify  the same during `sceau verify` of a record made with --parallel-digest
#                        (the file is checked by BLAKE3, in 16 MiB pieces)
#   many-files           `sceau sign` of MANY_FILES small files whose record would pass the
#                        64 MiB envelope limit
#   lineage-lattice      `sceau lineage` (tree) of a release on a merge lattice LATTICE_DEPTH
#                        levels deep and 2 wide, whose ancestors nobody trusted (bytes printed)
#   bad-signatures       `sceau verify` of a record whose 4 MiB payload carries 256 forged
#                        signatures whose key ids name the trusted keys, against 2 and 64 keys
#   unsigned-bom         `sceau verify --policy` of a 20 MiB record signed by nobody trusted,
#                        whose BOM holds an 8M-element array in an unknown field
#   unsigned-subjects    the same with 100 000 subjects
# Environment:
#   SCEAU        the binary to measure (default target/debug/sceau, built when missing)
#   COST_LIMIT   seconds after which a run is killed and reported as such (default 120)
#   GROW_STEP    bytes added per tick by the growing-file cases (default 1 MiB)
#   GROW_MAX     size at which the grower stops (default 32 GiB; the file stays sparse)
#   GROW_DELAY   seconds the grower waits before its first step, so that the walk and the
#                open see the listed size and the growth happens during the read (default 0.3)
#   MANY_FILES   files of the many-files case (default 200000)
#   LATTICE_DEPTH levels of the lineage-lattice case (default 20)
# Needs: python3, GNU time (/usr/bin/time), Linux (/proc). Writes nothing outside its
# temporary folder, which it removes.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
SCEAU=${SCEAU:-$REPO/target/debug/sceau}
if [ ! -x "$SCEAU" ]; then
  cargo build -q -p sceau
fi
if [ ! -x /usr/bin/time ]; then
  echo "GNU time (/usr/bin/time) is required: apt-get install time" >&2
  exit 2
fi
export COST_LIMIT=${COST_LIMIT:-120}
GROW_STEP=${GROW_STEP:-1048576}
GROW_MAX=${GROW_MAX:-34359738368}
GROW_DELAY=${GROW_DELAY:-0.3}
MANY_FILES=${MANY_FILES:-200000}
LATTICE_DEPTH=${LATTICE_DEPTH:-20}
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(growing-file growing-file-verify many-files lineage-lattice \
  bad-signatures unsigned-bom unsigned-subjects)

work=$(mktemp -d /tmp/sceau-cost.XXXX)
grower=
cleanup() {
  [ -z "$grower" ] || kill "$grower" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# measure LABEL CMD...: runs CMD under GNU time, prints one Markdown table row.
measure() {
  python3 - "$@" <<'PY'
import os, subprocess, sys, threading, time

label, cmd = sys.argv[1], sys.argv[2:]
limit = float(os.environ["COST_LIMIT"])
tfile = os.path.join(os.environ["WORK"], "time.txt")
start = time.monotonic()
p = subprocess.Popen(["/usr/bin/time", "-v", "-o", tfile] + cmd,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
err = []
out = [0]
def drain():
    while True:
        b = p.stdout.read(1 << 20)
        if not b:
            break
        out[0] += len(b)
t = threading.Thread(target=lambda: err.append(p.stderr.read()))
t.start()
t2 = threading.Thread(target=drain)
t2.start()
killed = False
while True:
    # Wait without reaping: /proc/PID/io of GNU time, once it has reaped sceau, holds
    # sceau's reads too (the kernel adds a reaped child's I/O to its parent's).
    info = os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    if info is not None:
        break
    if time.monotonic() - start > limit and not killed:
        # Kill sceau (GNU time's child, by its id), so that time still reports on it.
        with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
            for child in f.read().split():
                os.kill(int(child), 9)
        killed = True
    time.sleep(0.01)
secs = time.monotonic() - start
with open(f"/proc/{p.pid}/io") as f:
    rchar = int(next(l for l in f if l.startswith("rchar:")).split()[1])
p.wait()
t.join()
t2.join()
rss_kib, code = 0, "?"
for line in open(tfile):
    line = line.strip()
    if line.startswith("Maximum resident set size"):
        rss_kib = int(line.rsplit(":", 1)[1])
    elif line.startswith("Exit status") and code == "?":
        code = line.rsplit(":", 1)[1].strip()
    elif line.startswith("Command terminated by signal"):
        code = "signal " + line.rsplit(" ", 1)[1]
text = err[0].decode(errors="replace") if err else ""
last = next((l for l in reversed(text.splitlines()) if l.startswith("error:")), "")
if killed:
    code += f" (killed after {limit:.0f} s)"
read = f"{rchar / 1e9:.2f} GB" if rchar >= 1e9 else f"{rchar / 1e6:.1f} MB"
printed = out[0]
shown = f"{printed / 1e6:.1f} MB" if printed >= 1e6 else f"{printed / 1e3:.1f} kB"
print(f"| {label} | {code} | {secs:.1f} s | {read} | {rss_kib / 1024:.0f} MiB | {shown} | {last[:120]} |")
PY
}
export WORK=$work

# grow FILE: extends FILE by GROW_STEP about every millisecond, up to GROW_MAX, in the background.
grow() {
  python3 - "$1" "$GROW_STEP" "$GROW_MAX" "$GROW_DELAY" <<'PY' &
import os, sys, time
path, step, cap, delay = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
fd = os.open(path, os.O_WRONLY)
time.sleep(delay)
size = os.fstat(fd).st_size
while size < cap:
    size += step
    os.ftruncate(fd, size)
    time.sleep(0.001)
PY
  grower=$!
}

stop_growing() {
  kill "$grower" 2>/dev/null || true
  wait "$grower" 2>/dev/null || true
  grower=
}

echo "binary: $SCEAU"
echo
echo "| case | exit | wall | read | peak RSS | printed | error |"
echo "|---|---|---|---|---|---|---|"
for c in "${CASES[@]}"; do
  case "$c" in
    growing-file)
      d=$work/grow
      mkdir -p "$d"
      truncate -s 2G "$d/big.bin"
      grow "$d/big.bin"
      measure "growing file, scan" "$SCEAU" scan "$d" -o "$work/grow.bom.json" -q
      stop_growing
      rm -rf "$d" "$work/grow.bom.json"
      ;;
    growing-file-verify)
      d=$work/growv
      mkdir -p "$d"
      truncate -s 2G "$d/big.bin"
      "$SCEAU" keygen -o "$work/k" --no-passphrase --force >/dev/null
      "$SCEAU" sign "$d" --key "$work/k.key" -o "$work/growv.json" --parallel-digest -q \
        --version 1 >/dev/null
      grow "$d/big.bin"
      measure "growing file, verify (BLAKE3 pieces)" "$SCEAU" verify "$d" \
        --record "$work/growv.json" --key "$work/k.pub"
      stop_growing
      rm -rf "$d"
      ;;
    many-files)
      d=$work/many
      python3 - "$d" "$MANY_FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    sub = os.path.join(root, "data", f"shard-{i // 1000:05d}")
    if i % 1000 == 0:
        os.makedirs(sub)
    with open(os.path.join(sub, f"sample-{i:08d}.json"), "w") as f:
        f.write('{"text": "%d"}\n' % i)
PY
      "$SCEAU" keygen -o "$work/k" --no-passphrase --force >/dev/null
      measure "$MANY_FILES small files, sign" "$SCEAU" sign "$d" --key "$work/k.key" \
        -o "$work/many.json" --version 1 -q
      rm -rf "$d" "$work/many.json"
      ;;
    lineage-lattice)
      d=$work/lattice
      mkdir -p "$d/release"
      printf 'x\n' >"$d/release/notes.txt"
      "$SCEAU" keygen -o "$work/root" --no-passphrase --force >/dev/null
      "$SCEAU" keygen -o "$work/other" --no-passphrase --force >/dev/null
      "$SCEAU" sign "$d/release" --key "$work/other.key" -o "$d/l0.json" --name lattice/l0 \
        --version 1 -q >/dev/null
      prev=("$d/l0.json")
      for ((i = 1; i <= LATTICE_DEPTH; i++)); do
        next=()
        for w in 0 1; do
          key=$work/other.key
          [ "$i" -eq "$LATTICE_DEPTH" ] && key=$work/root.key
          args=()
          for p in "${prev[@]}"; do args+=(--parent "$p:merge"); done
          "$SCEAU" sign "$d/release" --key "$key" -o "$d/l$i-$w.json" --name "lattice/l$i-$w" \
            --version 1 -q "${args[@]}" >/dev/null
          next+=("$d/l$i-$w.json")
        done
        prev=("${next[@]}")
      done
      "$SCEAU" store add "$d"/l*.json --store "$d/store" >/dev/null
      measure "lineage tree, $LATTICE_DEPTH-level 2-wide lattice of untrusted ancestors" \
        "$SCEAU" lineage "${prev[0]}" --key "$work/root.pub" --store "$d/store"
      rm -rf "$d"
      ;;
    bad-signatures)
      d=$work/sigs
      mkdir -p "$d"
      for i in $(seq 1 64); do
        "$SCEAU" keygen -o "$d/k$i" --no-passphrase --force >/dev/null
      done
      ids=()
      for i in 1 2; do
        ids+=("$("$SCEAU" key show "$d/k$i.pub" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["dsse_keyid"])')")
      done
      python3 - "$d/forged.json" "${ids[@]}" <<'PY'
import base64, json, os, sys
out, ids = sys.argv[1], sys.argv[2:]
payload = json.dumps({"_type": "https://in-toto.io/Statement/v1", "pad": "x" * (4 << 20)}).encode()
sigs = [{"keyid": ids[i % len(ids)], "sig": base64.b64encode(os.urandom(64)).decode()} for i in range(256)]
env = {"payloadType": "application/vnd.in-toto+json",
       "payload": base64.b64encode(payload).decode(), "signatures": sigs}
open(out, "w").write(json.dumps(env))
PY
      measure "256 forged signatures, 4 MiB payload, 2 keys" "$SCEAU" verify --record "$d/forged.json" \
        --key "$d/k1.pub" --key "$d/k2.pub"
      keys=()
      for i in $(seq 1 64); do keys+=(--key "$d/k$i.pub"); done
      measure "256 forged signatures, 4 MiB payload, 64 keys" "$SCEAU" verify \
        --record "$d/forged.json" "${keys[@]}"
      rm -rf "$d"
      ;;
    unsigned-bom | unsigned-subjects)
      d=$work/unsigned
      mkdir -p "$d"
      "$SCEAU" keygen -o "$d/m" --no-passphrase --force >/dev/null
      "$SCEAU" policy init --maintainer "$d/m.pub" --expires 2099-01-01 --key "$d/m.key" \
        -o "$d/policy.json" >/dev/null
      python3 - "$d/record.json" "$c" <<'PY'
import base64, json, os, sys
out, case = sys.argv[1], sys.argv[2]
bom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
       "metadata": {"component": {"type": "machine-learning-model", "name": "org/model",
                                  "version": "1"}}, "components": []}
subjects = []
if case == "unsigned-bom":
    bom["x"] = [0] * 8_000_000
else:
    for i in range(100_000):
        name = f"data/shard-{i // 1000:04d}/sample-{i:07d}.json"
        digest = f"{i:064x}"
        subjects.append({"name": name, "digest": {"sha256": digest}})
        bom["components"].append({"type": "file", "name": name,
                                  "hashes": [{"alg": "SHA-256", "content": digest}]})
st = {"_type": "https://in-toto.io/Statement/v1", "subject": subjects,
      "predicateType": "https://cyclonedx.org/bom", "predicate": bom}
payload = json.dumps(st, separators=(",", ":")).encode()
env = {"payloadType": "application/vnd.in-toto+json",
       "payload": base64.b64encode(payload).decode(),
       "signatures": [{"keyid": "0123456789abcdef", "sig": base64.b64encode(os.urandom(64)).decode()}]}
open(out, "w").write(json.dumps(env))
PY
      size=$(du -m "$d/record.json" | cut -f1)
      measure "record of ${size} MiB signed by nobody trusted ($c), --policy" "$SCEAU" verify \
        --record "$d/record.json" --policy "$d/policy.json"
      rm -rf "$d"
      ;;
    *)
      echo "unknown case $c" >&2
      exit 2
      ;;
  esac
done
