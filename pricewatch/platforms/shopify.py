"""Shopify shops, read through the storefront's public ``/products.json``.

Every variant is its own listing (``/products/<handle>?variant=<id>``), priced from the JSON
(no HTML parsing at all). ``products.json`` does not state the currency, so ``currency`` is
required.

Required attributes: ``name``, ``start_urls`` (the shop's home page), ``currency``.
Optional: ``collection`` (crawl ``/collections/<collection>/products.json`` instead of the whole
catalogue), ``page_size`` (<= 250).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin

from scrapy.http import Request, Response

from pricewatch.errors import ShopDefinitionError
from pricewatch.extract import Extraction
from pricewatch.extract.availability import normalize_availability
from pricewatch.money import parse_amount
from pricewatch.platforms.base import GONE_STATUSES, ProductSpider, product_item


class ShopifySpider(ProductSpider):
    abstract: ClassVar[bool] = True
    # The catalogue API lists every product; product pages are not fetched one by one.
    revisit_known: ClassVar[bool] = False
    lists_products_in_pages: ClassVar[bool] = False
    collection: ClassVar[str | None] = None
    page_size: ClassVar[int] = 250

    @classmethod
    def check_definition(cls) -> None:
        super().check_definition()
        if not cls.currency:
            raise ShopDefinitionError(
                f"shop {cls.name} ({cls.__module__}): Shopify shops need 'currency' "
                "(products.json does not state it)"
            )

    def _catalog_url(self, base: str, page: int) -> str:
        path = (
            f"collections/{self.collection}/products.json" if self.collection else "products.json"
        )
        return urljoin(base, f"/{path}?limit={self.page_size}&page={page}")

    def start_requests_list(self) -> list[Request]:
        if self.product_urls:  # /products/<handle>.json describes one product
            return [
                Request(
                    u.split("?")[0] + ".json",
                    callback=self.parse_product_json,
                    errback=self.on_error,
                    cb_kwargs={"page_url": u},
                )
                for u in self.product_urls
            ]
        return [
            Request(
                self._catalog_url(u, 1),
                callback=self.parse_catalog,
                errback=self.on_error,
                cb_kwargs={"base": u, "page": 1},
            )
            for u in self.start_urls
        ]

    def parse_catalog(self, response: Response, base: str, page: int) -> Iterator[Any]:
        try:
            products = json.loads(response.body)["products"]
        except (ValueError, KeyError, TypeError) as exc:
            yield self.failure(response.url, "bad_json", f"not a Shopify products.json: {exc}")
            return
        for product in products:
            yield from self.items_from_product(product, base, response)
        if len(products) >= self.page_size:
            yield Request(
                self._catalog_url(base, page + 1),
                callback=self.parse_catalog,
                errback=self.on_error,
                cb_kwargs={"base": base, "page": page + 1},
            )

    def parse_product_json(self, response: Response, page_url: str) -> Iterator[Any]:
        if response.status in GONE_STATUSES:
            yield from super().parse_product(response.replace(url=page_url))
            return
        try:
            product = json.loads(response.body)["product"]
        except (ValueError, KeyError, TypeError) as exc:
            yield self.failure(page_url, "bad_json", f"not a Shopify product JSON: {exc}")
            return
        yield from self.items_from_product(product, page_url, response)

    def items_from_product(
        self, product: dict[str, Any], base: str, response: Response
    ) -> Iterator[Any]:
        handle = product.get("handle")
        images = product.get("images") or []
        image = images[0].get("src") if images and isinstance(images[0], dict) else None
        for variant in product.get("variants") or []:
            price = parse_amount(variant.get("price"))
            title = product.get("title")
            if variant.get("title") and variant["title"] != "Default Title":
                title = f"{title} - {variant['title']}"
            extraction = Extraction(
                url=urljoin(base, f"/products/{handle}?variant={variant.get('id')}"),
                title=title,
                price=price if price and price > 0 else None,
                currency=self.currency,
                list_price=parse_amount(variant.get("compare_at_price")),
                availability=normalize_availability(variant.get("available")),
                sku=variant.get("sku") or None,
                gtin=variant.get("barcode") or None,
                brand=product.get("vendor") or None,
                image=image,
                extracted_by="shopify",
                offers_count=1,
                error=None if price and price > 0 else "variant has no price",
            )
            yield from self.hooked(product_item(extraction, shop=self.name), response)
