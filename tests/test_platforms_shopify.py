"""ShopifySpider: gone products from complete catalogues only, single products with their stock.

Offline over saved JSON answers, and one real crawl pair (a subprocess per crawl, a local
server in Shopify's formats) that takes a product out of ``/products.json``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

from mockserver import MockServer, Reply
from scrapy.http import Request, TextResponse

from pricewatch.db.store import Store
from pricewatch.items import CrawlFailure, ListingGone, ProductItem
from pricewatch.platforms import ShopifySpider

BASE = "https://shopify.example/"


class Shop(ShopifySpider):
    name = "shopify_gone_shop"
    start_urls = [BASE]
    currency = "USD"


def product(handle: str, *variant_ids: int, price: str = "10.00") -> dict[str, Any]:
    return {
        "handle": handle,
        "title": handle.title(),
        "variants": [
            {"id": v, "title": f"V{v}", "price": price, "available": True} for v in variant_ids
        ],
    }


def catalog(spider: Shop, products: list[dict[str, Any]], page: int = 1) -> list[Any]:
    response = TextResponse(
        f"{BASE}products.json?limit={spider.page_size}&page={page}",
        body=json.dumps({"products": products}).encode(),
    )
    return list(spider.parse_catalog(response, base=BASE, page=page))


def url(handle: str, variant: int) -> str:
    return f"{BASE}products/{handle}?variant={variant}"


def test_complete_catalogue_marks_missing_products_and_variants_gone() -> None:
    spider = Shop()
    spider.known_listings_loaded([url("mug", 1), url("mug", 2), url("cap", 3), url("hat", 4)])
    out = catalog(spider, [product("mug", 1), product("hat", 4)])
    gone = sorted(o.url for o in out if isinstance(o, ListingGone))
    # cap left the shop; mug lost its variant 2
    assert gone == [url("cap", 3), url("mug", 2)]
    assert len([o for o in out if isinstance(o, ProductItem)]) == 2


def test_incomplete_catalogue_marks_nothing_gone() -> None:
    spider = Shop()
    spider.page_size = 2
    spider.known_listings_loaded([url("mug", 1), url("cap", 3), url("hat", 4)])
    first = catalog(spider, [product("mug", 1), product("hat", 4)])
    # A full page asks for the next one and marks nothing yet; the crawl never gets page 2
    # (it failed): nothing is gone.
    assert [r.url for r in first if isinstance(r, Request)] == [
        f"{BASE}products.json?limit=2&page=2"
    ]
    assert not [o for o in first if isinstance(o, ListingGone)]
    bad = TextResponse(f"{BASE}products.json?limit=2&page=2", body=b"<html>busy</html>")
    out = list(spider.parse_catalog(bad, base=BASE, page=2))
    assert [type(o) for o in out] == [CrawlFailure]


def test_empty_catalogue_or_collection_marks_nothing_gone() -> None:
    spider = Shop()
    spider.known_listings_loaded([url("mug", 1)])
    out = catalog(spider, [])
    assert [o.reason for o in out if isinstance(o, CrawlFailure)] == ["empty_catalogue"]
    assert not [o for o in out if isinstance(o, ListingGone)]

    class Sale(Shop):
        name = "shopify_sale"
        collection = "sale"

    sale = Sale()
    assert not sale.wants_known_listings()
    sale.known_listings_loaded([url("mug", 1)])
    assert not [o for o in catalog(sale, [product("hat", 4)]) if isinstance(o, ListingGone)]


PRODUCT_JS = {
    "id": 7,
    "handle": "mug",
    "title": "Mug",
    "vendor": "Acme",
    "images": ["//cdn.example/mug.jpg"],
    "variants": [
        {"id": 11, "title": "Red", "price": 1250, "compare_at_price": 1500, "available": True},
        {"id": 12, "title": "Blue", "price": 1300, "compare_at_price": None, "available": False},
    ],
}


def js(page_url: str) -> list[Any]:
    spider = Shop(urls=page_url)
    requests = spider.start_requests_list()
    assert [r.url for r in requests] == [f"{BASE}products/mug.js"]
    response = TextResponse(requests[0].url, body=json.dumps(PRODUCT_JS).encode())
    return list(spider.parse_product_js(response, page_url=page_url))


def test_url_reads_the_js_endpoint_with_stock_per_variant() -> None:
    items = [o.extraction for o in js(f"{BASE}products/mug")]
    assert [(i.url, i.price, i.list_price, i.availability) for i in items] == [
        (url("mug", 11), Decimal("12.50"), Decimal("15.00"), "in_stock"),
        (url("mug", 12), Decimal("13.00"), None, "out_of_stock"),
    ]
    assert items[0].image == "https://cdn.example/mug.jpg"


def test_url_with_variant_reads_that_variant_only() -> None:
    items = [o.extraction for o in js(url("mug", 12))]
    assert [(i.url, i.availability) for i in items] == [(url("mug", 12), "out_of_stock")]


CRAWL = """
import sys
from pricewatch.crawl.process import run_crawls
from pricewatch.platforms import ShopifySpider

class Shop(ShopifySpider):
    name = "shopify_e2e"
    start_urls = [sys.argv[1]]
    currency = "USD"

stats = run_crawls([Shop], settings={"PRICEWATCH_DB_URL": sys.argv[2], "LOG_LEVEL": "ERROR"})
print(stats["shopify_e2e"].get("pricewatch/store/gone", 0))
"""


def test_product_removed_from_products_json_is_gone_after_the_next_crawl(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'shopify.db'}"
    script = tmp_path / "crawl.py"
    script.write_text(textwrap.dedent(CRAWL))
    listing = {"products": [product("mug", 1, 2), product("cap", 3)]}

    def answer(_: object) -> Reply:
        return Reply(body=json.dumps(listing), content_type="application/json")

    with MockServer({"/products.json": answer}) as server:

        def crawl() -> str:
            done = subprocess.run(
                [sys.executable, str(script), server.base_url, db],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=Path(__file__).parent.parent,
            )
            assert done.returncode == 0, done.stderr
            return done.stdout.strip()

        assert crawl() == "0"
        listing["products"] = [product("mug", 1)]  # cap removed, mug's variant 2 removed
        assert crawl() == "2"
    with Store.from_url(db) as store:
        current = {p.url for p in store.current_prices()}
    assert current == {server.url("/products/mug?variant=1")}
