"""The few GGUF header fields the GPU planner needs, read without loading llama.cpp.

A GGUF file starts with ``b"GGUF"``, a version (2 or 3), the tensor and key-value counts,
then the key-value pairs (little-endian; strings are a u64 length and UTF-8 bytes; arrays a
value type, a u64 count and the values). Architecture keys (``llama.block_count``,
``llama.attention.head_count_kv``...) come before the tokenizer's large arrays in files made
by llama.cpp's converters, so reading stops as soon as the wanted keys are found.

Pure Python, any thread; reads at most the header.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

from core.errors import ModelError

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9

GgufScalar = int | float | bool
# an array's items when kept; read_metadata keeps scalars and strings only
GgufValue = Union[GgufScalar, str, list["GgufValue"], None]


@dataclass(frozen=True)
class GgufLayout:
    architecture: str
    n_layers: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    context_length: int | None


def _read(fh: BinaryIO, fmt: str) -> GgufScalar:
    size = struct.calcsize(fmt)
    raw = fh.read(size)
    if len(raw) != size:
        raise EOFError
    value: GgufScalar = struct.unpack(fmt, raw)[0]
    return value


def _count(fh: BinaryIO, fmt: str) -> int:
    """An unsigned integer field (a length, a count, a type tag)."""
    return int(_read(fh, fmt))


def _string(fh: BinaryIO) -> str:
    n = _count(fh, "<Q")
    raw = fh.read(n)
    if len(raw) != n:
        raise EOFError
    return raw.decode("utf-8", "replace")


def _value(fh: BinaryIO, vtype: int, keep: bool) -> GgufValue:
    if vtype in _SCALARS:
        return _read(fh, _SCALARS[vtype])
    if vtype == _STRING:
        return _string(fh)
    if vtype == _ARRAY:
        etype, count = _count(fh, "<I"), _count(fh, "<Q")
        if etype in _SCALARS and not keep:  # skip fixed-size arrays in one seek
            fh.seek(struct.calcsize(_SCALARS[etype]) * count, 1)
            return None
        items = [_value(fh, etype, keep) for _ in range(count)]
        return items if keep else None
    raise ValueError(f"unknown GGUF value type {vtype}")


def read_metadata(path: Path, wanted: set[str] | None = None) -> dict[str, GgufScalar | str]:
    """Header key-values of ``path`` (only ``wanted`` ones, stopping once all are read;
    ``general.architecture`` is always kept). ModelError ``planner.model_corrupt`` for a file
    that is not a readable GGUF."""
    path = Path(path)
    out: dict[str, GgufScalar | str] = {}
    try:
        with path.open("rb") as fh:
            if fh.read(4) != b"GGUF":
                raise ValueError("not a GGUF file")
            version = _count(fh, "<I")
            if version < 2:
                raise ValueError(f"GGUF version {version} is too old")
            _read(fh, "<Q")  # tensors
            n_kv = _count(fh, "<Q")
            for _ in range(n_kv):
                key = _string(fh)
                vtype = _count(fh, "<I")
                keep = wanted is None or key in wanted or key == "general.architecture"
                value = _value(fh, vtype, keep and vtype != _ARRAY)
                if keep and isinstance(value, (int, float, str)):  # arrays are skipped (None)
                    out[key] = value
                if wanted is not None and wanted <= out.keys() and "general.architecture" in out:
                    break
    except (OSError, EOFError, ValueError, UnicodeError) as exc:
        reason = "truncated header" if isinstance(exc, EOFError) else str(exc)
        raise ModelError("planner.model_corrupt", file=path.name, reason=reason, id=path.stem) from exc
    return out


def read_layout(path: Path) -> GgufLayout:
    """Layer count, attention heads and head size of a GGUF's architecture."""
    arch_only = read_metadata(path, {"general.architecture"})
    arch = str(arch_only.get("general.architecture") or "llama")
    keys = {f"{arch}.{k}" for k in ("block_count", "attention.head_count", "attention.head_count_kv",
                                    "embedding_length", "attention.key_length", "context_length")}
    meta = read_metadata(path, keys)
    n_layers = int(meta.get(f"{arch}.block_count") or 0)
    n_heads = int(meta.get(f"{arch}.attention.head_count") or 0)
    if not n_layers or not n_heads:
        raise ModelError("planner.model_corrupt", file=Path(path).name, reason=f"no {arch}.block_count/head_count",
                         id=Path(path).stem)
    n_kv = int(meta.get(f"{arch}.attention.head_count_kv") or n_heads)
    head_dim = int(meta.get(f"{arch}.attention.key_length") or 0)
    if not head_dim:
        head_dim = int(meta.get(f"{arch}.embedding_length") or 0) // n_heads
    ctx = meta.get(f"{arch}.context_length")
    return GgufLayout(arch, n_layers, n_heads, n_kv, head_dim, int(ctx) if ctx else None)
