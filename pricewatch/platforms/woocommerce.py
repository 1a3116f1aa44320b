"""WooCommerce shops, read through the public Store API (``/wp-json/wc/store/v1/products``).

The API gives prices as integers in minor units with ``currency_code`` and
``currency_minor_unit``, so no HTML and no price-string parsing is involved.

- **Variable products** (sizes, colours) are not one listing at the low end of their range:
  each variation is its own listing, as Shopify variants are. For every variable product the
  spider lists its variations (``?type=variation&parent=<id>``); a variation's URL is its
  permalink (``.../product/tee/?attribute_pa_size=m``), its title the product's name and the
  variation's attributes.
- **Price 0** (a free sample, a "price on request" product) is a state of the product, not a
  page that failed: it is counted as skipped (``pricewatch/skipped/price_0``), never stored
  and never recorded as a failure on every crawl. A product without any price is a failure.
- **Gone products**: once every page of the catalogue and of every variable product's
  variations has been read, a tracked listing the API no longer lists is marked gone (as for
  Shopify, :mod:`pricewatch.platforms.catalogue`); one failed or unreadable page, and nothing is.

Required attributes: ``name``, ``start_urls`` (the shop's home page).
Optional: ``page_size`` (<= 100), ``api_path``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import urlencode, urljoin, urlsplit

from scrapy.http import Request, Response

from pricewatch.extract import Extraction
from pricewatch.items import ProductItem
from pricewatch.platforms.base import product_item
from pricewatch.platforms.catalogue import CatalogueSpider
from pricewatch.records import Availability

#: The stat counting products whose price is 0 (not stored, not failures).
ZERO_PRICE_STAT = "pricewatch/skipped/price_0"


def minor_to_decimal(value: Any, minor_unit: Any) -> Decimal | None:
    """``"129900", 2`` -> ``Decimal("1299.00")``; ``None`` for missing or non-positive."""
    try:
        amount = Decimal(str(value)).scaleb(-int(minor_unit))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount > 0 else None


def is_zero_price(value: Any) -> bool:
    """The API states a price, and it is 0 (not missing, not malformed)."""
    try:
        return Decimal(str(value)) == 0
    except (InvalidOperation, TypeError, ValueError):
        return False


class WooCommerceSpider(CatalogueSpider):
    abstract: ClassVar[bool] = True
    page_size: ClassVar[int] = 100
    api_path: ClassVar[str] = "/wp-json/wc/store/v1/products"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Listing URLs the API listed this crawl, API requests not answered yet, and whether
        #: one of them failed (then the catalogue is incomplete: nothing is marked gone).
        self._listed: set[str] = set()
        self._api_pending = 0
        self._api_incomplete = False

    def _api_url(self, base: str, page: int, **query: Any) -> str:
        params = {**query, "per_page": self.page_size, "page": page}
        return urljoin(base, f"{self.api_path}?{urlencode(params)}")

    def start_requests_list(self) -> list[Request]:
        if self.product_urls:
            return super().start_requests_list()
        return [self._api_request(u, 1) for u in self.start_urls]

    def _api_request(self, base: str, page: int, parent: dict[str, Any] | None = None) -> Request:
        query = {"type": "variation", "parent": parent["id"]} if parent else {}
        self._api_pending += 1
        return Request(
            self._api_url(base, page, **query),
            callback=self.parse_api,
            errback=self.on_api_error,
            cb_kwargs={"base": base, "page": page, "parent": parent},
        )

    def on_api_error(self, failure: Any) -> Iterator[Any]:
        self._api_pending -= 1
        self._api_incomplete = True
        yield from self.on_error(failure)

    def parse_api(
        self, response: Response, base: str, page: int, parent: dict[str, Any] | None = None
    ) -> Iterator[Any]:
        self._api_pending -= 1
        try:
            products = json.loads(response.body)
            if not isinstance(products, list):
                raise TypeError("expected a JSON list of products")
        except (ValueError, TypeError) as exc:
            self._api_incomplete = True
            yield self.failure(
                response.url, "bad_json", f"not a WooCommerce Store API answer: {exc}"
            )
            return
        for product in products:
            if not isinstance(product, dict):
                continue
            if product.get("type") == "variable" and parent is None:
                # Listed through its variations, one listing each.
                yield self._api_request(base, 1, parent=_parent_of(product))
                continue
            if is_zero_price((product.get("prices") or {}).get("price")):
                self._listed.add(_listing_url(product, parent))
                if getattr(self, "crawler", None) is not None:
                    self.crawler.stats.inc_value(ZERO_PRICE_STAT)
                continue
            item = self.item_from_product(product, parent)
            self._listed.add(item.extraction.url)
            yield from self.hooked(item, response)
        total_pages = response.headers.get(b"X-WP-TotalPages")
        more = page < int(total_pages) if total_pages else len(products) >= self.page_size
        if more:
            yield self._api_request(base, page + 1, parent=parent)
        if self._api_pending == 0 and not self._api_incomplete:
            yield from self._catalogue_complete(response)

    def _catalogue_complete(self, response: Response) -> Iterator[Any]:
        if not self._listed:
            yield self.failure(
                response.url, "empty_catalogue", "the catalogue lists no products: nothing gone"
            )
            return
        for base in self.start_urls:
            yield from self.gone_from_catalogue(base, self._listed, response.status)

    def item_from_product(
        self, product: dict[str, Any], parent: dict[str, Any] | None = None
    ) -> ProductItem:
        prices = product.get("prices") or {}
        minor = prices.get("currency_minor_unit", 2)
        price = minor_to_decimal(prices.get("price"), minor)
        price_range = prices.get("price_range") or {}
        if price_range.get("min_amount"):
            price = minor_to_decimal(price_range["min_amount"], minor) or price
        regular = minor_to_decimal(prices.get("regular_price"), minor)
        availability: Availability
        if product.get("is_in_stock") is False:
            availability = "out_of_stock"
        elif (product.get("stock_availability") or {}).get("class") == "available-on-backorder":
            availability = "preorder"
        elif product.get("is_in_stock"):
            availability = "in_stock"
        else:
            availability = "unknown"
        images = product.get("images") or (parent or {}).get("images") or []
        brands = product.get("brands") or (parent or {}).get("brands") or []
        extraction = Extraction(
            url=_listing_url(product, parent),
            title=_title(product, parent),
            price=price,
            currency=prices.get("currency_code") or self.currency,
            list_price=regular if regular and price and regular > price else None,
            availability=availability,
            sku=product.get("sku") or None,
            brand=brands[0].get("name") if brands and isinstance(brands[0], dict) else None,
            image=images[0].get("src") if images and isinstance(images[0], dict) else None,
            extracted_by="woocommerce",
            offers_count=1,
            error=None if price else "product has no price in the Store API",
        )
        return product_item(extraction, shop=self.name)


def _parent_of(product: dict[str, Any]) -> dict[str, Any]:
    """What a variation's listing takes from its variable product."""
    keys = ("id", "name", "permalink", "images", "brands")
    return {k: product.get(k) for k in keys}


def _listing_url(product: dict[str, Any], parent: dict[str, Any] | None) -> str:
    url = str(product.get("permalink") or "")
    if parent is None:
        return url
    parent_url = str(parent.get("permalink") or "")
    if url and (url != parent_url or urlsplit(url).query):
        return url
    # A variation without a permalink of its own: the product page selecting it.
    separator = "&" if urlsplit(parent_url).query else "?"
    return f"{parent_url}{separator}variation_id={product.get('id')}"


def _title(product: dict[str, Any], parent: dict[str, Any] | None) -> str | None:
    """A variation's own name when it names the variation (``T-shirt - M``), else the
    product's name and the variation's attributes (``variation``: ``Size: M``)."""
    name = product.get("name")
    if parent is None:
        return name
    parent_name = parent.get("name")
    if name and name != parent_name:
        return str(name)
    variation = product.get("variation")
    if isinstance(variation, list):  # older answers: [{"attribute": ..., "value": ...}]
        variation = ", ".join(str(a.get("value")) for a in variation if isinstance(a, dict))
    base = parent_name or name
    return f"{base} - {variation}" if variation and base else (base or variation or None)
