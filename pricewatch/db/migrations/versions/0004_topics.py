"""Trending topics: topic_capture, topic and the run-length topic_observation series (see
pricewatch/db/models/topics.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 14:48:20.214770
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("peak_rank", sa.Integer(), nullable=True),
        sa.Column("peak_heat", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic")),
        sa.UniqueConstraint("source", "key", name=op.f("uq_topic_source_key")),
    )
    op.create_table(
        "topic_capture",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('ok', 'small', 'failed')", name=op.f("ck_topic_capture_status")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["crawl_run.id"],
            name=op.f("fk_topic_capture_run_id_crawl_run"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_capture")),
    )
    with op.batch_alter_table("topic_capture", schema=None) as batch_op:
        batch_op.create_index("ix_topic_capture_source", ["source", "id"], unique=False)

    op.create_table(
        "topic_observation",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("capture_from_id", sa.Integer(), nullable=False),
        sa.Column("capture_to_id", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("heat", sa.BigInteger(), nullable=True),
        sa.Column("pinned", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("ad", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "rank IS NULL OR rank > 0", name=op.f("ck_topic_observation_rank_positive")
        ),
        sa.ForeignKeyConstraint(
            ["capture_from_id"],
            ["topic_capture.id"],
            name=op.f("fk_topic_observation_capture_from_id_topic_capture"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["capture_to_id"],
            ["topic_capture.id"],
            name=op.f("fk_topic_observation_capture_to_id_topic_capture"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
            name=op.f("fk_topic_observation_topic_id_topic"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_observation")),
    )
    with op.batch_alter_table("topic_observation", schema=None) as batch_op:
        batch_op.create_index("ix_topic_observation_capture_to_id", ["capture_to_id"], unique=False)
        batch_op.create_index("ix_topic_observation_topic_id", ["topic_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("topic_observation", schema=None) as batch_op:
        batch_op.drop_index("ix_topic_observation_topic_id")
        batch_op.drop_index("ix_topic_observation_capture_to_id")

    op.drop_table("topic_observation")
    with op.batch_alter_table("topic_capture", schema=None) as batch_op:
        batch_op.drop_index("ix_topic_capture_source")

    op.drop_table("topic_capture")
    op.drop_table("topic")
