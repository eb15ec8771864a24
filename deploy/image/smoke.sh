#!/usr/bin/env bash
# Runs the image Jib built without a container engine: unpacks its layers into a root filesystem
# and runs the entry point under chroot: `--version`, then `demo --quick` (the whole pipeline,
# so OpenCV's and ND4J's native libraries load inside the image). Needs root; if /proc cannot be
# mounted (an unprivileged container), it says so and stops after unpacking.
#
#   deploy/image/smoke.sh [IMAGE.tar]     (default: deploy/target/jib-image.tar)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGE="$(cd "$(dirname "${1:-$HERE/../target/jib-image.tar}")" && pwd)/$(basename "${1:-$HERE/../target/jib-image.tar}")"
WORK="$(mktemp -d)"
ROOT="$WORK/root"
cleanup() {
  umount "$ROOT/dev" 2>/dev/null || true
  umount "$ROOT/proc" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/image" "$ROOT"
tar -xf "$IMAGE" -C "$WORK/image"
readarray -t LAYERS < <(python3 -c "import json,sys; print('\n'.join(json.load(open(sys.argv[1]))[0]['Layers']))" "$WORK/image/manifest.json")
for layer in "${LAYERS[@]}"; do
  tar --warning=no-unknown-keyword -xzf "$WORK/image/$layer" -C "$ROOT"
done
readarray -t ENTRY < <(python3 -c "
import json,sys
m=json.load(open(sys.argv[1]))[0]; c=json.load(open(sys.argv[1].rsplit('/',1)[0]+'/'+m['Config']))['config']
print('\n'.join(c['Entrypoint'])); print('--env--'); print('\n'.join(c.get('Env', []))); print('--dir--'); print(c.get('WorkingDir','/'))" "$WORK/image/manifest.json")
CMD=(); ENVS=(); DIR=/; mode=cmd
for line in "${ENTRY[@]}"; do
  case "$line" in --env--) mode=env ;; --dir--) mode=dir ;; *)
    case $mode in cmd) CMD+=("$line") ;; env) ENVS+=("$line") ;; dir) DIR="$line" ;; esac ;; esac
done
if ! mount -t proc proc "$ROOT/proc" 2>/dev/null; then
  echo "image smoke: unpacked ${#LAYERS[@]} layers; cannot mount /proc here, so the entry point was not run" >&2
  exit 0
fi
mount --bind /dev "$ROOT/dev"
mkdir -p "$ROOT$DIR" "$ROOT/tmp" && chmod 1777 "$ROOT/tmp"
run() { chroot "$ROOT" /usr/bin/env -i "${ENVS[@]}" HOME=/tmp sh -c 'cd "$0" && exec "$@"' "$DIR" "${CMD[@]}" "$@"; }
run --version
run demo --quick --workers 1 --epochs 1
echo "image smoke: the entry point ran --version and demo --quick inside the image"
