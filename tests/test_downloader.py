"""PoliteDownloader (pricewatch/downloader.py): CONCURRENT_REQUESTS_PER_DOMAIN under asyncio.

The downloaders run in this process on the running asyncio loop (``asyncio.run``) with a fake
download handler that counts the requests in flight, so no network is involved. Two tests watch
Scrapy itself: its stock ``Downloader`` must still overshoot the per-domain limit (else the
workaround is obsolete), and the method the workaround copies must not have changed.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import textwrap
import time
from itertools import pairwise
from typing import Any

from scrapy import Request
from scrapy.core.downloader import Downloader, Slot
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.test import get_crawler

from pricewatch.downloader import PoliteDownloader

#: The one statement PoliteDownloader._process_queue adds to Scrapy's.
FIX = "slot.transferring.add(request)"
#: No middlewares, no real download handlers: the tests replace the download itself.
NO_HANDLERS: dict[str, Any] = {
    "DOWNLOADER_MIDDLEWARES_BASE": {},
    "DOWNLOAD_HANDLERS": {"http": None, "https": None},
}


def fetch_all(
    downloader_cls: type[Downloader], count: int, settings: dict[str, Any]
) -> tuple[int, list[float]]:
    """Fetch ``count`` pages of one shop; the most requests in flight at once, and start times."""

    async def scenario() -> tuple[int, list[float]]:
        crawler = get_crawler(settings_dict={**NO_HANDLERS, **settings})
        downloader = downloader_cls(crawler)
        in_flight, peak, starts = 0, 0, []

        async def download(request: Request) -> Response:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            starts.append(time.monotonic())
            await asyncio.sleep(0.02)
            in_flight -= 1
            return Response(request.url, request=request)

        downloader.handlers.download_request_async = download  # type: ignore[method-assign]
        try:
            requests = [Request(f"http://shop.test/p/{i}") for i in range(count)]
            await asyncio.gather(*(maybe_deferred_to_future(downloader.fetch(r)) for r in requests))
        finally:
            downloader.close()
        return peak, starts

    return asyncio.run(scenario())


LIMIT_2 = {"CONCURRENT_REQUESTS_PER_DOMAIN": 2, "DOWNLOAD_DELAY": 0}


def test_scrapy_downloader_still_ignores_the_per_domain_limit() -> None:
    peak, _ = fetch_all(Downloader, 6, LIMIT_2)
    assert peak > 2, (
        "Scrapy fixed CONCURRENT_REQUESTS_PER_DOMAIN under asyncio (its Downloader kept 6 "
        "requests to 2 at a time): drop pricewatch/downloader.py and the DOWNLOADER setting"
    )


def test_polite_downloader_keeps_the_per_domain_limit() -> None:
    peak, starts = fetch_all(PoliteDownloader, 6, LIMIT_2)
    assert peak == 2  # at most the limit, and exactly it: the requests did run in parallel
    assert len(starts) == 6


def test_polite_downloader_keeps_the_download_delay() -> None:
    settings = {**LIMIT_2, "DOWNLOAD_DELAY": 0.05, "DOWNLOAD_DELAY_JITTER": 0}
    peak, starts = fetch_all(PoliteDownloader, 3, settings)
    assert peak == 1
    gaps = [b - a for a, b in pairwise(starts)]
    assert min(gaps) >= 0.045, gaps


def _function(func: Any) -> ast.FunctionDef:
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def _without(node: ast.AST, statement: str) -> ast.AST:
    for child in ast.walk(node):
        for field in ("body", "orelse"):
            block = getattr(child, field, None)
            if isinstance(block, list):
                setattr(child, field, [s for s in block if ast.unparse(s) != statement])
    return node


def test_process_queue_is_scrapys_plus_the_fix() -> None:
    """The override copies Scrapy's ``_process_queue``: it must still be that code, plus FIX."""
    ours = _function(PoliteDownloader._process_queue)
    assert FIX in [ast.unparse(n) for n in ast.walk(ours) if isinstance(n, ast.stmt)]
    theirs = ast.dump(_function(Downloader._process_queue))
    assert ast.dump(_without(ours, FIX)) == theirs, (
        "Scrapy changed Downloader._process_queue: port the change to "
        "pricewatch/downloader.py (or drop it if the per-domain limit now holds)"
    )


def test_the_private_api_the_fix_relies_on() -> None:
    params = ["self", "slot"]
    assert list(inspect.signature(Downloader._process_queue).parameters) == params
    assert list(inspect.signature(Downloader._latercall).parameters) == params
    wait = inspect.signature(Downloader._wait_for_download)
    assert list(wait.parameters) == ["self", "slot", "request", "queue_dfd"]
    # _download marks the request transferring (again: a set) and unmarks it when done.
    download = inspect.getsource(Downloader._download)
    assert FIX in download
    assert "slot.transferring.remove(request)" in download
    assert isinstance(Slot(1, 0.0, 0.0).transferring, set)
