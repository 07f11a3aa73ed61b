#!/usr/bin/env bash
# Native build of the FlexServe services: native-build/build.sh [--sources-only] [module...]
#   default modules: router-service expert-service attribution-service gateway operator
#   --sources-only   package -Dnative -Dquarkus.native.sources-only=true: writes <module>/target/native-sources,
#                    needs no GraalVM (the native-readiness gate on the build machines)
#   otherwise        verify -Dnative: builds <module>/target/*-runner with GraalVM/Mandrel and runs the *IT tests
#                    against it
# Extra Maven flags go in MAVEN_ARGS (read by Maven 3.9), e.g. MAVEN_ARGS=-DskipTests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
goal=(verify -Dnative)
if [[ ${1:-} == --sources-only ]]; then
  goal=(package -Dnative -Dquarkus.native.sources-only=true)
  shift
fi
modules=("$@")
(( ${#modules[@]} )) || modules=(router-service expert-service attribution-service gateway operator)
for m in "${modules[@]}"; do
  echo "== $m: mvnw ${goal[*]}"
  "$root/mvnw" -B -f "$root/$m/pom.xml" "${goal[@]}"
done
