"""Vectorised checks and location of many prepared image records at once (numpy; no per-record
decoding). The exact problem of a record that fails is found by `wire.decode` on that record alone."""
from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

from .wire import WireError, decode

ITEMSIZE = np.array([0, 1, 2, 4], np.int64)  # by dtype code
NUMPY = {1: np.dtype("u1"), 2: np.dtype("<f2"), 3: np.dtype("<f4")}
_MAGIC = np.frombuffer(b"SAUG\x01\x01", np.uint8)  # magic, version 1, payload kind 1 (image)
Shape = tuple[int, int, int, int]  # dtype code, C, H, W


class Chunk(NamedTuple):
    """The usable records of a chunk, in order: `index` into the chunk, raw tensor data (n × bytes),
    affine parameters (n × 2 × C, uint8 only), label kind, class index, soft rows (n × K or None)."""

    index: np.ndarray
    data: np.ndarray
    affine: Optional[np.ndarray]
    label_kind: np.ndarray
    label: np.ndarray
    soft: Optional[np.ndarray]
    bad: np.ndarray  # per chunk record: malformed (skipped)


def _u(buf: np.ndarray, pos: np.ndarray, width: int) -> np.ndarray:
    """Little-endian unsigned integers at byte positions `pos` (clipped into the buffer)."""
    last = len(buf) - 1
    value = np.zeros(len(pos), np.int64)
    for i in range(width):
        value |= buf[np.minimum(pos + i, last)].astype(np.int64) << (8 * i)
    return value


def _join(joined: bytes, starts: np.ndarray, n: int) -> bytes:
    return b"".join([joined[s:s + n] for s in starts.tolist()])


class Problem(Exception):
    def __init__(self, index: int, error: WireError) -> None:
        super().__init__(str(error))
        self.index, self.error = index, error


def parse(values: list[bytes], shape: Optional[Shape], classes: Optional[int], dataset: Optional[bytes],
          skip: bool) -> tuple[Chunk, Optional[Shape], Optional[int]]:
    """Checks and locates `values` as image records of one `shape` (the first good record's when None)
    and one soft-label width `classes`. Malformed records raise `Problem` (index, WireError) unless
    `skip`; records of another dataset are dropped."""
    n = len(values)
    lens = np.fromiter(map(len, values), np.int64, n)
    joined = b"".join(values)
    buf = np.frombuffer(joined, np.uint8) if joined else np.zeros(1, np.uint8)
    end = np.cumsum(lens)
    st = end - lens
    head = buf[np.minimum(st[:, None] + np.arange(26), len(buf) - 1)]
    ok = (lens >= 26) & (head[:, :6] == _MAGIC).all(1) & (head[:, 6] <= 2) & (head[:, 7] <= 2)
    ok &= (head[:, 11] < 128) & (head[:, 15] < 128)  # epoch, repeat ≤ 2^31-1
    kind = head[:, 7].astype(np.int64)
    p = st + 26 + (head[:, 24].astype(np.int64) | head[:, 25].astype(np.int64) << 8)
    ds_len = _u(buf, p, 2)
    ds_start = p + 2
    p = ds_start + ds_len
    hard, soft = kind == 1, kind == 2
    label = np.where(hard, _u(buf, p, 4), -1)
    soft_n = np.where(soft, _u(buf, p, 2), 0)
    soft_start = p + 2
    p = p + np.where(hard, 4, 0) + np.where(soft, 2 + 4 * soft_n, 0)
    ok &= (~soft | (soft_n > 0)) & (label <= 0x7FFFFFFF)
    dtype, ndim = _u(buf, p, 1), _u(buf, p + 1, 1)
    c, h, w = _u(buf, p + 2, 4), _u(buf, p + 6, 4), _u(buf, p + 10, 4)
    ok &= (ndim == 3) & (dtype >= 1) & (dtype <= 3) & (c > 0) & (h > 0) & (w > 0)
    ok &= (c < 1 << 20) & (h < 1 << 20) & (w < 1 << 20)  # so that the product below cannot overflow
    affine_start = p + 14
    p = affine_start + np.where(dtype == 1, 8 * c, 0)
    data_len = _u(buf, p, 4)
    data_start = p + 4
    p = data_start + data_len
    p = p + 4 + _u(buf, p, 4)  # the trace (its JSON is not parsed here)
    ok &= (p == end) & (data_len == c * h * w * ITEMSIZE[np.clip(dtype, 0, 3)])
    if shape is None and ok.any():
        i = int(np.argmax(ok))
        shape = (int(dtype[i]), int(c[i]), int(h[i]), int(w[i]))
    if shape is not None:
        ok &= (dtype == shape[0]) & (c == shape[1]) & (h == shape[2]) & (w == shape[3])
    if classes is None and (ok & soft).any():
        classes = int(soft_n[np.argmax(ok & soft)])
    if classes is not None:
        ok &= ~soft | (soft_n == classes)
    keep = ok.copy()
    softs: Optional[np.ndarray] = None
    if classes is not None:
        softs = np.zeros((n, classes), np.float32)
        idx = np.flatnonzero(keep & soft)
        if len(idx):
            rows = np.frombuffer(_join(joined, soft_start[idx], 4 * classes), "<f4").reshape(-1, classes)
            fine = np.isfinite(rows).all(1) & (rows >= 0).all(1) & (np.abs(rows.sum(1, dtype=np.float64) - 1) <= 1e-3)
            keep[idx[~fine]] = False
            ok[idx[~fine]] = False
            softs[idx] = rows
    if not ok.all():
        first = int(np.argmin(ok))
        if not skip:
            raise Problem(first, _why(values[first], shape, classes))
    if dataset is not None:
        want = np.frombuffer(dataset, np.uint8)
        same = ds_len == len(want)
        if len(want):
            same &= (buf[np.minimum(ds_start[:, None] + np.arange(len(want)), len(buf) - 1)] == want).all(1)
        keep &= same
    index = np.flatnonzero(keep)
    nbytes = shape[1] * shape[2] * shape[3] * int(ITEMSIZE[shape[0]]) if shape is not None else 0
    data = np.frombuffer(_join(joined, data_start[index], nbytes), np.uint8).reshape(len(index), nbytes)
    affine = None
    if shape is not None and shape[0] == 1:
        affine = np.frombuffer(_join(joined, affine_start[index], 8 * shape[1]), "<f4").reshape(len(index), 2, shape[1])
    chunk = Chunk(index, data, affine, kind[index].astype(np.int8), label[index],
                  softs[index] if softs is not None else None, ~ok)
    return chunk, shape, classes


def _why(value: bytes, shape: Optional[Shape], classes: Optional[int]) -> WireError:
    try:
        record = decode(value)
    except WireError as e:
        return e
    if isinstance(record.x, str):
        return WireError("a text record (payload kind 2), not an image tensor")
    if shape is not None and (record.dtype, *record.x.shape) != (("uint8", "float16", "float32")[shape[0] - 1], *shape[1:]):
        return WireError(f"image {tuple(record.x.shape)} of {record.dtype} in a stream of "
                         f"{shape[1:]} of {('uint8', 'float16', 'float32')[shape[0] - 1]}: one shape per stream "
                         f"(select one dataset with dataset=)")
    return WireError(f"soft label over {len(record.label) if record.label is not None else 0} classes in a stream "
                     f"of {classes}")
