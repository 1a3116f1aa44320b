"""The demo client: its XLSX catalogue (Chinese headers) imported and matched to the demo shops.

The store holds what a crawl of the demo shops stores (built from the demo catalogue's
``expected``), so this runs without serving or rendering the shops.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from pricewatch.db.store import Store
from pricewatch.demo import expected
from pricewatch.demo.catalog import SHOPS
from pricewatch.demo.client import (
    DEMO_CATALOGUE,
    DEMO_CLIENT,
    seed_demo_client,
    write_demo_catalogue,
)
from pricewatch.records import PriceRecord, utcnow

BASE_URLS = {shop.slug: f"http://127.0.0.1:{18801 + i}/" for i, shop in enumerate(SHOPS)}


def crawled(store: Store) -> None:
    for slug, base in BASE_URLS.items():
        run = store.start_run(slug)
        store.store_batch(
            run,
            [
                PriceRecord(
                    shop=slug,
                    url=base.rstrip("/") + row["path"],
                    title=row["title"],
                    price=Decimal(row["price"]),
                    currency=row["currency"],
                    fetched_at=utcnow(),
                    sku=row["sku"],
                    gtin=row["gtin"],
                    brand=row["brand"],
                )
                for row in expected(slug, 1)
            ],
        )


def url(shop: str, path: str) -> str:
    return BASE_URLS[shop].rstrip("/") + path


def test_the_catalogue_is_an_xlsx_with_chinese_headers(tmp_path: Path) -> None:
    path = write_demo_catalogue(tmp_path / "c.xlsx", BASE_URLS)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("货号", "商品名称", "售价（元）")
    assert len(rows) == 2 + len(DEMO_CATALOGUE)
    assert rows[2][9] == url("demo_lantian", "/item/LT-1005.html")


def test_seed_demo_client(store: Store) -> None:
    crawled(store)
    assert seed_demo_client(store, BASE_URLS) == DEMO_CLIENT
    client = store.client(DEMO_CLIENT)
    assert (client.locale, client.currency, client.timezone) == ("zh-CN", "CNY", "Asia/Shanghai")
    assert client.products == len(DEMO_CATALOGUE)
    confirmed = {(m.sku, m.url, m.method) for m in store.matches(DEMO_CLIENT, "confirmed")}
    assert {
        ("LH-1001", url("demo_lantian", "/item/LT-1005.html"), "url"),
        ("LH-1002", url("demo_yunshang", "/goods/30001"), "url"),
        ("LH-1003", url("demo_yunshang", "/goods/30008"), "url"),
        ("LH-1004", url("demo_lantian", "/item/LT-1001.html"), "url"),
        ("LH-2001", url("demo_hongxing", "/products/apple-airpods-pro-2"), "gtin"),
        ("LH-2002", url("demo_hongxing", "/products/sony-wh-1000xm5"), "gtin"),
        ("LH-2003", url("demo_hongxing", "/products/logitech-mx-master-3s"), "gtin"),
        ("LH-2004", url("demo_hongxing", "/products/dji-mini-4-pro"), "gtin"),
        ("LH-2005", url("demo_hongxing", "/products/kindle-paperwhite-5"), "gtin"),
        ("LH-3001", url("demo_lantian", "/item/LT-1004.html"), "fuzzy"),
    } == confirmed
    suggested = {(m.sku, m.url) for m in store.matches(DEMO_CLIENT, "suggested")}
    assert ("LH-3002", url("demo_lantian", "/item/LT-1003.html")) in suggested  # HX9911
    # 烟台红富士苹果 is matched to none of the demo shops' Apple products.
    assert not any(m.sku == "LH-3003" for m in store.matches(DEMO_CLIENT))
    # The demo may run again (other ports, same database): refreshed, not duplicated.
    seed_demo_client(store, BASE_URLS)
    assert store.client(DEMO_CLIENT).confirmed_matches == len(confirmed)


def test_a_catalogue_url_nobody_crawled_is_fetched_by_the_next_crawl(
    db_url: str, tmp_path: Path
) -> None:
    """The listing added for a catalogue URL gets its price from the shop's next crawl.

    A crawl of the shop does not follow variant pages (its listings are the bare product URLs,
    see test_demo_crawl): only the crawl's revisit of tracked listings can fetch this one.
    """
    import os
    import subprocess
    import sys

    from pricewatch.clients.catalog import import_catalogue
    from pricewatch.clients.clients import client_record
    from pricewatch.clients.matching import match_exact
    from pricewatch.demo import DemoServer

    with DemoServer(base_port=0) as demo:
        shop = demo.shop("demo_hongxing")
        variant = shop.url_for("/products/xiaomi-14?variant=XM14-16-1T-GR")
        with Store.from_url(db_url) as store:
            store.create_client(
                client_record(
                    "c", name="C", emails="c@c.cn", locale="en", currency="CNY", timezone="UTC"
                )
            )
            path = tmp_path / "c.csv"
            path.write_text(f"sku,title,competitor_urls\nX1,Xiaomi 14 1TB,{variant}\n", "utf-8")
            import_catalogue(store, "c", path)
            result = match_exact(store, "c", shop_urls={"demo_hongxing": shop.url})
            assert result.new_listings == [("demo_hongxing", variant)]
            assert all(p.url != variant for p in store.current_prices())  # no price yet
        crawl = subprocess.run(
            [
                sys.executable,
                "-m",
                "pricewatch",
                "crawl",
                "demo_hongxing",
                "--base-url",
                f"demo_hongxing={shop.url}",
            ],
            env={**os.environ, "PRICEWATCH_DB_URL": db_url},
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert crawl.returncode == 0, crawl.stderr[-3000:]
    with Store.from_url(db_url) as store:
        current = {p.url: p for p in store.current_prices()}
        assert current[variant].price == Decimal("4999.00")
        assert current[variant].availability == "out_of_stock"
        assert [m.url for m in store.matches("c", "confirmed")] == [variant]
