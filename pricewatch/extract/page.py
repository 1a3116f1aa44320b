"""One product page in, one :class:`Extraction` out: the extraction chain every spider uses.

Order (the first source that yields a positive price wins, later sources only fill gaps such
as a missing title or brand):

1. structured data: JSON-LD, microdata, RDFa, OpenGraph, loose ``itemprop`` meta
   (see :mod:`pricewatch.extract.structured`);
2. the shop's own CSS/XPath selectors;
3. the heuristic main-price finder (``confidence="low"``).

Which product and offer win when structured data lists several: :mod:`.offers`
(``offer_note`` says which). Availability, when the winning source does not state it, comes
from ``og:availability``-style meta, then the shop's selectors, then the buy box
(:mod:`.buybox`: stock blocks, buy buttons, wording near the price), then the page's embedded
JSON state (:mod:`.state`); ``availability_by`` and ``availability_confidence`` say which.
A result without a price has no ``confidence``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from parsel import Selector

from pricewatch.extract import meta, structured
from pricewatch.extract.availability import availability_from_text, normalize_availability
from pricewatch.extract.blocked import blocked_by
from pricewatch.extract.buybox import page_availability
from pricewatch.extract.heuristic import (
    MAX_DISTANCE,
    find_list_price,
    find_main_price,
    may_show_list_price,
)
from pricewatch.extract.layout import PageIndex, index, main_title, near, text_of
from pricewatch.extract.offers import choose_offer, main_product, sale_price_elsewhere, sellers
from pricewatch.extract.state import state_availability
from pricewatch.extract.structured import ProductData
from pricewatch.money import Money, normalize_currency, parse_price, region_currency
from pricewatch.records import Availability

# How much text around the title is read for stock wording when there is no price element.
_TITLE_CONTEXT = 300

#: Fields a shop may give selectors for.
SELECTOR_FIELDS = frozenset(
    {"title", "price", "list_price", "currency", "availability", "sku", "gtin", "brand", "image"}
)


@dataclass
class Extraction:
    """What pricewatch sees on one page.

    ``error`` is set exactly when the page gives nothing storable: no positive price, or a price
    without a currency (``price`` then still holds the amount that was read). The validate
    pipeline records such pages as failures; nothing else decides.
    """

    url: str
    title: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    list_price: Decimal | None = None
    availability: Availability = "unknown"
    #: Where the availability was read: a structured-data source, "selectors", "stock block",
    #: "buy button", "disabled buy button", "notify-me control", "wording near the price".
    availability_by: str | None = None
    #: "high" (structured data, shop selectors), "medium" (stock block, buy control), "low".
    availability_confidence: str | None = None
    sku: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    brand: str | None = None
    image: str | None = None
    extracted_by: str | None = None
    #: "high" from structured data or selectors, "low" from the heuristic, None without a price.
    confidence: str | None = "high"
    offer_note: str | None = None
    offers_count: int = 0
    error: str | None = None
    #: Set (with ``error``) when the page has no price because it is an anti-bot interstitial:
    #: what answered, e.g. "a Cloudflare challenge" (:mod:`pricewatch.extract.blocked`).
    blocked: str | None = None

    def as_json(self) -> dict[str, Any]:
        """JSON-ready dict: decimals as strings (never floats)."""
        data = asdict(self)
        for key in ("price", "list_price"):
            if data[key] is not None:
                data[key] = str(data[key])
        return data


def select_text(sel: Selector, query: str) -> str | None:
    """Run a CSS or XPath query (XPath when it starts with ``/`` or ``(``), join its text."""
    is_xpath = query.startswith(("/", "("))
    nodes = sel.xpath(query) if is_xpath else sel.css(query)
    if not nodes:
        return None
    first = nodes[0]
    if isinstance(first.root, str):  # ::text, ::attr(), /@attr, /text()
        parts = [n.get() for n in nodes] if query.endswith(("text()", "::text")) else [first.get()]
    else:
        parts = first.xpath(".//text()[not(ancestor::script or ancestor::style)]").getall()
    text = " ".join(" ".join(p.split()) for p in parts if p and p.strip())
    return text or None


def _fill_from(target: Extraction, product: ProductData) -> None:
    target.title = target.title or product.name
    target.sku = target.sku or product.sku
    target.gtin = target.gtin or product.gtin
    target.mpn = target.mpn or product.mpn
    target.brand = target.brand or product.brand
    target.image = target.image or product.image


@dataclass
class _Reading:
    """What every step of reading one page shares: the page, the hints, the title element,
    and the index of elements near the title (built once, only for pages that need it)."""

    sel: Selector
    url: str
    hint: str | None
    #: The currency of the page's country, for shared signs ($, ¥, 元, kr).
    region: str | None
    title: Any | None
    title_text: str | None
    _index: PageIndex | None = None

    @property
    def anchors(self) -> list[Any]:
        return [self.title] if self.title is not None else []

    def index(self) -> PageIndex:
        if self._index is None:
            self._index = index(near(self.sel.root, self.anchors, MAX_DISTANCE))
        return self._index


def extract_product(
    sel: Selector,
    url: str,
    *,
    body: bytes | None = None,
    encoding: str = "utf-8",
    selectors: Mapping[str, str] | None = None,
    currency: str | None = None,
    heuristic: bool = True,
) -> Extraction:
    """Run the extraction chain over one parsed page.

    ``currency`` is the shop's currency, used when the page does not say (and to read ``¥`` as
    JPY for a Japanese shop). ``body``/``encoding`` are needed only for RDFa.
    """
    title = main_title(sel)
    reading = _Reading(
        sel=sel,
        url=url,
        hint=normalize_currency(currency) if currency else None,
        region=region_currency(url, sel.xpath("/html/@lang").get()),
        title=title,
        title_text=text_of(title, 300) if title is not None else None,
    )
    result = Extraction(url=url)
    _read_structured(result, reading, body, encoding)
    if selectors:
        _apply_selectors(result, sel, selectors, reading.hint, reading.region)
    price_node, price_context = None, ""
    if result.price is None and heuristic:
        price_node, price_context = _read_heuristic(result, reading)
    elif (
        result.price is not None
        and result.list_price is None
        and may_show_list_price(body, encoding)
    ):
        struck = find_list_price(
            sel,
            Money(result.price, result.currency),
            reading.hint,
            title,
            reading.index(),
            reading.region,
        )
        result.list_price = struck.amount if struck else None
    if result.availability == "unknown":
        _read_page_availability(result, reading, price_node, price_context)

    if result.title is None:
        result.title = reading.title_text or select_text(sel, "h1") or select_text(sel, "title")
    if result.price is None:
        result.confidence = None
        result.blocked = blocked_by(sel, body)
        if result.blocked:
            result.error = f"blocked: {result.blocked} answered instead of the product page"
            # Nothing on an interstitial is about the product.
            result.title = None
            result.availability, result.availability_by = "unknown", None
            result.availability_confidence = None
        else:
            result.error = "no price found on the page"
    elif result.currency is None:
        result.error = "price has no currency (the page does not say; set the shop's currency)"
    return result


def _read_structured(
    result: Extraction, reading: _Reading, body: bytes | None, encoding: str
) -> None:
    """Structured data, cheapest source first; the first with a priced product wins."""
    sel, url, hint = reading.sel, reading.url, reading.hint
    opengraph = meta.from_opengraph(sel, hint)
    seen: list[ProductData] = []
    readers = (
        lambda: structured.from_jsonld(sel, hint),
        lambda: structured.from_microdata(sel, url, hint),
        lambda: structured.from_rdfa(sel, body, encoding, url, hint) if body else [],
        lambda: opengraph,
        lambda: meta.from_itemprop_meta(sel, hint),
    )
    for read in readers:
        products = read()
        seen.extend(products)
        product = main_product(products, url, reading.title_text)
        if product is not None:
            shown = None
            if sellers(product.priced_offers) >= 2:  # a marketplace: which offer is featured?
                featured = find_main_price(
                    sel, hint, reading.title, reading.index(), reading.region
                )
                shown = featured.price.amount if featured else None
            _take_product(result, product, url, opengraph, shown)
            break
    for product in seen:  # other sources may still know the title, brand, image...
        _fill_from(result, product)
    if result.availability == "unknown":
        _set_availability(result, _unpriced_availability(seen), "structured data", "high")
    if result.availability == "unknown":
        _set_availability(result, meta.meta_availability(sel), "meta", "high")


def _read_heuristic(result: Extraction, reading: _Reading) -> tuple[Any | None, str]:
    """The heuristic main price; returns its element and the text around it."""
    found = find_main_price(
        reading.sel, reading.hint, reading.title, reading.index(), reading.region
    )
    if found is None:
        return None, ""
    result.price, result.currency = found.price.amount, found.price.currency or reading.hint
    result.list_price = found.list_price.amount if found.list_price else None
    result.extracted_by, result.confidence = "heuristic", "low"
    result.offer_note = found.detail
    result.offers_count = 1
    return found.node, found.context


def _read_page_availability(
    result: Extraction, reading: _Reading, price_node: Any | None, price_context: str
) -> None:
    """The buy box, then the embedded JSON state, when structured data did not say."""
    anchors = [n for n in (reading.title, price_node) if n is not None]
    wording = price_context or _title_context(reading.title)
    in_box = page_availability(reading.sel, anchors, wording, reading.index())
    if in_box is not None:
        result.availability = in_box.availability
        result.availability_by = in_box.evidence
        result.availability_confidence = in_box.confidence
        return
    in_state = state_availability(reading.sel, reading.title_text or result.title, result.sku)
    _set_availability(result, in_state, "embedded JSON state", "low")


def _take_product(
    result: Extraction,
    product: ProductData,
    url: str,
    opengraph: list[ProductData],
    shown: Decimal | None = None,
) -> None:
    """Fill ``result`` from the page's own product and its chosen offer."""
    offer, note = choose_offer(product.priced_offers, url, shown)
    price, list_price = offer.price, offer.list_price
    sale = sale_price_elsewhere(offer, opengraph) if product.source != "opengraph" else None
    if sale is not None:
        price, list_price = sale.price, offer.price
        note = f"sale price from OpenGraph ({product.source} gives the standard price)"
    result.price, result.list_price = price, list_price
    result.currency = offer.currency or (sale.currency if sale else None)
    _set_availability(result, offer.availability, product.source, "high")
    result.extracted_by, result.offer_note = product.source, note
    result.offers_count = len(product.priced_offers)
    # A chosen variant's own name ("12GB+256GB 白色") qualifies the product's name.
    if note and offer.name and product.name and offer.name not in product.name:
        result.title = f"{product.name} {offer.name}"
    result.sku, result.gtin = offer.sku, offer.gtin
    _fill_from(result, product)


def _title_context(title: Any | None) -> str:
    """The text right around the title (its parent), where "No longer available" is written
    on pages that show no price."""
    if title is None or title.getparent() is None:
        return ""
    return text_of(title.getparent(), _TITLE_CONTEXT)


def _unpriced_availability(products: list[ProductData]) -> str | None:
    """What the page's own product says about stock when it has no price ("sold out", "{}")."""
    own = [p for p in products if p.rank == 0 and not p.priced_offers]
    for product in own[:1]:
        for offer in product.offers:
            if offer.availability != "unknown":
                return offer.availability
    return None


def _set_availability(result: Extraction, value: object, source: str, confidence: str) -> None:
    """Record a known availability and its source; ``unknown`` and ``None`` change nothing."""
    if value is None:
        return
    state = normalize_availability(value)  # also takes our own "in_stock" spelling
    if state != "unknown":
        result.availability = state
        result.availability_by, result.availability_confidence = source, confidence


def _apply_selectors(
    result: Extraction,
    sel: Selector,
    selectors: Mapping[str, str],
    hint: str | None,
    region: str | None,
) -> None:
    """Shop selectors fill what structured data left empty (and provide the price if none)."""
    values = {name: select_text(sel, query) for name, query in selectors.items()}
    if result.price is None and values.get("price"):
        currency = normalize_currency(values.get("currency"), hint=hint) or hint
        money = parse_price(values["price"], currency, region=region)
        if money is not None:
            result.price, result.currency = money.amount, money.currency or currency
            result.extracted_by, result.offers_count = "selectors", 1
            if values.get("list_price"):
                old = parse_price(values["list_price"], result.currency, region=region)
                result.list_price = old.amount if old else None
    if result.availability == "unknown" and values.get("availability"):
        _set_availability(
            result, availability_from_text(values["availability"]), "selectors", "high"
        )
    result.title = result.title or values.get("title")
    result.sku = result.sku or _strip_label(values.get("sku"))
    result.gtin = result.gtin or _strip_label(values.get("gtin"))
    result.brand = result.brand or values.get("brand")
    result.image = result.image or values.get("image")


def _strip_label(value: str | None) -> str | None:
    """``商品编号：LT-1001`` / ``SKU: 123`` -> the code after the label."""
    if value is None:
        return None
    for sep in ("：", ":"):
        if sep in value:
            value = value.split(sep, 1)[1]
    return value.strip() or None
