#!/usr/bin/env bash
# Reproduces the committed demo models (models/) and the quality table of docs/quality.md from scratch:
# corpora, public model, four experts (domain embedding, anchor training, signed package), dense baseline, router
# tuning, quality table. Usage: owner-kit/reproduce.sh <work-dir>   (OWNER: the owner command, default ./flexserve owner)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:?usage: reproduce.sh <work-dir>}"
owner=(${OWNER:-"$root/flexserve" owner})
mkdir -p "$work"
c="$work/corpora"
start=$(date +%s)
step() { echo "== $(($(date +%s) - start)) s: $*" >&2; }

step corpora
[ -f "$c/corpora.json" ] || "${owner[@]}" corpora "$c"

# The public model: 600 steps x 32 x 128 bytes of general English, seed 1.
step train-public
[ -d "$work/public-set" ] || "${owner[@]}" train-public --docs "$c/public/train.jsonl" --out "$work/public-set" --seed 1 --steps 600

# Four owners: domain embedding, anchor training (150 steps, 25% public text, router rows and bias at 10x the
# learning rate, seed 1), signed package.
mkdir -p "$work/flexolmo" "$work/keys"
[ -d "$work/flexolmo/trunk" ] || cp -r "$work/public-set/trunk" "$work/flexolmo/trunk"
[ -d "$work/flexolmo/public" ] || cp -r "$work/public-set/public" "$work/flexolmo/public"
for d in code legal math scripture; do
  step "expert $d"
  [ -f "$work/keys/$d.key" ] || "${owner[@]}" keygen "$work/keys/$d"
  [ -f "$work/$d.domain-embedding.json" ] || "${owner[@]}" domain-embedding --docs "$c/$d/train.jsonl" --public "$work/public-set" --out "$work/$d.domain-embedding.json"
  [ -f "$work/trained-$d/trained-expert.json" ] || "${owner[@]}" train-expert --public "$work/public-set" --docs "$c/$d/train.jsonl" \
      --domain-embedding "$work/$d.domain-embedding.json" --public-mix 0.25 --public-docs "$c/public/train.jsonl" \
      --steps 150 --seed 1 --out "$work/trained-$d"
  [ -d "$work/flexolmo/$d" ] || "${owner[@]}" package --trained "$work/trained-$d" --public "$work/public-set" --id "$d" \
      --owner "demo-$d-owner" --key "$work/keys/$d.key" --out "$work/flexolmo/$d"
done

# Dense baseline: the same architecture trained on all the data for as many tokens as the public model and the four
# experts together (600 + 4 x 150 steps), sampled in the same proportions (public 0.625, each domain 0.09375).
step dense
[ -d "$work/dense" ] || "${owner[@]}" train-public --docs "$c/public/train.jsonl" --docs "$c/code/train.jsonl" \
    --docs "$c/legal/train.jsonl" --docs "$c/math/train.jsonl" --docs "$c/scripture/train.jsonl" \
    --mix 0.625,0.09375,0.09375,0.09375,0.09375 --steps 1200 --seed 1 --out "$work/dense" \
    --description "dense baseline: all data, same training tokens as public model + experts"

# Router-only tuning (platform side, routers only, learning rate 0.04), 100 steps on public text only; and FlexOlmo's RT proper, 200 steps on public
# text plus a proxy sample of each owner's data (the first 20 documents of each validation split), equal parts.
step tune-router
[ -d "$work/flexolmo-rt-public" ] || "${owner[@]}" tune-router --models "$work/flexolmo" --public-docs "$c/public/train.jsonl" \
    --steps 100 --lr 0.04 --seed 1 --out "$work/flexolmo-rt-public"
[ -d "$work/flexolmo-rt" ] || "${owner[@]}" tune-router --models "$work/flexolmo" --public-docs "$c/public/train.jsonl" \
    --proxy-docs "$c/code/valid.jsonl" --proxy-docs "$c/legal/valid.jsonl" --proxy-docs "$c/math/valid.jsonl" \
    --proxy-docs "$c/scripture/valid.jsonl" --proxy-max-docs 20 --steps 200 --lr 0.04 --seed 1 --out "$work/flexolmo-rt"

step quality
"${owner[@]}" quality --models "$work/flexolmo" --dense "$work/dense" \
    --tuned "public text=$work/flexolmo-rt-public" --tuned "public text + proxy samples=$work/flexolmo-rt" \
    --text public="$c/public/test.jsonl" --text code="$c/code/test.jsonl" --text legal="$c/legal/test.jsonl" \
    --text math="$c/math/test.jsonl" --text scripture="$c/scripture/test.jsonl" --max-bytes 16384 --json "$work/quality.json" | tee "$work/quality.md"
step done
