"""The shops: product spiders of the spider registry, looked up by name or by URL.

Shop files live in ``pricewatch/spiders/shops/``; :mod:`pricewatch.spiders.registry` loads them
(with one clear error naming a malformed file) for these functions and for Scrapy alike.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pricewatch.errors import UnknownShopError
from pricewatch.platforms.base import ProductSpider
from pricewatch.spiders.registry import load_spiders

SHOP_PACKAGE = "pricewatch.spiders.shops"


def load_shops(package: str = SHOP_PACKAGE) -> dict[str, type[ProductSpider]]:
    """``{name: spider class}`` for every shop file; raises on the first malformed one."""
    return {
        name: spider
        for name, spider in load_spiders([package]).items()
        if issubclass(spider, ProductSpider)
    }


def get_shop(name: str, shops: dict[str, type[ProductSpider]] | None = None) -> type[ProductSpider]:
    shops = load_shops() if shops is None else shops
    try:
        return shops[name]
    except KeyError:
        known = ", ".join(sorted(shops)) or "none"
        raise UnknownShopError(f"no shop named {name!r} (known: {known})") from None


def shop_for_url(
    url: str, shops: dict[str, type[ProductSpider]] | None = None
) -> type[ProductSpider] | None:
    """The shop whose start URLs share ``url``'s host and port, else whose domains match."""
    shops = load_shops() if shops is None else shops
    parts = urlsplit(url)
    for spider in shops.values():
        if any(
            urlsplit(u).netloc == parts.netloc for u in [*spider.start_urls, *spider.sitemap_urls]
        ):
            return spider
    host = parts.hostname or ""
    for spider in shops.values():
        for domain in getattr(spider, "allowed_domains", None) or []:
            if host == domain or host.endswith("." + domain):
                return spider
    return None
