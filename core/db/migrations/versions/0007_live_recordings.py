"""live video: recordings in media_files (source, status, frames, offset; one row per content)
and resumable chunked uploads (media_uploads)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("media_files") as batch:
        batch.add_column(sa.Column("source", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("frames", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("offset_s", sa.Float(), nullable=True))
        batch.create_unique_constraint("uq_media_files_interview_sha256", ["interview_id", "sha256"])
    op.create_table(
        "media_uploads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("offset_s", sa.Float(), nullable=True),
        sa.Column("media_file_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["interview_id"], ["interviews.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["media_file_id"], ["media_files.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("interview_id", "sha256", name="uq_media_uploads_interview_sha256"),
    )
    op.create_index("ix_media_uploads_interview_id", "media_uploads", ["interview_id"])


def downgrade() -> None:
    op.drop_index("ix_media_uploads_interview_id", table_name="media_uploads")
    op.drop_table("media_uploads")
    with op.batch_alter_table("media_files") as batch:
        batch.drop_constraint("uq_media_files_interview_sha256", type_="unique")
        batch.drop_column("offset_s")
        batch.drop_column("frames")
        batch.drop_column("status")
        batch.drop_column("source")
