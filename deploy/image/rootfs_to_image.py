#!/usr/bin/env python3
"""Wraps a root filesystem tarball as a one-layer image tarball in `docker save` format.

Usage: rootfs_to_image.py ROOTFS.tar OUT.tar TAG
"""
import hashlib
import io
import json
import sys
import tarfile


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def main():
    rootfs, out, tag = sys.argv[1:4]
    layer = sha256_file(rootfs)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64", "LANG=C.UTF-8"],
        },
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + layer]},
        "history": [{"created_by": "mmdebstrap bookworm minbase + openjdk-17-jre-headless libgomp1 libturbojpeg0"}],
    }
    config_bytes = json.dumps(config, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": [layer + "/layer.tar"]}]
    with tarfile.open(out, "w") as tar:
        add_bytes(tar, config_name, config_bytes)
        tar.add(rootfs, arcname=layer + "/layer.tar")
        add_bytes(tar, "manifest.json", json.dumps(manifest).encode())


if __name__ == "__main__":
    main()
