"""Tests for pricewatch.extract.availability: schema.org values, booleans and page text."""

from __future__ import annotations

import pytest

from pricewatch.extract.availability import availability_from_text, normalize_availability
from pricewatch.records import AVAILABILITY_VALUES

STRUCTURED_CASES = [
    # schema.org values in every spelling shops use.
    pytest.param("http://schema.org/InStock", "in_stock", id="http-url"),
    pytest.param("https://schema.org/InStock", "in_stock", id="https-url"),
    pytest.param("https://www.schema.org/InStock", "in_stock", id="www-url"),
    pytest.param("//schema.org/InStock", "in_stock", id="scheme-relative-url"),
    pytest.param("https://schema.org/OutOfStock", "out_of_stock", id="out-of-stock-url"),
    pytest.param("InStock", "in_stock", id="bare"),
    pytest.param("instock", "in_stock", id="lowercase"),
    pytest.param("in_stock", "in_stock", id="snake-case"),
    pytest.param("In Stock", "in_stock", id="words"),
    pytest.param(" InStock\n", "in_stock", id="whitespace"),
    pytest.param("schema:PreOrder", "preorder", id="schema-prefix"),
    pytest.param("PreOrder", "preorder", id="preorder"),
    pytest.param("PreSale", "preorder", id="presale"),
    pytest.param("BackOrder", "preorder", id="backorder-ships-later"),
    pytest.param("LimitedAvailability", "in_stock", id="limited"),
    pytest.param("OnlineOnly", "in_stock", id="online-only"),
    pytest.param("InStoreOnly", "in_stock", id="in-store-only"),
    pytest.param("SoldOut", "out_of_stock", id="sold-out"),
    pytest.param("Discontinued", "out_of_stock", id="discontinued"),
    pytest.param("OutOfStock", "out_of_stock", id="out-of-stock"),
    pytest.param("out_of_stock", "out_of_stock", id="our-own-value"),
    # Platform booleans (Shopify's "available").
    pytest.param(True, "in_stock", id="true"),
    pytest.param(False, "out_of_stock", id="false"),
    pytest.param("true", "in_stock", id="true-string"),
    pytest.param("false", "out_of_stock", id="false-string"),
    # JSON-LD shapes.
    pytest.param({"@id": "http://schema.org/InStock"}, "in_stock", id="jsonld-id"),
    pytest.param(["", "https://schema.org/SoldOut"], "out_of_stock", id="list-first-known"),
    # Free text falls through to availability_from_text.
    pytest.param("现货", "in_stock", id="text-fallback-chinese"),
    pytest.param("Only 3 left in stock!", "in_stock", id="text-fallback-english"),
    # Nothing to go on.
    pytest.param(None, "unknown", id="none"),
    pytest.param("", "unknown", id="empty"),
    pytest.param(1, "unknown", id="number"),
    pytest.param("https://schema.org/Whatever", "unknown", id="unknown-schema-value"),
    pytest.param([], "unknown", id="empty-list"),
]


@pytest.mark.parametrize(("value", "expected"), STRUCTURED_CASES)
def test_normalize_availability(value: object, expected: str) -> None:
    assert normalize_availability(value) == expected


TEXT_CASES = [
    # In stock.
    pytest.param("有货", "in_stock", id="zh-you-huo"),
    pytest.param("现货", "in_stock", id="zh-xian-huo"),
    pytest.param("现货 当天发货", "in_stock", id="zh-xian-huo-ships-today"),
    pytest.param("库存充足", "in_stock", id="zh-plenty"),
    pytest.param("加入购物车", "in_stock", id="zh-add-to-cart"),
    pytest.param("立即购买", "in_stock", id="zh-buy-now"),
    pytest.param("現貨", "in_stock", id="zh-traditional"),
    pytest.param("In stock", "in_stock", id="in-stock"),
    pytest.param("IN STOCK", "in_stock", id="in-stock-upper"),
    pytest.param("Available", "in_stock", id="available"),
    pytest.param("Add to cart", "in_stock", id="add-to-cart"),
    pytest.param("ADD TO BASKET", "in_stock", id="add-to-basket"),
    pytest.param("Only 2 left", "in_stock", id="only-n-left"),
    # Out of stock.
    pytest.param("无货", "out_of_stock", id="zh-wu-huo"),
    pytest.param("缺货", "out_of_stock", id="zh-que-huo"),
    pytest.param("售罄", "out_of_stock", id="zh-sold-out"),
    pytest.param("已售完", "out_of_stock", id="zh-sold-out-2"),
    pytest.param("已下架", "out_of_stock", id="zh-delisted"),
    pytest.param("暂时缺货", "out_of_stock", id="zh-temporarily-out"),
    pytest.param("该商品已售罄，到货通知", "out_of_stock", id="zh-sentence"),
    pytest.param("Sold out", "out_of_stock", id="sold-out"),
    pytest.param("SOLD-OUT", "out_of_stock", id="sold-out-hyphen"),
    pytest.param("Out of stock", "out_of_stock", id="out-of-stock"),
    pytest.param("out-of-stock", "out_of_stock", id="out-of-stock-hyphen"),
    pytest.param("Unavailable", "out_of_stock", id="unavailable"),
    pytest.param("Currently unavailable.", "out_of_stock", id="currently-unavailable"),
    pytest.param("This item is no longer available", "out_of_stock", id="no-longer"),
    # Negatives win over positives.
    pytest.param("Not in stock", "out_of_stock", id="not-in-stock"),
    pytest.param("not available", "out_of_stock", id="not-available"),
    pytest.param("暂无现货", "out_of_stock", id="zh-no-stock-now"),
    pytest.param("没有货了", "out_of_stock", id="zh-mei-you-huo"),
    pytest.param("Sold out · Add to cart", "out_of_stock", id="sold-out-beats-button"),
    pytest.param("缺货 加入购物车", "out_of_stock", id="zh-out-beats-button"),
    pytest.param("Out of stock - available for pre-order", "out_of_stock", id="out-beats-pre"),
    # Pre-order.
    pytest.param("预售", "preorder", id="zh-presale"),
    pytest.param("预定", "preorder", id="zh-yu-ding"),
    pytest.param("预订", "preorder", id="zh-yu-ding-2"),
    pytest.param("预售 立即购买", "preorder", id="zh-pre-beats-buy"),
    pytest.param("Pre-order", "preorder", id="pre-order"),
    pytest.param("PREORDER now", "preorder", id="preorder-upper"),
    pytest.param("pre order", "preorder", id="pre-space-order"),
    pytest.param("Coming soon", "preorder", id="coming-soon"),
    pytest.param("Available for backorder", "preorder", id="backorder-beats-available"),
    # Word boundaries and unknowns.
    pytest.param("Restocking fee applies", "unknown", id="no-false-in-stock"),
    pytest.param("Unavailability notice", "unknown", id="word-boundary"),
    pytest.param("instockings", "unknown", id="inside-a-word"),
    pytest.param("Free shipping", "unknown", id="unrelated"),
    pytest.param("", "unknown", id="empty"),
    pytest.param("   ", "unknown", id="blank"),
    pytest.param(None, "unknown", id="none"),
]


@pytest.mark.parametrize(("text", "expected"), TEXT_CASES)
def test_availability_from_text(text: str | None, expected: str) -> None:
    assert availability_from_text(text) == expected


def test_results_are_known_values() -> None:
    values = [case.values[0] for case in STRUCTURED_CASES + TEXT_CASES]
    for value in values:
        assert normalize_availability(value) in AVAILABILITY_VALUES


def test_long_page_text() -> None:
    # page.py passes up to 400 text nodes of a page; a verdict must still come back quickly.
    page = " ".join(["Lorem ipsum dolor sit amet, 价格 ¥99."] * 2000) + " 加入购物车"
    assert availability_from_text(page) == "in_stock"
