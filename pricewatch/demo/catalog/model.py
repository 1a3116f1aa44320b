"""The data types of the demo catalogue: :class:`Variant`, :class:`Product`, :class:`ShopInfo`.

Also the small helpers the shop catalogues and :mod:`pricewatch.demo.catalog` share: the
rounds (:data:`ROUNDS`, :func:`check_round`), EAN-13 check digits (:func:`gtin13`) and price
normalisation (:func:`money`). Prices are written as strings with two decimals and converted
to :class:`~decimal.Decimal` only where arithmetic or formatting needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

Availability = Literal["in_stock", "out_of_stock", "preorder"]
PriceStyle = Literal["plain", "range", "from"]

ROUNDS: tuple[int, ...] = (1, 2)
CURRENCY = "CNY"


def gtin13(body: str) -> str:
    """Append the EAN-13 check digit to 12 digits (so demo GTINs validate like real ones)."""
    assert len(body) == 12 and body.isdigit(), body
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def check_round(round_: int) -> None:
    """ValueError unless ``round_`` is one of :data:`ROUNDS`."""
    if round_ not in ROUNDS:
        raise ValueError(f"demo round must be one of {ROUNDS}, not {round_!r}")


def money(value: str | None) -> str | None:
    """Normalise a price string to two decimals ("59" -> "59.00"); None passes through."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


@dataclass(frozen=True)
class Variant:
    """One purchasable option of a multi-variant product (demo_hongxing only)."""

    sku: str
    name: str
    price: str
    availability: Availability = "in_stock"
    list_price: str | None = None
    gtin: str | None = None


@dataclass(frozen=True)
class Product:
    """One catalog entry; ``key`` is the URL component (handle, SKU or numeric id)."""

    key: str
    sku: str
    title: str
    price: str
    list_price: str | None = None
    availability: Availability = "in_stock"
    brand: str | None = None
    gtin: str | None = None
    #: demo_lantian only: how the price is printed ("range" shows price - price_max,
    #: "from" shows "￥59起"); the extracted price is always the lowest one.
    price_style: PriceStyle = "plain"
    price_max: str | None = None
    #: demo_hongxing only: offers in the order the page lists them (cheapest first, so
    #: "first offer" and "lowest offer" pick the same one).
    variants: tuple[Variant, ...] = ()
    #: demo_hongxing only: wrap the JSON-LD in a single ``@graph`` block.
    graph: bool = False
    #: Field overrides applied in round 2; ``{"gone": True}`` removes the product (404).
    round2: dict[str, Any] = field(default_factory=dict)

    def in_round(self, round_: int) -> Product | None:
        """This product as it looks in ``round_``, or None when it does not exist then."""
        check_round(round_)
        if round_ == 1 or not self.round2:
            return self
        changes = dict(self.round2)
        if changes.pop("gone", False):
            return None
        return replace(self, **changes)


@dataclass(frozen=True)
class ShopInfo:
    """Static facts about one demo shop."""

    slug: str
    name: str
    products: tuple[Product, ...]

    def products_in_round(self, round_: int) -> list[Product]:
        """The products that exist in ``round_``, in listing order."""
        return [p for p in (q.in_round(round_) for q in self.products) if p is not None]

    def product(self, key: str, round_: int) -> Product | None:
        """Look a product up by its URL key; None when unknown or gone in ``round_``."""
        for p in self.products:
            if p.key == key:
                return p.in_round(round_)
        return None
