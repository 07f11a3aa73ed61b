#!/usr/bin/env bash
# Builds the container images of gateway, router-service, expert-service, attribution-service and operator with Jib
# (no Docker daemon), pushes them to a local registry (Debian's docker-registry on 127.0.0.1:5000, data in a temp
# dir, stopped at the end) and checks each image's config read back with skopeo: a non-root user, its port, the Quarkus
# entrypoint.
#
# The base image (Debian bookworm with openjdk-17-jre-headless and user 185) is built with mmdebstrap from Debian's
# packages, since no other registry is reachable from the build machines; its root file system is cached in
# ~/.cache/flexserve. Elsewhere, pass the usual base instead: FLEXSERVE_BASE_IMAGE=registry.access.redhat.com/ubi9/openjdk-17-runtime
set -euo pipefail
cd "$(dirname "$0")/.."
registry=127.0.0.1:5000
tag=0.1.0
services=(gateway:8080 router-service:8081 expert-service:8090 attribution-service:8082 operator:8080)

missing=()
for tool in docker-registry:docker-registry skopeo:skopeo mmdebstrap:mmdebstrap curl:curl; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
registry_pid=
cleanup() {
  local status=$?
  if [ -n "$registry_pid" ]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

if curl -s -o /dev/null "http://$registry/v2/"; then
  echo "something already listens on $registry: stop it first" >&2
  exit 1
fi
mkdir -p "$work/registry"
cat >"$work/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $registry
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 50); do
  curl -s -o /dev/null "http://$registry/v2/" && break
  kill -0 "$registry_pid" 2>/dev/null || { cat "$work/registry.log" >&2; exit 1; }
  sleep 0.2
done

base=${FLEXSERVE_BASE_IMAGE:-}
if [ -z "$base" ]; then
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/flexserve
  rootfs=$cache/jre17-bookworm-rootfs.tar
  if [ ! -s "$rootfs" ]; then
    mkdir -p "$cache"
    echo "building the base image's root file system (mmdebstrap, once)"
    mmdebstrap --quiet --variant=essential --include=openjdk-17-jre-headless,ca-certificates \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' \
      --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
      --customize-hook='echo "jboss:x:185:0:jboss:/home/jboss:/usr/sbin/nologin" >> "$1"/etc/passwd; mkdir -p "$1"/home/jboss; chown 185:0 "$1"/home/jboss' \
      --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
      bookworm "$rootfs.part" http://deb.debian.org/debian
    mv "$rootfs.part" "$rootfs"
  fi
  python3 k8s/images/oci-image.py "$rootfs" "$work/base" jre17 185 JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
  base=$registry/flexserve/jre:17
  skopeo copy --quiet --dest-tls-verify=false "oci:$work/base:jre17" "docker://$base"
fi

modules=$(printf '%s,' "${services[@]%%:*}")
./mvnw -B -q package -DskipTests -Pimages -pl "${modules%,}" -am \
  -Dquarkus.container-image.push=true -Dquarkus.container-image.registry="$registry" \
  -Dquarkus.container-image.insecure=true -Dquarkus.jib.base-jvm-image="$base"

failed=0
for service in "${services[@]}"; do
  name=${service%%:*}
  port=${service##*:}
  skopeo inspect --tls-verify=false --config "docker://$registry/flexserve/$name:$tag" \
    | python3 k8s/images/check-image.py "$name" "$port" || failed=1
done
[ "$failed" -eq 0 ] || { echo "images: some image's config is wrong" >&2; exit 1; }
echo "images: ${#services[@]} images built, pushed to $registry and checked"
