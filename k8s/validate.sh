#!/usr/bin/env bash
# Offline checks of the Kubernetes side (no API server needed):
#  1. every overlay renders with `kubectl kustomize`;
#  2. every object it renders validates against the Kubernetes schemas (npm kubernetes-models), Experts against the CRD;
#  3. the example Experts: k8s/examples/valid/* pass the CRD's schema and CEL rules, k8s/examples/invalid/* are rejected
#     (this fails if a bad one passes);
#  4. the objects the operator writes for an example Expert (examples/generated) validate against the Kubernetes schemas;
#  5. Keycloak's realm in the manifests is the one `flexserve up` imports.
# Node packages are installed into k8s/.validate/node_modules (git-ignored) on first use.
set -euo pipefail
cd "$(dirname "$0")"
crd=base/operator/expert-crd.yaml

if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
if [ ! -d .validate/node_modules ]; then
  (cd .validate && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

cmp -s base/keycloak/flexserve-realm.json ../cli/src/main/resources/dev/flexserve/cli/identity/flexserve-realm.json \
  || { echo "base/keycloak/flexserve-realm.json differs from the cli's realm: copy it again" >&2; exit 1; }

rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
for overlay in overlays/*/; do
  name=$(basename "$overlay")
  kubectl kustomize "$overlay" >"$rendered/$name.yaml" || { echo "$name: kustomize failed" >&2; exit 1; }
  echo -n "overlays/$name: $(grep -c '^kind:' "$rendered/$name.yaml") resources; "
  node .validate/validate.mjs manifests "$rendered/$name.yaml" "$crd"
done

# What the operator writes for an example Expert (committed by the operator's GeneratedWorkloadFileTest).
for generated in examples/generated/*.yaml; do
  echo -n "$generated: "
  node .validate/validate.mjs manifests "$generated" "$crd"
done

node .validate/validate.mjs experts "$crd" valid examples/valid/*.yaml
node .validate/validate.mjs experts "$crd" invalid examples/invalid/*.yaml
echo "k8s: all manifests and example Experts validated"
