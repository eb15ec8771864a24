#!/usr/bin/python3
"""PyTorch peer of `streamaug bench trainer`: the same MLP 784-256-128-10 with layer norm, dropout 0.1,
Adam 1e-3 with L2 1e-4 and label smoothing 0.1, on uint8 28x28 inputs decoded (affine) in each step.

Usage: trainer_peer.py THREADS BATCH_SIZES ROUNDS SECONDS  (e.g. 1 1,32,128 3 2); prints one JSON line.
Needs Debian's python3-torch.
"""
import json
import statistics
import sys
import time

import torch
from torch import nn


def model():
    torch.manual_seed(42)
    return nn.Sequential(
        nn.Linear(784, 256), nn.LayerNorm(256), nn.ReLU(),
        nn.Dropout(0.1), nn.Linear(256, 128), nn.LayerNorm(128), nn.ReLU(),
        nn.Dropout(0.1), nn.Linear(128, 10))


def rate(net, opt, loss_fn, batches, seconds):
    start = time.perf_counter()
    deadline = start + seconds
    samples = 0
    i = 0
    while time.perf_counter() < deadline:
        pixels, labels = batches[i % len(batches)]
        i += 1
        x = pixels.float().mul_(1 / (255 * 0.353)).add_(-0.286 / 0.353)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), labels)
        loss.backward()
        opt.step()
        samples += x.shape[0]
    return samples / (time.perf_counter() - start)


def main():
    threads, sizes, rounds, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(7)
    out = {}
    for bs in (int(s) for s in sizes.split(",")):
        net = model()
        net.train()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
        loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
        batches = [(torch.randint(0, 256, (bs, 784), dtype=torch.uint8, generator=gen),
                    torch.randint(0, 10, (bs,), generator=gen)) for _ in range(8)]
        rate(net, opt, loss_fn, batches, max(0.5, seconds / 2))
        out["bs%d" % bs] = statistics.median(rate(net, opt, loss_fn, batches, seconds) for _ in range(rounds))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
