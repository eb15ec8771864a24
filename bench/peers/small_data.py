#!/usr/bin/python3
"""A PyTorch replica of the small-data experiment (`accuracy.sh small-long`), for exploring specs and
recipes quickly: ~90 s per 100-epoch arm here, against ~15 minutes through the workers and DL4J.

The model is the trainer's small CNN: per entry of --conv a 3x3 convolution, layer norm over C,H,W
(GroupNorm with one group), ReLU and 2x2 max-pool; then dropout, dense --hidden with layer norm,
ReLU, dropout and the output layer (--model mlp: the trainer's MLP instead). Adam with L2 weight
decay, label smoothing on hard labels, a linear warm-up of 200 steps then a cosine to 1e-5. Data:
the first --n training images of Debian's dataset-fashion-mnist; test on all 10,000 test images.

Augmentations approximate the worker's ops on uint8 28x28 images: --crop P (pad P pixels with 0,
cut 28x28 again), --flip (p 0.5), --erase P (random erasing with probability P, area 2 %..--erase-max,
aspect 0.3..3.3, value 0), --mix P (a minibatch partner: MixUp alpha 0.2, or with --cutmix CutMix
alpha 1.0 at even odds). The worker mixes with a partner from its buffer and draws with each
sample's own generator, so the figures are close to, not equal to, the pipeline's.

--tta also reports the test accuracy with test-time augmentation: the softmax averaged over every
shift of up to --crop pixels, each also flipped with --flip (`evaluate --tta-shift --tta-flip`).

Usage: small_data.py [--crop 1 --flip --mix 0.5 --erase 0.25 --cutmix] [--no-reg] [--tta] [--seed 7] ...
Prints one JSON line: the settings, test accuracy and loss, train accuracy, seconds.
Needs Debian's python3-torch.
"""
import argparse
import gzip
import json
import math
import random
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

DATA = '/usr/share/datasets/fashion-mnist/'
MEAN, STD = 0.2860, 0.3530


def idx(name):
    with gzip.open(DATA + name) as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], 'big')
    if raw[3] == 3:
        return np.frombuffer(raw, np.uint8, offset=16).reshape(n, 28, 28)
    return np.frombuffer(raw, np.uint8, offset=8)


def normalise(x):
    return (x.float() / 255 - MEAN) / STD


class Cnn(nn.Module):
    def __init__(self, conv, hidden, dropout):
        super().__init__()
        layers, channels = [], 1
        for out in conv:
            layers += [nn.Conv2d(channels, out, 3, padding=1), nn.GroupNorm(1, out), nn.ReLU(), nn.MaxPool2d(2)]
            channels = out
        self.features = nn.Sequential(*layers)
        flat = channels * (28 >> len(conv)) ** 2
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(flat, hidden[0]), nn.LayerNorm(hidden[0]), nn.ReLU(),
                                  nn.Dropout(dropout), nn.Linear(hidden[0], 10))

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


def mlp(hidden, dropout):
    layers, width = [], 784
    for i, size in enumerate(hidden):
        if i > 0:
            layers.append(nn.Dropout(dropout))
        layers += [nn.Linear(width, size), nn.LayerNorm(size), nn.ReLU()]
        width = size
    return nn.Sequential(nn.Flatten(), *layers, nn.Dropout(dropout), nn.Linear(width, 10))


def augment(x, a):
    """One uint8 1x28x28 image through the approximated ops."""
    if a.crop:
        p = a.crop
        x = F.pad(x, (p, p, p, p))
        i, j = random.randint(0, 2 * p), random.randint(0, 2 * p)
        x = x[:, i:i + 28, j:j + 28]
    if a.flip and random.random() < 0.5:
        x = x.flip(-1)
    if random.random() < a.erase:
        area = random.uniform(0.02, a.erase_max) * 784
        ratio = math.exp(random.uniform(math.log(0.3), math.log(3.3)))
        h, w = int(round(math.sqrt(area * ratio))), int(round(math.sqrt(area / ratio)))
        if h < 28 and w < 28:
            i, j = random.randint(0, 28 - h), random.randint(0, 28 - w)
            x = x.clone()
            x[:, i:i + h, j:j + w] = 0
    return x


def mix(xb, yb, a):
    partner = torch.randperm(len(xb))
    if a.cutmix and random.random() < 0.5:
        lam = np.random.beta(1.0, 1.0)
        side = math.sqrt(1 - lam)
        h, w = int(28 * side), int(28 * side)
        cy, cx = random.randint(0, 27), random.randint(0, 27)
        y0, y1, x0, x1 = max(0, cy - h // 2), min(28, cy + h // 2), max(0, cx - w // 2), min(28, cx + w // 2)
        xb = xb.clone()
        xb[:, :, y0:y1, x0:x1] = xb[partner][:, :, y0:y1, x0:x1]
        lam = 1 - (y1 - y0) * (x1 - x0) / 784
    else:
        lam = np.random.beta(0.2, 0.2)
        xb = lam * xb + (1 - lam) * xb[partner]
    return xb, lam * yb + (1 - lam) * yb[partner]


def tta(net, x_test, y_test, a):
    """Test accuracy of the softmax averaged over every shift of up to --crop pixels, each also flipped
    when --flip: the views the training distribution holds."""
    p = a.crop
    padded = F.pad(x_test, (p, p, p, p), value=normalise(torch.zeros(1)).item())
    total = torch.zeros(len(x_test), 10)
    for i in range(2 * p + 1):
        for j in range(2 * p + 1):
            view = padded[:, :, i:i + 28, j:j + 28]
            for flip in ([False, True] if a.flip else [False]):
                total += F.softmax(net(view.flip(-1) if flip else view), 1)
    return round((total.argmax(1) == y_test).float().mean().item(), 4)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', choices=['cnn', 'mlp'], default='cnn')
    ap.add_argument('--conv', default='16,32')
    ap.add_argument('--hidden', default=None, help='default 64 (cnn), 256,128 (mlp)')
    ap.add_argument('--n', type=int, default=1800, help='training images (the experiment: 1,800 train + 200 val)')
    ap.add_argument('--epochs', type=int, default=100)
    ap.add_argument('--batch-size', type=int, default=32)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--dropout', type=float, default=0.1)
    ap.add_argument('--weight-decay', type=float, default=1e-4)
    ap.add_argument('--label-smoothing', type=float, default=0.1)
    ap.add_argument('--no-reg', action='store_true', help='dropout, weight decay and label smoothing all 0')
    ap.add_argument('--crop', type=int, default=0)
    ap.add_argument('--flip', action='store_true')
    ap.add_argument('--erase', type=float, default=0.0)
    ap.add_argument('--erase-max', type=float, default=0.2)
    ap.add_argument('--mix', type=float, default=0.0)
    ap.add_argument('--cutmix', action='store_true')
    ap.add_argument('--tta', action='store_true',
                    help='also report test accuracy averaged over the flipped and shifted views the training saw')
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    if a.no_reg:
        a.dropout = a.weight_decay = a.label_smoothing = 0.0
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    np.random.seed(a.seed)

    x = torch.from_numpy(idx('train-images-idx3-ubyte.gz')[:a.n].copy()).unsqueeze(1)
    y = torch.from_numpy(idx('train-labels-idx1-ubyte.gz')[:a.n].astype(np.int64))
    x_test = normalise(torch.from_numpy(idx('t10k-images-idx3-ubyte.gz').copy()).unsqueeze(1))
    y_test = torch.from_numpy(idx('t10k-labels-idx1-ubyte.gz').astype(np.int64))
    hidden = [int(h) for h in (a.hidden or ('64' if a.model == 'cnn' else '256,128')).split(',')]
    net = Cnn([int(c) for c in a.conv.split(',')], hidden, a.dropout) if a.model == 'cnn' else mlp(hidden, a.dropout)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    steps, warmup, min_lr = a.epochs * a.n // a.batch_size, 200, 1e-5

    def lr_at(t):
        if t < warmup:
            return a.lr * (t + 1) / warmup
        return min_lr + (a.lr - min_lr) * 0.5 * (1 + math.cos(math.pi * min(1.0, (t - warmup) / max(1, steps - warmup))))

    start, step = time.time(), 0
    while step < steps:
        order = torch.randperm(a.n)
        for b in range(0, a.n - a.batch_size + 1, a.batch_size):
            if step >= steps:
                break
            ids = order[b:b + a.batch_size]
            xb = normalise(torch.stack([augment(x[i], a) for i in ids]))
            yb = F.one_hot(y[ids], 10).float() * (1 - a.label_smoothing) + a.label_smoothing / 10
            if a.mix > 0 and random.random() < a.mix:
                xb, yb = mix(xb, yb, a)
            for group in opt.param_groups:
                group['lr'] = lr_at(step)
            net.train()
            loss = -(yb * F.log_softmax(net(xb), 1)).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
    net.eval()
    with torch.no_grad():
        out = net(x_test)
        result = dict(settings={k: v for k, v in vars(a).items() if k != 'threads'},
                      test_accuracy=round((out.argmax(1) == y_test).float().mean().item(), 4),
                      **({'test_accuracy_tta': tta(net, x_test, y_test, a)} if a.tta else {}),
                      test_loss=round(F.cross_entropy(out, y_test).item(), 4),
                      train_accuracy=round((net(normalise(x)).argmax(1) == y).float().mean().item(), 4),
                      seconds=round(time.time() - start))
    print(json.dumps(result), flush=True)


if __name__ == '__main__':
    main()
