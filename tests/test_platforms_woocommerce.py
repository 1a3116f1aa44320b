"""WooCommerceSpider: each variation of a variable product is its own listing; price 0 is a
known state (skipped and counted), not a failure on every crawl."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from scrapy.http import Request, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from pricewatch.items import CrawlFailure, ListingGone, ProductItem
from pricewatch.pipelines.validate import ValidatePipeline
from pricewatch.platforms import WooCommerceSpider
from pricewatch.platforms.woocommerce import ZERO_PRICE_STAT
from pricewatch.records import FailureRecord

API = "https://woo.example/wp-json/wc/store/v1/products"


class Woo(WooCommerceSpider):
    name = "woo_variations"
    start_urls = ["https://woo.example/"]


def prices(minor: str, regular: str | None = None) -> dict[str, Any]:
    return {
        "price": minor,
        "regular_price": regular or minor,
        "currency_code": "CNY",
        "currency_minor_unit": 2,
    }


TEE = {
    "id": 20,
    "name": "T恤",
    "type": "variable",
    "permalink": "https://woo.example/product/tee/",
    "prices": {**prices("5900"), "price_range": {"min_amount": "5900", "max_amount": "6900"}},
    "images": [{"src": "https://woo.example/tee.jpg"}],
    "is_in_stock": True,
}
SAMPLE = {
    "id": 30,
    "name": "试用装",
    "type": "simple",
    "permalink": "https://woo.example/product/sample/",
    "prices": prices("0"),
    "is_in_stock": True,
}
CUP = {
    "id": 10,
    "name": "保温杯",
    "type": "simple",
    "permalink": "https://woo.example/product/cup/",
    "prices": prices("8900", "9900"),
    "is_in_stock": True,
}
VARIATIONS = [
    {
        "id": 21,
        "name": "T恤",
        "parent": 20,
        "type": "variation",
        "variation": "尺码: M",
        "permalink": "https://woo.example/product/tee/?attribute_pa_size=m",
        "sku": "TEE-M",
        "prices": prices("5900"),
        "is_in_stock": True,
    },
    {
        "id": 22,
        "name": "T恤 - XL",
        "parent": 20,
        "type": "variation",
        "permalink": "https://woo.example/product/tee/",
        "sku": "TEE-XL",
        "prices": prices("6900"),
        "is_in_stock": False,
    },
]


def answer(url: str, body: Any) -> TextResponse:
    return TextResponse(url, body=json.dumps(body).encode(), headers={"X-WP-TotalPages": "1"})


def test_variable_products_are_listed_through_their_variations() -> None:
    spider = Woo.from_crawler(get_crawler(Woo))
    first = list(
        spider.parse_api(
            answer(f"{API}?per_page=100&page=1", [CUP, TEE]), "https://woo.example/", 1
        )
    )
    items = [o.extraction for o in first if isinstance(o, ProductItem)]
    assert [i.url for i in items] == ["https://woo.example/product/cup/"]  # not the range
    (request,) = [o for o in first if isinstance(o, Request)]
    assert request.url == f"{API}?type=variation&parent=20&per_page=100&page=1"
    out = list(spider.parse_api(answer(request.url, VARIATIONS), **request.cb_kwargs))
    tee_m, tee_xl = [o.extraction for o in out if isinstance(o, ProductItem)]
    assert (tee_m.url, tee_m.title, tee_m.price, tee_m.sku, tee_m.availability) == (
        "https://woo.example/product/tee/?attribute_pa_size=m",
        "T恤 - 尺码: M",
        Decimal("59.00"),
        "TEE-M",
        "in_stock",
    )
    # no permalink of its own: the product page selecting the variation
    assert (tee_xl.url, tee_xl.title, tee_xl.price, tee_xl.availability) == (
        "https://woo.example/product/tee/?variation_id=22",
        "T恤 - XL",
        Decimal("69.00"),
        "out_of_stock",
    )
    assert tee_m.image == "https://woo.example/tee.jpg"  # from the variable product
    assert not [o for o in out if isinstance(o, Request)]


def test_price_zero_is_skipped_and_counted_not_a_failure() -> None:
    crawler = get_crawler(Woo)
    spider = Woo.from_crawler(crawler)
    crawler.stats.open_spider()
    out = list(
        spider.parse_api(
            answer(f"{API}?per_page=100&page=1", [SAMPLE, CUP]), "https://woo.example/", 1
        )
    )
    assert [o.extraction.url for o in out if isinstance(o, ProductItem)] == [
        "https://woo.example/product/cup/"
    ]
    assert crawler.stats.get_value(ZERO_PRICE_STAT) == 1
    # A product with no price at all is still a failure.
    broken = {**CUP, "prices": {"currency_code": "CNY"}}
    (item,) = spider.parse_api(answer(f"{API}?page=1", [broken]), "https://woo.example/", 1)
    record = ValidatePipeline(crawler).process_item(item)
    assert isinstance(record, FailureRecord) and record.reason == "no_price"


def test_complete_catalogue_marks_what_it_no_longer_lists_gone() -> None:
    spider = Woo.from_crawler(get_crawler(Woo))
    old_parent = "https://woo.example/product/tee/"  # stored before variations were tracked
    dropped = "https://woo.example/product/kettle/"
    spider.known_listings_loaded([CUP["permalink"], old_parent, dropped, SAMPLE["permalink"]])
    (first,) = spider.start_requests_list()
    out = list(spider.parse_api(answer(first.url, [CUP, TEE, SAMPLE]), **first.cb_kwargs))
    assert not [o for o in out if isinstance(o, ListingGone)]  # variations still to come
    (variations,) = [o for o in out if isinstance(o, Request)]
    out = list(spider.parse_api(answer(variations.url, VARIATIONS), **variations.cb_kwargs))
    assert sorted(o.url for o in out if isinstance(o, ListingGone)) == [dropped, old_parent]


def test_a_failed_page_marks_nothing_gone() -> None:
    spider = Woo.from_crawler(get_crawler(Woo))
    spider.known_listings_loaded([CUP["permalink"], "https://woo.example/product/kettle/"])
    (first,) = spider.start_requests_list()
    hoodie = {**TEE, "id": 40, "permalink": "https://woo.example/product/hoodie/"}
    out = list(spider.parse_api(answer(first.url, [CUP, TEE, hoodie]), **first.cb_kwargs))
    tee_variations, hoodie_variations = [o for o in out if isinstance(o, Request)]
    failure = Failure(HttpError(TextResponse(hoodie_variations.url, status=503)))
    failure.request = hoodie_variations  # type: ignore[attr-defined]
    (recorded,) = spider.on_api_error(failure)
    assert isinstance(recorded, CrawlFailure) and recorded.reason == "http_503"
    # The last answer arrives; the catalogue is still incomplete: nothing is gone.
    out = list(spider.parse_api(answer(tee_variations.url, VARIATIONS), **tee_variations.cb_kwargs))
    assert spider._api_pending == 0
    assert len([o for o in out if isinstance(o, ProductItem)]) == 2
    assert not [o for o in out if isinstance(o, ListingGone)]
