"""Domain records: what the storage layer takes in, independent of Scrapy.

Spiders yield Scrapy items (:mod:`pricewatch.items`); the validate pipeline is the one gate that
turns them into these records, and :class:`pricewatch.db.Store` accepts nothing else. A record
that exists is valid: its constructor checks what storage relies on (a positive price, an
ISO 4217 currency, aware timestamps), so a bug that slips past the gate fails loudly where the
bad value is made instead of as a silent skip in a batch. Later producers (trending-topic
captures, client catalogue rows) get records of their own here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from pricewatch.money import ISO_CURRENCIES

Availability = Literal["in_stock", "out_of_stock", "preorder", "unknown"]
AVAILABILITY_VALUES: tuple[Availability, ...] = ("in_stock", "out_of_stock", "preorder", "unknown")


def utcnow() -> datetime:
    """Timezone-aware current UTC time (storage never holds naive datetimes)."""
    return datetime.now(UTC)


def _check_aware(value: datetime, what: str) -> None:
    if value.utcoffset() is None:
        raise ValueError(f"naive datetime in {what}: must be aware UTC")


@dataclass(frozen=True, slots=True)
class PriceRecord:
    """A competitor listing seen with a price at ``fetched_at``."""

    shop: str
    url: str
    price: Decimal
    currency: str
    fetched_at: datetime
    list_price: Decimal | None = None
    availability: Availability = "unknown"
    title: str | None = None
    sku: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    brand: str | None = None
    image: str | None = None
    extracted_by: str | None = None
    confidence: str | None = None

    def __post_init__(self) -> None:
        where = f"price record of {self.url}"
        if not isinstance(self.price, Decimal) or not self.price.is_finite() or self.price <= 0:
            raise ValueError(f"{where}: price must be a positive Decimal, got {self.price!r}")
        if self.list_price is not None and (
            not isinstance(self.list_price, Decimal) or not self.list_price.is_finite()
        ):
            raise ValueError(f"{where}: list_price must be a finite Decimal or None")
        if isinstance(self.currency, str) and not self.currency.isupper():
            object.__setattr__(self, "currency", self.currency.upper())  # frozen: normalise once
        if self.currency not in ISO_CURRENCIES:
            raise ValueError(f"{where}: currency must be an ISO 4217 code, got {self.currency!r}")
        if self.availability not in AVAILABILITY_VALUES:
            raise ValueError(f"{where}: unknown availability {self.availability!r}")
        _check_aware(self.fetched_at, f"fetched_at of {self.url}")


@dataclass(frozen=True, slots=True)
class GoneRecord:
    """A tracked listing's page answered 404/410 at ``fetched_at``: the product left the shop."""

    shop: str
    url: str
    http_status: int
    fetched_at: datetime = field(default_factory=utcnow)

    def __post_init__(self) -> None:
        _check_aware(self.fetched_at, f"fetched_at of {self.url}")


@dataclass(frozen=True, slots=True)
class FailureRecord:
    """A page that gave nothing storable, with a short reason code (``no_price``, ``timeout``…)."""

    shop: str
    url: str
    reason: str
    detail: str | None = None
    at: datetime = field(default_factory=utcnow)


#: What :meth:`pricewatch.db.Store.store_batch` accepts.
ListingRecord = PriceRecord | GoneRecord


# ---------------------------------------------------------------------- trending topics


@dataclass(frozen=True, slots=True)
class TopicEntryRecord:
    """One entry of a topic capture: ``key`` is the normalised title that identifies the topic
    within its source; ``rank`` is ``None`` exactly for pinned items and ads."""

    key: str
    title: str
    rank: int | None
    heat: int | None = None
    url: str | None = None
    labels: tuple[str, ...] = ()
    pinned: bool = False
    ad: bool = False
    raw: object = None

    def __post_init__(self) -> None:
        if not self.key or not self.title:
            raise ValueError("topic entry: empty title")
        if (self.rank is None) != (self.pinned or self.ad):
            raise ValueError(f"topic entry {self.title!r}: only pinned items and ads lack a rank")
        if self.rank is not None and self.rank < 1:
            raise ValueError(f"topic entry {self.title!r}: rank must be >= 1, got {self.rank}")
        if self.heat is not None and self.heat < 0:
            raise ValueError(f"topic entry {self.title!r}: negative heat {self.heat}")


@dataclass(frozen=True, slots=True)
class TopicCaptureRecord:
    """A source's hot list at ``captured_at``: ranked entries 1..n (plus flagged pinned items
    and ads), or a failure ``reason`` with no entries at all."""

    source: str
    url: str
    captured_at: datetime
    entries: tuple[TopicEntryRecord, ...] = ()
    reason: str | None = None
    detail: str | None = None

    def __post_init__(self) -> None:
        _check_aware(self.captured_at, f"captured_at of {self.source}")
        if self.reason is not None and self.entries:
            raise ValueError(f"failed capture of {self.source} must not carry entries")
        if self.reason is None:
            ranks = sorted(e.rank for e in self.entries if e.rank is not None)
            if ranks != list(range(1, len(ranks) + 1)):
                raise ValueError(f"capture of {self.source}: ranks must be 1..n, got {ranks}")
            keys = [e.key for e in self.entries]
            if len(set(keys)) != len(keys):
                raise ValueError(f"capture of {self.source}: a topic appears twice")
            if not ranks:
                raise ValueError(f"capture of {self.source}: no ranked entry (an empty list)")

    @property
    def failed(self) -> bool:
        return self.reason is not None
