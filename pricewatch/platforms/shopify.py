"""Shopify shops, read through the storefront's public ``/products.json``.

Every variant is its own listing (``/products/<handle>?variant=<id>``), priced from the JSON
(no HTML parsing at all). ``products.json`` does not state the currency, so ``currency`` is
required.

- **Gone products**: the whole catalogue is listed on every crawl, so a tracked product or
  variant missing from a *complete* listing (every page fetched and read, the last one short)
  has left the shop and is marked gone. An incomplete listing (a page failed, answered
  something other than the catalogue, or the catalogue is empty) marks nothing gone; nor does
  a ``collection`` crawl, which lists only part of the shop.
- **Single products** (``crawl SHOP --url URL``) are read from ``/products/<handle>.js``, which
  states each variant's stock (``available``) and its price in cents; a URL with ``?variant=``
  reads that variant, one without reads them all.

Required attributes: ``name``, ``start_urls`` (the shop's home page), ``currency``.
Optional: ``collection`` (crawl ``/collections/<collection>/products.json`` instead of the whole
catalogue), ``page_size`` (<= 250).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import parse_qs, urljoin, urlsplit

from scrapy.http import Request, Response

from pricewatch.errors import ShopDefinitionError
from pricewatch.extract import Extraction
from pricewatch.extract.availability import normalize_availability
from pricewatch.money import parse_amount
from pricewatch.platforms.base import GONE_STATUSES, product_item
from pricewatch.platforms.catalogue import CatalogueSpider


def cents(value: Any) -> Decimal | None:
    """A ``.js`` amount (integer cents, ``1250`` -> ``12.50``); decimal strings as they are."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value).scaleb(-2)
    return parse_amount(str(value))


class ShopifySpider(CatalogueSpider):
    abstract: ClassVar[bool] = True
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Listing URLs each catalogue (by base URL) showed this crawl.
        self._listed: dict[str, set[str]] = {}

    # ------------------------------------------------------------------ requests

    def lists_whole_catalogue(self) -> bool:
        return self.collection is None

    def _catalog_url(self, base: str, page: int) -> str:
        path = (
            f"collections/{self.collection}/products.json" if self.collection else "products.json"
        )
        return urljoin(base, f"/{path}?limit={self.page_size}&page={page}")

    def start_requests_list(self) -> list[Request]:
        if self.product_urls:  # /products/<handle>.js: one product, with stock per variant
            return [
                Request(
                    urljoin(u, urlsplit(u).path.rstrip("/") + ".js"),
                    callback=self.parse_product_js,
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

    # ------------------------------------------------------------------ the catalogue

    def parse_catalog(self, response: Response, base: str, page: int) -> Iterator[Any]:
        try:
            products = json.loads(response.body)["products"]
            if not isinstance(products, list):
                raise TypeError("'products' is not a list")
        except (ValueError, KeyError, TypeError) as exc:
            yield self.failure(response.url, "bad_json", f"not a Shopify products.json: {exc}")
            return
        listed = self._listed.setdefault(base, set())
        for product in products:
            if not isinstance(product, dict):
                continue
            for variant in product.get("variants") or []:
                listed.add(self._variant_url(base, product, variant))
            yield from self.items_from_product(product, base, response)
        if len(products) >= self.page_size:
            yield Request(
                self._catalog_url(base, page + 1),
                callback=self.parse_catalog,
                errback=self.on_error,
                cb_kwargs={"base": base, "page": page + 1},
            )
        elif not listed:
            yield self.failure(
                response.url, "empty_catalogue", "the catalogue lists no products: nothing gone"
            )
        else:
            yield from self.gone_from_catalogue(base, listed, response.status)

    # ------------------------------------------------------------------ single products

    def parse_product_js(self, response: Response, page_url: str) -> Iterator[Any]:
        if response.status in GONE_STATUSES:
            yield from super().parse_product(response.replace(url=page_url))
            return
        try:
            product = json.loads(response.body)
            if not isinstance(product, dict) or "variants" not in product:
                raise TypeError("no 'variants'")
        except (ValueError, TypeError) as exc:
            yield self.failure(page_url, "bad_json", f"not a Shopify product .js: {exc}")
            return
        wanted = parse_qs(urlsplit(page_url).query).get("variant")
        if wanted:
            product = {
                **product,
                "variants": [v for v in product["variants"] if str(v.get("id")) in wanted],
            }
            if not product["variants"]:
                yield self.failure(page_url, "no_variant", f"no variant {wanted[0]} in product")
                return
        images = product.get("images") or []
        image = images[0] if images and isinstance(images[0], str) else None
        if image and image.startswith("//"):
            image = f"{urlsplit(page_url).scheme}:{image}"
        for variant in product["variants"]:
            yield from self.hooked(
                self._item(
                    product,
                    variant,
                    page_url,
                    price=cents(variant.get("price")),
                    list_price=cents(variant.get("compare_at_price")),
                    image=image,
                ),
                response,
            )

    # ------------------------------------------------------------------ items

    @staticmethod
    def _variant_url(base: str, product: dict[str, Any], variant: dict[str, Any]) -> str:
        return urljoin(base, f"/products/{product.get('handle')}?variant={variant.get('id')}")

    def items_from_product(
        self, product: dict[str, Any], base: str, response: Response
    ) -> Iterator[Any]:
        images = product.get("images") or []
        image = images[0].get("src") if images and isinstance(images[0], dict) else None
        for variant in product.get("variants") or []:
            item = self._item(
                product,
                variant,
                base,
                price=parse_amount(variant.get("price")),
                list_price=parse_amount(variant.get("compare_at_price")),
                image=image,
            )
            yield from self.hooked(item, response)

    def _item(
        self,
        product: dict[str, Any],
        variant: dict[str, Any],
        base: str,
        *,
        price: Decimal | None,
        list_price: Decimal | None,
        image: str | None,
    ) -> Any:
        title = product.get("title")
        if variant.get("title") and variant["title"] != "Default Title":
            title = f"{title} - {variant['title']}"
        positive = price is not None and price > 0
        extraction = Extraction(
            url=self._variant_url(base, product, variant),
            title=title,
            price=price if positive else None,
            currency=self.currency,
            list_price=list_price,
            availability=normalize_availability(variant.get("available")),
            sku=variant.get("sku") or None,
            gtin=variant.get("barcode") or None,
            brand=product.get("vendor") or None,
            image=image,
            extracted_by="shopify",
            offers_count=1,
            error=None if positive else "variant has no price",
        )
        return product_item(extraction, shop=self.name)
