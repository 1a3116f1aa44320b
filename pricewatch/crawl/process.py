"""Crawls and one-off extractions in this process, with Scrapy's ``CrawlerProcess``.

Twisted's reactor runs once per process, so each function here is meant to be called once by a
CLI command. Whatever runs crawls repeatedly (the demo's rounds, the daemon) starts one
process per crawl instead: :mod:`pricewatch.crawl.launcher`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from pricewatch.crawl.rendering import PLAYWRIGHT_DOWNLOAD_HANDLERS
from pricewatch.extract import Extraction
from pricewatch.platforms.base import ProductSpider
from pricewatch.shops import load_shops
from pricewatch.spiders.extract import ExtractSpider, resolve_shop

SETTINGS_MODULE = "pricewatch.settings"


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """pricewatch's Scrapy settings, wherever the command runs, plus command-line overrides.

    Built from :mod:`pricewatch.settings` directly (not through ``scrapy.cfg`` or
    ``SCRAPY_SETTINGS_MODULE``), so nothing about this process's environment changes.
    """
    settings = Settings()
    settings.setmodule(SETTINGS_MODULE, priority="project")
    if overrides:
        settings.setdict(dict(overrides), priority="cmdline")
    return settings


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
