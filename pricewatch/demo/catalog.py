"""Catalog of the three offline demo shops, and what a correct crawl should extract from them.

Everything the demo server renders comes from the data here, so the pages and
:func:`expected` cannot disagree. Prices are written as strings with two decimals and
converted to :class:`~decimal.Decimal` only where arithmetic or formatting needs it.

Two rounds exist so the demo (and tests) can show change detection: round 1 is the initial
state; round 2 applies each product's ``round2`` overrides (price moves, stock changes) and
drops the products marked ``gone`` (they answer 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

Availability = Literal["in_stock", "out_of_stock", "preorder"]
PriceStyle = Literal["plain", "range", "from"]

ROUNDS: tuple[int, ...] = (1, 2)
CURRENCY = "CNY"


def _gtin13(body: str) -> str:
    """Append the EAN-13 check digit to 12 digits (so demo GTINs validate like real ones)."""
    assert len(body) == 12 and body.isdigit(), body
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Variant:
    """One purchasable option of a multi-variant product (demo_hongxing only)."""

    sku: str
    name: str
    price: str
    availability: Availability = "in_stock"
    list_price: str | None = None
    gtin: str | None = None


@dataclass(frozen=True)
class Product:
    """One catalog entry; ``key`` is the URL component (handle, SKU or numeric id)."""

    key: str
    sku: str
    title: str
    price: str
    list_price: str | None = None
    availability: Availability = "in_stock"
    brand: str | None = None
    gtin: str | None = None
    #: demo_lantian only: how the price is printed ("range" shows price - price_max,
    #: "from" shows "￥59起"); the extracted price is always the lowest one.
    price_style: PriceStyle = "plain"
    price_max: str | None = None
    #: demo_hongxing only: offers in the order the page lists them (cheapest first, so
    #: "first offer" and "lowest offer" pick the same one).
    variants: tuple[Variant, ...] = ()
    #: demo_hongxing only: wrap the JSON-LD in a single ``@graph`` block.
    graph: bool = False
    #: Field overrides applied in round 2; ``{"gone": True}`` removes the product (404).
    round2: dict[str, Any] = field(default_factory=dict)

    def in_round(self, round_: int) -> Product | None:
        """This product as it looks in ``round_``, or None when it does not exist then."""
        _check_round(round_)
        if round_ == 1 or not self.round2:
            return self
        changes = dict(self.round2)
        if changes.pop("gone", False):
            return None
        return replace(self, **changes)


@dataclass(frozen=True)
class ShopInfo:
    """Static facts about one demo shop."""

    slug: str
    name: str
    products: tuple[Product, ...]

    def products_in_round(self, round_: int) -> list[Product]:
        """The products that exist in ``round_``, in listing order."""
        return [p for p in (q.in_round(round_) for q in self.products) if p is not None]

    def product(self, key: str, round_: int) -> Product | None:
        """Look a product up by its URL key; None when unknown or gone in ``round_``."""
        for p in self.products:
            if p.key == key:
                return p.in_round(round_)
        return None


def _check_round(round_: int) -> None:
    if round_ not in ROUNDS:
        raise ValueError(f"demo round must be one of {ROUNDS}, not {round_!r}")


# --- demo_hongxing: schema.org Product JSON-LD ------------------------------------------------

HONGXING = ShopInfo(
    slug="demo_hongxing",
    name="红星数码 Hongxing Digital",
    products=(
        Product(
            "huawei-matepad-11-5",
            "HX-10001",
            "华为 HUAWEI MatePad 11.5英寸 平板电脑 8GB+128GB 深空灰",
            "1999.00",
            "2299.00",
            brand="HUAWEI",
            gtin=_gtin13("690123410001"),
        ),
        Product(
            "xiaomi-14",
            # A variant product has no product-level SKU: the default (first) offer's SKU is
            # what the bare URL shows.
            "XM14-12-256-WH",
            "小米 Xiaomi 14 5G手机 徕卡光学镜头",
            "3999.00",
            "4299.00",
            brand="Xiaomi",
            variants=(
                Variant(
                    "XM14-12-256-WH",
                    "12GB+256GB 白色",
                    "3999.00",
                    list_price="4299.00",
                    gtin=_gtin13("690123410021"),
                ),
                Variant(
                    "XM14-16-512-BK", "16GB+512GB 黑色", "4599.00", gtin=_gtin13("690123410022")
                ),
                Variant(
                    "XM14-16-1T-GR",
                    "16GB+1TB 岩石青",
                    "4999.00",
                    "out_of_stock",
                    gtin=_gtin13("690123410023"),
                ),
            ),
            round2={
                "price": "3799.00",
                "variants": (
                    Variant(
                        "XM14-12-256-WH",
                        "12GB+256GB 白色",
                        "3799.00",
                        list_price="4299.00",
                        gtin=_gtin13("690123410021"),
                    ),
                    Variant(
                        "XM14-16-512-BK", "16GB+512GB 黑色", "4599.00", gtin=_gtin13("690123410022")
                    ),
                    Variant(
                        "XM14-16-1T-GR",
                        "16GB+1TB 岩石青",
                        "4999.00",
                        "out_of_stock",
                        gtin=_gtin13("690123410023"),
                    ),
                ),
            },
        ),
        Product(
            "apple-airpods-pro-2",
            "HX-10003",
            "Apple AirPods Pro (第二代) 主动降噪无线耳机 USB-C",
            "1799.00",
            "1899.00",
            brand="Apple",
            gtin=_gtin13("019425310003"),
        ),
        Product(
            "sony-wh-1000xm5",
            "HX-10004",
            "索尼 SONY WH-1000XM5 头戴式无线降噪耳机 黑色",
            "2499.00",
            "2999.00",
            brand="SONY",
            gtin=_gtin13("454854810004"),
            round2={"price": "2299.00"},
        ),
        Product(
            "lenovo-xiaoxin-pro-16",
            "HX-10005",
            "联想 Lenovo 小新Pro16 2024 酷睿Ultra5 16G 1T 笔记本电脑",
            "5299.00",
            brand="Lenovo",
            gtin=_gtin13("690123410005"),
        ),
        Product(
            "dji-mini-4-pro",
            "HX-10006",
            "大疆 DJI Mini 4 Pro 迷你航拍无人机 标准版",
            "4788.00",
            brand="DJI",
            gtin=_gtin13("690123410006"),
            round2={"price": "4988.00"},
        ),
        Product(
            "anker-powercore-20000",
            "HX-10007",
            "安克 Anker 20000mAh 22.5W 快充移动电源",
            "149.00",
            "199.00",
            brand="Anker",
            gtin=_gtin13("690123410007"),
            round2={"price": "129.00"},
        ),
        Product(
            "logitech-mx-master-3s",
            "HX-10008",
            "罗技 Logitech MX Master 3S 无线蓝牙鼠标 石墨黑",
            "699.00",
            "799.00",
            brand="Logitech",
            gtin=_gtin13("509920610008"),
        ),
        Product(
            "kindle-paperwhite-5",
            "HX-10009",
            "Kindle Paperwhite 5 电子书阅读器 6.8英寸 16GB",
            "1068.00",
            availability="out_of_stock",
            brand="Amazon",
            gtin=_gtin13("084059110009"),
            round2={"availability": "in_stock"},
        ),
        Product(
            "nintendo-switch-oled",
            "HX-10010",
            "任天堂 Nintendo Switch OLED 游戏主机 国行 白色",
            "2199.00",
            "2599.00",
            brand="Nintendo",
            gtin=_gtin13("690123410010"),
            round2={"availability": "out_of_stock"},
        ),
        Product(
            "xiaomi-smart-band-8",
            "HX-10011",
            "小米手环8 NFC版 运动智能手环 150+运动模式",
            "249.00",
            brand="Xiaomi",
            gtin=_gtin13("690123410011"),
            graph=True,
            round2={"price": "239.00"},
        ),
        Product(
            "huawei-watch-gt-5",
            "HX-10012",
            "华为 HUAWEI WATCH GT 5 智能手表 46mm 曜石黑",
            "1488.00",
            availability="preorder",
            brand="HUAWEI",
            gtin=_gtin13("690123410012"),
        ),
    ),
)

# --- demo_lantian: plain GBK markup, paginated listing ----------------------------------------

_LT: list[tuple[str, str, str, str | None, Availability]] = [
    # (sku, title, price, list price, availability)
    ("LT-1001", "美的 Midea 电饭煲 4L 智能预约 家用多功能", "299.00", "399.00", "in_stock"),
    ("LT-1002", "苏泊尔 SUPOR 不粘炒锅 32cm 燃气电磁炉通用", "189.00", "259.00", "in_stock"),
    ("LT-1003", "飞利浦 Philips 电动牙刷 HX9911 钻石亮白系列", "1299.00", "1499.00", "in_stock"),
    ("LT-1004", "九阳 Joyoung 破壁豆浆机 DJ13B-D08D 免滤", "329.00", None, "in_stock"),
    ("LT-1005", "海尔 Haier 470升 十字对开门冰箱 BCD-470WGHTD", "3999.00", "4599.00", "in_stock"),
    ("LT-1006", "格力 GREE 云锦 3匹 新一级能效 立柜式空调", "12999.00", "14999.00", "in_stock"),
    ("LT-1007", "TCL 75英寸 4K 智能液晶电视 75V8G", "5499.00", None, "out_of_stock"),
    ("LT-1008", "小熊 Bear 电热饭盒 1.5L 双层可插电加热", "89.00", "129.00", "in_stock"),
    ("LT-1009", "乐扣乐扣 LOCK&LOCK 保温杯 500ml 不锈钢", "79.00", None, "in_stock"),
    ("LT-1010", "南极人 纯棉四件套 床上用品 1.8m床 多色可选", "99.00", None, "in_stock"),
    ("LT-1011", "蓝月亮 深层洁净洗衣液 3kg×2瓶", "69.90", "89.90", "in_stock"),
    ("LT-1012", "维达 Vinda 抽纸 3层 130抽×24包", "59.90", "79.90", "in_stock"),
    ("LT-1013", "金龙鱼 食用油 黄金比例 5L", "69.90", None, "in_stock"),
    ("LT-1014", "五常大米 稻花香 5kg 东北大米", "89.00", "109.00", "in_stock"),
    ("LT-1015", "三只松鼠 坚果大礼包 多规格可选", "59.00", None, "in_stock"),
    ("LT-1016", "安踏 ANTA 男子跑步鞋 缓震运动鞋", "299.00", "499.00", "in_stock"),
    ("LT-1017", "李宁 LI-NING 羽毛球拍 全碳素 单拍", "399.00", None, "in_stock"),
    ("LT-1018", "优衣库 UNIQLO 男装 摇粒绒拉链夹克", "199.00", None, "in_stock"),
    ("LT-1019", "波司登 BOSIDENG 羽绒服 女士中长款", "1599.00", "2199.00", "preorder"),
    ("LT-1020", "得力 deli 办公文具套装 学生开学礼盒", "39.90", "59.90", "in_stock"),
    ("LT-1021", "晨光 M&G 中性笔 0.5mm 黑色 12支装", "19.90", None, "in_stock"),
    ("LT-1022", "公牛 BULL 插线板 新国标 5孔位 1.8米", "49.00", "69.00", "in_stock"),
    ("LT-1023", "欧普照明 OPPLE LED 吸顶灯 卧室灯", "259.00", "399.00", "in_stock"),
    ("LT-1024", "双立人 ZWILLING 刀具套装 7件套", "899.00", "1299.00", "in_stock"),
    ("LT-1025", "膳魔师 THERMOS 焖烧杯 470ml", "219.00", None, "in_stock"),
]

# Round 2: three prices down, two up, LT-1007 back in stock, LT-1018 sold out, LT-1020 delisted.
_LT_ROUND2: dict[str, dict[str, Any]] = {
    "LT-1001": {"price": "279.00"},
    "LT-1005": {"price": "4299.00"},
    "LT-1007": {"availability": "in_stock"},
    "LT-1012": {"price": "49.90"},
    "LT-1016": {"price": "259.00"},
    "LT-1018": {"availability": "out_of_stock"},
    "LT-1020": {"gone": True},
    "LT-1023": {"price": "279.00"},
}

# Printed-price quirks: one range and one "from" price (the extracted price is the low end).
_LT_STYLE: dict[str, tuple[PriceStyle, str | None]] = {
    "LT-1010": ("range", "199.00"),
    "LT-1015": ("from", None),
}

LANTIAN = ShopInfo(
    slug="demo_lantian",
    name="蓝天百货 Lantian Store",
    products=tuple(
        Product(
            sku,
            sku,
            title,
            price,
            list_price,
            availability,
            price_style=_LT_STYLE.get(sku, ("plain", None))[0],
            price_max=_LT_STYLE.get(sku, ("plain", None))[1],
            round2=_LT_ROUND2.get(sku, {}),
        )
        for sku, title, price, list_price, availability in _LT
    ),
)

# --- demo_yunshang: rendered by JavaScript from a JSON API ------------------------------------

_YS: list[tuple[str, str, str, str, str | None, Availability]] = [
    # (id, sku, title, price, list price, availability)
    ("30001", "YS-30001", "农夫山泉 天然饮用水 550ml×24瓶 整箱", "29.90", "36.00", "in_stock"),
    ("30002", "YS-30002", "伊利 金典 纯牛奶 250ml×12盒 礼盒装", "59.90", "69.90", "in_stock"),
    ("30003", "YS-30003", "良品铺子 每日坚果 750g/30袋", "129.00", "159.00", "in_stock"),
    ("30004", "YS-30004", "Ulike 蓝宝石冰点脱毛仪 Air3", "1599.00", "1999.00", "in_stock"),
    ("30005", "YS-30005", "网易严选 全棉毛巾 3条装", "49.90", None, "out_of_stock"),
    ("30006", "YS-30006", "Apple Watch Series 9 GPS 45mm 午夜色", "2999.00", "3199.00", "in_stock"),
    ("30007", "YS-30007", "科沃斯 ECOVACS T30 扫拖一体机器人", "3999.00", None, "preorder"),
    ("30008", "YS-30008", "戴森 Dyson Supersonic 吹风机 HD15", "2990.00", "3299.00", "in_stock"),
]

# Round 2: two prices down, one up, 30005 back in stock, 30006 sold out.
_YS_ROUND2: dict[str, dict[str, Any]] = {
    "30001": {"price": "27.90"},
    "30003": {"price": "139.00"},
    "30005": {"availability": "in_stock"},
    "30006": {"availability": "out_of_stock"},
    "30008": {"price": "2799.00"},
}

YUNSHANG = ShopInfo(
    slug="demo_yunshang",
    name="云上优选 Yunshang Select",
    products=tuple(
        Product(key, sku, title, price, list_price, availability, round2=_YS_ROUND2.get(key, {}))
        for key, sku, title, price, list_price, availability in _YS
    ),
)

#: The demo shops in port order (shop i listens on base_port + i).
SHOPS: tuple[ShopInfo, ...] = (HONGXING, LANTIAN, YUNSHANG)
SHOPS_BY_SLUG: dict[str, ShopInfo] = {s.slug: s for s in SHOPS}


def shop_info(slug: str) -> ShopInfo:
    """The :class:`ShopInfo` for ``slug``; KeyError with the valid slugs when unknown."""
    try:
        return SHOPS_BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"unknown demo shop {slug!r}; known: {sorted(SHOPS_BY_SLUG)}") from None


def product_path(slug: str, key: str) -> str:
    """URL path of a product page in shop ``slug``."""
    if slug == HONGXING.slug:
        return f"/products/{key}"
    if slug == LANTIAN.slug:
        return f"/item/{key}.html"
    if slug == YUNSHANG.slug:
        return f"/goods/{key}"
    raise KeyError(slug)


def money(value: str | None) -> str | None:
    """Normalise a price string to two decimals ("59" -> "59.00"); None passes through."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def expected(shop_slug: str, round: int = 1) -> list[dict[str, Any]]:
    """What a correct crawl of ``shop_slug`` extracts in ``round``, one dict per product page.

    Keys: ``path`` (URL path, no host), ``title``, ``price`` and ``list_price`` (Decimal as a
    two-decimal string; ``list_price`` None when the page shows none), ``currency`` ("CNY"),
    ``availability`` ("in_stock" | "out_of_stock" | "preorder"), ``sku``, ``gtin`` and
    ``brand`` (None where the shop does not publish them) and ``variants``: for the one
    multi-variant product, a list of dicts with the same keys (``path`` then carries
    ``?variant=SKU``) describing each variant page; the bare product URL shows the first
    (cheapest) variant, and every variant page carries the product's title. For range and
    "from" prices the price is the low end.

    Products that are gone in ``round`` are not listed; see :func:`gone_paths`.
    """
    shop = shop_info(shop_slug)
    _check_round(round)
    rows: list[dict[str, Any]] = []
    for p in shop.products_in_round(round):
        path = product_path(shop.slug, p.key)
        row: dict[str, Any] = {
            "path": path,
            "title": p.title,
            "price": money(p.price),
            "list_price": money(p.list_price),
            "currency": CURRENCY,
            "availability": p.availability,
            "sku": p.sku,
            "gtin": p.gtin,
            "brand": p.brand,
            "variants": [],
        }
        if p.variants:
            first = p.variants[0]
            row.update(
                price=money(first.price),
                list_price=money(first.list_price),
                availability=first.availability,
                sku=first.sku,
                gtin=first.gtin,
            )
            row["variants"] = [
                {
                    "path": f"{path}?variant={v.sku}",
                    "title": p.title,
                    "price": money(v.price),
                    "list_price": money(v.list_price),
                    "currency": CURRENCY,
                    "availability": v.availability,
                    "sku": v.sku,
                    "gtin": v.gtin,
                    "brand": p.brand,
                }
                for v in p.variants
            ]
        rows.append(row)
    return rows


def gone_paths(shop_slug: str, round: int) -> list[str]:
    """URL paths of products that existed in round 1 but answer 404 in ``round``."""
    shop = shop_info(shop_slug)
    _check_round(round)
    return [product_path(shop.slug, p.key) for p in shop.products if p.in_round(round) is None]


def changes(shop_slug: str) -> dict[str, dict[str, tuple[Any, Any]]]:
    """Round 1 → round 2 differences per product path: ``{path: {field: (old, new)}}``.

    A gone product shows as ``{"gone": (False, True)}``. Handy for the demo's narration and
    for tests that check change detection.
    """
    before = {row["path"]: row for row in expected(shop_slug, 1)}
    after = {row["path"]: row for row in expected(shop_slug, 2)}
    out: dict[str, dict[str, tuple[Any, Any]]] = {}
    for path, old in before.items():
        new = after.get(path)
        if new is None:
            out[path] = {"gone": (False, True)}
            continue
        diff = {k: (old[k], new[k]) for k in old if k != "variants" and old[k] != new[k]}
        if diff:
            out[path] = diff
    return out
