#!/usr/bin/env bash
# Builds the container base image from Debian packages, without a Docker daemon or registry:
# Debian bookworm (minbase) + openjdk-17-jre-headless + libgomp1 + libturbojpeg0 (libjpeg-turbo's SIMD
# TurboJPEG, the workers' JPEG decoder: about twice as fast as OpenCV's bundled libjpeg), as a
# `docker save`-format tarball that Jib takes as its base (tar://…). Needs root and Debian's mmdebstrap (apt-get install mmdebstrap).
#
#   deploy/image/build-base.sh [OUT.tar]     (default: deploy/target/base-image.tar)
#
# Where a registry is reachable, skip this: the image profile's default base is eclipse-temurin:17-jre.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../target/base-image.tar}"
mkdir -p "$(dirname "$OUT")"
ROOTFS="$(mktemp --suffix=.tar)"
trap 'rm -f "$ROOTFS"' EXIT
mmdebstrap --quiet --variant=minbase --include=openjdk-17-jre-headless,libgomp1,libturbojpeg0 \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  bookworm "$ROOTFS" http://deb.debian.org/debian
python3 "$HERE/rootfs_to_image.py" "$ROOTFS" "$OUT" streamaug-base:bookworm-jre17
echo "base image: $OUT"
