"""login_failures (the login rate limit shared by every server process) and
server_evaluations (answers re-scored by the server's evaluator, beside the desktop's score)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])
    op.create_table(
        "server_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("detail_index", sa.Integer(), nullable=False),
        sa.Column("evaluator", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("criteria", _JSON, nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)",
                           name="ck_server_evaluations_score_range"),
        sa.ForeignKeyConstraint(["interview_id"], ["interviews.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("interview_id", "detail_index", "evaluator",
                            name="uq_server_evaluation_answer_evaluator"),
    )
    op.create_index("ix_server_evaluations_interview_id", "server_evaluations", ["interview_id"])


def downgrade() -> None:
    op.drop_index("ix_server_evaluations_interview_id", table_name="server_evaluations")
    op.drop_table("server_evaluations")
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")
