#!/usr/bin/env python3
"""Writes an OCI image layout with one layer (a root file system tarball) and a config, for skopeo to push.

usage: oci-image.py ROOTFS.tar OUT_DIR TAG USER [ENV=VALUE ...]
"""
import gzip
import hashlib
import json
import os
import shutil
import sys


def blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)


def main():
    rootfs, out, tag, user, *env = sys.argv[1:]
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "blobs", "sha256"))
    with open(rootfs, "rb") as f:
        tar = f.read()
    diff_id = "sha256:" + hashlib.sha256(tar).hexdigest()
    # mtime 0: the same root file system gives the same layer digest.
    layer_digest, layer_size = blob(out, gzip.compress(tar, compresslevel=6, mtime=0))
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {"User": user, "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] + env,
                   "WorkingDir": "/home/jboss"},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created_by": "mmdebstrap (k8s/images.sh)"}],
    }
    config_digest, config_size = blob(out, json.dumps(config, sort_keys=True).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                   "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest,
                    "size": layer_size}],
    }
    manifest_digest, manifest_size = blob(out, json.dumps(manifest, sort_keys=True).encode())
    index = {"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": manifest_size,
        "annotations": {"org.opencontainers.image.ref.name": tag}}]}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


if __name__ == "__main__":
    main()
