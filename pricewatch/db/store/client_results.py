"""What the client, catalogue and match methods of the store return: frozen dataclasses.

Money is ``Decimal`` in the product's currency, never float; tuples rather than lists so the
values stay immutable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pricewatch.db.models import Client


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """A client with counts of its catalogue and matches (``Store.client``, ``Store.clients``)."""

    id: int
    slug: str
    name: str
    emails: tuple[str, ...]
    locale: str
    currency: str
    timezone: str
    undercut_threshold_bp: int
    created_at: datetime
    updated_at: datetime
    products: int = 0
    confirmed_matches: int = 0
    suggested_matches: int = 0


def client_info(
    row: Client, products: int = 0, confirmed: int = 0, suggested: int = 0
) -> ClientInfo:
    """The :class:`ClientInfo` of a ``client`` row (with its counts, when they were read)."""
    return ClientInfo(
        id=row.id,
        slug=row.slug,
        name=row.name,
        emails=tuple(row.emails or ()),
        locale=row.locale,
        currency=row.currency,
        timezone=row.timezone,
        undercut_threshold_bp=row.undercut_threshold_bp,
        created_at=row.created_at,
        updated_at=row.updated_at,
        products=products,
        confirmed_matches=confirmed,
        suggested_matches=suggested,
    )


@dataclass(frozen=True, slots=True)
class CatalogueProduct:
    """One product of a client's catalogue (``Store.catalogue``)."""

    id: int
    sku: str
    title: str | None
    price: Decimal | None
    cost: Decimal | None
    min_price: Decimal | None
    currency: str
    gtin: str | None
    mpn: str | None
    brand: str | None
    keywords: tuple[str, ...]
    competitor_urls: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    #: Confirmed matches to competitor listings.
    matches: int = 0


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What ``Store.import_catalogue`` did, by SKU (each tuple sorted)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FxRateInfo:
    """``1 base = rate quote`` (``Store.fx_rates``)."""

    base: str
    quote: str
    rate: Decimal
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ListingCandidate:
    """A competitor listing as matching sees it (``Store.match_candidates``)."""

    listing_id: int
    shop: str
    url: str
    title: str | None
    gtin: str | None
    mpn: str | None
    brand: str | None
    #: The latest observed price (None for a listing not fetched yet).
    price: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class MatchInfo:
    """A match between a client product and a competitor listing (``Store.matches``)."""

    id: int
    client: str
    product_id: int
    sku: str
    product_title: str | None
    listing_id: int
    shop: str
    url: str
    listing_title: str | None
    method: str
    score: float | None
    status: str
    created_at: datetime
    decided_at: datetime | None
    #: The client's own price and the listing's latest price, for review at a glance.
    own_price: Decimal | None = None
    own_currency: str | None = None
    listing_price: Decimal | None = None
    listing_currency: str | None = None
    #: The listing's identifiers, to tell whether a GTIN/MPN match still holds.
    listing_gtin: str | None = None
    listing_mpn: str | None = None


@dataclass(frozen=True, slots=True)
class MatchSaveResult:
    """What ``Store.save_matches`` did with a set of match records."""

    #: New rows.
    added: int = 0
    #: Suggestions confirmed by new evidence (a catalogue URL, a GTIN/MPN), or re-scored.
    updated: int = 0
    #: Already stored as they are.
    unchanged: int = 0
    #: Pairs a person rejected: a rejection is never overridden automatically.
    kept_rejected: int = 0
