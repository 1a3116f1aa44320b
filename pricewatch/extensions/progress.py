"""Progress lines for long crawls: pages, items stored, failures and rate every few seconds.

Controlled by ``PRICEWATCH_PROGRESS_INTERVAL`` (seconds; 0 switches it off). Lines go to the
``pricewatch.progress`` logger, which the CLI prints even when Scrapy's log is quiet.
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from pricewatch.crawl.reasons import failures_by_reason

logger = logging.getLogger("pricewatch.progress")


class Progress:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.task: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("PRICEWATCH_PROGRESS_INTERVAL", 10.0)
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.task = task.LoopingCall(self.report)
        self.task.start(self.interval, now=False)

    def line(self) -> str:
        stats = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        items = stats.get_value("item_scraped_count", 0)
        failures = sum(failures_by_reason(stats.get_stats()).values())
        elapsed = max(time.monotonic() - self.started, 1e-6)
        name = self.crawler.spider.name if self.crawler.spider else "?"
        return (
            f"{name}: {pages} pages, {items} items, {failures} failures, "
            f"{pages / elapsed:.1f} pages/s, {elapsed:.0f}s"
        )

    def report(self) -> None:
        logger.info("%s", self.line())

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
