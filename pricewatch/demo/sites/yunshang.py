"""demo_yunshang's site: an SPA shell; a script fetches the JSON API and renders the price.

Routes: ``/`` (product list), ``/goods/<id>`` (a shell with no product data at all: only
JavaScript, ``static/yunshang/app.js``, can show the price) and ``/api/products/<id>.json``
(prices in fen, ``{"code": 0, "msg": "ok", "data": {...}}``; a JSON 404 for unknown ids).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from pricewatch.demo.catalog import CURRENCY, YUNSHANG, Product
from pricewatch.demo.sites.base import STOCK_TEXT, Request, Response, Site


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
            "stock_text": STOCK_TEXT[p.availability],
            "image": f"/images/{p.key}.svg",
        }

    @staticmethod
    def api(data: Any, status: int = 200) -> Response:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return Response(status, body, "application/json; charset=utf-8")
