#!/usr/bin/env bash
# Renders every overlay with `kubectl kustomize` (offline); exits non-zero on the first that fails to build.
set -euo pipefail
cd "$(dirname "$0")"
for overlay in overlays/*/; do
  rendered=$(kubectl kustomize "$overlay") || { echo "${overlay%/}: kustomize failed" >&2; exit 1; }
  echo "${overlay%/}: $(grep -c '^kind:' <<<"$rendered") resources"
done
