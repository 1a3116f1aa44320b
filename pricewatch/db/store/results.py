"""What the store's methods return: plain, frozen dataclasses (money as ``Decimal``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pricewatch.db.models import CrawlRun, Listing


@dataclass(slots=True)
class BatchResult:
    """What :meth:`Store.store_batch` did with a batch."""

    new_observations: int = 0
    unchanged: int = 0
    new_listings: int = 0
    #: Listings newly marked gone (404/410).
    gone: int = 0
    #: New observations flagged suspect (counted in ``new_observations`` too).
    suspect: int = 0


@dataclass(frozen=True, slots=True)
class CurrentPrice:
    """The latest observation of a listing that is not gone (``Store.current_prices``)."""

    listing_id: int
    shop: str
    url: str
    title: str | None
    sku: str | None
    price: Decimal
    list_price: Decimal | None
    currency: str
    availability: str
    #: When the listing started showing this price/availability.
    since: datetime
    last_seen: datetime
    suspect: bool


@dataclass(frozen=True, slots=True)
class PriceChange:
    """An observation that replaced an earlier one (``Store.changes_since``)."""

    listing_id: int
    shop: str
    url: str
    title: str | None
    sku: str | None
    old_price: Decimal
    old_currency: str
    old_availability: str
    new_price: Decimal
    currency: str
    new_availability: str
    #: When the new observation was first seen.
    at: datetime
    #: (new - old) / old * 100, rounded to 0.01; ``None`` if the currency changed or old is 0.
    percent: Decimal | None
    suspect: bool


@dataclass(frozen=True, slots=True)
class ListingInfo:
    """A listing as returned by ``Store.history``."""

    id: int
    shop: str
    url: str
    title: str | None
    sku: str | None
    gtin: str | None
    mpn: str | None
    brand: str | None
    image: str | None
    first_seen: datetime
    last_seen: datetime
    gone_at: datetime | None


@dataclass(frozen=True, slots=True)
class ObservationRow:
    """One run-length row of a listing's history (``Store.history``)."""

    price: Decimal
    list_price: Decimal | None
    currency: str
    availability: str
    first_seen: datetime
    last_seen: datetime
    suspect: bool
    run_id: int | None
    extracted_by: str | None
    confidence: str | None


@dataclass(frozen=True, slots=True)
class RunInfo:
    """A crawl run (``Store.runs``, ``Store.run``, ``Store.finish_run``)."""

    id: int
    spider: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_s: float | None
    items_scraped: int
    observations_new: int
    observations_unchanged: int
    failures: int
    failures_by_reason: dict[str, int]
    error: str | None
    pid: int | None
    hostname: str | None
    stats: dict[str, Any] | None
    #: For launched crawls: the process's exit status and its log file.
    exit_code: int | None = None
    log_file: str | None = None


@dataclass(frozen=True, slots=True)
class FailureInfo:
    """A recorded crawl failure (``Store.failures``)."""

    id: int
    run_id: int
    url: str
    reason: str
    detail: str | None
    at: datetime


def run_info(run: CrawlRun) -> RunInfo:
    return RunInfo(
        id=run.id,
        spider=run.spider,
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_s=run.duration_s,
        items_scraped=run.items_scraped,
        observations_new=run.observations_new,
        observations_unchanged=run.observations_unchanged,
        failures=run.failures,
        failures_by_reason=dict(run.failures_by_reason or {}),
        error=run.error,
        pid=run.pid,
        hostname=run.hostname,
        stats=run.stats,
        exit_code=run.exit_code,
        log_file=run.log_file,
    )


def listing_info(listing: Listing, shop_slug: str) -> ListingInfo:
    return ListingInfo(
        id=listing.id,
        shop=shop_slug,
        url=listing.url,
        title=listing.title,
        sku=listing.sku,
        gtin=listing.gtin,
        mpn=listing.mpn,
        brand=listing.brand,
        image=listing.image,
        first_seen=listing.first_seen,
        last_seen=listing.last_seen,
        gone_at=listing.gone_at,
    )
