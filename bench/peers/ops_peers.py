#!/usr/bin/python3
"""Python peers of `streamaug bench ops`: the reference pipeline in OpenCV-Python and torchvision.

crop with padding 4 + horizontal flip (p 0.5) + rotate ±15° + to float + Gaussian noise (σ 0.05) +
normalise, on a 28×28 grayscale and a 224×224 RGB image, one thread, median of ROUNDS rounds.
Needs Debian's python3-opencv and python3-torchvision. Prints one JSON object.
Usage: ops_peers.py [ROUNDS] [ROUND_SECONDS]
"""
import json, sys, time

import cv2
import numpy as np
import torch
from PIL import Image
from torchvision import transforms

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ROUND_SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
cv2.setNumThreads(1)
torch.set_num_threads(1)
rng = np.random.default_rng(1)


def rate(body):
    def round_():
        start = time.perf_counter()
        n = 0
        while True:
            for _ in range(16):
                body()
            n += 16
            now = time.perf_counter()
            if now - start >= ROUND_SECONDS:
                return n / (now - start)
    round_()  # warm-up
    rates = sorted(round_() for _ in range(ROUNDS))
    return rates[len(rates) // 2]


def opencv_pipeline(img, mean, std):
    size = img.shape[0]

    def body():
        padded = cv2.copyMakeBorder(img, 4, 4, 4, 4, cv2.BORDER_CONSTANT, value=0)
        top, left = rng.integers(0, 9, size=2)
        crop = padded[top:top + size, left:left + size]
        if rng.random() < 0.5:
            crop = cv2.flip(crop, 1)
        m = cv2.getRotationMatrix2D(((size - 1) / 2, (size - 1) / 2), rng.uniform(-15, 15), 1.0)
        rotated = cv2.warpAffine(crop, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        x = rotated.astype(np.float32) / 255.0
        x += rng.standard_normal(x.shape, dtype=np.float32) * 0.05
        return (x - mean) / std
    return body


def torchvision_pipeline(img, mean, std):
    size = img.shape[0]
    pil = Image.fromarray(img)
    t = transforms.Compose([
        transforms.RandomCrop(size, padding=4),
        transforms.RandomHorizontalFlip(),
        transforms.RandomRotation(15, interpolation=transforms.InterpolationMode.BILINEAR),
        transforms.ToTensor(),
        transforms.Lambda(lambda x: x + torch.randn_like(x) * 0.05),
        transforms.Normalize(mean, std),
    ])
    return lambda: t(pil)


def images():
    gray = np.zeros((28, 28), np.uint8)
    gray[4:24, 6:22] = rng.integers(60, 255, size=(20, 16), dtype=np.uint8)
    yy, xx = np.mgrid[0:224, 0:224]
    rgb = np.stack([xx, yy, xx * yy // 224], axis=-1).astype(np.uint8) + rng.integers(0, 16, size=(224, 224, 3), dtype=np.uint8)
    return gray, rgb


gray, rgb = images()
results = {"opencv_python_version": cv2.__version__, "torchvision_version": __import__("torchvision").__version__}
for name, img, mean, std in (("28", gray, [0.286], [0.353]), ("224", rgb, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])):
    results["python_opencv_%s_img_per_s" % name] = rate(opencv_pipeline(img, np.float32(mean), np.float32(std)))
    results["torchvision_%s_img_per_s" % name] = rate(torchvision_pipeline(img, mean, std))
print(json.dumps(results))
