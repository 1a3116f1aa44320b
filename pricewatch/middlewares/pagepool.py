"""Reuse open browser pages across rendered requests.

scrapy-playwright opens and closes a page per request unless the request carries an open page
in ``meta["playwright_page"]``. Opening a page costs ~170 ms of CPU (a renderer process), and
rendering is CPU-bound: reusing pages renders 1.4-1.8x as many pages per second here
(``bench/render_throughput.py``), so this middleware keeps finished pages and hands them to the
next rendered request.

It also bounds rendering concurrency to ``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT``: a rendered request
waits for a free page slot here, so open pages (busy + idle) never exceed that number and
scrapy-playwright's own page semaphore never blocks a request while idle pages sit unused.
A request that fails closes its page (its state is unknown) and frees the slot.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector


class PagePoolMiddleware:
    def __init__(self, max_pages: int, stats: StatsCollector | None = None) -> None:
        self.max_pages = max_pages
        self.stats = stats
        self._idle: list[Any] = []
        self._slots: asyncio.Semaphore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PagePoolMiddleware:
        max_pages = crawler.settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 4)
        if max_pages < 1:
            raise NotConfigured("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT < 1")
        mw = cls(max_pages, crawler.stats)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def _owned(self, request: Request) -> bool:
        return bool(request.meta.get("pricewatch_render"))

    async def process_request(self, request: Request) -> None:
        if not self._owned(request) or request.meta.get("pricewatch_page_slot"):
            return None
        # Have scrapy-playwright hand the page over instead of closing it; set here, not in
        # render_meta, because only an active pool takes pages back (and closes them).
        request.meta["playwright_include_page"] = True
        if self._slots is None:  # created here so it binds to the running event loop
            self._slots = asyncio.Semaphore(self.max_pages)
        await self._slots.acquire()
        request.meta["pricewatch_page_slot"] = True
        while self._idle:
            page = self._idle.pop()
            if not page.is_closed():
                request.meta["playwright_page"] = page
                if self.stats is not None:
                    self.stats.inc_value("pricewatch/render/pages_reused")
                break
        return None

    def _release_slot(self, request: Request) -> None:
        if request.meta.pop("pricewatch_page_slot", False) and self._slots is not None:
            self._slots.release()

    async def process_response(self, request: Request, response: Response) -> Response:
        if self._owned(request):
            page = request.meta.pop("playwright_page", None)
            if page is not None and not page.is_closed():
                self._idle.append(page)
            self._release_slot(request)
        return response

    async def process_exception(self, request: Request, exception: Exception) -> None:
        if self._owned(request):
            page = request.meta.pop("playwright_page", None)
            if page is not None and not page.is_closed():
                await page.close()
            self._release_slot(request)
        return None

    async def spider_closed(self) -> None:
        idle, self._idle = self._idle, []
        for page in idle:
            if not page.is_closed():
                await page.close()
