#!/usr/bin/env bash
# Render sceau's lineage HTML for the fixture family and screenshot it in headless Chromium,
# to look at what `sceau lineage --format html` gives a person (issue 4, item 6).
#
#   scripts/render-lineage.sh [OUTDIR]        (default: $TMPDIR/sceau-lineage-render)
#
# Builds `sceau` and `sceau-fixtures`, generates the lineage fixtures (crates/fixtures/src/
# lineage.rs), signs them with one key per organisation, stores the records and writes:
#
#   OUTDIR/lineage.html, lineage.png
#       org-d/merge-gguf's family: a quantisation of a merge of two fine-tunes of org-a/base,
#       every record verified under a policy trusting each organisation for its own releases.
#   OUTDIR/lineage-problems.html, lineage-problems.png
#       the same family under a policy that does not trust org A, with org-b/finetune-2's record
#       left out of the store: one unverified and one missing node, the rest verified.
#
# Chromium is installed with apt-get when it is missing and the script runs as root; set
# CHROMIUM to use another binary. Nothing here uses the network except that installation
# (the HTML itself is self-contained: Chromium is started with networking features off).
# The PNGs are for looking at; do not commit them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-${TMPDIR:-/tmp}/sceau-lineage-render}"
AT="2026-06-01T00:00:00Z"
export SOURCE_DATE_EPOCH=1767225600
unset SCEAU_PASSPHRASE

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "building sceau and sceau-fixtures" >&2
(cd "$ROOT" && cargo build -q --bin sceau && cargo build -q -p sceau-fixtures --bin sceau-fixtures)
TARGET="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps \
    | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
SCEAU="$TARGET/debug/sceau"
FIXTURES="$TARGET/debug/sceau-fixtures"

# --- the family --------------------------------------------------------------------------
for org in a b c d e; do
    "$SCEAU" keygen -o "$WORK/$org" --no-passphrase >/dev/null
done

policy() { # policy FILE ORG... : each ORG trusted for org-ORG/*, signed by the first
    local file="$1"
    shift
    local args=()
    for org in "$@"; do
        args+=(--maintainer "$org=$WORK/$org.pub" --release "org-$org/*=$org:1")
    done
    "$SCEAU" policy init "${args[@]}" --threshold 1 --expires 2030-01-01 \
        --key "$WORK/$1.key" -o "$file" >/dev/null
}
policy "$WORK/policy.json" a b c d e
policy "$WORK/policy-no-a.json" b c d e

release() { # release KIND ORG NAME [PARENT_RECORD:RELATION...]
    local kind="$1" org="$2" name="$3"
    shift 3
    local parents=()
    for p in "$@"; do
        parents+=(--parent "$WORK/$p")
    done
    "$FIXTURES" "$kind" "$WORK/$kind"
    "$SCEAU" sign "$WORK/$kind" --key "$WORK/$org.key" --name "$name" --version 1.0 \
        -o "$WORK/$kind.sceau.json" -q "${parents[@]}" >/dev/null
}
release base_a a org-a/base
release finetune_b b org-b/finetune base_a.sceau.json:finetune
release finetune_b2 b org-b/finetune-2 base_a.sceau.json:finetune
release merge_d d org-d/merge finetune_b.sceau.json:merge finetune_b2.sceau.json:merge
release merge_gguf d org-d/merge-gguf merge_d.sceau.json:quantized

"$SCEAU" store add --store "$WORK/store" "$WORK"/{base_a,finetune_b,finetune_b2,merge_d}.sceau.json \
    >/dev/null
"$SCEAU" store add --store "$WORK/partial" "$WORK"/{base_a,finetune_b,merge_d}.sceau.json >/dev/null

"$SCEAU" lineage "$WORK/merge_gguf.sceau.json" --store "$WORK/store" --policy "$WORK/policy.json" \
    --at "$AT" --format html -o "$OUT/lineage.html" --force >/dev/null
# This one fails verification (exit 1) by design; the page is written all the same.
"$SCEAU" lineage "$WORK/merge_gguf.sceau.json" --store "$WORK/partial" \
    --policy "$WORK/policy-no-a.json" --at "$AT" --format html -o "$OUT/lineage-problems.html" \
    --force >/dev/null || [ $? -eq 1 ]
echo "wrote $OUT/lineage.html and $OUT/lineage-problems.html" >&2

# --- Chromium ----------------------------------------------------------------------------
find_chromium() {
    if [ -n "${CHROMIUM:-}" ]; then
        echo "$CHROMIUM"
        return
    fi
    local c
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$c" >/dev/null 2>&1; then
            command -v "$c"
            return
        fi
    done
}
CHROME="$(find_chromium)"
if [ -z "$CHROME" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing chromium with apt-get" >&2
        apt-get install -y chromium >/dev/null 2>&1 || {
            apt-get update >/dev/null
            apt-get install -y chromium >/dev/null
        }
        CHROME="$(find_chromium)"
    fi
fi
if [ -z "$CHROME" ]; then
    echo "no Chromium found: install chromium (or set CHROMIUM) to render the PNGs" >&2
    exit 1
fi

shot() { # shot HTML PNG
    local profile
    profile="$(mktemp -d)"
    "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run \
        --user-data-dir="$profile" --screenshot="$2" --window-size=1400,1000 \
        "file://$1" >/dev/null 2>&1
    rm -rf "$profile"
    [ -s "$2" ] || {
        echo "Chromium wrote no screenshot for $1" >&2
        exit 1
    }
    echo "rendered $2" >&2
}
shot "$OUT/lineage.html" "$OUT/lineage.png"
shot "$OUT/lineage-problems.html" "$OUT/lineage-problems.png"
