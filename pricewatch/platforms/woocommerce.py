"""WooCommerce shops, read through the public Store API (``/wp-json/wc/store/v1/products``).

The API gives prices as integers in minor units with ``currency_code`` and
``currency_minor_unit``, so no HTML and no price-string parsing is involved. Variable products
report their price range; the low end is taken.

Required attributes: ``name``, ``start_urls`` (the shop's home page).
Optional: ``page_size`` (<= 100), ``api_path``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import urljoin

from scrapy.http import Request, Response

from pricewatch.extract import Extraction
from pricewatch.items import ProductItem
from pricewatch.platforms.base import ProductSpider, product_item
from pricewatch.records import Availability


def minor_to_decimal(value: Any, minor_unit: Any) -> Decimal | None:
    """``"129900", 2`` -> ``Decimal("1299.00")``; ``None`` for missing or non-positive."""
    try:
        amount = Decimal(str(value)).scaleb(-int(minor_unit))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount > 0 else None


class WooCommerceSpider(ProductSpider):
    abstract: ClassVar[bool] = True
    # The catalogue API lists every product; product pages are not fetched one by one.
    revisit_known: ClassVar[bool] = False
    lists_products_in_pages: ClassVar[bool] = False
    page_size: ClassVar[int] = 100
    api_path: ClassVar[str] = "/wp-json/wc/store/v1/products"

    def _api_url(self, base: str, page: int) -> str:
        return urljoin(base, f"{self.api_path}?per_page={self.page_size}&page={page}")

    def start_requests_list(self) -> list[Request]:
        if self.product_urls:
            return super().start_requests_list()
        return [
            Request(
                self._api_url(u, 1),
                callback=self.parse_api,
                errback=self.on_error,
                cb_kwargs={"base": u, "page": 1},
            )
            for u in self.start_urls
        ]

    def parse_api(self, response: Response, base: str, page: int) -> Iterator[Any]:
        try:
            products = json.loads(response.body)
            if not isinstance(products, list):
                raise TypeError("expected a JSON list of products")
        except (ValueError, TypeError) as exc:
            yield self.failure(
                response.url, "bad_json", f"not a WooCommerce Store API answer: {exc}"
            )
            return
        for product in products:
            yield from self.hooked(self.item_from_product(product), response)
        total_pages = response.headers.get(b"X-WP-TotalPages")
        more = page < int(total_pages) if total_pages else len(products) >= self.page_size
        if more:
            yield Request(
                self._api_url(base, page + 1),
                callback=self.parse_api,
                errback=self.on_error,
                cb_kwargs={"base": base, "page": page + 1},
            )

    def item_from_product(self, product: dict[str, Any]) -> ProductItem:
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
        images = product.get("images") or []
        brands = product.get("brands") or []
        extraction = Extraction(
            url=product.get("permalink") or "",
            title=product.get("name"),
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
