"""Stock availability: schema.org values, platform booleans and page text into one of four states.

Structured-data readers call :func:`normalize_availability` on ``Offer.availability`` (any
spelling of the schema.org values) or on a platform flag such as Shopify's ``available``;
shop selectors and the heuristic call :func:`availability_from_text` on visible Chinese or
English text. The result is one of :data:`pricewatch.items.AVAILABILITY_VALUES`. No settings
control this module.

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

# English matches whole words, any case; Chinese (no word boundaries) matches substrings, in
# simplified and traditional characters.
_OUT_OF_STOCK = re.compile(
    r"\b(?:out[\s-]+of[\s-]+stock|outofstock|sold[\s-]*out|"
    r"not\s+(?:currently\s+)?(?:in\s+stock|available)|"
    r"(?:currently\s+|temporarily\s+)?unavailable|no\s+longer\s+available|"
    r"no\s+stock|discontinued|notify\s+me\s+when\s+available)\b"
    r"|无货|無貨|缺货|缺貨|没货|沒貨|没有货|沒有貨|售罄|已售完|售完|已下架|下架|"
    r"暂无现货|暫無現貨|暂无库存|暫無庫存|无库存|無庫存|库存不足|庫存不足|"
    r"已抢光|已搶光|抢光了|已抢完|停售|到货通知|到貨通知|补货中|補貨中",
    re.I,
)
_PREORDER = re.compile(
    r"\b(?:pre[\s-]?orders?|pre[\s-]?ordered|pre[\s-]?sale|back[\s-]?orders?|"
    r"back[\s-]?ordered|coming\s+soon)\b"
    r"|预售|預售|预定|預定|预订|預訂|预约|預約|即将上市|即將上市|即将开售|即將開售",
    re.I,
)
_IN_STOCK = re.compile(
    r"\b(?:in[\s-]+stock|instock|available|add\s+to\s+(?:cart|basket|bag|trolley)|"
    r"buy\s+(?:it\s+)?now|low\s+stock|only\s+\d+\s+left)\b"
    r"|有货|有貨|现货|現貨|库存充足|庫存充足|加入购物车|加入購物車|立即购买|立即購買",
    re.I,
)


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
    """The availability Chinese or English page text states, or ``"unknown"``.

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
    if _OUT_OF_STOCK.search(text):
        return "out_of_stock"
    if _PREORDER.search(text):
        return "preorder"
    if _IN_STOCK.search(text):
        return "in_stock"
    return "unknown"
