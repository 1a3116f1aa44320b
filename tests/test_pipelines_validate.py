"""The validate pipeline: the one gate from scraped items to storable records."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from scrapy.utils.test import get_crawler

from pricewatch.extract import Extraction
from pricewatch.items import CrawlFailure, ListingGone, ProductItem
from pricewatch.pipelines.validate import ValidatePipeline, to_record
from pricewatch.records import FailureRecord, GoneRecord, PriceRecord
from pricewatch.spiders.shops.demo_hongxing import DemoHongxingSpider

URL = "https://shop.example/p/1"
T = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def item(**fields: object) -> ProductItem:
    return ProductItem(Extraction(url=URL, **fields), shop="acme", fetched_at=T)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"error": "no price found on the page"}, "no_price"),
        ({"price": Decimal("0"), "currency": "CNY"}, "no_price"),
        ({"price": Decimal("-5"), "currency": "CNY"}, "no_price"),
        ({"price": Decimal("5")}, "no_currency"),
        ({"price": Decimal("5"), "currency": "XXQ"}, "invalid"),
        ({"price": Decimal("5"), "currency": "CNY", "error": "hook says no"}, "invalid"),
    ],
)
def test_unstorable_items_become_failures(fields: dict[str, object], reason: str) -> None:
    record = to_record(item(**fields))
    assert isinstance(record, FailureRecord)
    assert (record.reason, record.url, record.shop) == (reason, URL, "acme")
    assert record.detail


def test_a_priced_item_becomes_a_price_record() -> None:
    record = to_record(
        item(price=Decimal("12.50"), currency="cny", title="Kettle", availability="in_stock")
    )
    assert record == PriceRecord(
        shop="acme",
        url=URL,
        price=Decimal("12.50"),
        currency="CNY",
        fetched_at=T,
        availability="in_stock",
        title="Kettle",
        confidence="high",
    )


def test_pipeline_converts_every_item_type_and_counts() -> None:
    crawler = get_crawler(DemoHongxingSpider)
    crawler.stats.open_spider()
    pipeline = ValidatePipeline.from_crawler(crawler)
    priced = pipeline.process_item(item(price=Decimal("1"), currency="EUR", extracted_by="json-ld"))
    failed = pipeline.process_item(item(error="no price found on the page"))
    gone = pipeline.process_item(ListingGone(url=URL, shop="acme", http_status=404))
    crawl_failure = pipeline.process_item(CrawlFailure(url=URL, shop="acme", reason="timeout"))
    other = {"not": "ours"}
    assert isinstance(priced, PriceRecord)
    assert isinstance(failed, FailureRecord) and failed.reason == "no_price"
    assert isinstance(gone, GoneRecord) and gone.http_status == 404
    assert isinstance(crawl_failure, FailureRecord) and crawl_failure.reason == "timeout"
    assert pipeline.process_item(other) is other  # the store pipeline refuses it
    stats = crawler.stats.get_stats()
    assert stats["pricewatch/extracted_by/json-ld"] == 1
    assert stats["pricewatch/failures/no_price"] == 1
