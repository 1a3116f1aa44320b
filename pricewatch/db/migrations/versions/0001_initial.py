"""Initial schema: shop, listing, price_observation, crawl_run, crawl_failure.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations spell types out instead of importing the models, which keep changing after this
# revision is written. UTCDateTime (a Python-side TypeDecorator) is DateTime(timezone=True).
TIMESTAMP = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "shop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=True),
        sa.Column("default_currency", sa.String(length=3), nullable=True),
        sa.Column("render", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop")),
        sa.UniqueConstraint("slug", name=op.f("uq_shop_slug")),
    )
    op.create_table(
        "crawl_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("spider", sa.String(length=100), nullable=False),
        sa.Column("started_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column(
            "status", sa.String(length=16), server_default=sa.text("'running'"), nullable=False
        ),
        sa.Column("items_scraped", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("observations_new", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "observations_unchanged", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("failures_by_reason", sa.JSON(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("hostname", sa.String(length=255), nullable=True),
        sa.Column("heartbeat_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'interrupted', 'failed', 'killed')",
            name=op.f("ck_crawl_run_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_run")),
    )
    op.create_table(
        "crawl_failure",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["crawl_run.id"],
            name=op.f("fk_crawl_failure_run_id_crawl_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_failure")),
    )
    op.create_index(op.f("ix_crawl_failure_run_id"), "crawl_failure", ["run_id"])
    op.create_table(
        "listing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("sku", sa.String(length=255), nullable=True),
        sa.Column("gtin", sa.String(length=32), nullable=True),
        sa.Column("mpn", sa.String(length=255), nullable=True),
        sa.Column("brand", sa.String(length=255), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("image", sa.Text(), nullable=True),
        sa.Column("first_seen", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("last_seen", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("gone_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_listing_shop_id_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing")),
        sa.UniqueConstraint("shop_id", "url", name=op.f("uq_listing_shop_id_url")),
    )
    op.create_index("ix_listing_sku", "listing", ["sku"])
    op.create_index("ix_listing_url", "listing", ["url"])
    op.create_table(
        "price_observation",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("list_price_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "availability",
            sa.String(length=16),
            server_default=sa.text("'unknown'"),
            nullable=False,
        ),
        sa.Column("first_seen", TIMESTAMP, nullable=False),
        sa.Column("last_seen", TIMESTAMP, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("suspect", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("extracted_by", sa.String(length=32), nullable=True),
        sa.Column("confidence", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "availability IN ('in_stock', 'out_of_stock', 'preorder', 'unknown')",
            name=op.f("ck_price_observation_availability"),
        ),
        sa.CheckConstraint(
            "price_minor >= 0", name=op.f("ck_price_observation_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_price_observation_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["crawl_run.id"],
            name=op.f("fk_price_observation_run_id_crawl_run"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_observation")),
    )
    op.create_index("ix_price_observation_first_seen", "price_observation", ["first_seen"])
    op.create_index("ix_price_observation_listing_id", "price_observation", ["listing_id", "id"])


def downgrade() -> None:
    op.drop_table("price_observation")
    op.drop_table("listing")
    op.drop_table("crawl_failure")
    op.drop_table("crawl_run")
    op.drop_table("shop")
