"""Items that spiders yield and pipelines store.

Scrapy accepts dataclass items (through itemadapter), so pipelines and tests work with plain,
typed objects. Money is ``Decimal`` plus an ISO 4217 code here; the database layer turns it
into integer minor units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

Availability = Literal["in_stock", "out_of_stock", "preorder", "unknown"]
AVAILABILITY_VALUES: tuple[Availability, ...] = ("in_stock", "out_of_stock", "preorder", "unknown")


def utcnow() -> datetime:
    """Timezone-aware current UTC time (storage never holds naive datetimes)."""
    return datetime.now(UTC)


@dataclass
class ProductItem:
    """One competitor product page as seen at ``fetched_at``.

    ``price`` is ``None`` only on items that pipelines turn into recorded failures: a stored
    observation always has a positive price and a currency.
    """

    url: str
    shop: str
    title: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    list_price: Decimal | None = None
    availability: Availability = "unknown"
    sku: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    brand: str | None = None
    image: str | None = None
    #: Which source won: json-ld, microdata, rdfa, opengraph, meta, shopify, woocommerce,
    #: selectors or heuristic.
    extracted_by: str | None = None
    #: "high" for structured data / platform APIs / shop selectors, "low" for the heuristic.
    confidence: str = "high"
    #: The offer chosen when the page has several (variant id, SKU or "lowest of N").
    offer_note: str | None = None
    offers_count: int = 0
    fetched_at: datetime = field(default_factory=utcnow)
    http_status: int = 200
    #: Why nothing could be extracted (set together with ``price=None``).
    error: str | None = None


@dataclass
class ListingGone:
    """A listing answered 404/410: pipelines mark it gone instead of storing a price."""

    url: str
    shop: str
    http_status: int
    fetched_at: datetime = field(default_factory=utcnow)


@dataclass
class CrawlFailure:
    """A page that yielded nothing storable: recorded on the crawl run with its reason.

    ``reason`` is a short code (``no_price``, ``no_currency``, ``http_500``, ``timeout``,
    ``dns``, ``robots``, ``redirect_loop``, ``too_large``, ``render_failed``, ...).
    """

    url: str
    shop: str
    reason: str
    detail: str = ""
    fetched_at: datetime = field(default_factory=utcnow)
