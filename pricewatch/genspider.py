"""``pricewatch genspider``: write a shop file, its offline test and a saved product page.

The shop file goes to ``pricewatch/spiders/shops/<slug>.py``, the test to
``tests/shops/test_<slug>.py`` and the page to ``tests/fixtures/shops/<slug>.html``. The test
pins what extraction sees on the saved page today, so a change that breaks this shop fails it.
"""

from __future__ import annotations

import keyword
import re
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from scrapy.http import HtmlResponse

from pricewatch.errors import PricewatchError
from pricewatch.extract import extract_product
from pricewatch.money import ISO_CURRENCIES

PLATFORM_BASES = {
    "structured": "StructuredDataSpider",
    "rendered": "RenderedSpider",
    "shopify": "ShopifySpider",
    "woocommerce": "WooCommerceSpider",
}
SLUG = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
REPO_ROOT = Path(__file__).resolve().parent.parent


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


def generate(
    slug: str,
    url: str,
    *,
    platform: str = "structured",
    currency: str | None = None,
    force: bool = False,
    root: Path = REPO_ROOT,
    page: bytes | None = None,
    encoding: str | None = None,
) -> list[Path]:
    """Write the three files; returns their paths. ``page`` skips fetching ``url``."""
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
    paths = {
        "shop": root / "pricewatch" / "spiders" / "shops" / f"{slug}.py",
        "test": root / "tests" / "shops" / f"test_{slug}.py",
        "fixture": root / "tests" / "fixtures" / "shops" / f"{slug}.html",
    }
    existing = [p for p in paths.values() if p.exists()]
    if existing and not force:
        raise PricewatchError(f"{existing[0]} exists (use --force to overwrite)")
    if page is None:
        page, encoding = fetch(url)
    encoding = encoding or "utf-8"
    response = HtmlResponse(url, body=page, encoding=encoding)
    seen = extract_product(response.selector, url, body=page, encoding=encoding, currency=currency)
    path_pattern = (
        re.escape(parts.path.rsplit("/", 1)[0] + "/") if parts.path.count("/") > 1 else "/"
    )
    context = {
        "slug": slug,
        "url": url,
        "platform": platform,
        "base": PLATFORM_BASES[platform],
        "class_name": "".join(p.capitalize() for p in slug.split("_")) + "Spider",
        "start_url": f"{parts.scheme}://{parts.netloc}/",
        "currency": currency,
        "product_pattern": path_pattern,
        "price": str(seen.price) if seen.price is not None else None,
        "item_currency": seen.currency,
        "title": seen.title,
        "encoding": encoding,
    }
    env = Environment(
        loader=PackageLoader("pricewatch", "templates/genspider"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    for path in paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    paths["shop"].write_text(env.get_template("shop.py.j2").render(context) + "\n", "utf-8")
    paths["test"].write_text(env.get_template("test_shop.py.j2").render(context) + "\n", "utf-8")
    paths["fixture"].write_bytes(page)
    return list(paths.values())
