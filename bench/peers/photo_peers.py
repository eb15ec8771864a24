#!/usr/bin/python3
"""Python peers of `streamaug bench ops --photos`: the JPEG photo pipelines in OpenCV-Python and torchvision.

On the same files as the Java side (DIR/500 and DIR/1024 of the photo set, every *.jpg at most one
folder deep, read into memory once), one thread, per size in interleaved rounds (round 1 of every
figure, then round 2, …), median of ROUNDS rounds after a warm-up round, from the encoded bytes:
  decode alone    cv2.imdecode(IMREAD_COLOR); PIL Image.open(BytesIO).convert("RGB")
  pipeline        OpenCV-Python: imdecode → RGB → RandomResizedCrop 224 (torchvision's box sampling,
                  cv2.resize INTER_LINEAR) → flip p 0.5 → ColorJitter 0.4/0.4/0.4/0.1 (cv2/numpy, as
                  torchvision's: random order, factors from [max(0, 1 − x), 1 + x]) → uint8 CHW;
                  torchvision 0.14: PIL decode → RandomResizedCrop(224) → RandomHorizontalFlip() →
                  ColorJitter(0.4, 0.4, 0.4, 0.1) → PILToTensor()
  randaugment     torchvision: PIL decode → RandomResizedCrop(224) → RandomHorizontalFlip() →
                  RandAugment(2, 9) → PILToTensor()
  trivialaugment  the same with TrivialAugmentWide()
Prints one JSON line: peer_*_img_per_s_<size> and the libraries' versions.
Needs Debian's python3-opencv, python3-pil and python3-torchvision.
Usage: photo_peers.py DIR [ROUNDS] [ROUND_SECONDS]
"""
from __future__ import annotations

import io
import json
import math
import platform
import random
import sys
import time
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import PIL
import torch
import torchvision
from PIL import Image, features
from torchvision import transforms

SIZES = ("500", "1024")
OUT = 224
SCALE = (0.08, 1.0)
LOG_RATIO = (math.log(3 / 4), math.log(4 / 3))
JITTER = (0.4, 0.4, 0.4, 0.1)
LEVELS = np.arange(256, dtype=np.int32)

Body = Callable[[], object]


def jpegs(root: Path) -> list[bytes]:
    """Every *.jpg under root at most one folder deep, in path order: PhotoSet.jpegs's rule."""
    files = sorted(p for p in root.rglob("*.jpg") if len(p.relative_to(root).parts) <= 2)
    return [p.read_bytes() for p in files]


def cycling(images: list[bytes], work: Callable[[bytes], object]) -> Body:
    """A body that runs work on the next image of the set each call."""
    state = {"next": 0}

    def body() -> object:
        i = state["next"]
        state["next"] = i + 1
        return work(images[i % len(images)])
    return body


def timed_round(body: Body, seconds: float) -> float:
    start = time.perf_counter()
    n = 0
    while True:
        body()
        n += 1
        now = time.perf_counter()
        if now - start >= seconds:
            return n / (now - start)


def interleaved(bodies: dict[str, Body], rounds: int, seconds: float) -> dict[str, float]:
    """Median rate of each body over interleaved rounds, after one warm-up round each."""
    for body in bodies.values():
        timed_round(body, seconds)
    rates: dict[str, list[float]] = {name: [] for name in bodies}
    for _ in range(rounds):
        for name, body in bodies.items():
            rates[name].append(timed_round(body, seconds))
    return {name: sorted(values)[len(values) // 2] for name, values in rates.items()}


# --- OpenCV-Python -----------------------------------------------------------------------------

def cv_decode(data: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def crop_box(height: int, width: int) -> tuple[int, int, int, int]:
    """torchvision's RandomResizedCrop.get_params: ten tries, then the centre crop with the ratio in range."""
    area = height * width
    for _ in range(10):
        target = area * random.uniform(*SCALE)
        ratio = math.exp(random.uniform(*LOG_RATIO))
        w = round(math.sqrt(target * ratio))
        h = round(math.sqrt(target / ratio))
        if 0 < w <= width and 0 < h <= height:
            return random.randint(0, height - h), random.randint(0, width - w), h, w
    in_ratio = width / height
    if in_ratio < 3 / 4:
        w, h = width, round(width / (3 / 4))
    elif in_ratio > 4 / 3:
        h, w = height, round(height * (4 / 3))
    else:
        w, h = width, height
    return (height - h) // 2, (width - w) // 2, h, w


def factor(x: float) -> float:
    return random.uniform(max(0.0, 1 - x), 1 + x)


def cv_jitter(rgb: np.ndarray) -> np.ndarray:
    """torchvision's ColorJitter on an RGB uint8 image, with OpenCV's saturating arithmetic."""
    b, c, s, h = factor(JITTER[0]), factor(JITTER[1]), factor(JITTER[2]), random.uniform(-JITTER[3], JITTER[3])
    for step in np.random.permutation(4):
        if step == 0:
            rgb = cv2.convertScaleAbs(rgb, alpha=b)  # b ≥ 0: no negative values for the absolute to change
        elif step == 1:
            mean = float(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).mean())
            rgb = cv2.addWeighted(rgb, c, rgb, 0, mean * (1 - c))
        elif step == 2:
            gray = cv2.cvtColor(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
            rgb = cv2.addWeighted(rgb, s, gray, 1 - s, 0)
        else:
            hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)  # 8-bit hue is 0..179
            table = np.repeat(LEVELS[:, None, None], 3, axis=2).astype(np.uint8)
            table[:, 0, 0] = np.where(LEVELS < 180, (LEVELS + round(h * 180)) % 180, LEVELS)
            rgb = cv2.cvtColor(cv2.LUT(hsv, table), cv2.COLOR_HSV2RGB)
    return rgb


def cv_pipeline(data: bytes) -> np.ndarray:
    rgb = cv2.cvtColor(cv_decode(data), cv2.COLOR_BGR2RGB)
    top, left, h, w = crop_box(*rgb.shape[:2])
    out = cv2.resize(rgb[top:top + h, left:left + w], (OUT, OUT), interpolation=cv2.INTER_LINEAR)
    if random.random() < 0.5:
        out = cv2.flip(out, 1)
    return np.ascontiguousarray(cv_jitter(out).transpose(2, 0, 1))


# --- torchvision -------------------------------------------------------------------------------

def pil_decode(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def torchvision_pipeline(policy: torch.nn.Module) -> Callable[[bytes], torch.Tensor]:
    t = transforms.Compose([transforms.RandomResizedCrop(OUT), transforms.RandomHorizontalFlip(), policy,
                            transforms.PILToTensor()])
    return lambda data: t(pil_decode(data))


def versions() -> dict[str, str]:
    jpeg = features.version("libjpeg_turbo") if features.check_feature("libjpeg_turbo") else None
    cv_jpeg = next((line.split(":", 1)[1].strip() for line in cv2.getBuildInformation().splitlines()
                    if line.strip().startswith("JPEG:")), "")
    return {"python": platform.python_version(), "opencv": cv2.__version__, "opencv_jpeg": cv_jpeg,
            "numpy": np.__version__, "pil": PIL.__version__, "pil_libjpeg_turbo": jpeg or "no",
            "torch": torch.__version__, "torchvision": torchvision.__version__}


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: photo_peers.py DIR [ROUNDS] [ROUND_SECONDS]")
    root = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    cv2.setNumThreads(1)
    torch.set_num_threads(1)
    random.seed(1)
    np.random.seed(1)
    torch.manual_seed(1)
    results: dict[str, object] = {"peer_versions": versions()}
    for size in SIZES:
        images = jpegs(root / size)
        if not images:
            sys.exit(f"no JPEGs in {root / size}")
        bodies = {
            "peer_opencv_jpeg_decode": cycling(images, cv_decode),
            "peer_pil_jpeg_decode": cycling(images, pil_decode),
            "peer_opencv_jpeg_pipeline": cycling(images, cv_pipeline),
            "peer_torchvision_jpeg_pipeline": cycling(images, torchvision_pipeline(transforms.ColorJitter(*JITTER))),
            "peer_torchvision_jpeg_randaugment": cycling(images, torchvision_pipeline(transforms.RandAugment(2, 9))),
            "peer_torchvision_jpeg_trivialaugment": cycling(images, torchvision_pipeline(transforms.TrivialAugmentWide())),
        }
        print(f"peers: {size} set ({len(images)} JPEGs), {len(bodies)} figures, interleaved rounds", file=sys.stderr)
        for name, rate in interleaved(bodies, rounds, seconds).items():
            results[f"{name}_img_per_s_{size}"] = rate
    print(json.dumps(results))


if __name__ == "__main__":
    main()
