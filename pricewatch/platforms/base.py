"""``ProductSpider``: the base every shop spider stands on.

A shop file sets class attributes; this class does the crawling and the extraction.

Required attributes
    ``name``            the shop's slug; must equal the file name (``shops/<name>.py``).
    ``start_urls`` or ``sitemap_urls``
                        listing pages / home page to start from, or sitemaps listing products.

Optional attributes
    ``allowed_domains`` derived from the start URLs when omitted.
    ``currency``        ISO 4217 code used when a page does not say (and to read ``¥`` as JPY).
    ``product_links``   CSS/XPath of product links on listing pages (default: any link whose
                        URL matches ``product_url_pattern``).
    ``next_page``       CSS/XPath of the pagination link on listing pages.
    ``product_url_pattern``
                        regex a product page URL matches; pages matching it are parsed as
                        products, everything else as listings.
    ``selectors``       ``{"price": ..., "title": ..., "availability": ..., ...}`` CSS or XPath,
                        only for what structured data does not give.
    ``render``          ``True`` for shops whose prices appear only after JavaScript runs.
    ``render_listings`` render listing pages too (default: same as ``render``).
    ``wait_for``        selector a rendered page must show (default: ``selectors["price"]``).
    ``revisit_known``   when the crawl is done, fetch tracked listings it did not reach, so a
                        removed product is marked gone on 404/410 (default ``True``).

Hook
    ``post_process_item(self, item, response)`` returns the item (changed or not), or ``None``
    to drop it.

Arguments (``scrapy crawl SHOP -a name=value``)
    ``urls``            comma-separated product URLs to fetch instead of crawling the shop.
    ``base_url``        replace scheme and host of every start URL (staging copies, the demo).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import fields
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from pricewatch.errors import ShopDefinitionError
from pricewatch.extract import Extraction, extract_product
from pricewatch.extract.money import ISO_CURRENCIES
from pricewatch.extract.page import SELECTOR_FIELDS
from pricewatch.failures import classify_failure
from pricewatch.items import CrawlFailure, ListingGone, ProductItem
from pricewatch.rendering import PLAYWRIGHT_DOWNLOAD_HANDLERS, render_meta

GONE_STATUSES = frozenset({404, 410})


class ProductSpider(scrapy.Spider):
    """Crawl a shop's listings (with pagination) or sitemap, extract every product page."""

    currency: ClassVar[str | None] = None
    product_links: ClassVar[str | None] = None
    next_page: ClassVar[str | None] = None
    product_url_pattern: ClassVar[str | None] = None
    selectors: ClassVar[dict[str, str]] = {}
    render: ClassVar[bool] = False
    render_listings: ClassVar[bool | None] = None
    wait_for: ClassVar[str | None] = None
    revisit_known: ClassVar[bool] = True
    #: False for platform bases that read a catalogue API instead of listing pages.
    lists_products_in_pages: ClassVar[bool] = True
    # Instance attributes (rebased per crawl in __init__), declared here with class defaults.
    start_urls: list[str] = []
    sitemap_urls: list[str] = []
    #: Set by platform bases that are not meant to be crawled themselves.
    abstract: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.abstract = cls.__dict__.get("abstract", False)
        if not cls.abstract:
            cls.check_definition()

    @classmethod
    def check_definition(cls) -> None:
        """Raise :class:`ShopDefinitionError` naming the shop when its attributes are wrong."""
        where = f"shop {getattr(cls, 'name', None) or cls.__name__} ({cls.__module__})"
        if not getattr(cls, "name", None):
            raise ShopDefinitionError(f"{where}: missing required attribute 'name'")
        if not cls.start_urls and not cls.sitemap_urls:
            raise ShopDefinitionError(f"{where}: needs 'start_urls' or 'sitemap_urls'")
        for url in [*cls.start_urls, *cls.sitemap_urls]:
            if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
                raise ShopDefinitionError(f"{where}: start URL {url!r} is not an http(s) URL")
        if (
            cls.start_urls
            and cls.lists_products_in_pages
            and not (cls.product_links or cls.product_url_pattern)
        ):
            raise ShopDefinitionError(
                f"{where}: set 'product_url_pattern' (a regex product page URLs match) or "
                "'product_links' (a selector for them) so listing pages lead to products"
            )
        unknown = set(cls.selectors) - SELECTOR_FIELDS
        if unknown:
            raise ShopDefinitionError(
                f"{where}: unknown selector field(s) {sorted(unknown)}; "
                f"known: {sorted(SELECTOR_FIELDS)}"
            )
        if cls.product_url_pattern:
            try:
                re.compile(cls.product_url_pattern)
            except re.error as exc:
                raise ShopDefinitionError(
                    f"{where}: product_url_pattern is not a valid regex: {exc}"
                ) from exc
        if cls.currency is not None and cls.currency not in ISO_CURRENCIES:
            raise ShopDefinitionError(
                f"{where}: currency {cls.currency!r} is not an ISO 4217 code such as 'CNY'"
            )

    def __init__(
        self, *args: Any, urls: str | None = None, base_url: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.product_urls = [u.strip() for u in (urls or "").split(",") if u.strip()]
        self.start_urls = [self._rebase(u, base_url) for u in type(self).start_urls]
        self.sitemap_urls = [self._rebase(u, base_url) for u in type(self).sitemap_urls]
        if not getattr(self, "allowed_domains", None) or base_url:
            hosts = {urlsplit(u).hostname for u in [*self.start_urls, *self.sitemap_urls]}
            self.allowed_domains = sorted(h for h in hosts if h)
        self._product_re = (
            re.compile(self.product_url_pattern) if self.product_url_pattern else None
        )
        self._base_url = base_url
        self._requested: set[str] = set()
        self._revisited = False

    @classmethod
    def needs_browser(cls) -> bool:
        return bool(cls.render or cls.render_listings)

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Rendering shops get scrapy-playwright as download handler; others never start it."""
        super().update_settings(settings)
        if cls.needs_browser():
            handlers = {**settings.getdict("DOWNLOAD_HANDLERS"), **PLAYWRIGHT_DOWNLOAD_HANDLERS}
            settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.revisit_known_listings, signal=signals.spider_idle)
        return spider

    @staticmethod
    def _rebase(url: str, base_url: str | None) -> str:
        if not base_url:
            return url
        base, parts = urlsplit(base_url), urlsplit(url)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))

    # ------------------------------------------------------------------ requests

    def _wants_render(self, listing: bool) -> bool:
        if listing:
            return bool(self.render if self.render_listings is None else self.render_listings)
        return self.render

    def product_request(self, url: str, **kwargs: Any) -> Request:
        """A request for a product page, rendered when the shop says so."""
        meta = kwargs.pop("meta", {})
        if self._wants_render(listing=False):
            meta.update(render_meta(self.wait_for or self.selectors.get("price"), self.settings))
        self._requested.add(url)
        return Request(url, callback=self.parse_product, errback=self.on_error, meta=meta, **kwargs)

    def listing_request(self, url: str, **kwargs: Any) -> Request:
        meta = kwargs.pop("meta", {})
        if self._wants_render(listing=True):
            meta.update(render_meta(None, self.settings))
        return Request(url, callback=self.parse, errback=self.on_error, meta=meta, **kwargs)

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests_list():
            yield request

    def start_requests_list(self) -> list[Request]:
        if self.product_urls:
            return [self.product_request(u) for u in self.product_urls]
        requests = [
            Request(u, callback=self.parse_sitemap, errback=self.on_error)
            for u in self.sitemap_urls
        ]
        requests += [self.listing_request(u) for u in self.start_urls]
        return requests

    # ------------------------------------------------------------------ callbacks

    def is_product_url(self, url: str) -> bool:
        return bool(self._product_re and self._product_re.search(url))

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A listing page: follow product links and the next page."""
        if not isinstance(response, TextResponse):
            yield self.failure(
                response.url, "not_html", f"content type {response.headers.get('Content-Type')!r}"
            )
            return
        if response.status in GONE_STATUSES:
            yield self.failure(response.url, f"http_{response.status}", "listing page not found")
            return
        if self.is_product_url(response.url):
            yield from self.parse_product(response)
            return
        for url in self.find_product_links(response):
            yield self.product_request(url)
        if self.next_page:
            for url in self._links(response, self.next_page):
                yield self.listing_request(url)
        release_tree(response)

    def find_product_links(self, response: TextResponse) -> list[str]:
        if self.product_links:
            return self._links(response, self.product_links)
        return [u for u in self._links(response, "a") if self.is_product_url(u)]

    @staticmethod
    def _links(response: TextResponse, query: str) -> list[str]:
        nodes = response.xpath(query) if query.startswith(("/", "(")) else response.css(query)
        hrefs = [n.get() if isinstance(n.root, str) else n.attrib.get("href") for n in nodes]
        seen: dict[str, None] = {}
        for href in hrefs:
            if href and not href.startswith(("javascript:", "mailto:", "#")):
                seen.setdefault(response.urljoin(href.strip()), None)
        return list(seen)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several kinds on broken XML
            yield self.failure(response.url, "bad_sitemap", str(exc))
            return
        for entry in sitemap:
            loc = entry.get("loc", "").strip()
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield Request(loc, callback=self.parse_sitemap, errback=self.on_error)
            elif self._product_re is None or self.is_product_url(loc):
                yield self.product_request(loc)

    def parse_product(self, response: Response) -> Iterator[Any]:
        if response.status in GONE_STATUSES:
            yield ListingGone(url=response.url, shop=self.name, http_status=response.status)
            return
        if not isinstance(response, TextResponse):
            yield self.failure(response.url, "not_html", "the product page is not text/HTML")
            return
        item = self.product_from_response(response)
        if item is not None:
            yield item

    def product_from_response(self, response: TextResponse) -> ProductItem | None:
        """Extract one product page into an item (a failure is an item with ``error`` set)."""
        extraction = extract_product(
            response.selector,
            response.url,
            body=response.body,
            encoding=response.encoding,
            selectors=self.selectors,
            currency=self.currency,
        )
        item = item_from_extraction(extraction, shop=self.name, status=response.status)
        processed = self.post_process_item(item, response)
        release_tree(response)
        return processed

    def post_process_item(self, item: ProductItem, response: TextResponse) -> ProductItem | None:
        """Shop hook: adjust ``item`` (or return ``None`` to drop it). Default: unchanged."""
        return item

    def revisit_known_listings(self) -> None:
        """When the crawl runs dry, fetch tracked listings it did not reach this time.

        A product that left the shop's listings is not gone until its page says so: revisiting
        it either updates its price or, on 404/410, marks it gone. Runs once per crawl, not with
        ``-a urls=``, and can be switched off with ``PRICEWATCH_REVISIT_KNOWN = False``.
        """
        if self._revisited or self.product_urls or not self.revisit_known:
            return
        self._revisited = True
        if not self.settings.getbool("PRICEWATCH_REVISIT_KNOWN", True):
            return
        from pricewatch.db.store import Store

        try:
            with Store.from_url(self.settings.get("PRICEWATCH_DB_URL")) as store:
                known = store.listing_urls(self.name)
        except Exception as exc:  # the crawl's own results matter more than the revisit
            self.logger.warning("cannot read tracked listings to revisit: %s", exc)
            return
        missing = [
            url
            for url in dict.fromkeys(self._rebase(k, self._base_url) for k in known)
            if url not in self._requested
        ]
        if not missing:
            return
        self.logger.info("revisiting %d tracked listings not found this crawl", len(missing))
        self.crawler.stats.set_value("pricewatch/revisited", len(missing))
        for url in missing:
            self.crawler.engine.crawl(self.product_request(url))
        raise DontCloseSpider

    # ------------------------------------------------------------------ failures

    def failure(self, url: str, reason: str, detail: str = "") -> CrawlFailure:
        return CrawlFailure(url=url, shop=self.name, reason=reason, detail=detail)

    def on_error(self, failure: Failure) -> Iterable[CrawlFailure]:
        """Every failed request becomes a recorded failure with its reason, never silence."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        reason, detail = classify_failure(failure)
        self.logger.warning("%s: %s (%s)", url, reason, detail)
        if getattr(self, "crawler", None) is not None:
            self.crawler.stats.inc_value(f"pricewatch/failures/{reason}")
        return [self.failure(url, reason, detail)]


def release_tree(response: TextResponse) -> None:
    """Let a parsed page be freed as soon as its response is dropped.

    Scrapy's ``Selector`` keeps its response and the response caches its selector: a reference
    cycle that holds every page and its lxml tree until a full garbage collection (40 MB more
    peak memory over a 2,000-page crawl). ``response.css()`` keeps working afterwards.
    """
    selector = getattr(response, "_cached_selector", None)
    if selector is not None:
        selector.response = None


def item_from_extraction(extraction: Extraction, *, shop: str, status: int = 200) -> ProductItem:
    """The item for one extracted page (same field names; ``url`` is the page's URL)."""
    shared = {
        f.name: getattr(extraction, f.name)
        for f in fields(ProductItem)
        if hasattr(extraction, f.name)
    }
    return ProductItem(**shared, shop=shop, http_status=status)
