"""Scrapy items: what spiders yield, before the validate pipeline turns them into records.

Scrapy accepts dataclass items (through itemadapter), so pipelines and tests work with plain,
typed objects. A product page's item is its :class:`~pricewatch.extract.Extraction` (what the
page says, the same value ``pricewatch extract`` prints) plus crawl metadata. Items stay at the
crawl's edge: :mod:`pricewatch.pipelines.validate` converts them into
:mod:`pricewatch.records`, the only thing storage takes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pricewatch.extract.page import Extraction
from pricewatch.records import utcnow


@dataclass
class ProductItem:
    """One competitor product page as seen at ``fetched_at``.

    ``extraction.error`` is set when the page gave nothing storable; the validate pipeline
    records such items as failures, so a stored observation always has a positive price and a
    currency. Shops adjust items in ``post_process_item`` through ``item.extraction``.
    """

    extraction: Extraction
    shop: str
    fetched_at: datetime = field(default_factory=utcnow)
    http_status: int = 200

    @property
    def url(self) -> str:
        return self.extraction.url


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
