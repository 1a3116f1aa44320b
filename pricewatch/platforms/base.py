"""``ProductSpider``: the base every shop spider stands on.

A shop file sets class attributes; this class does the crawling and the extraction.

Required attributes
    ``name``            the shop's slug; must equal the file name (``shops/<name>.py``).
    ``start_urls`` or ``sitemap_urls``
                        listing pages / home page to start from, or sitemaps listing products
                        (``.xml`` or ``.xml.gz``, sitemap indexes, or a shop's ``robots.txt``,
                        whose ``Sitemap:`` lines are followed; Scrapy's sitemap handling).

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
    ``post_process_item(self, item, response)`` adjusts ``item.extraction`` and returns the
    item, ``None`` to drop it, or yields any number of items (a page listing several products).

Arguments (``scrapy crawl SHOP -a name=value``)
    ``urls``            comma-separated product URLs to fetch instead of crawling the shop.
    ``base_url``        replace scheme and host of every start URL (staging copies, the demo).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response, TextResponse
from scrapy.spiders import SitemapSpider

from pricewatch.errors import ShopDefinitionError
from pricewatch.extract import Extraction, ReadingRules
from pricewatch.extract.blocked import blocked_by
from pricewatch.extract.page import SELECTOR_FIELDS
from pricewatch.items import ListingGone, ProductItem
from pricewatch.money import ISO_CURRENCIES
from pricewatch.spiders.base import PricewatchSpider

GONE_STATUSES = frozenset({404, 410})


class ProductSpider(PricewatchSpider, SitemapSpider):
    """Crawl a shop's listings (with pagination) or sitemap, extract every product page."""

    currency: ClassVar[str | None] = None
    product_links: ClassVar[str | None] = None
    next_page: ClassVar[str | None] = None
    product_url_pattern: ClassVar[str | None] = None
    selectors: ClassVar[dict[str, str]] = {}
    render_listings: ClassVar[bool | None] = None
    wait_for: ClassVar[str | None] = None
    revisit_known: ClassVar[bool] = True
    #: False for platform bases that read a catalogue API instead of listing pages.
    lists_products_in_pages: ClassVar[bool] = True
    # Instance attributes (rebased per crawl in __init__), declared here with class defaults.
    start_urls: list[str] = []
    sitemap_urls: list[str] = []
    #: Set by platform bases that are not meant to be crawled themselves (not inherited).
    abstract: ClassVar[bool] = True
    definition_kind: ClassVar[str] = "shop"

    @classmethod
    def check_definition(cls) -> None:
        """Raise :class:`ShopDefinitionError` naming the shop when its attributes are wrong."""
        super().check_definition()
        where = cls.definition_label()
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

    @classmethod
    def reading_rules(cls) -> ReadingRules:
        """How this shop's product pages are read (shared with ``pricewatch extract``)."""
        return ReadingRules(
            selectors=dict(cls.selectors),
            currency=cls.currency,
            render=cls.render,
            wait_for=cls.wait_for,
        )

    def __init__(
        self, *args: Any, urls: str | None = None, base_url: str | None = None, **kwargs: Any
    ) -> None:
        # Sitemap entries Scrapy's SitemapSpider hands on: product pages only, when the shop
        # says what their URLs look like.
        self.sitemap_rules = [(self.product_url_pattern or "", "parse_product")]
        super().__init__(*args, base_url=base_url, **kwargs)
        self.product_urls = [u.strip() for u in (urls or "").split(",") if u.strip()]
        self.start_urls = [self.rebase(u) for u in type(self).start_urls]
        self.sitemap_urls = [self.rebase(u) for u in type(self).sitemap_urls]
        if not getattr(self, "allowed_domains", None) or base_url:
            hosts = {urlsplit(u).hostname for u in [*self.start_urls, *self.sitemap_urls]}
            self.allowed_domains = sorted(h for h in hosts if h)
        self._product_re = (
            re.compile(self.product_url_pattern) if self.product_url_pattern else None
        )
        self.rules = self.reading_rules()
        self._requested: set[str] = set()
        self._revisited = False
        self._known: list[str] | None = None
        self._known_pending = False

    @classmethod
    def needs_browser(cls) -> bool:
        return bool(cls.render or cls.render_listings)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.revisit_known_listings, signal=signals.spider_idle)
        return spider

    # ------------------------------------------------------------------ requests

    def _wants_render(self, listing: bool) -> bool:
        if listing:
            return bool(self.render if self.render_listings is None else self.render_listings)
        return self.rules.render

    def product_request(self, url: str, **kwargs: Any) -> Request:
        """A request for a product page, rendered when the shop says so."""
        self._requested.add(url)
        return self.page_request(
            url,
            render=self._wants_render(listing=False),
            wait_for=self.rules.wait_selector,
            callback=self.parse_product,
            **kwargs,
        )

    def listing_request(self, url: str, **kwargs: Any) -> Request:
        return self.page_request(
            url, render=self._wants_render(listing=True), callback=self.parse, **kwargs
        )

    def sitemap_request(self, url: str) -> Request:
        return Request(url, callback=self.parse_sitemap, errback=self.on_error)

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests_list():
            yield request

    def start_requests_list(self) -> list[Request]:
        if self.product_urls:
            return [self.product_request(u) for u in self.product_urls]
        requests = [self.sitemap_request(u) for u in self.sitemap_urls]
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
        links = self.find_product_links(response)
        if not links and (blocked := blocked_by(response.selector, response.body)):
            yield self.failure(
                response.url, "blocked", f"{blocked} answered instead of the listing page"
            )
            return
        for url in links:
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
        """A sitemap, sitemap index or robots.txt, read by Scrapy's ``SitemapSpider``.

        Scrapy decompresses ``.xml.gz`` (within ``DOWNLOAD_MAXSIZE``), follows indexes and
        ``Sitemap:`` lines of robots.txt; its requests are rebuilt here so product pages get
        this shop's rendering and every request its failure recording.
        """
        is_robots = response.url.endswith("/robots.txt")
        if not is_robots and self._get_sitemap_body(response) is None:
            yield self.failure(response.url, "bad_sitemap", "not a sitemap (XML or .xml.gz)")
            return
        found = False
        for request in self._parse_sitemap(response):
            found = True
            if request.callback == self._parse_sitemap:
                yield self.sitemap_request(request.url)
            else:
                yield self.product_request(request.url)
        if not found and not is_robots and b"<url" not in (self._get_sitemap_body(response) or b""):
            yield self.failure(response.url, "bad_sitemap", "the sitemap lists no URLs")

    def parse_product(self, response: Response) -> Iterator[Any]:
        if response.status in GONE_STATUSES:
            if self.product_urls:  # asked for by URL: say so (gone is only for tracked ones)
                yield self.failure(
                    response.url,
                    f"http_{response.status}",
                    "the page is not found (a tracked listing is marked gone)",
                )
            yield ListingGone(url=response.url, shop=self.name, http_status=response.status)
            return
        if not isinstance(response, TextResponse):
            yield self.failure(response.url, "not_html", "the product page is not text/HTML")
            return
        yield from self.product_items(response)

    def product_items(self, response: TextResponse) -> Iterator[Any]:
        """Extract one product page into items (a failure is an item whose extraction has
        ``error`` set), through the shop's ``post_process_item`` hook."""
        item = ProductItem(extraction=self.rules.read(response), shop=self.name)
        item.http_status = response.status
        yield from self.hooked(item, response)
        release_tree(response)

    def hooked(self, item: ProductItem, response: Response) -> Iterator[Any]:
        """Items ``post_process_item`` makes of ``item``: none, itself, or several."""
        processed = self.post_process_item(item, response)  # type: ignore[arg-type]
        if processed is None:
            return
        if isinstance(processed, ProductItem):
            yield processed
        else:
            yield from processed

    def post_process_item(
        self, item: ProductItem, response: TextResponse
    ) -> ProductItem | Iterable[Any] | None:
        """Shop hook: adjust ``item`` (or return ``None`` to drop it, or yield several items).
        Default: unchanged."""
        return item

    # ------------------------------------------------------------------ revisits

    def wants_known_listings(self) -> bool:
        """Whether this crawl revisits tracked listings it did not reach (see below)."""
        return (
            self.revisit_known
            and not self.product_urls
            and self.settings.getbool("PRICEWATCH_REVISIT_KNOWN", True)
        )

    def expect_known_listings(self) -> None:
        """The store pipeline is reading this shop's tracked listings for the revisit."""
        self._known_pending = True

    def known_listings_loaded(self, urls: list[str]) -> None:
        """The store pipeline's answer: URLs of the shop's listings that are not gone."""
        self._known, self._known_pending = list(urls), False

    def revisit_known_listings(self) -> None:
        """When the crawl runs dry, fetch tracked listings it did not reach this time.

        A product that left the shop's listings is not gone until its page says so: revisiting
        it either updates its price or, on 404/410, marks it gone. Runs once per crawl, not with
        ``-a urls=``, and can be switched off with ``PRICEWATCH_REVISIT_KNOWN = False``. The
        URLs come from the store pipeline, read off the reactor thread when the run opened;
        a crawl without the store pipeline (nothing stored) revisits nothing.
        """
        if self._revisited or not self.wants_known_listings():
            return
        if self._known_pending:
            raise DontCloseSpider  # the list is still being read: wait for it
        self._revisited = True
        missing = [
            url
            for url in dict.fromkeys(self.rebase(k) for k in self._known or [])
            if url not in self._requested
        ]
        if not missing:
            return
        self.logger.info("revisiting %d tracked listings not found this crawl", len(missing))
        self.crawler.stats.set_value("pricewatch/revisited", len(missing))
        for url in missing:
            self.crawler.engine.crawl(self.product_request(url))
        raise DontCloseSpider


def release_tree(response: TextResponse) -> None:
    """Let a parsed page be freed as soon as its response is dropped.

    Scrapy's ``Selector`` keeps its response and the response caches its selector: a reference
    cycle that holds every page and its lxml tree until a full garbage collection (40 MB more
    peak memory over a 2,000-page crawl). ``response.css()`` keeps working afterwards.
    """
    selector = getattr(response, "_cached_selector", None)
    if selector is not None:
        selector.response = None


def product_item(extraction: Extraction, *, shop: str, status: int = 200) -> ProductItem:
    """The item for one extracted page (platform bases that read APIs build them so)."""
    return ProductItem(extraction=extraction, shop=shop, http_status=status)
