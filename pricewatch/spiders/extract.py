"""``ExtractSpider``: fetch given URLs through the crawl path and say what each page shows.

Backs ``pricewatch extract``. Each URL is read with its shop's :class:`ReadingRules` (the shop
named with ``--shop``, the shop whose host ``--base-url`` names, or the shop the URL belongs to)
or generic extraction for pages of no known shop; ``--currency`` and ``--render`` adjust those
rules. Nothing is stored: the spider yields ``{"index", "extraction", "shop"}`` dicts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from pricewatch.crawl.failures import classify_failure
from pricewatch.extract import Extraction
from pricewatch.items import CrawlFailure, ListingGone, ProductItem
from pricewatch.platforms.base import ProductSpider
from pricewatch.shops import get_shop, load_shops, shop_for_url
from pricewatch.spiders.base import PricewatchSpider


def resolve_shop(
    url: str,
    shops: Mapping[str, type[ProductSpider]],
    shop_name: str | None = None,
    shop_hosts: Mapping[str, str] | None = None,
) -> type[ProductSpider] | None:
    """The shop whose rules read ``url``: named, by ``--base-url`` host, or by the URL itself."""
    name = shop_name or (shop_hosts or {}).get(urlsplit(url).netloc)
    return get_shop(name, dict(shops)) if name else shop_for_url(url, dict(shops))


class _AdhocShop(ProductSpider):
    """A page of no known shop: generic extraction only."""

    abstract = True
    name = "adhoc"


class ExtractSpider(PricewatchSpider):
    """Fetch ``urls`` concurrently; one result per URL, in any order (keyed by index)."""

    name = "pricewatch-extract"

    def __init__(
        self,
        urls: Sequence[str],
        render: bool = False,
        currency: str | None = None,
        shop: str | None = None,
        shop_hosts: Mapping[str, str] | None = None,
        shops: Mapping[str, type[ProductSpider]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.shop_name = shop
        #: ``{"host:port": shop}``: hosts serving a known shop elsewhere (``--base-url``).
        self.shop_hosts = dict(shop_hosts or {})
        self.urls = list(urls)
        self.force_render = render
        self.currency = currency
        self.shops = load_shops() if shops is None else shops

    def shop_for(self, url: str) -> ProductSpider:
        """The shop spider that reads ``url``, its rules adjusted by ``--currency``/``--render``."""
        shop_cls = resolve_shop(url, self.shops, self.shop_name, self.shop_hosts)
        shop = shop_cls() if shop_cls is not None else _AdhocShop()
        if self.currency:
            shop.rules = replace(shop.rules, currency=self.currency)
        if self.force_render:
            shop.rules = replace(shop.rules, render=True)
        return shop

    async def start(self) -> AsyncIterator[Any]:
        for index, url in enumerate(self.urls):
            shop = self.shop_for(url)
            yield self.page_request(
                url,
                render=shop.rules.render,
                wait_for=shop.rules.wait_selector,
                callback=self.parse_page,
                meta={"pricewatch_index": index},
                cb_kwargs={"shop": shop},
                dont_filter=True,
            )

    def parse_page(self, response: Response, shop: ProductSpider) -> Iterator[Any]:
        index = response.meta["pricewatch_index"]
        url = self.urls[index]
        results = list(shop.parse_product(response)) if isinstance(response, TextResponse) else []
        result = results[0] if results else None
        if isinstance(result, ProductItem):
            extraction = replace(result.extraction, url=url)
        elif isinstance(result, ListingGone):
            extraction = Extraction(url=url, error=f"HTTP {result.http_status}: the page is gone")
        elif isinstance(result, CrawlFailure):
            extraction = Extraction(url=url, error=f"{result.reason}: {result.detail}")
        else:
            extraction = Extraction(url=url, error="the page is not HTML or was dropped")
        yield {"index": index, "extraction": extraction, "shop": shop.name}

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = classify_failure(failure)
        index = request.meta["pricewatch_index"]
        yield {
            "index": index,
            "extraction": Extraction(url=self.urls[index], error=f"{reason}: {detail}"),
            "shop": None,
        }
