"""One product page in, one :class:`Extraction` out: the extraction chain every spider uses.

Order (the first source that yields a positive price wins, later sources only fill gaps such
as a missing title or brand):

1. structured data: JSON-LD, microdata, RDFa, OpenGraph, loose ``itemprop`` meta
   (see :mod:`pricewatch.extract.structured`);
2. the shop's own CSS/XPath selectors;
3. the heuristic main-price finder (``confidence="low"``).

When a product has several offers (variants, sellers), the one the URL selects
(``?variant=``, ``?sku=``, a SKU appearing in the URL) is taken, otherwise the lowest price;
``offer_note`` says which.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from parsel import Selector

from pricewatch.extract import structured
from pricewatch.extract.availability import availability_from_text
from pricewatch.extract.heuristic import find_main_price
from pricewatch.extract.structured import Offer, ProductData
from pricewatch.money import normalize_currency, parse_price
from pricewatch.records import Availability

#: Fields a shop may give selectors for.
SELECTOR_FIELDS = frozenset(
    {"title", "price", "list_price", "currency", "availability", "sku", "gtin", "brand", "image"}
)
_VARIANT_PARAMS = ("variant", "sku", "skuid", "sku_id", "variant_id", "vid")


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
    sku: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    brand: str | None = None
    image: str | None = None
    extracted_by: str | None = None
    confidence: str = "high"
    offer_note: str | None = None
    offers_count: int = 0
    error: str | None = None

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


def _choose_offer(offers: list[Offer], url: str) -> tuple[Offer, str | None]:
    """The offer the URL selects, else the lowest priced one."""
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
    path = parts.path
    for offer in offers:
        if offer.sku and len(offer.sku) >= 3 and offer.sku in path:
            return offer, f"SKU {offer.sku} selected by URL"
    lowest = min(offers, key=lambda o: o.price or Decimal(0))
    label = lowest.sku or lowest.name or "unnamed offer"
    return lowest, f"lowest of {len(offers)} offers ({label})"


def _main_product(products: list[ProductData], url: str) -> ProductData | None:
    """A page may describe related products too: prefer the one naming this URL."""
    priced = [p for p in products if p.priced_offers]
    if not priced:
        return None
    path = urlsplit(url).path.rstrip("/")
    for product in priced:
        if product.url and path and urlsplit(product.url).path.rstrip("/") == path:
            return product
    return priced[0]


def _fill_from(target: Extraction, product: ProductData) -> None:
    target.title = target.title or product.name
    target.sku = target.sku or product.sku
    target.gtin = target.gtin or product.gtin
    target.mpn = target.mpn or product.mpn
    target.brand = target.brand or product.brand
    target.image = target.image or product.image


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
    hint = normalize_currency(currency) if currency else None
    result = Extraction(url=url)
    seen: list[ProductData] = []
    readers = (
        lambda: structured.from_jsonld(sel, hint),
        lambda: structured.from_microdata(sel, url, hint),
        lambda: structured.from_rdfa(sel, body, encoding, url, hint) if body else [],
        lambda: structured.from_opengraph(sel, hint),
        lambda: structured.from_itemprop_meta(sel, hint),
    )
    for read in readers:
        products = read()
        seen.extend(products)
        product = _main_product(products, url)
        if product is None:
            continue
        offer, note = _choose_offer(product.priced_offers, url)
        result.price, result.list_price = offer.price, offer.list_price
        result.currency = offer.currency or hint
        result.availability = offer.availability
        result.extracted_by, result.offer_note = product.source, note
        result.offers_count = len(product.priced_offers)
        # A chosen variant's own name ("12GB+256GB 白色") qualifies the product's name.
        if note and offer.name and product.name and offer.name not in product.name:
            result.title = f"{product.name} {offer.name}"
        result.sku, result.gtin = offer.sku, offer.gtin
        _fill_from(result, product)
        break
    for product in seen:  # other sources may still know the title, brand, image...
        _fill_from(result, product)

    if selectors:
        _apply_selectors(result, sel, selectors, hint)

    if result.price is None and heuristic:
        found = find_main_price(sel, hint)
        if found is not None:
            result.price, result.currency = found.price.amount, found.price.currency or hint
            result.list_price = found.list_price.amount if found.list_price else None
            result.extracted_by, result.confidence = "heuristic", "low"
            result.offer_note = found.detail
            result.offers_count = 1
            if result.availability == "unknown":
                result.availability = availability_from_text(found.context)

    if result.title is None:
        result.title = select_text(sel, "h1") or select_text(sel, "title")
    if result.price is None:
        result.error = "no price found on the page"
    elif result.currency is None:
        result.error = "price has no currency (the page does not say; set the shop's currency)"
    return result


def _apply_selectors(
    result: Extraction, sel: Selector, selectors: Mapping[str, str], hint: str | None
) -> None:
    """Shop selectors fill what structured data left empty (and provide the price if none)."""
    values = {name: select_text(sel, query) for name, query in selectors.items()}
    if result.price is None and values.get("price"):
        currency = normalize_currency(values.get("currency")) or hint
        money = parse_price(values["price"], currency)
        if money is not None:
            result.price, result.currency = money.amount, money.currency or currency
            result.extracted_by, result.offers_count = "selectors", 1
            if values.get("list_price"):
                old = parse_price(values["list_price"], result.currency)
                result.list_price = old.amount if old else None
    if result.availability == "unknown" and values.get("availability"):
        result.availability = availability_from_text(values["availability"])
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
