"""A stored price is positive; crawl runs record a launched process's exit code and log file.

* ``price_observation``: ``CHECK (price_minor >= 0)`` becomes ``CHECK (price_minor > 0)`` — a
  0 price is no price (the validate pipeline records such pages as failures). Rows at 0, which
  no pricewatch version stored, are deleted first so the constraint can hold.
* ``crawl_run``: ``exit_code`` and ``log_file`` (set by the launcher), and the status
  ``timed_out``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

OLD_STATUSES = "status IN ('running', 'finished', 'interrupted', 'failed', 'killed')"
NEW_STATUSES = "status IN ('running', 'finished', 'interrupted', 'failed', 'killed', 'timed_out')"


def upgrade() -> None:
    deleted = op.get_bind().execute(sa.text("DELETE FROM price_observation WHERE price_minor <= 0"))
    if deleted.rowcount:
        log.warning("deleted %d price observations with a price of 0", deleted.rowcount)
    with op.batch_alter_table("price_observation") as batch:
        batch.drop_constraint(op.f("ck_price_observation_price_not_negative"), type_="check")
        batch.create_check_constraint(
            op.f("ck_price_observation_price_positive"), sa.text("price_minor > 0")
        )
    with op.batch_alter_table("crawl_run") as batch:
        batch.add_column(sa.Column("exit_code", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("log_file", sa.Text(), nullable=True))
        batch.drop_constraint(op.f("ck_crawl_run_status"), type_="check")
        batch.create_check_constraint(op.f("ck_crawl_run_status"), sa.text(NEW_STATUSES))


def downgrade() -> None:
    op.execute("UPDATE crawl_run SET status = 'failed' WHERE status = 'timed_out'")
    with op.batch_alter_table("crawl_run") as batch:
        batch.drop_constraint(op.f("ck_crawl_run_status"), type_="check")
        batch.create_check_constraint(op.f("ck_crawl_run_status"), sa.text(OLD_STATUSES))
        batch.drop_column("log_file")
        batch.drop_column("exit_code")
    with op.batch_alter_table("price_observation") as batch:
        batch.drop_constraint(op.f("ck_price_observation_price_positive"), type_="check")
        batch.create_check_constraint(
            op.f("ck_price_observation_price_not_negative"), sa.text("price_minor >= 0")
        )
