"""Platform base spiders: shop files subclass one of these and set class attributes.

=====================  =========================================================
base                   for
=====================  =========================================================
StructuredDataSpider   any shop: schema.org/OpenGraph data, else shop selectors
RenderedSpider         shops whose prices appear only after JavaScript runs
ShopifySpider          Shopify storefronts (``/products.json``, every variant)
WooCommerceSpider      WooCommerce shops (Store API)
=====================  =========================================================
"""

from pricewatch.platforms.base import ProductSpider
from pricewatch.platforms.shopify import ShopifySpider
from pricewatch.platforms.structured import RenderedSpider, StructuredDataSpider
from pricewatch.platforms.woocommerce import WooCommerceSpider

__all__ = [
    "ProductSpider",
    "RenderedSpider",
    "ShopifySpider",
    "StructuredDataSpider",
    "WooCommerceSpider",
]
