"""Platform base spiders, offline: listing/pagination logic, Shopify and WooCommerce JSON."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from pricewatch.items import CrawlFailure, ListingGone, ProductItem
from pricewatch.platforms import ShopifySpider, StructuredDataSpider, WooCommerceSpider
from pricewatch.platforms.woocommerce import minor_to_decimal


class ListingShop(StructuredDataSpider):
    name = "listing_shop"
    start_urls = ["https://shop.example/c/all"]
    currency = "CNY"
    next_page = "a.next"
    product_url_pattern = r"/p/\d+$"
    selectors = {"price": ".price"}


class Shopify(ShopifySpider):
    name = "shopify_shop"
    start_urls = ["https://shopify.example/"]
    currency = "USD"


class Woo(WooCommerceSpider):
    name = "woo_shop"
    start_urls = ["https://woo.example/"]


def html(url: str, body: str, status: int = 200) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8", status=status)


def test_listing_follows_product_links_and_next_page() -> None:
    spider = ListingShop()
    page = html(
        "https://shop.example/c/all",
        '<a href="/p/1">one</a><a href="/p/2">two</a><a href="/p/1">again</a>'
        '<a href="/about">about</a><a class="next" href="?page=2">下一页</a>',
    )
    requests = [r for r in spider.parse(page) if isinstance(r, Request)]
    urls = [r.url for r in requests]
    assert urls == [
        "https://shop.example/p/1",
        "https://shop.example/p/2",
        "https://shop.example/c/all?page=2",
    ]
    assert requests[0].callback == spider.parse_product
    assert requests[2].callback == spider.parse


def test_product_page_and_gone_page() -> None:
    spider = ListingShop()
    item = next(
        iter(spider.parse_product(html("https://shop.example/p/1", '<b class="price">¥12</b>')))
    )
    assert isinstance(item, ProductItem)
    assert (item.extraction.price, item.extraction.currency, item.shop) == (
        Decimal("12"),
        "CNY",
        "listing_shop",
    )
    gone = next(iter(spider.parse_product(html("https://shop.example/p/9", "", status=404))))
    assert isinstance(gone, ListingGone) and gone.http_status == 404


def test_base_url_rebases_start_urls_and_domains() -> None:
    spider = ListingShop(base_url="http://127.0.0.1:9999")
    assert spider.start_urls == ["http://127.0.0.1:9999/c/all"]
    assert spider.allowed_domains == ["127.0.0.1"]


def test_urls_argument_fetches_only_those_products() -> None:
    spider = ListingShop(urls="https://shop.example/p/1, https://shop.example/p/2")
    requests = spider.start_requests_list()
    assert [r.url for r in requests] == ["https://shop.example/p/1", "https://shop.example/p/2"]
    assert all(r.callback == spider.parse_product for r in requests)


def test_post_process_item_hook_can_change_or_drop() -> None:
    class Hooked(ListingShop):
        name = "hooked"

        def post_process_item(self, item: ProductItem, response: Any) -> ProductItem | None:
            if item.extraction.price and item.extraction.price > 100:
                return None
            item.extraction.brand = "House brand"
            return item

    spider = Hooked()
    cheap = list(spider.parse_product(html("https://shop.example/p/1", '<b class="price">¥12</b>')))
    assert cheap[0].extraction.brand == "House brand"
    assert (
        list(spider.parse_product(html("https://shop.example/p/2", '<b class="price">¥120</b>')))
        == []
    )


SHOPIFY_PRODUCTS = {
    "products": [
        {
            "handle": "mug",
            "title": "Mug",
            "vendor": "Acme",
            "images": [{"src": "https://cdn.example/mug.jpg"}],
            "variants": [
                {
                    "id": 11,
                    "title": "Red",
                    "price": "12.50",
                    "compare_at_price": "15.00",
                    "available": True,
                    "sku": "MUG-R",
                    "barcode": "0012345678905",
                },
                {
                    "id": 12,
                    "title": "Blue",
                    "price": "13.00",
                    "compare_at_price": None,
                    "available": False,
                    "sku": "MUG-B",
                    "barcode": "",
                },
                {"id": 13, "title": "Free", "price": "0.00", "available": True, "sku": "MUG-F"},
            ],
        }
    ]
}


def test_shopify_every_variant_is_a_listing() -> None:
    spider = Shopify()
    response = TextResponse(
        "https://shopify.example/products.json?limit=250&page=1",
        body=json.dumps(SHOPIFY_PRODUCTS).encode(),
    )
    out = list(spider.parse_catalog(response, base="https://shopify.example/", page=1))
    items = [o.extraction for o in out if isinstance(o, ProductItem)]
    assert [i.url for i in items] == [
        "https://shopify.example/products/mug?variant=11",
        "https://shopify.example/products/mug?variant=12",
        "https://shopify.example/products/mug?variant=13",
    ]
    red, blue, free = items
    assert (red.price, red.list_price, red.currency, red.availability) == (
        Decimal("12.50"),
        Decimal("15.00"),
        "USD",
        "in_stock",
    )
    assert (red.title, red.sku, red.gtin, red.brand) == (
        "Mug - Red",
        "MUG-R",
        "0012345678905",
        "Acme",
    )
    assert blue.availability == "out_of_stock" and blue.gtin is None
    assert free.price is None and free.error  # a 0 price is no price: validate records it
    assert not [o for o in out if isinstance(o, Request)]  # fewer than a page: no next page


def test_shopify_paginates_full_pages_and_reports_bad_json() -> None:
    spider = Shopify()
    full = {"products": [{"handle": f"p{i}", "variants": []} for i in range(250)]}
    response = TextResponse("https://shopify.example/products.json", body=json.dumps(full).encode())
    nexts = [
        o
        for o in spider.parse_catalog(response, base="https://shopify.example/", page=1)
        if isinstance(o, Request)
    ]
    assert [r.url for r in nexts] == ["https://shopify.example/products.json?limit=250&page=2"]
    bad = TextResponse("https://shopify.example/products.json", body=b"<html>login</html>")
    out = list(spider.parse_catalog(bad, base="https://shopify.example/", page=1))
    assert isinstance(out[0], CrawlFailure) and out[0].reason == "bad_json"


WOO_PRODUCTS = [
    {
        "id": 1,
        "name": "保温杯",
        "permalink": "https://woo.example/product/cup/",
        "sku": "CUP",
        "prices": {
            "price": "8900",
            "regular_price": "9900",
            "sale_price": "8900",
            "currency_code": "CNY",
            "currency_minor_unit": 2,
        },
        "is_in_stock": True,
        "images": [{"src": "https://woo.example/cup.jpg"}],
    },
    {
        "id": 2,
        "name": "T-shirt",
        "permalink": "https://woo.example/product/tee/",
        "prices": {
            "price": "1500",
            "regular_price": "1500",
            "currency_code": "EUR",
            "currency_minor_unit": 2,
            "price_range": {"min_amount": "1200", "max_amount": "1800"},
        },
        "is_in_stock": False,
    },
    {
        "id": 3,
        "name": "Yen item",
        "permalink": "https://woo.example/product/jp/",
        "prices": {"price": "1280", "currency_code": "JPY", "currency_minor_unit": 0},
        "is_in_stock": True,
        "stock_availability": {"class": "available-on-backorder"},
    },
]


def test_woocommerce_store_api() -> None:
    spider = Woo()
    response = TextResponse(
        "https://woo.example/wp-json/wc/store/v1/products?per_page=100&page=1",
        body=json.dumps(WOO_PRODUCTS).encode(),
        headers={"X-WP-TotalPages": "2"},
    )
    out = list(spider.parse_api(response, base="https://woo.example/", page=1))
    cup, tee, yen = [o.extraction for o in out if isinstance(o, ProductItem)]
    assert (cup.price, cup.list_price, cup.currency, cup.availability) == (
        Decimal("89.00"),
        Decimal("99.00"),
        "CNY",
        "in_stock",
    )
    assert (tee.price, tee.currency, tee.availability) == (Decimal("12.00"), "EUR", "out_of_stock")
    assert (yen.price, yen.currency, yen.availability) == (Decimal("1280"), "JPY", "preorder")
    nexts = [o for o in out if isinstance(o, Request)]
    assert [r.url for r in nexts] == [
        "https://woo.example/wp-json/wc/store/v1/products?per_page=100&page=2"
    ]


def test_minor_to_decimal() -> None:
    assert minor_to_decimal("129900", 2) == Decimal("1299.00")
    assert minor_to_decimal("1250", 3) == Decimal("1.250")
    assert minor_to_decimal("0", 2) is None
    assert minor_to_decimal("abc", 2) is None


def test_post_process_item_may_yield_several_items() -> None:
    class Bundle(ListingShop):
        name = "bundle"

        def post_process_item(self, item: ProductItem, response: Any) -> Any:
            # A bundle page: one listing per size, each at the page's price.
            for size in ("S", "M"):
                extraction = replace(item.extraction, url=f"{item.url}?size={size}")
                yield replace(item, extraction=extraction)

    out = list(Bundle().parse_product(html("https://shop.example/p/1", '<b class="price">¥12</b>')))
    assert [(o.url, o.extraction.price) for o in out] == [
        ("https://shop.example/p/1?size=S", Decimal("12")),
        ("https://shop.example/p/1?size=M", Decimal("12")),
    ]


# --- sitemaps: Scrapy's SitemapSpider reads them; requests get pricewatch's callbacks ---------

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class SitemapShop(StructuredDataSpider):
    name = "sitemap_shop"
    sitemap_urls = ["https://shop.example/robots.txt"]
    product_url_pattern = r"/p/\d+$"
    render = True  # product requests must carry the rendering meta


def _sitemap_spider() -> SitemapShop:
    return SitemapShop.from_crawler(get_crawler(SitemapShop))


def _urlset(*locs: str) -> bytes:
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'.encode()


def test_sitemap_lines_of_robots_txt_are_followed() -> None:
    spider = _sitemap_spider()
    robots = TextResponse(
        "https://shop.example/robots.txt",
        body=b"User-agent: *\nSitemap: https://shop.example/sitemap_index.xml\n",
    )
    [request] = list(spider.parse_sitemap(robots))
    assert request.url == "https://shop.example/sitemap_index.xml"
    assert (request.callback, request.errback) == (spider.parse_sitemap, spider.on_error)


def test_sitemap_index_and_gzipped_sitemaps() -> None:
    spider = _sitemap_spider()
    index = XmlResponse(
        "https://shop.example/sitemap_index.xml",
        body=(
            f'<?xml version="1.0"?><sitemapindex xmlns="{SITEMAP_NS}">'
            "<sitemap><loc>https://shop.example/products.xml.gz</loc></sitemap>"
            "</sitemapindex>"
        ).encode(),
    )
    [request] = list(spider.parse_sitemap(index))
    assert (request.url, request.callback) == (
        "https://shop.example/products.xml.gz",
        spider.parse_sitemap,
    )
    gz = Response(
        "https://shop.example/products.xml.gz",
        body=gzip.compress(_urlset("https://shop.example/p/1", "https://shop.example/about")),
        request=request,
    )
    products = list(spider.parse_sitemap(gz))
    assert [r.url for r in products] == ["https://shop.example/p/1"]  # product URLs only
    assert products[0].callback == spider.parse_product
    assert products[0].meta["pricewatch_render"] is True  # the shop's product request


def test_a_broken_sitemap_is_a_recorded_failure() -> None:
    spider = _sitemap_spider()
    [failure] = list(
        spider.parse_sitemap(Response("https://shop.example/sitemap.html", body=b"<html>"))
    )
    assert isinstance(failure, CrawlFailure) and failure.reason == "bad_sitemap"
