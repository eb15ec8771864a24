#!/usr/bin/env bash
# Trainer samples/s with each of ND4J 1.0.0-M2.1's native builds for linux-x86_64 (generic, -avx2, -avx512,
# -onednn, -onednn-avx2), interleaved per round, with the PyTorch peer in the same rounds; one thread.
# The build is chosen with -Dorg.bytedeco.javacpp.platform.extension; the jars come from Maven Central.
# Usage: bench/experiments/nd4j-builds.sh [ROUNDS] [SECONDS] [OUT.json]   (about 15 minutes with 3 × 2 s)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROUNDS="${1:-3}" SECONDS_EACH="${2:-2}" OUT="${3:-$ROOT/docs/results/nd4j-builds.json}"
BUILDS="${BUILDS:-generic avx2 avx512 onednn onednn-avx2}"
MODELS="${MODELS:-mlp:1,32,128 mlp-nonorm:32,128 cnn:32,64 small-cnn:32,64}"
cd "$ROOT"
./streamaug --version >/dev/null  # builds when needed
CP="$ROOT/deploy/target/classes:$(cat "$ROOT/deploy/target/launcher.classpath")"
REPO="$(./mvnw -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || echo "$HOME/.m2/repository")"
JARS=""
for b in $BUILDS; do
  [ "$b" = generic ] && continue
  jar="$REPO/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64-$b.jar"
  [ -f "$jar" ] || ./mvnw -q dependency:get -Dartifact="org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64-$b" -Dtransitive=false
  JARS="$JARS:$jar"
done
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
export OMP_NUM_THREADS=1
for r in $(seq 1 "$ROUNDS"); do
  for spec in $MODELS; do
    model="${spec%%:*}" sizes="${spec#*:}"
    for b in $BUILDS; do
      ext=""; [ "$b" = generic ] || ext="-$b"
      echo "round $r/$ROUNDS $model DL4J $b…" >&2
      java -Xmx2g -Dorg.bytedeco.javacpp.platform.extension="$ext" -cp "$CP$JARS" \
        io.streamaug.trainer.bench.TrainerBench "$model" "$sizes" 1 "$SECONDS_EACH" 2>/dev/null | grep '^{' \
        | sed "s/^/$r dl4j-$b $model /" >> "$tmp/rates"
    done
    echo "round $r/$ROUNDS $model PyTorch…" >&2
    /usr/bin/python3 bench/peers/trainer_peer.py "$model" 1 "$sizes" 1 "$SECONDS_EACH" | sed "s/^/$r torch $model /" >> "$tmp/rates"
  done
done
for b in $BUILDS; do
  ext=""; [ "$b" = generic ] || ext="-$b"
  java -Xmx1g -Dorg.bytedeco.javacpp.platform.extension="$ext" -cp "$CP$JARS" io.streamaug.trainer.bench.TrainerBench environment \
    2>/dev/null | grep '^{' | sed "s/^/0 env-dl4j-$b - /" >> "$tmp/rates"
done
OPENBLAS_VERBOSE=2 /usr/bin/python3 bench/peers/trainer_peer.py environment 1 2>"$tmp/torch-err" | sed "s/^/0 env-torch - /" >> "$tmp/rates"
/usr/bin/python3 - "$tmp/rates" "$OUT" "$tmp/torch-err" <<'PY'
import json, statistics, sys
rates, env = {}, {}
for line in open(sys.argv[1]):
    _, who, model, payload = line.split(" ", 3)
    data = json.loads(payload)
    if who.startswith("env-"):
        env[who[4:]] = data
        continue
    for bs, value in data.items():
        rates.setdefault((who, model, bs), []).append(value)
core = [l[6:].strip() for l in open(sys.argv[3]) if l.startswith("Core: ")]
env.setdefault("torch", {})["openblas_core"] = core[0] if core else "none reported"
out = {"medians_sps": {f"{who} {model} {bs}": statistics.median(v) for (who, model, bs), v in sorted(rates.items())},
       "environment": env}
json.dump(out, open(sys.argv[2], "w"), indent=1)
models = sorted({m for _, m, _ in rates})
whos = sorted({w for w, _, _ in rates})
print(f"{'model':12} {'minibatch':10}" + "".join(f"{w:>18}" for w in whos))
for m in models:
    for bs in sorted({b for _, mm, b in rates if mm == m}, key=lambda b: int(b[2:])):
        torch = statistics.median(rates.get(("torch", m, bs), [float("nan")]))
        cells = []
        for w in whos:
            v = statistics.median(rates.get((w, m, bs), [float("nan")]))
            cells.append(f"{v:9.0f} ({v / torch:4.2f}×)" if w != "torch" else f"{v:18.0f}")
        print(f"{m:12} {bs[2:]:10}" + "".join(f"{c:>18}" for c in cells))
print("written to", sys.argv[2])
PY
