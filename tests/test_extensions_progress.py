"""Progress (pricewatch/extensions/progress.py): the periodic progress line.

The extension's ``LoopingCall`` takes ``twisted.internet.reactor`` as its clock; the tests hand
it a :class:`twisted.internet.task.Clock` there instead, so time is advanced by hand and no
reactor gets installed in the test process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
import twisted.internet
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from twisted.internet.task import Clock

from pricewatch.extensions.progress import Progress


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """A fake reactor clock for the LoopingCall (``from twisted.internet import reactor``)."""
    fake = Clock()
    monkeypatch.setattr(twisted.internet, "reactor", fake, raising=False)
    yield fake


def crawler_with(interval: float) -> Crawler:
    """A crawler without Scrapy's extensions (LogStats would start its own loop on open)."""
    settings = {"EXTENSIONS_BASE": {}, "PRICEWATCH_PROGRESS_INTERVAL": interval}
    return get_crawler(settings_dict=settings)


def test_line_reports_pages_items_failures_and_rate() -> None:
    crawler = crawler_with(10)
    crawler.spider = Spider.from_crawler(crawler, name="demo_shop")
    stats = crawler.stats
    stats.set_value("response_received_count", 40)
    stats.set_value("item_scraped_count", 12)
    stats.set_value("pricewatch/failures/timeout", 2)
    stats.set_value("pricewatch/failures/no_price", 1)
    stats.set_value("pricewatch/retry/rate_limited", 5)  # not a failures/ key: not counted
    ext = Progress.from_crawler(crawler)
    ext.started = time.monotonic() - 20
    assert ext.line() == "demo_shop: 40 pages, 12 items, 3 failures, 2.0 pages/s, 20s"


def test_line_before_anything_happened() -> None:
    ext = Progress.from_crawler(crawler_with(10))
    assert ext.line().startswith("?: 0 pages, 0 items, 0 failures, ")


@pytest.mark.parametrize("interval", [0, -1])
def test_interval_zero_switches_it_off(interval: float) -> None:
    with pytest.raises(NotConfigured):
        Progress.from_crawler(crawler_with(interval))


def test_reports_every_interval_and_stops_on_close(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    crawler = crawler_with(5)
    spider = Spider.from_crawler(crawler, name="demo_shop")
    crawler.spider = spider
    ext = Progress.from_crawler(crawler)
    caplog.set_level(logging.INFO, logger="pricewatch.progress")

    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    assert ext.task is not None and ext.task.running
    assert ext.task.clock is clock
    clock.advance(4.9)
    assert caplog.records == []  # not at once (now=False), not before the interval
    clock.advance(0.1)
    clock.advance(5)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and all(line.startswith("demo_shop: ") for line in lines)

    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    assert not ext.task.running
    assert clock.getDelayedCalls() == []
    clock.advance(60)
    assert len(caplog.records) == 2


def test_close_without_open_is_harmless() -> None:
    crawler = crawler_with(5)
    ext = Progress.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    assert ext.task is None
