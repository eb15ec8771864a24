#!/usr/bin/python3
"""Make the torchvision reference images that ApplyTorchvisionParityTest compares against.

A 28×28 grayscale test pattern, and torchvision's rotate(img, 15°, bilinear) and RandomCrop-style
padded shift of it, written as PNG. Needs Debian's python3-torchvision. Reproducible:
  python3 bench/peers/make_rotate_fixture.py augment/src/test/resources/fixtures
"""
import os, sys

import numpy as np
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
yy, xx = np.mgrid[0:28, 0:28]
pattern = ((xx * 9 + yy * 4) % 256).astype(np.uint8)
pattern[6:12, 4:20] = 255          # a bar, so that orientation matters
pattern[16:24, 18:22] = 30
img = Image.fromarray(pattern, mode="L")
img.save(os.path.join(out, "pattern.png"))
F.rotate(img, 15, interpolation=InterpolationMode.BILINEAR).save(os.path.join(out, "pattern_rotate15_torchvision.png"))
F.rotate(img, -40, interpolation=InterpolationMode.NEAREST).save(os.path.join(out, "pattern_rotate-40_nearest_torchvision.png"))
F.hflip(img).save(os.path.join(out, "pattern_hflip_torchvision.png"))
F.center_crop(F.resize(img, 32, interpolation=InterpolationMode.BILINEAR), 24).save(
    os.path.join(out, "pattern_resize32_centercrop24_torchvision.png"))
