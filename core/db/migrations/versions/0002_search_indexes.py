"""search indexes: transcript timeline lookups; on PostgreSQL, HNSW cosine indexes on embeddings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:30:00
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

VECTOR_TABLES = ("resumes", "companies", "questions", "answer_bank")


def upgrade() -> None:
    op.create_index("ix_transcripts_interview_start", "transcripts", ["interview_id", "start_s"])
    if op.get_bind().dialect.name == "postgresql":
        # Cosine distance (<=>) is what retrieval uses; HNSW needs no training data, unlike IVFFlat.
        for table in VECTOR_TABLES:
            op.execute(f"CREATE INDEX IF NOT EXISTS ix_{table}_embedding_hnsw ON {table} "
                       f"USING hnsw (embedding vector_cosine_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in VECTOR_TABLES:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_embedding_hnsw")
    op.drop_index("ix_transcripts_interview_start", table_name="transcripts")
