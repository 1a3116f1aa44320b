"""Storage layer: SQL schema (SQLite or PostgreSQL), Alembic migrations and the Store API.

Typical use::

    from pricewatch.db import Store

    store = Store.from_url()  # $PRICEWATCH_DB_URL or sqlite:///var/pricewatch.db
    run_id = store.start_run("acme")
    store.store_batch(run_id, items)
    store.finish_run(run_id, status="finished", stats=crawler.stats.get_stats())
"""

from __future__ import annotations

from pricewatch.db.engine import (
    current_revision,
    database_url,
    ensure_schema,
    head_revision,
    make_engine,
    upgrade,
)
from pricewatch.db.store import (
    BatchResult,
    CurrentPrice,
    FailureInfo,
    ListingInfo,
    ObservationRow,
    PriceChange,
    RunInfo,
    Store,
)

__all__ = [
    "BatchResult",
    "CurrentPrice",
    "FailureInfo",
    "ListingInfo",
    "ObservationRow",
    "PriceChange",
    "RunInfo",
    "Store",
    "current_revision",
    "database_url",
    "ensure_schema",
    "head_revision",
    "make_engine",
    "upgrade",
]
