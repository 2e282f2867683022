#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ for every fuzz target from testdata/ and from the generated
# fixture releases, signed, scanned, certified and verified by the sceau binary itself, so that
# the fuzzers start from well-formed inputs of every format. The corpora are not committed
# (.gitignore: /fuzz/corpus); run this again after a format change.
#
#   fuzz/seed.sh            # from anywhere in the checkout
#
# Needs a Rust toolchain (builds the debug `sceau` and `sceau-fixtures` binaries) and python3
# (to take payloads out of envelopes).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/fuzz/corpus"
cd "$root"

cargo build -q -p sceau -p sceau-fixtures
sceau="$root/target/debug/sceau"
fixtures="$root/target/debug/sceau-fixtures"
export SOURCE_DATE_EPOCH=1767225600

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

targets=(safetensors_header gguf_header dsse_envelope statement relpath claims_toml cyclonedx
  key_files policy state store_entry card attestation ignore_rules digest_cache grant
  fingerprint_safetensors fingerprint_gguf fingerprint_onnx fingerprint_decode oms_bundle oms_statement
  record_form tree_manifest forms_config)
for t in "${targets[@]}"; do
  mkdir -p "$corpus/$t"
done

# add TARGET FILE: copy FILE into TARGET's corpus under its content hash (dedup).
add() {
  local h
  h="$(sha256sum "$2" | cut -c1-16)"
  cp "$2" "$corpus/$1/$h"
}
# add_text TARGET TEXT
add_text() {
  printf '%s' "$2" >"$work/text"
  add "$1" "$work/text"
}
# payload ENVELOPE OUT: the decoded payload of a DSSE envelope.
payload() {
  python3 -c 'import base64, json, sys
sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["payload"]))' "$1" >"$2"
}

"$fixtures" all "$work/fx" >/dev/null
"$sceau" keygen -o "$work/m" --no-passphrase >/dev/null
"$sceau" keygen -o "$work/auditor" --no-passphrase >/dev/null

# Weight headers, model cards, claims files, paths.
find "$work/fx" -name '*.safetensors' -print0 | while IFS= read -r -d '' f; do add safetensors_header "$f"; done
find "$work/fx" -name '*.gguf' -print0 | while IFS= read -r -d '' f; do add gguf_header "$f"; done
find "$work/fx" -name 'README.md' -print0 | while IFS= read -r -d '' f; do
  add card "$f"
  add claims_toml "$f"
done
for f in testdata/claims/*.toml; do add claims_toml "$f"; done
add claims_toml examples/tiny-llm.claims.toml
# Model configurations (spec/forms.md §4.2).
find "$work/fx" examples -name 'config.json' -print0 | while IFS= read -r -d '' f; do add forms_config "$f"; done
for c in '{}' '[]' '{"vocab_size":1,"text_config":{"max_position_embeddings":4}}' \
  '{"architectures":["XForCausalLM"],"vision_config":{},"audio_config":{},"n_ctx":1099511627777}'; do
  add_text forms_config "$c"
done
(cd "$work/fx" && find . -type f | sed 's|^\./[^/]*/||') | sort -u | head -200 | while IFS= read -r p; do
  add_text relpath "$p"
done
for p in '../x' 'a/../../x' '/etc/passwd' 'C:\x' 'c:x' 'a\b' 'a//b' './x' 'x/' '' $'a\x01b' \
  "$(printf 'e\xcc\x81.txt')" 'Model.bin'; do
  add_text relpath "$p"
done

# Records: every fixture release signed; their payloads (Statements) and BOMs.
"$sceau" policy init --maintainer "$work/m.pub" --certifier "auditor=$work/auditor.pub:mof-openness" \
  --expires 2030-01-01 --key "$work/m.key" -o "$work/policy.json" >/dev/null
for d in "$work/fx"/*/; do
  name="$(basename "$d")"
  case "$name" in hf_cache | hf_cache_shared) continue ;; esac
  rec="$work/$name.sceau.json"
  if "$sceau" sign "$d" --key "$work/m.key" -o "$rec" --name "example-org/$name" --version 1.0 -q >/dev/null 2>&1; then
    add dsse_envelope "$rec"
    add store_entry "$rec"
    add record_form "$rec"
    payload "$rec" "$work/payload"
    add statement "$work/payload"
    python3 -c 'import json, sys
json.dump(json.load(open(sys.argv[1]))["predicate"], open(sys.argv[2], "w"))' "$work/payload" "$work/bom.json"
    add cyclonedx "$work/bom.json"
    "$sceau" scan "$d" -o "$work/scan-bom.json" --force -q >/dev/null 2>&1 && add cyclonedx "$work/scan-bom.json"
    state="$work/state-$name.json"
    "$sceau" verify "$d" --record "$rec" --policy "$work/policy.json" --at 2026-06-01 --state "$state" \
      --allow-extra >/dev/null 2>&1 || true
    [ -f "$state" ] && add state "$state"
  fi
done
# Tree manifests and part manifests (spec/manifest.md): a record in the manifest form, and the
# parts of a sharded scan; --shard values and scheduler variables as text.
"$sceau" sign "$work/fx/hf_model" --key "$work/m.key" -o "$work/manifest-form.json" --always-manifest \
  --name example-org/manifest-form --version 1.0 -q >/dev/null
add tree_manifest "$work/manifest-form.manifest"
for k in 1 2 3; do
  "$sceau" scan "$work/fx/hf_model" --shard "$k/3" -o "$work/part-$k" -q >/dev/null
  add tree_manifest "$work/part-$k"
done
for v in '1/1' '2/3' '0/2' '3/2' 'auto' $'SLURM_ARRAY_TASK_ID=7\nSLURM_ARRAY_TASK_MIN=5\nSLURM_ARRAY_TASK_COUNT=4' \
  $'SLURM_ARRAY_TASK_ID=9\nSLURM_ARRAY_TASK_MIN=1\nSLURM_ARRAY_TASK_STEP=4\nSLURM_ARRAY_TASK_COUNT=3' \
  'JOB_COMPLETION_INDEX=3'; do
  add_text tree_manifest "$v"
done

# sceau records packaged as Sigstore bundles, and a record with its OMS bundle (spec/oms.md §10–§11).
"$sceau" keygen --type p256 -o "$work/ec" --no-passphrase >/dev/null
"$sceau" sign "$work/fx/hf_model" --key "$work/ec.key" -o "$work/bundled.json" --bundle --name example-org/b \
  --version 1.0 --oms "$work/model.sig" -q >/dev/null
add record_form "$work/bundled.json"
add record_form "$work/model.sig"
add oms_bundle "$work/model.sig"
add oms_bundle "$work/bundled.json"
rec="$work/hf_model.sceau.json"
"$sceau" sign "$work/fx/hf_model" --key "$work/m.key" -o "$work/parent-child.json" --name example-org/mirror \
  --version 2.0 --parent "$rec:repackage" -q >/dev/null
add dsse_envelope "$work/parent-child.json"
add store_entry "$work/parent-child.json"
payload "$work/parent-child.json" "$work/payload"
add statement "$work/payload"

# Policies: the envelope and its payload, and an update.
add policy "$work/policy.json"
payload "$work/policy.json" "$work/payload"
add policy "$work/payload"
"$sceau" policy update "$work/policy.json" --threshold 1 --release 'example-org/*=m:1' \
  --key "$work/m.key" -o "$work/policy-2.json" >/dev/null
add policy "$work/policy-2.json"
"$sceau" policy update "$work/policy-2.json" --validity m=2026-01-01..2027-01-01 \
  --validity auditor=..2028-01-01T12:00:00+02:00 --key "$work/m.key" -o "$work/policy-3.json" >/dev/null
add policy "$work/policy-3.json"
payload "$work/policy-3.json" "$work/payload"
add policy "$work/payload"
add dsse_envelope "$work/policy-2.json"

# Licence grants: whole files and payloads.
"$sceau" grant "$rec" --release example-org/fork --licence apache-2.0 --key "$work/m.key" \
  -o "$work/grant.json" >/dev/null
"$sceau" grant "$rec" --release example-org/other --licence llama3.1 --expires 2030-01-01 \
  --key "$work/m.key" --key "$work/auditor.key" -o "$work/grant-2.json" >/dev/null
for g in grant grant-2; do
  add grant "$work/$g.json"
  payload "$work/$g.json" "$work/payload"
  add grant "$work/payload"
done

# Attestations and standards.
for s in testdata/standards/*.json; do add attestation "$s"; done
"$sceau" certify "$rec" --key "$work/auditor.key" --standard testdata/standards/mof-openness.json \
  --requirement class-iii --expires 2027-01-01 --override-computed "fuzz corpus seed" \
  -o "$work/att.json" >/dev/null
payload "$work/att.json" "$work/payload"
add attestation "$work/payload"
add statement "$work/payload"
add dsse_envelope "$work/att.json"

# State files and version pairs (two versions, one per line).
add_text state "{\"_type\":\"https://sceau.dev/state/v1\",\"releases\":{}}"
for pair in $'1.0\n1.0.0' $'1.10\n1.9' $'v2\n2.0' $'1.0-rc.1\n1.0' $'1.0-rc9\n1.0-rc10' \
  $'2024-5-1\n2024-12-1' $'latest\n1.0' $'18446744073709551615\n18446744073709551616' $'1.0-alpha\n1.0-alpha.1'; do
  add_text state "$pair"
done

# Keys in every encoding sceau reads, made by sceau and by the real tools (testdata/keys/*/).
for k in testdata/keys/* testdata/keys/*/*; do
  [ -f "$k" ] || continue
  case "$k" in *.md | *.sh | *.py | *.json | */VERSION) continue ;; esac
  add key_files "$k"
done
add key_files "$work/m.key"
add key_files "$work/m.pub"
"$sceau" keygen -o "$work/p256" --type p256 --no-passphrase >/dev/null
add key_files "$work/p256.key"
add key_files "$work/p256.pub"
"$sceau" key show "$work/m.pub" --json | python3 -c 'import json, sys
v = json.load(sys.stdin)
for i, k in enumerate(("openssh", "spki_pem", "sceau")):
    open(sys.argv[1] + str(i), "w").write(v[k])' "$work/enc"
for i in 0 1 2; do add key_files "$work/enc$i"; done

# OMS: bundles of every model_signing version and the OMS spec's vectors, and their payloads.
find testdata/oms \( -name '*.sig' -o -name '*.bundle.json' \) -print0 | while IFS= read -r -d '' f; do
  add oms_bundle "$f"
  add record_form "$f"
  if python3 -c 'import base64, json, sys
sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["dsseEnvelope"]["payload"]))' \
    "$f" >"$work/payload" 2>/dev/null; then
    add oms_statement "$work/payload"
  fi
done

# Digest caches: one filled by a scan, whole and
# without its trailer (the target appends the right one).
sleep 3 # the racy margin (spec/hashing.md §4.2): only files whose ctime is older are stored
"$sceau" scan "$work/fx/hf_model" --cache-dir "$work/cache" -o "$work/cache-bom.json" -q >/dev/null
if [ -f "$work/cache/digests-v1.bin" ]; then
  add digest_cache "$work/cache/digests-v1.bin"
  head -c -32 "$work/cache/digests-v1.bin" >"$work/cache-body"
  add digest_cache "$work/cache-body"
fi
printf 'SCEAUDC1\0\0\0\0\0\0\0\0' >"$work/cache-empty"
add digest_cache "$work/cache-empty"

# Ignore rules: rules, one per line, then a path.
add_text ignore_rules $'.git/\n.cache/huggingface/\n*.sceau.json\nsub/.git/config'
add_text ignore_rules $'=*.py\nout/record.json\nevil.py'
add_text ignore_rules $'a/b/\n*\na/b/c'

# Weight files and stored fingerprints written by sceau-fingerprint's test kit.
cargo run -q -p sceau-fingerprint --example fuzz-seeds -- "$work/fp"
for f in "$work"/fp/*; do
  case "$f" in
    *.safetensors) add fingerprint_safetensors "$f" ;;
    *.gguf) add fingerprint_gguf "$f" ;;
    *.onnx) add fingerprint_onnx "$f" ;;
    *.scfp) add fingerprint_decode "$f" ;;
  esac
done

for t in "${targets[@]}"; do
  printf '%-20s %4d inputs\n' "$t" "$(find "$corpus/$t" -type f | wc -l)"
done
