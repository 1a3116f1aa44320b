"""Rendering JavaScript shops through scrapy-playwright and Debian's Chromium.

Rendering is opt-in: a request goes through the browser only when its meta says so
(:func:`render_meta`, used by spiders whose shop sets ``render = True``, or by
``pricewatch extract --render``). Pages wait for the shop's price selector, never for a fixed
time; images, fonts and media are aborted (:func:`should_abort_request`), and open pages are
reused by :class:`pricewatch.middlewares.pagepool.PagePoolMiddleware`.

Settings: ``PRICEWATCH_CHROMIUM`` (executable), ``PRICEWATCH_RENDER_TIMEOUT_MS`` (wait limit),
``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT`` (open pages, i.e. rendering concurrency).
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings
from scrapy_playwright.page import PageMethod

#: Download handlers that send ``meta["playwright"]`` requests through the browser (and the rest
#: through Scrapy's HTTP handler). Set only for crawls that render: the handler starts a
#: Playwright driver process per scheme (~250 MB) even if no request ever renders.
PLAYWRIGHT_DOWNLOAD_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
}

#: Resource types a price page never needs; aborting them is most of rendering's speed-up.
ABORTED_RESOURCE_TYPES = frozenset({"image", "font", "media", "imageset", "texttrack"})


def should_abort_request(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST`` hook: drop images, fonts and media."""
    return request.resource_type in ABORTED_RESOURCE_TYPES


#: True once a page shows something that looks like a price, or carries JSON-LD.
PRICE_LIKE_JS = r"""() => {
  if (document.querySelector('script[type="application/ld+json"]')) return true;
  const text = document.body ? document.body.innerText : "";
  return /[¥￥$€£₹₽₩]\s?\d|\d\s?(元|円|€|zł|kr|Kč)/.test(text);
}"""
#: Cap on the generic wait: a page that never shows a price is read as it is after this.
SETTLE_MAX_MS = 8_000


async def settle(page: Any, timeout_ms: float) -> None:
    """Generic wait for a page whose shop names no selector to wait for.

    Waits until the network is idle, then until some price-looking text (or JSON-LD) is on the
    page; neither wait is an error when it runs out, since the page is then read as it is.
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError

    timeout = min(timeout_ms, SETTLE_MAX_MS)
    try:
        await page.wait_for_load_state("networkidle", timeout=timeout)
        await page.wait_for_function(PRICE_LIKE_JS, timeout=timeout)
    except PlaywrightTimeoutError:
        pass


def render_meta(wait_selector: str | None, settings: BaseSettings | None) -> dict[str, Any]:
    """Request meta that renders the page and waits until ``wait_selector`` is attached.

    Without a selector (``extract --render`` of an unknown shop, JavaScript listing pages) the
    page is given a bounded, generic chance to settle (:func:`settle`).
    """
    timeout = settings.getfloat("PRICEWATCH_RENDER_TIMEOUT_MS", 15_000) if settings else 15_000
    if wait_selector:
        methods = [
            PageMethod("wait_for_selector", wait_selector, state="attached", timeout=timeout)
        ]
    else:
        methods = [PageMethod(settle, timeout)]
    return {
        "playwright": True,
        "playwright_page_methods": methods,
        # No "playwright_include_page" here: the page pool asks for the page when it is active
        # (middlewares/pagepool.py). Without the pool nobody would close the page, and after
        # PLAYWRIGHT_MAX_PAGES_PER_CONTEXT requests the crawl would wait forever for a page.
        "pricewatch_render": True,
    }
