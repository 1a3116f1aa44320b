"""demo_lantian (蓝天百货): a department store with GBK pages and prices only in the markup.

Twenty-five products, enough for a paginated category listing. ``LT-1010`` prints a price
range and ``LT-1015`` a "from" price (the extracted price is the low end). Round 2 moves five
prices and two stock states and delists ``LT-1020`` (its page answers 404).
"""

from __future__ import annotations

from typing import Any

from pricewatch.demo.catalog.model import Availability, PriceStyle, Product, ShopInfo

#: URL path of a product page; ``key`` is the SKU.
PRODUCT_PATH = "/item/{key}.html"

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
