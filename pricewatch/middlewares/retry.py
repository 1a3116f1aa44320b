"""Retries with exponential backoff that honour ``Retry-After`` (429/503), and slow the shop.

Scrapy's own ``RetryMiddleware`` re-queues a failed request at once; a shop that answers 429
wants us to wait. Each retry here waits ``PRICEWATCH_RETRY_BASE_DELAY * 2**(attempt-1)``
seconds, or what ``Retry-After`` says (seconds or an HTTP date). A ``Retry-After`` longer than
``PRICEWATCH_RETRY_MAX_DELAY`` gives the request up at once (recorded as ``rate_limited``)
instead of stalling the crawl. ``RETRY_TIMES`` / ``RETRY_HTTP_CODES`` apply as in Scrapy.

A 429, or a 503 with ``Retry-After``, speaks for the whole shop, not for one page: waiting with
the one request while the shop's other requests keep coming would earn the next 429 at once. So
the shop's download slot is slowed as well (:meth:`BackoffRetryMiddleware.slow_down`): the delay
between its requests becomes at least the wait (``Retry-After``, else the backoff; at most
``PRICEWATCH_RETRY_MAX_DELAY``), counted from that response, for as long as the wait lasts;
each slowdown counts in ``pricewatch/retry/slot_slowed``. That happens whatever becomes of the
request (retried, ``RateLimited``, retries used up, ``dont_retry``): the shop said it.

Where, in Scrapy 2.19 (``scrapy/core/downloader/__init__.py``, ``scrapy/extensions/
throttle.py``): ``Downloader._download`` sends ``response_downloaded`` (l. 321) and then, in its
``finally`` (l. 336-337), starts the slot's next queued requests with ``slot.delay``, all before
any downloader middleware sees the response. So the slowdown is made in a ``response_downloaded``
handler, not in ``process_response``, or the request queued next would leave at the old pace.

How it cooperates with AutoThrottle (enabled in the project settings):

* ``AutoThrottle._response_downloaded`` (throttle.py l. 61-74) sets ``slot.delay`` on every
  ``response_downloaded`` of the slot; ``_adjust_delay`` (l. 108-118) moves it halfway to
  ``latency / AUTOTHROTTLE_TARGET_CONCURRENCY`` (never below that), clamped to
  ``[DOWNLOAD_DELAY, AUTOTHROTTLE_MAX_DELAY]``.
* A response whose status is not 200 never lowers the delay (l. 124-125): the 429 or 503
  cannot undo the slowdown, but every healthy response halves it.
* Signal handlers run in the order they were connected. ``Crawler._apply_settings`` builds the
  extensions (crawler.py l. 210) before the crawl builds the engine and with it the downloader
  middlewares (l. 279, 313), so AutoThrottle's handler runs first and ours last, just before
  the downloader reads the delay (tests/test_middlewares_retry.py checks this order).

So while a slowdown lasts, every response of the shop puts the delay back up to the slowdown's
(:meth:`BackoffRetryMiddleware.hold_slowdown`): the requests already under way when the 429
came would otherwise halve it away at once. Once the wait has passed, AutoThrottle lowers it
step by step from there (a delay above ``AUTOTHROTTLE_MAX_DELAY`` is clamped to that by the
first healthy response). Without AutoThrottle nothing else changes slot delays, so the slot
gets back the delay it had before the slowdown. Like any Scrapy slot delay the spacing varies
by ``DOWNLOAD_DELAY_JITTER`` (±50% by default); the retried request itself waits the whole
time asked for.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Parse a ``Retry-After`` header: delta-seconds or an HTTP date. ``None`` if absent/bad."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RateLimited(IgnoreRequest):
    """The shop asked us to wait longer than PRICEWATCH_RETRY_MAX_DELAY."""


@dataclass
class Slowdown:
    """A shop's download slot kept at ``delay`` or slower until ``until`` (monotonic)."""

    delay: float
    until: float
    #: The slot's delay before the slowdown, given back when AutoThrottle is off.
    restore: float


class BackoffRetryMiddleware(RetryMiddleware):
    base_delay: float
    max_delay: float
    slowdowns: dict[str, Slowdown]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        mw = super().from_crawler(crawler)
        mw.base_delay = crawler.settings.getfloat("PRICEWATCH_RETRY_BASE_DELAY", 1.0)
        mw.max_delay = crawler.settings.getfloat("PRICEWATCH_RETRY_MAX_DELAY", 120.0)
        mw.slowdowns = {}
        crawler.signals.connect(mw.response_downloaded, signal=signals.response_downloaded)
        return mw

    def backoff(self, request: Request) -> float:
        attempt = request.meta.get("retry_times", 0) + 1
        return min(self.base_delay * 2 ** (attempt - 1), self.max_delay)

    def wait_for(self, request: Request, response: Response) -> tuple[float, float | None]:
        """How long to wait before asking again, and how long ``Retry-After`` asked (or None)."""
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        return (self.backoff(request) if asked is None else asked), asked

    def response_downloaded(self, response: Response, request: Request) -> None:
        """Slow the shop on a 429 or a 503 with ``Retry-After``; else hold a slowdown."""
        if response.status in (429, 503):
            wait, asked = self.wait_for(request, response)
            if response.status == 429 or asked is not None:
                self.slow_down(request, wait, response.status)
                return
        if self.slowdowns:
            self.hold_slowdown(request)

    def slow_down(self, request: Request, wait: float, status: int) -> None:
        """Space the requests of ``request``'s shop ``wait`` seconds apart, for ``wait`` seconds."""
        wait = min(wait, self.max_delay)
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None or wait <= 0:
            return
        now = monotonic()
        current = self.slowdowns.get(key)
        if current is None:
            self.slowdowns[key] = Slowdown(wait, now + wait, restore=slot.delay)
        else:  # a slowdown not given back yet: extend it, never shorten it
            if now < current.until:
                wait = max(wait, current.delay)
            current.delay, current.until = wait, max(current.until, now + wait)
        slot.delay = max(slot.delay, wait)
        # Count the delay from this response: the slot's last request may have left long ago.
        slot.lastseen = max(slot.lastseen, now)
        self.crawler.stats.inc_value("pricewatch/retry/slot_slowed")
        logger.info(
            "HTTP %d from %s: %.1fs between its requests for %.1fs", status, key, slot.delay, wait
        )

    def hold_slowdown(self, request: Request) -> None:
        """Keep ``request``'s slot slowed against AutoThrottle until the wait is over."""
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        current = self.slowdowns.get(key)
        if current is None:
            return
        slot = downloader.slots.get(key)
        if slot is not None and monotonic() < current.until:
            slot.delay = max(slot.delay, current.delay)
            return
        del self.slowdowns[key]
        if slot is not None and self.crawler.get_extension(AutoThrottle) is None:
            slot.delay = current.restore

    # Async (Scrapy awaits coroutine middleware methods) to sleep without blocking the reactor.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        status = response.status
        if request.meta.get("dont_retry", False) or status not in self.retry_http_codes:
            return response
        delay, asked = self.wait_for(request, response)
        if asked is not None and asked > self.max_delay:
            self.crawler.stats.inc_value("pricewatch/retry/rate_limited")
            raise RateLimited(
                f"HTTP {status} with Retry-After {asked:.0f}s "
                f"(> PRICEWATCH_RETRY_MAX_DELAY {self.max_delay:.0f}s)"
            )
        retry = self._retry(request, response_status_message(status))
        if retry is None:
            return response
        if delay > 0:
            self.crawler.stats.inc_value("pricewatch/retry/backoff_seconds", int(delay))
            await asyncio.sleep(delay)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get(
            "dont_retry", False
        ):
            retry = self._retry(request, exception)
            if retry is not None:
                delay = self.backoff(request)
                if delay > 0:
                    await asyncio.sleep(delay)
            return retry
        return None
