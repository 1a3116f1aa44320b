"""What every demo site shares: :class:`Request`, :class:`Response` and the :class:`Site` base.

:class:`Site` answers the routes all shops have (robots.txt, sitemap, static files, product
images, cart, 404) and leaves the shop's own pages to :meth:`Site.route`. Pages are rendered
with the Jinja2 templates under ``pricewatch/demo/site/templates`` (:func:`yuan` is their
price filter); static files come from ``pricewatch/demo/site/static``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from jinja2 import Environment, FileSystemLoader

from pricewatch.demo.catalog import ShopInfo, product_path

#: The templates and static files (package data), next to this package.
SITE_DIR = Path(__file__).parent.parent / "site"
STATIC_DIR = SITE_DIR / "static"

#: How Chinese shops word stock (demo_hongxing's visible text differs on purpose).
STOCK_TEXT = {"in_stock": "有货", "out_of_stock": "缺货", "preorder": "预售"}

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
