"""The report context: plain, frozen data every report format is rendered from.

:func:`build_context` takes one :class:`~pricewatch.db.store.reports.ReportSource` (loaded by a
fixed number of queries, see :mod:`pricewatch.db.store.reports`) and computes, for the client's
period, per product:

* each matched (confirmed) competitor listing's price, currency, stock and last sighting;
* **lowest / median / highest** over the *included* listings: not gone, latest stock not
  ``out_of_stock``, and priced in the client's currency or convertible to it through an
  ``fx_rate`` (direct, or the inverse of the opposite rate). The others are listed with
  ``included=False`` and the reason, never mixed in;
* **price index** = own price ÷ lowest (2 decimals); **position** = 1 + the number of included
  competitors strictly cheaper than the client;
* undercuts (a competitor cheaper than own price by more than the client's threshold),
  MAP/minimum price violations (a listing that is not gone, below the product's minimum price),
  suspect prices, price and stock changes in the period, new and gone listings;
* and, given to it (:func:`pricewatch.reports.trending.load_trending`), the trending topics
  relevant to the catalogue and the period's biggest cross-platform stories.

Money is ``Decimal`` in the currency named next to it, never float.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from pricewatch.db.store.client_results import ClientInfo
from pricewatch.db.store.reports import (
    MatchedListing,
    Observation,
    OwnProduct,
    ReportSource,
)
from pricewatch.money import currency_exponent
from pricewatch.records import utcnow
from pricewatch.reports.trending import CrossPlatformTopic, Topic

__all__ = ["CrossPlatformTopic", "ReportContext", "Topic", "build_context"]

#: How many products get a full price-history chart (those whose prices moved most).
MOVERS = 5
_HUNDREDTH = Decimal("0.01")
_RATIO = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class PricePoint:
    """A competitor's price from ``at`` on: as shown, and in the client's currency."""

    at: datetime
    price: Decimal
    currency: str
    #: ``price`` in the client's currency; None without an exchange rate.
    converted: Decimal | None
    availability: str


@dataclass(frozen=True, slots=True)
class Competitor:
    shop: str
    url: str
    title: str | None
    #: As the shop shows it, in ``currency``; None if the listing was never priced by then.
    price: Decimal | None
    currency: str | None
    #: ``price`` in the client's currency (None: no exchange rate).
    converted: Decimal | None
    availability: str
    last_seen: datetime | None
    #: Counted in lowest/median/highest and position.
    included: bool
    #: Why not: ``gone``, ``out_of_stock``, ``currency`` (no rate) or ``no_price``.
    excluded_reason: str | None
    suspect: bool
    gone: bool
    #: First seen during the period.
    new: bool
    undercut: bool
    map_violation: bool
    #: Prices through the period (for charts and the history sheet), oldest first.
    history: tuple[PricePoint, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """A listing's price or stock changed at ``at`` (within the period)."""

    shop: str
    url: str
    old_price: Decimal
    old_currency: str
    new_price: Decimal
    currency: str
    old_availability: str
    new_availability: str
    at: datetime
    #: new - old, and (new - old) / old as a fraction (4 decimals); None across currencies.
    delta: Decimal | None
    relative: Decimal | None
    suspect: bool


@dataclass(frozen=True, slots=True)
class ProductReport:
    sku: str
    title: str | None
    #: Own and minimum (MAP) price, in the client's currency (None: unknown/not convertible).
    own_price: Decimal | None
    map_price: Decimal | None
    currency: str
    lowest: Decimal | None
    median: Decimal | None
    highest: Decimal | None
    price_index: Decimal | None
    position: int | None
    cheapest: bool
    undercut: bool
    map_violations: int
    suspect: bool
    competitors: tuple[Competitor, ...]
    changes: tuple[Change, ...]
    #: Sum of the absolute relative price changes in the period (how much it moved).
    movement: Decimal


@dataclass(frozen=True, slots=True)
class ListingEvent:
    """A listing that appeared or went away during the period."""

    sku: str
    shop: str
    url: str
    title: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Summary:
    products: int
    matched: int
    cheapest: int
    undercut: int
    avg_price_index: Decimal | None
    map_violations: int
    changes: int
    new_listings: int
    gone_listings: int
    suspect: int


@dataclass(frozen=True, slots=True)
class ReportContext:
    client: ClientInfo
    period: Period
    generated_at: datetime
    summary: Summary
    products: tuple[ProductReport, ...]
    new_listings: tuple[ListingEvent, ...]
    gone_listings: tuple[ListingEvent, ...]
    #: SKUs of the products whose prices moved most (full history charts), most first.
    movers: tuple[str, ...]
    #: Trending topics relevant to the catalogue, and the period's biggest cross-platform
    #: stories (:mod:`pricewatch.reports.trending`).
    topics: tuple[Topic, ...] = ()
    cross_platform: tuple[CrossPlatformTopic, ...] = ()

    def product(self, sku: str) -> ProductReport:
        return next(p for p in self.products if p.sku == sku)


class _Converter:
    def __init__(self, target: str, rates: dict[tuple[str, str], Decimal]) -> None:
        self.target = target
        self.rates = rates
        self.quantum = Decimal(1).scaleb(-currency_exponent(target))

    def __call__(self, amount: Decimal | None, currency: str | None) -> Decimal | None:
        if amount is None or currency is None:
            return None
        if currency == self.target:
            return amount
        if (currency, self.target) in self.rates:
            value = amount * self.rates[(currency, self.target)]
        elif (self.target, currency) in self.rates:
            value = amount / self.rates[(self.target, currency)]
        else:
            return None
        return value.quantize(self.quantum, rounding=ROUND_HALF_EVEN)


def build_context(
    source: ReportSource,
    period: Period,
    *,
    topics: Sequence[Topic] = (),
    cross_platform: Sequence[CrossPlatformTopic] = (),
    generated_at: datetime | None = None,
) -> ReportContext:
    """The report for ``source``'s client over ``period`` (see the module docstring)."""
    client = source.client
    convert = _Converter(client.currency, source.fx_rates)
    threshold = Decimal(client.undercut_threshold_bp) / 10_000
    by_product: dict[int, list[MatchedListing]] = {}
    for match in source.matches:
        by_product.setdefault(match.product_id, []).append(match)
    products: list[ProductReport] = []
    new_listings: list[ListingEvent] = []
    gone_listings: list[ListingEvent] = []
    for own in source.products:
        matches = by_product.get(own.id, [])
        product = _product(own, matches, source.observations, period, convert, threshold)
        products.append(product)
        for match in matches:
            if period.start < match.first_seen <= period.end:
                new_listings.append(_event(own, match, match.first_seen))
            if match.gone_at is not None and period.start < match.gone_at <= period.end:
                gone_listings.append(_event(own, match, match.gone_at))
    indexes = [p.price_index for p in products if p.price_index is not None]
    summary = Summary(
        products=len(products),
        matched=sum(1 for p in products if p.competitors),
        cheapest=sum(1 for p in products if p.cheapest),
        undercut=sum(1 for p in products if p.undercut),
        avg_price_index=(
            (sum(indexes, Decimal(0)) / len(indexes)).quantize(_HUNDREDTH, ROUND_HALF_EVEN)
            if indexes
            else None
        ),
        map_violations=sum(p.map_violations for p in products),
        changes=sum(len(p.changes) for p in products),
        new_listings=len(new_listings),
        gone_listings=len(gone_listings),
        suspect=sum(1 for p in products if p.suspect),
    )
    movers = sorted((p for p in products if p.movement > 0), key=lambda p: (-p.movement, p.sku))
    return ReportContext(
        client=client,
        period=period,
        generated_at=generated_at or utcnow(),
        summary=summary,
        products=tuple(products),
        new_listings=tuple(sorted(new_listings, key=lambda e: (e.at, e.sku, e.url))),
        gone_listings=tuple(sorted(gone_listings, key=lambda e: (e.at, e.sku, e.url))),
        movers=tuple(p.sku for p in movers[:MOVERS]),
        topics=tuple(topics),
        cross_platform=tuple(cross_platform),
    )


def _event(own: OwnProduct, match: MatchedListing, at: datetime) -> ListingEvent:
    return ListingEvent(sku=own.sku, shop=match.shop, url=match.url, title=match.title, at=at)


def _product(
    own: OwnProduct,
    matches: list[MatchedListing],
    observations: dict[int, list[Observation]],
    period: Period,
    convert: _Converter,
    threshold: Decimal,
) -> ProductReport:
    own_price = convert(own.price, own.currency)
    map_price = convert(own.min_price, own.currency)
    competitors: list[Competitor] = []
    changes: list[Change] = []
    for match in matches:
        rows = observations.get(match.listing_id, [])
        competitors.append(
            _competitor(match, rows, period, convert, own_price, map_price, threshold)
        )
        changes.extend(_changes(match, rows, period))
    included = sorted(c.converted for c in competitors if c.included and c.converted is not None)
    lowest = included[0] if included else None
    position = None
    price_index = None
    if own_price is not None and included:
        position = 1 + sum(1 for price in included if price < own_price)
        price_index = (own_price / included[0]).quantize(_HUNDREDTH, ROUND_HALF_EVEN)
    median = None
    if included:
        median = statistics.median(included).quantize(convert.quantum, ROUND_HALF_EVEN)
    changes.sort(key=lambda c: (c.at, c.shop, c.url))
    return ProductReport(
        sku=own.sku,
        title=own.title,
        own_price=own_price,
        map_price=map_price,
        currency=convert.target,
        lowest=lowest,
        median=median,
        highest=included[-1] if included else None,
        price_index=price_index,
        position=position,
        cheapest=position == 1,
        undercut=any(c.undercut for c in competitors),
        map_violations=sum(1 for c in competitors if c.map_violation),
        suspect=any(c.suspect for c in competitors) or any(c.suspect for c in changes),
        competitors=tuple(competitors),
        changes=tuple(changes),
        movement=sum((abs(c.relative) for c in changes if c.relative), Decimal(0)),
    )


def _competitor(
    match: MatchedListing,
    rows: list[Observation],
    period: Period,
    convert: _Converter,
    own_price: Decimal | None,
    map_price: Decimal | None,
    threshold: Decimal,
) -> Competitor:
    latest = rows[-1] if rows else None
    gone = match.gone_at is not None and match.gone_at <= period.end
    converted = convert(latest.price, latest.currency) if latest else None
    reason = None
    if latest is None:
        reason = "no_price"
    elif gone:
        reason = "gone"
    elif latest.availability == "out_of_stock":
        reason = "out_of_stock"
    elif converted is None:
        reason = "currency"
    included = reason is None
    undercut = (
        included
        and own_price is not None
        and converted is not None
        and converted < own_price * (1 - threshold)
    )
    history = tuple(
        PricePoint(
            at=max(row.first_seen, period.start),
            price=row.price,
            currency=row.currency,
            converted=convert(row.price, row.currency),
            availability=row.availability,
        )
        for row in rows
    )
    return Competitor(
        shop=match.shop,
        url=match.url,
        title=match.title,
        price=latest.price if latest else None,
        currency=latest.currency if latest else None,
        converted=converted,
        availability=latest.availability if latest else "unknown",
        last_seen=latest.last_seen if latest else None,
        included=included,
        excluded_reason=reason,
        suspect=bool(latest and latest.suspect),
        gone=gone,
        new=period.start < match.first_seen <= period.end,
        undercut=bool(undercut),
        map_violation=(
            not gone and map_price is not None and converted is not None and converted < map_price
        ),
        history=history,
    )


def _changes(match: MatchedListing, rows: list[Observation], period: Period) -> list[Change]:
    out = []
    for old, new in itertools.pairwise(rows):
        if not period.start < new.first_seen <= period.end:
            continue
        same = old.currency == new.currency
        out.append(
            Change(
                shop=match.shop,
                url=match.url,
                old_price=old.price,
                old_currency=old.currency,
                new_price=new.price,
                currency=new.currency,
                old_availability=old.availability,
                new_availability=new.availability,
                at=new.first_seen,
                delta=new.price - old.price if same else None,
                relative=(
                    ((new.price - old.price) / old.price).quantize(_RATIO, ROUND_HALF_EVEN)
                    if same
                    else None
                ),
                suspect=new.suspect,
            )
        )
    return out
