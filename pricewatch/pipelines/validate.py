"""The one gate between scraped items and storage: items in, domain records out.

* A :class:`~pricewatch.items.ProductItem` whose extraction has a positive price and a
  currency becomes a :class:`~pricewatch.records.PriceRecord`; one without (``no_price``,
  ``blocked`` when the page was an anti-bot interstitial, ``no_currency``), or with values a
  record refuses (``invalid``), becomes a :class:`~pricewatch.records.FailureRecord` with the
  URL and the reason. A price of 0 or below is no price, never a stored 0.
* :class:`~pricewatch.items.ListingGone` becomes a :class:`~pricewatch.records.GoneRecord`,
  :class:`~pricewatch.items.CrawlFailure` a :class:`~pricewatch.records.FailureRecord`.
* A topic source's :class:`~pricewatch.topics.capture.TopicCapture` becomes a
  :class:`~pricewatch.records.TopicCaptureRecord` (see
  :func:`~pricewatch.topics.capture.to_topic_record`).
* Anything else is passed on unchanged for later pipelines (the store pipeline refuses it).

Nothing after this pipeline decides validity again: the store asserts it is handed records and
the database's CHECK constraints only back that up.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from pricewatch.items import CrawlFailure, ListingGone, ProductItem
from pricewatch.records import FailureRecord, GoneRecord, PriceRecord
from pricewatch.topics.capture import TopicCapture, to_topic_record


def to_record(item: ProductItem) -> PriceRecord | FailureRecord:
    """The record a product item stands for: a price, or a failure with its reason."""
    ex = item.extraction
    if ex.price is None or ex.price <= 0:
        reason = "blocked" if ex.blocked else "no_price"
        return FailureRecord(item.shop, ex.url, reason, ex.error or "no price found on the page")
    if not ex.currency:
        return FailureRecord(
            item.shop, ex.url, "no_currency", ex.error or "the price has no currency"
        )
    if ex.error:
        return FailureRecord(item.shop, ex.url, "invalid", ex.error)
    try:
        return PriceRecord(
            shop=item.shop,
            url=ex.url,
            price=ex.price,
            currency=ex.currency.upper(),
            fetched_at=item.fetched_at,
            list_price=ex.list_price,
            availability=ex.availability,
            title=ex.title,
            sku=ex.sku,
            gtin=ex.gtin,
            mpn=ex.mpn,
            brand=ex.brand,
            image=ex.image,
            extracted_by=ex.extracted_by,
            confidence=ex.confidence,
        )
    except ValueError as exc:
        return FailureRecord(item.shop, ex.url, "invalid", str(exc))


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ProductItem):
            record = to_record(item)
            if isinstance(record, PriceRecord):
                self.stats.inc_value(f"pricewatch/extracted_by/{record.extracted_by}")
            else:
                self.stats.inc_value(f"pricewatch/failures/{record.reason}")
            return record
        if isinstance(item, ListingGone):
            return GoneRecord(item.shop, item.url, item.http_status, item.fetched_at)
        if isinstance(item, CrawlFailure):
            return FailureRecord(item.shop, item.url, item.reason, item.detail, item.fetched_at)
        if isinstance(item, TopicCapture):
            return to_topic_record(item)
        return item
