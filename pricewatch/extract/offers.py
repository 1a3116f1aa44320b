"""Which product and which offer on a page are the page's own, when structured data lists several.

- The product: the one whose ``url`` is the page's path; else a product (not an item of an
  ``ItemList``, not a loose offer) whose name best matches the page's title; else the first
  priced one. A related product's block placed before the main one does not win.
- The offer: the one the URL selects (``?variant=``, ``?sku=``, a SKU in the path); on a
  marketplace page (offers from several sellers) the featured one, whose price the buy box
  shows; otherwise the lowest *in-stock* offer (a sold-out variant's lower price is not what a
  shopper pays); the lowest of all only when none is in stock or none says.
- A sale price in another source: when JSON-LD's price is the one OpenGraph calls the standard
  price (``og:price:standard_amount``) and OpenGraph gives a lower one, the lower one is the
  price and JSON-LD's the list price.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from pricewatch.extract.structured import Offer, ProductData

__all__ = ["choose_offer", "main_product", "sale_price_elsewhere", "sellers"]

_VARIANT_PARAMS = ("variant", "sku", "skuid", "sku_id", "variant_id", "vid")
_WORD = re.compile(r"\w+", re.U)
_BUYABLE = ("in_stock", "preorder")


def sellers(offers: list[Offer]) -> int:
    """How many different sellers the offers name (2 or more: a marketplace page)."""
    return len({o.seller for o in offers if o.seller})


def choose_offer(
    offers: list[Offer], url: str, shown: Decimal | None = None
) -> tuple[Offer, str | None]:
    """The offer the URL selects; on a marketplace page the one whose price the buy box
    shows (``shown``); else the lowest priced buyable one."""
    if len(offers) == 1:
        return offers[0], None
    parts = urlsplit(url)
    query = {k.lower(): v for k, v in parse_qs(parts.query).items()}
    wanted = [v for key in _VARIANT_PARAMS for v in query.get(key, [])]
    for value in wanted:
        for offer in offers:
            offer_query = parse_qs(urlsplit(offer.url or "").query)
            ids = {
                offer.sku,
                offer.gtin,
                *(v for k in _VARIANT_PARAMS for v in offer_query.get(k, [])),
            }
            if value in ids:
                return offer, f"variant {value} selected by URL"
    for offer in offers:
        if offer.sku and len(offer.sku) >= 3 and offer.sku in parts.path:
            return offer, f"SKU {offer.sku} selected by URL"
    if shown is not None and sellers(offers) >= 2:
        featured = [o for o in offers if o.price == shown and o.availability != "out_of_stock"]
        if featured:
            label = featured[0].seller or "unnamed seller"
            return featured[0], f"featured offer of {len(offers)} ({label}), shown in the buy box"
    buyable = [o for o in offers if o.availability in _BUYABLE]
    pool, kind = (buyable, "in-stock ") if buyable else (offers, "")
    if buyable and len(buyable) == len(offers):
        kind = ""
    lowest = min(pool, key=lambda o: o.price or Decimal(0))
    label = lowest.sku or lowest.name or "unnamed offer"
    return lowest, f"lowest {kind}of {len(offers)} offers ({label})"


def _words(text: str | None) -> set[str]:
    return {w.lower() for w in _WORD.findall(text or "")}


def main_product(
    products: list[ProductData], url: str, title: str | None = None
) -> ProductData | None:
    """The page's own product among ``products`` (only priced ones count), or ``None``."""
    priced = [p for p in products if p.priced_offers]
    if not priced:
        return None
    path = urlsplit(url).path.rstrip("/")
    for product in priced:
        if product.url and path and urlsplit(product.url).path.rstrip("/") == path:
            return product
    best_rank = min(p.rank for p in priced)
    pool = [p for p in priced if p.rank == best_rank]
    wanted = _words(title)
    if wanted and len(pool) > 1:
        scored = [(len(_words(p.name) & wanted), -i, p) for i, p in enumerate(pool)]
        top = max(scored, key=lambda s: (s[0], s[1]))
        if top[0]:
            return top[2]
    return pool[0]


def sale_price_elsewhere(chosen: Offer, others: list[ProductData]) -> Offer | None:
    """A lower offer in another source that names ``chosen``'s price as its standard price."""
    for product in others:
        for offer in product.priced_offers:
            if (
                offer.list_price is not None
                and offer.list_price == chosen.price
                and offer.price is not None
                and chosen.price is not None
                and offer.price < chosen.price
                and (offer.currency or chosen.currency) == chosen.currency
            ):
                return offer
    return None
