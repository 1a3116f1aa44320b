"""Crawls and one-off extractions in this process, with Scrapy's ``CrawlerProcess``.

Twisted's reactor runs once per process, so each function here is meant to be called once by a
CLI command. Whatever runs crawls repeatedly (the demo's rounds, the daemon) starts one
process per crawl instead: :mod:`pricewatch.crawl.launcher`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from pricewatch.crawl.rendering import PLAYWRIGHT_DOWNLOAD_HANDLERS
from pricewatch.errors import PricewatchError
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


class InterruptibleProcess(CrawlerProcess):
    """A ``CrawlerProcess`` that says at once what the first Ctrl-C (or SIGTERM) does.

    Scrapy stops scheduling new requests and finishes the ones already handed to the
    downloader, silently: the first signal now prints how many that is. A second one stops at
    once (Scrapy's own behaviour).
    """

    def in_flight(self) -> int:
        return sum(
            len(crawler.engine.downloader.active)
            for crawler in self.crawlers
            if crawler.engine is not None
        )

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        sys.stderr.write(
            f"stopping, finishing {self.in_flight()} requests in flight "
            "(Ctrl-C again to stop now)\n"
        )
        sys.stderr.flush()
        super()._signal_shutdown(signum, frame)


def run_crawls(
    shops: Sequence[type[ProductSpider]],
    *,
    settings: Mapping[str, Any] | None = None,
    spider_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl ``shops`` concurrently; returns each shop's final Scrapy stats.

    A crawl that cannot start (a setting Scrapy refuses, a spider argument) is a
    :class:`PricewatchError` naming the shop, not a logged traceback.
    """
    process = InterruptibleProcess(project_settings(settings))
    crawlers = {}
    errors: dict[str, Failure] = {}
    for shop in shops:
        crawler = process.create_crawler(shop)
        crawlers[shop.name] = crawler
        started = process.crawl(crawler, **dict((spider_kwargs or {}).get(shop.name, {})))
        started.addErrback(_keep_failure, errors, shop.name)
    process.start()
    for name, failure in errors.items():
        raise PricewatchError(f"{name}: the crawl could not start: {_reason(failure)}")
    return {name: dict(c.stats.get_stats()) for name, c in crawlers.items()}


def _keep_failure(failure: Failure, errors: dict[str, Failure], name: str) -> None:
    errors.setdefault(name, failure)


def _reason(failure: Failure) -> str:
    lines = str(failure.value).strip().splitlines()
    return f"{type(failure.value).__name__}: {lines[0] if lines else ''}"


def interactive_timeouts(timeout: float) -> dict[str, Any]:
    """Settings that bound one fetch (and render) to ``timeout`` seconds, without retries."""
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    base = project_settings()
    render_ms = int(timeout * 1000)
    return {
        "DOWNLOAD_TIMEOUT": timeout,
        "DNS_TIMEOUT": min(base.getfloat("DNS_TIMEOUT"), timeout),
        "RETRY_ENABLED": False,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": render_ms,
        "PRICEWATCH_RENDER_TIMEOUT_MS": min(base.getint("PRICEWATCH_RENDER_TIMEOUT_MS"), render_ms),
    }


def run_extract(
    urls: Sequence[str],
    *,
    render: bool = False,
    currency: str | None = None,
    shop: str | None = None,
    shop_hosts: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
    timeout: float | None = None,
) -> list[tuple[Extraction, str | None]]:
    """Extract ``urls`` concurrently; results in the order given, with the shop used.

    ``timeout`` (seconds) bounds each URL for an interactive answer: it is the download,
    DNS and render timeout, and a failed page is not retried (a stalled page would otherwise
    hold the call for timeout x retries); its error starts with ``timeout:``. Crawls keep
    their retries. ``settings`` (``-s``) still win over it.
    """
    overrides: dict[str, Any] = {"ITEM_PIPELINES": {}, "PRICEWATCH_PROGRESS_INTERVAL": 0}
    if timeout is not None:
        overrides.update(interactive_timeouts(timeout))
    shops = load_shops()
    if render or any(
        (s := resolve_shop(u, shops, shop, shop_hosts)) is not None and s.needs_browser()
        for u in urls
    ):
        overrides["DOWNLOAD_HANDLERS"] = PLAYWRIGHT_DOWNLOAD_HANDLERS
    overrides.update(settings or {})
    process = InterruptibleProcess(project_settings(overrides))
    results: dict[int, tuple[Extraction, str | None]] = {}

    def collect(item: dict[str, Any]) -> None:
        results[item["index"]] = (item["extraction"], item["shop"])

    crawler = process.create_crawler(ExtractSpider)
    crawler.signals.connect(collect, signal=signals.item_scraped)
    errors: dict[str, Failure] = {}
    started = process.crawl(
        crawler,
        urls=urls,
        render=render,
        currency=currency,
        shop=shop,
        shop_hosts=shop_hosts,
        shops=shops,
    )
    started.addErrback(_keep_failure, errors, "extract")
    process.start()
    for failure in errors.values():
        raise PricewatchError(f"the extraction could not start: {_reason(failure)}")
    return [
        results.get(i, (Extraction(url=u, error="not fetched (the crawl stopped early)"), None))
        for i, u in enumerate(urls)
    ]
