"""demo_hongxing's site: UTF-8 pages whose facts live in schema.org Product JSON-LD.

Routes: ``/`` (product grid) and ``/products/<handle>`` with an optional ``?variant=SKU``.
Each product page carries a BreadcrumbList and a Product block (or one ``@graph`` block for
products marked ``graph``); a multi-variant product lists one Offer per variant.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from pricewatch.demo.catalog import CURRENCY, HONGXING, Product, product_path
from pricewatch.demo.sites.base import Request, Response, Site

_SCHEMA_AVAILABILITY = {
    "in_stock": "https://schema.org/InStock",
    "out_of_stock": "https://schema.org/OutOfStock",
    "preorder": "https://schema.org/PreOrder",
}
# Worded differently from the other shops (有货/缺货) on purpose.
_HONGXING_STOCK_TEXT = {"in_stock": "现货", "out_of_stock": "无货", "preorder": "预售"}


def _json_ld(data: Any) -> Markup:
    # "</" inside a <script> would end it early; JSON allows escaping "/" so this stays valid.
    return Markup(json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/"))


class HongxingSite(Site):
    """demo_hongxing: UTF-8 pages whose facts live in schema.org Product JSON-LD."""

    info = HONGXING
    colour = "#c0392b"

    def route(self, req: Request) -> Response | None:
        if req.path in ("/", "/index.html"):
            return self.page(
                "hongxing/home.html", req, products=self.info.products_in_round(req.round)
            )
        if req.path.startswith("/products/"):
            product = self.info.product(req.path.removeprefix("/products/"), req.round)
            if product is not None:
                return self.product_page(product, req)
        return None

    def product_page(self, p: Product, req: Request) -> Response:
        url = req.base_url + product_path(self.slug, p.key)
        # ?variant=SKU selects a variant; an unknown SKU falls back to the default, like
        # Shopify-style shops do.
        selected = next((v for v in p.variants if v.sku == req.arg("variant")), None)
        if selected is None and p.variants:
            selected = p.variants[0]
        shown: dict[str, Any] = {
            "price": selected.price if selected else p.price,
            "list_price": selected.list_price if selected else p.list_price,
            "availability": selected.availability if selected else p.availability,
            "sku": selected.sku if selected else p.sku,
        }
        product_ld = self.product_ld(p, url, req.base_url)
        breadcrumb_ld = {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "首页", "item": req.base_url + "/"},
                {"@type": "ListItem", "position": 2, "name": p.title, "item": url},
            ],
        }
        if p.graph:
            # One page uses the Yoast/Rank Math style single @graph block.
            blocks = [
                {
                    "@context": "https://schema.org",
                    "@graph": [
                        {
                            "@type": "Organization",
                            "@id": req.base_url + "/#org",
                            "name": self.name,
                            "url": req.base_url + "/",
                        },
                        {
                            "@type": "WebPage",
                            "@id": url + "#webpage",
                            "url": url,
                            "name": p.title,
                            "breadcrumb": {"@id": url + "#breadcrumb"},
                        },
                        {"@id": url + "#breadcrumb", **breadcrumb_ld},
                        {"@id": url + "#product", **product_ld},
                    ],
                }
            ]
        else:
            blocks = [
                {"@context": "https://schema.org", **breadcrumb_ld},
                {"@context": "https://schema.org", **product_ld},
            ]
        return self.page(
            "hongxing/product.html",
            req,
            p=p,
            selected=selected,
            shown=shown,
            stock_text=_HONGXING_STOCK_TEXT[shown["availability"]],
            json_ld=[_json_ld(b) for b in blocks],
        )

    def product_ld(self, p: Product, url: str, base_url: str) -> dict[str, Any]:
        ld: dict[str, Any] = {
            "@type": "Product",
            "name": p.title,
            "image": [f"{base_url}/images/{p.key}.svg"],
            "description": f"{p.title}。{self.name}正品行货，全国联保。",
            "brand": {"@type": "Brand", "name": p.brand},
            "url": url,
        }
        seller = {"@type": "Organization", "name": self.name}
        if p.variants:
            ld["offers"] = [
                self.offer_ld(
                    f"{url}?variant={v.sku}", v.price, v.list_price, v.availability, seller
                )
                | {"sku": v.sku, "gtin13": v.gtin, "name": v.name}
                for v in p.variants
            ]
        else:
            ld["sku"] = p.sku
            ld["gtin13"] = p.gtin
            ld["offers"] = self.offer_ld(url, p.price, p.list_price, p.availability, seller)
        return ld

    @staticmethod
    def offer_ld(
        url: str, price: str, list_price: str | None, availability: str, seller: dict[str, str]
    ) -> dict[str, Any]:
        offer: dict[str, Any] = {
            "@type": "Offer",
            "url": url,
            "price": price,
            "priceCurrency": CURRENCY,
            "availability": _SCHEMA_AVAILABILITY[availability],
            "itemCondition": "https://schema.org/NewCondition",
            "seller": seller,
        }
        if list_price is not None:
            # Google's markup for a struck-through "was" price.
            offer["priceSpecification"] = {
                "@type": "UnitPriceSpecification",
                "priceType": "https://schema.org/ListPrice",
                "price": list_price,
                "priceCurrency": CURRENCY,
            }
        return offer
