"""opaque ids in URLs: resumes.public_id and media_files.public_id (random uuids; the integer
keys stay internal). Existing rows get one each.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 23:10:00
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TABLES = ("resumes", "media_files")


def upgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("public_id", sa.String(length=36), nullable=True))
        t = sa.table(table, sa.column("id", sa.Integer), sa.column("public_id", sa.String))
        ids = [row[0] for row in bind.execute(sa.select(t.c.id).where(t.c.public_id.is_(None)))]
        for row_id in ids:  # each its own random id (no database function both stores have)
            bind.execute(t.update().where(t.c.id == row_id).values(public_id=str(uuid.uuid4())))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("public_id", existing_type=sa.String(length=36), nullable=False)
            batch.create_unique_constraint(f"uq_{table}_public_id", ["public_id"])


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_public_id", type_="unique")
            batch.drop_column("public_id")
