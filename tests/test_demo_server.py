"""Tests for the offline demo shops (pricewatch.demo).

The pages must agree with ``expected()``: other test modules assert extraction against it, so
a mismatch here would make them test the demo instead of the extractors. One server (on free
ports) is shared by the module; every test starts in round 1.
"""

from __future__ import annotations

import html
import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from pricewatch.demo import DemoServer, DemoShop, changes, expected, gone_paths
from pricewatch.demo.catalog import SHOPS

HONGXING, LANTIAN, YUNSHANG = "demo_hongxing", "demo_lantian", "demo_yunshang"
SCHEMA_AVAILABILITY = {
    "https://schema.org/InStock": "in_stock",
    "https://schema.org/OutOfStock": "out_of_stock",
    "https://schema.org/PreOrder": "preorder",
}
CHINESE_STOCK = {"有货": "in_stock", "缺货": "out_of_stock", "预售": "preorder"}


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(base_port=0) as demo:
        yield demo


@pytest.fixture
def demo(server: DemoServer) -> Iterator[DemoServer]:
    server.set_round(1)
    yield server
    server.set_round(1)


def fetch(url: str) -> tuple[int, Message, bytes]:
    """GET ``url``; HTTP errors are returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def get_text(shop: DemoShop, path: str, encoding: str = "utf-8") -> str:
    status, _, body = fetch(shop.url_for(path))
    assert status == 200, path
    return body.decode(encoding)


def json_ld_product(page: str) -> tuple[dict[str, Any], list[Any]]:
    """The Product node of a page (top level or inside @graph) and all parsed blocks."""
    blocks = [
        json.loads(raw)
        for raw in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S
        )
    ]
    nodes: list[dict[str, Any]] = []
    for block in blocks:
        nodes.extend(block.get("@graph", [block]))
    products = [n for n in nodes if n.get("@type") == "Product"]
    assert len(products) == 1
    return products[0], blocks


def span(cls: str, page: str, tag: str = "span") -> str:
    m = re.search(rf'<{tag} class="{cls}"[^>]*>(.*?)</{tag}>', page, flags=re.S)
    assert m, cls
    return html.unescape(m.group(1)).strip()


def yuan(text: str) -> Decimal:
    """The first amount in a printed price ("￥1,299.00", "￥99.00 - ￥199.00", "￥59起")."""
    m = re.search(r"[￥¥]\s*([\d,]+(?:\.\d+)?)", text)
    assert m, text
    return Decimal(m.group(1).replace(",", ""))


# --- basics ---------------------------------------------------------------------------------


def test_shops_get_distinct_free_ports(demo: DemoServer) -> None:
    assert [s.slug for s in demo.shops] == [HONGXING, LANTIAN, YUNSHANG]
    ports = [s.port for s in demo.shops]
    assert len(set(ports)) == 3 and all(ports)
    assert demo.shops[0].url == f"http://127.0.0.1:{ports[0]}/"
    assert demo.shop(LANTIAN).name == "蓝天百货 Lantian Store"


def test_fixed_base_port_plans_consecutive_ports() -> None:
    planned = DemoServer(base_port=9100)
    assert [s.port for s in planned.shops] == [9100, 9101, 9102]
    assert not planned.running


@pytest.mark.parametrize("slug", [HONGXING, YUNSHANG])
def test_home_page_links_every_product(demo: DemoServer, slug: str) -> None:
    page = get_text(demo.shop(slug), "/")
    for row in expected(slug, 1):
        assert f'href="{row["path"]}"' in page


def test_lantian_home_links_category(demo: DemoServer) -> None:
    page = get_text(demo.shop(LANTIAN), "/", "gbk")
    assert 'href="/category/all?page=1"' in page
    assert 'class="product-link"' in page


def test_expected_has_the_documented_shape() -> None:
    keys = {"path", "title", "price", "list_price", "currency", "availability", "sku"}
    sizes = {HONGXING: 12, LANTIAN: 25, YUNSHANG: 8}
    for slug, size in sizes.items():
        rows = expected(slug, 1)
        assert len(rows) == size
        assert len({r["path"] for r in rows}) == size
        for row in rows:
            assert keys <= row.keys()
            assert row["currency"] == "CNY"
            assert row["availability"] in {"in_stock", "out_of_stock", "preorder"}
            assert Decimal(row["price"]) > 0
            assert re.fullmatch(r"\d+\.\d\d", row["price"])
    with pytest.raises(KeyError):
        expected("demo_nowhere", 1)
    with pytest.raises(ValueError):
        expected(HONGXING, 3)


def test_set_round_rejects_unknown_rounds(demo: DemoServer) -> None:
    with pytest.raises(ValueError):
        demo.set_round(3)
    assert demo.round == 1


# --- demo_hongxing: JSON-LD -----------------------------------------------------------------


@pytest.mark.parametrize("round_", [1, 2])
def test_hongxing_json_ld_matches_expected(demo: DemoServer, round_: int) -> None:
    demo.set_round(round_)
    shop = demo.shop(HONGXING)
    for row in expected(HONGXING, round_):
        page = get_text(shop, row["path"])
        product, _ = json_ld_product(page)
        assert product["name"] == row["title"]
        assert product["brand"]["name"] == row["brand"]
        assert product["image"][0].startswith(shop.url)
        offers = product["offers"]
        if row["variants"]:
            assert isinstance(offers, list) and len(offers) == len(row["variants"])
            offer = offers[0]  # the bare URL shows the first variant
            assert offer["sku"] == row["sku"] and offer["gtin13"] == row["gtin"]
        else:
            offer = offers
            assert product["sku"] == row["sku"] and product["gtin13"] == row["gtin"]
        assert Decimal(offer["price"]) == Decimal(row["price"])
        assert offer["priceCurrency"] == row["currency"]
        assert SCHEMA_AVAILABILITY[offer["availability"]] == row["availability"]
        list_price = offer.get("priceSpecification", {}).get("price")
        assert list_price == row["list_price"]
        # The visible price agrees with the structured data.
        assert yuan(span("price", page)) == Decimal(row["price"])


@pytest.mark.parametrize("round_", [1, 2])
def test_hongxing_variant_urls_select_an_offer(demo: DemoServer, round_: int) -> None:
    demo.set_round(round_)
    shop = demo.shop(HONGXING)
    (row,) = [r for r in expected(HONGXING, round_) if r["variants"]]
    assert len(row["variants"]) >= 3
    for variant in row["variants"]:
        assert variant["path"] == f"{row['path']}?variant={variant['sku']}"
        page = get_text(shop, variant["path"])
        assert yuan(span("price", page)) == Decimal(variant["price"])
        assert f"商品编码：{variant['sku']}" in page
        product, _ = json_ld_product(page)
        (offer,) = [o for o in product["offers"] if o["url"] == shop.url_for(variant["path"])]
        assert offer["sku"] == variant["sku"]
        assert Decimal(offer["price"]) == Decimal(variant["price"])
        assert SCHEMA_AVAILABILITY[offer["availability"]] == variant["availability"]
    # An unknown variant falls back to the default offer.
    page = get_text(shop, row["path"] + "?variant=NOPE")
    assert yuan(span("price", page)) == Decimal(row["price"])


def test_hongxing_has_one_graph_page(demo: DemoServer) -> None:
    shop = demo.shop(HONGXING)
    graph_pages = 0
    for row in expected(HONGXING, 1):
        _, blocks = json_ld_product(get_text(shop, row["path"]))
        graph_pages += any("@graph" in b for b in blocks)
    assert graph_pages == 1


# --- demo_lantian: GBK, markup only, pagination ---------------------------------------------


def test_lantian_pages_are_gbk(demo: DemoServer) -> None:
    row = expected(LANTIAN, 1)[0]
    status, headers, body = fetch(demo.shop(LANTIAN).url_for(row["path"]))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=GBK"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # really GBK, not UTF-8 with a GBK label
    page = body.decode("gbk")
    assert '<meta charset="gbk">' in page
    assert span("product-title", page, "h1") == row["title"]
    assert row["title"].encode("gbk") in body
    assert "application/ld+json" not in page and "itemprop" not in page


@pytest.mark.parametrize(("round_", "count"), [(1, 25), (2, 24)])
def test_lantian_pagination_chain_ends(demo: DemoServer, round_: int, count: int) -> None:
    demo.set_round(round_)
    shop = demo.shop(LANTIAN)
    url: str | None = "/category/all?page=1"
    visited, links = [], []
    while url:
        page = get_text(shop, url, "gbk")
        visited.append(url)
        links += re.findall(r'<a class="product-link" href="([^"]+)"', page)
        m = re.search(r'<a class="next" href="([^"]+)">下一页</a>', page)
        url = m.group(1) if m else None
    assert visited == [f"/category/all?page={n}" for n in (1, 2, 3)]
    assert links == [r["path"] for r in expected(LANTIAN, round_)]
    assert len(links) == count
    assert fetch(shop.url_for("/category/all?page=4"))[0] == 404


@pytest.mark.parametrize("round_", [1, 2])
def test_lantian_markup_matches_expected(demo: DemoServer, round_: int) -> None:
    demo.set_round(round_)
    shop = demo.shop(LANTIAN)
    for row in expected(LANTIAN, round_):
        page = get_text(shop, row["path"], "gbk")
        assert span("product-title", page, "h1") == row["title"]
        assert yuan(span("price", page)) == Decimal(row["price"])
        if row["list_price"]:
            assert yuan(span("list-price", page, "del")) == Decimal(row["list_price"])
        else:
            assert 'class="list-price"' not in page
        assert CHINESE_STOCK[span("stock", page)] == row["availability"]
        assert span("sku", page) == f"商品编号：{row['sku']}"


def test_lantian_price_range_and_from_price(demo: DemoServer) -> None:
    shop = demo.shop(LANTIAN)
    ranged = span("price", get_text(shop, "/item/LT-1010.html", "gbk"))
    assert ranged == "￥99.00 - ￥199.00"
    assert span("price", get_text(shop, "/item/LT-1015.html", "gbk")) == "￥59起"
    assert span("price", get_text(shop, "/item/LT-1003.html", "gbk")) == "￥1,299.00"
    prices = {r["path"]: r["price"] for r in expected(LANTIAN, 1)}
    assert prices["/item/LT-1010.html"] == "99.00"
    assert prices["/item/LT-1015.html"] == "59.00"


# --- demo_yunshang: JavaScript + JSON API ---------------------------------------------------


def test_yunshang_raw_html_has_no_price(demo: DemoServer) -> None:
    shop = demo.shop(YUNSHANG)
    for row in expected(YUNSHANG, 1):
        page = get_text(shop, row["path"])
        assert '<div id="app"></div>' in page
        assert "¥" not in page and "￥" not in page and 'class="price"' not in page
        assert row["price"] not in page and row["title"] not in page
    script = get_text(shop, "/static/yunshang/app.js")
    assert "/api/products/" in script and "setTimeout" in script


@pytest.mark.parametrize("round_", [1, 2])
def test_yunshang_api_matches_expected(demo: DemoServer, round_: int) -> None:
    demo.set_round(round_)
    shop = demo.shop(YUNSHANG)
    for row in expected(YUNSHANG, round_):
        product_id = row["path"].rsplit("/", 1)[1]
        status, headers, body = fetch(shop.url_for(f"/api/products/{product_id}.json"))
        assert status == 200
        assert headers["Content-Type"].startswith("application/json")
        data = json.loads(body)["data"]
        assert data["title"] == row["title"] and data["sku"] == row["sku"]
        assert Decimal(data["sale_price_fen"]) / 100 == Decimal(row["price"])
        list_fen = data["market_price_fen"]
        assert (None if list_fen is None else Decimal(list_fen) / 100) == (
            None if row["list_price"] is None else Decimal(row["list_price"])
        )
        assert CHINESE_STOCK[data["stock_text"]] == row["availability"]
    assert fetch(shop.url_for("/api/products/99999.json"))[0] == 404


# --- all shops: robots, sitemap, 404, round 2 -----------------------------------------------


@pytest.mark.parametrize("slug", [HONGXING, LANTIAN, YUNSHANG])
def test_robots_txt(demo: DemoServer, slug: str) -> None:
    shop = demo.shop(slug)
    robots = get_text(shop, "/robots.txt")
    assert "User-agent: *" in robots
    assert "Disallow: /cart" in robots
    assert f"Sitemap: {shop.url_for('/sitemap.xml')}" in robots


@pytest.mark.parametrize("round_", [1, 2])
@pytest.mark.parametrize("slug", [HONGXING, LANTIAN, YUNSHANG])
def test_sitemap_lists_all_products(demo: DemoServer, slug: str, round_: int) -> None:
    demo.set_round(round_)
    shop = demo.shop(slug)
    status, headers, body = fetch(shop.url_for("/sitemap.xml"))
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [el.text for el in ET.fromstring(body).findall("sm:url/sm:loc", ns)]
    assert locs == [shop.url_for(r["path"]) for r in expected(slug, round_)]


@pytest.mark.parametrize("slug", [HONGXING, LANTIAN, YUNSHANG])
def test_unknown_paths_are_404(demo: DemoServer, slug: str) -> None:
    shop = demo.shop(slug)
    for path in ("/no/such/page", "/products/nope", "/item/LT-9999.html", "/goods/1"):
        status, headers, body = fetch(shop.url_for(path))
        assert status == 404, path
        assert headers["Content-Type"].startswith("text/html")
        assert "404" in body.decode("gbk" if slug == LANTIAN else "utf-8")


def test_removed_product_is_404_in_round_2(demo: DemoServer) -> None:
    shop = demo.shop(LANTIAN)
    assert gone_paths(LANTIAN, 1) == []
    (gone,) = gone_paths(LANTIAN, 2)
    assert fetch(shop.url_for(gone))[0] == 200
    demo.set_round(2)
    assert fetch(shop.url_for(gone))[0] == 404
    assert gone not in [r["path"] for r in expected(LANTIAN, 2)]
    demo.set_round(1)
    assert fetch(shop.url_for(gone))[0] == 200


@pytest.mark.parametrize("slug", [HONGXING, LANTIAN, YUNSHANG])
def test_round_2_moves_prices_and_stock(slug: str) -> None:
    diff = changes(slug)
    prices = [tuple(map(Decimal, d["price"])) for d in diff.values() if "price" in d]
    assert any(new < old for old, new in prices), "some price goes down"
    assert any(new > old for old, new in prices), "some price goes up"
    stock = [d["availability"] for d in diff.values() if "availability" in d]
    assert ("in_stock", "out_of_stock") in stock
    assert any(new == "in_stock" for old, new in stock if old != "in_stock")
    assert expected(slug, 1) != expected(slug, 2)
    assert any("gone" in d for d in diff.values()) == (slug == LANTIAN)


def test_pages_follow_the_round(demo: DemoServer) -> None:
    lantian = demo.shop(LANTIAN)
    path, old, new = next(
        (p, d["price"][0], d["price"][1]) for p, d in changes(LANTIAN).items() if "price" in d
    )
    assert yuan(span("price", get_text(lantian, path, "gbk"))) == Decimal(old)
    demo.set_round(2)
    assert demo.round == 2
    assert yuan(span("price", get_text(lantian, path, "gbk"))) == Decimal(new)


def test_static_assets_and_images(demo: DemoServer) -> None:
    for shop in demo.shops:
        status, headers, _ = fetch(shop.url_for(f"/static/{shop.slug}.css"))
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        status, headers, body = fetch(shop.url_for("/images/anything.svg"))
        assert status == 200 and headers["Content-Type"] == "image/svg+xml"
        assert body.startswith(b"<svg")
        assert fetch(shop.url_for("/static/../server.py"))[0] == 404
    assert len(demo.request_log) > 0


def test_every_lantian_title_is_gbk_encodable() -> None:
    (lantian,) = [s for s in SHOPS if s.slug == LANTIAN]
    for product in lantian.products:
        product.title.encode("gbk")


def test_stop_releases_ports_and_connections() -> None:
    demo = DemoServer(base_port=0)
    demo.start()
    url = demo.shops[0].url
    assert fetch(url)[0] == 200
    demo.stop()
    assert not demo.running
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)
    demo.stop()  # idempotent


def test_command_line_serves_until_interrupted() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pricewatch.demo.server", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert proc.stdout is not None
        urls = []
        for line in proc.stdout:
            urls += re.findall(r"http://127\.0\.0\.1:\d+/", line)
            if "Ctrl-C" in line:
                break
        assert len(urls) == 3
        assert all(fetch(u)[0] == 200 for u in urls)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# --- real browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_yunshang_price_appears_after_javascript(demo: DemoServer, chromium: str) -> None:
    from playwright import sync_api

    from pricewatch.crawl.addon import launch_options

    shop = demo.shop(YUNSHANG)
    # A product over ¥1,000 (thousands separator) whose stock changes in round 2.
    moved = {p for p, d in changes(YUNSHANG).items() if "availability" in d}
    row = next(r for r in expected(YUNSHANG, 1) if r["path"] in moved and Decimal(r["price"]) > 999)
    url = shop.url_for(row["path"])
    raw = fetch(url)[2].decode("utf-8")
    assert "¥" not in raw and row["price"] not in raw

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options(chromium))
        try:
            page = browser.new_page()
            page.goto(url)
            price = page.wait_for_selector(".price", timeout=10_000)
            assert price is not None
            assert price.text_content() == f"¥{Decimal(row['price']):,.2f}"
            assert price.get_attribute("data-price") == row["price"]
            assert CHINESE_STOCK[page.text_content(".stock") or ""] == row["availability"]
            assert page.text_content("h1") == row["title"]

            # Round 2 reaches the browser too (no caching).
            demo.set_round(2)
            (row2,) = [r for r in expected(YUNSHANG, 2) if r["path"] == row["path"]]
            page.reload()
            page.wait_for_selector(".price")
            assert page.get_attribute(".price", "data-price") == row2["price"]
            assert CHINESE_STOCK[page.text_content(".stock") or ""] == row2["availability"]
        finally:
            browser.close()
