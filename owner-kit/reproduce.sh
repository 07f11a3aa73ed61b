#!/usr/bin/env bash
# Reproduces the committed demo models (models/) and the quality table of docs/quality.md from scratch:
# corpora, BPE vocabulary, public model, four experts (domain embedding, anchor training, signed package), dense
# baseline, router tuning, quality table. Every step skips what an earlier (interrupted) run finished, and the training
# steps resume from their checkpoints: run it again after a kill to continue.
# Usage: owner-kit/reproduce.sh <work-dir>   (OWNER: the owner command, default ./flexserve owner; JOBS: trainings run
# side by side, default the number of cores: each uses one thread, and the owners and the dense baseline are
# independent of each other, as owners on their own machines would be)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:?usage: reproduce.sh <work-dir>}"
owner=(${OWNER:-"$root/flexserve" owner})
mkdir -p "$work"
c="$work/corpora"
start=$(date +%s)
step() { echo "== $(($(date +%s) - start)) s: $*" >&2; }
# The architecture of every model: d_model 128, 4 layers, 4 heads (2 key/value heads), FFN 512, windows of 256 tokens.
arch=(--hidden 128 --layers 4 --heads 4 --kv-heads 2 --ffn 512)
batches=(--length 256 --batch 16)
expert_steps=150
jobs="${JOBS:-$(nproc)}"
# run_limited CMD...: runs CMD in the background once fewer than $jobs are running.
run_limited() {
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  "$@" &
}

step corpora
[ -f "$c/corpora.json" ] || "${owner[@]}" corpora "$c"

# The platform's BPE vocabulary, learnt from the public training text only.
step train-tokenizer
[ -f "$work/tokenizer.json" ] || "${owner[@]}" train-tokenizer --docs "$c/public/train.jsonl" --vocab 4096 --out "$work/tokenizer.json"

# The public model: 1000 steps x 16 x 256 tokens of general English, seed 1; it publishes its routing space.
step train-public
[ -d "$work/public-set" ] || "${owner[@]}" train-public --docs "$c/public/train.jsonl" --tokenizer "$work/tokenizer.json" \
    "${arch[@]}" "${batches[@]}" --steps 1000 --seed 1 --out "$work/public-set"

# Four owners: domain embedding (trunk-space centroids), anchor training (25% public text, router rows and bias from the
# domain embedding, trained at 10x the learning rate, seed 1), signed package.
mkdir -p "$work/flexolmo" "$work/keys"
[ -d "$work/flexolmo/trunk" ] || cp -r "$work/public-set/trunk" "$work/flexolmo/trunk"
[ -d "$work/flexolmo/public" ] || cp -r "$work/public-set/public" "$work/flexolmo/public"
expert() {
  local d="$1"
  step "expert $d"
  [ -f "$work/keys/$d.key" ] || "${owner[@]}" keygen "$work/keys/$d"
  [ -f "$work/$d.domain-embedding.json" ] || "${owner[@]}" domain-embedding --docs "$c/$d/train.jsonl" --public "$work/public-set" \
      --length 256 --out "$work/$d.domain-embedding.json"
  [ -f "$work/trained-$d/trained-expert.json" ] || "${owner[@]}" train-expert --public "$work/public-set" --docs "$c/$d/train.jsonl" \
      --domain-embedding "$work/$d.domain-embedding.json" --public-mix 0.25 --public-docs "$c/public/train.jsonl" \
      "${batches[@]}" --steps "$expert_steps" --seed 1 --out "$work/trained-$d" 2> "$work/train-expert-$d.log"
  [ -d "$work/flexolmo/$d" ] || "${owner[@]}" package --trained "$work/trained-$d" --public "$work/public-set" --id "$d" \
      --owner "demo-$d-owner" --key "$work/keys/$d.key" --out "$work/flexolmo/$d"
  step "expert $d done"
}

# Dense baseline: the public model trained on, for as many tokens as the four experts together (4 x 150 steps), on all
# five corpora in the proportions the experts saw them (public 0.25, each domain 0.1875).
dense() {
  step dense
  [ -d "$work/dense" ] || "${owner[@]}" train-public --docs "$c/public/train.jsonl" --docs "$c/code/train.jsonl" \
      --docs "$c/legal/train.jsonl" --docs "$c/math/train.jsonl" --docs "$c/scripture/train.jsonl" \
      --mix 0.25,0.1875,0.1875,0.1875,0.1875 --tokenizer "$work/tokenizer.json" "${arch[@]}" "${batches[@]}" \
      --from "$work/public-set" --steps $((4 * expert_steps)) --seed 1 --out "$work/dense" \
      --description "dense baseline: the public model trained on all data for as many tokens as the four experts" 2> "$work/dense.log"
  step "dense done"
}

for d in code legal math scripture; do
  run_limited expert "$d"
done
run_limited dense
wait
for d in code legal math scripture; do
  [ -d "$work/flexolmo/$d" ] || { echo "reproduce: expert $d failed (see $work/train-expert-$d.log); run again to resume" >&2; exit 1; }
done
[ -d "$work/dense" ] || { echo "reproduce: the dense baseline failed (see $work/dense.log); run again to resume" >&2; exit 1; }

# Router-only tuning (platform side, routers only, learning rate 0.04): on public text only, and FlexOlmo's RT proper on
# public text plus a proxy sample of each owner's data (the first 20 documents of each validation split), equal parts.
step tune-router
[ -d "$work/flexolmo-rt-public" ] || "${owner[@]}" tune-router --models "$work/flexolmo" --public-docs "$c/public/train.jsonl" \
    "${batches[@]}" --steps 100 --lr 0.04 --seed 1 --out "$work/flexolmo-rt-public"
[ -d "$work/flexolmo-rt" ] || "${owner[@]}" tune-router --models "$work/flexolmo" --public-docs "$c/public/train.jsonl" \
    --proxy-docs "$c/code/valid.jsonl" --proxy-docs "$c/legal/valid.jsonl" --proxy-docs "$c/math/valid.jsonl" \
    --proxy-docs "$c/scripture/valid.jsonl" --proxy-max-docs 20 "${batches[@]}" --steps 150 --lr 0.04 --seed 1 --out "$work/flexolmo-rt"

step quality
"$root/owner-kit/quality.sh" "$work" "$c" | tee "$work/quality.md"
step done
