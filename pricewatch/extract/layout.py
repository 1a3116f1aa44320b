"""Where the product is on a page: its title element, and what lies far from it.

The heuristic price finder and the buy-box reader need the same two facts about a page: which
element is the product's title (the anchor everything else is measured from), and whether an
element sits in a part of the page that describes something else — navigation, header, footer,
recommendation carousels ("customers also bought", 猜你喜欢), recently viewed items, reviews,
comparison tables. Distances are counted in tree levels: how far up from the anchor the
smallest element holding both the anchor and the candidate is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from parsel import Selector

__all__ = ["PageIndex", "elsewhere", "index", "main_title", "near", "text_of", "tree_distance"]

# Class or id tokens of page parts about other things, or hidden now. Structural words must
# start a token ("header", "site-header", "nav-main"), so "product-header" and
# "pl-PageTitle-header" are not the page's header; decoy words match anywhere in a token.
# One regex over "class id", searched once per element.
_STRUCTURAL = (
    r"(?:^|\s)(?:site[-_]|global[-_]|main[-_]|top[-_])?(?:header|footer|nav|navbar|"
    r"navigation|menu|megamenu|breadcrumbs?|sidebar|topbar|masthead)(?:$|[-_\s])"
)
_DECOY = (
    r"related|recommend|similar|carousel|upsell|up-sell|crosssell|cross-sell|recently|"
    r"sponsor|also[-_]?(?:bought|viewed|like)|you[-_]?may|review|comparison|compare|"
    r"accessor|guess|cnxh|tuijian|caini|rvi[-_]|history|bestseller|top-?sellers|"
    r"bundle[-_]?(?:item|product)|other[-_]?(?:products|sellers|offers)|mini[-_]?cart|"
    r"cart[-_]?drawer|newsletter|cookie|banner"
)
# Hidden now (a variant's sold-out note, a placeholder): not what the shopper sees.
_HIDDEN_CLASS = r"(?:^|\s)(?:hidden|aok-hidden|d-none|is-hidden|hide|invisible)(?:$|\s)"
# Matched against lower-cased text: re.IGNORECASE makes these searches ~8x slower.
_ELSEWHERE_NAMES = re.compile(f"{_STRUCTURAL}|{_DECOY}|{_HIDDEN_CLASS}")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_OTHER_TAGS = frozenset({"nav", "aside", "select", "option", "noscript"})
# <header>/<footer> are the site's own unless they head a <main>, <article> or <section>
# (HTML5 section headers hold product titles: <article><header><h1>...).
_PAGE_PARTS = frozenset({"header", "footer"})
_SECTIONS = frozenset({"main", "article", "section"})
_TABLE_PARTS = frozenset({"tbody", "thead", "tfoot", "tr", "td", "th"})
_SKIP_TEXT = "ancestor::script or ancestor::style or ancestor::noscript"
_TITLES = etree.XPath("//h1 | //*[@id='productTitle']")
_ITEM_NAMES = etree.XPath("//*[@itemscope]//*[@itemprop='name']")
_VISIBLE_TEXT = etree.XPath(f".//text()[not({_SKIP_TEXT})]")
_UNSTRUCK_TEXT = etree.XPath(
    f".//text()[not({_SKIP_TEXT} or ancestor::del or ancestor::s or ancestor::strike)]"
)
_WORD = re.compile(r"\w+", re.U)


def elsewhere(node: Any, memo: dict[Any, bool] | None = None, *, site_parts: bool = True) -> bool:
    """Whether an lxml element is hidden or lies in a part of the page about other things.

    ``memo`` (one dict per page) remembers the answer for every element walked through, so
    candidates sharing ancestors are cheap. ``site_parts=False`` does not count the page's
    own ``<header>``/``<footer>`` (for finding the title, see :func:`main_title`).
    """
    memo = {} if memo is None else memo
    path: list[Any] = []
    answer = False
    element = node
    while element is not None:
        if element in memo:
            answer = memo[element]
            break
        path.append(element)
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("body", "html"):
            break
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if (
            tag in _OTHER_TAGS
            or (
                site_parts
                and tag in _PAGE_PARTS
                and not any(a.tag in _SECTIONS for a in element.iterancestors())
            )
            or element.get("hidden") is not None
            or (names != " " and _ELSEWHERE_NAMES.search(names.lower()))
            or _HIDDEN_STYLE.search((element.get("style") or "").lower())
        ):
            answer = True
            break
        element = element.getparent()
    for walked in path:
        memo[walked] = answer
    return answer


def text_of(node: Any, limit: int = 400, *, skip_struck: bool = False) -> str:
    """An lxml element's visible text, whitespace folded, at most ``limit`` characters.

    ``skip_struck`` leaves out struck-through parts (``<del>``, ``<s>``, ``<strike>``).
    """
    parts = (_UNSTRUCK_TEXT if skip_struck else _VISIBLE_TEXT)(node)
    text = " ".join(" ".join(str(p).split()) for p in parts if str(p).strip())
    return text[:limit]


def main_title(sel: Selector) -> Any | None:
    """The element holding the product's name: the ``<h1>`` closest to the page title.

    An ``<h1>`` inside a page-level ``<header>`` counts only when it names the page (shares at
    least half the page title's words): some shops put the product title block in one.
    """
    found = _TITLES(sel.root)[:12] or _ITEM_NAMES(sel.root)[:12]
    candidates = [node for node in found if not elsewhere(node, site_parts=False)]
    if not candidates:
        return None
    title = (
        sel.xpath("//meta[@property='og:title' or @name='og:title']/@content").get()
        or sel.xpath("//meta[@name='og:title']/@value").get()
        or sel.xpath("//title/text()").get()
        or ""
    )
    wanted = {w.lower() for w in _WORD.findall(title)}

    def overlap(node: Any) -> int:
        words = {w.lower() for w in _WORD.findall(text_of(node, 300))}
        return len(words & wanted)

    inside = [n for n in candidates if not elsewhere(n)]
    in_headers = [n for n in candidates if n not in inside and overlap(n) * 2 >= len(wanted) > 0]
    pool = inside + in_headers
    if not pool:
        return None
    best = max(pool, key=overlap)
    return best if overlap(best) else pool[0]


def tree_distance(node: Any, anchors: Sequence[Any]) -> int:
    """Levels up from the nearest anchor to the smallest element holding it and ``node``.

    0 when ``node`` is inside an anchor; a large number when there is no anchor. The parts of a
    table (``tbody``, ``tr``, ``td``) do not count as levels: old shops lay pages out in tables.
    """
    best = 99
    # A set of the elements themselves (not their ids): lxml reuses a live element's proxy,
    # while the id of a proxy already freed may be handed to another element.
    own = {node, *node.iterancestors()}
    for anchor in anchors:
        level = 0
        for element in (anchor, *anchor.iterancestors()):
            if element in own:
                best = min(best, level)
                break
            # A layout table is one step, not four (table > tbody > tr > td).
            level += element.tag not in _TABLE_PARTS
    return best


def near(root: Any, anchors: Sequence[Any], levels: int) -> list[Any]:
    """The elements to search for things within ``levels`` of an anchor (as :func:`tree_distance`
    counts), outermost only; ``[root]`` when there is no anchor.

    Searching these subtrees instead of the whole page is what keeps the buy box and the
    heuristic cheap on 3 MB pages.
    """
    if not anchors:
        return [root]
    tops: list[Any] = []
    for anchor in anchors:
        top, level = anchor, 0
        for element in anchor.iterancestors():
            level += top.tag not in _TABLE_PARTS
            if level > levels:
                break
            top = element
        tops.append(top)
    outer: list[Any] = []
    for top in tops:
        above = set(top.iterancestors())
        if top not in outer and not any(other in above for other in tops):
            outer.append(top)
    return outer


_NOT_CONTENT = frozenset({"script", "style", "noscript", "template", "meta", "link", "title"})
# Searched in lower-cased class and id (see _ELSEWHERE_NAMES).
_PRICE_NAMES = re.compile(r"price|jiage")
_STOCK_NAMES = re.compile(r"availab|stock|inventor|lager|kucun")
_LINK_BUTTON = re.compile(r"btn|button|cart|buy")
_ANY_NAME = re.compile(f"{_PRICE_NAMES.pattern}|{_STOCK_NAMES.pattern}|{_LINK_BUTTON.pattern}")
_INPUT_BUTTONS = frozenset({"submit", "image", "button"})
_CURRENCY_SIGN = re.compile(r"[¥￥$€£₩₹元円₽]|zł|Kč|руб|RMB")
_MAX_MONEY_TEXT = 80


@dataclass
class PageIndex:
    """The elements near the product that the heuristic and the buy box look at, in page order."""

    #: ``class``/``id`` mentions a price (``price``, ``jiage``), or ``data-price``/``itemprop``.
    prices: list[Any] = field(default_factory=list)
    #: ``class``/``id`` mentions stock (``availability``, ``stock``, ``inventory``, ``lager``).
    stock: list[Any] = field(default_factory=list)
    #: Buttons, submit/image inputs and links styled as buttons.
    controls: list[Any] = field(default_factory=list)
    #: Elements with a short text of their own holding a currency sign ("¥99", "1,320円").
    money_text: list[Any] = field(default_factory=list)


def index(scopes: Sequence[Any]) -> PageIndex:
    """One walk over ``scopes`` sorting elements into a :class:`PageIndex`.

    One walk in Python instead of an XPath per kind: libxml2 pays for every ``contains()`` on
    every element, and on a 3 MB page the XPath with all the spellings costs ~4x this walk.
    """
    found = PageIndex()
    for scope in scopes:
        for element in scope.iter(etree.Element):  # elements only: no comments, no PIs
            tag = element.tag
            if tag in _NOT_CONTENT:
                continue
            attrib = element.attrib
            classes, ident = attrib.get("class"), attrib.get("id")
            names = f"{classes or ''} {ident or ''}".lower() if classes or ident else ""
            named = bool(names) and _ANY_NAME.search(names) is not None
            if (named and _PRICE_NAMES.search(names)) or (
                "data-price" in attrib or attrib.get("itemprop") == "price"
            ):
                found.prices.append(element)
            if named and _STOCK_NAMES.search(names):
                found.stock.append(element)
            text = element.text
            if text and len(text) < _MAX_MONEY_TEXT and _CURRENCY_SIGN.search(text):
                found.money_text.append(element)
            tail = element.tail
            if tail and len(tail) < _MAX_MONEY_TEXT and not tail.isspace():
                owner = element.getparent()
                if (
                    owner is not None
                    and owner.tag not in _NOT_CONTENT
                    and _CURRENCY_SIGN.search(tail)
                ):
                    found.money_text.append(owner)
            if (
                tag == "button"
                or (tag == "input" and (attrib.get("type") or "").lower() in _INPUT_BUTTONS)
                or (
                    tag == "a"
                    and (attrib.get("role") == "button" or (named and _LINK_BUTTON.search(names)))
                )
            ):
                found.controls.append(element)
    return found
