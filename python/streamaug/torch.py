"""A streamaug prepared topic as a PyTorch data source, with exact resume and DDP sharding.

`PreparedStream` is an `IterableDataset` of whole batches `(images float32 N×C×H×W, targets)`.
`StreamLoader` wraps it in a `DataLoader` (workers each read a disjoint set of partitions), keeps the
stream's state as of the last batch the training loop received, and, under `torch.distributed`, makes
every rank run the same number of steps (a rank that has run dry gets empty batches until all have).

State (`state_dict()`): per reader, the next offset of each partition, the shuffle buffer's contents as
(partition, offset) references in slot order, and the RNG state. Loading it re-reads the buffered records
from Kafka, so a checkpoint stays small and a restarted job trains on every record exactly once.
"""
from __future__ import annotations

import time
from typing import Any, Iterator, Mapping, Optional

import numpy as np
import torch
import torch.distributed as dist
from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from .wire import Layout, WireError, locate, soft_weights

STATE_FORMAT = "streamaug.PreparedStream/1"
_NUMPY = {1: np.dtype("u1"), 2: np.dtype("<f2"), 3: np.dtype("<f4")}


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
    """

    def __init__(self, bootstrap: str, topic: str, *, batch_size: int = 128, shuffle_buffer: int = 2048,
                 seed: int = 0, dataset: Optional[str] = None, kafka: Optional[Mapping[str, Any]] = None,
                 group: Optional[str] = None, idle_timeout: float = 10.0, to_end: bool = False,
                 on_error: str = "raise", keys: bool = False, drop_last: bool = False,
                 poll_timeout: float = 0.1) -> None:
        super().__init__()
        if batch_size < 1:
            raise ValueError(f"batch_size must be ≥ 1, got {batch_size}")
        if shuffle_buffer < 1:
            raise ValueError(f"shuffle_buffer must be ≥ 1 (1 = no shuffling), got {shuffle_buffer}")
        if on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
        if group is not None and to_end:
            raise ValueError("to_end needs the partitions' end offsets: use it without group=")
        if idle_timeout <= 0:
            raise ValueError(f"idle_timeout must be > 0 seconds, got {idle_timeout}")
        self.bootstrap, self.topic = bootstrap, topic
        self.batch_size, self.shuffle_buffer, self.seed = batch_size, shuffle_buffer, seed
        self.dataset, self.kafka, self.group = dataset, dict(kafka or {}), group
        self.idle_timeout, self.to_end, self.on_error = idle_timeout, to_end, on_error
        self.keys, self.drop_last, self.poll_timeout = keys, drop_last, poll_timeout
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
            "fetch.wait.max.ms": 50,
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
        return {"format": STATE_FORMAT, "topic": self.topic, "seed": self.seed, "shards": shards}

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
    """One reader: its partitions, consumer, shuffle buffer and RNG."""

    def __init__(self, stream: PreparedStream, key: str, partitions: Optional[list[int]],
                 state: Optional[Mapping[str, Any]]) -> None:
        self.s, self.key, self.partitions = stream, key, partitions
        cap = stream.shuffle_buffer
        self.values: list[Optional[bytes]] = [None] * cap
        self.layouts: list[Optional[Layout]] = [None] * cap
        self.ids: list[Optional[bytes]] = [None] * cap
        self.refs = np.zeros((cap, 2), np.int64)  # (partition, offset) of each slot
        self.fill = 0
        self.positions: dict[int, int] = {}
        self.skipped = 0
        self.batches = 0
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
        if stream.to_end and partitions is not None:
            for p in partitions:
                _, high = self.consumer.get_watermark_offsets(TopicPartition(stream.topic, p), timeout=15)
                if high > self.positions[p]:
                    self.ends[p] = high

    def close(self) -> None:
        self.consumer.close()

    def snapshot(self) -> dict[str, Any]:
        return {"key": self.key, "partitions": list(self.partitions or []), "positions": dict(self.positions),
                "buffer": self.refs[:self.fill].tolist(), "rng": self.rng.bit_generator.state,
                "skipped": self.skipped, "batches": self.batches}

    def _restore(self, state: Mapping[str, Any]) -> None:
        """Positions and RNG from the state; the buffered records re-read from Kafka into their slots."""
        if sorted(state["partitions"]) != sorted(self.partitions or []):
            raise StreamError(f"reader {self.key} read partitions {state['partitions']}, now {self.partitions}")
        self.positions = {int(p): int(o) for p, o in state["positions"].items()}
        self.rng.bit_generator.state = state["rng"]
        self.skipped, self.batches = int(state.get("skipped", 0)), int(state.get("batches", 0))
        buffer = [(int(p), int(o)) for p, o in state["buffer"]]
        if len(buffer) > len(self.values):
            raise StreamError(f"the state's shuffle buffer holds {len(buffer)} records, more than shuffle_buffer="
                              f"{len(self.values)}")
        slot_of = {ref: i for i, ref in enumerate(buffer)}
        todo: dict[int, int] = {}  # partition → offsets still to re-read
        for p, o in buffer:
            todo[p] = todo.get(p, 0) + 1
        if not buffer:
            return
        starts = {p: min(o for q, o in buffer if q == p) for p in todo}
        self.consumer.assign([TopicPartition(self.s.topic, p, o) for p, o in starts.items()])
        last = time.monotonic()
        while todo:
            for m in self.consumer.consume(1000, self.s.poll_timeout):
                if m.error() is not None:
                    if m.error().code() == KafkaError._PARTITION_EOF:
                        continue
                    raise KafkaException(m.error())
                ref = (m.partition(), m.offset())
                slot = slot_of.get(ref)
                if slot is None:
                    continue
                value = m.value()
                layout = locate(value)  # it was valid when it entered the buffer
                self.values[slot], self.layouts[slot], self.ids[slot] = value, layout, m.key()
                self.refs[slot] = ref
                todo[ref[0]] -= 1
                if not todo[ref[0]]:
                    del todo[ref[0]]
                last = time.monotonic()
            if time.monotonic() - last > max(self.s.idle_timeout, 15.0):
                raise StreamError(f"could not re-read the shuffle buffer's records of topic {self.s.topic} "
                                  f"partitions {sorted(todo)} (deleted by retention?)")
        self.fill = len(buffer)

    def __iter__(self) -> Iterator[Batch]:
        s, cap, size = self.s, len(self.values), self.s.batch_size
        values, layouts, ids, refs = self.values, self.layouts, self.ids, self.refs
        dataset = s.dataset.encode() if s.dataset is not None else None
        out: list[int] = []  # slots emitted into the batch being built (their contents copied below)
        out_values: list[bytes] = []
        out_layouts: list[Layout] = []
        out_ids: list[bytes] = []
        out_refs: list[tuple[int, int]] = []
        draws: list[int] = []
        last = time.monotonic()
        while True:
            msgs = self.consumer.consume(max(size, 256), s.poll_timeout)
            now = time.monotonic()
            for m in msgs:
                err = m.error()
                if err is not None:
                    if err.code() == KafkaError._PARTITION_EOF:
                        p = m.partition()
                        if m.offset() > self.positions.get(p, 0):
                            self.positions[p] = m.offset()  # past transaction markers
                        continue
                    raise StreamError(f"topic {s.topic}: {err.str()}")
                p, o, value = m.partition(), m.offset(), m.value()
                self.positions[p] = o + 1
                last = now
                try:
                    if value is None:
                        raise WireError("empty value (a tombstone), not a prepared record")
                    layout = locate(value)
                except WireError as e:
                    if s.on_error == "skip":
                        self.skipped += 1
                        continue
                    raise e.at(s.topic, p, o) from None
                if dataset is not None and value[layout.dataset_start:layout.dataset_end] != dataset:
                    continue
                if self.fill < cap:
                    slot = self.fill
                    self.fill += 1
                else:
                    if not draws:
                        draws = self.rng.integers(0, cap, size).tolist()[::-1]
                    slot = draws.pop()
                    out_values.append(values[slot])  # type: ignore[arg-type]
                    out_layouts.append(layouts[slot])  # type: ignore[arg-type]
                    out_ids.append(ids[slot])  # type: ignore[arg-type]
                    out_refs.append((int(refs[slot, 0]), int(refs[slot, 1])))
                values[slot], layouts[slot], ids[slot] = value, layout, m.key() if s.keys else None
                refs[slot, 0] = p
                refs[slot, 1] = o
                if len(out_values) == size:
                    batch = self._batch(out_values, out_layouts, out_ids, out_refs)
                    out_values, out_layouts, out_ids, out_refs = [], [], [], []
                    yield batch
            if self._ended(now - last):
                break
        # the stream ended: what is buffered goes out in random order, the batch being built first
        order = self.rng.permutation(self.fill).tolist()
        for name in ("values", "layouts", "ids"):
            slots = getattr(self, name)
            reordered = [slots[i] for i in order]
            slots[:self.fill] = reordered
        refs[:self.fill] = refs[order]
        while self.fill:
            n = min(size - len(out_values), self.fill)
            for slot in range(self.fill - 1, self.fill - 1 - n, -1):
                out_values.append(values[slot])  # type: ignore[arg-type]
                out_layouts.append(layouts[slot])  # type: ignore[arg-type]
                out_ids.append(ids[slot])  # type: ignore[arg-type]
                out_refs.append((int(refs[slot, 0]), int(refs[slot, 1])))
                values[slot] = layouts[slot] = ids[slot] = None
            self.fill -= n
            if len(out_values) == size or (self.fill == 0 and not s.drop_last):
                batch = self._batch(out_values, out_layouts, out_ids, out_refs)
                out_values, out_layouts, out_ids, out_refs = [], [], [], []
                yield batch

    def _ended(self, idle: float) -> bool:
        if idle >= self.s.idle_timeout:
            return True
        if self.s.to_end:
            return all(self.positions.get(p, 0) >= end for p, end in self.ends.items())
        return False

    def _batch(self, values: list[bytes], layouts: list[Layout], ids: list[bytes],
               refs: list[tuple[int, int]]) -> Batch:
        self.batches += 1
        try:
            images, targets = decode_batch(values, layouts)
        except _RecordError as e:
            p, o = refs[e.index]
            raise WireError(e.problem, f"topic {self.s.topic} partition {p} offset {o}") from None
        if self.s.group is not None:
            self._commit()
        keys = [k.decode("utf-8", "replace") for k in ids] if self.s.keys else None
        return Batch(images, targets, keys)

    def _commit(self) -> None:
        """Group mode: commit per partition the oldest offset still needed (buffered or next)."""
        safe = dict(self.positions)
        for p, o in self.refs[:self.fill].tolist():
            safe[p] = min(safe.get(p, o), o)
        if safe:
            self.consumer.commit(offsets=[TopicPartition(self.s.topic, p, o) for p, o in safe.items()],
                                 asynchronous=True)


class _RecordError(Exception):
    def __init__(self, index: int, problem: str) -> None:
        super().__init__(problem)
        self.index, self.problem = index, problem


def decode_batch(values: list[bytes], layouts: list[Layout]) -> tuple[torch.Tensor, torch.Tensor]:
    """Decodes located records into one float32 N×C×H×W tensor, the affine decode done in the copy.
    Targets: int64 class indices when every label is one (-1 for unlabelled records), else float32 rows
    (soft labels as they are, class indices one-hot)."""
    n = len(values)
    first = layouts[0]
    for i, layout in enumerate(layouts):
        if layout.shape != first.shape or layout.dtype != first.dtype:
            raise _RecordError(i, f"image {layout.shape} of dtype code {layout.dtype} in a batch of "
                                  f"{first.shape} of dtype code {first.dtype}")
    c, h, w = first.shape
    images = torch.empty((n, c, h, w), dtype=torch.float32)
    dst = images.numpy().reshape(n, c, h * w)
    data = b"".join([v[lay.data_start:lay.data_start + lay.data_len] for v, lay in zip(values, layouts)])
    pixels = np.frombuffer(data, _NUMPY[first.dtype]).reshape(n, c, h * w)
    if first.dtype == 1:
        affine = np.frombuffer(b"".join([v[lay.affine_start:lay.affine_start + 8 * c]
                                         for v, lay in zip(values, layouts)]), "<f4").reshape(n, 2, c, 1)
        np.multiply(pixels, affine[:, 0], out=dst)  # uint8 × float32 straight into the batch
        dst += affine[:, 1]
    else:
        dst[...] = pixels
    kinds = [lay.label_kind for lay in layouts]
    if 2 not in kinds:
        targets = torch.tensor([lay.label if lay.label_kind == 1 else -1 for lay in layouts], dtype=torch.int64)
        return images, targets
    k = next(lay.soft_n for lay in layouts if lay.label_kind == 2)
    rows = np.zeros((n, k), np.float32)
    for i, (v, lay) in enumerate(zip(values, layouts)):
        try:
            if lay.label_kind == 2:
                if lay.soft_n != k:
                    raise WireError(f"soft label of {lay.soft_n} classes in a batch of {k}")
                rows[i] = soft_weights(v, lay.label, k)
            elif lay.label_kind == 1:
                if lay.label >= k:
                    raise WireError(f"class index {lay.label} in a batch of soft labels over {k} classes")
                rows[i, lay.label] = 1.0
            else:
                raise WireError("unlabelled record in a batch of soft labels")
        except WireError as e:
            raise _RecordError(i, e.problem) from None
    return images, torch.from_numpy(rows)


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


__all__ = ["Batch", "PreparedStream", "StreamError", "StreamLoader", "decode_batch", "gather_state", "WireError",
           "dist_rank_world"]
