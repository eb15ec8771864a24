#!/usr/bin/python3
"""Make the torchvision references that GoldenOpsTest compares the policy ops against.

The policies' magnitude tables for a 48×64 image, as torchvision builds them (JSON), and two
small crops of real photos from scikit-image's data (a 48×64 RGB crop of `astronaut`, a 32×32
grayscale crop of `camera`), and torchvision's functional ops on them as uint8 tensors — the path
its RandAugment, TrivialAugmentWide, AutoAugment and AugMix take for tensors — at fixed
parameters, written as PNG. Needs Debian's python3-torchvision and python3-skimage. Reproducible:
  /usr/bin/python3 bench/peers/make_policy_fixtures.py augment/src/test/resources/fixtures/policy
"""
import json, math, os, sys

import numpy as np
import torch
from PIL import Image
from skimage import data
from torchvision.io import decode_jpeg, encode_jpeg
from torchvision.transforms import InterpolationMode, autoaugment
from torchvision.transforms import functional as F

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
NEAREST, BILINEAR = InterpolationMode.NEAREST, InterpolationMode.BILINEAR


def save(t, name):
    a = t.numpy()
    Image.fromarray(a[0] if a.shape[0] == 1 else a.transpose(1, 2, 0)).save(os.path.join(out, name + ".png"))


rgb = np.ascontiguousarray(data.astronaut()[60:108, 170:234])  # the face: skin, hair, shadows
gray = np.ascontiguousarray(data.camera()[::8, ::8][4:36, 20:52])  # the cameraman, tripod and sky at 1/8 scale
images = {"rgb": torch.from_numpy(rgb).permute(2, 0, 1).contiguous(), "gray": torch.from_numpy(gray)[None]}


def shear(img, x, y, fill=None):  # as torchvision's policies: tan of the angle, about the top-left corner
    return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, interpolation=NEAREST, center=[0, 0],
                    shear=[math.degrees(math.atan(x)), math.degrees(math.atan(y))], fill=fill)


def jpeg(img, quality):
    return decode_jpeg(encode_jpeg(img, quality=quality))


corners = [[3, 2], [58, 5], [61, 44], [1, 40]]
cases = {
    "autocontrast": F.autocontrast,
    "equalize": F.equalize,
    "invert": F.invert,
    "posterize3": lambda i: F.posterize(i, 3),
    "solarize128": lambda i: F.solarize(i, 128),
    "brightness1.4": lambda i: F.adjust_brightness(i, 1.4),
    "brightness0.55": lambda i: F.adjust_brightness(i, 0.55),
    "contrast1.6": lambda i: F.adjust_contrast(i, 1.6),
    "contrast0.3": lambda i: F.adjust_contrast(i, 0.3),
    "color1.7": lambda i: F.adjust_saturation(i, 1.7),
    "color0.2": lambda i: F.adjust_saturation(i, 0.2),
    "sharpness1.9": lambda i: F.adjust_sharpness(i, 1.9),
    "sharpness0.1": lambda i: F.adjust_sharpness(i, 0.1),
    "shearx0.25": lambda i: shear(i, 0.25, 0),
    "sheary-0.2": lambda i: shear(i, 0, -0.2),
    "shearx-0.3_fill128": lambda i: shear(i, -0.3, 0, fill=[128.0] * i.shape[0]),
    "translatex5": lambda i: F.affine(i, angle=0.0, translate=[5, 0], scale=1.0, shear=[0.0, 0.0], interpolation=NEAREST),
    "translatey-3": lambda i: F.affine(i, angle=0.0, translate=[0, -3], scale=1.0, shear=[0.0, 0.0], interpolation=NEAREST),
    "rotate20": lambda i: F.rotate(i, 20.0, interpolation=NEAREST),
    "gaussianblur5_1.2": lambda i: F.gaussian_blur(i, [5, 5], [1.2, 1.2]),
    "grayscale": lambda i: F.rgb_to_grayscale(i, num_output_channels=3) if i.shape[0] == 3 else i.clone(),
    "jpeg50": lambda i: jpeg(i, 50),
    "channels201": lambda i: i[[2, 0, 1]] if i.shape[0] == 3 else i.clone(),
    # torchvision's policies' own op application, magnitudes as they pass them
    "policy_chain": lambda i: autoaugment._apply_op(autoaugment._apply_op(autoaugment._apply_op(
        i, "ShearY", 0.12, NEAREST, None), "Contrast", -0.45, NEAREST, None), "TranslateX", -7.9, NEAREST, None),
}
for kind, img in images.items():
    save(img, f"{kind}")
    for name, op in cases.items():
        save(op(img), f"{kind}_{name}_torchvision")
    h, w = img.shape[-2:]
    ends = [[min(x, w - 1), min(y, h - 1)] for x, y in corners]
    save(F.perspective(img, [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], ends, interpolation=BILINEAR),
         f"{kind}_perspective_torchvision")


def tables(space):
    return {name: [float(v) for v in (m if m.ndim > 0 else m.reshape(1))] + [bool(signed)]
            for name, (m, signed) in space.items()}


h, w = images["rgb"].shape[-2:]
policies = {
    "RandAugment": tables(autoaugment.RandAugment()._augmentation_space(31, (h, w))),
    "TrivialAugmentWide": tables(autoaugment.TrivialAugmentWide()._augmentation_space(31)),
    "AutoAugment": tables(autoaugment.AutoAugment()._augmentation_space(10, (h, w))),
    "AugMix": tables(autoaugment.AugMix()._augmentation_space(10, (h, w))),
}
with open(os.path.join(out, "magnitude_tables.json"), "w") as f:  # one op per line: [magnitudes…, signed]
    f.write("{\n" + ",\n".join(json.dumps(policy) + ": {\n" + ",\n".join(
        "  " + json.dumps(op) + ": " + json.dumps(row) for op, row in ops.items()) + "}"
        for policy, ops in policies.items()) + "}\n")


# torchvision's own AugMix forward with its draws scripted: Dirichlet weights given, and the op
# index, magnitude bin (ops with a table) and sign (signed ops) of each chain step fed to
# torch.randint in the order it asks.
AUGMIX = {"image_and_chains": [0.375, 0.625], "chain_split": [0.5, 0.3, 0.2],
          "chains": [[["Equalize", 0, 0], ["Posterize", 2, 0]],
                     [["Brightness", 5, 1], ["TranslateX", 4, 0]],
                     [["Solarize", 1, 0], ["Sharpness", 2, 0]]]}


class ScriptedAugMix(autoaugment.AugMix):
    def _sample_dirichlet(self, params):
        return torch.tensor([AUGMIX["image_and_chains"] if params.shape[-1] == 2 else AUGMIX["chain_split"]])


for kind, img in images.items():
    augmix = ScriptedAugMix(severity=3, mixture_width=3, chain_depth=2)
    space = augmix._augmentation_space(10, img.shape[-2:])
    draws = []
    for chain in AUGMIX["chains"]:
        for name, magnitude_bin, negative in chain:
            magnitudes, signed = space[name]
            draws.append(list(space).index(name))
            if magnitudes.ndim > 0:  # ops without a table draw no bin
                draws.append(magnitude_bin)
            if signed:
                draws.append(negative)
    real_randint = torch.randint
    torch.randint = lambda *args, **kwargs: torch.tensor([draws.pop(0)])
    try:
        save(augmix(img), f"{kind}_augmix_torchvision")
    finally:
        torch.randint = real_randint
    assert not draws
with open(os.path.join(out, "augmix_draws.json"), "w") as f:
    json.dump(AUGMIX, f)
    f.write("\n")
