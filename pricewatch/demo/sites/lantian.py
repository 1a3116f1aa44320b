"""demo_lantian's site: GBK pages, prices only in the markup, a paginated category listing.

Routes: ``/`` (four featured products), ``/category/all?page=N`` (ten products a page; an
out-of-range page is a 404) and ``/item/<SKU>.html``. Prices are printed plain, as a range
or as a "from" price, as the product's ``price_style`` says.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pricewatch.demo.catalog import LANTIAN, Product
from pricewatch.demo.sites.base import STOCK_TEXT, Request, Response, Site, yuan


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
                    stock_text=STOCK_TEXT[product.availability],
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
