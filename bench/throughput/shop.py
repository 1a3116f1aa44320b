"""The crawl benchmark's shop: a deterministic catalogue and its product pages, as HTML.

:func:`make_catalog` draws ``pages`` products (SKU, title, price, availability) from a seeded
RNG; :func:`render_product_page` turns one into a 20-60 KB page that looks like a real shop's:
navigation, inline CSS and JS, related-product cards, a schema.org ``Product`` JSON-LD block
(offer price, currency, availability), ``<h1 class="title">`` and
``<span class="price">¥1,299.00</span>``. The server (:mod:`throughput.server`) serves these
pages; the checks (:mod:`throughput.checks`) compare what the crawls got with the catalogue.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_SEED = 20240601
SHOP = "bench"
CURRENCY = "CNY"

_AVAILABILITY = (
    # (schema.org value, pricewatch value, visible text, weight)
    ("https://schema.org/InStock", "in_stock", "现货 In stock", 85),
    ("https://schema.org/OutOfStock", "out_of_stock", "暂时缺货 Out of stock", 10),
    ("https://schema.org/PreOrder", "preorder", "预售 Pre-order", 5),
)
_BRANDS = ("星河", "Lantern", "云尚", "Hongxing", "北辰", "Acme", "青木", "Nordlys")
_KINDS = (
    "无线降噪耳机",
    "Mechanical Keyboard",
    "智能手表",
    "Espresso Machine",
    "空气净化器",
    "Trail Running Shoes",
    "电动牙刷",
    "4K Monitor",
    "保温杯",
    "Robot Vacuum",
)
_WORDS = tuple(
    " ".join(
        (
            "轻薄 高性能 长续航 快充 防水 降噪 蓝牙 5.3 铝合金 机身 人体工学 静音 大容量 智能",
            "premium durable lightweight wireless ergonomic compact stainless recycled warranty",
            "official genuine free shipping 包邮 正品 保障 七天 无理由 退换",
        )
    ).split()
)


@dataclass(frozen=True, slots=True)
class Product:
    index: int
    sku: str
    title: str
    price: Decimal
    schema_availability: str
    availability: str
    availability_text: str

    @property
    def path(self) -> str:
        return product_path(self.index)

    @property
    def price_text(self) -> str:
        return f"¥{self.price:,.2f}"


def product_path(index: int) -> str:
    return f"/item/{index:06d}.html"


def product_urls(port: int, pages: int) -> list[str]:
    return [f"http://127.0.0.1:{port}{product_path(i)}" for i in range(pages)]


def make_catalog(pages: int, seed: int = DEFAULT_SEED) -> list[Product]:
    """The shop's products; deterministic for a given ``pages`` and ``seed``."""
    rng = random.Random(seed)
    weights = [a[3] for a in _AVAILABILITY]
    products = []
    for index in range(pages):
        brand, kind = rng.choice(_BRANDS), rng.choice(_KINDS)
        model = f"{rng.choice('ABCDEFGHKMNPRSTX')}{rng.randint(1, 99)}"
        schema, value, text, _ = rng.choices(_AVAILABILITY, weights)[0]
        products.append(
            Product(
                index=index,
                sku=f"BN-{index:06d}",
                title=f"{brand} {kind} {model} ({rng.choice(_WORDS)})",
                price=Decimal(rng.randint(990, 1_999_900)) / 100,
                schema_availability=schema,
                availability=value,
                availability_text=text,
            )
        )
    return products


def _noise(rng: random.Random, words: int) -> str:
    return html.escape(" ".join(rng.choice(_WORDS) for _ in range(words)))


def render_product_page(product: Product, catalog: list[Product], seed: int) -> str:
    """A product page of 20-60 KB that looks like a real shop's (much markup, little content)."""
    rng = random.Random(seed * 1_000_003 + product.index)
    target = rng.randint(20_000, 60_000)
    title, sku = html.escape(product.title), product.sku
    image = f"https://img.example.cn/p/{sku}"
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "sku": sku,
        "gtin13": f"69{product.index:011d}",
        "brand": {"@type": "Brand", "name": product.title.split()[0]},
        "image": [f"{image}/main.jpg"],
        "description": " ".join(rng.choice(_WORDS) for _ in range(30)),
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": f"{rng.uniform(3.5, 5):.1f}",
            "reviewCount": rng.randint(0, 5000),
        },
        "offers": {
            "@type": "Offer",
            "url": f"http://shop.example.cn{product.path}",
            "price": f"{product.price:.2f}",
            "priceCurrency": CURRENCY,
            "availability": product.schema_availability,
            "itemCondition": "https://schema.org/NewCondition",
            "seller": {"@type": "Organization", "name": "Bench Shop 基准商城"},
        },
    }
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i + 1, "name": name, "item": f"/c/{i}"}
            for i, name in enumerate(("首页", "数码", product.title.split()[1]))
        ],
    }
    config = {"page": "item", "sku": sku, "exp": [rng.randint(1, 9999) for _ in range(3)]}
    font = "-apple-system,'PingFang SC','Microsoft YaHei',sans-serif"
    head = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{title} - 基准商城 Bench Shop</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{_noise(rng, 25)}">',
        '<meta property="og:type" content="product">',
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:image" content="{image}/main.jpg">',
        f'<link rel="canonical" href="http://shop.example.cn{product.path}">',
        f'<link rel="stylesheet" href="/static/app.{product.index % 7}.css">',
        "<style>",
        *(
            f".c{i}{{margin:{i % 7}px {i % 5}px;padding:0 {i % 3}px;"
            f"color:#{i * 2654435761 % 0xFFFFFF:06x};font:{12 + i % 6}px/1.4 {font}}}"
            for i in range(60)
        ),
        "</style>",
        f"<script>window.__CFG__={json.dumps(config)};",
        "(function(){var s=document.createElement('script');s.async=true;",
        f"s.src='/static/track.js?v={rng.randint(1, 99)}';document.head.appendChild(s);}})();",
        "</script>",
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>',
        f'<script type="application/ld+json">{json.dumps(breadcrumbs, ensure_ascii=False)}'
        "</script>",
        "</head>",
        '<body class="page-item">',
        "<!-- header -->",
        '<header class="site-header"><a class="logo" href="/">基准商城</a>',
        '<form class="search" action="/search"><input name="q" placeholder="搜索商品">',
        "<button>搜索</button></form>",
        '<ul class="nav">',
        *(
            f'<li class="nav-item nav-item--{i}"><a class="nav-link" '
            f'href="/c/{i}?from=nav&amp;spm=a1z10.{i}.0.0">{_noise(rng, 2)}</a></li>'
            for i in range(40)
        ),
        "</ul></header>",
        '<nav class="breadcrumb"><a href="/">首页</a> &gt; <a href="/c/1">数码</a> &gt; '
        f"<span>{title}</span></nav>",
        f'<main class="product-main" data-sku="{sku}">',
        '<div class="gallery">',
        *(
            f'<img class="thumb" src="{image}/{i}.jpg" alt="{title} {i}" loading="lazy">'
            for i in range(8)
        ),
        "</div>",
        '<div class="summary">',
        f'<h1 class="title">{title}</h1>',
        f'<div class="price-box"><span class="price">{product.price_text}</span>',
        f'<span class="promo">{_noise(rng, 6)}</span></div>',
        f'<div class="stock">{product.availability_text}</div>',
        f'<div class="sku">商品编号：{sku}</div>',
        '<button class="buy" data-action="add-to-cart">加入购物车</button>',
        "</div>",
        '<section class="description">',
        "",
    ]
    foot = [
        "</section>",
        "</main>",
        '<footer class="site-footer">',
        '<div class="links">',
        *(f'<a href="/help/{i}">{_noise(rng, 2)}</a>' for i in range(24)),
        "</div>",
        '<p class="copyright">© 2024 基准商城 Bench Shop · 京ICP备00000000号</p>',
        "</footer>",
        f'<script src="/static/vendor.{product.index % 5}.js" defer></script>',
        "<script>document.querySelectorAll('.thumb').forEach(function(t){",
        "t.addEventListener('click',function(){});});</script>",
        "</body>",
        "</html>",
        "",
    ]
    top, bottom = "\n".join(head), "\n".join(foot)
    parts = [top]
    size = len(top.encode()) + len(bottom.encode())
    while size < target:
        if rng.random() < 0.3:
            chunk = f'<p class="c{rng.randint(0, 59)}">{_noise(rng, rng.randint(20, 60))}</p>\n'
        else:
            other = catalog[rng.randrange(len(catalog))]
            chunk = (
                f'<div class="card c{rng.randint(0, 59)}" data-id="{other.sku}">'
                f'<a href="{other.path}"><img src="https://img.example.cn/p/{other.sku}/s.jpg" '
                f'alt="" width="160" height="160"><span class="card-title">'
                f"{html.escape(other.title)}</span></a>"
                f'<span class="card-price">{other.price_text}</span>'
                f'<span class="card-tags">{_noise(rng, 4)}</span></div>\n'
            )
        parts.append(chunk)
        size += len(chunk.encode())
    parts.append(bottom)
    return "".join(parts)
