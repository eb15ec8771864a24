"""PreparedStream on a real broker: what it yields, in-process resume, bad input."""
from __future__ import annotations

import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Optional

import pytest
import torch
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import Pipeline, topic_records
from streamaug import wire
from streamaug.torch import Batch, PreparedStream, StreamError, StreamLoader

FIXTURES = Path(__file__).parent / "fixtures"


def stream(p: Pipeline, topic: str = "augmented.train", **kw: object) -> PreparedStream:
    options: dict = dict(batch_size=64, shuffle_buffer=256, seed=3, to_end=True, idle_timeout=10, keys=True)
    options.update(kw)
    return PreparedStream(p.bootstrap, topic, **options)


def keys_of(batches: list[Batch]) -> list[str]:
    return [k for b in batches for k in (b.keys or [])]


def test_batches_are_normalised_images_with_class_indices(pipeline: Pipeline) -> None:
    batches = list(StreamLoader(stream(pipeline)))
    assert sum(len(b[0]) for b in batches) == pipeline.train_count
    assert all(len(b[0]) == 64 for b in batches[:-1])
    images = torch.cat([b[0] for b in batches])
    targets = torch.cat([b[1] for b in batches])
    assert images.dtype == torch.float32 and images.shape[1:] == (1, 28, 28)
    assert targets.dtype == torch.int64 and set(targets.tolist()) == set(range(10))
    # normalised with the train split's statistics: mean ≈ 0, std ≈ 1 (augmentation shifts them a little)
    assert abs(images.mean().item()) < 0.2 and 0.8 < images.std().item() < 1.2
    # the same values the reference decoder gives, record by record
    by_key = {k.decode(): v for _, _, k, v in topic_records(pipeline.bootstrap, "augmented.train")}
    first = batches[0]
    for i, key in enumerate((first.keys or [])[:16]):
        r = wire.decode(by_key[key])
        assert torch.allclose(first[0][i], torch.from_numpy(r.x), atol=1e-6)
        assert first[1][i].item() == r.label


def test_shuffled_and_seeded(pipeline: Pipeline) -> None:
    a = keys_of(list(StreamLoader(stream(pipeline, seed=1))))
    c = keys_of(list(StreamLoader(stream(pipeline, seed=2))))
    topic = [k.decode() for _, _, k, _ in topic_records(pipeline.bootstrap, "augmented.train")]
    assert Counter(a) == Counter(topic)
    assert a != topic and a != c and Counter(a) == Counter(c)


@pytest.mark.parametrize("workers, buffer_state", [(0, "contents"), (2, "contents"), (0, "refs"), (2, "refs")])
def test_state_dict_resumes_exactly(pipeline: Pipeline, workers: int, buffer_state: str) -> None:
    first = stream(pipeline, buffer_state=buffer_state)
    loader = StreamLoader(first, num_workers=workers)
    seen: list[Batch] = []
    for batch in loader:
        seen.append(batch)
        if len(seen) == 5:
            break
    state = first.state_dict()
    assert sum(len(s["buffer"]) for s in state["shards"].values()) > 0  # the buffer is part of the state
    held = [len(s["contents"]["values"]) for s in state["shards"].values() if "contents" in s]
    assert held == ([len(s["buffer"]) for s in state["shards"].values()] if buffer_state == "contents" else [])
    second = stream(pipeline, buffer_state=buffer_state)
    second.load_state_dict(state)
    rest = list(StreamLoader(second, num_workers=workers))
    topic = [k.decode() for _, _, k, _ in topic_records(pipeline.bootstrap, "augmented.train")]
    assert Counter(keys_of(seen) + keys_of(rest)) == Counter(topic)


def numbered_topic(p: Pipeline, n: int, mark: int, topic: Optional[str] = None) -> str:
    """A one-partition topic of n records keyed k0…k{n-1}, record i's first pixel set to (i + mark) % 256."""
    topic = topic or f"numbered.{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": p.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)
    good = (FIXTURES / "uint8-class.bin").read_bytes()
    start = wire.locate(good).data_start
    producer = Producer({"bootstrap.servers": p.bootstrap})
    for i in range(n):
        producer.produce(topic, key=f"k{i}", value=good[:start] + bytes([(i + mark) % 256]) + good[start + 1:])
    assert producer.flush(30) == 0
    return topic


def first_pixels(batches: list[Batch]) -> dict[str, int]:
    """Each record's first pixel, undoing the affine normalisation of the fixture's channel 0."""
    good = (FIXTURES / "uint8-class.bin").read_bytes()
    start = wire.locate(good).data_start
    shift, one = (float(wire.decode(good[:start] + bytes([v]) + good[start + 1:]).x[0, 0, 0]) for v in (0, 1))
    scale = one - shift
    return {k: round((float(b[0][i, 0, 0, 0]) - shift) / scale) for b in batches for i, k in enumerate(b.keys or [])}


def test_contents_state_resumes_although_kafka_lost_the_buffered_records(pipeline: Pipeline) -> None:
    topic = numbered_topic(pipeline, 40, 0)
    first = stream(pipeline, topic, batch_size=4, shuffle_buffer=8)
    seen = []
    for batch in StreamLoader(first):
        seen.append(batch)
        if len(seen) == 3:
            break
    state = first.state_dict()
    buffered = {f"k{o}" for s in state["shards"].values() for _, o in s["buffer"].tolist()}
    assert len(buffered) == 8
    # the topic is deleted and made again with the same keys at the same offsets, every pixel value moved
    admin = AdminClient({"bootstrap.servers": pipeline.bootstrap})
    admin.delete_topics([topic])[topic].result(30)
    deadline = time.monotonic() + 30
    while topic in admin.list_topics(timeout=10).topics and time.monotonic() < deadline:
        time.sleep(0.2)
    numbered_topic(pipeline, 40, 100, topic)
    second = stream(pipeline, topic, batch_size=4, shuffle_buffer=8)
    second.load_state_dict(state)
    rest = first_pixels(list(StreamLoader(second)))
    before = keys_of(seen)
    assert not set(rest) & set(before) and len(before) == len(set(before))
    assert sorted(set(rest) | set(before), key=lambda k: int(k[1:])) == [f"k{i}" for i in range(40)]
    # what was buffered comes from the checkpoint; what was not yet read comes from the new topic
    assert {k: v for k, v in rest.items() if k in buffered} == {k: int(k[1:]) for k in buffered}
    assert {k: v for k, v in rest.items() if k not in buffered} == \
        {k: int(k[1:]) + 100 for k in rest if k not in buffered}


def test_too_few_partitions_is_a_clear_error(pipeline: Pipeline) -> None:
    s = stream(pipeline)
    with pytest.raises(StreamError, match=r"has 4 partitions, fewer than the 6 readers of 1 rank\(s\) × 6 "
                                          r"DataLoader worker\(s\)"):
        next(iter(StreamLoader(s, num_workers=6)))


def test_missing_topic_is_a_clear_error(pipeline: Pipeline) -> None:
    with pytest.raises(StreamError, match="topic no.such.topic"):
        next(iter(StreamLoader(stream(pipeline, "no.such.topic"))))


def test_topic_without_prepared_records_names_topic_partition_offset(pipeline: Pipeline) -> None:
    with pytest.raises(wire.WireError, match=r"^topic raw\.images partition \d+ offset \d+: not a prepared record"):
        list(StreamLoader(stream(pipeline, "raw.images")))


def bad_topic(p: Pipeline, bad: bytes) -> str:
    """A one-partition topic: three good records (Java-written), the bad one at offset 3, two good ones."""
    topic = f"bad.{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": p.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)
    good = (FIXTURES / "uint8-class.bin").read_bytes()
    producer = Producer({"bootstrap.servers": p.bootstrap})
    for i, value in enumerate([good, good, good, bad, good, good]):
        producer.produce(topic, key=f"k{i}", value=value)
    assert producer.flush(30) == 0
    return topic


@pytest.mark.parametrize("damage, message", [
    (lambda v: v[:4] + b"\x07" + v[5:], "unknown wire version 7"),
    (lambda v: v[:-9], "truncated"),
])
def test_bad_record_raises_naming_topic_partition_offset_or_is_skipped(pipeline: Pipeline, damage, message) -> None:
    good = (FIXTURES / "uint8-class.bin").read_bytes()
    topic = bad_topic(pipeline, damage(good))
    with pytest.raises(wire.WireError, match=rf"^topic {topic} partition 0 offset 3: {message}"):
        list(StreamLoader(stream(pipeline, topic, batch_size=2, shuffle_buffer=1)))
    s = stream(pipeline, topic, batch_size=2, shuffle_buffer=1, on_error="skip")
    batches = list(StreamLoader(s))
    assert keys_of(batches) == ["k0", "k1", "k2", "k4", "k5"]
    assert s.skipped == 1
    assert batches[0][0].shape == (2, 3, 5, 4)


def test_group_mode_reads_every_record_and_commits_what_it_trained(pipeline: Pipeline) -> None:
    group = f"py-test-{uuid.uuid4().hex[:8]}"
    s = stream(pipeline, group=group, to_end=False, idle_timeout=4)
    batches = list(StreamLoader(s))
    records = topic_records(pipeline.bootstrap, "augmented.train")
    assert Counter(keys_of(batches)) == Counter(k.decode() for _, _, k, _ in records)
    last = {p: max(o for q, o, _, _ in records if q == p) for p, _, _, _ in records}
    consumer = Consumer({"bootstrap.servers": pipeline.bootstrap, "group.id": group})
    try:
        committed = consumer.committed([TopicPartition("augmented.train", p) for p in last], timeout=15)
    finally:
        consumer.close()
    assert {tp.partition: tp.offset > last[tp.partition] for tp in committed} == {p: True for p in last}
