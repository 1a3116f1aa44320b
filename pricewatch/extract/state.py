"""Availability in a page's embedded JSON state, when nothing else on the page says.

Single-page-app shops ship their data as JSON for the browser: ``<script id="__NEXT_DATA__">``,
``window.__INITIAL_STATE__ = {...}``, ``window.__NUXT__``, ``dataLayer = [...]``. That state
holds other products too (recommendations, recently viewed), so a stock flag is taken only from
an object that is the page's product: the one under a ``product``-like key, or one whose name
matches the page's title or whose SKU is the product's. Keys read: ``availability``,
``stockStatus``/``stock_status``/``inventoryStatus`` (schema.org-like values), the booleans
``inStock``/``isInStock``/``available``/``availableForSale``/``isAvailable`` and the inverted
``soldOut``/``isSoldOut``/``outOfStock``. No settings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from lxml import etree
from parsel import Selector

from pricewatch.extract.availability import normalize_availability
from pricewatch.records import Availability

__all__ = ["state_availability"]

_STATE_SCRIPTS = etree.XPath(
    "//script[@id='__NEXT_DATA__' or contains(., '__INITIAL_STATE__')"
    " or contains(., '__NUXT__') or contains(., '__PRELOADED_STATE__')"
    " or contains(., 'dataLayer')]/text()"
)
_ASSIGNMENT = re.compile(
    r"(?:__INITIAL_STATE__|__NUXT__|__PRELOADED_STATE__|dataLayer)\s*(?:=|\.push\()\s*"
)
_STATE_KEYS = ("availability", "stockStatus", "stock_status", "inventoryStatus", "stockState")
_TRUE_MEANS_IN = (
    "inStock",
    "isInStock",
    "in_stock",
    "available",
    "availableForSale",
    "isAvailable",
)
_TRUE_MEANS_OUT = ("soldOut", "isSoldOut", "sold_out", "outOfStock", "isOutOfStock")
_PRODUCT_KEYS = frozenset({"product", "currentProduct", "productDetail", "productData", "pdp"})
_NAME_KEYS = ("name", "title", "productName", "product_name")
_SKU_KEYS = ("sku", "skuId", "productId", "product_id", "id")
_WORD = re.compile(r"\w+", re.U)
_MAX_NODES = 20_000
_MAX_SCRIPT = 2_000_000
_DECODER = json.JSONDecoder()


def _decode(script: str) -> Any:
    text = script.strip()
    if text.startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            pass
    match = _ASSIGNMENT.search(text)
    if match is None:
        return None
    try:
        return _DECODER.raw_decode(text, match.end())[0]
    except ValueError:  # JavaScript, not JSON ({key: 'value'}): nothing to read
        return None


def _own_state(node: Mapping[str, Any]) -> Availability | None:
    for key in _STATE_KEYS:
        value = node.get(key)
        if isinstance(value, str):
            state = normalize_availability(value)
            if state != "unknown":
                return state
    for key in _TRUE_MEANS_IN:
        if isinstance(node.get(key), bool):
            return "in_stock" if node[key] else "out_of_stock"
    for key in _TRUE_MEANS_OUT:
        if isinstance(node.get(key), bool):
            return "out_of_stock" if node[key] else "in_stock"
    return None


def _objects(value: Any) -> Iterator[tuple[str | None, Mapping[str, Any]]]:
    """Every object in the state with the key it sits under, breadth first, bounded."""
    queue: list[tuple[str | None, Any]] = [(None, value)]
    seen = 0
    while queue and seen < _MAX_NODES:
        key, node = queue.pop(0)
        seen += 1
        if isinstance(node, Mapping):
            yield key, node
            queue.extend((k, v) for k, v in node.items() if isinstance(v, Mapping | list))
        elif isinstance(node, list):
            queue.extend((key, v) for v in node if isinstance(v, Mapping | list))


def _is_the_product(
    key: str | None, node: Mapping[str, Any], title: set[str], sku: str | None
) -> bool:
    """Under a ``product`` key, the product's SKU, or a name sharing most words with the title."""
    if key in _PRODUCT_KEYS:
        return True
    if sku and any(str(node.get(k)) == sku for k in _SKU_KEYS if node.get(k) is not None):
        return True
    for name_key in _NAME_KEYS:
        name = node.get(name_key)
        if isinstance(name, str) and title:
            words = {w.lower() for w in _WORD.findall(name)}
            shared = len(words & title)
            if words and shared * 2 >= len(words) and shared * 2 >= len(title):
                return True
    return False


def state_availability(
    sel: Selector, title: str | None = None, sku: str | None = None
) -> Availability | None:
    """The product's stock as the page's embedded state says, or ``None``."""
    wanted = {w.lower() for w in _WORD.findall(title or "")}
    for script in _STATE_SCRIPTS(sel.root):
        if len(script) > _MAX_SCRIPT:
            continue
        state = _decode(str(script))
        if state is None:
            continue
        for key, node in _objects(state):
            if _is_the_product(key, node, wanted, sku):
                found = _own_state(node)
                if found is not None:
                    return found
    return None
