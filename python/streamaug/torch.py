"""A streamaug prepared topic as a PyTorch data source, with exact resume and DDP sharding.

`PreparedStream` is an `IterableDataset` of whole batches `(images float32 N×C×H×W, targets)`.
`StreamLoader` wraps it in a `DataLoader` (workers each read a disjoint set of partitions), keeps the
stream's state as of the last batch the training loop received, and, under `torch.distributed`, makes
every rank run the same number of steps (a rank that has run dry gets empty batches until all have).

State (`state_dict()`): per reader, the next offset of each partition, the shuffle buffer in slot order
and the RNG state, so that a restarted job trains on every record exactly once. The buffer is held as
the records themselves (`buffer_state="contents"`, the default: the checkpoint does not depend on the
records still being in Kafka when it is loaded) or as (partition, offset) references that loading re-reads
from Kafka (`buffer_state="refs"`: a small checkpoint, but resuming needs the buffered records not yet
deleted by retention).
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator, Mapping, Optional

import numpy as np
import torch
import torch.distributed as dist
from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from . import _chunk
from .wire import WireError

STATE_FORMAT = "streamaug.PreparedStream/1"


class StreamError(RuntimeError):
    """A problem with the stream (not with one record): missing topic, too few partitions, a bad state."""


class Batch(tuple):
    """`(images, targets)`; `keys` (sample ids, when asked for) and `state` (the reader's state after
    this batch, from DataLoader workers) ride along without changing what unpacking gives."""

    keys: Optional[list[str]]
    state: Optional[dict[str, Any]]

    def __new__(cls, images: torch.Tensor, targets: torch.Tensor, keys: Optional[list[str]] = None,
                state: Optional[dict[str, Any]] = None) -> "Batch":
        batch = super().__new__(cls, (images, targets))
        batch.keys = keys
        batch.state = state
        return batch

    def __reduce__(self) -> Any:
        return Batch, (self[0], self[1], self.keys, self.state)


def _keep(batch: Batch) -> Batch:  # the DataLoader's collate_fn: batches are already batches
    return batch


def dist_rank_world() -> tuple[int, int]:
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class PreparedStream(IterableDataset):
    """Batches of prepared image records from `topic`.

    bootstrap, topic: the Kafka cluster and a prepared topic (`augmented.train`, `prepared.test`, …).
    batch_size: records per batch; the last one of a stream may be smaller (unless drop_last).
    shuffle_buffer, seed: a buffer of this many records; each new record takes the slot of a uniformly
      drawn one, which goes out. 1 = stream order.
    dataset: only records of this dataset name.
    kafka: any librdkafka setting (SASL, SSL, timeouts…), applied last.
    group: join this consumer group (subscribe) instead of assigning partitions; offsets are committed
      after each batch up to the oldest record still buffered: at least once, not exactly once.
    idle_timeout: the stream ends when no record arrives for this many seconds.
    to_end: end at the end offsets found at the start (or on idle_timeout, whichever comes first).
    on_error: "raise" (default) a WireError naming topic, partition and offset; or "skip" and count.
    keys: also return the sample ids (`Batch.keys`).
    buffer_state: how `state_dict()` holds the shuffle buffer: "contents" (the buffered records' bytes and
      keys, read back from Kafka when the state is taken; about shuffle_buffer × record size) or "refs"
      ((partition, offset) pairs, re-read from Kafka on load).
    """

    def __init__(self, bootstrap: str, topic: str, *, batch_size: int = 128, shuffle_buffer: int = 2048,
                 seed: int = 0, dataset: Optional[str] = None, kafka: Optional[Mapping[str, Any]] = None,
                 group: Optional[str] = None, idle_timeout: float = 10.0, to_end: bool = False,
                 on_error: str = "raise", keys: bool = False, drop_last: bool = False,
                 poll_timeout: float = 0.1, buffer_state: str = "contents") -> None:
        super().__init__()
        if batch_size < 1:
            raise ValueError(f"batch_size must be ≥ 1, got {batch_size}")
        if shuffle_buffer < 1:
            raise ValueError(f"shuffle_buffer must be ≥ 1 (1 = no shuffling), got {shuffle_buffer}")
        if on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
        if buffer_state not in ("contents", "refs"):
            raise ValueError(f"buffer_state must be 'contents' or 'refs', got {buffer_state!r}")
        if group is not None and to_end:
            raise ValueError("to_end needs the partitions' end offsets: use it without group=")
        if idle_timeout <= 0:
            raise ValueError(f"idle_timeout must be > 0 seconds, got {idle_timeout}")
        self.bootstrap, self.topic = bootstrap, topic
        self.batch_size, self.shuffle_buffer, self.seed = batch_size, shuffle_buffer, seed
        self.dataset, self.kafka, self.group = dataset, dict(kafka or {}), group
        self.idle_timeout, self.to_end, self.on_error = idle_timeout, to_end, on_error
        self.keys, self.drop_last, self.poll_timeout = keys, drop_last, poll_timeout
        self.buffer_state = buffer_state
        self._layout: Optional[tuple[int, int, int]] = None  # rank, world size, DataLoader workers
        self._shards: dict[str, dict[str, Any]] = {}  # shard key → its state as of the last batch out
        self._live: dict[str, "_Reader"] = {}  # readers running in this process (no workers)

    # --- sharding -------------------------------------------------------------------------------------
    def set_layout(self, rank: int, world_size: int, workers: int) -> None:
        """Readers = world_size × max(workers, 1); checks the topic has enough partitions for them."""
        self._layout = (rank, world_size, max(workers, 1))
        self._my_partitions(rank * max(workers, 1), world_size * max(workers, 1), self.partitions(),
                            world_size, max(workers, 1))

    def partitions(self) -> list[int]:
        consumer = Consumer(self._config())
        try:
            meta = consumer.list_topics(self.topic, timeout=15).topics.get(self.topic)
        except KafkaException as e:
            raise StreamError(f"cannot read the metadata of topic {self.topic} from {self.bootstrap}: {e}") from e
        finally:
            consumer.close()
        if meta is None or meta.error is not None or not meta.partitions:
            problem = meta.error.str() if meta is not None and meta.error is not None else "no partitions"
            raise StreamError(f"topic {self.topic} on {self.bootstrap}: {problem}")
        return sorted(meta.partitions)

    def _my_partitions(self, shard: int, readers: int, partitions: list[int], world: int, workers: int) -> list[int]:
        if len(partitions) < readers:
            raise StreamError(
                f"topic {self.topic} has {len(partitions)} partitions, fewer than the {readers} readers of "
                f"{world} rank(s) × {workers} DataLoader worker(s): each reader needs a partition of its own. "
                f"Use fewer workers or create the topic with at least {readers} partitions")
        return [p for i, p in enumerate(partitions) if i % readers == shard]

    def _config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "bootstrap.servers": self.bootstrap,
            "group.id": self.group or "streamaug-python-unused",  # never joined or committed without group=
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": 10,  # measured: 2-4× the records/s of the default 500 on a local broker
            "max.partition.fetch.bytes": 10 << 20,
        }
        config.update(self.kafka)
        return config

    # --- state ----------------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """This process's readers' positions, shuffle buffers and RNG states, as of the last batch out.
        Under DDP each rank holds its own part: merge them with `gather_state` before saving."""
        shards = dict(self._shards)
        for key, reader in self._live.items():
            shards[key] = reader.snapshot()
        if self.buffer_state == "contents":
            for key, shard in shards.items():
                if "contents" not in shard:
                    shard = shards[key] = self._shards[key] = self._with_contents(shard)
        return {"format": STATE_FORMAT, "topic": self.topic, "seed": self.seed, "shards": shards}

    def _with_contents(self, shard: Mapping[str, Any]) -> dict[str, Any]:
        """The shard's state with its buffered records' values and keys, in slot order, read back from Kafka
        (they were read moments ago; the readers keep decoded rows, not the records' bytes)."""
        refs = [(int(p), int(o)) for p, o in np.asarray(shard["buffer"], np.int64).reshape(-1, 2).tolist()]
        consumer = Consumer(self._config())
        try:
            found = _read_back(consumer, self.topic, refs, max(self.idle_timeout, 15.0))
        finally:
            consumer.close()
        return {**shard, "contents": {"values": [found[r][0] for r in refs], "keys": [found[r][1] for r in refs]}}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        if state.get("format") != STATE_FORMAT:
            raise StreamError(f"not a PreparedStream state (format {state.get('format')!r}, expected {STATE_FORMAT})")
        if state.get("topic") != self.topic:
            raise StreamError(f"the state is of topic {state.get('topic')}, this stream reads {self.topic}")
        self._shards = {k: dict(v) for k, v in state["shards"].items()}
        self._live = {}

    @property
    def skipped(self) -> int:
        """Records skipped as malformed (on_error="skip") by this process's readers so far."""
        return sum(int(s.get("skipped", 0)) for s in self.state_dict()["shards"].values())

    # --- iteration ------------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Batch]:
        info = get_worker_info()
        worker, workers = (info.id, info.num_workers) if info is not None else (0, 1)
        if self._layout is not None:
            rank, world, expected = self._layout
            if expected != workers:
                raise StreamError(f"set_layout said {expected} DataLoader workers, running with {workers}")
        else:
            rank, world = dist_rank_world()
        shard, readers = rank * workers + worker, world * workers
        key = f"{shard}/{readers}"
        if self._shards and self.group is None and key not in self._shards:
            raise StreamError(f"the loaded state was saved by readers {sorted(self._shards)}; this is reader {key}: "
                              "resume with the same number of ranks × DataLoader workers")
        partitions = None if self.group else self._my_partitions(shard, readers, self.partitions(), world, workers)
        reader = _Reader(self, key, partitions, self._shards.get(key))
        if info is None:
            self._live[key] = reader
        try:
            for batch in reader:
                if info is not None:
                    batch.state = reader.snapshot()
                yield batch
        finally:
            if info is None:
                self._shards[key] = reader.snapshot()
                self._live.pop(key, None)
            reader.close()


class _Reader:
    """One reader: its partitions, consumer, shuffle buffer (numpy arrays, one row per slot) and RNG.

    Records arrive in chunks that are checked and located at once (`_chunk.parse`). The buffer fills
    first; then each step draws m distinct random slots, sends their records out, and puts the next m
    records in their place, m = min(buffer size, what the batch still needs)."""

    def __init__(self, stream: PreparedStream, key: str, partitions: Optional[list[int]],
                 state: Optional[Mapping[str, Any]]) -> None:
        self.s, self.key, self.partitions = stream, key, partitions
        self.cap = stream.shuffle_buffer
        self.shape: Optional[_chunk.Shape] = None
        self.classes: Optional[int] = None
        self.data: Optional[np.ndarray] = None  # cap × record bytes
        self.affine: Optional[np.ndarray] = None  # cap × 2 × C
        self.label_kind = np.zeros(self.cap, np.int8)
        self.label = np.zeros(self.cap, np.int64)
        self.soft: Optional[np.ndarray] = None  # cap × classes
        self.ids: list[Optional[bytes]] = [None] * self.cap if stream.keys else []
        self.refs = np.zeros((self.cap, 2), np.int64)  # (partition, offset) of each slot
        self.fill = 0
        self.positions: dict[int, int] = {}
        self.skipped = 0
        self.batches = 0
        self._out: list[np.ndarray] = []  # emitted slots' rows, gathered as a batch is built
        self._out_ids: list[Optional[bytes]] = []
        self._out_n = 0
        self._skipped_base = 0
        self._dataset: Optional[bytes] = None
        shard, readers = (int(x) for x in key.split("/"))
        self.rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([stream.seed, shard, readers])))
        self.consumer = Consumer(stream._config())
        if stream.group:
            self.consumer.subscribe([stream.topic])
        else:
            assert partitions is not None
            self.positions = {p: 0 for p in partitions}
            if state is not None:
                self._restore(state)
            self.consumer.assign([TopicPartition(stream.topic, p, self.positions[p]) for p in partitions])
        self.ends: dict[int, int] = {}
        if stream.to_end and partitions is not None:  # one round trip each: asked at once, not in turn
            with ThreadPoolExecutor(len(partitions)) as pool:
                highs = list(pool.map(lambda p: self.consumer.get_watermark_offsets(
                    TopicPartition(stream.topic, p), timeout=15)[1], partitions))
            self.ends = {p: high for p, high in zip(partitions, highs) if high > self.positions[p]}

    def close(self) -> None:
        try:
            if self.s.group is not None and self.positions:
                self._commit(asynchronous=False)
        except KafkaException:
            pass  # e.g. partitions revoked by a rebalance: group mode is at least once, they are read again
        finally:
            self.consumer.close()

    def _commit(self, asynchronous: bool = True) -> None:
        """Group mode: commit per partition the oldest offset still needed (buffered or next)."""
        safe = dict(self.positions)
        for p, o in self.refs[:self.fill].tolist():
            safe[p] = min(safe.get(p, o), o)
        if safe:
            self.consumer.commit(offsets=[TopicPartition(self.s.topic, p, o) for p, o in safe.items()],
                                 asynchronous=asynchronous)

    def snapshot(self) -> dict[str, Any]:
        return {"key": self.key, "partitions": list(self.partitions or []), "positions": dict(self.positions),
                "buffer": self.refs[:self.fill].copy(), "rng": self.rng.bit_generator.state,
                "skipped": self.skipped, "batches": self.batches}

    # --- chunks and slots -----------------------------------------------------------------------------
    def _parse(self, msgs: list[Any]) -> tuple[_chunk.Chunk, list[int], list[int]]:
        values = [m.value() or b"" for m in msgs]
        parts = [m.partition() for m in msgs]
        offsets = [m.offset() for m in msgs]
        try:
            chunk, self.shape, self.classes = _chunk.parse(values, self.shape, self.classes, self._dataset,
                                                           self.s.on_error == "skip")
        except _chunk.Problem as e:
            raise e.error.at(self.s.topic, parts[e.index], offsets[e.index]) from None
        if self.data is None and self.shape is not None:
            dtype, c, h, w = self.shape
            self.data = np.zeros((self.cap, c * h * w * int(_chunk.ITEMSIZE[dtype])), np.uint8)
            self.affine = np.zeros((self.cap, 2, c), np.float32) if dtype == 1 else None
        if self.soft is None and self.classes is not None:
            self.soft = np.zeros((self.cap, self.classes), np.float32)
        return chunk, parts, offsets

    def _store(self, slots: np.ndarray, chunk: _chunk.Chunk, lo: int, hi: int, msgs: list[Any],
               parts: list[int], offsets: list[int]) -> None:
        assert self.data is not None
        self.data[slots] = chunk.data[lo:hi]
        if self.affine is not None and chunk.affine is not None:
            self.affine[slots] = chunk.affine[lo:hi]
        self.label_kind[slots] = chunk.label_kind[lo:hi]
        self.label[slots] = chunk.label[lo:hi]
        if self.soft is not None and chunk.soft is not None:
            self.soft[slots] = chunk.soft[lo:hi]
        index = chunk.index[lo:hi].tolist()
        self.refs[slots, 0] = [parts[i] for i in index]
        self.refs[slots, 1] = [offsets[i] for i in index]
        if self.s.keys:
            for slot, i in zip(slots.tolist(), index):
                self.ids[slot] = msgs[i].key()
        last = index[-1]  # every record of the chunk up to this one is in the buffer, out, or skipped
        for i in index:
            self.positions[parts[i]] = offsets[i] + 1
        self.skipped = self._skipped_base + int(chunk.bad[:last + 1].sum())

    def _emit(self, slots: np.ndarray) -> None:
        rows = [self.data[slots], self.label_kind[slots], self.label[slots], self.refs[slots]]  # type: ignore[index]
        rows.append(self.affine[slots] if self.affine is not None else None)  # type: ignore[arg-type]
        rows.append(self.soft[slots] if self.soft is not None else None)  # type: ignore[arg-type]
        self._out.append(rows)  # type: ignore[arg-type]
        if self.s.keys:
            self._out_ids += [self.ids[j] for j in slots.tolist()]
        self._out_n += len(slots)

    def _batch(self) -> Batch:
        parts = self._out
        cat = [np.concatenate([p[i] for p in parts]) if parts[0][i] is not None else None for i in range(6)]
        data, kinds, labels, refs, affine, soft = cat
        ids = self._out_ids
        self._out, self._out_ids, self._out_n = [], [], 0
        self.batches += 1
        assert self.shape is not None and data is not None
        dtype, c, h, w = self.shape
        n = len(data)
        images = torch.empty((n, c, h, w), dtype=torch.float32)
        dst = images.numpy().reshape(n, c, h * w)
        if dtype == 1:
            np.multiply(data.reshape(n, c, h * w), affine[:, 0, :, None], out=dst)  # uint8 × f32, into the batch
            dst += affine[:, 1, :, None]
        else:
            dst[...] = data.view(_chunk.NUMPY[dtype]).reshape(n, c, h * w)
        if soft is None:
            targets = torch.from_numpy(np.where(kinds == 1, labels, -1))
        else:
            rows = np.where((kinds == 2)[:, None], soft, 0).astype(np.float32)
            for i in np.flatnonzero(kinds != 2).tolist():
                if kinds[i] == 0 or labels[i] >= rows.shape[1]:
                    problem = ("an unlabelled record" if kinds[i] == 0 else f"class index {labels[i]}") + \
                              f" in a batch of soft labels over {rows.shape[1]} classes"
                    raise WireError(problem, f"topic {self.s.topic} partition {refs[i, 0]} offset {refs[i, 1]}")
                rows[i, labels[i]] = 1.0
            targets = torch.from_numpy(rows)
        if self.s.group is not None:
            self._commit()
        keys = [k.decode("utf-8", "replace") for k in ids] if self.s.keys else None  # type: ignore[union-attr]
        return Batch(images, targets, keys)

    # --- iteration ------------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Batch]:
        s, cap, size = self.s, self.cap, self.s.batch_size
        self._dataset = s.dataset.encode() if s.dataset is not None else None
        last = time.monotonic()
        while True:
            # what librdkafka has already fetched, without waiting to collect 1,000; when nothing, wait
            # for the first record only (consume(n, t) waits for n records or t seconds)
            msgs = self.consumer.consume(1000, 0) or self.consumer.consume(1, s.poll_timeout)
            now = time.monotonic()
            eof: dict[int, int] = {}
            errors = [m.error() for m in msgs]
            if any(e is not None for e in errors):
                for m, e in zip(msgs, errors):
                    if e is not None and e.code() != KafkaError._PARTITION_EOF:
                        raise StreamError(f"topic {s.topic}: {e.str()}")
                    if e is not None:
                        eof[m.partition()] = m.offset()
                msgs = [m for m, e in zip(msgs, errors) if e is None]
            if msgs:
                last = now
                self._skipped_base = self.skipped
                chunk, parts, offsets = self._parse(msgs)
                i, n = 0, len(chunk.index)
                while i < n:
                    if self.fill < cap:
                        t = min(cap - self.fill, n - i)
                        self._store(np.arange(self.fill, self.fill + t), chunk, i, i + t, msgs, parts, offsets)
                        self.fill += t
                        i += t
                        continue
                    m = min(cap, size - self._out_n, n - i)
                    slots = self.rng.choice(cap, m, replace=False) if m < cap else self.rng.permutation(cap)
                    self._emit(slots)
                    self._store(slots, chunk, i, i + m, msgs, parts, offsets)
                    i += m
                    if self._out_n == size:
                        yield self._batch()
                for p, o in zip(parts, offsets):  # filtered and skipped records are behind us too
                    self.positions[p] = o + 1
                self.skipped = self._skipped_base + int(chunk.bad.sum())
            for p, o in eof.items():  # past transaction markers; after the chunk, whose records came first
                if o > self.positions.get(p, 0):
                    self.positions[p] = o
            if self._ended(now - last):
                break
        # the stream ended: what is buffered goes out in random order
        if self.fill:
            order = self.rng.permutation(self.fill)
            for name in ("data", "affine", "label_kind", "label", "soft", "refs"):
                array = getattr(self, name)
                if array is not None:
                    array[:self.fill] = array[order]
            if s.keys:
                self.ids[:self.fill] = [self.ids[j] for j in order.tolist()]
        while self.fill:
            m = min(size - self._out_n, self.fill)
            self._emit(np.arange(self.fill - m, self.fill))
            self.fill -= m
            if self._out_n == size or (self.fill == 0 and not s.drop_last):
                yield self._batch()

    def _ended(self, idle: float) -> bool:
        if idle >= self.s.idle_timeout:
            return True
        if self.s.to_end:
            return all(self.positions.get(p, 0) >= end for p, end in self.ends.items())
        return False

    def _restore(self, state: Mapping[str, Any]) -> None:
        """Positions and RNG from the state; the buffered records, from the state or re-read from Kafka, into
        their slots."""
        if sorted(state["partitions"]) != sorted(self.partitions or []):
            raise StreamError(f"reader {self.key} read partitions {state['partitions']}, now {self.partitions}")
        self.positions = {int(p): int(o) for p, o in state["positions"].items()}
        self.rng.bit_generator.state = state["rng"]
        self.skipped, self.batches = int(state.get("skipped", 0)), int(state.get("batches", 0))
        buffer = [(int(p), int(o)) for p, o in np.asarray(state["buffer"], np.int64).reshape(-1, 2).tolist()]
        if len(buffer) > self.cap:
            raise StreamError(f"the state's shuffle buffer holds {len(buffer)} records, more than shuffle_buffer="
                              f"{self.cap}")
        if not buffer:
            return
        self._dataset, self._skipped_base = None, self.skipped
        contents = state.get("contents")
        if contents is not None:  # the records themselves: Kafka is not asked
            if len(contents["values"]) != len(buffer):
                raise StreamError(f"reader {self.key}'s state holds {len(contents['values'])} buffered records for "
                                  f"{len(buffer)} buffer slots: the checkpoint is damaged")
            found = {ref: (v, k) for ref, v, k in zip(buffer, contents["values"], contents["keys"])}
        else:
            found = _read_back(self.consumer, self.s.topic, buffer, max(self.s.idle_timeout, 15.0))
        msgs = [_Held(found[ref][0], found[ref][1], ref[0], ref[1]) for ref in buffer]
        chunk, parts, offsets = self._parse(msgs)  # they were valid when they entered the buffer
        if len(chunk.index) != len(buffer):
            raise StreamError(f"reader {self.key}: {len(buffer) - len(chunk.index)} of the state's buffered records "
                              "are no longer valid prepared records")
        positions = dict(self.positions)
        self._store(np.arange(len(buffer)), chunk, 0, len(buffer), msgs, parts, offsets)  # type: ignore[arg-type]
        self.positions = positions
        self.skipped = self._skipped_base
        self.fill = len(buffer)


class _Held:
    """A record from a checkpoint, shaped as the consumer's messages are where the reader parses them."""
    __slots__ = ("_value", "_key", "_partition", "_offset")

    def __init__(self, value: bytes, key: Optional[bytes], partition: int, offset: int) -> None:
        self._value, self._key, self._partition, self._offset = value, key, partition, offset

    def value(self) -> bytes:
        return self._value

    def key(self) -> Optional[bytes]:
        return self._key

    def partition(self) -> int:
        return self._partition

    def offset(self) -> int:
        return self._offset


def _read_back(consumer: Consumer, topic: str, refs: list[tuple[int, int]],
               patience: float) -> dict[tuple[int, int], tuple[bytes, Optional[bytes]]]:
    """The values and keys of the records at `refs`, read from Kafka with `consumer` (reassigned)."""
    wanted = set(refs)
    found: dict[tuple[int, int], tuple[bytes, Optional[bytes]]] = {}
    if not wanted:
        return found
    starts: dict[int, int] = {}
    for p, o in wanted:
        starts[p] = min(starts.get(p, o), o)
    consumer.assign([TopicPartition(topic, p, o) for p, o in starts.items()])
    last = time.monotonic()
    while len(found) < len(wanted):
        for m in consumer.consume(1000, 0.1):
            if m.error() is None and (m.partition(), m.offset()) in wanted:
                found[(m.partition(), m.offset())] = (m.value() or b"", m.key())
                last = time.monotonic()
        if time.monotonic() - last > patience:
            raise StreamError(f"could not re-read {len(wanted) - len(found)} buffered records of topic {topic} "
                              "(deleted by retention?)")
    return found


class StreamLoader:
    """Iterates a PreparedStream through a DataLoader of `num_workers` workers (each reading its own
    partitions), keeping the stream's state as of the last batch yielded to the loop. Under
    torch.distributed, all ranks take the same number of steps: while any rank still has a batch, a rank
    that has run dry gets an empty one (N = 0), and all stop together. Training loops must accept N = 0
    (e.g. a summed loss divided by max(N, 1)) so that every rank joins each all-reduce."""

    def __init__(self, stream: PreparedStream, num_workers: int = 0, **dataloader: Any) -> None:
        self.stream, self.num_workers, self.dataloader = stream, num_workers, dataloader
        self.steps = 0

    def __iter__(self) -> Iterator[Batch]:
        rank, world = dist_rank_world()
        if self.stream.group is None:
            self.stream.set_layout(rank, world, self.num_workers)
        loader = DataLoader(self.stream, batch_size=None, collate_fn=_keep, num_workers=self.num_workers,
                            persistent_workers=False, **self.dataloader)
        it = iter(loader)
        shape = torch.zeros(5, dtype=torch.int64)  # has a batch, C, H, W, soft classes (0 = hard labels)
        dry = False
        while True:
            batch: Optional[Batch] = None
            if not dry:
                batch = next(it, None)
                dry = batch is None
            if world > 1:
                if batch is not None:
                    images, targets = batch
                    shape = torch.tensor([1, *images.shape[1:], targets.shape[1] if targets.dim() == 2 else 0])
                else:
                    shape[0] = 0
                agreed = shape.clone()
                dist.all_reduce(agreed, op=dist.ReduceOp.MAX)
                if agreed[0] == 0:
                    return
                if batch is None:
                    c, h, w, k = agreed[1:].tolist()
                    batch = Batch(torch.empty((0, c, h, w)), torch.empty((0, k)) if k else
                                  torch.empty(0, dtype=torch.int64), [] if self.stream.keys else None)
            elif batch is None:
                return
            if batch.state is not None:
                self.stream._shards[batch.state["key"]] = batch.state
                batch.state = None
            self.steps += 1
            yield batch

    def state_dict(self) -> dict[str, Any]:
        return self.stream.state_dict()

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.stream.load_state_dict(state)


def gather_state(state: dict[str, Any]) -> dict[str, Any]:
    """Under torch.distributed: every rank's shards merged (an all-gather), so that one checkpoint file
    serves all ranks; each takes its own shards on load. Without it: the state as it is."""
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return state
    parts: list[Any] = [None] * dist.get_world_size()
    dist.all_gather_object(parts, state["shards"])
    merged: dict[str, Any] = {}
    for shards in parts:
        merged.update(shards)
    return {**state, "shards": merged}


__all__ = ["Batch", "PreparedStream", "StreamError", "StreamLoader", "gather_state", "WireError",
           "dist_rank_world"]
