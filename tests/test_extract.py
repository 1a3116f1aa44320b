"""pricewatch.extract: the extraction chain over real sample pages and hand-made edge cases."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from pricewatch.extract import Extraction, extract_product
from pricewatch.extract.jsonld import loads_tolerant

FIXTURES = Path(__file__).parent / "fixtures" / "extruct"


def run(html: str | bytes, url: str = "https://shop.example/p/1", **kwargs: object) -> Extraction:
    body = html.encode("utf-8") if isinstance(html, str) else html
    response = HtmlResponse(url, body=body, encoding="utf-8")
    return extract_product(
        response.selector, url, body=response.body, encoding=response.encoding, **kwargs
    )


def page(*scripts: object, body: str = "") -> str:
    blocks = "".join(
        f'<script type="application/ld+json">{s if isinstance(s, str) else json.dumps(s)}</script>'
        for s in scripts
    )
    return f"<html><head><title>Page</title>{blocks}</head><body>{body}</body></html>"


PRODUCT = {
    "@context": "https://schema.org",
    "@type": "Product",
    "name": "小米14 徕卡光学镜头",
    "sku": "XM14",
    "gtin13": "6941812755051",
    "brand": {"@type": "Brand", "name": "Xiaomi"},
    "image": ["https://shop.example/i/1.jpg"],
    "offers": {
        "@type": "Offer",
        "price": "3999.00",
        "priceCurrency": "CNY",
        "availability": "https://schema.org/InStock",
    },
}


# ---------------------------------------------------------------- real sample pages (extruct)


@pytest.mark.parametrize(
    ("fixture", "price", "currency", "availability", "source", "title"),
    [
        ("product.html", "119.99", "USD", "in_stock", "microdata", "Executive Anvil"),
        ("product-ref.html", "119.99", "USD", "in_stock", "microdata", "Executive Anvil"),
        ("product_microdata.html", "119.99", "USD", "in_stock", "microdata", "Executive Anvil"),
        # Its offers: 5.29 (no availability), 9.56 and 5.29 InStock: the lowest in-stock one wins.
        ("microdata-with-description.html", "5.29", "GBP", "in_stock", "microdata", None),
        # This page has microdata and OpenGraph; the cheaper-to-trust microdata wins.
        ("opengraph_ns_product_test.html", "17.99", "USD", "in_stock", "microdata", None),
    ],
)
def test_sample_pages(
    fixture: str, price: str, currency: str, availability: str, source: str, title: str | None
) -> None:
    result = run((FIXTURES / fixture).read_bytes(), url=f"https://shop.example/{fixture}")
    assert result.error is None
    assert result.price == Decimal(price)
    assert result.currency == currency
    assert result.availability == availability
    assert result.extracted_by == source
    assert result.confidence == "high"
    if title:
        assert result.title == title


def test_opengraph_only_page_reads_identifiers() -> None:
    html = """<html><head><meta property="og:title" content="Better Off Dead">
    <meta property="product:price:amount" content="17.99">
    <meta property="product:price:currency" content="USD">
    <meta property="product:availability" content="in stock">
    <meta property="product:retailer_item_id" content="fye.000000032429335302">
    <meta property="product:gtin" content="32429335302"></head><body></body></html>"""
    result = run(html)
    assert (result.price, result.currency, result.availability) == (
        Decimal("17.99"),
        "USD",
        "in_stock",
    )
    assert (result.sku, result.gtin, result.extracted_by) == (
        "fye.000000032429335302",
        "32429335302",
        "opengraph",
    )
    assert result.title == "Better Off Dead"


@pytest.mark.parametrize(
    "fixture",
    [
        "JSONLD_with_JS_comment.html",
        "JSONLD_with_control_characters.html",
        "JSONLD_with_control_characters_comment.html",
    ],
)
def test_malformed_jsonld_samples_are_read(fixture: str) -> None:
    response = HtmlResponse("https://x.example/", body=(FIXTURES / fixture).read_bytes())
    scripts = response.xpath('//script[@type="application/ld+json"]/text()').getall()
    assert scripts
    values = [v for s in scripts for v in loads_tolerant(s)]
    assert values and all(isinstance(v, dict) for v in values)
    # Every sample keeps its content: a type, or the multi-line string with raw newlines.
    assert all(v.get("@type") or "\n" in v.get("data", "") for v in values)


# ---------------------------------------------------------------- JSON-LD shapes


def test_jsonld_product() -> None:
    result = run(page(PRODUCT))
    assert (result.price, result.currency, result.availability) == (
        Decimal("3999.00"),
        "CNY",
        "in_stock",
    )
    assert result.title == "小米14 徕卡光学镜头"
    assert (result.sku, result.gtin, result.brand) == ("XM14", "6941812755051", "Xiaomi")
    assert result.image == "https://shop.example/i/1.jpg"
    assert result.extracted_by == "json-ld"


def test_jsonld_graph_and_lists() -> None:
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, PRODUCT]}
    assert run(page(graph)).price == Decimal("3999.00")
    assert run(page([{"@type": "BreadcrumbList"}, PRODUCT])).price == Decimal("3999.00")


def test_jsonld_type_as_list_and_iri() -> None:
    product = {**PRODUCT, "@type": ["http://schema.org/Product", "Thing"]}
    assert run(page(product)).price == Decimal("3999.00")


def test_price_specification_and_list_price() -> None:
    offer = {
        "@type": "Offer",
        "priceSpecification": [
            {"@type": "UnitPriceSpecification", "price": 89.5, "priceCurrency": "EUR"},
            {
                "@type": "UnitPriceSpecification",
                "price": "119.00",
                "priceCurrency": "EUR",
                "priceType": "https://schema.org/StrikethroughPrice",
            },
        ],
        "availability": "OutOfStock",
    }
    result = run(page({**PRODUCT, "offers": offer}))
    assert (result.price, result.list_price, result.currency) == (
        Decimal("89.5"),
        Decimal("119.00"),
        "EUR",
    )
    assert result.availability == "out_of_stock"


def test_aggregate_offer_low_price() -> None:
    offer = {
        "@type": "AggregateOffer",
        "lowPrice": "99",
        "highPrice": "199",
        "priceCurrency": "CNY",
    }
    result = run(page({**PRODUCT, "offers": offer}))
    assert result.price == Decimal("99")


def test_variant_selected_by_url_else_lowest() -> None:
    offers = [
        {"@type": "Offer", "sku": "A-128", "price": "3999", "priceCurrency": "CNY"},
        {"@type": "Offer", "sku": "A-256", "price": "4299", "priceCurrency": "CNY"},
        {
            "@type": "Offer",
            "sku": "A-64",
            "price": "3599",
            "priceCurrency": "CNY",
            "availability": "https://schema.org/OutOfStock",
        },
    ]
    html = page({**PRODUCT, "offers": offers})
    chosen = run(html, url="https://shop.example/p/1?variant=A-256")
    assert (chosen.price, chosen.sku) == (Decimal("4299"), "A-256")
    assert "A-256" in (chosen.offer_note or "")
    lowest = run(html, url="https://shop.example/p/1")
    assert (lowest.price, lowest.sku, lowest.availability) == (
        Decimal("3599"),
        "A-64",
        "out_of_stock",
    )
    assert lowest.offer_note and "lowest of 3" in lowest.offer_note
    in_path = run(html, url="https://shop.example/p/A-128.html")
    assert in_path.price == Decimal("3999")


def test_product_group_variants() -> None:
    group = {
        "@type": "ProductGroup",
        "name": "T-shirt",
        "hasVariant": [
            {"@type": "Product", "sku": "TS-S", "offers": {"price": "59", "priceCurrency": "CNY"}},
            {"@type": "Product", "sku": "TS-L", "offers": {"price": "49", "priceCurrency": "CNY"}},
        ],
    }
    result = run(page(group))
    assert (result.price, result.sku, result.offers_count) == (Decimal("49"), "TS-L", 2)


def test_price_written_with_symbol_and_thousands() -> None:
    offer = {"@type": "Offer", "price": "¥1,299.00", "priceCurrency": "CNY"}
    assert run(page({**PRODUCT, "offers": offer})).price == Decimal("1299.00")


@pytest.mark.parametrize(
    "script",
    [
        '{"@type": "Product", "name": "X", // the name\n "offers": {"price": "12.50", '
        '"priceCurrency": "USD",},}',
        '<!-- {"@type": "Product", "name": "X", "offers": {"price": "12.50", '
        '"priceCurrency": "USD"}} -->',
        '{"@type": "Product", "name": "X\tY\nZ", "offers": {"price": "12.50", '
        '"priceCurrency": "USD"}};',
        '/* generated */ {"@type": "Product", "name": "X", "offers": [{"price": "12.50", '
        '"priceCurrency": "USD"}]}',
    ],
    ids=["comment-trailing-commas", "html-comment", "control-chars-semicolon", "block-comment"],
)
def test_malformed_jsonld_is_tolerated(script: str) -> None:
    result = run(page(script))
    assert (result.price, result.currency) == (Decimal("12.50"), "USD")


def test_broken_jsonld_falls_through_to_other_sources() -> None:
    html = page('{"@type": "Product", "offers": {', body='<span class="price">€ 12,50</span>')
    result = run(html)
    assert (result.price, result.currency, result.extracted_by) == (
        Decimal("12.50"),
        "EUR",
        "heuristic",
    )


def test_zero_or_negative_price_is_no_price() -> None:
    for price in ("0", "0.00", "-5"):
        offer = {"@type": "Offer", "price": price, "priceCurrency": "CNY"}
        result = run(page({**PRODUCT, "offers": offer}), heuristic=False)
        assert result.price is None
        assert result.error == "no price found on the page"


def test_related_products_do_not_win_over_the_page_product() -> None:
    related = {
        **PRODUCT,
        "name": "Related",
        "url": "https://shop.example/p/2",
        "offers": {"price": "1", "priceCurrency": "CNY"},
    }
    main = {**PRODUCT, "url": "https://shop.example/p/1"}
    assert run(page(related, main)).title == PRODUCT["name"]


# ---------------------------------------------------------------- other syntaxes


def test_rdfa_product() -> None:
    html = """<html><body vocab="http://schema.org/">
    <div typeof="Product"><span property="name">Kettle</span>
      <div property="offers" typeof="Offer">
        <span property="price" content="39.90">39,90 €</span>
        <meta property="priceCurrency" content="EUR">
        <link property="availability" href="http://schema.org/InStock">
      </div></div></body></html>"""
    result = run(html)
    assert (result.price, result.currency, result.availability, result.extracted_by) == (
        Decimal("39.90"),
        "EUR",
        "in_stock",
        "rdfa",
    )
    assert result.title == "Kettle"


def test_loose_itemprop_meta() -> None:
    html = """<html><body><h1>Lamp</h1>
    <meta itemprop="price" content="259.00"><meta itemprop="priceCurrency" content="CNY">
    <link itemprop="availability" href="https://schema.org/PreOrder"></body></html>"""
    result = run(html)
    assert (result.price, result.currency, result.availability, result.extracted_by) == (
        Decimal("259.00"),
        "CNY",
        "preorder",
        "meta",
    )
    assert result.title == "Lamp"


def test_opengraph_og_price_alias() -> None:
    html = """<html><head><meta property="og:title" content="Mug">
    <meta property="og:price:amount" content="8.00">
    <meta property="og:price:currency" content="GBP"></head></html>"""
    result = run(html)
    assert (result.price, result.currency, result.title) == (Decimal("8.00"), "GBP", "Mug")


# ---------------------------------------------------------------- selectors, heuristic


SELECTOR_PAGE = """<html><body><h1 class="t">保温杯 500ml</h1>
<div class="box"><span class="now">￥1,299.00起</span><del class="was">￥1,499.00</del>
<span class="stock">暂时缺货</span><span class="code">商品编号：LT-1001</span>
</div></body></html>"""


def test_selectors() -> None:
    selectors = {
        "title": "h1.t",
        "price": ".now",
        "list_price": "//del[@class='was']",
        "availability": ".stock",
        "sku": ".code",
    }
    result = run(SELECTOR_PAGE, selectors=selectors, currency="CNY")
    assert (result.price, result.list_price, result.currency) == (
        Decimal("1299.00"),
        Decimal("1499.00"),
        "CNY",
    )
    assert (result.availability, result.sku, result.title) == (
        "out_of_stock",
        "LT-1001",
        "保温杯 500ml",
    )
    assert (result.extracted_by, result.confidence) == ("selectors", "high")


def test_structured_data_wins_over_selectors_but_selectors_fill_gaps() -> None:
    product = {k: v for k, v in PRODUCT.items() if k != "sku"}
    html = page(product, body='<span class="price">￥1.00</span><span class="code">SKU: Z9</span>')
    result = run(html, selectors={"price": ".price", "sku": ".code"})
    assert (result.price, result.sku, result.extracted_by) == (Decimal("3999.00"), "Z9", "json-ld")


def test_heuristic_is_low_confidence_and_skips_struck_prices() -> None:
    html = """<html><body><h1>Blender</h1><div class="product-info">
    <del class="price-old">¥399.00</del><span class="price-current">¥299.00</span>
    <p>现货，下单即发</p></div>
    <div class="related"><span class="price">¥9.90</span></div></body></html>"""
    result = run(html)
    assert (result.price, result.list_price, result.currency) == (
        Decimal("299.00"),
        Decimal("399.00"),
        "CNY",
    )
    assert (result.extracted_by, result.confidence) == ("heuristic", "low")
    assert result.availability == "in_stock"


def test_yen_is_jpy_when_the_shop_says_so() -> None:
    html = '<html><body><span class="price">¥1,280</span></body></html>'
    assert run(html).currency == "CNY"
    assert run(html, currency="JPY").currency == "JPY"


def test_page_without_price_reports_why() -> None:
    result = run("<html><head><title>About us</title></head><body><p>Hello</p></body></html>")
    assert result.price is None
    assert result.error == "no price found on the page"
    assert result.title == "About us"


def test_price_without_currency_is_an_error() -> None:
    html = '<html><body><span class="price">1299.00</span></body></html>'
    result = run(html)
    assert result.price == Decimal("1299.00")
    assert result.currency is None
    assert result.error and "currency" in result.error
    assert run(html, currency="CNY").error is None


def test_as_json_uses_strings_for_money() -> None:
    data = run(page(PRODUCT)).as_json()
    assert data["price"] == "3999.00"
    json.dumps(data)  # serialisable


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "text", "price"),
    [
        ("gbk", "【特价】保温杯", "￥99.00"),
        ("gb2312", "【特价】保温杯", "99.00元"),
        ("gb18030", "【特价】保温杯 𠀀", "￥99.00"),
        ("big5", "【特價】保溫杯", "NT$99.00"),
        ("shift_jis", "特価 保温ボトル", "99.00円"),
        ("utf-8", "【特价】保温杯", "¥99.00"),
    ],
)
def test_pages_in_other_encodings_decode(encoding: str, text: str, price: str) -> None:
    html = (
        f'<html><head><meta charset="{encoding}"><title>{text}</title></head>'
        f'<body><h1>{text}</h1><span class="price">{price}</span></body></html>'
    )
    body = html.encode(encoding)
    response = HtmlResponse("https://shop.example/p", body=body)  # charset from <meta> only
    result = extract_product(response.selector, response.url)
    assert result.title == text
    assert result.price == Decimal("99.00")


def test_gbk_declared_in_header_only() -> None:
    body = "<html><body><h1>蓝天百货 电饭煲</h1><span class='price'>￥299.00</span></body></html>"
    response = HtmlResponse(
        "https://shop.example/p",
        body=body.encode("gbk"),
        headers={"Content-Type": "text/html; charset=GBK"},
    )
    result = extract_product(response.selector, response.url)
    assert (result.title, result.price) == ("蓝天百货 电饭煲", Decimal("299.00"))
