"""PagePoolMiddleware (pricewatch/middlewares/pagepool.py) with fake pages: no browser.

The pool's coroutines run in ``asyncio.run``; :class:`FakePage` stands in for a Playwright page.
Crawls that render through the pool in Chromium are in tests/test_rendering.py.
"""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from pricewatch.crawl.rendering import render_meta
from pricewatch.middlewares.pagepool import PagePoolMiddleware


class FakePage:
    def __init__(self) -> None:
        self.closed = False

    def is_closed(self) -> bool:
        return self.closed

    async def close(self) -> None:
        self.closed = True


def _pool(max_pages: int) -> PagePoolMiddleware:
    return PagePoolMiddleware(max_pages, get_crawler().stats)


def _rendered(url: str = "http://shop.test/p/1") -> Request:
    return Request(url, meta=render_meta(".price", Settings()))


def test_page_pool_reuses_pages_and_leaves_plain_requests_alone() -> None:
    async def scenario() -> None:
        mw = _pool(2)
        plain = Request("http://shop.test/")
        await mw.process_request(plain)
        assert "playwright_include_page" not in plain.meta

        first = _rendered()
        await mw.process_request(first)
        assert first.meta["playwright_include_page"] is True
        assert "playwright_page" not in first.meta  # nothing idle yet: scrapy-playwright opens
        page = FakePage()
        first.meta["playwright_page"] = page  # what scrapy-playwright does with include_page
        response = HtmlResponse(first.url, body=b"<html></html>", request=first)
        assert await mw.process_response(first, response) is response
        assert "playwright_page" not in response.meta
        assert not page.closed

        second = _rendered()
        await mw.process_request(second)
        assert second.meta["playwright_page"] is page
        assert mw.stats is not None
        assert mw.stats.get_value("pricewatch/render/pages_reused") == 1

        # A failed render closes its page (its state is unknown) and frees the slot.
        await mw.process_exception(second, TimeoutError("render"))
        assert page.closed
        third = _rendered()
        await asyncio.wait_for(mw.process_request(third), timeout=1)
        assert "playwright_page" not in third.meta

    asyncio.run(scenario())


def test_page_pool_bounds_rendered_requests_in_flight() -> None:
    async def scenario() -> None:
        mw = _pool(2)
        a, b, c = _rendered(), _rendered(), _rendered()
        await mw.process_request(a)
        await mw.process_request(b)
        waiting = asyncio.ensure_future(mw.process_request(c))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # a third page would exceed PLAYWRIGHT_MAX_PAGES_PER_CONTEXT
        a.meta["playwright_page"] = FakePage()
        await mw.process_response(a, HtmlResponse(a.url, body=b"", request=a))
        await asyncio.wait_for(waiting, timeout=1)
        assert c.meta["playwright_page"] is not None

    asyncio.run(scenario())
