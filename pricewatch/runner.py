"""Run crawls and one-off extractions in this process with Scrapy's ``CrawlerProcess``.

Twisted's reactor runs once per process, so each function here is meant to be called once by
a CLI command; callers that need several rounds (the demo, the daemon) start one subprocess per
round (:func:`crawl_subprocess`).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.http import Request, Response, TextResponse
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from twisted.python.failure import Failure

from pricewatch.extract import Extraction
from pricewatch.failures import classify_failure
from pricewatch.items import CrawlFailure, ListingGone, ProductItem
from pricewatch.platforms.base import ProductSpider
from pricewatch.rendering import PLAYWRIGHT_DOWNLOAD_HANDLERS, render_meta
from pricewatch.shops import get_shop, load_shops, shop_for_url

SETTINGS_MODULE = "pricewatch.settings"


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """pricewatch's Scrapy settings (wherever the command runs) plus command-line overrides."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    settings = get_project_settings()
    if overrides:
        settings.setdict(dict(overrides), priority="cmdline")
    return settings


def attach_progress_logging(verbose: bool) -> None:
    """Progress lines on stderr even when Scrapy's own log is quiet."""
    progress = logging.getLogger("pricewatch.progress")
    if not any(getattr(h, "_pricewatch", False) for h in progress.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("  %(message)s"))
        handler._pricewatch = True  # type: ignore[attr-defined]
        progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = verbose


def run_crawls(
    shops: Sequence[type[ProductSpider]],
    *,
    settings: Mapping[str, Any] | None = None,
    spider_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl ``shops`` concurrently; returns each shop's final Scrapy stats."""
    process = CrawlerProcess(project_settings(settings))
    crawlers = {}
    for shop in shops:
        crawler = process.create_crawler(shop)
        crawlers[shop.name] = crawler
        process.crawl(crawler, **dict((spider_kwargs or {}).get(shop.name, {})))
    process.start()
    return {name: dict(c.stats.get_stats()) for name, c in crawlers.items()}


def crawl_subprocess(
    shop_names: Iterable[str],
    *,
    base_urls: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """``pricewatch crawl SHOP...`` in a child process (a fresh reactor, a contained browser)."""
    cmd = [sys.executable, "-m", "pricewatch", "crawl", *shop_names]
    for shop, url in (base_urls or {}).items():
        cmd += ["--base-url", f"{shop}={url}"]
    return subprocess.run(cmd, check=False)


def resolve_shop(
    url: str,
    shops: dict[str, type[ProductSpider]],
    shop_name: str | None = None,
    shop_hosts: Mapping[str, str] | None = None,
) -> type[ProductSpider] | None:
    """The shop whose rules read ``url``: named, by ``--base-url`` host, or by the URL itself."""
    name = shop_name or (shop_hosts or {}).get(urlsplit(url).netloc)
    return get_shop(name, shops) if name else shop_for_url(url, shops)


class ExtractSpider(scrapy.Spider):
    """Fetch given URLs through the crawl path and extract each with its shop's settings."""

    name = "pricewatch-extract"

    def __init__(
        self,
        urls: Sequence[str],
        render: bool = False,
        currency: str | None = None,
        shop: str | None = None,
        shop_hosts: Mapping[str, str] | None = None,
        shops: dict[str, type[ProductSpider]] | None = None,
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

    def _shop_for(self, url: str) -> ProductSpider:
        shop_cls = resolve_shop(url, self.shops, self.shop_name, self.shop_hosts)
        shop = shop_cls() if shop_cls is not None else _AdhocShop()
        if self.currency:
            shop.currency = self.currency  # type: ignore[misc]
        return shop

    async def start(self) -> Any:
        for index, url in enumerate(self.urls):
            shop = self._shop_for(url)
            meta: dict[str, Any] = {"pricewatch_index": index}
            if self.force_render or shop.render:
                meta.update(
                    render_meta(shop.wait_for or shop.selectors.get("price"), self.settings)
                )
            yield Request(
                url,
                callback=self.parse_page,
                errback=self.on_error,
                meta=meta,
                cb_kwargs={"shop": shop},
                dont_filter=True,
            )

    def parse_page(self, response: Response, shop: ProductSpider) -> Any:
        index = response.meta["pricewatch_index"]
        url = self.urls[index]
        results = list(shop.parse_product(response)) if isinstance(response, TextResponse) else []
        result: ProductItem | ListingGone | CrawlFailure | None = results[0] if results else None
        if isinstance(result, ProductItem):
            extraction = _extraction_from_item(result)
            extraction.url = url
        elif isinstance(result, ListingGone):
            extraction = Extraction(url=url, error=f"HTTP {result.http_status}: the page is gone")
        elif isinstance(result, CrawlFailure):
            extraction = Extraction(url=url, error=f"{result.reason}: {result.detail}")
        else:
            extraction = Extraction(url=url, error="the page is not HTML or was dropped")
        yield {"index": index, "extraction": extraction, "shop": shop.name}

    def on_error(self, failure: Failure) -> Any:
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = classify_failure(failure)
        index = request.meta["pricewatch_index"]
        yield {
            "index": index,
            "extraction": Extraction(url=self.urls[index], error=f"{reason}: {detail}"),
            "shop": None,
        }


class _AdhocShop(ProductSpider):
    """A page of no known shop: generic extraction only."""

    abstract = True
    name = "adhoc"


def _extraction_from_item(item: ProductItem) -> Extraction:
    fields = Extraction.__dataclass_fields__
    return Extraction(**{k: v for k, v in vars(item).items() if k in fields})


def run_extract(
    urls: Sequence[str],
    *,
    render: bool = False,
    currency: str | None = None,
    shop: str | None = None,
    shop_hosts: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> list[tuple[Extraction, str | None]]:
    """Extract ``urls`` concurrently; results in the order given, with the shop used."""
    overrides: dict[str, Any] = {"ITEM_PIPELINES": {}, "PRICEWATCH_PROGRESS_INTERVAL": 0}
    shops = load_shops()
    if render or any(
        (s := resolve_shop(u, shops, shop, shop_hosts)) is not None and s.needs_browser()
        for u in urls
    ):
        overrides["DOWNLOAD_HANDLERS"] = PLAYWRIGHT_DOWNLOAD_HANDLERS
    overrides.update(settings or {})
    process = CrawlerProcess(project_settings(overrides))
    results: dict[int, tuple[Extraction, str | None]] = {}

    def collect(item: dict[str, Any]) -> None:
        results[item["index"]] = (item["extraction"], item["shop"])

    crawler = process.create_crawler(ExtractSpider)
    crawler.signals.connect(collect, signal=signals.item_scraped)
    process.crawl(
        crawler,
        urls=urls,
        render=render,
        currency=currency,
        shop=shop,
        shop_hosts=shop_hosts,
        shops=shops,
    )
    process.start()
    return [
        results.get(i, (Extraction(url=u, error="not fetched (the crawl stopped early)"), None))
        for i, u in enumerate(urls)
    ]
