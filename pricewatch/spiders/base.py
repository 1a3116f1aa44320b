"""``PricewatchSpider``: what every pricewatch spider shares, whatever it collects.

Product shops (:class:`pricewatch.platforms.base.ProductSpider`), trending-topic sources and the
one-off extraction spider all stand on it:

- **failures are recorded, never silent**: :meth:`failure` builds the item a page that gave
  nothing becomes, and :meth:`on_error` turns every failed request (timeout, DNS, robots.txt,
  HTTP errors, rendering) into one with a stable reason code;
- **rebasing**: ``-a base_url=http://host:port`` moves every start URL to another host
  (staging copies, the demo on other ports), :meth:`rebase`;
- **rendering**: a spider that renders (``render = True``) gets scrapy-playwright as its download
  handler through :meth:`update_settings`; others never start Playwright or Chromium, and
  :meth:`page_request` builds the request meta for rendered pages in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.http import Request
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from pricewatch.crawl.failures import classify_failure
from pricewatch.crawl.rendering import PLAYWRIGHT_DOWNLOAD_HANDLERS, render_meta
from pricewatch.errors import ShopDefinitionError
from pricewatch.items import CrawlFailure


def rebase_url(url: str, base_url: str | None) -> str:
    """``url`` with the scheme and host of ``base_url`` (unchanged without one)."""
    if not base_url:
        return url
    base, parts = urlsplit(base_url), urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


class PricewatchSpider(scrapy.Spider):
    """Base of every pricewatch spider: failure recording, rebasing, opt-in rendering.

    A subclass is checked when it is defined (:meth:`check_definition`), so a malformed spider
    file fails at import with one error naming it; bases that are not crawled themselves set
    ``abstract = True`` (not inherited).
    """

    #: Pages need a browser (Playwright) to show what is read from them.
    render: ClassVar[bool] = False
    #: Set by bases that are not meant to be crawled themselves (not inherited).
    abstract: ClassVar[bool] = True
    #: What a spider of this base is called in definition errors ("shop", "topic source").
    definition_kind: ClassVar[str] = "spider"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.abstract = cls.__dict__.get("abstract", False)
        if not cls.abstract:
            cls.check_definition()

    @classmethod
    def definition_label(cls) -> str:
        """``shop acme (pricewatch.spiders.shops.acme)``: how errors name this spider."""
        name = getattr(cls, "name", None) or cls.__name__
        return f"{cls.definition_kind} {name} ({cls.__module__})"

    @classmethod
    def check_definition(cls) -> None:
        """Raise :class:`ShopDefinitionError` naming the spider when its attributes are wrong."""
        if not getattr(cls, "name", None):
            raise ShopDefinitionError(
                f"{cls.definition_label()}: missing required attribute 'name'"
            )

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._base_url = base_url

    @classmethod
    def needs_browser(cls) -> bool:
        return bool(cls.render)

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Rendering spiders get scrapy-playwright as download handler; others never start it."""
        super().update_settings(settings)
        if cls.needs_browser():
            handlers = {**settings.getdict("DOWNLOAD_HANDLERS"), **PLAYWRIGHT_DOWNLOAD_HANDLERS}
            settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")

    def rebase(self, url: str) -> str:
        """``url`` moved to this crawl's ``base_url`` host, if one was given."""
        return rebase_url(url, self._base_url)

    def page_request(
        self, url: str, *, render: bool, wait_for: str | None = None, **kwargs: Any
    ) -> Request:
        """A request whose failures are recorded; rendered (waiting for ``wait_for``) if asked."""
        meta = kwargs.pop("meta", None) or {}
        if render:
            meta.update(render_meta(wait_for, self.settings))
        kwargs.setdefault("errback", self.on_error)
        return Request(url, meta=meta, **kwargs)

    # ------------------------------------------------------------------ failures

    def failure(self, url: str, reason: str, detail: str = "") -> CrawlFailure:
        """The item a page that gave nothing becomes, counted in ``pricewatch/failures/*``."""
        if getattr(self, "crawler", None) is not None:
            self.crawler.stats.inc_value(f"pricewatch/failures/{reason}")
        return CrawlFailure(url=url, shop=self.name, reason=reason, detail=detail)

    def on_error(self, failure: Failure) -> Iterable[Any]:
        """Every failed request becomes a recorded failure with its reason, never silence."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        reason, detail = classify_failure(failure)
        self.logger.warning("%s: %s (%s)", url, reason, detail)
        return [self.failure(url, reason, detail)]
