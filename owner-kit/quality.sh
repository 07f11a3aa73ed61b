#!/usr/bin/env bash
# The tables of docs/quality.md (quality table, routing shares, sample completions of the default model set) from the
# model sets in <models-dir> (default: the committed models/, and then docs/quality.md is updated in place) on the test
# splits of the corpora in <corpora-dir> (fetched with 'owner corpora' when missing).
# Usage: owner-kit/quality.sh [<models-dir> [<corpora-dir>]]   (OWNER: the owner command, default ./flexserve owner)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
m="${1:-$root/models}"
c="${2:-${TMPDIR:-/tmp}/flexserve-corpora}"
owner=(${OWNER:-"$root/flexserve" owner})
[ -f "$c/corpora.json" ] || "${owner[@]}" corpora "$c"
update=()
[ "$(cd "$m" && pwd)" = "$root/models" ] && update=(--update "$root/docs/quality.md")
"${owner[@]}" quality --models "$m/flexolmo" --dense "$m/dense" \
    --tuned "public text=$m/flexolmo-rt-public" --tuned "public text + proxy samples=$m/flexolmo-rt" \
    --text public="$c/public/test.jsonl" --text code="$c/code/test.jsonl" --text legal="$c/legal/test.jsonl" \
    --text math="$c/math/test.jsonl" --text scripture="$c/scripture/test.jsonl" --max-bytes 16384 --chunk 256 \
    --samples "$m/flexolmo-rt" \
    --prompt "public=The committee met on" --prompt "code=public static int max(int a, int b) {" \
    --prompt "legal=Permission is hereby granted" --prompt "math=|- ( ph -> ( ps -> ph ) )" \
    --prompt "scripture=In the beginning" \
    "${update[@]}"
