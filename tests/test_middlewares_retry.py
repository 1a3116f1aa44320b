"""BackoffRetryMiddleware (pricewatch/middlewares/retry.py): backoff, Retry-After, slow shops.

Unit tests drive the middleware with responses built here; the slot tests give it Scrapy's real
``Downloader`` (its slots and ``get_slot_key``). The last tests build the engine as a crawl does
(``Crawler._create_engine``: AutoThrottle first, then the downloader and its middlewares) and
download through ``Downloader.fetch`` with a fake download handler, to watch the pace at which a
shop's requests leave after a 429. Async code runs in ``asyncio.run``; no network is involved
(tests/test_faults.py has the end-to-end crawl).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from pydispatch.dispatcher import getAllReceivers, liveReceivers
from scrapy import Request, Spider, signals
from scrapy.core.downloader import Downloader, Slot
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadTimeoutError
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.test import get_crawler

from pricewatch.middlewares.retry import BackoffRetryMiddleware, RateLimited, retry_after_seconds

SHOP = "shop.test"
#: No default middlewares or extensions, no real download handlers.
BARE: dict[str, Any] = {
    "DOWNLOADER_MIDDLEWARES_BASE": {},
    "DOWNLOAD_HANDLERS": {"http": None, "https": None},
    "EXTENSIONS_BASE": {"scrapy.extensions.throttle.AutoThrottle": 0},
    "RETRY_TIMES": 2,
    "PRICEWATCH_RETRY_BASE_DELAY": 0.05,
    "PRICEWATCH_RETRY_MAX_DELAY": 2.0,
}

# ---------------------------------------------------------------------------- Retry-After

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(b"120", 120.0, id="seconds-bytes"),
        pytest.param(" 7 ", 7.0, id="seconds-padded"),
        pytest.param("0", 0.0, id="zero"),
        pytest.param("Sat, 01 Mar 2025 12:00:30 GMT", 30.0, id="http-date"),
        pytest.param(b"Sat, 01 Mar 2025 12:01:00 GMT", 60.0, id="http-date-bytes"),
        pytest.param("Sat, 01 Mar 2025 12:00:30 -0000", 30.0, id="date-without-zone"),
        pytest.param("Sat, 01 Mar 2025 14:00:30 +0200", 30.0, id="date-with-offset"),
        pytest.param("Sat, 01 Mar 2025 11:59:00 GMT", 0.0, id="date-in-the-past"),
        pytest.param(None, None, id="absent"),
        pytest.param(b"", None, id="empty"),
        pytest.param("   ", None, id="blank"),
        pytest.param("-5", None, id="negative"),
        pytest.param("1.5", None, id="fraction"),
        pytest.param("soon", None, id="garbage"),
    ],
)
def test_retry_after_seconds(value: bytes | str | None, expected: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == expected


# ---------------------------------------------------------------------------- helpers


def make_crawler(**settings: Any) -> Crawler:
    crawler = get_crawler(settings_dict={**BARE, **settings})
    crawler.spider = Spider.from_crawler(crawler, name="shop")
    return crawler


def with_slot(crawler: Crawler, delay: float = 0.0) -> Slot:
    """A downloader slot for SHOP, as ``Downloader._get_slot`` makes them."""
    downloader = Downloader(crawler)
    crawler.engine = SimpleNamespace(downloader=downloader)  # type: ignore[assignment]
    slot = Slot(concurrency=8, delay=delay, jitter=0.0)
    downloader.slots[SHOP] = slot
    return slot


def middleware(crawler: Crawler) -> BackoffRetryMiddleware:
    return BackoffRetryMiddleware.from_crawler(crawler)


def page(retry_times: int = 0, **meta: Any) -> Request:
    return Request(f"http://{SHOP}/p", meta={"retry_times": retry_times, **meta})


def answer(
    crawler: Crawler, request: Request, status: int, retry_after: str | None = None
) -> Response:
    """``status`` for ``request``, as the downloader reports it (``response_downloaded``)."""
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    response = Response(request.url, status=status, headers=headers, request=request)
    crawler.signals.send_catch_log(
        signals.response_downloaded, response=response, request=request, spider=crawler.spider
    )
    return response


def respond(mw: BackoffRetryMiddleware, request: Request, response: Response) -> Any:
    """``process_response``, timed: (result or the exception raised, seconds it took)."""

    async def run() -> Any:
        try:
            return await mw.process_response(request, response)
        except RateLimited as exc:
            return exc

    started = time.monotonic()
    result = asyncio.run(run())
    return result, time.monotonic() - started


def stat(crawler: Crawler, name: str) -> Any:
    return crawler.stats.get_value(f"pricewatch/retry/{name}")


# ---------------------------------------------------------------------------- backoff


def test_backoff_doubles_per_attempt_up_to_the_max_delay() -> None:
    mw = middleware(make_crawler(PRICEWATCH_RETRY_BASE_DELAY=0.5, PRICEWATCH_RETRY_MAX_DELAY=3.0))
    assert [mw.backoff(page(n)) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_500_is_retried_after_the_backoff_and_leaves_the_shop_alone() -> None:
    crawler = make_crawler()
    slot, mw = with_slot(crawler), middleware(crawler)
    request = page(1)
    retry, took = respond(mw, request, answer(crawler, request, 500))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 2
    assert took >= 0.1  # 0.05 * 2 ** 1
    assert slot.delay == 0.0 and stat(crawler, "slot_slowed") is None


def test_503_without_retry_after_is_one_page_not_the_shop() -> None:
    crawler = make_crawler()
    slot, mw = with_slot(crawler), middleware(crawler)
    request = page()
    retry, _ = respond(mw, request, answer(crawler, request, 503))
    assert isinstance(retry, Request)
    assert slot.delay == 0.0 and stat(crawler, "slot_slowed") is None


def test_retries_used_up_return_the_response() -> None:
    crawler = make_crawler()
    with_slot(crawler)
    mw = middleware(crawler)
    request = page(2)
    response = answer(crawler, request, 500)
    assert respond(mw, request, response)[0] is response


def test_exceptions_are_retried_after_the_backoff() -> None:
    mw = middleware(make_crawler())

    async def run() -> Any:
        return await mw.process_exception(page(1), DownloadTimeoutError("slow"))

    started = time.monotonic()
    retry = asyncio.run(run())
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 2
    assert time.monotonic() - started >= 0.1


# ---------------------------------------------------------------------------- Retry-After


def test_retry_after_is_the_wait_and_slows_the_shop() -> None:
    crawler = make_crawler()
    slot, mw = with_slot(crawler), middleware(crawler)
    request = page()
    retry, took = respond(mw, request, answer(crawler, request, 503, retry_after="1"))
    assert isinstance(retry, Request)
    assert took >= 1.0
    assert slot.delay == 1.0
    assert stat(crawler, "slot_slowed") == 1
    assert stat(crawler, "backoff_seconds") == 1


def test_retry_after_beyond_the_max_delay_gives_up_and_slows_the_shop_to_the_max() -> None:
    crawler = make_crawler()
    slot, mw = with_slot(crawler), middleware(crawler)
    request = page()
    before = time.monotonic()
    error, took = respond(mw, request, answer(crawler, request, 429, retry_after="30"))
    assert isinstance(error, RateLimited)
    assert "Retry-After 30s" in str(error) and "PRICEWATCH_RETRY_MAX_DELAY 2s" in str(error)
    assert took < 0.5
    assert stat(crawler, "rate_limited") == 1
    assert slot.delay == 2.0  # capped by PRICEWATCH_RETRY_MAX_DELAY
    assert slot.lastseen >= before  # the wait counts from the 429


# ---------------------------------------------------------------------------- slow shops


def test_429_without_retry_after_slows_the_shop_by_the_backoff() -> None:
    crawler = make_crawler()
    slot, mw = with_slot(crawler, delay=0.01), middleware(crawler)
    request = page(1)
    retry, _ = respond(mw, request, answer(crawler, request, 429))
    assert isinstance(retry, Request)
    assert slot.delay == 0.1  # the request's backoff: 0.05 * 2 ** 1
    assert mw.slowdowns[SHOP].restore == 0.01


def test_429_slows_the_shop_even_when_the_request_is_not_retried() -> None:
    crawler = make_crawler()
    slot, mw = with_slot(crawler), middleware(crawler)
    request = page(dont_retry=True)
    response = answer(crawler, request, 429, retry_after="1")
    assert respond(mw, request, response)[0] is response
    assert slot.delay == 1.0 and stat(crawler, "slot_slowed") == 1


def test_slowdowns_extend_and_never_shorten() -> None:
    crawler = make_crawler()
    slot, _ = with_slot(crawler), middleware(crawler)
    answer(crawler, page(), 429, retry_after="2")
    answer(crawler, page(), 429, retry_after="1")
    assert slot.delay == 2.0 and stat(crawler, "slot_slowed") == 2


def test_a_slowdown_holds_against_faster_responses_then_gives_the_delay_back() -> None:
    crawler = make_crawler()
    slot, mw = with_slot(crawler, delay=0.01), middleware(crawler)
    answer(crawler, page(), 429)  # backoff 0.05 s
    assert slot.delay == 0.05
    slot.delay = 0.02  # what AutoThrottle does on a healthy response, before this middleware
    answer(crawler, page(), 200)
    assert slot.delay == 0.05  # held while the wait lasts
    time.sleep(0.06)
    answer(crawler, page(), 200)
    assert slot.delay == 0.01  # no AutoThrottle in this crawler: the old delay is back
    assert mw.slowdowns == {}


def test_after_a_slowdown_autothrottle_keeps_the_delay() -> None:
    crawler = make_crawler(AUTOTHROTTLE_ENABLED=True)
    slot, mw = with_slot(crawler, delay=0.01), middleware(crawler)
    answer(crawler, page(), 429)
    time.sleep(0.06)
    slot.delay = 0.03  # AutoThrottle on its way down
    answer(crawler, page(), 200)
    assert slot.delay == 0.03 and mw.slowdowns == {}


def test_autothrottle_treats_slot_delay_as_the_slowdown_expects() -> None:
    """What the module docstring relies on: non-200 never lowers the delay, 200 halves it."""
    crawler = make_crawler(AUTOTHROTTLE_ENABLED=True, AUTOTHROTTLE_TARGET_CONCURRENCY=4.0)
    slot = with_slot(crawler, delay=2.0)
    crawler.signals.send_catch_log(signals.spider_opened, spider=crawler.spider)
    request = page(download_slot=SHOP, download_latency=0.04)
    answer(crawler, request, 429)
    answer(crawler, request, 503)
    changed = "AutoThrottle changed how it sets slot.delay: review pricewatch/middlewares/retry.py"
    assert slot.delay == 2.0, changed
    answer(crawler, request, 200)
    assert slot.delay == pytest.approx((2.0 + 0.01) / 2), changed


# ---------------------------------------------------------------------------- in a crawl's engine


def crawl_pace(autothrottle: bool) -> dict[str, float]:
    """Fetch /busy (429 once) and /p1-/p4 of one shop, 2 at a time: when each one left."""
    crawler = make_crawler(
        DOWNLOADER="pricewatch.downloader.PoliteDownloader",
        DOWNLOADER_MIDDLEWARES={"pricewatch.middlewares.retry.BackoffRetryMiddleware": 550},
        AUTOTHROTTLE_ENABLED=autothrottle,
        AUTOTHROTTLE_START_DELAY=0,
        AUTOTHROTTLE_TARGET_CONCURRENCY=2.0,
        CONCURRENT_REQUESTS_PER_DOMAIN=2,
        DOWNLOAD_DELAY=0,
        DOWNLOAD_DELAY_JITTER=0,
        PRICEWATCH_RETRY_BASE_DELAY=0.3,
    )
    started: dict[str, float] = {}

    async def download(request: Request) -> Response:
        path = request.url.removeprefix(f"http://{SHOP}")
        started[path] = time.monotonic()
        request.meta["download_latency"] = 0.05
        await asyncio.sleep(0.01 if path == "/busy" else 0.05)
        return Response(request.url, status=429 if path == "/busy" else 200, request=request)

    async def scenario() -> None:
        crawler.engine = crawler._create_engine()
        downloader = crawler.engine.downloader
        downloader.handlers.download_request_async = download  # type: ignore[method-assign]
        crawler.signals.send_catch_log(signals.spider_opened, spider=crawler.spider)
        try:
            paths = ["/busy", "/p1", "/p2", "/p3", "/p4"]
            fetches = [downloader.fetch(Request(f"http://{SHOP}{p}")) for p in paths]
            await asyncio.gather(*(maybe_deferred_to_future(f) for f in fetches))
        finally:
            downloader.close()
        assert crawler.stats.get_value("pricewatch/retry/slot_slowed") == 1

    asyncio.run(scenario())
    busy = started.pop("/busy")
    return {path: at - busy for path, at in started.items()}


@pytest.mark.parametrize("autothrottle", [True, False], ids=["autothrottle", "no-autothrottle"])
def test_after_a_429_the_shops_next_requests_wait(autothrottle: bool) -> None:
    pace = crawl_pace(autothrottle)
    # /p1 left with /busy; the 429 came back 0.01 s later and slowed the shop to 0.3 s.
    assert pace["/p1"] < 0.05
    later = sorted(pace[p] for p in ("/p2", "/p3", "/p4"))
    assert later[0] >= 0.29, pace  # not at once when /busy or /p1 came back
    # /p1's healthy response came back during the wait (with AutoThrottle: lowering the delay,
    # which the hold put back), so the request after that also waited the full 0.3 s.
    assert later[1] - later[0] >= 0.29, pace


def test_the_slowdown_handler_runs_after_autothrottles() -> None:
    """Built as a crawl builds them, AutoThrottle sets the delay first, the slowdown last."""
    crawler = make_crawler(
        AUTOTHROTTLE_ENABLED=True,
        DOWNLOADER_MIDDLEWARES={"pricewatch.middlewares.retry.BackoffRetryMiddleware": 550},
    )
    engine = crawler._create_engine()
    try:
        receivers = liveReceivers(
            getAllReceivers(crawler.signals.sender, signals.response_downloaded)
        )
        owners = [type(getattr(r, "__self__", None)) for r in receivers]
        ours = [o for o in owners if o in {AutoThrottle, BackoffRetryMiddleware}]
        assert ours == [AutoThrottle, BackoffRetryMiddleware], (
            "AutoThrottle now adjusts slot delays after BackoffRetryMiddleware: the slowdown "
            "hold in pricewatch/middlewares/retry.py no longer has the last word"
        )
    finally:
        engine.downloader.close()
