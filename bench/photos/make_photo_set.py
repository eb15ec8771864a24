#!/usr/bin/python3
"""The photo set of the photo benchmarks and `demo --photos`: distinct JPEGs of real photographs.

Sources: the photographs among the wallpapers of Debian's plasma-workspace-wallpapers (2560×1600,
eleven of them; the package's illustrations are left out) and, for the ~500×375 set only, the colour
photographs of Debian's python3-skimage that are at least that large. Each output image is its own
crop of one source: a random box of 4:3 (one in four portrait, 3:4) covering 25–100 % of the largest
such box, mirrored at random, downscaled with Lanczos (never upscaled), saved as baseline JPEG at
quality 90 with 4:2:0 chroma, as a camera or a web scrape stores them.

Layout, an ImageFolder per size, the class being the source photograph:
    OUT/500/<source>/<n>.jpg    ~500×375 (landscape) or 375×500 (portrait)
    OUT/1024/<source>/<n>.jpg   1024×768 or 768×1024
The same seed gives the same bytes. Needs Debian's python3-pil and plasma-workspace-wallpapers
(python3-skimage optional).
Usage: make_photo_set.py [--out DIR] [--count N] [--seed S]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

from PIL import Image

WALLPAPERS = Path("/usr/share/wallpapers")
# The photographs of plasma-workspace-wallpapers 5.27 (the rest of the package is illustration).
WALLPAPER_PHOTOS = ["BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf",
                    "Grey", "Kite", "OneStandsOut", "Path", "summer_1am"]
SKIMAGE = Path("/usr/lib/python3/dist-packages/skimage/data")
SKIMAGE_PHOTOS = ["astronaut.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "hubble_deep_field.jpg"]
SIZES = {"500": (500, 375), "1024": (1024, 768)}


def sources() -> dict[str, Image.Image]:
    found: dict[str, Image.Image] = {}
    for name in WALLPAPER_PHOTOS:
        images = sorted((WALLPAPERS / name / "contents" / "images").glob("*.jpg"), key=lambda p: p.stat().st_size)
        if images:
            found[name] = Image.open(images[-1]).convert("RGB")
    if not found:
        sys.exit("no source photographs: install Debian's plasma-workspace-wallpapers "
                 "(apt-get install plasma-workspace-wallpapers python3-pil)")
    for name in SKIMAGE_PHOTOS:
        if (SKIMAGE / name).is_file():
            found[Path(name).stem] = Image.open(SKIMAGE / name).convert("RGB")
    return found


def crop(rng: random.Random, photo: Image.Image, out: tuple[int, int]) -> Image.Image | None:
    """A random 4:3 (or 3:4) crop of photo, downscaled to out; None when the photo is too small."""
    w, h = out if rng.random() >= 0.25 else (out[1], out[0])
    scale_max = min(photo.width / w, photo.height / h)
    if scale_max < 1:
        return None
    scale = rng.uniform(max(1.0, scale_max * 0.5), scale_max)  # area 25–100 % of the largest box
    cw, ch = round(w * scale), round(h * scale)
    x, y = rng.randint(0, photo.width - cw), rng.randint(0, photo.height - ch)
    image = photo.crop((x, y, x + cw, y + ch)).resize((w, h), Image.LANCZOS)
    return image.transpose(Image.FLIP_LEFT_RIGHT) if rng.random() < 0.5 else image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(".streamaug/photos"))
    parser.add_argument("--count", type=int, default=300, help="images per size (default 300)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    photos = sources()
    for size, out in SIZES.items():
        rng = random.Random(f"{args.seed}-{size}")
        fits = [name for name, photo in photos.items() if min(photo.width / out[0], photo.height / out[1]) >= 1
                and min(photo.width / out[1], photo.height / out[0]) >= 1]
        made = 0
        while made < args.count:
            name = fits[made % len(fits)]
            image = crop(rng, photos[name], out)
            if image is None:
                continue
            folder = args.out / size / name
            folder.mkdir(parents=True, exist_ok=True)
            image.save(folder / f"{made:04d}.jpg", quality=90, subsampling=2, optimize=False)
            made += 1
        print(f"{args.out / size}: {made} JPEGs from {len(fits)} photographs ({', '.join(fits)})", file=sys.stderr)


if __name__ == "__main__":
    main()
