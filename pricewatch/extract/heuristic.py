"""Last-resort finder for a page's main price, used when structured data and shop selectors
found nothing. Its answers are marked low-confidence.

Candidates are elements whose class, id or ``itemprop`` mentions a price (``price``, ``jiage``,
``data-price``...) and elements whose own text starts or ends with a currency sign. Decoys are
dropped before scoring:

- anything in navigation, header, footer, recommendation carousels, recently viewed items,
  reviews or comparison tables (:func:`~pricewatch.extract.layout.elsewhere`);
- instalments ("12 x 24,90", "/mes", "/mo", "分期", "每期"), shipping costs, "save 20 €",
  loyalty points: judged by the words right before and after the number;
- candidates far from the product's title (more than :data:`MAX_DISTANCE` tree levels up),
  so an unavailable product whose page only shows other products' prices gives no price.

Struck-through prices (``<del>``, ``<s>``, ``<strike>``, ``line-through``, ``old``/``was``/
``list`` classes) and labelled ones ("RRP:", "List Price:", "UVP", "原价") are list-price
candidates, never the price. Among the rest the nearest to the title wins, then a
"sale/current/final" class, then page order; on auctions a "Buy It Now" price beats the
"Current bid", which is the price only when it is alone. :func:`find_list_price` reads the
struck-through price of a price that came from structured data, next to the title.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from parsel import Selector

from pricewatch.extract.layout import PageIndex, elsewhere, index, near, text_of, tree_distance
from pricewatch.money import Money, parse_price

__all__ = ["MAX_DISTANCE", "HeuristicPrice", "find_list_price", "find_main_price"]

#: Candidates further than this many levels up from the title are other products' prices.
MAX_DISTANCE = 8
# A list price is within this many levels of the price or title, below this multiple of it.
_LIST_NEAR = 5
_MAX_LIST_RATIO = 5

# Struck-through/list-price names: whole words ("price-old", "a-text-strike", "was") or known
# glued forms ("oldPrice", "listprice"), so "ProductDataList" is not a list price.
_OLD = re.compile(
    r"(?:^|[^a-z])(?:old|was|list|original|compare|strike|strikethrough|regular|market|before|"
    r"yuanjia|rrp|msrp|uvp|crossed|statt|del)(?:[^a-z]|$)|oldprice|listprice|wasprice|"
    r"regularprice|originalprice|compareat|strikeprice|marketprice|retailprice|suggested|rrp",
    re.I,
)
_GOOD = re.compile(r"sale|current|now|final|promo|special|our|actual|main|offer|deal", re.I)
# Words right before a number that make it something other than the price.
_DECOY_BEFORE = re.compile(
    r"(?:save|you\s+save|saving|économisez|ahorra|ahorras|sparen|sie\s+sparen|risparmi|"
    r"economize|oszczędzasz|节省|省|立省|shipping|delivery|postage|versand|envío|envio|"
    r"livraison|spedizione|运费|送料|配送料|points?|积分|ポイント|gift\s+card|trade[-\s]?in|"
    r"每期|分期|月供|月付|月々|毎月|월|"
    r"\d+\s*[x×]|\d+\s*(?:cuotas|rate|raten|installments|instalments|期))\W{0,6}$",
    re.I,
)
# Words right after a number that make it an instalment or a unit price.
_DECOY_AFTER = re.compile(
    r"^\W{0,3}(?:/\s*(?:mo|month|mes|mês|monat|mois|mese|月|期)\b|per\s+month|a\s+month|al\s+mes|"
    r"por\s+mes|par\s+mois|im\s+monat|al\s+mese|x\s*\d|每期|/期|分期|shipping|delivery|versand)",
    re.I,
)
# Words right before a number that make it the list price.
_LIST_LABEL = re.compile(
    r"(?:rrp|list\s+price|was|before|regular\s+price|retail\s+price|msrp|uvp|statt|"
    r"pvpr?|precio\s+(?:recomendado|anterior)|prix\s+(?:conseillé|barré)|prezzo\s+consigliato|"
    r"原价|原價|市场价|市場價|定价|定價|参考价|参考価格|希望小売価格)\W{0,6}$",
    re.I,
)
_BID_LABEL = re.compile(
    r"(?:current\s+bid|starting\s+bid|top\s+bid|bid|aktuelles\s+gebot|gebot|"
    r"enchère(?:\s+actuelle)?|puja(?:\s+actual)?|offerta\s+attuale|当前价|当前出价|"
    r"現在価格|入札)\W{0,6}$",
    re.I,
)
_BUY_NOW_LABEL = re.compile(
    r"(?:buy\s+it\s+now|sofort-kaufen|achat\s+immédiat|cómpralo\s+ya|compralo\s+subito|"
    r"一口价|即決価格)\W{0,6}$",
    re.I,
)
_NUMBER_START = re.compile(r"(?<![\d.,])\d")
_NUMBER_END = re.compile(r"[\d.,' ]*\d\s?(?:[^\d\s/]{1,3})?")


@dataclass
class HeuristicPrice:
    price: Money
    list_price: Money | None
    detail: str
    #: Text around the price (its container, a few levels up): where stock wording is looked
    #: for, since the whole page mentions "预售" or "sold out" in menus and related products.
    context: str = ""
    #: The element the price was read from (an anchor for the buy box).
    node: Any = None


@dataclass
class _Candidate:
    node: Any
    money: Money
    struck: bool
    score: int
    order: int
    label: str


def _struck(node: Any) -> bool:
    for level, element in enumerate((node, *node.iterancestors())):
        if level > 3:
            return False
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("del", "s", "strike"):
            return True
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if level <= 1 and _OLD.search(names):
            return True
        if "line-through" in (element.get("style") or ""):
            return True
    return False


def _surroundings(node: Any, text: str) -> tuple[str, str]:
    """The words right before and after the element's text, in its parent's text."""
    parent = node.getparent()
    around = text_of(parent, 300) if parent is not None else text
    at = around.find(text)
    if at < 0:
        return "", ""
    return around[max(0, at - 30) : at], around[at + len(text) : at + len(text) + 20]


def _decoy(text: str, before: str, after: str) -> bool:
    """Whether the words around the number say it is not the product's price."""
    if _DECOY_BEFORE.search(before) or _DECOY_AFTER.search(after):
        return True
    # The element's own text: "Save £3.46", "12 x 24,90", "24,90 €/mes".
    for digit in _NUMBER_START.finditer(text):
        if _DECOY_BEFORE.search(text[: digit.start()]):
            return True
        end = _NUMBER_END.match(text, digit.start())
        if end and _DECOY_AFTER.search(text[end.end() :]):
            return True
    return False


def _labelled_list_price(text: str, before: str) -> bool:
    """ "RRP: £16.99", "List Price: $10.00", "UVP 49,99 €", "原价 ¥199": a list price."""
    first_digit = _NUMBER_START.search(text)
    own_label = text[: first_digit.start()] if first_digit else ""
    return bool(_LIST_LABEL.search(before) or _LIST_LABEL.search(own_label))


def _candidates(
    page: PageIndex,
    currency_hint: str | None,
    title: Any | None,
    region: str | None = None,
    *,
    struck_only: bool = False,
) -> list[_Candidate]:
    """Price candidates of the page; with ``struck_only`` just the struck-through or labelled
    list prices (what :func:`find_list_price` needs), which skips parsing every other number."""
    anchors = [title] if title is not None else []
    seen: set[Any] = set()
    memo: dict[Any, bool] = {}
    found: list[_Candidate] = []
    nodes = page.prices[:300] + page.money_text[:200]
    for order, node in enumerate(nodes):
        if node in seen or not isinstance(node.tag, str):
            continue
        seen.add(node)
        if elsewhere(node, memo):
            continue
        struck_node = _struck(node)
        # "<div class=price><del>€59</del> €45</div>": the struck part is a list price.
        text = node.get("data-price") or text_of(node, 61, skip_struck=not struck_node)
        if not text or len(text) > 60:
            continue
        before, after = _surroundings(node, text)
        if struck_only and not (struck_node or _labelled_list_price(text, before)):
            continue
        money = parse_price(text, currency_hint, region=region)
        if money is None:
            continue
        if _decoy(text, before, after):
            continue
        distance = tree_distance(node, anchors) if anchors else 0
        if distance > MAX_DISTANCE:
            continue
        own = f"{node.get('class') or ''} {node.get('id') or ''}"
        score = 3 + (2 if _GOOD.search(own) else 0) + (1 if money.currency else 0) - distance
        # Auctions: a buy-it-now price beats the current bid, which is the price only alone.
        score += 2 if _BUY_NOW_LABEL.search(before) else (-4 if _BID_LABEL.search(before) else 0)
        label = f"element .{own.strip() or node.tag}"
        struck = struck_node or _labelled_list_price(text, before)
        found.append(_Candidate(node, money, struck, score, order, label))
    return found


def find_main_price(
    sel: Selector,
    currency_hint: str | None = None,
    title: Any | None = None,
    page: PageIndex | None = None,
    region: str | None = None,
) -> HeuristicPrice | None:
    """The most plausible main price on the page, or ``None``.

    ``title`` is the product's title element (:func:`~pricewatch.extract.layout.main_title`);
    without one, distances are not used. ``page`` is the page's :class:`PageIndex` around the
    title (built here when not given). ``region`` is the page country's currency, for shared
    signs (:func:`~pricewatch.money.region_currency`).
    """
    if page is None:
        anchors = [title] if title is not None else []
        page = index(near(sel.root, anchors, MAX_DISTANCE))
    candidates = _candidates(page, currency_hint, title, region)
    current = [c for c in candidates if not c.struck]
    if not current:
        return None
    best = max(current, key=lambda c: (c.score, -c.order))
    old = _list_price(candidates, best.money, best.node, title)
    container = best.node
    for _ in range(3):
        parent = container.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        container = parent
    context = text_of(container, 2000)
    return HeuristicPrice(best.money, old, best.label, context, best.node)


def _list_price(candidates: list[_Candidate], price: Money, *anchors: Any) -> Money | None:
    """The struck-through or "RRP" price of the same offer: above the price, next to it or to
    the title."""
    struck = [
        c
        for c in candidates
        if c.struck
        and price.amount < c.money.amount < price.amount * _MAX_LIST_RATIO
        and c.money.currency in (None, price.currency)
    ]
    if not struck:
        return None
    near_by = [a for a in anchors if a is not None]
    nearest = min(struck, key=lambda c: (tree_distance(c.node, near_by), c.order))
    return nearest.money if tree_distance(nearest.node, near_by) <= _LIST_NEAR else None


#: Signs in a page's HTML that it may show a struck-through or labelled list price: a
#: ``<del>``/``<s>``/``<strike>``, a line-through style, a list-price class or id, or a
#: list-price label before a number. A page with none is not searched for one: that search
#: is most of the heuristic's cost (~5 ms on a 50 KB page), and most pages have no list price.
#: Marks found anywhere, as plain substring tests (one scan each) and regexes with a literal
#: first byte (fast); one regex alternation of everything would be ~20x slower on a 50 KB
#: page. "list/regular/retail price" are found by the words next to "price" below.
_LIST_PRICE_WORDS = (
    b"line-through", b"strike", b"crossed", b"rrp", b"msrp", b"uvp", b"statt", b"pvp",
    b"suggested", b"yuanjia",
)  # fmt: skip
_STRUCK_TAG = re.compile(rb"<(?:del|s|strike)[\s>/]")
_LATIN_LABELS = re.compile(rb"pr(?:ecio (?:recomendado|anterior)|ix (?:conseill|barr)|ezzo consig)")
#: Chinese and Japanese labels, encoded per page encoding (see :func:`_labels`).
_CJK_LABELS = (
    "原价",
    "原價",
    "市场价",
    "市場價",
    "定价",
    "定價",
    "参考价",
    "参考価格",
    "希望小売価格",
)
#: Next to an occurrence of "price": ``old-price``, ``listPrice``, ``price--before``...
_PRICE_BEFORE = re.compile(rb"(?:old|list|was|regular|original|market|retail|compare)[-_ ]{0,2}$")
_PRICE_AFTER = re.compile(rb"[-_ ]{0,2}(?:old|before|was)")
#: "was $12.99", "was: 12,99 €" (the word is common: only before a number or sign).
_WAS_NUMBER = re.compile(rb"\W{0,12}(?:\d|[$\x80-\xff])")


@functools.lru_cache(maxsize=16)
def _labels(encoding: str) -> re.Pattern[bytes]:
    """The CJK labels as one bytes regex in the page's own encoding (searched undecoded)."""
    encoded = {label.encode(encoding, "ignore") for label in _CJK_LABELS} - {b""}
    return re.compile(b"|".join(re.escape(e) for e in sorted(encoded)) or b"(?!)")


def _near_word(
    low: bytes, word: bytes, after: re.Pattern[bytes] | None, before: re.Pattern[bytes] | None
) -> bool:
    at = low.find(word)
    while at >= 0:
        end = at + len(word)
        if (before is not None and before.search(low, max(0, at - 12), at)) or (
            after is not None and after.match(low, end, end + 14)
        ):
            return True
        at = low.find(word, end)
    return False


def may_show_list_price(body: bytes | None, encoding: str = "utf-8") -> bool:
    """Whether the page's HTML has any sign of a list price (``True`` without the HTML).

    Searched as bytes, ASCII-lower-cased, without decoding: ~0.4 ms on a 50 KB page.
    """
    if body is None:
        return True
    try:
        labels = _labels(encoding or "utf-8")
    except LookupError:
        labels = _labels("utf-8")
    low = body.lower()
    return (
        _STRUCK_TAG.search(low) is not None
        or any(word in low for word in _LIST_PRICE_WORDS)
        or labels.search(body) is not None
        or _LATIN_LABELS.search(low) is not None
        or _near_word(low, b"price", _PRICE_AFTER, _PRICE_BEFORE)
        or _near_word(low, b"was", _WAS_NUMBER, None)
    )


def find_list_price(
    sel: Selector,
    price: Money,
    currency_hint: str | None = None,
    title: Any | None = None,
    page: PageIndex | None = None,
    region: str | None = None,
) -> Money | None:
    """The page's struck-through price for a price read from structured data, or ``None``.

    Looked for next to the title (structured data gives no element for its price).
    """
    if title is None:
        return None
    if page is None:
        page = index(near(sel.root, [title], MAX_DISTANCE))
    candidates = _candidates(page, currency_hint, title, region, struck_only=True)
    return _list_price(candidates, price, title)
