"""pricewatch.extract.layout: which element is the title, what is far from the product."""

from __future__ import annotations

import pytest
from parsel import Selector

from pricewatch.extract.layout import elsewhere, index, main_title, near, tree_distance


def target(html: str) -> object:
    return Selector(text=html).xpath("//*[@id='t']")[0].root


@pytest.mark.parametrize(
    ("html", "far"),
    [
        pytest.param("<body><header><p id='t'>x</p></header></body>", True, id="site-header"),
        pytest.param("<body><footer><p id='t'>x</p></footer></body>", True, id="site-footer"),
        pytest.param("<body><nav><p id='t'>x</p></nav></body>", True, id="nav"),
        pytest.param(
            "<body><article><header><h1 id='t'>x</h1></header></article></body>",
            False,
            id="article-header-holds-the-title",
        ),
        pytest.param(
            "<body><div class='site-header'><p id='t'>x</p></div></body>", True, id="site-header"
        ),
        pytest.param(
            "<body><div class='product-header'><p id='t'>x</p></div></body>",
            False,
            id="product-header-is-not-the-page-header",
        ),
        pytest.param(
            "<body><div class='pl-PageTitle-header'><h1 id='t'>x</h1></div></body>",
            False,
            id="component-header",
        ),
        pytest.param(
            "<body><div class='page-header'><h1 id='t'>x</h1></div></body>", False, id="page-header"
        ),
        pytest.param(
            "<body><div class='related-products'><p id='t'>x</p></div></body>", True, id="related"
        ),
        pytest.param("<body><div class='cnxh'><p id='t'>x</p></div></body>", True, id="caini"),
        pytest.param(
            "<body><div style='display: none'><p id='t'>x</p></div></body>", True, id="hidden-css"
        ),
        pytest.param("<body><div hidden><p id='t'>x</p></div></body>", True, id="hidden-attr"),
        pytest.param(
            "<body><div class='aok-hidden'><p id='t'>x</p></div></body>", True, id="hidden-class"
        ),
        pytest.param("<body><div class='x'><p id='t'>x</p></div></body>", False, id="plain"),
    ],
)
def test_elsewhere(html: str, far: bool) -> None:
    assert elsewhere(target(html)) is far


def test_main_title_is_the_h1_closest_to_the_page_title() -> None:
    sel = Selector(
        text="<html><head><title>Desk lamp 40 cm | Shop</title></head><body>"
        "<h1>Menu</h1><div class='p'><h1>Desk lamp 40 cm</h1></div></body></html>"
    )
    title = main_title(sel)
    assert title is not None and title.text == "Desk lamp 40 cm"
    assert main_title(Selector(text="<html><body><p>no heading</p></body></html>")) is None


def test_tree_distance_counts_a_layout_table_as_one_level() -> None:
    sel = Selector(
        text="<body><div><table><tbody><tr><td><h1 id='a'>t</h1></td>"
        "<td><span id='b'>$1</span></td></tr></tbody></table></div></body>"
    )
    a, b = sel.xpath("//*[@id='a']")[0].root, sel.xpath("//*[@id='b']")[0].root
    assert tree_distance(b, [a]) == 1  # up from the h1 (1); its td and the shared tr add 0
    assert tree_distance(a, [a]) == 0
    assert tree_distance(a, []) == 99


def test_index_sorts_elements_near_the_title() -> None:
    sel = Selector(
        text="<body><div><h1>t</h1><p class='Price'>€9</p><p class='stock'>In stock</p>"
        "<button>Buy</button><a class='btn-cart' href='#'>Add</a><span>¥5</span></div></body>"
    )
    title = sel.xpath("//h1")[0].root
    page = index(near(sel.root, [title], 2))
    assert [e.get("class") for e in page.prices] == ["Price"]
    assert [e.get("class") for e in page.stock] == ["stock"]
    assert [e.tag for e in page.controls] == ["button", "a"]
    assert [e.text for e in page.money_text] == ["€9", "¥5"]
