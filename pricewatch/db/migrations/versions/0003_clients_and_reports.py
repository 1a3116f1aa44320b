"""Clients, their catalogues and matches to competitor listings, exchange rates, reports and
their deliveries (see pricewatch/db/models/clients.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 14:39:12.240019
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("locale", sa.String(length=16), server_default=sa.text("'en'"), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "timezone", sa.String(length=64), server_default=sa.text("'UTC'"), nullable=False
        ),
        sa.Column(
            "undercut_threshold_bp", sa.Integer(), server_default=sa.text("500"), nullable=False
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint("locale IN ('zh-CN', 'en')", name=op.f("ck_client_locale")),
        sa.CheckConstraint("undercut_threshold_bp >= 0", name=op.f("ck_client_undercut_threshold")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client")),
        sa.UniqueConstraint("slug", name=op.f("uq_client_slug")),
    )
    op.create_table(
        "fx_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("quote", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fx_rate")),
        sa.UniqueConstraint("base", "quote", name=op.f("uq_fx_rate_base_quote")),
    )
    op.create_table(
        "client_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("price_minor", sa.BigInteger(), nullable=True),
        sa.Column("cost_minor", sa.BigInteger(), nullable=True),
        sa.Column("min_price_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gtin", sa.String(length=32), nullable=True),
        sa.Column("mpn", sa.String(length=255), nullable=True),
        sa.Column("brand", sa.String(length=255), nullable=True),
        sa.Column("keywords", sa.JSON(), nullable=True),
        sa.Column("competitor_urls", sa.JSON(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint(
            "price_minor IS NULL OR price_minor > 0", name=op.f("ck_client_product_price_positive")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_client_product_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_product")),
        sa.UniqueConstraint("client_id", "sku", name=op.f("uq_client_product_client_id_sku")),
    )
    with op.batch_alter_table("client_product", schema=None) as batch_op:
        batch_op.create_index("ix_client_product_gtin", ["gtin"], unique=False)

    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column(
            "status", sa.String(length=16), server_default=sa.text("'written'"), nullable=False
        ),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('written', 'sent', 'send_failed')", name=op.f("ck_report_status")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_report_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index("ix_report_client_id", ["client_id", "id"], unique=False)

    op.create_table(
        "product_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_product_id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "method IN ('url', 'gtin', 'mpn', 'fuzzy', 'manual')",
            name=op.f("ck_product_match_method"),
        ),
        sa.CheckConstraint(
            "status IN ('suggested', 'confirmed', 'rejected')", name=op.f("ck_product_match_status")
        ),
        sa.ForeignKeyConstraint(
            ["client_product_id"],
            ["client_product.id"],
            name=op.f("fk_product_match_client_product_id_client_product"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
            name=op.f("fk_product_match_listing_id_listing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_match")),
        sa.UniqueConstraint(
            "client_product_id",
            "listing_id",
            name=op.f("uq_product_match_client_product_id_listing_id"),
        ),
    )
    with op.batch_alter_table("product_match", schema=None) as batch_op:
        batch_op.create_index("ix_product_match_listing_id", ["listing_id"], unique=False)

    op.create_table(
        "report_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempt", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('sent', 'failed')", name=op.f("ck_report_delivery_status")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_delivery_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_delivery")),
    )
    with op.batch_alter_table("report_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_delivery_report_id"), ["report_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_delivery_report_id"))

    op.drop_table("report_delivery")
    with op.batch_alter_table("product_match", schema=None) as batch_op:
        batch_op.drop_index("ix_product_match_listing_id")

    op.drop_table("product_match")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index("ix_report_client_id")

    op.drop_table("report")
    with op.batch_alter_table("client_product", schema=None) as batch_op:
        batch_op.drop_index("ix_client_product_gtin")

    op.drop_table("client_product")
    op.drop_table("fx_rate")
    op.drop_table("client")
