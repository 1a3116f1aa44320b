"""demo_yunshang (云上优选): a single-page shop whose prices come from a JSON API.

Eight products, keyed by numeric id. Round 2 moves three prices and two stock states;
nothing is delisted.
"""

from __future__ import annotations

from typing import Any

from pricewatch.demo.catalog.model import Availability, Product, ShopInfo

#: URL path of a product page; ``key`` is the numeric product id.
PRODUCT_PATH = "/goods/{key}"

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
