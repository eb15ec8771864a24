"""The example trainer as child processes: killed with SIGKILL and resumed (its data and its learning-rate
schedule), and under DDP (gloo)."""
from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Optional

import pytest

from conftest import Pipeline, free_port, topic_records

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "train_fashion_mnist.py")


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def topic_keys(p: Pipeline) -> Counter:
    return Counter(k.decode() for _, _, k, _ in topic_records(p.bootstrap, "augmented.train"))


def trainer(p: Pipeline, tmp: Path, *extra: str) -> list[str]:
    return [sys.executable, EXAMPLE, "--bootstrap", p.bootstrap, "--to-end", "--idle-timeout", "15",
            "--checkpoint", str(tmp / "ck.pt"), "--keys-log", str(tmp / "keys"), "--threads", "1", *extra]


def test_sigkill_three_times_then_resume_trains_every_record_once(pipeline: Pipeline, tmp_path: Path) -> None:
    cmd = trainer(pipeline, tmp_path, "--model", "cnn", "--batch-size", "16", "--shuffle-buffer", "300",
                  "--checkpoint-every", "4", "--no-eval", "--schedule", "cosine", "--warmup-steps", "5",
                  "--total-steps", str(-(-pipeline.train_count // 16)))
    keys = tmp_path / "keys"
    outputs: list[str] = []
    total = pipeline.train_count
    for kill in range(1, 4):
        target = kill * total // 4  # kill once the log holds a quarter, a half, three quarters
        with open(tmp_path / f"run{kill}.log", "w") as out:
            child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 120
                while len(lines(keys)) < target and child.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.005)
                assert child.poll() is None, f"run {kill} ended before it was killed: {(tmp_path / f'run{kill}.log').read_text()}"
                child.send_signal(signal.SIGKILL)
                assert child.wait(30) == -signal.SIGKILL
            finally:
                if child.poll() is None:
                    child.kill()
                    child.wait(10)
        outputs.append((tmp_path / f"run{kill}.log").read_text())
        assert len(lines(keys)) < total, "killed after the last record: nothing left to resume"
    final = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=180)
    assert final.returncode == 0, final.stdout
    outputs.append(final.stdout)
    resumed = [int(m) for m in re.findall(r"resumed at step (\d+)", "".join(outputs))]
    assert len(resumed) >= 3 and resumed == sorted(resumed) and resumed[0] > 0
    trained = Counter(lines(keys))
    assert trained == topic_keys(pipeline)  # every record once: none lost, none twice
    assert max(trained.values()) == 1


def step_rates(out: str) -> dict[int, float]:
    """Step → learning rate, from the trainer's `--log-every` lines."""
    rows = (json.loads(line) for line in out.splitlines() if line.startswith('{"step"'))
    return {row["step"]: row["lr"] for row in rows}


def test_a_resumed_run_continues_the_learning_rate_schedule(pipeline: Pipeline, tmp_path: Path) -> None:
    lr, warmup, total, min_lr = 1e-3, 4, 30, 1e-4
    schedule = ("--model", "mlp", "--no-eval", "--log-every", "1", "--checkpoint-every", "0", "--lr", str(lr),
                "--schedule", "cosine", "--warmup-steps", str(warmup), "--total-steps", str(total),
                "--min-lr", str(min_lr))

    def run(directory: str, max_steps: int) -> str:
        (tmp_path / directory).mkdir(exist_ok=True)
        done = subprocess.run(trainer(pipeline, tmp_path / directory, *schedule, "--max-steps", str(max_steps)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=180)
        assert done.returncode == 0, done.stdout
        return done.stdout

    uninterrupted = step_rates(run("whole", 25))
    before, after = run("stopped", 11), run("stopped", 25)
    assert "resumed at step 11" in after
    assert set(step_rates(after)) == set(range(12, 26))
    assert {**step_rates(before), **step_rates(after)} == uninterrupted  # every step's rate, exactly
    # The shape DL4J's LrSchedule gives: a linear warm-up, then a cosine to min_lr at `total`.
    assert uninterrupted[1] == pytest.approx(lr / warmup) and uninterrupted[warmup] == pytest.approx(lr)
    progress = (25 - 1 - warmup) / (total - warmup)
    assert uninterrupted[25] == pytest.approx(min_lr + (lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress)))


def run_ranks(p: Pipeline, tmp: Path, *extra: str, world: int = 2) -> list[str]:
    port = str(free_port())
    children: list[subprocess.Popen] = []
    try:
        for rank in range(world):
            env = {**os.environ, "RANK": str(rank), "WORLD_SIZE": str(world), "MASTER_ADDR": "127.0.0.1",
                   "MASTER_PORT": port, "GLOO_SOCKET_IFNAME": "lo"}
            children.append(subprocess.Popen(trainer(p, tmp, "--model", "mlp", "--workers", "2", *extra),
                                             stdout=open(tmp / f"rank{rank}.log", "a"), stderr=subprocess.STDOUT,
                                             env=env))
        deadline = time.monotonic() + 180
        try:
            for child in children:
                child.wait(max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for child in children:  # where each one is stuck, into its log
                if child.poll() is None:
                    child.send_signal(signal.SIGUSR1)
            time.sleep(2)
            raise AssertionError("ranks still running after 180 s:\n" + "\n".join(
                f"rank {r}: {(tmp / f'rank{r}.log').read_text()[-6000:]}" for r in range(world))) from None
        for rank, child in enumerate(children):
            assert child.returncode == 0, (tmp / f"rank{rank}.log").read_text()
        return [(tmp / f"rank{r}.log").read_text() for r in range(world)]
    finally:
        for child in children:  # stopped by PID; their DataLoader workers exit with them
            if child.poll() is None:
                child.kill()
                child.wait(10)


def rank_keys(tmp: Path, world: int = 2) -> list[list[str]]:
    return [lines(tmp / f"keys.rank{r}") for r in range(world)]


def assert_partition_of_topic(p: Pipeline, parts: list[list[str]]) -> None:
    a, b = (Counter(part) for part in parts)
    assert max(a.values()) == 1 and max(b.values()) == 1
    assert not set(a) & set(b)  # disjoint
    assert a + b == topic_keys(p)  # together: the whole topic
    partition_of = {k.decode(): part for part, _, k, _ in topic_records(p.bootstrap, "augmented.train")}
    assert not {partition_of[k] for k in a} & {partition_of[k] for k in b}  # by partition


def test_ddp_two_ranks_two_workers_read_disjoint_parts_that_make_the_topic(pipeline: Pipeline, tmp_path: Path) -> None:
    logs = run_ranks(pipeline, tmp_path, "--checkpoint-every", "0")
    assert_partition_of_topic(pipeline, rank_keys(tmp_path))
    assert '"test_accuracy"' in logs[0]


def test_ddp_resumed_run_completes_the_topic_exactly(pipeline: Pipeline, tmp_path: Path) -> None:
    run_ranks(pipeline, tmp_path, "--checkpoint-every", "3", "--max-steps", "7", "--no-eval")
    first = rank_keys(tmp_path)
    assert 0 < sum(map(len, first)) < pipeline.train_count
    logs = run_ranks(pipeline, tmp_path, "--checkpoint-every", "3", "--no-eval")
    assert all("resumed at step 7" in log for log in logs)
    assert_partition_of_topic(pipeline, rank_keys(tmp_path))
