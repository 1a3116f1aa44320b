"""pricewatch.extract.buybox: availability from the page itself, and never from far away.

A table of small pages, one rule each (minimal reproductions; the labelled real pages are in
``test_extract_corpus.py``): stock blocks in every listed language, buy buttons enabled and
disabled, notify-me controls, structured data first, and the decoys that must not count
(carousels, footers, reviews, hidden notes). Every availability bug fixed adds a row.
"""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse

from pricewatch.extract import Extraction, extract_product
from pricewatch.extract.wording import BUY_BUTTON, IN_STOCK, NOTIFY_ME, OUT_OF_STOCK


def run(html: str) -> Extraction:
    url = "https://shop.example/p/1"
    response = HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8")
    return extract_product(response.selector, url, body=response.body)


def product_page(box: str, *, head: str = "", after: str = "") -> str:
    """A product page whose buy box (next to the title and price) holds ``box``."""
    return (
        f"<html><head><title>Lamp</title>{head}</head><body>"
        "<header><a href='/cart'>Cart</a> <span class='stock-ticker'>Sold out deals!</span>"
        "</header><main><div class='product'><h1>Desk lamp</h1>"
        f"<div class='buy'><p class='price'>€39,00</p>{box}</div></div>{after}</main>"
        "<footer>Items marked 'out of stock' ship later.</footer></body></html>"
    )


STOCK_WORDING = [
    ("In Stock", "in_stock"),
    ("Only 3 left in stock - order soon.", "in_stock"),
    ("Currently unavailable.", "out_of_stock"),
    ("Temporarily out of stock", "out_of_stock"),
    ("Available for pre-order", "preorder"),
    ("有货", "in_stock"),
    ("现货 24小时发货", "in_stock"),
    ("无货", "out_of_stock"),
    ("缺货", "out_of_stock"),
    ("已售罄", "out_of_stock"),
    ("预售 12月10日发货", "preorder"),
    ("現貨", "in_stock"),
    ("缺貨中", "out_of_stock"),
    ("在庫あり", "in_stock"),
    ("在庫切れ", "out_of_stock"),
    ("予約受付中", "preorder"),
    ("재고 있음", "in_stock"),
    ("품절", "out_of_stock"),
    ("Auf Lager", "in_stock"),
    ("Sofort lieferbar", "in_stock"),
    ("Nicht verfügbar", "out_of_stock"),
    ("Ausverkauft", "out_of_stock"),
    ("En stock", "in_stock"),
    ("Rupture de stock", "out_of_stock"),
    ("Épuisé", "out_of_stock"),
    ("Disponibile", "in_stock"),
    ("Non disponibile", "out_of_stock"),
    ("Esaurito", "out_of_stock"),
    ("Disponible", "in_stock"),
    ("Agotado", "out_of_stock"),
    ("Em estoque", "in_stock"),
    ("Esgotado", "out_of_stock"),
    ("Dostępny", "in_stock"),
    ("Niedostępny", "out_of_stock"),
    ("Op voorraad", "in_stock"),
    ("Uitverkocht", "out_of_stock"),
    ("В наличии", "in_stock"),
    ("Нет в наличии", "out_of_stock"),
    ("Stokta var", "in_stock"),
    ("Tükendi", "out_of_stock"),
    ("Skladom", "in_stock"),
    ("Vypredané", "out_of_stock"),
    ("Skladem", "in_stock"),
    ("Není skladem", "out_of_stock"),
    ("Na zalihi", "in_stock"),
    ("Nema na zalihi", "out_of_stock"),
    ("Na zalogi", "in_stock"),
    ("Ni na zalogi", "out_of_stock"),
    ("Ir noliktavā", "in_stock"),
    ("Nav noliktavā", "out_of_stock"),
]


@pytest.mark.parametrize(("wording", "expected"), STOCK_WORDING, ids=[w for w, _ in STOCK_WORDING])
def test_stock_block_wording(wording: str, expected: str) -> None:
    result = run(product_page(f"<p id='availability' class='stock'>{wording}</p>"))
    assert (result.availability, result.availability_by) == (expected, "stock block")
    assert result.availability_confidence == "medium"


CASES = [
    pytest.param(
        "<button type='submit' name='add-to-cart'>Add to cart</button>",
        "in_stock",
        "buy button",
        id="enabled-add-to-cart",
    ),
    pytest.param(
        "<input type='submit' value='In den Warenkorb'>", "in_stock", "buy button", id="de-input"
    ),
    pytest.param(
        "<button class='btn'>加入购物车</button>", "in_stock", "buy button", id="zh-add-to-cart"
    ),
    pytest.param(
        "<a class='btn' href='/checkout'>カートに入れる</a>", "in_stock", "buy button", id="ja-link"
    ),
    pytest.param(
        "<button class='btn-primary'>Buy tickets</button>", "in_stock", "buy button", id="tickets"
    ),
    pytest.param(
        "<button disabled class='add-to-cart'>Add to cart</button>",
        "out_of_stock",
        "disabled buy button",
        id="disabled-add-to-cart",
    ),
    pytest.param(
        "<button class='add-to-cart' aria-disabled='true'>Añadir al carrito</button>",
        "out_of_stock",
        "disabled buy button",
        id="aria-disabled",
    ),
    pytest.param(
        "<button class='product-form__submit'>Sold out</button>",
        "out_of_stock",
        "buy button saying sold out",
        id="button-saying-sold-out",
    ),
    pytest.param(
        "<button class='btn'>Notify me when available</button>",
        "out_of_stock",
        "notify-me control",
        id="notify-me",
    ),
    pytest.param(
        "<button class='btn'>到货通知</button>", "out_of_stock", "notify-me control", id="zh-notify"
    ),
    pytest.param(
        "<p class='stock'>Nicht auf Lager</p><button class='btn'>Benachrichtigen</button>",
        "out_of_stock",
        "stock block",
        id="stock-block-beats-button-at-equal-distance",
    ),
    pytest.param(
        "<p class='note'>Sorry, this item is sold out.</p>",
        "out_of_stock",
        "wording near the price",
        id="wording-next-to-the-price",
    ),
    pytest.param(
        "<p class='stock' style='display:none'>Out of stock</p>"
        "<button class='add-to-cart'>Add to cart</button>",
        "in_stock",
        "buy button",
        id="hidden-sold-out-note-is-ignored",
    ),
    pytest.param(
        "<a class='btn' href='/msg'>Contact seller</a>", "in_stock", "buy button", id="classified"
    ),
    pytest.param(
        "<button class='btn'>联系卖家</button>", "in_stock", "buy button", id="zh-classified"
    ),
    pytest.param("", "unknown", None, id="nothing-said"),
]


@pytest.mark.parametrize(("box", "availability", "evidence"), CASES)
def test_buy_box(box: str, availability: str, evidence: str | None) -> None:
    result = run(product_page(box))
    assert (result.availability, result.availability_by) == (availability, evidence)


@pytest.mark.parametrize(
    "after",
    [
        pytest.param(
            "<section class='related-products'><h2>Customers also bought</h2>"
            "<button class='add-to-cart'>Add to cart</button></section>",
            id="carousel-add-to-cart",
        ),
        pytest.param(
            "<div class='reviews'><p class='stock'>Was sold out last week, now back!</p></div>",
            id="reviews",
        ),
        pytest.param(
            "<div><div><div><div><div><div><div><div><div>"
            "<p class='stock'>Out of stock</p></div></div></div></div></div></div></div></div>"
            "</div>",
            id="far-below-the-product",
        ),
    ],
)
def test_far_or_unrelated_evidence_does_not_count(after: str) -> None:
    html = (
        "<html><body><div><div><div><div><div><div><div><div class='product'>"
        "<h1>Desk lamp</h1><p class='price'>€39,00</p></div></div></div></div></div></div>"
        f"</div></div>{after}</body></html>"
    )
    assert run(html).availability == "unknown"


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_structured_data_comes_first() -> None:
    offer = {"@type": "Offer", "price": "39", "priceCurrency": "EUR", "availability": "InStock"}
    head = ld({"@type": "Product", "name": "Desk lamp", "offers": offer})
    result = run(product_page("<p class='stock'>Out of stock</p>", head=head))
    assert (result.availability, result.availability_by) == ("in_stock", "json-ld")
    assert result.availability_confidence == "high"


def test_unpriced_product_still_gives_its_availability() -> None:
    head = ld(
        {
            "@type": "Product",
            "name": "Desk lamp",
            "offers": {"@type": "Offer", "price": {}, "availability": "OutOfStock"},
        }
    )
    html = (
        f"<html><head>{head}</head><body><h1>Desk lamp</h1><p>No longer available</p></body></html>"
    )
    result = run(html)
    assert result.price is None and result.availability == "out_of_stock"
    assert result.availability_by == "structured data"


def test_og_availability_meta_without_price() -> None:
    head = '<meta property="og:availability" content="instock">'
    result = run(product_page("", head=head))
    assert (result.availability, result.availability_by) == ("in_stock", "meta")


def test_microdata_offer_outside_a_product() -> None:
    box = (
        "<div itemscope itemtype='https://schema.org/Offer'>"
        "<meta itemprop='price' content='39.00'><meta itemprop='priceCurrency' content='EUR'>"
        "<link itemprop='availability' href='https://schema.org/OutOfStock'></div>"
    )
    result = run(product_page(box))
    assert (result.price, result.currency) == (39, "EUR")
    assert (result.availability, result.availability_by) == ("out_of_stock", "microdata")


def test_the_wording_tables_do_not_overlap_where_it_matters() -> None:
    # Out-of-stock wording is checked first, so these must be out of stock, not in stock.
    for text in ("indisponible", "no disponible", "not available", "nie je skladom"):
        assert OUT_OF_STOCK.search(text), text
    assert IN_STOCK.search("disponible") and not OUT_OF_STOCK.search("disponible")
    assert BUY_BUTTON.search("Dodaj do koszyka") and NOTIFY_ME.search("Avísame")


# ---------------------------------------------------------------- embedded JSON state


def state_page(script: str) -> str:
    return (
        "<html><head><title>Desk lamp</title></head><body><div id='app'><h1>Desk lamp</h1>"
        f"<p class='price'>€39,00</p></div>{script}</body></html>"
    )


NEXT_DATA = {
    "props": {
        "pageProps": {
            "recommendations": [{"name": "Floor lamp", "inStock": True}],
            "product": {"name": "Desk lamp", "sku": "DL-1", "inStock": False},
        }
    }
}


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        pytest.param(
            f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(NEXT_DATA)}</script>',
            "out_of_stock",
            id="next-data-product-key",
        ),
        pytest.param(
            "<script>window.__INITIAL_STATE__ = "
            + json.dumps({"pdp": {"item": {"title": "Desk lamp", "stockStatus": "IN_STOCK"}}})
            + ";</script>",
            "in_stock",
            id="initial-state-assignment",
        ),
        pytest.param(
            "<script>dataLayer.push("
            + json.dumps({"ecommerce": {"detail": {"name": "Desk lamp", "isSoldOut": True}}})
            + ");</script>",
            "out_of_stock",
            id="datalayer-by-name",
        ),
        pytest.param(
            "<script>window.__INITIAL_STATE__ = "
            + json.dumps({"related": [{"name": "Floor lamp stand", "available": True}]})
            + "</script>",
            "unknown",
            id="other-products-flags-do-not-count",
        ),
        pytest.param(
            "<script>dataLayer = [{name: 'Desk lamp', inStock: true}];</script>",
            "unknown",
            id="javascript-not-json-is-not-read",
        ),
    ],
)
def test_embedded_state(script: str, expected: str) -> None:
    result = run(state_page(script))
    assert result.availability == expected
    if expected != "unknown":
        assert (result.availability_by, result.availability_confidence) == (
            "embedded JSON state",
            "low",
        )
