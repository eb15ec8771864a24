"""The decoder equals the Java codec on records Java wrote (fixtures/, kept in sync by PythonFixturesTest)."""
from __future__ import annotations

import importlib.util
import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from streamaug import wire

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED: list[dict[str, Any]] = json.loads((FIXTURES / "expected.json").read_text("utf-8"))
IMAGES = [e for e in EXPECTED if "values" in e]


def value(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_fixtures_cover_every_dtype_and_label_kind() -> None:
    kinds = {(e["dtype"], "none" if e["label"] is None else "soft" if isinstance(e["label"], list) else "class")
             for e in IMAGES}
    assert kinds == {(d, k) for d in ("uint8", "float16", "float32") for k in ("none", "class", "soft")}
    assert any("text" in e for e in EXPECTED)


@pytest.mark.parametrize("expected", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_decode_equals_java(expected: dict[str, Any]) -> None:
    r = wire.decode(value(expected["file"]))
    assert (r.id, r.dataset, r.split, r.epoch, r.repeat, r.stats_version) == (
        expected["id"], expected["dataset"], expected["split"], expected["epoch"], expected["repeat"],
        expected["stats_version"])
    assert r.trace == expected["trace"]
    if expected["label"] is None:
        assert r.label is None
    elif isinstance(expected["label"], list):
        assert isinstance(r.label, np.ndarray) and r.label.dtype == np.float32
        np.testing.assert_array_equal(r.label, np.array(expected["label"], np.float32))
    else:
        assert r.label == expected["label"]
    if "text" in expected:
        assert r.x == expected["text"]
        return
    assert r.dtype == expected["dtype"]
    assert isinstance(r.x, np.ndarray) and r.x.dtype == np.float32 and list(r.x.shape) == expected["shape"]
    np.testing.assert_allclose(r.x.ravel(), np.array(expected["values"], np.float32), rtol=1e-6, atol=1e-6)


def test_minimal_reader_in_docs_equals_java() -> None:
    path = Path(__file__).parents[2] / "docs" / "examples" / "read_prepared.py"
    spec = importlib.util.spec_from_file_location("read_prepared", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for expected in EXPECTED:
        r = module.read_prepared(value(expected["file"]))
        assert r["id"] == expected["id"] and r["split"] == expected["split"]
        if "values" in expected:
            np.testing.assert_allclose(r["x"].ravel(), expected["values"], rtol=1e-6, atol=1e-6)
        else:
            assert r["x"] == expected["text"]


@pytest.mark.parametrize("cut", [1, 5, 25, 40, 100])
def test_truncated_values_are_rejected_as_truncated(cut: int) -> None:
    full = value("uint8-class.bin")
    with pytest.raises(wire.WireError, match="truncated"):
        wire.decode(full[:len(full) - cut])


def test_unknown_version_magic_and_trailing_bytes() -> None:
    full = value("float32-soft.bin")
    with pytest.raises(wire.WireError, match="unknown wire version 2"):
        wire.decode(full[:4] + b"\x02" + full[5:])
    with pytest.raises(wire.WireError, match="not a prepared record"):
        wire.decode(b"\x89PNG\r\n\x1a\n" + full[8:])
    with pytest.raises(wire.WireError, match="trailing"):
        wire.decode(full + b"\x00")


def test_soft_label_must_sum_to_one() -> None:
    full = bytearray(value("uint8-soft.bin"))
    at = bytes(full).index(struct.pack("<f", 0.4))
    full[at:at + 4] = struct.pack("<f", 0.9)
    with pytest.raises(wire.WireError, match="sum to"):
        wire.decode(bytes(full))


def test_damaged_records_raise_wire_error_only() -> None:
    rng = np.random.default_rng(1)
    originals = [value(e["file"]) for e in EXPECTED]
    for _ in range(3000):
        b = bytearray(originals[int(rng.integers(len(originals)))])
        for _ in range(int(rng.integers(1, 4))):
            b[int(rng.integers(len(b)))] = int(rng.integers(256))
        try:
            wire.decode(bytes(b))
        except wire.WireError:
            pass
