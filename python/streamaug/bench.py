"""Samples/s that PreparedStream delivers to a training loop (read, decode, batch, to tensor; no model),
beside a DataLoader over an in-memory TensorDataset of the same samples (the ceiling), with 0 and 2
DataLoader workers. Prints one JSON object.

    python -m streamaug.bench --bootstrap localhost:9092 --topic augmented.train --batch-size 128
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any, Callable, Iterable, Optional

import torch
from torch.utils.data import DataLoader, TensorDataset

from .torch import PreparedStream, StreamLoader


def timed_pass(batches: Callable[[], Iterable[Any]]) -> tuple[float, float, int, float]:
    """One full pass: samples/s after the first batch (steady state), samples/s of the whole pass
    (connection, metadata and the shuffle buffer's fill included), samples, seconds to the first batch."""
    start = time.perf_counter()
    first: Optional[float] = None
    n = n_first = 0
    for x, _ in batches():
        if first is None:
            first = time.perf_counter() - start
            n_first = len(x)
        n += len(x)
    total = time.perf_counter() - start
    return (n - n_first) / max(total - (first or 0.0), 1e-9), n / total, n, first or 0.0


def main(argv: Optional[list[str]] = None) -> dict[str, Any]:
    a = argparse.ArgumentParser(prog="python -m streamaug.bench", description=__doc__.split("\n\n")[0])
    a.add_argument("--bootstrap", default="localhost:9092")
    a.add_argument("--topic", default="augmented.train")
    a.add_argument("--batch-size", type=int, default=128)
    a.add_argument("--shuffle-buffer", type=int, default=2048)
    a.add_argument("--workers", default="0,2", help="DataLoader worker counts, comma-separated")
    a.add_argument("--rounds", type=int, default=3, help="full passes per configuration (median reported)")
    a.add_argument("--threads", type=int, default=1, help="torch threads in the loop's process")
    a.add_argument("--kafka", action="append", default=[], metavar="KEY=VALUE")
    args = a.parse_args(argv)
    torch.set_num_threads(args.threads)
    kafka = dict(kv.split("=", 1) for kv in args.kafka)

    def stream() -> PreparedStream:
        return PreparedStream(args.bootstrap, args.topic, batch_size=args.batch_size,
                              shuffle_buffer=args.shuffle_buffer, to_end=True, idle_timeout=10, kafka=kafka)

    # the same samples in memory, decoded once
    parts = [(x, y) for x, y in StreamLoader(stream())]
    images = torch.cat([x for x, _ in parts])
    targets = torch.cat([y for _, y in parts])
    memory = TensorDataset(images, targets)
    out: dict[str, Any] = {"topic": args.topic, "samples": len(images), "shape": list(images.shape[1:]),
                           "batch_size": args.batch_size, "shuffle_buffer": args.shuffle_buffer}
    for workers in (int(w) for w in args.workers.split(",")):
        runs: dict[str, list[tuple[float, float, int, float]]] = {"stream": [], "memory": []}
        for _ in range(args.rounds):  # interleaved, so drift hits both alike
            runs["stream"].append(timed_pass(lambda: StreamLoader(stream(), num_workers=workers)))
            assert runs["stream"][-1][2] == len(images), f"a pass delivered {runs['stream'][-1][2]} samples"
            runs["memory"].append(timed_pass(lambda: DataLoader(memory, batch_size=args.batch_size, shuffle=True,
                                                                num_workers=workers)))
        med = {k: [statistics.median(r[i] for r in v) for i in range(4)] for k, v in runs.items()}
        out[f"workers{workers}"] = {
            "stream_samples_per_s": round(med["stream"][0]), "memory_samples_per_s": round(med["memory"][0]),
            "ratio": round(med["stream"][0] / med["memory"][0], 3),
            "stream_whole_pass_samples_per_s": round(med["stream"][1]),
            "memory_whole_pass_samples_per_s": round(med["memory"][1]),
            "ratio_whole_pass": round(med["stream"][1] / med["memory"][1], 3),
            "stream_first_batch_s": round(med["stream"][3], 3), "memory_first_batch_s": round(med["memory"][3], 3)}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
