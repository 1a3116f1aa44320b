"""``CatalogueSpider``: platform bases that read a shop's whole catalogue from an API.

Such a crawl sees every product the shop lists, so a tracked listing that a *complete*
catalogue no longer lists has left the shop: it is marked gone (a :class:`ListingGone` per
listing) without fetching its page. Completeness is the subclass's to decide (every page of the
listing fetched and read); an incomplete catalogue marks nothing gone.

The tracked listings come from the store pipeline when the run opens (as for revisits); the
crawl's first request waits for them, at most :data:`KNOWN_LISTINGS_WAIT` seconds. A crawl
without the store pipeline knows no listings and marks nothing gone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pricewatch.items import ListingGone
from pricewatch.platforms.base import ProductSpider

#: How long the catalogue waits for the store to load the tracked listings (seconds).
KNOWN_LISTINGS_WAIT = 60.0


class CatalogueSpider(ProductSpider):
    abstract: ClassVar[bool] = True
    # The catalogue API lists every product; product pages are not fetched one by one.
    revisit_known: ClassVar[bool] = False
    lists_products_in_pages: ClassVar[bool] = False

    def wants_known_listings(self) -> bool:
        """The tracked listings are needed to tell which ones the catalogue no longer lists."""
        return not self.product_urls and self.lists_whole_catalogue()

    def lists_whole_catalogue(self) -> bool:
        """Whether this crawl lists every product of the shop (not a collection of it)."""
        return True

    def revisit_known_listings(self) -> None:
        """Nothing to revisit: a complete catalogue already says what is gone."""

    async def start(self) -> AsyncIterator[Any]:
        waited = 0.0
        while self._known_pending and waited < KNOWN_LISTINGS_WAIT:
            await asyncio.sleep(0.02)
            waited += 0.02
        for request in self.start_requests_list():
            yield request

    def gone_from_catalogue(self, base: str, listed: Iterable[str], status: int) -> Iterator[Any]:
        """Tracked listings on ``base``'s host that the complete catalogue did not list."""
        if self._known is None or not self.lists_whole_catalogue():
            return
        host = urlsplit(base).netloc
        seen = set(listed)
        gone = [
            url
            for url in dict.fromkeys(self.rebase(k) for k in self._known)
            if urlsplit(url).netloc == host and url not in seen
        ]
        if gone:
            self.logger.info("%d tracked listings left the catalogue: gone", len(gone))
            if getattr(self, "crawler", None) is not None:
                self.crawler.stats.inc_value("pricewatch/left_catalogue", len(gone))
        for url in gone:
            yield ListingGone(url=url, shop=self.name, http_status=status)
