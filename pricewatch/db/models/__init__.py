"""Database schema, one module per area (``crawl``, ``clients``...) on one declarative base.

These ORM models are the single description of the schema. Alembic migrations under
``pricewatch/db/migrations/versions`` must create exactly this (a test compares them), so any
change here needs a new migration.

Conventions:

* money is never a float: integer minor units (``BigInteger``) plus an ISO 4217 code;
* every timestamp is a timezone-aware UTC ``datetime`` (see :class:`UTCDateTime`);
* enumerations are short strings guarded by CHECK constraints rather than database ENUM
  types, which keeps migrations trivial on both SQLite and PostgreSQL.
"""

from pricewatch.db.models.base import NAMING_CONVENTION, Base, BigIntPK, UTCDateTime
from pricewatch.db.models.clients import (
    CLIENT_LOCALES,
    MATCH_METHODS,
    MATCH_STATUSES,
    Client,
    ClientProduct,
    FxRate,
    ProductMatch,
    Report,
    ReportDelivery,
)
from pricewatch.db.models.crawl import (
    RUN_STATUSES,
    CrawlFailure,
    CrawlRun,
    Listing,
    PriceObservation,
    Shop,
)
from pricewatch.db.models.topics import CAPTURE_STATUSES, Topic, TopicCapture, TopicObservation

__all__ = [
    "CAPTURE_STATUSES",
    "CLIENT_LOCALES",
    "MATCH_METHODS",
    "MATCH_STATUSES",
    "NAMING_CONVENTION",
    "RUN_STATUSES",
    "Base",
    "BigIntPK",
    "Client",
    "ClientProduct",
    "CrawlFailure",
    "CrawlRun",
    "FxRate",
    "Listing",
    "PriceObservation",
    "ProductMatch",
    "Report",
    "ReportDelivery",
    "Shop",
    "Topic",
    "TopicCapture",
    "TopicObservation",
    "UTCDateTime",
]
