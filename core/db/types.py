"""Column types that work on SQLite and PostgreSQL.

- :class:`Embedding`: pgvector ``vector(n)`` on PostgreSQL; a little-endian float32 blob on
  SQLite. ``n`` is resolved when DDL is compiled, from the configured embedding model
  (:func:`core.catalog.embedding_dim`), so the width is stated in exactly one place: the
  model catalog.
- :data:`JSONDoc`: JSONB on PostgreSQL, JSON (text) on SQLite.
"""

from __future__ import annotations

import struct
from typing import Any, Sequence

from sqlalchemy import JSON, LargeBinary
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

from core.catalog import embedding_dim

JSONDoc = JSON().with_variant(JSONB(), "postgresql")


class Embedding(TypeDecorator):
    """A float vector. Accepts any sequence of floats; returns ``list[float]``."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim or embedding_dim()

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "postgresql":
            from pgvector.sqlalchemy import Vector

            return dialect.type_descriptor(Vector(self.dim))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: Sequence[float] | None, dialect: Any) -> Any:
        if value is None:
            return None
        values = [float(v) for v in value]
        if dialect.name == "postgresql":
            import numpy as np

            return np.asarray(values, dtype=np.float32)
        return struct.pack(f"<{len(values)}f", *values)

    def process_result_value(self, value: Any, dialect: Any) -> list[float] | None:
        if value is None:
            return None
        if dialect.name == "postgresql":
            return [float(v) for v in value]
        n = len(value) // 4
        return list(struct.unpack(f"<{n}f", value))

    @property
    def comparator_factory(self) -> Any:  # type: ignore[override]  # expose pgvector's <=>, <-> on PostgreSQL columns
        from pgvector.sqlalchemy import Vector

        return Vector.comparator_factory
