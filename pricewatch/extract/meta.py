"""Product data from a page's meta tags: OpenGraph ``product:price:*`` / ``og:price:*``,
``product:availability`` / ``og:availability``, and loose ``itemprop`` tags outside any
``itemscope``. Read with XPath on the page's one parsed tree; no settings.
"""

from __future__ import annotations

from parsel import Selector

from pricewatch.extract.availability import normalize_availability
from pricewatch.extract.structured import Offer, ProductData, _amount
from pricewatch.money import normalize_currency


def _meta(sel: Selector, *names: str) -> str | None:
    for name in names:
        value = sel.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content').get()
        if value and value.strip():
            return value.strip()
    return None


def from_opengraph(sel: Selector, currency_hint: str | None = None) -> list[ProductData]:
    amount_text = _meta(sel, "product:price:amount", "og:price:amount", "product:sale_price:amount")
    if amount_text is None:
        return []
    sign = _meta(sel, "product:price:currency", "og:price:currency", "product:sale_price:currency")
    currency = normalize_currency(sign, hint=currency_hint) or currency_hint
    price, text_currency = _amount(amount_text, currency)
    list_price, _ = _amount(
        _meta(sel, "product:original_price:amount", "og:price:standard_amount"), currency
    )
    availability = meta_availability(sel)
    offer = Offer(
        price=price,
        currency=currency or text_currency,
        list_price=list_price,
        availability=normalize_availability(availability),
        sku=_meta(sel, "product:retailer_item_id", "product:sku"),
    )
    return [
        ProductData(
            source="opengraph",
            name=_meta(sel, "og:title"),
            sku=offer.sku,
            gtin=_meta(sel, "product:gtin", "product:ean", "product:upc"),
            brand=_meta(sel, "product:brand", "og:brand"),
            image=_meta(sel, "og:image", "og:image:url"),
            url=_meta(sel, "og:url"),
            offers=[offer],
        )
    ]


def meta_availability(sel: Selector) -> str | None:
    """``product:availability`` / ``og:availability`` meta, which pages set without a price."""
    return _meta(sel, "product:availability", "og:availability")


def from_itemprop_meta(sel: Selector, currency_hint: str | None = None) -> list[ProductData]:
    """Loose ``itemprop`` tags outside any ``itemscope`` (microdata readers skip those)."""
    nodes = sel.xpath('//*[@itemprop="price"][not(ancestor::*[@itemscope])]')
    if not nodes:
        return []
    node = nodes[0]
    raw = node.attrib.get("content") or " ".join(node.xpath(".//text()").getall())
    sign = sel.xpath('//*[@itemprop="priceCurrency"][not(ancestor::*[@itemscope])]/@content').get()
    currency = normalize_currency(sign, hint=currency_hint) or currency_hint
    price, text_currency = _amount(raw, currency)
    availability = sel.xpath(
        '//*[@itemprop="availability"][not(ancestor::*[@itemscope])]'
        "/@href | //*[@itemprop='availability'][not(ancestor::*[@itemscope])]/@content"
    ).get()
    return [
        ProductData(
            source="meta",
            name=sel.xpath('//*[@itemprop="name"][not(ancestor::*[@itemscope])]//text()').get(),
            offers=[
                Offer(
                    price=price,
                    currency=currency or text_currency,
                    availability=normalize_availability(availability),
                )
            ],
        )
    ]
