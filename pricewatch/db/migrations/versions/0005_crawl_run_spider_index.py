"""An index on crawl_run (spider, id): one spider's runs without scanning every run (health
checks, alert baselines, ``pricewatch runs --shop``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 17:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_run", schema=None) as batch_op:
        batch_op.create_index("ix_crawl_run_spider_id", ["spider", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crawl_run", schema=None) as batch_op:
        batch_op.drop_index("ix_crawl_run_spider_id")
