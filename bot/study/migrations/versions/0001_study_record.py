"""The study record: practised items (content-keyed) and members' answers.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "study_items",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("stem", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("source_title", sa.String(200), nullable=False),
        sa.Column("source_chapter", sa.String(200), nullable=False),
        sa.Column("source_article", sa.String(40), nullable=False),
        sa.Column("source_quote", sa.Text(), nullable=False),
        sa.Column("difficulty", sa.String(4), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_study_items_source_title", "study_items", ["source_title"])
    op.create_table(
        "study_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("member", sa.String(100), nullable=False),
        sa.Column("item_key", sa.String(40), sa.ForeignKey("study_items.key"), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
    )
    op.create_index("ix_study_attempts_item_key", "study_attempts", ["item_key"])
    op.create_index("ix_study_attempts_member_time", "study_attempts", ["member", "answered_at"])


def downgrade() -> None:
    op.drop_index("ix_study_attempts_member_time", table_name="study_attempts")
    op.drop_index("ix_study_attempts_item_key", table_name="study_attempts")
    op.drop_table("study_attempts")
    op.drop_index("ix_study_items_source_title", table_name="study_items")
    op.drop_table("study_items")
