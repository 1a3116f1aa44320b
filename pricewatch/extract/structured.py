"""Product data from a page's structured markup.

Sources, cheapest first, each turned into the same :class:`ProductData` shape:

- JSON-LD (schema.org ``Product``/``ProductGroup``/``Offer``/``AggregateOffer``, with
  ``@graph``, lists, ``priceSpecification``, ``lowPrice``), read tolerantly;
- microdata (``itemscope``/``itemprop``) through extruct, only when the page has ``itemscope``;
- RDFa through extruct, only when the page has ``typeof`` attributes (extruct's RDFa parser costs
  ~20x the other syntaxes, so it is never run on a page that cannot contain it);
- OpenGraph and loose ``itemprop`` meta tags are read by :mod:`pricewatch.extract.meta`.

Everything works on the one parsed tree of the response (``parsel.Selector``), except RDFa,
which needs extruct's own DOM.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from parsel import Selector

from pricewatch.extract.availability import normalize_availability
from pricewatch.extract.jsonld import loads_tolerant
from pricewatch.money import normalize_currency, parse_amount, parse_price
from pricewatch.records import Availability

PRODUCT_TYPES = frozenset(
    {"Product", "ProductGroup", "IndividualProduct", "ProductModel", "SomeProducts", "Vehicle"}
)
OFFER_TYPES = frozenset({"Offer", "AggregateOffer"})
LIST_PRICE_TYPES = frozenset({"ListPrice", "StrikethroughPrice", "MSRP", "SRP", "InvoicePrice"})
GTIN_KEYS = ("gtin13", "gtin", "gtin12", "gtin14", "gtin8", "isbn")


@dataclass
class Offer:
    """One purchasable offer (a variant, a seller, a price tier)."""

    price: Decimal | None = None
    currency: str | None = None
    list_price: Decimal | None = None
    availability: Availability = "unknown"
    sku: str | None = None
    gtin: str | None = None
    url: str | None = None
    name: str | None = None
    #: The seller's name on marketplaces (``offers[].seller``).
    seller: str | None = None


@dataclass
class ProductData:
    """What one structured-data source says about the page's product."""

    source: str
    name: str | None = None
    sku: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    brand: str | None = None
    image: str | None = None
    url: str | None = None
    offers: list[Offer] = field(default_factory=list)
    #: How likely this is the page's own product: 0 a product, 1 a loose offer (no product
    #: around it), 2 an item of a list (``ItemList`` of accessories, related products).
    rank: int = 0

    @property
    def priced_offers(self) -> list[Offer]:
        return [o for o in self.offers if o.price is not None]


# ---------------------------------------------------------------------------- value helpers


def local_name(value: str) -> str:
    """``http://schema.org/InStock`` / ``schema:Product`` / ``Product`` -> the bare name."""
    value = value.strip()
    for sep in ("/", "#", ":"):
        if sep in value:
            value = value.rsplit(sep, 1)[-1]
    return value


# Shops write "@type": "product" or "OFFER"; schema.org names are compared without case.
_CANONICAL_TYPES = {
    name.lower(): name for name in (*PRODUCT_TYPES, *OFFER_TYPES, "ItemList", "ListItem")
}


def _types(node: Mapping[str, Any]) -> set[str]:
    raw = node.get("@type", node.get("type"))
    if raw is None:
        return set()
    values = raw if isinstance(raw, list) else [raw]
    names = (local_name(v) for v in values if isinstance(v, str))
    return {_CANONICAL_TYPES.get(n.lower(), n) for n in names}


def _first(value: Any) -> Any:
    while isinstance(value, list):
        if not value:
            return None
        value = value[0]
    return value


def _text(value: Any) -> str | None:
    """A plain string from a schema.org value (string, number, ``{"name": ...}``, list)."""
    value = _first(value)
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("@value") or value.get("value")
        value = _first(value)
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def _image(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, Mapping):
        value = _first(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return value.strip() or None if isinstance(value, str) else None


def _amount(value: Any, currency_hint: str | None) -> tuple[Decimal | None, str | None]:
    """A price value, which shops write as a number, ``"1299.00"`` or even ``"¥1,299"``."""
    value = _first(value)
    if isinstance(value, Mapping):
        value = _first(value.get("@value"))
    amount = parse_amount(value)
    if amount is not None:
        return (amount if amount > 0 else None), None
    if isinstance(value, str):
        money = parse_price(value, currency_hint)
        if money is not None:
            return money.amount, money.currency
    return None, None


def _gtin(node: Mapping[str, Any]) -> str | None:
    for key in GTIN_KEYS:
        text = _text(node.get(key))
        if text:
            return text
    return None


# ---------------------------------------------------------------------------- schema.org walk


def _offers_from(node: Any, currency_hint: str | None, depth: int = 0) -> Iterator[Offer]:
    """Flatten ``offers`` (Offer, [Offer], AggregateOffer with or without inner offers)."""
    if depth > 4:
        return
    if isinstance(node, list):
        for child in node:
            yield from _offers_from(child, currency_hint, depth + 1)
        return
    if not isinstance(node, Mapping):
        return
    inner = node.get("offers")
    if inner and "AggregateOffer" in _types(node):
        inner_offers = list(_offers_from(inner, currency_hint, depth + 1))
        if any(o.price is not None for o in inner_offers):
            yield from inner_offers
            return
    currency = (
        normalize_currency(_text(node.get("priceCurrency")), hint=currency_hint) or currency_hint
    )
    price, text_currency = _amount(node.get("price"), currency)
    if price is None and node.get("lowPrice") is not None:
        price, text_currency = _amount(node.get("lowPrice"), currency)
    list_price = None
    specs = node.get("priceSpecification")
    for spec in specs if isinstance(specs, list) else [specs]:
        if not isinstance(spec, Mapping):
            continue
        spec_currency = (
            normalize_currency(_text(spec.get("priceCurrency")), hint=currency_hint) or currency
        )
        spec_price, _ = _amount(spec.get("price"), spec_currency)
        if spec_price is None:
            continue
        price_type = local_name(_text(spec.get("priceType")) or "")
        if price_type in LIST_PRICE_TYPES:
            list_price = spec_price
        elif price is None:
            price, currency = spec_price, spec_currency
    yield Offer(
        price=price,
        currency=currency or text_currency,
        list_price=list_price,
        availability=normalize_availability(_text(node.get("availability"))),
        sku=_text(node.get("sku")),
        gtin=_gtin(node),
        url=_text(node.get("url")),
        name=_text(node.get("name")),
        seller=_text(node.get("seller")),
    )


def _product_from(node: Mapping[str, Any], source: str, currency_hint: str | None) -> ProductData:
    product = ProductData(
        source=source,
        name=_text(node.get("name")),
        sku=_text(node.get("sku")) or _text(node.get("productID")),
        gtin=_gtin(node),
        mpn=_text(node.get("mpn")),
        brand=_text(node.get("brand")) or _text(node.get("manufacturer")),
        image=_image(node.get("image")),
        url=_text(node.get("url")) or _text(node.get("@id")),
    )
    product.offers.extend(_offers_from(node.get("offers"), currency_hint))
    # A ProductGroup (or a Product listing its variants) carries offers on each variant.
    variants = node.get("hasVariant") or node.get("model")
    for variant in variants if isinstance(variants, list) else [variants]:
        if not isinstance(variant, Mapping):
            continue
        for offer in _offers_from(variant.get("offers"), currency_hint):
            offer.sku = offer.sku or _text(variant.get("sku"))
            offer.gtin = offer.gtin or _gtin(variant)
            offer.name = offer.name or _text(variant.get("name"))
            offer.url = offer.url or _text(variant.get("url"))
            product.offers.append(offer)
    return product


def products_in(
    values: list[Any], source: str, currency_hint: str | None = None
) -> list[ProductData]:
    """Every schema.org product in decoded JSON-LD-like data (``@graph``, lists, nesting)."""
    found: list[ProductData] = []
    seen: set[int] = set()

    def walk(node: Any, depth: int, listed: bool) -> None:
        if depth > 12 or id(node) in seen:
            return
        if isinstance(node, list):
            for child in node:
                walk(child, depth + 1, listed)
            return
        if not isinstance(node, Mapping):
            return
        seen.add(id(node))
        types = _types(node)
        if types & PRODUCT_TYPES:
            product = _product_from(node, source, currency_hint)
            product.rank = 2 if listed else 0
            found.append(product)
            return  # variants and offers are read by _product_from
        if types & OFFER_TYPES:
            offered = node.get("itemOffered")
            if isinstance(offered, Mapping):
                # An Offer wrapping its product (seen on some marketplaces).
                product = _product_from(offered, source, currency_hint)
            else:
                # An Offer on its own (microdata shops that mark up only the buy box).
                product = ProductData(source=source, name=_text(node.get("name")), rank=1)
            product.offers.extend(_offers_from(node, currency_hint))
            product.rank = 2 if listed else product.rank
            found.append(product)
            return
        listed = listed or "ItemList" in types
        for key, child in node.items():
            if key in ("@context",):
                continue
            walk(child, depth + 1, listed or key == "itemListElement")

    walk(values, 0, False)
    return found


# ---------------------------------------------------------------------------- per-syntax readers


def from_jsonld(sel: Selector, currency_hint: str | None = None) -> list[ProductData]:
    values: list[Any] = []
    for script in sel.xpath(
        '//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]/text()'
    ).getall():
        values.extend(loads_tolerant(script))
    return products_in(values, "json-ld", currency_hint) if values else []


def from_microdata(sel: Selector, base_url: str, currency_hint: str | None = None) -> list[Any]:
    if not sel.xpath("//*[@itemscope][1]"):
        return []
    from extruct.uniform import _umicrodata_microformat
    from extruct.w3cmicrodata import LxmlMicrodataExtractor

    items = LxmlMicrodataExtractor().extract_items(sel.root, base_url)
    return products_in(
        _umicrodata_microformat(items, "http://schema.org"), "microdata", currency_hint
    )


def _rdfa_nested(nodes: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Expanded RDFa JSON-LD (flat nodes with IRIs) -> nested dicts with local names."""
    by_id = {n.get("@id"): n for n in nodes if isinstance(n, Mapping)}
    referenced: set[str] = set()

    def convert(node: Mapping[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if "@type" in node:
            out["@type"] = [local_name(t) for t in node["@type"]]
        for key, raw in node.items():
            if key.startswith("@"):
                continue
            vals = []
            for v in raw if isinstance(raw, list) else [raw]:
                if isinstance(v, Mapping) and "@value" in v:
                    vals.append(v["@value"])
                elif isinstance(v, Mapping) and "@id" in v:
                    ref = v["@id"]
                    referenced.add(ref)
                    target = by_id.get(ref)
                    if target is not None and depth < 6:
                        vals.append(convert(target, depth + 1))
                    else:
                        vals.append(ref)
            out[local_name(key)] = vals[0] if len(vals) == 1 else vals
        return out

    converted = [(n.get("@id"), convert(n, 0)) for n in nodes if isinstance(n, Mapping)]
    return [c for node_id, c in converted if node_id not in referenced]


def from_rdfa(
    sel: Selector, body: bytes, encoding: str, base_url: str, currency_hint: str | None = None
) -> list[ProductData]:
    if not sel.xpath("//*[@typeof][1]"):
        return []
    from extruct.rdfa import RDFaExtractor
    from extruct.utils import parse_xmldom_html

    try:
        nodes = RDFaExtractor().extract_items(parse_xmldom_html(body, encoding), base_url)
    except Exception:  # extruct/pyRdfa raise many kinds on odd markup; RDFa is optional
        return []
    return products_in(_rdfa_nested(nodes), "rdfa", currency_hint)
