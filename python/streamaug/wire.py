"""Decoder of streamaug prepared records, wire format version 1 (docs/wire-format.md).

`decode` checks everything the format defines and returns a `Record`. `locate` is the hot-path half
used by `streamaug.torch`: it checks the layout (magic, version, kinds, every length against the bytes
that remain, exact end) and returns where the label, affine parameters and pixel data lie, without
copying or decoding them.
"""
from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional, Union

import numpy as np

MAGIC = b"SAUG"
VERSION = 1
SPLITS = ("train", "val", "test")
DTYPES = {1: "uint8", 2: "float16", 3: "float32"}
_NUMPY = {1: np.dtype("u1"), 2: np.dtype("<f2"), 3: np.dtype("<f4")}
_HEAD = struct.Struct("<4sBBBBIIqH")  # magic … stats version, then the sample id's length
_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_PAYLOAD = struct.Struct("<BB3I")
SOFT_SUM_TOLERANCE = 1e-3


class WireError(ValueError):
    """A value that is not a valid version-1 prepared record; `where` names topic, partition and offset."""

    def __init__(self, problem: str, where: str = "") -> None:
        self.problem = problem
        self.where = where
        super().__init__(f"{where}: {problem}" if where else problem)

    def at(self, topic: str, partition: int, offset: int) -> "WireError":
        return WireError(self.problem, f"topic {topic} partition {partition} offset {offset}")


class Layout(NamedTuple):
    """Where the parts of one image record lie in its value (byte offsets)."""

    dataset_start: int
    dataset_end: int
    label_kind: int  # 0 none, 1 class index, 2 soft vector
    label: int  # class index (kind 1) or start of the f32 weights (kind 2)
    soft_n: int  # number of soft weights (kind 2)
    dtype: int  # 1 uint8, 2 float16, 3 float32
    shape: tuple[int, int, int]
    affine_start: int  # -1 unless uint8
    data_start: int
    data_len: int


@dataclass(frozen=True)
class Record:
    id: str
    dataset: str
    split: str
    epoch: int
    repeat: int
    stats_version: int
    label: Union[int, np.ndarray, None]
    x: Union[np.ndarray, str]  # float32 C×H×W, normalised; or the text
    trace: list[dict[str, Any]] = field(default_factory=list)
    dtype: Optional[str] = None  # wire dtype of an image payload


def _need(b: bytes, pos: int, n: int, what: str) -> None:
    if n > len(b) - pos:
        raise WireError(f"truncated: {what} needs {n} bytes at byte {pos}, {len(b) - pos} remain "
                        f"(record of {len(b)} bytes)")


def _header(b: bytes) -> tuple[int, int, int, int, int, int, int]:
    """Checks the fixed header; returns (kind, split, label kind, epoch, repeat, stats version, id length)."""
    if len(b) < _HEAD.size:
        if len(b) >= 5 and b[:4] == MAGIC and b[4] != VERSION:
            raise WireError(f"unknown wire version {b[4]} (this reader knows {VERSION})")
        raise WireError(f"truncated: {len(b)} bytes, shorter than the {_HEAD.size}-byte header")
    magic, version, kind, split, label_kind, epoch, repeat, stats, id_len = _HEAD.unpack_from(b)
    if magic != MAGIC:
        raise WireError(f"not a prepared record: magic {magic!r}, expected {MAGIC!r}")
    if version != VERSION:
        raise WireError(f"unknown wire version {version} (this reader knows {VERSION})")
    if kind not in (1, 2):
        raise WireError(f"unknown payload kind {kind}")
    if split > 2:
        raise WireError(f"unknown split {split}")
    if label_kind > 2:
        raise WireError(f"unknown label kind {label_kind}")
    if epoch > 0x7FFFFFFF or repeat > 0x7FFFFFFF:
        raise WireError(f"epoch {epoch} or repeat {repeat} above 2^31-1")
    return kind, split, label_kind, epoch, repeat, stats, id_len


def locate(b: bytes) -> Layout:
    """The layout of an image record, checked; raises WireError (text records included)."""
    kind, _, label_kind, _, _, _, id_len = _header(b)
    pos = _HEAD.size
    _need(b, pos, id_len + 2, "sample id")
    pos += id_len
    (ds_len,) = _U16.unpack_from(b, pos)
    pos += 2
    _need(b, pos, ds_len, "dataset")
    ds_start = pos
    pos += ds_len
    label = soft_n = 0
    if label_kind == 1:
        _need(b, pos, 4, "class index")
        (label,) = _U32.unpack_from(b, pos)
        if label > 0x7FFFFFFF:
            raise WireError(f"class index {label} above 2^31-1")
        pos += 4
    elif label_kind == 2:
        _need(b, pos, 2, "soft label count")
        (soft_n,) = _U16.unpack_from(b, pos)
        if soft_n == 0:
            raise WireError("soft label with no weights")
        _need(b, pos + 2, 4 * soft_n, "soft label weights")
        label = pos + 2
        pos += 2 + 4 * soft_n
    if kind != 1:
        raise WireError(f"payload kind {kind} (text), not an image tensor")
    _need(b, pos, _PAYLOAD.size, "tensor header")
    dtype, ndim, c, h, w = _PAYLOAD.unpack_from(b, pos)
    if dtype not in _NUMPY:
        raise WireError(f"unknown dtype {dtype}")
    if ndim != 3:
        raise WireError(f"ndim {ndim}, expected 3")
    if c == 0 or h == 0 or w == 0:
        raise WireError(f"zero dimension in shape {c}×{h}×{w}")
    pos += _PAYLOAD.size
    affine = -1
    if dtype == 1:
        _need(b, pos, 8 * c, "scale and offset")
        affine = pos
        pos += 8 * c
    _need(b, pos, 4, "data length")
    (n,) = _U32.unpack_from(b, pos)
    pos += 4
    _need(b, pos, n, "tensor data")
    if n != c * h * w * _NUMPY[dtype].itemsize:
        raise WireError(f"data length {n} does not match shape {c}×{h}×{w} of {DTYPES[dtype]}")
    data = pos
    pos += n
    _need(b, pos, 4, "trace length")
    (t,) = _U32.unpack_from(b, pos)
    pos += 4
    _need(b, pos, t, "trace")
    if pos + t != len(b):
        raise WireError(f"{len(b) - pos - t} trailing bytes after the trace")
    return Layout(ds_start, ds_start + ds_len, label_kind, label, soft_n, dtype, (c, h, w), affine, data, n)


def _text(b: bytes, start: int, end: int, what: str) -> str:
    try:
        return b[start:end].decode("utf-8")
    except UnicodeDecodeError as e:
        raise WireError(f"{what} is not valid UTF-8 ({e.reason} at byte {start + e.start})") from None


def _trace(raw: bytes) -> list[dict[str, Any]]:
    if not raw:
        return []
    try:
        trace = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise WireError(f"trace is not JSON: {e}") from None
    if not isinstance(trace, list) or not all(isinstance(t, dict) and isinstance(t.get("op"), str) for t in trace):
        raise WireError("trace is not a JSON list of ops ({\"op\": …, \"params\": {…}})")
    return trace


def soft_weights(b: bytes, start: int, n: int) -> np.ndarray:
    weights = np.frombuffer(b, "<f4", n, start).astype(np.float32)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise WireError("soft label weights must be finite and ≥ 0")
    if abs(float(weights.sum(dtype=np.float64)) - 1.0) > SOFT_SUM_TOLERANCE:
        raise WireError(f"soft label weights sum to {float(weights.sum(dtype=np.float64)):.6f}, not 1")
    return weights


def decode(b: bytes) -> Record:
    """Decodes and checks one record value; raises WireError naming the problem."""
    b = bytes(b)
    kind, split, label_kind, epoch, repeat, stats, id_len = _header(b)
    pos = _HEAD.size
    _need(b, pos, id_len, "sample id")
    sample_id = _text(b, pos, pos + id_len, "sample id")
    pos += id_len
    if kind == 2:  # text: same prefix, then a u32-prefixed string instead of the tensor
        _need(b, pos, 2, "dataset length")
        (ds_len,) = _U16.unpack_from(b, pos)
        _need(b, pos + 2, ds_len, "dataset")
        dataset = _text(b, pos + 2, pos + 2 + ds_len, "dataset")
        pos += 2 + ds_len
        label, pos = _label(b, pos, label_kind)
        _need(b, pos, 4, "text length")
        (n,) = _U32.unpack_from(b, pos)
        _need(b, pos + 4, n, "text")
        x: Union[np.ndarray, str] = _text(b, pos + 4, pos + 4 + n, "text")
        pos += 4 + n
        _need(b, pos, 4, "trace length")
        (t,) = _U32.unpack_from(b, pos)
        _need(b, pos + 4, t, "trace")
        if pos + 4 + t != len(b):
            raise WireError(f"{len(b) - pos - 4 - t} trailing bytes after the trace")
        return Record(sample_id, dataset, SPLITS[split], epoch, repeat, stats, label, x,
                      _trace(b[pos + 4:pos + 4 + t]))
    layout = locate(b)
    dataset = _text(b, layout.dataset_start, layout.dataset_end, "dataset")
    label, _ = _label(b, layout.dataset_end, label_kind)
    c, h, w = layout.shape
    data = np.frombuffer(b, _NUMPY[layout.dtype], c * h * w, layout.data_start).reshape(c, h, w)
    if layout.dtype == 1:
        affine = np.frombuffer(b, "<f4", 2 * c, layout.affine_start).reshape(2, c, 1, 1)
        x = data * affine[0] + affine[1]  # float32: uint8 × float32
    else:
        x = data.astype(np.float32)
    end = layout.data_start + layout.data_len
    return Record(sample_id, dataset, SPLITS[split], epoch, repeat, stats, label, x.astype(np.float32, copy=False),
                  _trace(b[end + 4:]), DTYPES[layout.dtype])


def _label(b: bytes, pos: int, kind: int) -> tuple[Union[int, np.ndarray, None], int]:
    if kind == 1:
        _need(b, pos, 4, "class index")
        return _U32.unpack_from(b, pos)[0], pos + 4
    if kind == 2:
        _need(b, pos, 2, "soft label count")
        (n,) = _U16.unpack_from(b, pos)
        _need(b, pos + 2, 4 * n, "soft label weights")
        if n == 0:
            raise WireError("soft label with no weights")
        return soft_weights(b, pos + 2, n), pos + 2 + 4 * n
    return None, pos
