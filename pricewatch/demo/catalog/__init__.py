"""Catalog of the three offline demo shops, and what a correct crawl should extract from them.

Everything the demo server renders comes from the data here, so the pages and
:func:`expected` cannot disagree. The data types live in :mod:`.model`; each shop's products
(and its round-2 changes) in its own module: :mod:`.hongxing`, :mod:`.lantian`,
:mod:`.yunshang`. This module puts them together (:data:`SHOPS`) and answers questions about
them: :func:`expected`, :func:`gone_paths`, :func:`changes`, :func:`product_path`.

Two rounds exist so the demo (and tests) can show change detection: round 1 is the initial
state; round 2 applies each product's ``round2`` overrides (price moves, stock changes) and
drops the products marked ``gone`` (they answer 404).
"""

from __future__ import annotations

from typing import Any

from pricewatch.demo.catalog import hongxing, lantian, yunshang
from pricewatch.demo.catalog.hongxing import HONGXING
from pricewatch.demo.catalog.lantian import LANTIAN
from pricewatch.demo.catalog.model import (
    CURRENCY,
    ROUNDS,
    Availability,
    PriceStyle,
    Product,
    ShopInfo,
    Variant,
    check_round,
    money,
)
from pricewatch.demo.catalog.yunshang import YUNSHANG

__all__ = [
    "CURRENCY",
    "HONGXING",
    "LANTIAN",
    "ROUNDS",
    "SHOPS",
    "SHOPS_BY_SLUG",
    "YUNSHANG",
    "Availability",
    "PriceStyle",
    "Product",
    "ShopInfo",
    "Variant",
    "changes",
    "expected",
    "gone_paths",
    "money",
    "product_path",
    "shop_info",
]

#: The demo shops in port order (shop i listens on base_port + i).
SHOPS: tuple[ShopInfo, ...] = (HONGXING, LANTIAN, YUNSHANG)
SHOPS_BY_SLUG: dict[str, ShopInfo] = {s.slug: s for s in SHOPS}

_PRODUCT_PATHS: dict[str, str] = {
    HONGXING.slug: hongxing.PRODUCT_PATH,
    LANTIAN.slug: lantian.PRODUCT_PATH,
    YUNSHANG.slug: yunshang.PRODUCT_PATH,
}


def shop_info(slug: str) -> ShopInfo:
    """The :class:`ShopInfo` for ``slug``; KeyError with the valid slugs when unknown."""
    try:
        return SHOPS_BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"unknown demo shop {slug!r}; known: {sorted(SHOPS_BY_SLUG)}") from None


def product_path(slug: str, key: str) -> str:
    """URL path of a product page in shop ``slug``; KeyError(slug) when unknown."""
    return _PRODUCT_PATHS[slug].format(key=key)


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
    check_round(round)
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
    check_round(round)
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
