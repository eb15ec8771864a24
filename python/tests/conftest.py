"""A real pipeline for the tests: the project's KRaft broker on a free loopback port, its topics, the
bundled Fashion-MNIST subset produced, statistics computed and one augment worker run until
`augmented.train` and `prepared.test` hold every record. Every process is started here and stopped by
PID in a finally block."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pytest
from confluent_kafka import Consumer, KafkaError, TopicPartition

ROOT = Path(__file__).resolve().parents[2]
CLI = str(ROOT / "streamaug")
TRAIN_LIMIT = int(os.environ.get("STREAMAUG_TEST_LIMIT", "1200"))  # raw images per source file
PARTITIONS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(process: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds; only this process, by its PID."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def run_cli(*args: str, timeout: float = 180, log: Optional[Path] = None) -> str:
    env = {**os.environ, "STREAMAUG_JAVA_OPTS": os.environ.get("STREAMAUG_JAVA_OPTS", "-Xmx768m")}
    p = subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        out, _ = p.communicate(timeout=timeout)
    finally:
        stop(p)
    if log is not None:
        with log.open("a") as f:
            f.write(f"$ streamaug {' '.join(args)}\n{out}\n")
    if p.returncode != 0:
        raise AssertionError(f"streamaug {' '.join(args)} exited {p.returncode}:\n{out[-3000:]}")
    return out


def topic_records(bootstrap: str, topic: str, timeout: float = 60) -> list[tuple[int, int, bytes, bytes]]:
    """Every committed record of `topic` as (partition, offset, key, value), read to the end."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "streamaug-test-reader",
                         "isolation.level": "read_committed", "enable.auto.commit": False,
                         "enable.partition.eof": True, "auto.offset.reset": "earliest"})
    try:
        partitions = sorted(consumer.list_topics(topic, timeout=15).topics[topic].partitions)
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=15)[1] for p in partitions}
        done = {p for p, end in ends.items() if end == 0}
        out: list[tuple[int, int, bytes, bytes]] = []
        deadline = time.monotonic() + timeout
        while len(done) < len(partitions):
            if time.monotonic() > deadline:
                raise AssertionError(f"reading {topic}: partitions {sorted(set(partitions) - done)} not at the end")
            for m in consumer.consume(1000, 0.2):
                if m.error() is not None:
                    if m.error().code() == KafkaError._PARTITION_EOF and m.offset() >= ends[m.partition()]:
                        done.add(m.partition())
                    continue
                out.append((m.partition(), m.offset(), m.key(), m.value()))
        return out
    finally:
        consumer.close()


def count_split(bootstrap: str, topic: str, split: str) -> int:
    """Records of `topic` whose `split` header is `split` (raw records: train when absent)."""
    return sum(1 for headers in topic_records_with_headers(bootstrap, topic)
               if dict(headers).get("split", b"train").decode() == split)


def topic_records_with_headers(bootstrap: str, topic: str) -> list[list[tuple[str, bytes]]]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "streamaug-test-reader",
                         "enable.auto.commit": False, "enable.partition.eof": True,
                         "auto.offset.reset": "earliest"})
    try:
        partitions = sorted(consumer.list_topics(topic, timeout=15).topics[topic].partitions)
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=15)[1] for p in partitions}
        done = {p for p, end in ends.items() if end == 0}
        out: list[list[tuple[str, bytes]]] = []
        deadline = time.monotonic() + 60
        while len(done) < len(partitions) and time.monotonic() < deadline:
            for m in consumer.consume(1000, 0.2):
                if m.error() is not None:
                    if m.error().code() == KafkaError._PARTITION_EOF and m.offset() >= ends[m.partition()]:
                        done.add(m.partition())
                    continue
                out.append(m.headers() or [])
        return out
    finally:
        consumer.close()


@dataclass(frozen=True)
class Pipeline:
    bootstrap: str
    dir: Path
    train_count: int  # records in augmented.train
    test_count: int
    log: Path


@pytest.fixture(scope="session")
def pipeline() -> Iterator[Pipeline]:
    existing = os.environ.get("STREAMAUG_TEST_BOOTSTRAP")  # reuse a filled pipeline (development only)
    if existing:
        yield Pipeline(existing, Path(tempfile.mkdtemp(prefix="streamaug-py-")),
                       len(topic_records(existing, "augmented.train")),
                       len(topic_records(existing, "prepared.test")), Path(os.devnull))
        return
    work = Path(tempfile.mkdtemp(prefix="streamaug-py-"))
    log = work / "pipeline.log"
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    env = {**os.environ, "STREAMAUG_JAVA_OPTS": "-Xmx768m"}
    broker_log = (work / "broker.log").open("w")
    broker = subprocess.Popen([CLI, "broker", "--port", str(port), "--data-dir", str(work / "kafka")],
                              stdout=broker_log, stderr=subprocess.STDOUT, env=env)
    worker: Optional[subprocess.Popen] = None
    try:
        deadline = time.monotonic() + 240  # the launcher may build the project first
        while True:
            if broker.poll() is not None:
                raise AssertionError(f"the broker exited {broker.returncode}; see {work / 'broker.log'}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("the broker did not listen within 240 s") from None
                time.sleep(0.5)
        b = ["--bootstrap", bootstrap]
        run_cli("topics", *b, "--partitions", str(PARTITIONS), log=log)
        run_cli("produce", "images", *b, "--bundled", "--limit", str(TRAIN_LIMIT), log=log)
        run_cli("stats", *b, "--dataset", "fashion-mnist", log=log)
        raw_train = count_split(bootstrap, "raw.images", "train")
        raw_test = count_split(bootstrap, "raw.images", "test")
        worker_log = (work / "augment.log").open("w")
        worker = subprocess.Popen([CLI, "augment", *b, "--state-dir", str(work / "streams")],
                                  stdout=worker_log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 240
        while True:
            train, test = (len(topic_records(bootstrap, t)) for t in ("augmented.train", "prepared.test"))
            if train >= raw_train and test >= raw_test:
                break
            if worker.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"augment: {train}/{raw_train} train, {test}/{raw_test} test records "
                                     f"(worker {'exited' if worker.poll() is not None else 'too slow'}; "
                                     f"see {work / 'augment.log'})")
            time.sleep(2)
        stop(worker)
        worker = None
        yield Pipeline(bootstrap, work, train, test, log)
    finally:
        if worker is not None:
            stop(worker)
        stop(broker, grace=30)
        broker_log.close()


def python_child(*args: str) -> list[str]:
    return [sys.executable, *args]
