"""The demo's client merchant: 蓝海电器, its catalogue as an XLSX with Chinese headers, matched.

:func:`seed_demo_client` runs after the demo's crawls: it adds (or refreshes) the client,
writes the bundled catalogue (:data:`DEMO_CATALOGUE`) as an XLSX the way a merchant's Excel
would — Chinese headers, a title line above them, prices as numbers or ``￥`` text, barcodes
as text — imports it with ``--replace``, and matches it to the demo shops: four products by a
competitor URL in the catalogue, five by GTIN, and one (the soymilk maker, shared model number
``DJ13B-D08D``) by a fuzzy suggestion that the demo confirms. Other suggestions are left for
``pricewatch match review``. The XLSX is generated here rather than committed as a binary.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import click

from pricewatch.clients.catalog import import_catalogue
from pricewatch.clients.clients import client_record
from pricewatch.clients.matching import suggest
from pricewatch.db.store import Store
from pricewatch.db.store.clients import UnknownClientError
from pricewatch.demo.catalog import HONGXING, LANTIAN, YUNSHANG, product_path
from pricewatch.errors import PricewatchError

__all__ = [
    "DEMO_CATALOGUE",
    "DEMO_CLIENT",
    "DemoProduct",
    "seed_demo_client",
    "write_demo_catalogue",
]

DEMO_CLIENT = "demo-lanhai"
HEADERS = [
    "货号",
    "商品名称",
    "售价（元）",
    "成本",
    "最低售价",
    "条形码",
    "型号",
    "品牌",
    "关键词",
    "竞品链接",
]


@dataclass(frozen=True)
class DemoProduct:
    """One row of the demo catalogue; prices as a merchant types them (numbers or text)."""

    sku: str
    title: str
    price: float | int | str
    cost: int | None = None
    min_price: int | None = None
    #: The demo_hongxing product whose GTIN the row carries.
    gtin_of: str | None = None
    model: str | None = None
    brand: str | None = None
    keywords: str | None = None
    #: Competitor pages given in the catalogue: (shop, product key).
    pages: tuple[tuple[str, str], ...] = ()


P = DemoProduct
DEMO_CATALOGUE: tuple[DemoProduct, ...] = (
    # By competitor URL.
    P(
        "LH-1001",
        "海尔 470升 对开门冰箱 BCD-470WGHTD",
        4099,
        3400,
        3899,
        None,
        "BCD-470WGHTD",
        "海尔",
        "冰箱, 对开门",
        ((LANTIAN.slug, "LT-1005"),),
    ),
    P(
        "LH-1002",
        "农夫山泉 天然饮用水 550ml×24瓶",
        "￥28.90",
        20,
        brand="农夫山泉",
        keywords="饮用水",
        pages=((YUNSHANG.slug, "30001"),),
    ),
    P(
        "LH-1003",
        "戴森 Dyson Supersonic 吹风机 HD15",
        2899,
        2300,
        2799,
        model="HD15",
        brand="Dyson",
        keywords="吹风机",
        pages=((YUNSHANG.slug, "30008"),),
    ),
    P(
        "LH-1004",
        "美的 电饭煲 4L 智能预约",
        289,
        190,
        brand="美的",
        keywords="电饭煲",
        pages=((LANTIAN.slug, "LT-1001"),),
    ),
    # By GTIN.
    P(
        "LH-2001",
        "Apple AirPods Pro 2 USB-C 降噪耳机",
        1749,
        1500,
        1699,
        "apple-airpods-pro-2",
        brand="Apple",
        keywords="耳机",
    ),
    P(
        "LH-2002",
        "索尼 WH-1000XM5 头戴式降噪耳机",
        "2,399.00",
        1900,
        2299,
        "sony-wh-1000xm5",
        "WH-1000XM5",
        "SONY",
        "耳机, 降噪",
    ),
    P(
        "LH-2003",
        "罗技 MX Master 3S 无线鼠标",
        719,
        520,
        None,
        "logitech-mx-master-3s",
        brand="Logitech",
        keywords="鼠标",
    ),
    P("LH-2004", "大疆 DJI Mini 4 Pro 无人机", 4699, 4000, 4599, "dji-mini-4-pro", brand="DJI"),
    P(
        "LH-2005",
        "Kindle Paperwhite 5 阅读器 16GB",
        999,
        800,
        None,
        "kindle-paperwhite-5",
        brand="Amazon",
    ),
    # By title: suggestions (the first one is confirmed by the demo).
    P("LH-3001", "九阳 破壁豆浆机 DJ13B-D08D", 339, 250, brand="九阳", keywords="豆浆机"),
    P("LH-3002", "飞利浦 Philips 声波电动牙刷 HX9911", 1349, 1000, brand="飞利浦"),
    # 苹果 the fruit: never matched to the Apple products of the demo shops.
    P("LH-3003", "烟台红富士苹果 5kg 新鲜水果", 69, 40, keywords="水果"),
)
#: The fuzzy suggestion the demo confirms: (SKU, shop, product key).
CONFIRMED_SUGGESTION = ("LH-3001", LANTIAN.slug, "LT-1004")


def _gtin(key: str | None) -> str | None:
    if key is None:
        return None
    product = next(p for p in HONGXING.products if p.key == key)
    return product.gtin


def _url(base_urls: Mapping[str, str], shop: str, key: str) -> str:
    return base_urls[shop].rstrip("/") + product_path(shop, key)


def write_demo_catalogue(path: Path, base_urls: Mapping[str, str]) -> Path:
    """The demo catalogue as a merchant's XLSX, its competitor URLs on ``base_urls``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "商品"
    sheet.append(["蓝海电器 商品表（演示）"])
    sheet.append(HEADERS)
    for p in DEMO_CATALOGUE:
        urls = "\n".join(_url(base_urls, shop, key) for shop, key in p.pages)
        sheet.append(
            [
                p.sku,
                p.title,
                p.price,
                p.cost,
                p.min_price,
                _gtin(p.gtin_of),
                p.model,
                p.brand,
                p.keywords,
                urls or None,
            ]
        )
    for column, width in zip("ABCDEFGHIJ", (10, 40, 12, 8, 10, 16, 16, 10, 14, 48), strict=True):
        sheet.column_dimensions[column].width = width
    book.save(path)
    return path


def seed_demo_client(store: Store, base_urls: Mapping[str, str], *, crawled: bool = True) -> str:
    """Add the demo client, import and match its catalogue; returns the client's slug.

    ``base_urls`` maps each demo shop's slug to the URL it is served at (the ports may move).
    Safe to run again: the client is refreshed and the catalogue re-imported with replace.
    With ``crawled=False`` (``demo --serve`` on a fresh database) the shops need not have been
    crawled yet: the catalogue's URL matches are made, the fuzzy suggestion is left for later.
    """
    record = client_record(
        DEMO_CLIENT,
        name="蓝海电器 Lanhai Appliances",
        emails="owner@lanhai.example",
        locale="zh-CN",
        currency="CNY",
        timezone="Asia/Shanghai",
        undercut_threshold="5%",
    )
    try:
        store.update_client(DEMO_CLIENT, record)
    except UnknownClientError:
        store.create_client(record)
    with tempfile.TemporaryDirectory(prefix="pricewatch-demo-") as tmp:
        path = write_demo_catalogue(Path(tmp) / "蓝海电器-商品表.xlsx", base_urls)
        imported = import_catalogue(store, DEMO_CLIENT, path, replace=True)
    result = suggest(store, DEMO_CLIENT, shop_urls=base_urls)
    sku, shop, key = CONFIRMED_SUGGESTION
    wanted = _url(base_urls, shop, key)
    pending = store.matches(DEMO_CLIENT, status="suggested")
    chosen = [m.id for m in pending if m.sku == sku and m.url == wanted]
    already = any(
        m.sku == sku and m.url == wanted for m in store.matches(DEMO_CLIENT, status="confirmed")
    )
    if not chosen and not already and not crawled:
        click.echo(
            f"client {DEMO_CLIENT}: imported {len(imported.parsed.records)} products; "
            "its shops are matched by URL now, by GTIN and title once they are crawled"
        )
        return DEMO_CLIENT
    if not chosen and not already:
        raise PricewatchError(f"demo: no suggestion of {wanted} for {sku} (was {shop} crawled?)")
    if chosen:
        store.decide_matches(chosen, "confirmed", client=DEMO_CLIENT)
    info = store.client(DEMO_CLIENT)
    methods = ", ".join(f"{n} by {m}" for m, n in sorted(result.exact.by_method.items()))
    click.echo(
        f"client {DEMO_CLIENT}: imported {len(imported.parsed.records)} products from an XLSX "
        f"with Chinese headers; matched {methods}, and confirmed the suggestion "
        f"{sku} ↔ {shop} {key}; {info.suggested_matches} suggestion"
        f"{'s' * (info.suggested_matches != 1)} left for "
        f"'pricewatch match review {DEMO_CLIENT}'"
    )
    return DEMO_CLIENT
