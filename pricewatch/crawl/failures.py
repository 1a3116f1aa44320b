"""Turn a failed request into a short reason code and a one-line detail.

The codes are what ``crawl_run.failures_by_reason`` counts, so they are stable and few.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer, error
from twisted.python.failure import Failure

from pricewatch.middlewares.retry import RateLimited

_TIMEOUTS = (DownloadTimeoutError, error.TimeoutError, error.TCPTimedOutError, defer.TimeoutError)
_DNS = (CannotResolveHostError, error.DNSLookupError)
_CONNECTION = (
    DownloadConnectionRefusedError,
    DownloadFailedError,
    ResponseDataLossError,
    error.ConnectionRefusedError,
    error.ConnectionLost,
    error.ConnectionDone,
    error.ConnectError,
)


def classify_failure(failure: Failure) -> tuple[str, str]:
    """``(reason, detail)`` for a request's errback failure."""
    exc = failure.value
    detail = f"{type(exc).__name__}: {exc}".strip()[:500]
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}", f"HTTP {exc.response.status}"
    if isinstance(exc, RateLimited):
        # An IgnoreRequest too: checked first so it is not counted as merely "ignored".
        return "rate_limited", str(exc)
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots.txt" in text:
            return "robots", "forbidden by robots.txt"
        if "redirect" in text:
            return "redirect_loop", str(exc)
        return "ignored", detail
    if isinstance(exc, _DNS):
        return "dns", detail
    if isinstance(exc, _TIMEOUTS):
        return "timeout", detail
    if isinstance(exc, DownloadCancelledError | defer.CancelledError):
        # Scrapy cancels a download only when it exceeds DOWNLOAD_MAXSIZE.
        return "too_large", detail
    if isinstance(exc, _CONNECTION):
        return "connection", detail
    name = type(exc).__name__
    module = type(exc).__module__
    if module.startswith("playwright"):
        return ("render_timeout" if "Timeout" in name else "render_failed"), detail
    return "error", detail
