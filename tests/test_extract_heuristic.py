"""The page's main price among decoys, and the "found trying it as a new user" rows.

One table of small pages, each reproducing one decoy or one wrong result a user met (these are
minimal reproductions, not the labelled corpus: that is ``test_extract_corpus.py``). Every
price bug fixed adds a row.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from scrapy.http import HtmlResponse

from pricewatch.extract import Extraction, extract_product


def run(html: str, url: str = "https://shop.example/p/1", **kwargs: Any) -> Extraction:
    response = HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8")
    return extract_product(response.selector, url, body=response.body, **kwargs)


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def product(name: str, price: str, currency: str = "CNY", **offer: str) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "offers": {"@type": "Offer", "price": price, "priceCurrency": currency, **offer},
    }


def shop_page(body: str, head: str = "", lang: str = "en") -> str:
    return (
        f'<html lang="{lang}"><head><title>Shop</title>{head}</head><body>'
        '<nav><a href="/">Home</a> <a href="/sale">Deals under $25</a></nav>'
        f"{body}<footer>Free shipping over $49</footer></body></html>"
    )


BAG = "<h1>Canvas tote bag</h1>"
CASES = [
    # ------------------------------------------------ found trying it as a new user
    pytest.param(
        shop_page(
            BAG,
            ld(
                {
                    "@type": "product",
                    "name": "Canvas tote bag",
                    "sku": "TB-1",
                    "offers": {
                        "@type": "offer",
                        "price": "129",
                        "priceCurrency": "CNY",
                        "availability": "https://schema.org/OutOfStock",
                    },
                }
            ),
        ),
        {},
        ("129", "CNY", None, "json-ld", "out_of_stock"),
        id="lower-case-type-product-is-json-ld",
    ),
    pytest.param(
        shop_page(
            BAG, ld(product("Matching wallet", "59")) + ld(product("Canvas tote bag", "129"))
        ),
        {},
        ("129", "CNY", None, "json-ld", "unknown"),
        id="related-product-json-ld-before-the-main-one",
    ),
    pytest.param(
        shop_page(
            BAG,
            ld(
                {
                    "@type": "ItemList",
                    "itemListElement": [
                        {"@type": "ListItem", "item": product("Strap", "19")},
                        {"@type": "ListItem", "item": product("Charm", "9")},
                    ],
                }
            )
            + ld(product("Bag (no name match needed)", "129")),
        ),
        {},
        ("129", "CNY", None, "json-ld", "unknown"),
        id="itemlist-of-accessories-before-the-main-product",
    ),
    pytest.param(
        "<html><body><div class='box'><h3>猜你喜欢</h3><ul>"
        "<li><a href='/p/2'>收纳包</a> <span class='price'>¥39.00</span></li>"
        "<li><a href='/p/3'>钱包</a> <span class='price'>¥59.00</span></li></ul></div>"
        "<div class='detail'><h1>帆布托特包</h1><p>售价：<strong>¥129.00</strong></p></div>"
        "</body></html>",
        {},
        ("129.00", "CNY", None, "heuristic", "unknown"),
        id="guess-you-like-block-before-the-main-price",
    ),
    pytest.param(
        shop_page("<h1>帆布托特包</h1><p class='price'>1,290元</p>", lang="zh"),
        {"currency": "TWD"},
        ("1290", "TWD", None, "heuristic", "unknown"),
        id="yuan-with-a-twd-shop-currency",
    ),
    pytest.param(
        "<html><head>" + ld(product("帆布托特包", "1290", currency="元")) + "</head></html>",
        {"currency": "TWD"},
        ("1290", "TWD", None, "json-ld", "unknown"),
        id="yuan-as-json-ld-price-currency-on-a-twd-shop",
    ),
    pytest.param(
        "<html><head><meta property='product:price:amount' content='49.90'>"
        "<meta property='product:price:currency' content='$'></head></html>",
        {"currency": "SGD"},
        ("49.90", "SGD", None, "opengraph", "unknown"),
        id="dollar-as-og-price-currency-on-an-sgd-shop",
    ),
    pytest.param(
        "<html><head>" + ld(product("帆布托特包", "129", currency="元")) + "</head></html>",
        {},
        ("129", "CNY", None, "json-ld", "unknown"),
        id="yuan-as-json-ld-price-currency-without-a-shop-currency",
    ),
    pytest.param(
        shop_page("<h1>Canvas tote</h1><p class='price'>$1,290</p>"),
        {"url": "https://shop.example.com.tw/p/1"},
        ("1290", "TWD", None, "heuristic", "unknown"),
        id="dollar-on-a-tw-host",
    ),
    pytest.param(
        shop_page("<h1>Canvas tote</h1><p class='price'>$388</p>"),
        {"url": "https://www.shop.hk/p/1"},
        ("388", "HKD", None, "heuristic", "unknown"),
        id="dollar-on-a-hk-host",
    ),
    pytest.param(
        shop_page("<h1>Canvas tote</h1><p class='price'>$49.90</p>"),
        {"url": "https://shop.sg/p/1"},
        ("49.90", "SGD", None, "heuristic", "unknown"),
        id="dollar-on-a-sg-host",
    ),
    pytest.param(
        shop_page("<h1>Bolso</h1><p class='price'>$24.990</p>"),
        {"url": "https://www.tienda.cl/p/1"},
        ("24990", "CLP", None, "heuristic", "unknown"),
        id="clp-thousands-dot-on-a-cl-host",
    ),
    pytest.param(
        shop_page("<h1>Bolso</h1><p class='price'>$ 2.449</p>", lang="es-AR"),
        {},
        ("2449", "ARS", None, "heuristic", "unknown"),
        id="ars-thousands-dot-on-an-es-ar-page",
    ),
    pytest.param(
        shop_page("<h1>帆布袋</h1><p class='price'>$1,290</p>", lang="zh-TW"),
        {},
        ("1290", "TWD", None, "heuristic", "unknown"),
        id="dollar-on-a-zh-tw-page",
    ),
    pytest.param(
        shop_page("<h1>Canvas tote</h1><p><s>$59.00</s> <span>$45.00</span></p>"),
        {},
        ("45.00", "USD", "59.00", "heuristic", "unknown"),
        id="struck-s-price-before-the-current-one",
    ),
    pytest.param(
        shop_page("<h1>Canvas tote</h1><div class='price'><del>€59,00</del> €45,00</div>"),
        {},
        ("45.00", "EUR", "59.00", "heuristic", "unknown"),
        id="del-price-inside-the-price-element",
    ),
    pytest.param(
        shop_page(BAG, ld(product("Canvas tote bag", "1500", "RUR"))),
        {},
        ("1500", "RUB", None, "json-ld", "unknown"),
        id="legacy-rur-in-json-ld",
    ),
    # ------------------------------------------------ decoys around the main price
    pytest.param(
        shop_page("<h1>Sofa</h1><p class='price'>R$ 1.299,00</p><p>ou 12 x R$ 108,25</p>"),
        {},
        ("1299.00", "BRL", None, "heuristic", "unknown"),
        id="instalments-after-the-price",
    ),
    pytest.param(
        shop_page(
            "<h1>Sofa</h1><p><span class='installment-price'>12 x 24,90 €</span></p>"
            "<p class='product-price'>298,80 €</p>"
        ),
        {},
        ("298.80", "EUR", None, "heuristic", "unknown"),
        id="instalments-before-the-price",
    ),
    pytest.param(
        shop_page(
            "<h1>Phone plan</h1><p class='monthly price'>$29.99/mo</p>"
            "<p class='price-total'>$719.76</p>"
        ),
        {},
        ("719.76", "USD", None, "heuristic", "unknown"),
        id="per-month-price",
    ),
    pytest.param(
        shop_page(
            "<h1>手机</h1><p class='fenqi-price'>每期 ¥333.25</p><p class='price'>¥3999.00</p>"
        ),
        {},
        ("3999.00", "CNY", None, "heuristic", "unknown"),
        id="chinese-instalments-meiqi",
    ),
    pytest.param(
        shop_page(
            "<h1>Lamp</h1><p>Shipping: <span class='price'>£4.99</span></p>"
            "<p>Price: <span class='price'>£39.00</span></p>"
        ),
        {},
        ("39.00", "GBP", None, "heuristic", "unknown"),
        id="shipping-cost",
    ),
    pytest.param(
        shop_page(
            "<h1>Lamp</h1><p class='price-save'>Save <span class='price'>20 €</span></p>"
            "<p class='price'>79 €</p>"
        ),
        {},
        ("79", "EUR", None, "heuristic", "unknown"),
        id="save-20-euro",
    ),
    pytest.param(
        shop_page(
            "<h1>Lamp</h1><p class='price'>$39.00</p>"
            "<section class='related-products'><h2>Customers also bought</h2>"
            "<p class='price'>$12.00</p></section>"
        ),
        {},
        ("39.00", "USD", None, "heuristic", "unknown"),
        id="recommendation-carousel-after",
    ),
    pytest.param(
        shop_page(
            "<div class='carousel'><p class='price'>$12.00</p></div>"
            "<h1>Lamp</h1><p class='price'>$39.00</p>"
        ),
        {},
        ("39.00", "USD", None, "heuristic", "unknown"),
        id="recommendation-carousel-before",
    ),
    pytest.param(
        shop_page(
            "<div><div><div><div><div><div><div><div><div class='product'>"
            "<h1>Lamp</h1><p>No longer available</p></div></div></div></div></div></div></div>"
            "</div></div><div class='grid'><a href='/p/2'>Desk lamp</a> <b>$12.00</b></div>"
            "<div class='you-may-also-like'><p class='price'>$19.00</p></div>"
        ),
        {},
        (None, None, None, None, "out_of_stock"),
        id="unavailable-product-only-far-prices-gives-no-price",
    ),
    pytest.param(
        shop_page(
            BAG,
            ld(
                {
                    "@type": "Product",
                    "name": "Canvas tote bag",
                    "offers": [
                        {
                            "@type": "Offer",
                            "price": "99",
                            "priceCurrency": "CNY",
                            "sku": "S",
                            "availability": "https://schema.org/OutOfStock",
                        },
                        {
                            "@type": "Offer",
                            "price": "119",
                            "priceCurrency": "CNY",
                            "sku": "M",
                            "availability": "https://schema.org/InStock",
                        },
                        {
                            "@type": "Offer",
                            "price": "129",
                            "priceCurrency": "CNY",
                            "sku": "L",
                            "availability": "https://schema.org/InStock",
                        },
                    ],
                }
            ),
        ),
        {},
        ("119", "CNY", None, "json-ld", "in_stock"),
        id="lowest-in-stock-offer-not-the-sold-out-one",
    ),
    pytest.param(
        shop_page(
            "<h1>Canvas tote bag</h1><div id='buybox'><span class='price'>$24.00</span>"
            "<button class='add-to-cart'>Add to cart</button></div>",
            ld(
                {
                    "@type": "Product",
                    "name": "Canvas tote bag",
                    "offers": [
                        {
                            "@type": "Offer",
                            "price": "19.50",
                            "priceCurrency": "USD",
                            "seller": {"@type": "Organization", "name": "Cheap Bags Ltd"},
                            "availability": "https://schema.org/InStock",
                        },
                        {
                            "@type": "Offer",
                            "price": "24.00",
                            "priceCurrency": "USD",
                            "seller": {"@type": "Organization", "name": "Tote Co"},
                            "availability": "https://schema.org/InStock",
                        },
                    ],
                }
            ),
        ),
        {},
        ("24.00", "USD", None, "json-ld", "in_stock"),
        id="marketplace-featured-buy-box-offer",
    ),
    pytest.param(
        shop_page(
            "<h1>Vintage camera</h1><p>Current bid: <span class='price'>US $41.00</span></p>"
            "<p>Buy It Now: <span class='price'>US $95.00</span></p>"
        ),
        {},
        ("95.00", "USD", None, "heuristic", "in_stock"),  # "Buy It Now" near the price
        id="auction-buy-it-now-over-current-bid",
    ),
    pytest.param(
        shop_page(
            "<h1>Vintage camera</h1><p>Current bid: <span class='price'>US $41.00</span></p>"
        ),
        {},
        ("41.00", "USD", None, "heuristic", "unknown"),
        id="auction-without-buy-it-now-is-the-bid",
    ),
    pytest.param(
        shop_page(
            "<h1>Canvas tote bag</h1><div class='PriceBlock'><span>$98.99</span>"
            "<span class='SuggestedRetailPrice'><span>$169.10</span></span></div>",
            ld(product("Canvas tote bag", "98.99", "USD")),
        ),
        {},
        ("98.99", "USD", "169.10", "json-ld", "unknown"),
        id="list-price-shown-by-the-page-for-a-structured-price",
    ),
    pytest.param(
        shop_page(
            "<h1>Canvas tote bag</h1><p>RRP: <span>£16.99</span></p>",
            ld(product("Canvas tote bag", "13.53", "GBP")),
        ),
        {},
        ("13.53", "GBP", "16.99", "json-ld", "unknown"),
        id="rrp-label-is-a-list-price",
    ),
    pytest.param(
        shop_page(
            "<h1>Canvas tote bag</h1><p><s>$9.00</s></p>",
            ld(product("Canvas tote bag", "24.00", "USD")),
        ),
        {},
        ("24.00", "USD", None, "json-ld", "unknown"),
        id="struck-price-below-the-price-is-not-its-list-price",
    ),
    pytest.param(
        shop_page(
            BAG,
            ld(product("Canvas tote bag", "150", "USD"))
            + '<meta property="og:price:amount" content="120.00">'
            '<meta property="og:price:currency" content="USD">'
            '<meta property="og:price:standard_amount" content="150.00">',
        ),
        {},
        ("120.00", "USD", "150", "json-ld", "unknown"),
        id="json-ld-standard-price-opengraph-sale-price",
    ),
]


@pytest.mark.parametrize(("html", "options", "want"), CASES)
def test_main_price(html: str, options: dict[str, Any], want: tuple[Any, ...]) -> None:
    price, currency, list_price, source, availability = want
    result = run(html, **options)
    assert result.price == (Decimal(price) if price else None)
    assert result.currency == currency
    assert result.list_price == (Decimal(list_price) if list_price else None)
    assert result.extracted_by == source
    assert result.availability == availability


def test_no_price_has_no_confidence() -> None:
    result = run(shop_page("<h1>Lamp</h1><p>Sold out</p>"))
    assert result.price is None and result.confidence is None
    assert result.error == "no price found on the page"
    assert result.as_json()["confidence"] is None


def test_heuristic_price_is_low_confidence_structured_is_high() -> None:
    assert run(shop_page("<h1>Lamp</h1><p class='price'>$39.00</p>")).confidence == "low"
    assert run(shop_page(BAG, ld(product("Canvas tote bag", "129")))).confidence == "high"


@pytest.mark.parametrize(
    ("html", "encoding", "expected"),
    [
        ("<p><del>$59</del> $45</p>", "utf-8", True),
        ("<p><s>€10</s></p>", "utf-8", True),
        ('<span style="text-decoration: line-through">9.99</span>', "utf-8", True),
        ('<span class="old-price">9.99</span>', "utf-8", True),
        ('<span class="ListPrice">9.99</span>', "utf-8", True),
        ('<span class="price--before">9.99</span>', "utf-8", True),
        ("<p>RRP: £16.99</p>", "utf-8", True),
        ("<p>Was $12.99</p>", "utf-8", True),
        ("<p>Prix barré 12,00 €</p>", "utf-8", True),
        ("<p>原价 ¥199</p>", "utf-8", True),
        ("<p>原价 199 元</p>", "gbk", True),
        ("<p>市場價 NT$1,990</p>", "big5", True),
        # No sign of a list price: not searched for one (the search is the heuristic's cost).
        ('<div class="price">¥99.00</div><p>It was great, 5 stars</p>', "utf-8", False),
        ('<ul class="product-list"><li class="price">12.00</li></ul>', "utf-8", False),
    ],
)
def test_pages_are_searched_for_a_list_price_only_when_they_may_show_one(
    html: str, encoding: str, expected: bool
) -> None:
    from pricewatch.extract.heuristic import may_show_list_price

    assert may_show_list_price(html.encode(encoding), encoding) is expected
    assert may_show_list_price(None) is True  # without the HTML: always searched
