#!/usr/bin/python3
"""PyTorch peer of `streamaug bench trainer`: the same networks and recipe (dropout 0.1, Adam 1e-3 with
L2 1e-4, label smoothing 0.1) on uint8 28x28 inputs decoded (affine) in each step.

  mlp         784-256-128-10, layer norm after each hidden layer
  mlp-nonorm  the same without normalisation
  cnn         conv 32-64 3x3 (same padding), each with layer norm over (C, H, W) and a per-channel gain and
              bias (GroupNorm with one group: DL4J's LayerNorm2d), ReLU, 2x2 max-pool; dense 256 with layer
              norm; dropout on the inputs of the dense layers
  cnn-nonorm  cnn without normalisation
  small-cnn   conv 16-32, dense 64, otherwise as cnn

Usage: trainer_peer.py MODEL THREADS BATCH_SIZES ROUNDS SECONDS [WARM_UP]  (e.g. mlp 1 1,32,128 3 2 3): one JSON line.
       trainer_peer.py environment THREADS: what this side runs on, as one JSON line.
Needs Debian's python3-torch (and libopenblas0-pthread, or torch runs on the reference BLAS).
"""
import json
import os
import platform
import re
import statistics
import sys
import time

import torch
from torch import nn

STEERING = ("OMP_", "OPENBLAS_", "GOTO", "MKL_", "KMP_", "DNNL_", "ONEDNN_", "BLIS_", "MALLOC_", "GLIBC_TUNABLES")
KERNEL_FLAGS = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512dq",
                "avx512_vnni", "avx512_bf16", "amx_bf16")


def mlp(norm):
    layers, width = [], 784
    for i, size in enumerate((256, 128)):
        if i > 0:
            layers.append(nn.Dropout(0.1))
        layers += [nn.Linear(width, size)] + ([nn.LayerNorm(size)] if norm else []) + [nn.ReLU()]
        width = size
    return nn.Sequential(*layers, nn.Dropout(0.1), nn.Linear(width, 10))


def cnn(channels, hidden, norm=True):
    layers, c, side = [nn.Unflatten(1, (1, 28, 28))], 1, 28
    for out in channels:
        layers += [nn.Conv2d(c, out, 3, padding=1)] + ([nn.GroupNorm(1, out)] if norm else []) + [nn.ReLU(), nn.MaxPool2d(2)]
        c, side = out, side // 2
    return nn.Sequential(*layers, nn.Flatten(), nn.Dropout(0.1), nn.Linear(c * side * side, hidden),
                         *([nn.LayerNorm(hidden)] if norm else []), nn.ReLU(), nn.Dropout(0.1), nn.Linear(hidden, 10))


MODELS = {
    "mlp": lambda: mlp(True),
    "mlp-nonorm": lambda: mlp(False),
    "cnn": lambda: cnn((32, 64), 256),
    "cnn-nonorm": lambda: cnn((32, 64), 256, norm=False),
    "small-cnn": lambda: cnn((16, 32), 64),
}


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


def blas_library():
    """The BLAS shared object this process has mapped (Debian's torch calls whatever libblas.so.3 is)."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and line.split()[-1].startswith("/")}
    return sorted(os.path.realpath(p) for p in paths)


def environment(threads):
    torch.set_num_threads(threads)
    config = torch.__config__.show()
    cpu = {"logical_cpus": os.cpu_count()}
    try:
        info = open("/proc/cpuinfo").read()
        cpu["model"] = re.search(r"^model name\s*:\s*(.*)$", info, re.M).group(1).strip()
        flags = set(re.search(r"^flags\s*:\s*(.*)$", info, re.M).group(1).split())
        cpu["kernel_flags"] = [f for f in KERNEL_FLAGS if f in flags]
    except (OSError, AttributeError):
        cpu["model"] = platform.machine()
    blas = re.search(r"BLAS_INFO=(\w+)", config)
    capability = re.search(r"CPU capability usage: (\w+)", config)
    onednn = re.search(r"MKL-DNN v(\S+)", config)
    return {
        "cpu": cpu,
        "python": platform.python_version(),
        "torch": {
            "version": torch.__version__,
            "blas": blas.group(1) if blas else "?",
            "blas_library": blas_library(),
            "cpu_capability": capability.group(1) if capability else "?",
            "mkldnn": torch.backends.mkldnn.is_available(),
            "mkldnn_version": onednn.group(1) if onednn else "?",
            "threads": torch.get_num_threads(),
            "interop_threads": torch.get_num_interop_threads(),
            "parallel_info": [l.strip() for l in torch.__config__.parallel_info().splitlines() if "threads" in l.lower()
                              or "backend" in l.lower()],
        },
        "environment": {k: v for k, v in sorted(os.environ.items()) if k.startswith(STEERING)},
    }


def main():
    if sys.argv[1] == "environment":
        print(json.dumps(environment(int(sys.argv[2]))))
        return
    name, threads, sizes, rounds, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    warm_up = float(sys.argv[6]) if len(sys.argv) > 6 else max(0.5, seconds / 2)
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(7)
    out = {}
    for bs in (int(s) for s in sizes.split(",")):
        torch.manual_seed(42)
        net = MODELS[name]()
        net.train()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
        loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
        batches = [(torch.randint(0, 256, (bs, 784), dtype=torch.uint8, generator=gen),
                    torch.randint(0, 10, (bs,), generator=gen)) for _ in range(8)]
        rate(net, opt, loss_fn, batches, warm_up)
        out["bs%d" % bs] = statistics.median(rate(net, opt, loss_fn, batches, seconds) for _ in range(rounds))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
