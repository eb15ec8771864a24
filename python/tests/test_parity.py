"""A DL4J trainer and a PyTorch trainer read the same augmented stream at the same time and reach test
accuracies within a point of each other: the MLP 784-256-128-10 with layer norm, minibatch 32, Adam 1e-3,
L2 1e-4, dropout 0.1, label smoothing 0.1, one pass over 21,600 Fashion-MNIST train images replayed
--epochs times (2), tested on the 10,000 test images (Debian's dataset-fashion-mnist; with the bundled
1,000 the binomial standard error alone, 1.3 points, exceeds the tolerance). Both warm up over 100 steps
and then decay the learning rate on the same cosine to 1e-5 over the stream's 1,350 steps. At a constant
rate DL4J's final accuracy moved by about 2 points from run to run (0.774-0.791; PyTorch's 0.788 each
time): the last few hundred batches, met in an order that differs from run to run, decided the end point.
Minutes on two cores, so marked slow: `python/run-tests.sh -m slow` (`.ci/run` runs it as its own step)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import CLI, Pipeline, count_split, run_cli, stop, topic_records

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "train_fashion_mnist.py")
EPOCHS = os.environ.get("STREAMAUG_PARITY_EPOCHS", "2")
TRAIN_LIMIT = os.environ.get("STREAMAUG_PARITY_TRAIN_LIMIT", "24000")
BATCH = 32
WARMUP = 100
MIN_LR = "1e-5"


@pytest.mark.slow
def test_dl4j_and_pytorch_on_the_same_stream_agree_within_a_point(pipeline: Pipeline, tmp_path: Path) -> None:
    prefix = f"parity-{uuid.uuid4().hex[:6]}."
    b = ["--bootstrap", pipeline.bootstrap, "--topic-prefix", prefix]
    log = tmp_path / "parity.log"
    run_cli("topics", *b, "--partitions", "4", log=log)
    data = [] if Path("/usr/share/datasets/fashion-mnist").is_dir() else ["--bundled"]
    run_cli("produce", "images", *b, *data, "--train-limit", TRAIN_LIMIT, "--epochs", EPOCHS, log=log, timeout=300)
    run_cli("stats", *b, "--dataset", "fashion-mnist", log=log)
    want_train = count_split(pipeline.bootstrap, prefix + "raw.images", "train")
    want_test = count_split(pipeline.bootstrap, prefix + "raw.images", "test")
    env = {**os.environ, "STREAMAUG_JAVA_OPTS": "-Xmx1g"}
    worker = subprocess.Popen([CLI, "augment", *b, "--application-id", "parity-augment",
                               "--state-dir", str(tmp_path / "streams")],
                              stdout=open(tmp_path / "augment.log", "w"), stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 600
        while (len(topic_records(pipeline.bootstrap, prefix + "augmented.train")) < want_train
               or len(topic_records(pipeline.bootstrap, prefix + "prepared.test")) < want_test):
            assert worker.poll() is None and time.monotonic() < deadline, (tmp_path / "augment.log").read_text()[-2000:]
            time.sleep(3)
    finally:
        stop(worker)
    # Both decay the rate on the same cosine over the planned steps, so neither ends on whichever batches
    # came last at full rate.
    steps = -(-want_train // BATCH)
    schedule = {"schedule": "cosine", "warmup_steps": str(WARMUP), "total_steps": str(steps), "min_lr": MIN_LR}
    children: list[subprocess.Popen] = []
    try:
        dl4j = subprocess.Popen([CLI, "train", *b, "--name", "parity-dl4j", "--model", "mlp", "--norm", "layer",
                                 "--batch-size", str(BATCH), "--idle-timeout", "20", "--eval-every", "1000000",
                                 "--checkpoint-every", "1000000", "--runs", str(tmp_path / "runs"), "--quiet",
                                 *(f"--set={k}={v}" for k, v in schedule.items()),
                                 "--json", str(tmp_path / "dl4j.json")],
                                stdout=open(tmp_path / "dl4j.log", "w"), stderr=subprocess.STDOUT, env=env)
        children.append(dl4j)
        torch_run = subprocess.Popen([sys.executable, EXAMPLE, "--bootstrap", pipeline.bootstrap,
                                      "--topic", prefix + "augmented.train", "--test-topic", prefix + "prepared.test",
                                      "--model", "mlp", "--batch-size", str(BATCH), "--idle-timeout", "20", "--threads", "1",
                                      *(f"--{k.replace('_', '-')}={v}" for k, v in schedule.items()),
                                      "--json", str(tmp_path / "torch.json")],
                                     stdout=open(tmp_path / "torch.log", "w"), stderr=subprocess.STDOUT)
        children.append(torch_run)
        for child, name in ((dl4j, "dl4j"), (torch_run, "torch")):
            assert child.wait(1200) == 0, (tmp_path / f"{name}.log").read_text()[-3000:]
    finally:
        for child in children:
            stop(child)
    run_cli("evaluate", "--bootstrap", pipeline.bootstrap, "--topic-prefix", prefix,
            "--checkpoint", str(tmp_path / "runs" / "parity-dl4j"), "--json", str(tmp_path / "eval.json"), log=log)
    dl4j_result = json.loads((tmp_path / "eval.json").read_text())
    torch_result = json.loads((tmp_path / "torch.json").read_text())
    dl4j_acc = float(dl4j_result["accuracy"])
    torch_acc = float(torch_result["test_accuracy"])
    summary = {"dl4j_accuracy": dl4j_acc, "test_records": want_test, "pytorch_accuracy": torch_acc, "train_records": want_train,
               "pytorch_samples": torch_result["samples"], "pytorch": torch_result,
               "dl4j_train": json.loads((tmp_path / "dl4j.json").read_text())}
    print(json.dumps(summary))
    (Path(os.environ.get("STREAMAUG_PARITY_OUT", str(tmp_path / "parity.json")))).write_text(json.dumps(summary, indent=1))
    assert torch_result["samples"] == want_train
    assert dl4j_acc > 0.7 and torch_acc > 0.7
    assert abs(dl4j_acc - torch_acc) <= 0.01, summary
