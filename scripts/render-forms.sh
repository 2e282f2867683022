#!/usr/bin/env bash
# Render the regulators' forms (`sceau report RECORD --form …`, spec/forms.md) as HTML and
# screenshot them in headless Chromium, to look at what a person gets (issue 17, item 5): text
# must stay in its boxes, also on a narrow window, and an unverified record must be marked.
#
#   scripts/render-forms.sh [OUTDIR]        (default: $TMPDIR/sceau-forms-render)
#
# Builds `sceau` and `sceau-fixtures`, signs the bundled example (examples/tiny-llm with
# examples/tiny-llm.claims.toml) and a fine-tune of a fixture base, and writes to OUTDIR:
#
#   training-summary.html/.png           the example's public summary of training content
#   model-documentation.html/.png        the example's model documentation form, every field
#   model-documentation-narrow.png       the same page in a 480-pixel-wide window
#   model-documentation-downstream.html/.png   the downstream providers' view
#   finetune-summary.html/.png           a fine-tune's summary, its base model's summary linked
#                                        through the verified lineage
#   unverified.html/.png                 the example's model documentation without --key:
#                                        NOT VERIFIED in every section
#   unverified.pdf                       the same page printed (the banner is on every page),
#   unverified-page-N.png                its first pages, when pdftoppm is installed
#
# Chromium is installed with apt-get when it is missing and the script runs as root; set
# CHROMIUM to use another binary. Nothing here uses the network except that installation
# (the pages are self-contained: Chromium is started with networking features off).
# The PNGs and PDF are for looking at; do not commit them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-${TMPDIR:-/tmp}/sceau-forms-render}"
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

# --- the records -------------------------------------------------------------------------
for k in example a b; do
    "$SCEAU" keygen -o "$WORK/$k" --no-passphrase >/dev/null
done
EXAMPLE="$ROOT/examples/tiny-llm"
"$SCEAU" sign "$EXAMPLE" --key "$WORK/example.key" --name example-org/tiny-llm --version 1.0.0 \
    --claims "$ROOT/examples/tiny-llm.claims.toml" -o "$WORK/tiny.sceau.json" -q >/dev/null

# The fine-tune and its base, each with the example's claims and its own summary link.
claims() { # claims FILE LINK
    sed "s|^training_summary = .*|training_summary = \"$2\"|" \
        "$ROOT/examples/tiny-llm.claims.toml" >"$1"
}
claims "$WORK/base.claims.toml" "https://example.invalid/org-a/base/training-content-summary"
claims "$WORK/ft.claims.toml" "https://example.invalid/org-b/finetune/training-content-summary"
"$FIXTURES" base_a "$WORK/base"
"$FIXTURES" finetune_b "$WORK/ft"
"$SCEAU" sign "$WORK/base" --key "$WORK/a.key" --name org-a/base --version 1.0 \
    --claims "$WORK/base.claims.toml" -o "$WORK/base.sceau.json" -q >/dev/null
"$SCEAU" sign "$WORK/ft" --key "$WORK/b.key" --name org-b/finetune --version 1.0 \
    --claims "$WORK/ft.claims.toml" --parent "$WORK/base.sceau.json:finetune" \
    -o "$WORK/ft.sceau.json" -q >/dev/null

form() { # form OUTFILE RECORD FORM [ARGS...]
    local out="$1" rec="$2" which="$3"
    shift 3
    "$SCEAU" report "$rec" --form "$which" --format html -o "$out" --force "$@"
}
TRUST=(--key "$WORK/example.pub" --at "$AT" --dir "$EXAMPLE")
form "$OUT/training-summary.html" "$WORK/tiny.sceau.json" training-summary "${TRUST[@]}"
form "$OUT/model-documentation.html" "$WORK/tiny.sceau.json" model-documentation "${TRUST[@]}"
form "$OUT/model-documentation-downstream.html" "$WORK/tiny.sceau.json" model-documentation \
    --recipient downstream "${TRUST[@]}"
form "$OUT/finetune-summary.html" "$WORK/ft.sceau.json" training-summary \
    --key "org-a/*=$WORK/a.pub" --key "org-b/*=$WORK/b.pub" --at "$AT" \
    --with "$WORK/base.sceau.json"
form "$OUT/unverified.html" "$WORK/tiny.sceau.json" model-documentation --dir "$EXAMPLE"

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

chrome() { # chrome ARGS... (a fresh profile each time, no network features)
    local profile
    profile="$(mktemp -d)"
    "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
        --user-data-dir="$profile" "$@" >/dev/null 2>&1
    rm -rf "$profile"
}
shot() { # shot HTML PNG [WIDTH [HEIGHT]]
    chrome --screenshot="$2" --window-size="${3:-1200},${4:-4200}" "file://$1"
    [ -s "$2" ] || {
        echo "Chromium wrote no screenshot for $1" >&2
        exit 1
    }
    echo "rendered $2" >&2
}
shot "$OUT/training-summary.html" "$OUT/training-summary.png"
shot "$OUT/model-documentation.html" "$OUT/model-documentation.png" 1200 6000
shot "$OUT/model-documentation.html" "$OUT/model-documentation-narrow.png" 480 12000
shot "$OUT/model-documentation-downstream.html" "$OUT/model-documentation-downstream.png" 1200 5000
shot "$OUT/finetune-summary.html" "$OUT/finetune-summary.png" 1200 1400
shot "$OUT/unverified.html" "$OUT/unverified.png" 1200 1400
chrome --print-to-pdf="$OUT/unverified.pdf" --no-pdf-header-footer "file://$OUT/unverified.html"
[ -s "$OUT/unverified.pdf" ] && echo "printed $OUT/unverified.pdf" >&2
# The printed pages as PNGs, when poppler's pdftoppm is installed (apt-get install poppler-utils).
if command -v pdftoppm >/dev/null 2>&1; then
    pdftoppm -r 60 -png -f 1 -l 3 "$OUT/unverified.pdf" "$OUT/unverified-page"
    echo "rendered $OUT/unverified-page-*.png (the first printed pages)" >&2
fi
