#!/usr/bin/env python3
"""Asserts an image's config (from `skopeo inspect --config`): a non-root user, the exposed port, a java entrypoint.

usage: skopeo inspect --config ... | check-image.py NAME PORT
"""
import json
import sys

name, port = sys.argv[1], sys.argv[2]
config = json.load(sys.stdin)["config"]
user = config.get("User", "")
ports = sorted(config.get("ExposedPorts", {}))
entrypoint = config.get("Entrypoint") or []
problems = []
if user.split(":")[0] in ("", "0", "root"):
    problems.append(f"runs as root (User={user!r})")
if f"{port}/tcp" not in ports:
    problems.append(f"does not expose {port}/tcp (ExposedPorts={ports})")
if not entrypoint or "java" not in entrypoint[0] or not any(a.endswith("quarkus-run.jar") for a in entrypoint):
    problems.append(f"entrypoint is not the Quarkus application (Entrypoint={entrypoint})")
print(f"{name}: User={user} ExposedPorts={ports} Entrypoint={' '.join(entrypoint)}")
if problems:
    print(f"{name}: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
