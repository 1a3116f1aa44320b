"""The batch writer: scraped listings into run-length price series, set-wise.

Prices are stored as run-length series (see :class:`~pricewatch.db.models.PriceObservation`):
a crawl that sees the same price, list price, currency and availability as the latest row only
moves that row's ``last_seen``; any change opens a new row. ``store_batch`` is on the hot path
of crawls (thousands of pages a minute), so it works set-wise: a handful of SELECTs load the
batch's shops, listings and latest observations, the records are applied in memory in order,
and the result is written with bulk INSERTs and executemany UPDATEs in one transaction.

It takes :mod:`pricewatch.records` only, which are valid by construction: deciding what may be
stored is the validate pipeline's job, not this module's.

(A little over 400 lines: the writer and the in-memory listing/observation state a batch is
applied to are one algorithm, read together.)
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import CursorResult, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pricewatch.db.models import CrawlRun, Listing, PriceObservation, Shop
from pricewatch.db.store._base import StoreBase, chunks
from pricewatch.db.store.results import BatchResult
from pricewatch.money import to_minor_units
from pricewatch.records import GoneRecord, ListingRecord, PriceRecord, utcnow

log = logging.getLogger(__name__)

# A new price is suspect when it moved by more than 90% against the previous one:
# new > prev * 1.9 or new < prev * 0.1, as integer fractions so minor units compare exactly.
SUSPECT_UP_NUM, SUSPECT_UP_DEN = 19, 10
SUSPECT_DOWN_NUM, SUSPECT_DOWN_DEN = 1, 10

_LISTING_ATTRS = ("title", "sku", "gtin", "mpn", "brand", "image")


def is_suspect(previous_minor: int, new_minor: int) -> bool:
    """Whether a price moved by more than 90% up or down (exact integer arithmetic)."""
    return (
        new_minor * SUSPECT_UP_DEN > previous_minor * SUSPECT_UP_NUM
        or new_minor * SUSPECT_DOWN_DEN < previous_minor * SUSPECT_DOWN_NUM
    )


@dataclass(slots=True, eq=False)
class _ListingState:
    shop_id: int
    url: str
    first_seen: datetime
    last_seen: datetime
    id: int | None = None
    title: str | None = None
    sku: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    brand: str | None = None
    image: str | None = None
    gone_at: datetime | None = None
    is_new: bool = False
    touched: bool = False

    def changes(self) -> dict[str, Any]:
        """The columns a crawl may change (for the UPDATE of a stored listing)."""
        return {
            "title": self.title,
            "sku": self.sku,
            "gtin": self.gtin,
            "mpn": self.mpn,
            "brand": self.brand,
            "image": self.image,
            "last_seen": self.last_seen,
            "gone_at": self.gone_at,
        }

    def row(self) -> dict[str, Any]:
        return {
            "shop_id": self.shop_id,
            "url": self.url,
            "first_seen": self.first_seen,
            **self.changes(),
        }


@dataclass(slots=True, eq=False)
class _ObsState:
    listing: _ListingState
    price_minor: int
    list_price_minor: int | None
    currency: str
    availability: str
    first_seen: datetime
    last_seen: datetime
    id: int | None = None
    run_id: int | None = None
    suspect: bool = False
    extracted_by: str | None = None
    confidence: str | None = None

    def key(self) -> tuple[int, int | None, str, str]:
        return (self.price_minor, self.list_price_minor, self.currency, self.availability)

    def row(self) -> dict[str, Any]:
        assert self.listing.id is not None
        return {
            "listing_id": self.listing.id,
            "price_minor": self.price_minor,
            "list_price_minor": self.list_price_minor,
            "currency": self.currency,
            "availability": self.availability,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "run_id": self.run_id,
            "suspect": self.suspect,
            "extracted_by": self.extracted_by,
            "confidence": self.confidence,
        }


class BatchStore(StoreBase):
    def upsert_shop(
        self,
        slug: str,
        *,
        domain: str | None = None,
        default_currency: str | None = None,
        render: bool | None = None,
    ) -> int:
        """Create or update a shop's row (the arguments given, not None, are written)."""
        with self._write_session() as session, session.begin():
            shop = session.scalars(select(Shop).where(Shop.slug == slug)).one_or_none()
            if shop is None:
                shop = Shop(slug=slug, render=bool(render))
                session.add(shop)
            if domain is not None:
                shop.domain = domain
            if default_currency is not None:
                shop.default_currency = default_currency.upper()
            if render is not None:
                shop.render = render
            session.flush()
            return shop.id

    # ---------------------------------------------------------------------------- runs

    def store_batch(self, run_id: int, records: Sequence[ListingRecord]) -> BatchResult:
        """Store a batch of listing records in one transaction, in order.

        * A :class:`PriceRecord` upserts its shop (by slug) and listing (title, sku, gtin,
          mpn, brand, image when given; ``last_seen``; clears ``gone_at``) and either extends
          the listing's latest observation (same price, list price, currency, availability)
          or opens a new one, flagged ``suspect`` when the price moved by more than 90%
          against the previous observation in the same currency. A listing coming back after
          being gone always opens a new observation, so a row never spans a gap.
        * A :class:`GoneRecord` sets ``gone_at`` on a known listing (unknown URLs are
          ignored; an already gone listing keeps its first ``gone_at``).
        * Anything else is a programming error (``TypeError``): the validate pipeline is the
          gate that turns scraped items into records.

        The same URL may appear several times in a batch. The run's counters are updated in
        the same transaction.
        """
        for record in records:
            if not isinstance(record, PriceRecord | GoneRecord):
                raise TypeError(
                    f"store_batch takes PriceRecord or GoneRecord, not {type(record).__name__}"
                )
        self._ready()
        try:
            return self._store_batch(run_id, records)
        except IntegrityError:
            # Another process inserted one of our shops or listings between our SELECT and
            # INSERT (only possible on PostgreSQL; SQLite writers are serialised). Everything
            # was rolled back: one retry sees the other process's rows.
            log.info("store_batch: concurrent insert of the same shop/listing, retrying")
            return self._store_batch(run_id, records)

    def _store_batch(self, run_id: int, entries: Sequence[ListingRecord]) -> BatchResult:
        result = BatchResult()
        now = utcnow()
        with self._write_session() as session, session.begin():
            counters: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(CrawlRun)
                .where(CrawlRun.id == run_id)
                .values(
                    items_scraped=CrawlRun.items_scraped + len(entries),
                    heartbeat_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if counters.rowcount == 0:
                raise LookupError(f"no crawl run {run_id}")
            if not entries:
                return result

            shop_ids = self._shop_ids(session, entries)
            listings = self._load_listings(session, shop_ids, entries)
            latest = self._load_latest(session, listings)
            new_listings: list[_ListingState] = []
            new_obs: list[_ObsState] = []
            # Stored rows whose last_seen moves (kept here: `latest` may move on to a newer row
            # later in the batch).
            extended: dict[int, _ObsState] = {}

            for item in entries:
                shop_id = shop_ids.get(item.shop)
                key = (shop_id, item.url)
                if isinstance(item, GoneRecord):
                    gone = listings.get(key)
                    if gone is not None and gone.gone_at is None:
                        gone.gone_at = item.fetched_at
                        gone.touched = True
                        result.gone += 1
                    continue

                assert shop_id is not None
                seen = item.fetched_at
                listing = listings.get(key)
                if listing is None:
                    listing = _ListingState(
                        shop_id=shop_id, url=item.url, first_seen=seen, last_seen=seen, is_new=True
                    )
                    listings[key] = listing
                    new_listings.append(listing)
                    result.new_listings += 1
                for attr in _LISTING_ATTRS:
                    # Keep what we know when one crawl fails to extract a field.
                    value = getattr(item, attr)
                    if value is not None:
                        setattr(listing, attr, value)
                listing.last_seen = max(listing.last_seen, seen)
                came_back = listing.gone_at is not None
                listing.gone_at = None
                listing.touched = True

                currency = item.currency.upper()
                price = to_minor_units(item.price, currency)
                list_price = (
                    to_minor_units(item.list_price, currency)
                    if item.list_price is not None
                    else None
                )
                state = (price, list_price, currency, item.availability)
                previous = latest.get(key)
                if previous is not None and not came_back and previous.key() == state:
                    previous.last_seen = max(previous.last_seen, seen)
                    if previous.id is not None:
                        extended[previous.id] = previous
                    result.unchanged += 1
                    continue
                suspect = (
                    previous is not None
                    and previous.currency == currency
                    and is_suspect(previous.price_minor, price)
                )
                obs = _ObsState(
                    listing=listing,
                    price_minor=price,
                    list_price_minor=list_price,
                    currency=currency,
                    availability=item.availability,
                    first_seen=seen,
                    last_seen=seen,
                    run_id=run_id,
                    suspect=suspect,
                    extracted_by=item.extracted_by,
                    confidence=item.confidence,
                )
                latest[key] = obs
                new_obs.append(obs)
                result.new_observations += 1
                result.suspect += suspect

            self._write(session, listings.values(), new_listings, extended.values(), new_obs)
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id)
                .values(
                    observations_new=CrawlRun.observations_new + result.new_observations,
                    observations_unchanged=CrawlRun.observations_unchanged + result.unchanged,
                )
                .execution_options(synchronize_session=False)
            )
        return result

    @staticmethod
    def _shop_ids(session: Session, entries: Sequence[ListingRecord]) -> dict[str, int]:
        """slug -> id for the batch's shops, creating those that priced items need."""
        slugs = sorted({item.shop for item in entries})
        query = select(Shop.slug, Shop.id)
        ids = {slug: id_ for slug, id_ in session.execute(query.where(Shop.slug.in_(slugs)))}
        missing: dict[str, dict[str, Any]] = {}
        for item in entries:
            if isinstance(item, PriceRecord) and item.shop not in ids and item.shop not in missing:
                host = urlsplit(item.url).hostname
                missing[item.shop] = {
                    "slug": item.shop,
                    "domain": host.removeprefix("www.") if host else None,
                    "default_currency": item.currency,
                }
        if missing:
            session.execute(insert(Shop), list(missing.values()))
            ids.update(
                (slug, id_)
                for slug, id_ in session.execute(query.where(Shop.slug.in_(list(missing))))
            )
        return ids

    @staticmethod
    def _load_listings(
        session: Session,
        shop_ids: Mapping[str, int],
        entries: Sequence[ListingRecord],
    ) -> dict[tuple[int | None, str], _ListingState]:
        urls_by_shop: dict[int, set[str]] = defaultdict(set)
        for item in entries:
            shop_id = shop_ids.get(item.shop)
            if shop_id is not None:
                urls_by_shop[shop_id].add(item.url)
        listings: dict[tuple[int | None, str], _ListingState] = {}
        columns = (
            Listing.id,
            Listing.shop_id,
            Listing.url,
            Listing.title,
            Listing.sku,
            Listing.gtin,
            Listing.mpn,
            Listing.brand,
            Listing.image,
            Listing.first_seen,
            Listing.last_seen,
            Listing.gone_at,
        )
        for shop_id, urls in urls_by_shop.items():
            for chunk in chunks(sorted(urls)):
                rows = session.execute(
                    select(*columns).where(Listing.shop_id == shop_id, Listing.url.in_(chunk))
                )
                for row in rows:
                    listings[(row.shop_id, row.url)] = _ListingState(
                        id=row.id,
                        shop_id=row.shop_id,
                        url=row.url,
                        title=row.title,
                        sku=row.sku,
                        gtin=row.gtin,
                        mpn=row.mpn,
                        brand=row.brand,
                        image=row.image,
                        first_seen=row.first_seen,
                        last_seen=row.last_seen,
                        gone_at=row.gone_at,
                    )
        return listings

    @staticmethod
    def _load_latest(
        session: Session, listings: Mapping[tuple[int | None, str], _ListingState]
    ) -> dict[tuple[int | None, str], _ObsState]:
        """The latest observation (highest id) of each of ``listings``, keyed like them."""
        by_id = {listing.id: key for key, listing in listings.items() if listing.id is not None}
        latest: dict[tuple[int | None, str], _ObsState] = {}
        PO = PriceObservation
        for chunk in chunks(sorted(by_id)):
            newest = select(func.max(PO.id)).where(PO.listing_id.in_(chunk)).group_by(PO.listing_id)
            rows = session.execute(
                select(
                    PO.id,
                    PO.listing_id,
                    PO.price_minor,
                    PO.list_price_minor,
                    PO.currency,
                    PO.availability,
                    PO.first_seen,
                    PO.last_seen,
                ).where(PO.id.in_(newest))
            )
            for row in rows:
                key = by_id[row.listing_id]
                latest[key] = _ObsState(
                    id=row.id,
                    listing=listings[key],
                    price_minor=row.price_minor,
                    list_price_minor=row.list_price_minor,
                    currency=row.currency,
                    availability=row.availability,
                    first_seen=row.first_seen,
                    last_seen=row.last_seen,
                )
        return latest

    @staticmethod
    def _write(
        session: Session,
        listings: Iterable[_ListingState],
        new_listings: Sequence[_ListingState],
        extended: Iterable[_ObsState],
        new_obs: Sequence[_ObsState],
    ) -> None:
        if new_listings:
            ids = session.scalars(
                insert(Listing).returning(Listing.id, sort_by_parameter_order=True),
                [listing.row() for listing in new_listings],
            ).all()
            for listing, new_id in zip(new_listings, ids, strict=True):
                listing.id = new_id
        changed = [
            {"id": listing.id, **listing.changes()}
            for listing in listings
            if listing.touched and not listing.is_new
        ]
        if changed:
            session.execute(update(Listing), changed)
        # Rows opened in this batch are inserted with their final last_seen; only stored rows
        # need an UPDATE.
        moved = [{"id": obs.id, "last_seen": obs.last_seen} for obs in extended]
        if moved:
            session.execute(update(PriceObservation), moved)
        if new_obs:
            session.execute(insert(PriceObservation), [obs.row() for obs in new_obs])
