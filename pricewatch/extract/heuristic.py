"""Last-resort finder for a page's main price, used when structured data and shop selectors
found nothing. Its answers are marked low-confidence.

It scores elements whose class, id or ``itemprop`` mentions a price (``price``, ``jiage``,
``sale``...) or whose own text starts with a currency sign, and skips struck-through prices
(``<del>``, ``<s>``, ``old``/``was``/``list``/``original`` classes), which become the list price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector

from pricewatch.money import Money, parse_price

_CANDIDATES = (
    "//*[not(self::script or self::style or self::option or self::title)]"
    "[contains(translate(@class, 'PRICE', 'price'), 'price')"
    " or contains(translate(@id, 'PRICE', 'price'), 'price')"
    " or contains(@class, 'jiage') or @data-price or @itemprop='price']"
)
_CURRENCY_TEXT = (
    "//body//text()[normalize-space()][not(ancestor::script or ancestor::style)]"
    "[starts-with(normalize-space(), '¥') or starts-with(normalize-space(), '￥')"
    " or starts-with(normalize-space(), '$') or starts-with(normalize-space(), '€')"
    " or starts-with(normalize-space(), '£')]"
)
_OLD = re.compile(r"old|was|list|original|compare|strike|regular|market|del|before|yuanjia", re.I)
_GOOD = re.compile(r"sale|current|now|final|promo|special|our|actual|main|product", re.I)
_BAD_CONTEXT = re.compile(r"related|recommend|similar|cart|footer|header|nav|shipping", re.I)


@dataclass
class HeuristicPrice:
    price: Money
    list_price: Money | None
    detail: str
    #: Text around the price (its container, a few levels up): where stock wording is looked
    #: for, since the whole page mentions "预售" or "sold out" in menus and related products.
    context: str = ""


def _context_classes(node: Selector) -> str:
    return " ".join(node.xpath("ancestor-or-self::*/@class | ancestor-or-self::*/@id").getall())


def find_main_price(sel: Selector, currency_hint: str | None = None) -> HeuristicPrice | None:
    """The most plausible main price on the page, or ``None``."""
    best: tuple[int, int, Money, str, Selector | None] | None = None
    old: Money | None = None
    nodes = sel.xpath(_CANDIDATES)[:200]
    for order, node in enumerate(nodes):
        own = f"{node.attrib.get('class', '')} {node.attrib.get('id', '')}"
        text = node.attrib.get("data-price") or " ".join(
            t.strip() for t in node.xpath(".//text()").getall() if t.strip()
        )
        if not text or len(text) > 60:
            continue
        money = parse_price(text, currency_hint)
        if money is None:
            continue
        struck = bool(node.xpath("ancestor-or-self::del | ancestor-or-self::s"))
        if struck or _OLD.search(own):
            old = old or money
            continue
        score = 3 + (2 if _GOOD.search(own) else 0)
        score -= 4 if _BAD_CONTEXT.search(_context_classes(node)) else 0
        score += 1 if money.currency else 0
        if best is None or (score, -order) > (best[0], -best[1]):
            best = (score, order, money, f"element .{own.strip() or node.root.tag}", node)
    if best is None:
        for order, text in enumerate(sel.xpath(_CURRENCY_TEXT).getall()[:100]):
            money = parse_price(text, currency_hint)
            if money is not None:
                best = (0, order, money, "first currency text", None)
                break
    if best is None:
        return None
    main = best[2]
    if old is not None and old.amount <= main.amount:
        old = None  # a "list price" below the price is some other number
    context = ""
    if best[4] is not None:
        container = best[4].xpath(
            "ancestor::*[position() <= 3][not(self::html or self::body)][last()]"
        )
        scope = container[0] if container else best[4]
        context = " ".join(scope.xpath(".//text()[not(ancestor::script)]").getall())[:2000]
    return HeuristicPrice(price=main, list_price=old, detail=best[3], context=context)
