"""Request routing and page rendering for the three demo shops.

Each :class:`Site` turns a parsed request into a :class:`Response` (status, bytes, content
type). Pages are rendered at request time from :mod:`pricewatch.demo.catalog` with the Jinja2
templates under ``site/templates``, so switching the round changes what the next request
sees. Nothing here touches sockets: the HTTP plumbing lives in :mod:`pricewatch.demo.server`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from pricewatch.demo.catalog import (
    CURRENCY,
    HONGXING,
    LANTIAN,
    YUNSHANG,
    Product,
    ShopInfo,
    product_path,
)

SITE_DIR = Path(__file__).parent / "site"
STATIC_DIR = SITE_DIR / "static"

_SCHEMA_AVAILABILITY = {
    "in_stock": "https://schema.org/InStock",
    "out_of_stock": "https://schema.org/OutOfStock",
    "preorder": "https://schema.org/PreOrder",
}
# How Chinese shops word stock; demo_hongxing's visible text differs on purpose (现货/无货).
_STOCK_TEXT = {"in_stock": "有货", "out_of_stock": "缺货", "preorder": "预售"}
_HONGXING_STOCK_TEXT = {"in_stock": "现货", "out_of_stock": "无货", "preorder": "预售"}

_STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class Request:
    """The parts of an HTTP request a site needs."""

    path: str
    query: dict[str, list[str]]
    base_url: str  # "http://127.0.0.1:8801" (no trailing slash)
    round: int

    def arg(self, name: str) -> str | None:
        """First value of query parameter ``name``, or None."""
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Response:
    """A complete response; the server adds Content-Length and the common headers."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def yuan(value: str | Decimal | None) -> str:
    """Format a price the way the shops print it: thousands separator, two decimals."""
    if value is None:
        return ""
    return f"{Decimal(value):,.2f}"


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(SITE_DIR / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yuan"] = yuan
    return env


def _json_ld(data: Any) -> Markup:
    # "</" inside a <script> would end it early; JSON allows escaping "/" so this stays valid.
    return Markup(json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/"))


@lru_cache(maxsize=64)
def _static_file(name: str) -> bytes | None:
    # Static files are tiny and immutable while the server runs: read each once.
    path = (STATIC_DIR / name).resolve()
    if not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file():
        return None
    return path.read_bytes()


def _placeholder_svg(label: str, colour: str) -> bytes:
    """A product "photo": a coloured square with the product key, so pages have real images."""
    text = xml_escape(label)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">'
        f'<rect width="400" height="400" fill="{colour}"/>'
        '<text x="200" y="210" font-family="sans-serif" font-size="24" fill="#fff" '
        f'text-anchor="middle">{text}</text></svg>'
    ).encode()


class Site:
    """Routes shared by all shops (robots, sitemap, static files, images, cart, 404)."""

    info: ShopInfo
    charset = "utf-8"
    colour = "#888"

    @property
    def slug(self) -> str:
        return self.info.slug

    @property
    def name(self) -> str:
        return self.info.name

    # -- plumbing ------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        """Answer one GET request."""
        path = req.path
        if path == "/robots.txt":
            return self.text(self.robots(req))
        if path == "/sitemap.xml":
            return Response(
                200, self.sitemap(req).encode("utf-8"), "application/xml; charset=utf-8"
            )
        if path.startswith("/static/"):
            return self.static(path.removeprefix("/static/"), req)
        if path.startswith("/images/") and path.endswith(".svg"):
            key = path.removeprefix("/images/").removesuffix(".svg")
            if _SAFE_NAME.match(key):
                return Response(200, _placeholder_svg(key, self.colour), "image/svg+xml")
            return self.not_found(req)
        if path == "/cart":
            return self.page("cart.html", req)
        return self.route(req) or self.not_found(req)

    def route(self, req: Request) -> Response | None:
        """Shop-specific pages; None means 404."""
        raise NotImplementedError

    def render(self, template: str, req: Request, **context: Any) -> str:
        return (
            _env()
            .get_template(template)
            .render(shop=self.info, charset=self.charset, base_url=req.base_url, **context)
        )

    def page(self, template: str, req: Request, status: int = 200, **context: Any) -> Response:
        """Render an HTML page in the shop's own encoding."""
        # xmlcharrefreplace: a GBK page can still echo any character (e.g. a 404 path).
        body = self.render(template, req, **context).encode(self.charset, "xmlcharrefreplace")
        return Response(status, body, f"text/html; charset={self.charset_label}")

    @property
    def charset_label(self) -> str:
        return self.charset

    def text(self, body: str, status: int = 200) -> Response:
        return Response(status, body.encode("utf-8"), "text/plain; charset=utf-8")

    def not_found(self, req: Request) -> Response:
        return self.page("404.html", req, status=404, path=req.path)

    def static(self, name: str, req: Request) -> Response:
        suffix = Path(name).suffix
        data = _static_file(name) if ".." not in name and suffix in _STATIC_TYPES else None
        if data is None:
            return self.not_found(req)
        return Response(200, data, _STATIC_TYPES[suffix])

    # -- crawl hints ---------------------------------------------------------------------

    def product_paths(self, round_: int) -> list[str]:
        return [product_path(self.slug, p.key) for p in self.info.products_in_round(round_)]

    def robots(self, req: Request) -> str:
        return (
            "# pricewatch offline demo shop\n"
            "User-agent: *\n"
            "Disallow: /cart\n"
            "Allow: /\n"
            "\n"
            f"Sitemap: {req.base_url}/sitemap.xml\n"
        )

    def sitemap(self, req: Request) -> str:
        urls = "".join(
            f"  <url><loc>{xml_escape(req.base_url + path)}</loc>"
            "<lastmod>2024-11-01</lastmod><changefreq>daily</changefreq></url>\n"
            for path in self.product_paths(req.round)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n"
        )


class HongxingSite(Site):
    """demo_hongxing: UTF-8 pages whose facts live in schema.org Product JSON-LD."""

    info = HONGXING
    colour = "#c0392b"

    def route(self, req: Request) -> Response | None:
        if req.path in ("/", "/index.html"):
            return self.page(
                "hongxing/home.html", req, products=self.info.products_in_round(req.round)
            )
        if req.path.startswith("/products/"):
            product = self.info.product(req.path.removeprefix("/products/"), req.round)
            if product is not None:
                return self.product_page(product, req)
        return None

    def product_page(self, p: Product, req: Request) -> Response:
        url = req.base_url + product_path(self.slug, p.key)
        # ?variant=SKU selects a variant; an unknown SKU falls back to the default, like
        # Shopify-style shops do.
        selected = next((v for v in p.variants if v.sku == req.arg("variant")), None)
        if selected is None and p.variants:
            selected = p.variants[0]
        shown: dict[str, Any] = {
            "price": selected.price if selected else p.price,
            "list_price": selected.list_price if selected else p.list_price,
            "availability": selected.availability if selected else p.availability,
            "sku": selected.sku if selected else p.sku,
        }
        product_ld = self.product_ld(p, url, req.base_url)
        breadcrumb_ld = {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "首页", "item": req.base_url + "/"},
                {"@type": "ListItem", "position": 2, "name": p.title, "item": url},
            ],
        }
        if p.graph:
            # One page uses the Yoast/Rank Math style single @graph block.
            blocks = [
                {
                    "@context": "https://schema.org",
                    "@graph": [
                        {
                            "@type": "Organization",
                            "@id": req.base_url + "/#org",
                            "name": self.name,
                            "url": req.base_url + "/",
                        },
                        {
                            "@type": "WebPage",
                            "@id": url + "#webpage",
                            "url": url,
                            "name": p.title,
                            "breadcrumb": {"@id": url + "#breadcrumb"},
                        },
                        {"@id": url + "#breadcrumb", **breadcrumb_ld},
                        {"@id": url + "#product", **product_ld},
                    ],
                }
            ]
        else:
            blocks = [
                {"@context": "https://schema.org", **breadcrumb_ld},
                {"@context": "https://schema.org", **product_ld},
            ]
        return self.page(
            "hongxing/product.html",
            req,
            p=p,
            selected=selected,
            shown=shown,
            stock_text=_HONGXING_STOCK_TEXT[shown["availability"]],
            json_ld=[_json_ld(b) for b in blocks],
        )

    def product_ld(self, p: Product, url: str, base_url: str) -> dict[str, Any]:
        ld: dict[str, Any] = {
            "@type": "Product",
            "name": p.title,
            "image": [f"{base_url}/images/{p.key}.svg"],
            "description": f"{p.title}。{self.name}正品行货，全国联保。",
            "brand": {"@type": "Brand", "name": p.brand},
            "url": url,
        }
        seller = {"@type": "Organization", "name": self.name}
        if p.variants:
            ld["offers"] = [
                self.offer_ld(
                    f"{url}?variant={v.sku}", v.price, v.list_price, v.availability, seller
                )
                | {"sku": v.sku, "gtin13": v.gtin, "name": v.name}
                for v in p.variants
            ]
        else:
            ld["sku"] = p.sku
            ld["gtin13"] = p.gtin
            ld["offers"] = self.offer_ld(url, p.price, p.list_price, p.availability, seller)
        return ld

    @staticmethod
    def offer_ld(
        url: str, price: str, list_price: str | None, availability: str, seller: dict[str, str]
    ) -> dict[str, Any]:
        offer: dict[str, Any] = {
            "@type": "Offer",
            "url": url,
            "price": price,
            "priceCurrency": CURRENCY,
            "availability": _SCHEMA_AVAILABILITY[availability],
            "itemCondition": "https://schema.org/NewCondition",
            "seller": seller,
        }
        if list_price is not None:
            # Google's markup for a struck-through "was" price.
            offer["priceSpecification"] = {
                "@type": "UnitPriceSpecification",
                "priceType": "https://schema.org/ListPrice",
                "price": list_price,
                "priceCurrency": CURRENCY,
            }
        return offer


class LantianSite(Site):
    """demo_lantian: GBK pages, prices only in markup, paginated category listing."""

    info = LANTIAN
    charset = "gbk"
    colour = "#2471a3"
    per_page = 10

    @property
    def charset_label(self) -> str:
        return "GBK"

    def route(self, req: Request) -> Response | None:
        products = self.info.products_in_round(req.round)
        if req.path in ("/", "/index.html"):
            return self.page("lantian/home.html", req, featured=products[:4])
        if req.path == "/category/all":
            return self.category(products, req)
        m = re.fullmatch(r"/item/([A-Z]+-\d+)\.html", req.path)
        if m:
            product = self.info.product(m.group(1), req.round)
            if product is not None:
                return self.page(
                    "lantian/item.html",
                    req,
                    p=product,
                    price_html=self.price(product),
                    stock_text=_STOCK_TEXT[product.availability],
                )
        return None

    def category(self, products: list[Product], req: Request) -> Response | None:
        pages = max(1, -(-len(products) // self.per_page))
        raw = req.arg("page") or "1"
        if not raw.isdigit() or not 1 <= int(raw) <= pages:
            return None
        page = int(raw)
        start = (page - 1) * self.per_page
        return self.page(
            "lantian/category.html",
            req,
            products=products[start : start + self.per_page],
            page=page,
            pages=pages,
            total=len(products),
            price=self.price,
        )

    @staticmethod
    def price(p: Product) -> str:
        """The printed price: plain, a range, or a "from" price."""
        if p.price_style == "range":
            return f"￥{yuan(p.price)} - ￥{yuan(p.price_max)}"
        if p.price_style == "from":
            return f"￥{Decimal(p.price):f}".removesuffix(".00") + "起"
        return f"￥{yuan(p.price)}"


class YunshangSite(Site):
    """demo_yunshang: an SPA shell; a script fetches the JSON API and renders the price."""

    info = YUNSHANG
    colour = "#17a589"

    def route(self, req: Request) -> Response | None:
        if req.path in ("/", "/index.html"):
            return self.page(
                "yunshang/home.html", req, products=self.info.products_in_round(req.round)
            )
        m = re.fullmatch(r"/goods/(\d+)", req.path)
        if m and self.info.product(m.group(1), req.round) is not None:
            # The shell has no product data at all: only JavaScript can show the price.
            return self.page("yunshang/goods.html", req)
        m = re.fullmatch(r"/api/products/(\d+)\.json", req.path)
        if m:
            product = self.info.product(m.group(1), req.round)
            if product is None:
                return self.api({"code": 404, "msg": "商品不存在", "data": None}, status=404)
            return self.api({"code": 0, "msg": "ok", "data": self.api_product(product)})
        return None

    @staticmethod
    def api_product(p: Product) -> dict[str, Any]:
        # Prices in fen (integer cents), as many Chinese shop APIs send them.
        return {
            "id": p.key,
            "sku": p.sku,
            "title": p.title,
            "sale_price_fen": int(Decimal(p.price) * 100),
            "market_price_fen": None if p.list_price is None else int(Decimal(p.list_price) * 100),
            "currency": CURRENCY,
            "stock_text": _STOCK_TEXT[p.availability],
            "image": f"/images/{p.key}.svg",
        }

    @staticmethod
    def api(data: Any, status: int = 200) -> Response:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return Response(status, body, "application/json; charset=utf-8")


SITES: tuple[type[Site], ...] = (HongxingSite, LantianSite, YunshangSite)
