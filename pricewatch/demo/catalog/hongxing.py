"""demo_hongxing (红星数码): an electronics shop whose pages carry schema.org Product JSON-LD.

Twelve products; ``xiaomi-14`` has three variants (the one multi-variant product of the demo)
and ``xiaomi-smart-band-8`` wraps its JSON-LD in a single ``@graph`` block. Round 2 moves five
prices and two stock states; nothing is delisted.
"""

from __future__ import annotations

from dataclasses import replace

from pricewatch.demo.catalog.model import Product, ShopInfo, Variant, gtin13

#: URL path of a product page; ``key`` is the product's handle.
PRODUCT_PATH = "/products/{key}"

# Cheapest first: the bare product URL shows the first variant.
_XIAOMI_14_VARIANTS = (
    Variant(
        "XM14-12-256-WH",
        "12GB+256GB 白色",
        "3999.00",
        list_price="4299.00",
        gtin=gtin13("690123410021"),
    ),
    Variant("XM14-16-512-BK", "16GB+512GB 黑色", "4599.00", gtin=gtin13("690123410022")),
    Variant(
        "XM14-16-1T-GR",
        "16GB+1TB 岩石青",
        "4999.00",
        "out_of_stock",
        gtin=gtin13("690123410023"),
    ),
)

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
            gtin=gtin13("690123410001"),
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
            variants=_XIAOMI_14_VARIANTS,
            round2={
                # Only the default (cheapest) variant moves.
                "price": "3799.00",
                "variants": (
                    replace(_XIAOMI_14_VARIANTS[0], price="3799.00"),
                    *_XIAOMI_14_VARIANTS[1:],
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
            gtin=gtin13("019425310003"),
        ),
        Product(
            "sony-wh-1000xm5",
            "HX-10004",
            "索尼 SONY WH-1000XM5 头戴式无线降噪耳机 黑色",
            "2499.00",
            "2999.00",
            brand="SONY",
            gtin=gtin13("454854810004"),
            round2={"price": "2299.00"},
        ),
        Product(
            "lenovo-xiaoxin-pro-16",
            "HX-10005",
            "联想 Lenovo 小新Pro16 2024 酷睿Ultra5 16G 1T 笔记本电脑",
            "5299.00",
            brand="Lenovo",
            gtin=gtin13("690123410005"),
        ),
        Product(
            "dji-mini-4-pro",
            "HX-10006",
            "大疆 DJI Mini 4 Pro 迷你航拍无人机 标准版",
            "4788.00",
            brand="DJI",
            gtin=gtin13("690123410006"),
            round2={"price": "4988.00"},
        ),
        Product(
            "anker-powercore-20000",
            "HX-10007",
            "安克 Anker 20000mAh 22.5W 快充移动电源",
            "149.00",
            "199.00",
            brand="Anker",
            gtin=gtin13("690123410007"),
            round2={"price": "129.00"},
        ),
        Product(
            "logitech-mx-master-3s",
            "HX-10008",
            "罗技 Logitech MX Master 3S 无线蓝牙鼠标 石墨黑",
            "699.00",
            "799.00",
            brand="Logitech",
            gtin=gtin13("509920610008"),
        ),
        Product(
            "kindle-paperwhite-5",
            "HX-10009",
            "Kindle Paperwhite 5 电子书阅读器 6.8英寸 16GB",
            "1068.00",
            availability="out_of_stock",
            brand="Amazon",
            gtin=gtin13("084059110009"),
            round2={"availability": "in_stock"},
        ),
        Product(
            "nintendo-switch-oled",
            "HX-10010",
            "任天堂 Nintendo Switch OLED 游戏主机 国行 白色",
            "2199.00",
            "2599.00",
            brand="Nintendo",
            gtin=gtin13("690123410010"),
            round2={"availability": "out_of_stock"},
        ),
        Product(
            "xiaomi-smart-band-8",
            "HX-10011",
            "小米手环8 NFC版 运动智能手环 150+运动模式",
            "249.00",
            brand="Xiaomi",
            gtin=gtin13("690123410011"),
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
            gtin=gtin13("690123410012"),
        ),
    ),
)
