"""``pricewatch genspider``: write a shop file, its offline test and a saved fixture.

The shop file goes to ``pricewatch/spiders/shops/<slug>.py``, the test to
``tests/shops/test_<slug>.py`` and the fixture to ``tests/fixtures/shops/<slug>.<ext>``. The
URL given is where the shop starts; what it is decides the shop and its test:

* a **product page** (a price is found on it): the shop starts there, the test pins the price;
* a **listing** (no price, several links sharing one URL shape): the shop starts there with a
  ``product_url_pattern`` for those links, the test pins the product links found;
* a **sitemap** (``<urlset>``/``<sitemapindex>``, ``.xml.gz``, or ``robots.txt``): the shop
  reads it (``sitemap_urls``), the test pins the product URLs it lists;
* with ``--platform shopify|woocommerce`` the store's API answer (``/products.json``, the
  Store API) is the fixture and the test pins the listings (variants) read from it.

The files pass ruff and ``ruff format --check`` as written.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import keyword
import re
import subprocess
import sys
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from scrapy.http import HtmlResponse, Request, TextResponse

from pricewatch.errors import PricewatchError
from pricewatch.extract import extract_product
from pricewatch.money import ISO_CURRENCIES

PLATFORM_BASES = {
    "structured": "StructuredDataSpider",
    "rendered": "RenderedSpider",
    "shopify": "ShopifySpider",
    "woocommerce": "WooCommerceSpider",
}
#: The API answer saved as a platform shop's fixture.
PLATFORM_APIS = {
    "shopify": "/products.json?limit=250&page=1",
    "woocommerce": "/wp-json/wc/store/v1/products?per_page=100&page=1",
}
SLUG = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
REPO_ROOT = Path(__file__).resolve().parent.parent
#: The project's ruff configuration, which generated files are formatted with.
RUFF_CONFIG = REPO_ROOT / "pyproject.toml"
#: Product URLs (or variants) a generated test pins.
PINNED = 3


@dataclass(frozen=True)
class Generated:
    """What :func:`generate` wrote and what it took the URL for."""

    paths: list[Path]
    #: ``product``, ``listing``, ``sitemap``, ``shopify`` or ``woocommerce``.
    kind: str
    #: One line for the user: what the URL is and where the shop starts.
    summary: str


def fetch(url: str, timeout: float = 20.0) -> tuple[bytes, str]:
    """The page's bytes and its encoding as the server declared it (utf-8 when it did not)."""
    from pricewatch import settings

    request = urllib.request.Request(url, headers={"User-Agent": settings.USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            charset = response.headers.get_content_charset() or ""
    except OSError as exc:
        raise PricewatchError(f"cannot fetch {url}: {exc}") from exc
    page = HtmlResponse(url, body=body, encoding=charset or None)
    return body, page.encoding


def is_sitemap(url: str, body: bytes) -> bool:
    if urlsplit(url).path.endswith("/robots.txt"):
        return True
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except OSError:
            return False
    head = body[:2048].lstrip()
    return head.startswith(b"<?xml") and (b"<urlset" in body or b"<sitemapindex" in body)


def url_pattern(urls: list[str], exclude: str = "") -> tuple[str | None, list[str]]:
    """The regex most of ``urls`` share (same directory and extension) and the URLs matching.

    ``None`` when fewer than two URLs share a shape.
    """
    shapes: Counter[tuple[str, str, str]] = Counter()
    members: dict[tuple[str, str, str], list[str]] = {}
    for url in dict.fromkeys(urls):
        parts = urlsplit(url)
        if url == exclude or not parts.path.strip("/"):
            continue
        directory, _, leaf = parts.path.rpartition("/")
        if not leaf:
            continue
        suffix = leaf[leaf.rfind(".") :] if "." in leaf else ""
        key = (parts.netloc, directory + "/", suffix)
        shapes[key] += 1
        members.setdefault(key, []).append(url)
    if not shapes:
        return None, []
    key, count = shapes.most_common(1)[0]
    if count < 2:
        return None, []
    _, directory, suffix = key
    return re.escape(directory) + r"[^/?#]+" + re.escape(suffix) + "$", members[key]


def _check(slug: str, url: str, platform: str, currency: str | None) -> None:
    if not SLUG.match(slug) or keyword.iskeyword(slug):
        raise PricewatchError(
            f"shop slug {slug!r}: use lower-case letters, digits and _ (e.g. 'acme_store')"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PricewatchError(f"{url!r} is not an http(s) URL")
    if platform not in PLATFORM_BASES:
        raise PricewatchError(f"unknown platform {platform!r}: {sorted(PLATFORM_BASES)}")
    if currency is not None and currency not in ISO_CURRENCIES:
        raise PricewatchError(f"currency {currency!r} is not an ISO 4217 code such as 'CNY'")
    if platform == "shopify" and currency is None:
        raise PricewatchError("Shopify shops need --currency (products.json does not state it)")


def generate(
    slug: str,
    url: str,
    *,
    platform: str = "structured",
    currency: str | None = None,
    force: bool = False,
    root: Path | None = None,
    page: bytes | None = None,
    encoding: str | None = None,
) -> Generated:
    """Write the three files under ``root`` (default: the checkout). ``page`` (the URL's body,
    or the API answer) skips fetching."""
    _check(slug, url, platform, currency)
    root = REPO_ROOT if root is None else root
    parts = urlsplit(url)
    home = f"{parts.scheme}://{parts.netloc}/"
    source = urljoin(home, PLATFORM_APIS[platform]) if platform in PLATFORM_APIS else url
    context: dict[str, Any] = {
        "slug": slug,
        "url": source,
        "platform": platform,
        "base": PLATFORM_BASES[platform],
        "class_name": "".join(p.capitalize() for p in slug.split("_")) + "Spider",
        "start_url": home,
        "sitemap_url": None,
        "currency": currency,
        "product_pattern": None,
        "encoding": encoding or "utf-8",
    }
    if page is None:
        page, encoding = fetch(source)
        context["encoding"] = encoding
    if platform in PLATFORM_APIS:
        kind, ext, template = platform, "json", "test_platform.py.j2"
        context["expected"] = _platform_listings(context, page)
        summary = (
            f"{source}: {platform} API answer with {len(context['expected'])} listings pinned; "
            f"the shop reads the API from {home}"
        )
    elif is_sitemap(url, page):
        kind, template = "sitemap", "test_sitemap.py.j2"
        ext = "xml.gz" if page[:2] == b"\x1f\x8b" else "xml"
        context.update(sitemap_url=url, start_url=None)
        summary = _sitemap(context, url, page)
    else:
        kind, ext, summary = _page(context, url, page, currency)
        template = "test_shop.py.j2" if kind == "product" else "test_listing.py.j2"
    paths = {
        "shop": root / "pricewatch" / "spiders" / "shops" / f"{slug}.py",
        "test": root / "tests" / "shops" / f"test_{slug}.py",
        "fixture": root / "tests" / "fixtures" / "shops" / f"{slug}.{ext}",
    }
    context["fixture"] = paths["fixture"].name
    existing = [p for p in paths.values() if p.exists()]
    if existing and not force:
        raise PricewatchError(f"{existing[0]} exists (use --force to overwrite)")
    env = Environment(
        loader=PackageLoader("pricewatch", "templates/genspider"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # A Python string literal (JSON's escapes are Python's; Jinja's tojson escapes & < > ').
    env.filters["py"] = lambda value: json.dumps(value, ensure_ascii=False)
    for path in paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    paths["shop"].write_text(env.get_template("shop.py.j2").render(context), "utf-8")
    paths["test"].write_text(env.get_template(template).render(context), "utf-8")
    paths["fixture"].write_bytes(page)
    _format([paths["shop"], paths["test"]])
    return Generated(list(paths.values()), kind, summary)


def _format(files: list[Path]) -> None:
    """``ruff format`` the written code (long URLs wrapped as the project's format wants).

    The templates come out formatted already but for the lengths of URLs and titles; ruff is
    part of the development set-up, and without it the files are left as rendered.
    """
    if importlib.util.find_spec("ruff") is None or not RUFF_CONFIG.is_file():
        return
    config = ["--config", str(RUFF_CONFIG)]
    subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--quiet", *config, *map(str, files)],
        check=False,
        capture_output=True,
    )


def _page(
    context: dict[str, Any], url: str, page: bytes, currency: str | None
) -> tuple[str, str, str]:
    """A product page or a listing: ``(kind, fixture extension, summary)``."""
    response = HtmlResponse(url, body=page, encoding=context["encoding"])
    seen = extract_product(
        response.selector, url, body=page, encoding=context["encoding"], currency=currency
    )
    context["start_url"] = url
    context.update(title=seen.title, item_currency=seen.currency, price=None, links=[])
    links = [response.urljoin(h) for h in response.css("a::attr(href)").getall()]
    pattern, matching = url_pattern(links, exclude=url)
    if seen.price is not None:
        directory = urlsplit(url).path.rsplit("/", 1)[0] + "/"
        context["product_pattern"] = re.escape(directory) if directory != "/" else "/"
        context["price"] = str(seen.price)
        return (
            "product",
            "html",
            f"{url}: a product page ({seen.price} {seen.currency or '?'}); the shop starts "
            "there: add a listing page or sitemap to start_urls to crawl the catalogue",
        )
    if pattern is None:
        context["product_pattern"] = "/"
        return (
            "listing",
            "html",
            f"{url}: no price and no product links found: the shop starts there; set "
            "product_url_pattern (or product_links) by hand",
        )
    context["product_pattern"] = pattern
    context["links"] = matching[:PINNED]
    context["link_count"] = len(matching)
    return (
        "listing",
        "html",
        f"{url}: a listing with {len(matching)} product links ({pattern}); the shop starts there",
    )


def _sitemap(context: dict[str, Any], url: str, page: bytes) -> str:
    from scrapy.utils.test import get_crawler

    from pricewatch.platforms import StructuredDataSpider

    cls: Any = type("Gen", (StructuredDataSpider,), {"name": "gen", "sitemap_urls": [url]})
    shop = cls.from_crawler(get_crawler(cls))  # sitemap size limits come from the settings
    response = TextResponse(url, body=page, request=Request(url))
    urls = [r.url for r in shop._parse_sitemap(response) if isinstance(r, Request)]
    pattern, matching = url_pattern(urls)
    context["product_pattern"] = pattern or ""
    context["links"] = (matching if pattern else urls)[:PINNED]
    return f"{url}: a sitemap listing {len(urls)} URLs; the shop reads it (sitemap_urls)"


def _platform_listings(context: dict[str, Any], page: bytes) -> list[tuple[str, str | None]]:
    """``(listing URL, price)`` of the first listings read from the saved API answer."""
    from pricewatch.items import CrawlFailure, ProductItem
    from pricewatch.platforms import ShopifySpider, WooCommerceSpider

    base = ShopifySpider if context["platform"] == "shopify" else WooCommerceSpider
    attrs = {"name": "gen", "start_urls": [context["start_url"]], "currency": context["currency"]}
    shop: Any = type("Gen", (base,), attrs)()
    response = TextResponse(context["url"], body=page)
    if context["platform"] == "shopify":
        out = shop.parse_catalog(response, base=context["start_url"], page=1)
    else:
        out = shop.parse_api(response, base=context["start_url"], page=1)
    out = list(out)
    items = [o.extraction for o in out if isinstance(o, ProductItem)]
    if not items:
        why = next((f": {o.detail}" for o in out if isinstance(o, CrawlFailure)), "")
        raise PricewatchError(
            f"{context['url']}: no {context['platform']} listings in the answer{why} "
            "(is this the store's address?)"
        )
    return [(i.url, str(i.price) if i.price is not None else None) for i in items[:PINNED]]
