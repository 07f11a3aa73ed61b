#!/usr/bin/env bash
# Runs `owner ...` from the owner-kit build without the flexserve CLI: compiles the module (and its class path
# file) when needed. Usage: owner-kit/owner.sh <command> [options]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cp_file="$root/owner-kit/target/classpath.txt"
if [ ! -f "$cp_file" ] || [ ! -d "$root/owner-kit/target/classes" ] \
   || [ -n "$(find "$root/owner-kit/src/main" "$root/owner-kit/pom.xml" -newer "$cp_file" -print -quit)" ]; then
  "$root/mvnw" -q -B -f "$root/model/pom.xml" install -DskipTests >&2
  "$root/mvnw" -q -B -f "$root/owner-kit/pom.xml" compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
  touch "$cp_file"
fi
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec java ${OWNER_JAVA_OPTS:--Xmx3g} -Dai.djl.offline=true -cp "$root/owner-kit/target/classes:$(cat "$cp_file")" \
  dev.flexserve.ownerkit.OwnerMain "$@"
