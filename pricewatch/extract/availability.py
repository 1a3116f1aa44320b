"""Stock availability: schema.org values, platform booleans and page text into one of four states.

Structured-data readers call :func:`normalize_availability` on ``Offer.availability`` (any
spelling of the schema.org values) or on a platform flag such as Shopify's ``available``;
shop selectors and the buy box (:mod:`.buybox`) call :func:`availability_from_text` on visible
text in any of the languages of :mod:`.wording`. The result is one of
:data:`pricewatch.items.AVAILABILITY_VALUES`. No settings control this module.

Decisions:

* ``BackOrder`` is ``preorder``: the item can be ordered now and ships later, which is what a
  pre-order is to a shopper; ``out_of_stock`` would say it cannot be bought.
* ``LimitedAvailability``, ``OnlineOnly`` and ``InStoreOnly`` are ``in_stock`` (buyable);
  ``SoldOut`` and ``Discontinued`` are ``out_of_stock``.
* In text, out-of-stock wording beats pre-order wording, which beats in-stock wording:
  pages keep their "add to cart" button text when an item sells out ("暂无现货",
  "not in stock"), and a pre-order page still says "buy now".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pricewatch.extract.wording import BUY_BUTTON, IN_STOCK, OUT_OF_STOCK, PREORDER
from pricewatch.records import Availability

__all__ = ["availability_from_text", "normalize_availability"]

# schema.org ItemAvailability values, compared lowercased with everything but letters removed
# ("https://schema.org/InStock", "schema:InStock", "in_stock", "In Stock" -> "instock").
_SCHEMA_VALUES: dict[str, Availability] = {
    "instock": "in_stock",
    "limitedavailability": "in_stock",
    "onlineonly": "in_stock",
    "instoreonly": "in_stock",
    "outofstock": "out_of_stock",
    "soldout": "out_of_stock",
    "discontinued": "out_of_stock",
    "preorder": "preorder",
    "presale": "preorder",
    "backorder": "preorder",
    # Not schema.org, but what data attributes and feeds write.
    "true": "in_stock",
    "false": "out_of_stock",
    "available": "in_stock",
    "unavailable": "out_of_stock",
}
_SCHEMA_PREFIX = re.compile(r"^\s*(?:(?:https?:)?//(?:www\.)?schema\.org/|schema:)", re.I)
_NOT_LETTERS = re.compile(r"[^a-z]+")
# A value longer than this is prose, not a token; skip the table lookup.
_MAX_TOKEN = 40


def _from_token(value: str) -> Availability | None:
    if len(value) > _MAX_TOKEN:
        return None
    key = _NOT_LETTERS.sub("", _SCHEMA_PREFIX.sub("", value).lower())
    return _SCHEMA_VALUES.get(key)


def normalize_availability(value: object) -> Availability:
    """The availability a structured-data value or platform flag means.

    Accepts schema.org values in any form (``"http://schema.org/InStock"``, ``"InStock"``,
    ``"in_stock"``, ``"schema:PreOrder"``), JSON-LD ``{"@id": ...}`` objects and lists (the
    first known value wins), booleans (Shopify's ``available``) and otherwise reads the value
    as text with :func:`availability_from_text`.
    """
    if isinstance(value, bool):
        return "in_stock" if value else "out_of_stock"
    if isinstance(value, str):
        return _from_token(value) or availability_from_text(value)
    if isinstance(value, Mapping):
        return normalize_availability(value.get("@id") or value.get("@value"))
    if isinstance(value, list | tuple):
        for item in value:
            availability = normalize_availability(item)
            if availability != "unknown":
                return availability
    return "unknown"


def availability_from_text(text: str | None) -> Availability:
    """The availability page text states (in the languages of :mod:`.wording`), or ``"unknown"``.

    ``"有货"``, ``"In stock"``, ``"加入购物车"`` are in stock; ``"无货"``, ``"Sold out"``,
    ``"暂无现货"``, ``"not in stock"`` out of stock; ``"预售"``, ``"Pre-order"``,
    ``"Coming soon"`` pre-order. Out-of-stock wording wins over pre-order, which wins over
    in-stock wording.
    """
    if not isinstance(text, str) or not text.strip():
        return "unknown"
    token = _from_token(text)
    if token is not None:
        return token
    if OUT_OF_STOCK.search(text):
        return "out_of_stock"
    if PREORDER.search(text):
        return "preorder"
    if IN_STOCK.search(text) or BUY_BUTTON.search(text):
        return "in_stock"
    return "unknown"
