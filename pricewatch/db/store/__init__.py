"""The storage API: one :class:`Store` facade over modules of one concern each.

=====================  ===================================================================
module                 holds
=====================  ===================================================================
``_base``              the engine, read/write sessions, the schema check on first use
``runs``               crawl runs: start, heartbeat, finish, reap dead ones, failures
``observations``       the batch writer: records into run-length price series, set-wise
``queries``            current prices, changes, history, gone listings, failures
``reports``            one client's report data, set-wise; reports and deliveries recorded
``results``            the plain dataclasses the methods return
=====================  ===================================================================

:class:`Store` is what pipelines, the CLI and reports use; nothing else writes to the
database. It takes domain records (:mod:`pricewatch.records`), never Scrapy items.
"""

from __future__ import annotations

from pricewatch.db.store.alerts import AlertStore, MatchedProduct
from pricewatch.db.store.clients import ClientStore
from pricewatch.db.store.observations import BatchStore, is_suspect
from pricewatch.db.store.queries import QueryStore
from pricewatch.db.store.reports import ReportStore
from pricewatch.db.store.results import (
    BatchResult,
    CurrentPrice,
    FailureInfo,
    ListingInfo,
    ObservationRow,
    PriceChange,
    RunInfo,
)
from pricewatch.db.store.runs import AliveCheck, RunStore, json_safe
from pricewatch.db.store.topics import TopicStore


class Store(RunStore, BatchStore, QueryStore, ReportStore, ClientStore, TopicStore, AlertStore):
    """Storage for crawl runs and price series on top of a SQLAlchemy engine.

    Each public method is one short transaction, so a store may be shared between threads
    and a crawl killed at any moment leaves every completed call committed. The schema is
    migrated to the current revision on first use.
    """


__all__ = [
    "AliveCheck",
    "BatchResult",
    "CurrentPrice",
    "FailureInfo",
    "ListingInfo",
    "MatchedProduct",
    "ObservationRow",
    "PriceChange",
    "RunInfo",
    "Store",
    "is_suspect",
    "json_safe",
]
