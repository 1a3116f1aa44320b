"""Turn items that cannot be stored into recorded failures.

A product page without a price (or without a currency) is never stored as a price: it becomes
a :class:`~pricewatch.items.CrawlFailure` with the URL and the reason, which the store pipeline
records on the crawl run. A price of 0 or below is no price.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from pricewatch.items import CrawlFailure, ProductItem


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ProductItem):
            return item
        reason = None
        if item.price is None or item.price <= 0:
            reason, detail = "no_price", item.error or "no price found on the page"
        elif not item.currency:
            reason, detail = "no_currency", item.error or "the price has no currency"
        if reason is None:
            self.stats.inc_value(f"pricewatch/extracted_by/{item.extracted_by}")
            return item
        self.stats.inc_value(f"pricewatch/failures/{reason}")
        return CrawlFailure(url=item.url, shop=item.shop, reason=reason, detail=detail)
