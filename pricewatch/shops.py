"""The shop registry: every spider in ``pricewatch/spiders/shops/``, loaded with clear errors.

Scrapy's own loader stops at the first broken module with a traceback; this one imports each
shop file on its own and reports a malformed one as :class:`ShopDefinitionError` naming the
file, so ``pricewatch crawl`` / ``shops list`` can say exactly what to fix.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
from types import ModuleType
from urllib.parse import urlsplit

from pricewatch.errors import ShopDefinitionError, UnknownShopError
from pricewatch.platforms.base import ProductSpider

SHOP_PACKAGE = "pricewatch.spiders.shops"


def _shop_modules(package: str) -> list[str]:
    pkg = importlib.import_module(package)
    return [
        f"{package}.{info.name}"
        for info in pkgutil.iter_modules(pkg.__path__)
        if not info.name.startswith("_")
    ]


def _spiders_in(module: ModuleType) -> list[type[ProductSpider]]:
    return [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, ProductSpider)
        and obj.__module__ == module.__name__
        and not obj.abstract
    ]


def load_shops(package: str = SHOP_PACKAGE) -> dict[str, type[ProductSpider]]:
    """``{name: spider class}`` for every shop file; raises on the first malformed one."""
    shops: dict[str, type[ProductSpider]] = {}
    for module_name in _shop_modules(package):
        spec = importlib.util.find_spec(module_name)
        file = spec.origin if spec and spec.origin else module_name.replace(".", "/") + ".py"
        try:
            module = importlib.import_module(module_name)
        except ShopDefinitionError as exc:
            raise ShopDefinitionError(f"{file}: {exc}") from exc
        except Exception as exc:  # a syntax error, a bad import, anything a file can do
            raise ShopDefinitionError(f"{file}: cannot load: {type(exc).__name__}: {exc}") from exc
        for spider in _spiders_in(module):
            if spider.name in shops:
                other = shops[spider.name].__module__
                raise ShopDefinitionError(
                    f"{file}: shop name {spider.name!r} already used by {other}"
                )
            shops[spider.name] = spider
    return shops


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
