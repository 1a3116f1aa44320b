"""Client records: what the storage layer takes for clients, catalogues and matches.

Like :mod:`pricewatch.records`, a record that exists is valid: the services in
:mod:`pricewatch.clients` validate user input (with row numbers and friendly messages) and
build these; the constructors re-check only what storage relies on (ISO codes, positive
``Decimal`` money, known methods and statuses), so a bug fails where the bad value is made.
This module imports only :mod:`pricewatch.money`, so the store may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from pricewatch.money import ISO_CURRENCIES

# The product_match CHECK constraints' values (pricewatch.db.models.clients; a test keeps
# them equal). Not imported from there: importing pricewatch.db loads the store, which
# imports this module.
MATCH_METHODS = ("url", "gtin", "mpn", "fuzzy", "manual")
MATCH_STATUSES = ("suggested", "confirmed", "rejected")


def _check_currency(code: str, where: str) -> None:
    if code not in ISO_CURRENCIES:
        raise ValueError(f"{where}: currency must be an ISO 4217 code, got {code!r}")


def _check_money(value: Decimal | None, what: str, where: str) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise ValueError(f"{where}: {what} must be a positive Decimal or None, got {value!r}")


@dataclass(frozen=True, slots=True)
class ClientRecord:
    """A client merchant (validated by :func:`pricewatch.clients.clients.client_record`)."""

    slug: str
    name: str
    emails: tuple[str, ...]
    locale: str
    currency: str
    timezone: str
    #: An undercut is a competitor this much cheaper, in basis points (500 = 5%).
    undercut_threshold_bp: int = 500

    def __post_init__(self) -> None:
        where = f"client {self.slug!r}"
        _check_currency(self.currency, where)
        if not self.slug or not self.name:
            raise ValueError(f"{where}: slug and name must not be empty")
        if not isinstance(self.emails, tuple):
            raise ValueError(f"{where}: emails must be a tuple")
        if self.undercut_threshold_bp < 0:
            raise ValueError(f"{where}: the undercut threshold must not be negative")


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """One row of a client's catalogue, its money in the client's ``currency``."""

    sku: str
    currency: str
    title: str | None = None
    price: Decimal | None = None
    cost: Decimal | None = None
    #: Minimum advertised / selling price (MAP).
    min_price: Decimal | None = None
    gtin: str | None = None
    mpn: str | None = None
    brand: str | None = None
    keywords: tuple[str, ...] = ()
    competitor_urls: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        where = f"catalogue product {self.sku!r}"
        if not self.sku:
            raise ValueError("catalogue product: the SKU must not be empty")
        _check_currency(self.currency, where)
        _check_money(self.price, "price", where)
        _check_money(self.cost, "cost", where)
        _check_money(self.min_price, "min_price", where)


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """A client product and a competitor listing that sell the same thing."""

    product_id: int
    listing_id: int
    method: str
    status: str
    #: Similarity 0..100 for fuzzy suggestions; None for exact methods.
    score: float | None = None

    def __post_init__(self) -> None:
        if self.method not in MATCH_METHODS:
            raise ValueError(f"unknown match method {self.method!r}")
        if self.status not in MATCH_STATUSES:
            raise ValueError(f"unknown match status {self.status!r}")
