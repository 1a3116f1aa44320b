"""Retries with exponential backoff that honour ``Retry-After`` (429/503).

Scrapy's own ``RetryMiddleware`` re-queues a failed request at once; a shop that answers 429
wants us to wait. Each retry here waits ``PRICEWATCH_RETRY_BASE_DELAY * 2**(attempt-1)``
seconds, or what ``Retry-After`` says (seconds or an HTTP date). A ``Retry-After`` longer than
``PRICEWATCH_RETRY_MAX_DELAY`` gives the request up at once (recorded as ``rate_limited``)
instead of stalling the crawl. ``RETRY_TIMES`` / ``RETRY_HTTP_CODES`` apply as in Scrapy.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.response import response_status_message


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


class BackoffRetryMiddleware(RetryMiddleware):
    base_delay: float
    max_delay: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        mw = super().from_crawler(crawler)
        mw.base_delay = crawler.settings.getfloat("PRICEWATCH_RETRY_BASE_DELAY", 1.0)
        mw.max_delay = crawler.settings.getfloat("PRICEWATCH_RETRY_MAX_DELAY", 120.0)
        return mw

    def backoff(self, request: Request) -> float:
        attempt = request.meta.get("retry_times", 0) + 1
        return min(self.base_delay * 2 ** (attempt - 1), self.max_delay)

    # Async (Scrapy awaits coroutine middleware methods) to sleep without blocking the reactor.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        delay = self.backoff(request)
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is not None:
            if asked > self.max_delay:
                self.crawler.stats.inc_value("pricewatch/retry/rate_limited")
                raise RateLimited(
                    f"HTTP {response.status} with Retry-After {asked:.0f}s "
                    f"(> PRICEWATCH_RETRY_MAX_DELAY {self.max_delay:.0f}s)"
                )
            delay = asked
        retry = self._retry(request, response_status_message(response.status))
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
