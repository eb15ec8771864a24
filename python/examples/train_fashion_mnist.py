#!/usr/bin/env python3
"""Train the MLP or the CNN of `streamaug bench trainer` in PyTorch from `augmented.train`, evaluate on
`prepared.test`, and checkpoint model, optimiser and stream state together, atomically.

A run restarted with the same --checkpoint resumes where the checkpoint left off: every record is
trained exactly once even after `kill -9`. Under torchrun (or RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT in
the environment) it trains with DistributedDataParallel (gloo), each rank reading its own partitions.

    python examples/train_fashion_mnist.py --bootstrap localhost:9092 --model mlp --idle-timeout 30 \\
        --checkpoint runs/mlp.pt
"""
from __future__ import annotations

import argparse
import faulthandler
import json
import math
import os
import signal
import time
from pathlib import Path
from typing import Any, Callable, Optional

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from streamaug.torch import PreparedStream, StreamLoader, gather_state


def mlp(classes: int, dropout: float) -> nn.Module:
    """784-256-128-C with layer norm: DL4J's `mlp` with --norm layer (dropout on the inputs of the
    second hidden and the output layer, as DL4J applies it)."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.LayerNorm(256), nn.ReLU(),
                         nn.Dropout(dropout), nn.Linear(256, 128), nn.LayerNorm(128), nn.ReLU(),
                         nn.Dropout(dropout), nn.Linear(128, classes))


def cnn(classes: int, dropout: float, channels: tuple[int, ...] = (32, 64), hidden: int = 256) -> nn.Module:
    """DL4J's `cnn` with --norm layer: per entry a 3×3 same convolution, layer norm over (C, H, W)
    with per-channel gain and bias (GroupNorm with one group), ReLU, 2×2 max-pooling; then a dense layer."""
    layers: list[nn.Module] = []
    c = 1
    for out in channels:
        layers += [nn.Conv2d(c, out, 3, padding=1), nn.GroupNorm(1, out), nn.ReLU(), nn.MaxPool2d(2)]
        c = out
    side = 28 // 2 ** len(channels)
    layers += [nn.Flatten(), nn.Dropout(dropout), nn.Linear(c * side * side, hidden), nn.LayerNorm(hidden),
               nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, classes)]
    return nn.Sequential(*layers)


def schedule(kind: str, lr: float, warmup: int, total: int, min_lr: float) -> Callable[[int], float]:
    """The learning rate at a 0-based step, as the DL4J trainer's `LrSchedule`: a linear warm-up from
    lr/warmup to lr over `warmup` steps, then constant (`none`) or a cosine from lr to `min_lr` at
    step `total`, held there after."""
    def at(step: int) -> float:
        if step < warmup:
            return lr * (step + 1) / warmup
        if kind == "none":
            return lr
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return min_lr + (lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))
    return at


def init(model: nn.Module) -> None:
    """He initialisation for hidden layers, Xavier for the output layer, as the DL4J trainer."""
    layers = [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    for i, m in enumerate(layers):
        (nn.init.xavier_uniform_ if i == len(layers) - 1 else nn.init.kaiming_normal_)(m.weight)
        nn.init.zeros_(m.bias)


def loss_of(logits: torch.Tensor, targets: torch.Tensor, smoothing: float) -> torch.Tensor:
    """Summed cross-entropy over the batch divided by max(N, 1): an empty batch (a DDP rank that has run
    dry) gives 0 and zero gradients instead of NaN."""
    if targets.dim() == 2:  # soft labels (MixUp/CutMix)
        total = -(targets * F.log_softmax(logits, 1)).sum()
    else:
        total = F.cross_entropy(logits, targets, label_smoothing=smoothing, reduction="sum")
    return total / max(len(targets), 1)


def evaluate(model: nn.Module, args: argparse.Namespace) -> float:
    stream = PreparedStream(args.bootstrap, args.test_topic, batch_size=256, shuffle_buffer=1, to_end=True,
                            idle_timeout=args.idle_timeout, kafka=args.kafka)
    counts = torch.zeros(2, dtype=torch.int64)
    model.eval()
    with torch.no_grad():
        for x, y in StreamLoader(stream):
            if len(y):
                counts += torch.tensor([int((model(x).argmax(1) == (y if y.dim() == 1 else y.argmax(1))).sum()),
                                        len(y)])
    model.train()
    if dist.is_initialized():
        dist.all_reduce(counts)
    return float(counts[0]) / max(int(counts[1]), 1)


def save(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)  # a kill leaves the old checkpoint or the new one, never half of one


def main(argv: Optional[list[str]] = None) -> dict[str, Any]:
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--bootstrap", default=os.environ.get("STREAMAUG_BOOTSTRAP", "localhost:9092"))
    a.add_argument("--topic", default="augmented.train")
    a.add_argument("--test-topic", default="prepared.test")
    a.add_argument("--dataset", default="fashion-mnist")
    a.add_argument("--model", choices=("mlp", "cnn"), default="mlp")
    a.add_argument("--classes", type=int, default=10)
    a.add_argument("--batch-size", type=int, default=32)
    a.add_argument("--shuffle-buffer", type=int, default=2048)
    a.add_argument("--lr", type=float, default=1e-3)
    a.add_argument("--schedule", choices=("none", "cosine"), default="none",
                   help="learning-rate schedule by step, as the DL4J trainer's (default: none = constant)")
    a.add_argument("--warmup-steps", type=int, default=0, help="linear warm-up from lr/N to lr over N steps")
    a.add_argument("--total-steps", type=int, default=0,
                   help="the cosine reaches --min-lr at this step (default: --max-steps)")
    a.add_argument("--min-lr", type=float, default=0.0, help="the cosine's floor (default: 0)")
    a.add_argument("--weight-decay", type=float, default=1e-4)
    a.add_argument("--dropout", type=float, default=0.1)
    a.add_argument("--label-smoothing", type=float, default=0.1)
    a.add_argument("--seed", type=int, default=42)
    a.add_argument("--workers", type=int, default=0, help="DataLoader workers (each reads its own partitions)")
    a.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's choice)")
    a.add_argument("--idle-timeout", type=float, default=30.0)
    a.add_argument("--to-end", action="store_true", help="stop at the end offsets found at start")
    a.add_argument("--max-steps", type=int, default=0)
    a.add_argument("--log-every", type=int, default=0, help="print step, samples, loss and lr every N steps")
    a.add_argument("--checkpoint", type=Path, help="checkpoint file: resumed from when it exists")
    a.add_argument("--checkpoint-every", type=int, default=500)
    a.add_argument("--keys-log", type=Path, help="append each trained sample id here (per rank: .rankN); "
                                                     "cut back to the checkpoint on resume")
    a.add_argument("--no-eval", action="store_true")
    a.add_argument("--json", type=Path, help="write the run's summary here")
    a.add_argument("--kafka", action="append", default=[], metavar="KEY=VALUE", help="any librdkafka setting")
    args = a.parse_args(argv)
    total_steps = args.total_steps or args.max_steps
    if args.schedule == "cosine" and total_steps <= args.warmup_steps:
        a.error(f"--schedule cosine decays over --total-steps (or --max-steps), which must exceed --warmup-steps "
                f"({args.warmup_steps}), got {total_steps}")
    if not 0 <= args.min_lr <= args.lr:
        a.error(f"--min-lr must be in [0, --lr], got {args.min_lr}")
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 PID` prints where it is
    args.kafka = dict(kv.split("=", 1) for kv in args.kafka)
    if args.threads:
        torch.set_num_threads(args.threads)

    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        dist.init_process_group("gloo")
    rank = dist.get_rank() if world > 1 else 0
    torch.manual_seed(args.seed)
    model = mlp(args.classes, args.dropout) if args.model == "mlp" else cnn(args.classes, args.dropout)
    init(model)
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    rate = schedule(args.schedule, args.lr, args.warmup_steps, total_steps, args.min_lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: rate(s) / args.lr)
    stream = PreparedStream(args.bootstrap, args.topic, batch_size=args.batch_size,
                            shuffle_buffer=args.shuffle_buffer, seed=args.seed, dataset=args.dataset,
                            idle_timeout=args.idle_timeout, to_end=args.to_end, kafka=args.kafka,
                            keys=args.keys_log is not None)
    step = samples = 0
    keys_path = args.keys_log.with_name(f"{args.keys_log.name}.rank{rank}") if args.keys_log and world > 1 \
        else args.keys_log
    if args.checkpoint and args.checkpoint.exists():
        ck = torch.load(args.checkpoint)
        model.load_state_dict(ck["model"])
        optimiser.load_state_dict(ck["optimiser"])
        scheduler.load_state_dict(ck["scheduler"])
        stream.load_state_dict(ck["stream"])
        step, samples = ck["step"], ck["samples"]
        if keys_path is not None:
            with open(keys_path, "ab") as f:
                f.truncate(ck["keys_log"][rank])
        print(f"rank {rank}: resumed at step {step} ({samples} samples, lr {scheduler.get_last_lr()[0]:.6g}) "
              f"from {args.checkpoint}", flush=True)
    elif keys_path is not None:
        keys_path.write_bytes(b"")
    net: nn.Module = nn.parallel.DistributedDataParallel(model) if world > 1 else model
    keys_log = open(keys_path, "ab") if keys_path is not None else None

    def checkpoint() -> None:
        if args.checkpoint is None:
            return
        state = gather_state(stream.state_dict())
        sizes: list[Any] = [keys_log.tell() if keys_log else 0]
        if world > 1:
            sizes = [None] * world
            dist.all_gather_object(sizes, keys_log.tell() if keys_log else 0)
        if rank == 0:
            save(args.checkpoint, {"model": model.state_dict(), "optimiser": optimiser.state_dict(),
                                   "scheduler": scheduler.state_dict(), "stream": state, "step": step,
                                   "samples": samples, "keys_log": sizes})
        if world > 1:
            dist.barrier()

    loader = StreamLoader(stream, num_workers=args.workers)
    started = time.perf_counter()
    waited = ending_wait = 0.0
    first_batch = None  # seconds to the first batch: connection, metadata, the shuffle buffer's fill
    it = iter(loader)
    while not args.max_steps or step < args.max_steps:
        t0 = time.perf_counter()
        batch = next(it, None)
        if batch is None:
            ending_wait += time.perf_counter() - t0  # the wait that ended the stream: not waiting for data
            break
        wait = time.perf_counter() - t0
        if first_batch is None:
            first_batch = wait
        elif wait >= 0.9 * args.idle_timeout:  # the end detected (idle_timeout), then the buffer drained
            ending_wait += wait
        else:
            waited += wait
        x, y = batch
        optimiser.zero_grad(set_to_none=True)
        lr = scheduler.get_last_lr()[0]
        loss = loss_of(net(x), y, args.label_smoothing)
        loss.backward()
        optimiser.step()
        scheduler.step()
        step += 1
        samples += len(y)
        if args.log_every and step % args.log_every == 0 and rank == 0:
            print(json.dumps({"step": step, "samples": samples, "loss": round(loss.item(), 5), "lr": lr}), flush=True)
        if keys_log is not None and batch.keys:
            keys_log.write(("\n".join(batch.keys) + "\n").encode())
            keys_log.flush()
        if args.checkpoint_every and step % args.checkpoint_every == 0:
            checkpoint()
    elapsed = time.perf_counter() - started - ending_wait
    checkpoint()
    if keys_log is not None:
        keys_log.close()
    summary: dict[str, Any] = {"rank": rank, "steps": step, "samples": samples, "seconds": round(elapsed, 3),
                               "first_batch_seconds": round(first_batch or 0.0, 3),
                               # the training loop's time spent waiting for data, after the first batch
                               "data_wait_fraction": round(waited / max(elapsed - (first_batch or 0.0), 1e-9), 4),
                               "skipped": stream.skipped}
    if not args.no_eval:
        summary["test_accuracy"] = evaluate(model, args)
    if rank == 0:
        print(json.dumps(summary), flush=True)
        if args.json:
            args.json.write_text(json.dumps(summary) + "\n")
    if world > 1:
        dist.barrier()  # both ranks alive while DDP and its process group are torn down
        del net
        dist.destroy_process_group()
    return summary


if __name__ == "__main__":
    main()
