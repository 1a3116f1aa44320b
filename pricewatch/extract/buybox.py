"""Availability from the page itself, when structured data does not say: the buy box.

Read near the product (within :data:`NEAR` tree levels of its title or main price, see
:mod:`.layout`), never in navigation, footers, reviews or recommendation carousels:

1. stock blocks — elements whose ``id``/``class`` names availability or stock
   (``#availability``, ``p.stock``, ``.in-stock``, ``.lagerstatus``...) and their wording;
2. buy controls — an enabled add-to-cart / buy-now button is ``in_stock``; a disabled one, a
   "notify me when available" control or a button saying "sold out" is ``out_of_stock``;
3. only when neither says: the wording around the main price (its container a few levels
   up), or around the title on pages without a price element.

The nearest stock block or control wins; at equal distance a stock block beats a button. Each
answer carries what it was read from and a confidence (``medium`` for a stock block or a
control, ``low`` for loose wording). No settings control this module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from parsel import Selector

from pricewatch.extract.availability import availability_from_text
from pricewatch.extract.layout import (
    PageIndex,
    elsewhere,
    index,
    near,
    text_of,
    tree_distance,
)
from pricewatch.extract.wording import (
    BUY_ATTRIBUTE,
    BUY_BUTTON,
    NOTIFY_ATTRIBUTE,
    NOTIFY_ME,
    OUT_OF_STOCK,
)
from pricewatch.records import Availability

__all__ = ["NEAR", "PageAvailability", "page_availability"]

#: How many levels up from the title or price a stock block or button may be.
NEAR = 6

# Class tokens that state the stock on their own ("p.availability.in-stock").
_IN_CLASS = re.compile(r"^(?:in[-_]?stock|available|instock)$", re.I)
_OUT_CLASS = re.compile(r"^(?:out[-_]?of[-_]?stock|outofstock|sold[-_]?out|unavailable)$", re.I)
_DISABLED_CLASS = re.compile(r"^(?:is-)?disabled$", re.I)
_MAX_BLOCK_TEXT = 200


@dataclass(frozen=True)
class PageAvailability:
    availability: Availability
    #: What it was read from: "stock block", "buy button", "disabled buy button", ...
    evidence: str
    confidence: str


def _class_state(node: Any) -> Availability | None:
    for token in (node.get("class") or "").split():
        if _OUT_CLASS.match(token):
            return "out_of_stock"
        if _IN_CLASS.match(token):
            return "in_stock"
    return None


def _stock_block(node: Any) -> Availability | None:
    text = text_of(node, _MAX_BLOCK_TEXT + 1)
    if len(text) > _MAX_BLOCK_TEXT:
        return None  # a whole section that happens to have "stock" in its class
    state = availability_from_text(text)
    return state if state != "unknown" else _class_state(node)


def _disabled(node: Any) -> bool:
    if node.get("disabled") is not None or node.get("aria-disabled") == "true":
        return True
    return any(_DISABLED_CLASS.match(t) for t in (node.get("class") or "").split())


def _control(node: Any) -> tuple[Availability, str] | None:
    label = " ".join(
        filter(
            None,
            (
                text_of(node, 120),
                node.get("value"),
                node.get("alt"),
                node.get("title"),
                node.get("aria-label"),
            ),
        )
    )
    names = f"{node.get('id') or ''} {node.get('class') or ''} {node.get('name') or ''}"
    if NOTIFY_ME.search(label) or NOTIFY_ATTRIBUTE.search(names):
        return "out_of_stock", "notify-me control"
    is_buy = BUY_BUTTON.search(label) or BUY_ATTRIBUTE.search(names)
    if not is_buy:
        return None
    if OUT_OF_STOCK.search(label):
        return "out_of_stock", "buy button saying sold out"
    if _disabled(node):
        return "out_of_stock", "disabled buy button"
    return "in_stock", "buy button"


def page_availability(
    sel: Selector,
    anchors: Sequence[Any],
    price_context: str = "",
    page: PageIndex | None = None,
) -> PageAvailability | None:
    """What the buy box says about stock, or ``None`` when it says nothing.

    ``anchors`` are the title and main-price elements; ``page`` the page's
    :class:`~pricewatch.extract.layout.PageIndex` around them (built here when not given).
    """
    if page is None:
        page = index(near(sel.root, anchors, NEAR))
    memo: dict[Any, bool] = {}
    found: list[tuple[int, int, Availability, str]] = []
    kinds = ((page.stock, "stock"), (page.controls, "control"))
    for rank, (nodes, read) in enumerate(kinds):
        for node in nodes[:300]:
            distance = tree_distance(node, anchors) if anchors else 0
            if distance > NEAR or elsewhere(node, memo):
                continue
            if read == "stock":
                state = _stock_block(node)
                evidence = "stock block"
            else:
                answer = _control(node)
                state, evidence = answer if answer else (None, "")
            if state is not None:
                found.append((distance, rank, state, evidence))
    if found:
        _, rank, state, evidence = min(found, key=lambda f: (f[0], f[1]))
        return PageAvailability(state, evidence, "medium")
    state = availability_from_text(price_context)
    if state != "unknown":
        return PageAvailability(state, "wording near the price", "low")
    return None
